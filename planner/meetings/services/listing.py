"""Lists of meetings and the work calendar's occurrences, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from planner.accounts.models import Organization, User
from planner.core.errors import ValidationError
from planner.core.text import fold
from planner.extensions import db
from planner.meetings import recurrence
from planner.meetings.models import (
    Meeting,
    MeetingKind,
    MeetingStatus,
)
from planner.meetings.recurrence import Occurrence
from planner.meetings.services.base import MAX_MOVE_DAYS, meetings_query

# Lists and the work calendar ---------------------------------------------------------------------

@dataclass
class MeetingFilter:
    status: str | None = None
    kind: str | None = None
    start: date | None = None   # with end: occurrences that touch these days (recurring ones expanded)
    end: date | None = None
    q: str | None = None

    @property
    def by_dates(self) -> bool:
        return self.start is not None or self.end is not None

    def bounds(self) -> tuple[date, date]:
        """The days asked for; one bound alone means a year from (or up to) it."""
        start = self.start or (self.end - timedelta(days=365) if self.end else date.today())
        end = self.end or start + timedelta(days=365)
        return start, end


def _filtered(org: Organization, user: User | None, f: MeetingFilter) -> Select[tuple[Meeting]]:
    query = meetings_query(org, user)
    if f.status:
        try:
            query = query.where(Meeting.status == MeetingStatus(f.status))
        except ValueError:
            raise ValidationError(_("Unknown status: %(status)s", status=f.status), field="status") from None
    if f.kind:
        try:
            query = query.where(Meeting.kind == MeetingKind(f.kind))
        except ValueError:
            raise ValidationError(_("Unknown kind or classification."), field="kind") from None
    if f.q and fold(f.q).strip():
        query = query.where(Meeting.search_folded.contains(fold(f.q).strip(), autoescape=True))
    return query


def _in_days(query: Select[tuple[Meeting]], start: date, end: date) -> Select[tuple[Meeting]]:
    """Meetings that may touch the days: single ones that overlap, recurring series begun by then."""
    return query.where(or_(
        and_(Meeting.recurrence.is_(None), Meeting.starts_on <= end, Meeting.ends_on >= start),
        and_(Meeting.recurrence.is_not(None), Meeting.starts_on <= end + timedelta(days=MAX_MOVE_DAYS)),
    ))


def list_meetings(org: Organization, user: User | None, f: MeetingFilter, *, limit: int = 50,
                  offset: int = 0) -> tuple[list[Meeting], int]:
    """Meetings (one row each, recurring ones once), newest first; with dates, those that touch them."""
    query = _filtered(org, user, f)
    if f.by_dates:
        start, end = f.bounds()
        if end < start:
            raise ValidationError(_("The end of the period is before its start."), field="end")
        candidates = db.session.scalars(_in_days(query, start, end).options(
            selectinload(Meeting.occurrence_changes))).all()
        ids = [m.id for m in candidates if recurrence.expand(m, start, end)]
        query = query.where(Meeting.id.in_(ids))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = db.session.scalars(
        query.options(selectinload(Meeting.presiding))
        .order_by(Meeting.starts_on.desc(), Meeting.id.desc()).limit(limit).offset(offset)
    ).all()
    return list(rows), total


def list_occurrences(org: Organization, user: User | None, f: MeetingFilter, *, limit: int = 50,
                     offset: int = 0) -> tuple[list[Occurrence], int]:
    """Every occurrence in the filter's days, in time order: recurring meetings appear once per occurrence."""
    start, end = f.bounds()
    if end < start:
        raise ValidationError(_("The end of the period is before its start."), field="end")
    found = calendar_occurrences(org, user, start, end, query=_filtered(org, user, f))
    return found[offset:offset + limit], len(found)


def calendar_occurrences(org: Organization, user: User | None, start: date, end: date, *,
                         query: Select[tuple[Meeting]] | None = None) -> list[Occurrence]:
    """What the work calendar shows from ``start`` to ``end``: every occurrence the user may see, with its
    presiding persons loaded, in three queries whatever the number of meetings."""
    query = query if query is not None else meetings_query(org, user)
    meetings = db.session.scalars(_in_days(query, start, end).options(
        selectinload(Meeting.presiding), selectinload(Meeting.occurrence_changes))).all()
    return recurrence.expand_all(meetings, start, end)
