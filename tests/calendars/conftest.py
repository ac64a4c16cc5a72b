"""Calendar test data, built through the services: an office, a conference with rooms, delegates, an
agenda and its releases; a weekly briefing; helpers that fetch and parse feeds."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from planner.extensions import db
from tests.queries import QueryCounter

FIRST_DAY = date(2026, 12, 3)      # a Thursday
MONDAY = date(2026, 11, 2)         # the first Monday of the weekly briefing


def local(day: int, clock: str, first: date = FIRST_DAY) -> datetime:
    """Day 1, 2… of a meeting at a local time, naive (the services take it as the meeting's time)."""
    hours, minutes = (int(p) for p in clock.split(":"))
    return datetime.combine(first + timedelta(days=day - 1), time(hours, minutes))


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
        from planner.meetings import services as meetings
        from planner.meetings.models import Room

        with self.open() as (org, user):
            data.setdefault("title", "Hội nghị tổng kết công tác năm 2026")
            data.setdefault("kind", "conference")
            data.setdefault("starts_on", FIRST_DAY)
            data.setdefault("ends_on", FIRST_DAY + timedelta(days=1))
            data.setdefault("venue", "Trung tâm Hội nghị tỉnh")
            meeting = meetings.create_meeting(org, user, **data)
            for n, name in enumerate(rooms):
                db.session.add(Room(meeting_id=meeting.id, name=name, position=n))
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
        from planner.delegates import services

        with self.open():
            participant = services.add_participant(self.meeting_row(meeting_id), {"full_name": full_name, **data},
                                                   reuse_person=True)
            return participant.public_id

    def room(self, meeting_id: str, name: str) -> str:
        from planner.meetings.models import Room

        with self.open():
            meeting = self.meeting_row(meeting_id)
            return db.session.scalar(select(Room.public_id).where(Room.meeting_id == meeting.id, Room.name == name))

    def item(self, meeting_id: str, title: str, start: str, end: str, *, day: int = 1, room: str | None = None,
             session: str | None = None, presiding: tuple[str, ...] = (), kind: str = "report", **data: Any) -> str:
        from planner.agenda import services

        room_id = self.room(meeting_id, room) if room else None
        with self.open() as (_org, user):
            first = self.meeting_row(meeting_id).starts_on
            data.update(title=title, kind=kind, starts_at=local(day, start, first), ends_at=local(day, end, first))
            if room_id:
                data["room_id"] = room_id
            if session:
                data["parent_id"] = session
            if presiding:
                data["presiding_ids"] = list(presiding)
            return services.create_item(self.meeting_row(meeting_id), data, user=user).public_id

    def update_item(self, item_id: str, **data: Any) -> None:
        from planner.agenda import services

        with self.open() as (org, user):
            services.update_item(services.get_item(org, item_id, user=user), data, user=user)

    def publish(self, meeting_id: str) -> int:
        from planner.agenda import services

        with self.open() as (_org, user):
            return services.publish(self.meeting_row(meeting_id), user=user).number

    def speech(self, item_id: str, participant_id: str, **data: Any) -> str:
        from planner.agenda import services as agenda
        from planner.speeches import services

        with self.open() as (org, user):
            item = agenda.get_item(org, item_id, user=user)
            return services.add_speech(item, {"participant_id": participant_id, **data}, user=user).public_id

    def briefing(self, **data: Any) -> str:
        """The weekly briefing: Mondays 8:00–10:00 from MONDAY, five times."""
        from planner.meetings import services as meetings

        with self.open() as (org, user):
            data.setdefault("title", "Giao ban Văn phòng")
            data.setdefault("kind", "briefing")
            data.setdefault("starts_on", MONDAY)
            data.setdefault("ends_on", data["starts_on"])
            data.setdefault("start_time", time(8, 0))
            data.setdefault("end_time", time(10, 0))
            data.setdefault("venue", "Phòng họp số 1")
            data.setdefault("recurrence", "FREQ=WEEKLY;BYDAY=MO;COUNT=5")
            meeting = meetings.create_meeting(org, user, **data)
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
