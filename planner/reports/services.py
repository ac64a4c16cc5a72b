"""What the office must do next, and how its meetings went: read-only questions over every domain.

Two readers live here, both for the people above single meetings:
- ``this_week`` and ``todos`` feed the staff's home page: the meetings of the coming days and the work that
  falls due (invitations 3 working days before a meeting, replies, minutes, conclusion notices 5 working
  days after it, agenda changes not yet published);
- ``statistics`` counts meetings held, participants invited and present, speeches and speaking time,
  minutes approved and notices sent on time, per month, quarter or year, for the reports page and its
  workbook.
Both see only the meetings the user's clearance admits, and run a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, func, select

from planner.accounts.models import Organization, User
from planner.agenda import services as agenda_services
from planner.core import workdays
from planner.core.errors import ValidationError
from planner.core.hooks import Hook
from planner.core.permissions import Permission
from planner.delegates.models import (
    AttendanceStatus,
    Participant,
    ParticipantAttendance,
    ParticipantCategory,
    Person,
    Rsvp,
)
from planner.documents import services as document_services
from planner.extensions import db
from planner.meeting_documents import services as meeting_document_services
from planner.meetings import recurrence
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting, MeetingKind, MeetingStatus, meeting_presiding
from planner.minutes import services as minutes_services
from planner.minutes.models import InvitationIssue, Minutes, MinutesKind, MinutesStatus
from planner.speeches.models import Speech, SpeechStatus

INVITATION_WORKING_DAYS = document_services.INVITATION_LEAD_DAYS  # the default; each organization sets its own
WARN_WORKING_DAYS = 2            # a to-do shows this many working days before it falls due
REPLY_HORIZON = timedelta(days=14)
# Meetings that happened: not drafts. A meeting still "published" after its day did take place; the office
# often forgets to close it.
HELD_STATUSES = (MeetingStatus.published, MeetingStatus.in_progress, MeetingStatus.closed, MeetingStatus.archived)
OPEN_STATUSES = (MeetingStatus.published, MeetingStatus.in_progress)
# Staff serve the meeting; they are not invited to it and do not count towards attendance.
INVITED_CATEGORIES = tuple(c for c in ParticipantCategory if c is not ParticipantCategory.staff)


def local_today(org: Organization) -> date:
    return datetime.now(UTC).astimezone(ZoneInfo(org.timezone)).date()


# The home page ---------------------------------------------------------------------------------------------------

def this_week(org: Organization, user: User | None, *, today: date | None = None) -> list[recurrence.Occurrence]:
    """The meetings of today and the six days after it, cancelled occurrences left out, drafts included
    (staff plan them). A viewer (a leader) whom a list names (by e-mail) sees the meetings they attend: their
    own week, not the office's; one whom no list names yet, the office's week."""
    today = today or local_today(org)
    found = [o for o in meeting_services.calendar_occurrences(org, user, today, today + timedelta(days=6))
             if not o.cancelled]
    if user is None or user.can(Permission.take_minutes, org.id):
        return found
    mine = _meetings_naming(user, [o.meeting.id for o in found])
    return [o for o in found if o.meeting.id in mine] if mine else found


def _meetings_naming(user: User, meeting_ids: Sequence[int]) -> set[int]:
    """Which of these meetings list the user (a participant whose e-mail is the user's), in one query."""
    if not meeting_ids or not user.email:
        return set()
    return set(db.session.scalars(
        select(Participant.meeting_id).join(Person, Person.id == Participant.person_id)
        .where(Participant.meeting_id.in_(meeting_ids), Person.email == user.email.lower())))


class ToDoKind(StrEnum):
    invitations = "invitations"
    letter = "letter"          # the invitation letter is not issued yet
    replies = "replies"
    minutes = "minutes"
    notice = "notice"
    agenda = "agenda"
    documents = "documents"   # the meeting's documents not sent to the delegates in time
    approval = "approval"     # minutes or a notice submitted, waiting for the approver
    awaiting = "awaiting"     # a viewer's: minutes or a notice of a meeting they preside, submitted


@dataclass
class ToDo:
    kind: ToDoKind
    meeting: Meeting
    due: date | None           # the day by which it must be done (None: no fixed day)
    overdue: bool
    count: int = 0             # how many participants, or agenda changes, it concerns
    drafted: bool = False      # for minutes and notices: a draft exists
    document: MinutesKind | None = None  # for approval and awaiting: minutes or notice

    @property
    def sort_key(self) -> tuple:
        return (not self.overdue, self.due or date.max, self.meeting.starts_on, self.meeting.id, self.kind.value)


# The organizer's to-dos of the products above (invitations to send, replies awaited), filled by their setup:
# ``source(org, user, today, holidays) -> list[ToDo]``.
ORGANIZER_TODOS = Hook("reports.organizer_todos", "an organizer's to-dos that a product above adds to the home page")


def todos(org: Organization, user: User | None, *, today: date | None = None) -> list[ToDo]:
    """What needs doing, overdue first, then by the day it falls due: for each user what their role acts on.
    Organizers: invitations, replies, unpublished agenda changes; secretaries: minutes and notices to write;
    approvers: minutes and notices submitted for approval; viewers (leaders): only the minutes and notices of
    the meetings they preside that wait for them, no clerical to-dos."""
    today = today or local_today(org)
    holidays = document_services.holidays(org)

    def may(permission: Permission) -> bool:
        return user is None or user.can(permission, org.id)

    found: list[ToDo] = []
    if may(Permission.organize):
        found += [*_letter_todos(org, user, today, holidays), *_agenda_todos(org, user, today),
                  *_documents_todos(org, user, today, holidays)]
        found += [todo for source in ORGANIZER_TODOS for todo in source(org, user, today, holidays)]
    if may(Permission.take_minutes):
        found += [*_minutes_todos(org, user, today, holidays), *_notice_todos(org, user, today)]
    if may(Permission.approve):
        found += _submitted_todos(org, user, today, holidays, ToDoKind.approval)
    elif user is not None and not may(Permission.take_minutes):
        found += _submitted_todos(org, user, today, holidays, ToDoKind.awaiting)
    return sorted(found, key=lambda t: t.sort_key)


def _submitted_todos(org: Organization, user: User | None, today: date, holidays: Sequence[date],
                     kind: ToDoKind) -> list[ToDo]:
    """Minutes and notices submitted and not yet approved; for ``awaiting``, only those of the meetings the
    user presides (a presiding participant with the user's e-mail). Due with the notice: 5 working days."""
    query = (meeting_services.meetings_query(org, user)
             .join(Minutes, Minutes.meeting_id == Meeting.id)
             .where(Minutes.status == MinutesStatus.submitted)
             .add_columns(Minutes.kind))
    if kind is ToDoKind.awaiting:
        if user is None or not user.email:
            return []
        presiding = (select(meeting_presiding.c.meeting_id)
                     .join(Participant, Participant.id == meeting_presiding.c.participant_id)
                     .join(Person, Person.id == Participant.person_id)
                     .where(Person.email == user.email.lower()))
        query = query.where(Meeting.id.in_(presiding))
    result = []
    for meeting, document in db.session.execute(query):
        due = minutes_services.notice_due(meeting, holidays)
        result.append(ToDo(kind, meeting, due, due < today, drafted=True, document=MinutesKind(document)))
    return result


def single_meetings(org: Organization, user: User | None):
    # Recurring series have standing participants and no minutes of their own per occurrence.
    return meeting_services.meetings_query(org, user).where(Meeting.recurrence.is_(None))


def invitation_due(meeting: Meeting, holidays: Iterable[date], lead: int = INVITATION_WORKING_DAYS) -> date:
    """The last day to send the invitation: the organization's lead time (3 working days unless it sets
    another) before the meeting's first day."""
    return workdays.add_working_days(meeting.starts_on, -lead, holidays)


def lead_time_todos(kind: ToDoKind, org: Organization, user: User | None, today: date,
                     holidays: Sequence[date], invited: ColumnElement[bool]) -> list[ToDo]:
    """Meetings ahead whose invitations are due within the warning days (or overdue), each with the number of
    participants the condition `invited` still leaves to do. Only meetings near their deadline are read: the
    horizon covers the lead time, the warning days and the holidays between."""
    lead = document_services.invitation_lead_days(org)
    horizon = workdays.add_working_days(today, lead + WARN_WORKING_DAYS, holidays)
    query = (single_meetings(org, user)
             .where(Meeting.starts_on >= today, Meeting.starts_on <= horizon,
                    Meeting.status.in_([MeetingStatus.draft, *OPEN_STATUSES]))
             .join(Participant, Participant.meeting_id == Meeting.id)
             .where(Participant.category.in_(INVITED_CATEGORIES), invited)
             .group_by(Meeting.id).add_columns(func.count(Participant.id)))
    result = []
    for meeting, count in db.session.execute(query):
        due = invitation_due(meeting, holidays, lead)
        if workdays.working_days_between(today, due, holidays) <= WARN_WORKING_DAYS:
            result.append(ToDo(kind, meeting, due, due < today, count))
    return result


def _letter_todos(org: Organization, user: User | None, today: date, holidays: Sequence[date]) -> list[ToDo]:
    """Meetings ahead whose invitation letter is not issued, once its deadline (the lead time) is near or
    past: the letter is numbered, signed and dated before it goes out."""
    issued = select(InvitationIssue.meeting_id)
    return lead_time_todos(ToDoKind.letter, org, user, today, holidays,
                            (Participant.rsvp != Rsvp.declined) & Meeting.id.not_in(issued))


def _documents_todos(org: Organization, user: User | None, today: date, holidays: Sequence[date]) -> list[ToDo]:
    """Meetings ahead whose pack still holds documents for the delegates not sent, once the day they are due
    (the organization's lead time, meeting_documents) is near or past."""
    lead = meeting_document_services.lead_days(org)
    horizon = workdays.add_working_days(today, lead + WARN_WORKING_DAYS, holidays)
    meetings = db.session.scalars(single_meetings(org, user).where(
        Meeting.starts_on >= today, Meeting.starts_on <= horizon,
        Meeting.status.in_([MeetingStatus.draft, *OPEN_STATUSES]))).all()
    return [ToDo(ToDoKind.documents, meeting, due, due < today, count) for meeting, due, count
            in meeting_document_services.late_packs(meetings, today, holidays, lead, WARN_WORKING_DAYS)]


def _minutes_todos(org: Organization, user: User | None, today: date, holidays: Sequence[date]) -> list[ToDo]:
    """Meetings that took place and whose minutes are not approved; the notice that follows them is due 5
    working days after the meeting, so the minutes are due by then too."""
    approved = (select(Minutes.meeting_id)
                .where(Minutes.kind == MinutesKind.minutes, Minutes.status == MinutesStatus.approved))
    drafted = select(Minutes.meeting_id).where(Minutes.kind == MinutesKind.minutes).scalar_subquery()
    query = (single_meetings(org, user)
             .where(Meeting.ends_on < today, Meeting.ends_on >= today - minutes_services.NOTICE_LOOKBACK,
                    Meeting.kind.in_([k.value for k in minutes_services.NOTICE_KINDS]),
                    Meeting.status.in_(HELD_STATUSES), Meeting.id.not_in(approved))
             .add_columns(Meeting.id.in_(drafted)))
    result = []
    for meeting, has_draft in db.session.execute(query):
        due = minutes_services.notice_due(meeting, holidays)
        result.append(ToDo(ToDoKind.minutes, meeting, due, due < today, drafted=bool(has_draft)))
    return result


def _notice_todos(org: Organization, user: User | None, today: date) -> list[ToDo]:
    return [ToDo(ToDoKind.notice, n.meeting, n.due, n.overdue, drafted=n.drafted)
            for n in minutes_services.notices_due(org, user, today=today)]


def _agenda_todos(org: Organization, user: User | None, today: date) -> list[ToDo]:
    """Published meetings still to come (or running) whose agenda changed since it was last published:
    the delegates' programme and calendars do not show those changes yet."""
    meetings = db.session.scalars(meeting_services.meetings_query(org, user).where(
        Meeting.status.in_(OPEN_STATUSES),
        (Meeting.ends_on >= today) | Meeting.recurrence.is_not(None))).all()
    counts = agenda_services.unpublished_change_counts([m.id for m in meetings])
    return [ToDo(ToDoKind.agenda, m, None, False, counts[m.id]) for m in meetings if m.id in counts]


# Statistics ------------------------------------------------------------------------------------------------------

class Grouping(StrEnum):
    month = "month"
    quarter = "quarter"
    year = "year"


def period_of(day: date, grouping: Grouping) -> date:
    """The first day of the month, quarter or year the day falls in: the key of its row."""
    if grouping is Grouping.year:
        return date(day.year, 1, 1)
    if grouping is Grouping.quarter:
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, day.month, 1)


def periods(start: date, end: date, grouping: Grouping) -> list[date]:
    """Every period from the one holding ``start`` to the one holding ``end``, empty ones included."""
    step = {Grouping.month: 1, Grouping.quarter: 3, Grouping.year: 12}[grouping]
    found = []
    current = period_of(start, grouping)
    while current <= end:
        found.append(current)
        months = current.month - 1 + step
        current = date(current.year + months // 12, months % 12 + 1, 1)
    return found


@dataclass
class Figures:
    """One row of the statistics: a period, or the total."""

    period: date | None
    meetings: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    invited: int = 0
    invited_recorded: int = 0      # invited to meetings where attendance was taken: the rate's base
    present: int = 0
    speeches: int = 0
    speaking_seconds: int = 0
    minutes_approved: int = 0
    minutes_due: int = 0           # meetings that needed minutes
    notices_on_time: int = 0
    notices_late: int = 0
    notices_missing: int = 0       # due and not approved yet

    @property
    def attendance_rate(self) -> float | None:
        return self.present / self.invited_recorded if self.invited_recorded else None

    @property
    def notices_due(self) -> int:
        return self.notices_on_time + self.notices_late + self.notices_missing

    def add(self, other: Figures) -> None:
        for name in ("meetings", "invited", "invited_recorded", "present", "speeches", "speaking_seconds",
                     "minutes_approved", "minutes_due", "notices_on_time", "notices_late", "notices_missing"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for kind, count in other.by_kind.items():
            self.by_kind[kind] = self.by_kind.get(kind, 0) + count


@dataclass
class Statistics:
    start: date
    end: date
    grouping: Grouping
    kinds: list[str]
    rows: list[Figures]
    total: Figures
    today: date

    def version(self) -> str:
        """Changes whenever a figure would: the workbook's ETag."""
        return repr((self.start, self.end, self.grouping.value, self.kinds, self.today,
                     [sorted(vars(r).items()) for r in [*self.rows, self.total]]))


MAX_PERIOD_DAYS = 366 * 10


def clean_filter(start: date | None, end: date | None, grouping: str | None, kinds: Sequence[str] | None,
                 today: date) -> tuple[date, date, Grouping, list[str]]:
    """The filter of the reports page with its defaults (this year so far, by month, every kind), or a
    ValidationError naming the field at fault."""
    end = end or today
    start = start or date(end.year, 1, 1)
    if end < start:
        raise ValidationError(_("The end of the period is before its start."), field="end")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ValidationError(_("Choose a period of at most ten years."), field="start")
    try:
        group = Grouping(grouping or Grouping.month)
    except ValueError:
        raise ValidationError(_("Group by month, quarter or year."), field="grouping") from None
    chosen = []
    for kind in kinds or ():
        try:
            chosen.append(MeetingKind(kind).value)
        except ValueError:
            raise ValidationError(_("Unknown kind or classification."), field="kind") from None
    return start, end, group, sorted(set(chosen))


def statistics(org: Organization, user: User | None, *, start: date | None = None, end: date | None = None,
               grouping: str | None = None, kinds: Sequence[str] | None = None,
               today: date | None = None) -> Statistics:
    """The figures of the meetings held from ``start`` to ``end`` (at most up to today), per period.

    A meeting counts in the period of its first day; each occurrence of a recurring meeting counts once.
    Invited: its participants other than staff; present: those of them checked in (or marked present) on a
    day of that occurrence; the attendance rate counts only occurrences where attendance was taken.
    Speeches: those delivered, in the period of the day they were given, with their time without pauses.
    Minutes and notices: single meetings of the kinds that owe them, in the period of their first day like
    the meeting; a notice is on time when approved by its due day (5 working days after
    the meeting).
    """
    today = today or local_today(org)
    start, end, group, chosen = clean_filter(start, end, grouping, kinds, today)
    last = min(end, today)
    rows = {p: Figures(p) for p in periods(start, end, group)}
    zone = ZoneInfo(org.timezone)

    query = meeting_services.meetings_query(org, user).where(Meeting.status.in_(HELD_STATUSES))
    if chosen:
        query = query.where(Meeting.kind.in_(chosen))
    if last >= start:
        occurrences = [o for o in meeting_services.calendar_occurrences(org, user, start, last, query=query)
                       if not o.cancelled and start <= o.day <= last]
        meetings = list({o.meeting.id: o.meeting for o in occurrences}.values())
        _count_meetings(rows, occurrences, group)
        _count_attendance(rows, occurrences, group)
        _count_speeches(rows, [m.id for m in meetings], start, last, group, zone)
        _count_minutes(org, rows, [m for m in meetings if m.recurrence is None], today, group)

    total = Figures(None)
    for row in rows.values():
        total.add(row)
    return Statistics(start, end, group, chosen, list(rows.values()), total, today)


def _count_meetings(rows: dict[date, Figures], occurrences: list[recurrence.Occurrence], group: Grouping) -> None:
    for occurrence in occurrences:
        row = rows[period_of(occurrence.day, group)]
        row.meetings += 1
        kind = occurrence.meeting.kind.value
        row.by_kind[kind] = row.by_kind.get(kind, 0) + 1


def _count_attendance(rows: dict[date, Figures], occurrences: list[recurrence.Occurrence], group: Grouping) -> None:
    ids = sorted({o.meeting.id for o in occurrences})
    if not ids:
        return
    invited = dict(db.session.execute(
        select(Participant.meeting_id, func.count(Participant.id))
        .where(Participant.meeting_id.in_(ids), Participant.category.in_(INVITED_CATEGORIES))
        .group_by(Participant.meeting_id)).all())
    # (meeting, day) → participants present that day; an occurrence counts each participant once. A day with
    # no attendance row at all was not taken (a briefing nobody checked in at): it does not lower the rate.
    present_on: dict[tuple[int, date], set[int]] = defaultdict(set)
    taken: set[tuple[int, date]] = set()
    for meeting_id, day, participant_id, status in db.session.execute(
        select(Participant.meeting_id, ParticipantAttendance.day, Participant.id, ParticipantAttendance.status)
        .join(ParticipantAttendance, ParticipantAttendance.participant_id == Participant.id)
        .where(Participant.meeting_id.in_(ids), Participant.category.in_(INVITED_CATEGORIES))):
        taken.add((meeting_id, day))
        if status == AttendanceStatus.present:
            present_on[(meeting_id, day)].add(participant_id)
    for occurrence in occurrences:
        row = rows[period_of(occurrence.day, group)]
        meeting_id = occurrence.meeting.id
        row.invited += invited.get(meeting_id, 0)
        present: set[int] = set()
        recorded = False
        day = occurrence.day
        while day <= occurrence.last_day:
            present |= present_on.get((meeting_id, day), set())
            recorded = recorded or (meeting_id, day) in taken
            day += timedelta(days=1)
        if recorded:
            row.invited_recorded += invited.get(meeting_id, 0)
        row.present += len(present)


def _count_speeches(rows: dict[date, Figures], meeting_ids: list[int], start: date, last: date, group: Grouping,
                    zone: ZoneInfo) -> None:
    if not meeting_ids:
        return
    # A day's margin either side: the local day of a UTC time is decided below.
    low = datetime.combine(start - timedelta(days=1), datetime.min.time(), UTC)
    high = datetime.combine(last + timedelta(days=2), datetime.min.time(), UTC)
    for started, ended, paused in db.session.execute(
        select(Speech.started_at, Speech.ended_at, Speech.paused_seconds)
        .where(Speech.meeting_id.in_(meeting_ids), Speech.status == SpeechStatus.done,
               Speech.started_at.is_not(None), Speech.started_at >= low, Speech.started_at < high)):
        day = started.astimezone(zone).date()
        if not start <= day <= last:
            continue
        row = rows[period_of(day, group)]
        row.speeches += 1
        if ended is not None:
            row.speaking_seconds += max(int((ended - started).total_seconds()) - (paused or 0), 0)


def _count_minutes(org: Organization, rows: dict[date, Figures], meetings: list[Meeting], today: date,
                   group: Grouping) -> None:
    owing = [m for m in meetings if m.kind in minutes_services.NOTICE_KINDS]
    if not owing:
        return
    ids = [m.id for m in owing]
    approved: dict[tuple[int, MinutesKind], datetime] = {}
    for meeting_id, kind, approved_at in db.session.execute(
        select(Minutes.meeting_id, Minutes.kind, func.min(Minutes.approved_at))
        .where(Minutes.meeting_id.in_(ids), Minutes.status == MinutesStatus.approved)
        .group_by(Minutes.meeting_id, Minutes.kind)):
        approved[(meeting_id, MinutesKind(kind))] = approved_at
    holidays = document_services.holidays(org)
    for meeting in owing:
        row = rows[period_of(meeting.starts_on, group)]
        row.minutes_due += 1
        if (meeting.id, MinutesKind.minutes) in approved:
            row.minutes_approved += 1
        due = minutes_services.notice_due(meeting, holidays)
        notice = approved.get((meeting.id, MinutesKind.notice))
        if notice is not None:
            on_day = notice.astimezone(ZoneInfo(meeting.timezone)).date()
            if on_day <= due:
                row.notices_on_time += 1
            else:
                row.notices_late += 1
        elif due < today:
            row.notices_missing += 1
