"""Deadlines: the conclusion notice due five working days after the meeting, and the notices still owed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select

from planner.accounts.models import Organization, User
from planner.core import workdays
from planner.documents import services as document_services
from planner.extensions import db
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting, MeetingStatus
from planner.minutes.models import (
    Minutes,
    MinutesKind,
    MinutesStatus,
)
from planner.minutes.services.base import NOTICE_DUE_WORKING_DAYS, NOTICE_KINDS, NOTICE_LOOKBACK

# Deadlines ---------------------------------------------------------------------------------------------------

def notice_due(meeting: Meeting, holidays: Iterable[date] | None = None) -> date:
    """5 working days after the meeting's last day (weekends and public holidays skipped)."""
    days = holidays if holidays is not None else document_services.holidays(meeting.organization)
    return workdays.add_working_days(meeting.ends_on, NOTICE_DUE_WORKING_DAYS, days)


def owes_notice(meeting: Meeting) -> bool:
    return meeting.kind in NOTICE_KINDS and not meeting.recurrence


@dataclass
class NoticeDue:
    meeting: Meeting
    due: date
    overdue: bool
    drafted: bool
    days_left: int


def notices_due(org: Organization, user: User | None, *, today: date | None = None,
                soon: int = 2) -> list[NoticeDue]:
    """Conclusion notices owed for meetings that took place: overdue ones, and those due within ``soon`` working
    days. Two queries whatever the number of meetings."""
    today = today or datetime.now(UTC).astimezone(ZoneInfo(org.timezone)).date()
    approved = exists().where(Minutes.meeting_id == Meeting.id, Minutes.kind == MinutesKind.notice,
                              Minutes.status == MinutesStatus.approved)
    drafted = select(Minutes.meeting_id).where(Minutes.kind == MinutesKind.notice).scalar_subquery()
    query = (meeting_services.meetings_query(org, user)
             .where(Meeting.ends_on <= today, Meeting.ends_on >= today - NOTICE_LOOKBACK,
                    Meeting.kind.in_([k.value for k in NOTICE_KINDS]), Meeting.recurrence.is_(None),
                    Meeting.status.in_([MeetingStatus.published, MeetingStatus.in_progress, MeetingStatus.closed]),
                    ~approved)
             .add_columns(Meeting.id.in_(drafted))
             .order_by(Meeting.ends_on, Meeting.id))
    holidays = document_services.holidays(org)
    result = []
    for meeting, has_draft in db.session.execute(query):
        due = workdays.add_working_days(meeting.ends_on, NOTICE_DUE_WORKING_DAYS, holidays)
        left = workdays.working_days_between(today, due, holidays)
        if left <= soon:
            result.append(NoticeDue(meeting, due, due < today, bool(has_draft), left))
    return result
