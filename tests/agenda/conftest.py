"""Agenda test data: a two-day conference with three rooms and four participants, and a helper that
adds items through the services (times as local "HH:MM" on day 1 or 2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from planner.extensions import db

FIRST_DAY = date(2026, 12, 3)   # a Thursday


def add_room(meeting, name: str, position: int = 0):
    from planner.meetings import services as meetings

    return meetings.add_room(meeting, name=name)


def add_participant(meeting, family: str, middle: str, given: str, precedence: int = 100, *, person=None):
    from planner.delegates import services as delegates

    data = {"family_name": family, "middle_name": middle, "given_name": given, "precedence": precedence}
    return delegates.add_participant(meeting, {} if person is not None else data, person=person,
                                     allow_duplicate=True)


def local(day: int, clock: str) -> datetime:
    """Day 1 or 2 of the meeting at a local time, as a naive datetime (the meeting's local time)."""
    hours, minutes = (int(p) for p in clock.split(":"))
    return datetime.combine(FIRST_DAY + timedelta(days=day - 1), time(hours, minutes))


@dataclass
class Conference:
    org: Any
    user: Any
    meeting: Any
    rooms: list[Any] = field(default_factory=list)
    people: list[Any] = field(default_factory=list)

    def item(self, title: str, start: str, end: str, *, day: int = 1, session=None, room=None,
             presiding=(), kind: str = "report", **data: Any):
        from planner.agenda import services

        data.update(title=title, kind=kind, starts_at=local(day, start), ends_at=local(day, end))
        if session is not None:
            data["parent_id"] = session.public_id
        if room is not None:
            data["room_id"] = room.public_id
        if presiding:
            data["presiding_ids"] = [p.public_id for p in presiding]
        return services.create_item(self.meeting, data, user=self.user)

    def session(self, title: str, start: str, end: str, **kw: Any):
        return self.item(title, start, end, kind="session", **kw)


def make_conference(factory, *, role: str = "organizer", clearance: str = "secret",
                    org_name: str = "Văn phòng Tỉnh ủy Quảng Nam", **meeting: Any) -> Conference:
    from planner.accounts.models import Organization, User
    from planner.meetings import services as meetings

    org_ref = factory.organization(name=org_name, city="Tam Kỳ")
    user_ref = factory.user(org_ref, role=role, clearance=clearance)
    org = db.session.get(Organization, org_ref.id)
    user = db.session.get(User, user_ref.id)
    meeting.setdefault("title", "Hội nghị tổng kết công tác năm 2026")
    meeting.setdefault("kind", "conference")
    meeting.setdefault("starts_on", FIRST_DAY)
    meeting.setdefault("ends_on", FIRST_DAY + timedelta(days=1))
    meeting.setdefault("timezone", "Asia/Ho_Chi_Minh")
    m = meetings.create_meeting(org, user, **meeting)
    conf = Conference(org, user, m)
    conf.rooms = [add_room(m, name, i) for i, name in enumerate(("Hội trường A", "Phòng họp B", "Phòng họp C"))]
    conf.people = [
        add_participant(m, "Nguyễn", "Văn", "An", 1),
        add_participant(m, "Trần", "Thị", "Bình", 2),
        add_participant(m, "Lê", "Quốc", "Cường", 3),
        add_participant(m, "Phạm", "Minh", "Dũng", 4),
    ]
    return conf


@pytest.fixture
def english_ctx(app):
    """A request context whose messages are English (API requests take Accept-Language), so that tests
    can read the services' messages; the Vietnamese ones are checked by tests/test_translations.py."""
    with app.test_request_context("/api/v1/", headers={"Accept-Language": "en"}):
        yield
        db.session.remove()


@pytest.fixture
def conf(english_ctx, factory) -> Conference:
    return make_conference(factory)


class Site:
    """For tests that use the test client: the data is built in an application context of its own
    that is closed before any request (requests must not share it: g and the session would leak).
    ``open()`` gives a fresh context with the conference loaded again, for calling services."""

    def __init__(self, app, factory, **kw: Any):
        self.app = app
        with app.test_request_context():
            conf = make_conference(factory, **kw)
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
def site(app, factory) -> Site:
    return Site(app, factory)
