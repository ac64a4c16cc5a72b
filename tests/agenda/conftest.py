"""Agenda test data: a two-day conference with three rooms and four participants (tests/factories.py), and
a helper that adds items (times as local "HH:MM" on day 1 or 2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from planner.extensions import db
from tests import factories
from tests.factories import FIRST_DAY, local  # noqa: F401 - the agenda tests take them from here

ROOMS = ("Hội trường A", "Phòng họp B", "Phòng họp C")
PEOPLE = (("Nguyễn", "Văn", "An"), ("Trần", "Thị", "Bình"), ("Lê", "Quốc", "Cường"), ("Phạm", "Minh", "Dũng"))


@dataclass
class Conference:
    org: Any
    user: Any
    meeting: Any
    rooms: list[Any] = field(default_factory=list)
    people: list[Any] = field(default_factory=list)

    def item(self, title: str, start: str, end: str, *, kind: str = "report", **data: Any):
        return factories.item(self.meeting, title, start, end, by=self.user, kind=kind, **data)

    def session(self, title: str, start: str, end: str, **kw: Any):
        return self.item(title, start, end, kind="session", **kw)


def make_conference(*, role: str = "organizer", clearance: str = "secret",
                    org_name: str = "Văn phòng Tỉnh ủy Quảng Nam", **meeting: Any) -> Conference:
    org, user = factories.office(role=role, clearance=clearance, name=org_name, city="Tam Kỳ")
    meeting.setdefault("days", 2)
    meeting.setdefault("timezone", "Asia/Ho_Chi_Minh")
    m = factories.meeting(org, user, rooms=ROOMS, **meeting)
    people = [factories.participant(m, name, precedence=n) for n, name in enumerate(PEOPLE, start=1)]
    return Conference(org, user, m, list(m.rooms), people)


@pytest.fixture
def english_ctx(app):
    """A request context whose messages are English (API requests take Accept-Language), so that tests
    can read the services' messages; the Vietnamese ones are checked by tests/test_translations.py."""
    with app.test_request_context("/api/v1/", headers={"Accept-Language": "en"}):
        yield
        db.session.remove()


@pytest.fixture
def conf(english_ctx) -> Conference:
    return make_conference()


class Site:
    """For tests that use the test client: the data is built in an application context of its own
    that is closed before any request (requests must not share it: g and the session would leak).
    ``open()`` gives a fresh context with the conference loaded again, for calling services."""

    def __init__(self, app, **kw: Any):
        self.app = app
        with app.test_request_context():
            conf = make_conference(**kw)
            self.email = conf.user.email
            self.org_id = conf.org.id
            self.user_id = conf.user.id
            self.meeting_id = conf.meeting.public_id
            self.room_ids = [r.public_id for r in conf.rooms]
            self.people_ids = [p.public_id for p in conf.people]
            db.session.remove()

    @property
    def editor(self) -> str:
        return f"/meetings/{self.meeting_id}/agenda"

    def open(self):
        from contextlib import contextmanager

        @contextmanager
        def opened():
            from planner.accounts.models import Organization, User
            from planner.delegates.models import Participant
            from planner.meetings.models import Meeting, Room

            with self.app.test_request_context():
                org = db.session.get(Organization, self.org_id)
                user = db.session.get(User, self.user_id)
                meeting = db.session.scalar(db.select(Meeting).where(Meeting.public_id == self.meeting_id))
                rooms = {r.public_id: r for r in db.session.scalars(
                    db.select(Room).where(Room.meeting_id == meeting.id))}
                people = {p.public_id: p for p in db.session.scalars(
                    db.select(Participant).where(Participant.meeting_id == meeting.id)).unique()}
                conf = Conference(org, user, meeting, [rooms[i] for i in self.room_ids],
                                  [people[i] for i in self.people_ids])
                try:
                    yield conf
                finally:
                    db.session.remove()

        return opened()


@pytest.fixture
def site(app) -> Site:
    return Site(app)
