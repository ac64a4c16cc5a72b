"""The statistics of a generated office match counts made directly in SQL, and follow the clearance."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import distinct, extract, func, select

from planner.core.errors import ValidationError
from planner.delegates.models import AttendanceStatus, Participant, ParticipantAttendance, ParticipantCategory
from planner.extensions import db
from planner.meetings.models import Meeting, MeetingStatus
from planner.minutes.models import Minutes, MinutesKind, MinutesStatus
from planner.reports import services
from planner.speeches.models import Speech, SpeechStatus
from tests.reports.conftest import TODAY

HELD = [MeetingStatus.published, MeetingStatus.in_progress, MeetingStatus.closed, MeetingStatus.archived]
OWING = ["conference", "meeting", "briefing", "congress"]


def by_month(rows) -> dict[int, int]:
    return {int(month): count for month, count in rows}


def sql_figures(office) -> dict[str, dict[int, int]]:
    """The same figures for the single, unclassified meetings of 2026, counted by SQL alone."""
    month = extract("month", Meeting.starts_on)
    single = (Meeting.organization_id == office.org.id, Meeting.recurrence.is_(None), Meeting.status.in_(HELD),
              Meeting.classification == "none", Meeting.starts_on <= TODAY)
    invited = Participant.category != ParticipantCategory.staff
    run = db.session.execute
    return {
        "meetings": by_month(run(select(month, func.count(Meeting.id)).where(*single).group_by(month))),
        "invited": by_month(run(select(month, func.count(Participant.id)).join(Participant.meeting)
                                .where(*single, invited).group_by(month))),
        "invited_recorded": by_month(run(
            select(month, func.count(Participant.id)).join(Participant.meeting)
            .where(*single, invited, Meeting.id.in_(
                select(Participant.meeting_id).join(ParticipantAttendance).where(invited)))
            .group_by(month))),
        "present": by_month(run(select(month, func.count(distinct(Participant.id)))
                                .select_from(ParticipantAttendance).join(Participant).join(Participant.meeting)
                                .where(*single, invited, ParticipantAttendance.status == AttendanceStatus.present)
                                .group_by(month))),
        "speeches": by_month(run(select(month, func.count(Speech.id)).join(Meeting, Meeting.id == Speech.meeting_id)
                                 .where(*single, Speech.status == SpeechStatus.done).group_by(month))),
        "minutes_approved": by_month(run(
            select(month, func.count(Minutes.id)).join(Meeting, Meeting.id == Minutes.meeting_id)
            .where(*single, Meeting.kind.in_(OWING), Minutes.kind == MinutesKind.minutes,
                   Minutes.status == MinutesStatus.approved).group_by(month))),
        "minutes_due": by_month(run(select(month, func.count(Meeting.id))
                                    .where(*single, Meeting.kind.in_(OWING)).group_by(month))),
    }


def test_monthly_figures_match_sql(app, office):
    with app.test_request_context():
        org, admin, viewer = office.objects()
        # The viewer has no clearance for the secret meeting: the figures are those of the unclassified ones.
        stats = services.statistics(org, viewer, start=date(2026, 1, 1), end=date(2026, 12, 31), today=TODAY)
        expected = sql_figures(office)
        assert [r.period for r in stats.rows] == [date(2026, m, 1) for m in range(1, 13)]
        weekly = Counter()  # the weekly briefing: 8 Mondays from 7 September, one cancelled
        for day in (date(2026, 9, 7), date(2026, 9, 21), date(2026, 9, 28), date(2026, 10, 5), date(2026, 10, 12),
                    date(2026, 10, 19), date(2026, 10, 26)):
            weekly[day.month] += 1
        for row in stats.rows:
            m = row.period.month
            assert row.meetings == expected["meetings"].get(m, 0) + weekly[m], m
            assert row.invited == expected["invited"].get(m, 0), m
            assert row.present == expected["present"].get(m, 0), m
            assert row.invited_recorded == expected["invited_recorded"].get(m, 0), m
            assert row.speeches == expected["speeches"].get(m, 0), m
            assert row.speaking_seconds == 360 * row.speeches, "7 minutes each, one of them paused"
            assert row.minutes_approved == expected["minutes_approved"].get(m, 0), m
            assert row.minutes_due == expected["minutes_due"].get(m, 0), m
        assert stats.total.meetings == sum(r.meetings for r in stats.rows) > 10
        assert stats.total.invited > stats.total.invited_recorded, "some meetings took no attendance"
        assert stats.total.present > 0 and stats.total.speeches > 0 and stats.total.minutes_approved > 0
        assert stats.rows[-1].meetings == 0, "December has not come yet"

        cleared = services.statistics(org, admin, start=date(2026, 1, 1), end=date(2026, 12, 31), today=TODAY)
        june = cleared.rows[5]
        assert june.meetings == stats.rows[5].meetings + 1, "the secret meeting counts for a cleared user"
        assert june.by_kind["meeting"] == stats.rows[5].by_kind.get("meeting", 0) + 1


def test_quarters_and_years_add_up_and_kinds_filter(app, office):
    with app.test_request_context():
        org, admin, _viewer = office.objects()
        months = services.statistics(org, admin, start=date(2026, 1, 1), end=date(2026, 12, 31), today=TODAY)
        quarters = services.statistics(org, admin, start=date(2026, 1, 1), end=date(2026, 12, 31),
                                       grouping="quarter", today=TODAY)
        years = services.statistics(org, admin, start=date(2026, 1, 1), end=date(2026, 12, 31), grouping="year",
                                    today=TODAY)
        assert [r.period for r in quarters.rows] == [date(2026, m, 1) for m in (1, 4, 7, 10)]
        for q, row in enumerate(quarters.rows):
            assert row.meetings == sum(r.meetings for r in months.rows[q * 3:q * 3 + 3])
            assert row.present == sum(r.present for r in months.rows[q * 3:q * 3 + 3])
        assert years.rows[0].meetings == months.total.meetings == quarters.total.meetings
        briefings = services.statistics(org, admin, start=date(2026, 1, 1), end=date(2026, 12, 31),
                                        kinds=["briefing"], today=TODAY)
        assert briefings.total.meetings == months.total.by_kind["briefing"]
        assert set(briefings.total.by_kind) == {"briefing"}


def test_notices_on_time_late_and_missing(app, factory):
    """A notice is on time when approved within 5 working days after the meeting, weekends skipped."""
    from datetime import UTC, datetime, time

    from sqlalchemy import update

    from tests.minutes.conftest import build_scene

    scene = build_scene(app, factory, day=date(2026, 11, 6))
    with app.test_request_context():
        from planner.minutes import services as minutes

        meeting, admin = scene.meeting(), scene.user(scene.admin)
        org = meeting.organization
        # Friday 6 November: due Friday 13 November (Monday to Friday are the five working days).
        stats = services.statistics(org, admin, start=date(2026, 11, 1), end=date(2026, 11, 30), today=TODAY)
        assert (stats.total.notices_missing, stats.total.notices_on_time) == (1, 0)
        notice = minutes.generate(meeting, MinutesKind.notice, user=admin)
        minutes.save(notice, {s["key"]: {"text": "Thống nhất thông qua."} for s in notice.sections
                              if s["key"].startswith("item:")}, user=admin, version=notice.version)
        minutes.set_status(notice, "approved", user=admin, version=notice.version)
        for approved_on, on_time in ((date(2026, 11, 13), 1), (date(2026, 11, 16), 0)):
            db.session.execute(update(Minutes).where(Minutes.id == notice.id).values(
                approved_at=datetime.combine(approved_on, time(9, 0), UTC)))
            db.session.commit()
            stats = services.statistics(org, admin, start=date(2026, 11, 1), end=date(2026, 11, 30), today=TODAY)
            assert (stats.total.notices_on_time, stats.total.notices_late) == (on_time, 1 - on_time), approved_on


def test_a_wrong_filter_is_refused_with_a_message(app, office):
    with app.test_request_context():
        org, admin, _viewer = office.objects()
        for kwargs, field in (({"start": date(2026, 5, 1), "end": date(2026, 4, 1)}, "end"),
                              ({"grouping": "week"}, "grouping"), ({"kinds": ["party"]}, "kind"),
                              ({"start": date(2000, 1, 1), "end": date(2026, 1, 1)}, "start")):
            with pytest.raises(ValidationError) as refused:
                services.statistics(org, admin, today=TODAY, **kwargs)
            assert refused.value.field == field


def test_periods_cover_the_range_with_empty_ones():
    G = services.Grouping
    assert services.periods(date(2025, 11, 15), date(2026, 2, 1), G.month) == [
        date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert services.periods(date(2025, 11, 15), date(2026, 4, 1), G.quarter) == [
        date(2025, 10, 1), date(2026, 1, 1), date(2026, 4, 1)]
    assert services.periods(date(2024, 2, 29), date(2026, 1, 1), G.year) == [
        date(2024, 1, 1), date(2025, 1, 1), date(2026, 1, 1)]
