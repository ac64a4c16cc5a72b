"""Meeting test data, built through the services: an office with an organizer, meetings, participants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

import pytest

from planner.extensions import db
from tests import factories
from tests.queries import QueryCounter  # noqa: F401 - the one counter; tests import it from here too

MONDAY = date(2026, 11, 23)  # the Monday of the week of "today" in these tests


@dataclass
class Office:
    org: Any
    user: Any

    def meeting(self, **data: Any):
        return factories.meeting(self.org, self.user, **data)

    def briefing(self, **data: Any):
        """The weekly briefing: Mondays 8:00–10:00 from MONDAY."""
        data.setdefault("title", "Giao ban Văn phòng")
        data.setdefault("kind", "briefing")
        data.setdefault("starts_on", MONDAY)
        data.setdefault("start_time", time(8, 0))
        data.setdefault("end_time", time(10, 0))
        data.setdefault("venue", "Phòng họp số 1")
        data.setdefault("recurrence", "FREQ=WEEKLY;BYDAY=MO")
        return self.meeting(**data)

    def participant(self, meeting, family: str, middle: str, given: str, precedence: int = 100):
        """Written as rows, not through delegates' add_participant: the meetings' tests read the meeting's
        audit trail entry by entry, and a participant's own entries are the delegates package's concern."""
        from planner.delegates.models import Participant, Person

        person = Person(organization_id=self.org.id, family_name=family, middle_name=middle, given_name=given)
        db.session.add(person)
        db.session.flush()
        participant = Participant(meeting_id=meeting.id, person_id=person.id, precedence=precedence)
        db.session.add(participant)
        db.session.commit()
        return participant


def make_office(*, role: str = "organizer", clearance: str = "secret", **org: Any) -> Office:
    return Office(*factories.office(role=role, clearance=clearance, **org))


@pytest.fixture
def office(ctx) -> Office:
    return make_office()


def audit_actions(meeting_id: int | None = None) -> list[str]:
    from sqlalchemy import select

    from planner.core.audit import AuditEntry

    query = select(AuditEntry.action).order_by(AuditEntry.id)
    if meeting_id is not None:
        query = query.where(AuditEntry.meeting_id == meeting_id)
    return list(db.session.scalars(query))


@dataclass
class Site:
    """For tests through the test client: data built in its own request context, closed before requests."""

    email: str
    org_id: int
    user_id: int


def make_site(app, *, role: str = "organizer", clearance: str = "secret", **org: Any) -> Site:
    with app.test_request_context():
        office = make_office(role=role, clearance=clearance, **org)
        site = Site(office.user.email, office.org.id, office.user.id)
        db.session.remove()
    return site


def open_office(site: Site) -> Office:
    from planner.accounts.models import Organization, User

    return Office(db.session.get(Organization, site.org_id), db.session.get(User, site.user_id))
