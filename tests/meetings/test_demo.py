"""The demo's meetings: a two-day conference with three rooms and the weekly briefing with one
cancelled and one moved occurrence; seeding twice adds nothing."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import func, select

from planner.core.audit import AuditEntry
from planner.extensions import db
from planner.meetings import recurrence
from planner.meetings.models import Meeting, MeetingKind, MeetingStatus


def test_seed_meetings_is_idempotent(ctx):
    from planner import demo
    from planner.accounts import services as accounts

    org = accounts.create_organization(**demo.ORGANIZATION)
    found = demo.seed_meetings(org)
    conference, briefing = found["conference"], found["briefing"]
    assert conference.kind == MeetingKind.conference and conference.status == MeetingStatus.published
    assert (conference.ends_on - conference.starts_on).days == 1
    assert [(r.name, r.capacity) for r in conference.rooms] == list(demo.CONFERENCE_ROOMS)
    assert conference.public_code
    assert briefing.kind == MeetingKind.briefing and briefing.recurrence == "FREQ=WEEKLY;BYDAY=MO"
    assert (briefing.start_time, briefing.end_time) == (time(8), time(10))
    changes = sorted(briefing.occurrence_changes, key=lambda c: c.original_date)
    assert [c.cancelled for c in changes] == [False, True]
    moved = recurrence.expand(briefing, changes[0].original_date, changes[0].original_date + timedelta(days=6))
    assert moved[0].moved and moved[0].start_time == time(14)

    entries = db.session.scalar(select(func.count(AuditEntry.id)))
    again = demo.seed_meetings(org)
    assert again["conference"].id == conference.id and again["briefing"].id == briefing.id
    assert db.session.scalar(select(func.count(Meeting.id))) == 2
    assert db.session.scalar(select(func.count(AuditEntry.id))) == entries
