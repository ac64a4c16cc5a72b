"""A generated office for the reports: a seeded random year of meetings made through the services, with
participants, attendance, delivered speeches, approved minutes and notices."""

from __future__ import annotations

import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import event, update

from planner.extensions import db
from tests import factories

TODAY = date(2026, 11, 23)   # a Monday
KINDS = ("conference", "meeting", "briefing", "seminar", "congress")
FAMILIES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi")
GIVENS = ("An", "Bình", "Cường", "Dũng", "Hà", "Lan", "Minh", "Tâm", "Thảo", "Vinh")


@dataclass
class Office:
    org: Any
    admin: Any
    viewer: Any
    meeting_ids: list[int] = field(default_factory=list)
    weekly_id: int | None = None
    secret_id: int | None = None

    def objects(self):
        from planner.accounts.models import Organization, User
        return (db.session.get(Organization, self.org.id), db.session.get(User, self.admin.id),
                db.session.get(User, self.viewer.id))


@contextmanager
def counting_queries():
    """Counts the SQL statements run inside the block: ``with counting_queries() as count: ...; count()``."""
    found: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        found.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield lambda: len(found)
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def build_office(app, factory, *, meetings: int = 24, seed: int = 7, password: bool = False) -> Office:
    """``meetings`` single meetings from January to November 2026, a weekly briefing (one occurrence
    cancelled) and one secret meeting; random kinds, statuses, participants and outcomes."""
    from planner.accounts.models import Organization, User
    from planner.delegates import services as delegates
    from planner.documents import services as document_services
    from planner.meetings import services as meeting_services
    from planner.minutes.models import Minutes, MinutesKind
    from planner.speeches.models import Speech

    rng = random.Random(seed)
    org_ref = factory.organization(name=f"Văn phòng Tỉnh ủy số {factory._next()}", body_code="VPTU")
    pw = {} if password else {"password": None}
    admin = factory.user(org_ref, role="admin", clearance="top_secret", **pw)
    viewer = factory.user(org_ref, role="viewer", clearance="internal", **pw)
    office = Office(org_ref, admin, viewer)
    with app.test_request_context():
        org, user = db.session.get(Organization, org_ref.id), db.session.get(User, admin.id)
        # the notices are signed by the head of the office (without a signer nothing is approved)
        document_services.update_settings(org, {"signatures": {"notice": {"right": {"name": "Trần Văn Minh"}}}})

        def participants(meeting, day, count):
            people = []
            for n in range(count):
                category = rng.choice(("delegate", "delegate", "guest", "leader", "staff"))
                family = rng.choice(FAMILIES)
                p = factories.participant(meeting, (family, "Văn", f"{rng.choice(GIVENS)} {n}"), title="Chuyên viên",
                                          unit="Văn phòng", category=category)
                outcome = rng.random()
                if outcome < 0.6:
                    delegates.check_in(p, day, user=user)
                elif outcome < 0.75:
                    delegates.set_attendance(p, day, "excused", "công tác", user=user)
                elif outcome < 0.85:
                    delegates.set_attendance(p, day, "absent", "", user=user)
                people.append(p)
            return people

        for n in range(meetings):
            day = date(2026, 1, 5) + timedelta(days=rng.randrange(0, 320))
            kind = rng.choice(KINDS)
            meeting = factories.meeting(org, user, title=f"Cuộc họp số {n + 1}", kind=kind, starts_on=day,
                                        start_time=time(8, 0), end_time=time(11, 0), venue="Phòng họp số 1")
            office.meeting_ids.append(meeting.id)
            status = rng.choice(("draft", "published", "closed", "closed", "closed"))
            people = participants(meeting, day, rng.randrange(0, 7))
            if people:  # who presides and who takes the minutes: the minutes are signed by both
                meeting_services.set_presiding(meeting, [people[0].public_id])
                meeting_services.set_secretaries(meeting, [people[-1].public_id])
            if status == "closed" and people and kind in ("conference", "meeting", "briefing", "congress"):
                item = factories.item(meeting, "Thảo luận", "09:00", "10:00", by=user, kind="discussion")
                for k in range(rng.randrange(0, 3)):
                    speech = factories.speech(item, people[k % len(people)], user, kind="discussion")
                    # The live control stamps the clock of the day; a past delivery is written as it happened.
                    started = datetime.combine(day, time(2 + k, 0), UTC)   # 09:00 + k h in Hà Nội
                    db.session.execute(update(Speech).where(Speech.id == speech.id).values(
                        status="done", started_at=started, ended_at=started + timedelta(minutes=7), paused_seconds=60))
                db.session.commit()
            if status != "draft":
                meeting_services.set_status(meeting, "published")
            if status == "closed":
                meeting_services.set_status(meeting, "closed")
            if status == "closed" and people and kind in ("conference", "meeting", "briefing", "congress"):
                for kind_ in (MinutesKind.minutes, MinutesKind.notice):
                    roll = rng.random()
                    if roll < 0.3:
                        continue
                    doc = factories.minutes(meeting, user, kind_)
                    if roll < 0.85:
                        # Approved some days after the meeting. These bare meetings would not pass the clerk's
                        # check (no presiding person, no secretary): the figures count approvals, so the row is
                        # marked approved as it would stand (tests/minutes covers approval itself).
                        db.session.execute(update(Minutes).where(Minutes.id == doc.id).values(
                            status="approved",
                            approved_at=datetime.combine(day + timedelta(days=rng.randrange(1, 12)), time(3, 0), UTC)))
                        db.session.commit()

        weekly = factories.meeting(org, user, title="Giao ban tuần", kind="briefing", starts_on=date(2026, 9, 7),
                                   start_time=time(7, 30), end_time=time(8, 30),
                                   recurrence="FREQ=WEEKLY;BYDAY=MO;COUNT=8")
        meeting_services.set_status(weekly, "published")
        meeting_services.cancel_occurrence(weekly, date(2026, 9, 14))
        office.weekly_id = weekly.id
        secret = factories.meeting(org, user, title="Họp mật", kind="meeting", classification="secret",
                                   starts_on=date(2026, 6, 10))
        meeting_services.set_status(secret, "published")
        participants(secret, date(2026, 6, 10), 3)
        office.secret_id = secret.id
    return office


@pytest.fixture
def office(app, factory) -> Office:
    return build_office(app, factory)
