"""Calendar test data, built with tests/factories.py: an office, a conference with rooms, delegates, an
agenda and its releases; a weekly briefing; helpers that fetch and parse feeds."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from planner.extensions import db
from tests import factories
from tests.factories import FIRST_DAY, local  # noqa: F401 - the calendars' tests take them from here
from tests.queries import QueryCounter

MONDAY = date(2026, 11, 2)         # the first Monday of the weekly briefing


class Scene:
    """Data made in request contexts of its own, closed before any request of the test client."""

    def __init__(self, app, factory, *, timezone: str = "Asia/Ho_Chi_Minh", clearance: str = "secret"):
        self.app = app
        self.factory = factory
        org = factory.organization(name=f"Văn phòng Tỉnh ủy {timezone}", city="Tam Kỳ", timezone=timezone)
        self.org_id = org.id
        user = factory.user(org, role="admin", clearance=clearance)
        self.user_id = user.id
        self.email = user.email

    @contextmanager
    def open(self):
        """A request context with the organization and the user loaded: (org, user)."""
        from planner.accounts.models import Organization, User

        with self.app.test_request_context():
            try:
                yield db.session.get(Organization, self.org_id), db.session.get(User, self.user_id)
            finally:
                db.session.remove()

    def meeting_row(self, public_id: str):
        from planner.meetings.models import Meeting

        return db.session.scalar(select(Meeting).where(Meeting.public_id == public_id))

    def conference(self, *, rooms=("Hội trường A", "Phòng họp B"), publish_status: bool = True,
                   **data: Any) -> str:
        """A two-day conference with rooms; answers its public id. Published (with a public code) unless
        ``publish_status`` is false."""
        with self.open() as (org, user):
            data.setdefault("days", 2)
            data.setdefault("venue", "Trung tâm Hội nghị tỉnh")
            meeting = factories.meeting(org, user, rooms=rooms, **data)
            # published as it stands, with a code of its own: the feeds' tests do not go through the release
            if publish_status:
                meeting.status = "published"
                if meeting.classification == "none":
                    meeting.public_code = f"pub{meeting.id}x"
            db.session.commit()
            return meeting.public_id

    def public_code(self, meeting_id: str) -> str:
        with self.open():
            return self.meeting_row(meeting_id).public_code

    def set_meeting(self, meeting_id: str, **values: Any) -> None:
        with self.open():
            meeting = self.meeting_row(meeting_id)
            for key, value in values.items():
                setattr(meeting, key, value)
            db.session.commit()

    def delegate(self, meeting_id: str, full_name: str, **data: Any) -> str:
        with self.open():
            return factories.participant(self.meeting_row(meeting_id), full_name, reuse_person=True, **data).public_id

    def room(self, meeting_id: str, name: str) -> str:
        from planner.meetings.models import Room

        with self.open():
            meeting = self.meeting_row(meeting_id)
            return db.session.scalar(select(Room.public_id).where(Room.meeting_id == meeting.id, Room.name == name))

    def item(self, meeting_id: str, title: str, start: str, end: str, *, day: int = 1, room: str | None = None,
             session: str | None = None, presiding: tuple[str, ...] = (), kind: str = "report", **data: Any) -> str:
        room_id = self.room(meeting_id, room) if room else None
        with self.open() as (_org, user):
            return factories.item(self.meeting_row(meeting_id), title, start, end, by=user, day=day, kind=kind,
                                  room=room_id, session=session, presiding=presiding, **data).public_id

    def update_item(self, item_id: str, **data: Any) -> None:
        from planner.agenda import services

        with self.open() as (org, user):
            services.update_item(services.get_item(org, item_id, user=user), data, user=user)

    def publish(self, meeting_id: str) -> int:
        with self.open() as (_org, user):
            return factories.released(self.meeting_row(meeting_id), user).number

    def speech(self, item_id: str, participant_id: str, **data: Any) -> str:
        from planner.agenda import services as agenda

        with self.open() as (org, user):
            return factories.speech(agenda.get_item(org, item_id, user=user), participant_id, user, **data).public_id

    def briefing(self, **data: Any) -> str:
        """The weekly briefing: Mondays 8:00–10:00 from MONDAY, five times."""
        with self.open() as (org, user):
            data.setdefault("title", "Giao ban Văn phòng")
            data.setdefault("kind", "briefing")
            data.setdefault("starts_on", MONDAY)
            data.setdefault("start_time", time(8, 0))
            data.setdefault("end_time", time(10, 0))
            data.setdefault("venue", "Phòng họp số 1")
            data.setdefault("recurrence", "FREQ=WEEKLY;BYDAY=MO;COUNT=5")
            meeting = factories.meeting(org, user, **data)
            meeting.status = "published"
            db.session.commit()
            return meeting.public_id

    def cancel_occurrence(self, meeting_id: str, day: date) -> None:
        from planner.meetings import services as meetings

        with self.open():
            meetings.cancel_occurrence(self.meeting_row(meeting_id), day)

    def move_occurrence(self, meeting_id: str, day: date, **kw: Any) -> None:
        from planner.meetings import services as meetings

        with self.open():
            meetings.move_occurrence(self.meeting_row(meeting_id), day, **kw)

    def meeting_feed(self, meeting_id: str, label: str = "") -> str:
        """A secret link to the meeting's feed: its path."""
        from planner.calendars import services

        with self.open() as (_org, user):
            _token, secret = services.issue_meeting_feed(self.meeting_row(meeting_id), user=user, label=label)
            return f"/feeds/m/{secret}.ics"

    def personal_feed(self, participant_id: str) -> str:
        from planner.calendars import services
        from planner.delegates import services as delegates

        with self.open() as (org, user):
            participant = delegates.get_participant(org, participant_id, user=user)
            _token, secret = services.issue_personal_feed(participant, user=user)
            return f"/feeds/p/{secret}.ics"

    def user_feed(self, user_id: int | None = None) -> str:
        from planner.accounts.models import User
        from planner.calendars import services

        with self.open() as (org, user):
            if user_id is not None:
                user = db.session.get(User, user_id)
            _token, secret = services.issue_user_feed(user, org)
            return f"/feeds/u/{secret}.ics"

    def settings(self, **data: Any) -> None:
        from planner.calendars import services

        with self.open() as (org, _user):
            services.update_settings(org, data)


@pytest.fixture
def scene(app, factory) -> Scene:
    return Scene(app, factory)


def parse(raw: bytes) -> Calendar:
    return Calendar.from_ical(raw)


def events(raw: bytes) -> dict[str, Any]:
    """The VEVENTs of a calendar by UID (a series' overrides under "UID#RECURRENCE-ID")."""
    found = {}
    for ev in parse(raw).walk("VEVENT"):
        key = str(ev["UID"])
        if "RECURRENCE-ID" in ev:
            key += "#" + ev.decoded("RECURRENCE-ID").isoformat()
        found[key] = ev
    return found


def uid(item_id: str) -> str:
    return f"{item_id}@planner"


def utc(ev, name: str = "dtstart") -> datetime:
    from datetime import UTC

    return ev.decoded(name).astimezone(UTC)


HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def queries(app):
    def make():
        with app.app_context():
            return QueryCounter(db.engine)
    return make
