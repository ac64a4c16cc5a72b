"""Attendance by day: the meeting's days and today in its zone, a day's status set, who attended, the sheet."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from planner.accounts.models import User
from planner.core.errors import ValidationError
from planner.core.text import clean_text, full_name
from planner.delegates import protocol
from planner.delegates.models import (
    AttendanceStatus,
    Participant,
    ParticipantAttendance,
    ParticipantCategory,
    Person,
    Rsvp,
)
from planner.delegates.protocol import Order
from planner.delegates.services.base import MAX_LENGTHS, _field_label, participants_query
from planner.extensions import db
from planner.meetings.models import Meeting
from planner.meetings.recurrence import is_meeting_day, meeting_days

# Attendance and check-in ---------------------------------------------------------------------------------

def local_time(meeting: Meeting, moment: datetime | None) -> datetime | None:
    """A stored UTC time in the meeting's zone (API answers carry the offset)."""
    return moment.astimezone(ZoneInfo(meeting.timezone)) if moment is not None else None


def local_today(meeting: Meeting, now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(meeting.timezone)).date()


def reference_day(meeting: Meeting, today: date | None = None) -> date:
    """The day whose attendance a list shows: today while the meeting runs, else its first or last day
    (for a recurring meeting: today's occurrence, else the latest one, else the next)."""
    today = today or local_today(meeting)
    if not meeting.recurrence:
        return min(max(today, meeting.starts_on), meeting.ends_on)
    days = meeting_days(meeting, today)
    past = [d for d in days if d <= today]
    return past[-1] if past else (days[0] if days else meeting.starts_on)


def _attendance_day(meeting: Meeting, value: Any) -> date:
    if value in (None, ""):
        return reference_day(meeting)
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise ValidationError(_("Enter the day as YYYY-MM-DD."), field="day") from None
    if not isinstance(value, date) or not is_meeting_day(meeting, value):
        raise ValidationError(_("This day is not a day of the meeting."), field="day")
    return value


def _apply_attendance(participant: Participant, day: date, data: dict[str, Any],
                      user: User | None) -> dict[str, list[Any]]:
    """Set (or clear, with an empty status) the attendance of one day; answers the changes."""
    record = participant.attendance_on(day)
    status_value = data.get("attendance", record.status if record else None)
    reason = clean_text(data.get("absence_reason", record.reason if record else ""))
    if len(reason) > MAX_LENGTHS["absence_reason"]:
        raise ValidationError(_("%(field)s is too long: at most %(n)d characters.",
                                field=_field_label("absence_reason"), n=MAX_LENGTHS["absence_reason"]),
                              field="absence_reason")
    if status_value in (None, ""):
        if record is None:
            return {}
        participant.attendance.remove(record)
        return {f"attendance {day.isoformat()}": [record.status.value, None]}
    try:
        status = AttendanceStatus(status_value)
    except ValueError:
        raise ValidationError(_("Unknown attendance: use present, excused or absent."), field="attendance") from None
    if status is AttendanceStatus.present:
        reason = ""
    before = [record.status.value, record.reason] if record else [None, ""]
    if before == [status.value, reason]:
        return {}
    if record is None:
        record = ParticipantAttendance(day=day)
        participant.attendance.append(record)
    if status is AttendanceStatus.present and record.status is not AttendanceStatus.present:
        record.checked_in_at = datetime.now(UTC)
        record.checked_in_by_id = user.id if user is not None else None
    elif status is not AttendanceStatus.present:
        record.checked_in_at = None
    record.status = status
    record.reason = reason
    return {f"attendance {day.isoformat()}": [before[0], status.value],
            **({f"absence_reason {day.isoformat()}": [before[1], reason]} if before[1] != reason else {})}


def attendance_counts(meeting: Meeting, day: date) -> dict[AttendanceStatus, int]:
    rows = db.session.execute(
        select(ParticipantAttendance.status, func.count())
        .join(Participant, Participant.id == ParticipantAttendance.participant_id)
        .where(Participant.meeting_id == meeting.id, ParticipantAttendance.day == day)
        .group_by(ParticipantAttendance.status)
    ).all()
    return {AttendanceStatus(status): count for status, count in rows}


def attending(meeting: Meeting, day: date | None = None) -> list[Participant]:
    """Who is there, in protocol order: those present on the day; without a day, all who did not decline."""
    query = participants_query(meeting).order_by(*protocol.order_by(Order.protocol))
    if day is not None:
        query = query.join(ParticipantAttendance).where(ParticipantAttendance.day == day,
                                                        ParticipantAttendance.status == AttendanceStatus.present)
    else:
        query = query.where(Participant.rsvp != Rsvp.declined)
    return list(db.session.scalars(query))


def attendance_paragraph(meeting: Meeting, day: date | None = None, language: str | None = None) -> str:
    """The sentence of the minutes and the programme: who came (see protocol.attendance_paragraph)."""
    return protocol.attendance_paragraph(attending(meeting, day), language or meeting.language or "vi")


def sheet_participants(meeting: Meeting) -> list[Participant]:
    """Who signs the attendance sheet: everyone expected (not declined), staff excepted, in protocol order."""
    query = (participants_query(meeting)
             .where(Participant.rsvp != Rsvp.declined, Participant.category != ParticipantCategory.staff)
             .order_by(*protocol.order_by(Order.protocol)))
    return list(db.session.scalars(query))


class AttendanceMark(NamedTuple):
    """One day's record of a participant on the roll: present, excused or absent, and why."""

    day: date
    status: AttendanceStatus
    reason: str


class NamedParticipant(NamedTuple):
    """A participant as a document names them (a speaker, a presiding person): plain data with the names a
    Participant has, read as columns (``NAMED_COLUMNS``, in this order) instead of as models with their people;
    ``person_id`` is who they are (the agenda's conflicts compare people)."""

    person_id: int
    family_name: str
    middle_name: str
    given_name: str
    honorific: str
    title: str
    unit: str

    @property
    def full_name(self) -> str:
        return full_name(self.family_name, self.middle_name, self.given_name)


# The columns of a NamedParticipant, for a query joining Participant and its Person.
NAMED_COLUMNS = (Person.id, Person.family_name, Person.middle_name, Person.given_name, Person.honorific,
                 Participant.title, Participant.unit)


class RollEntry(NamedTuple):
    """A participant as the minutes name them from the list: plain data with the names a Participant has, and
    their days' records."""

    id: int
    category: ParticipantCategory
    precedence: int | None
    rsvp: Rsvp
    protocol_rank: int
    name_key: bytes
    title: str
    unit: str
    family_name: str
    middle_name: str
    given_name: str
    honorific: str
    attendance: tuple[AttendanceMark, ...] = ()

    @property
    def full_name(self) -> str:
        return full_name(self.family_name, self.middle_name, self.given_name)


class Roll(NamedTuple):
    """The list as the minutes read it (``attendance_roll``): those they may name, and how many others."""

    # The categories the attendance paragraph names (protocol.NAMED_CATEGORIES) and anyone with a day's record
    # (the absent are named with their reason), in protocol order.
    entries: list[RollEntry]
    # Everyone else, by (category, answer to the invitation): only counted, as the paragraph counts them.
    others: dict[tuple[ParticipantCategory, Rsvp], int]


def attendance_roll(meeting: Meeting) -> Roll:
    """The list as the minutes read it: two queries of the columns read, whatever the size. Composing the minutes
    of 3,000 delegates spent most of its time making model objects of them, their people and their days, and then
    plain rows of them and their names, only to count most of them by category."""
    has_record = (select(ParticipantAttendance.id).where(ParticipantAttendance.participant_id == Participant.id)
                  .correlate(Participant).exists())
    named = or_(Participant.category.in_(protocol.NAMED_CATEGORIES), has_record)
    entries: list[RollEntry] = []
    for *fields, day, status, reason in db.session.execute(
            select(Participant.id, Participant.category, Participant.precedence, Participant.rsvp,
                   Participant.protocol_rank, Participant.name_key, Participant.title, Participant.unit,
                   Person.family_name, Person.middle_name, Person.given_name, Person.honorific,
                   ParticipantAttendance.day, ParticipantAttendance.status, ParticipantAttendance.reason)
            .join(Person, Person.id == Participant.person_id)
            .outerjoin(ParticipantAttendance, ParticipantAttendance.participant_id == Participant.id)
            # a condition on the participant alone: only those it keeps are joined to their people
            .where(Participant.meeting_id == meeting.id, named)
            .order_by(*protocol.order_by(Order.protocol), ParticipantAttendance.day)):
        if not entries or entries[-1].id != fields[0]:  # one row a day's record, a participant's rows together
            entries.append(RollEntry(*fields))
        if day is not None:
            mark = AttendanceMark(day, status, reason)
            entries[-1] = entries[-1]._replace(attendance=(*entries[-1].attendance, mark))
    others = {(category, rsvp): count for category, rsvp, count in db.session.execute(
        select(Participant.category, Participant.rsvp, func.count())
        .where(Participant.meeting_id == meeting.id, ~named)
        .group_by(Participant.category, Participant.rsvp))}
    return Roll(entries, others)
