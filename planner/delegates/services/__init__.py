"""Delegate operations: the only code that changes people, participants and attendance.

Every lookup is scoped to the organization (and, through the meeting, to the user's clearance), so
another organization's person or participant is simply not found. Every change writes one audit entry
in one atomic block (the request, or the block's end outside one, commits it), or raises a PlannerError with
a translated message and changes nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_babel import gettext as _
from sqlalchemy import select, update

from planner.accounts.models import User
from planner.core import audit
from planner.core.db import atomic
from planner.core.errors import Conflict, NotFound
from planner.delegates.models import (
    DEFAULT_PRECEDENCE,
    AttendanceStatus,
    Participant,
    ParticipantAttendance,
)
from planner.delegates.services.attendance import (
    NAMED_COLUMNS,
    AttendanceMark,
    NamedParticipant,
    Roll,
    RollEntry,
    attendance_counts,
    attendance_paragraph,
    attendance_roll,
    attending,
    local_time,
    local_today,
    reference_day,
    sheet_participants,
)
from planner.delegates.services.base import (
    ATTENDANCE_FIELDS,
    MAX_LENGTHS,
    NAME_FIELDS,
    PARTICIPANT_OWN_FIELDS,
    PARTICIPANT_PERSON_FIELDS,
    PERSON_FIELDS,
    STRUCTURE_FIELDS,
    participants_query,
    search_clauses,
    search_words,
)
from planner.delegates.services.data import participant_data
from planner.delegates.services.downloads import export_version, record_export
from planner.delegates.services.imports import (
    ImportPlan,
    ImportResult,
    PlannedRow,
    commit_import,
    import_file,
    plan_import,
    read_import_table,
    save_import,
    size_label,
)
from planner.delegates.services.participants import (
    add_participant,
    all_participants,
    attendance_editable,
    attendance_loading,
    default_category,
    default_precedence,
    ensure_attendance_editable,
    get_participant,
    list_participants,
    participant_by_person,
    participant_counts,
    people_on_list,
    person_of_user,
    remove_participant,
    resolve_people,
    set_attendance,
    set_rsvp,
    update_participant,
)
from planner.delegates.services.people import (
    DuplicatePerson,
    create_person,
    delete_person,
    get_person,
    list_people,
    lock_directory,
    meetings_query_ids,
    people_query,
    person_meetings,
    similar_people,
    update_person,
)
from planner.extensions import db
from planner.meetings.models import Meeting
from planner.meetings.recurrence import is_meeting_day, meeting_days


@dataclass
class CheckIn:
    participant: Participant
    attendance: ParticipantAttendance
    day: date
    new: bool  # False when the participant had been checked in already (idempotent)


def check_in_day(meeting: Meeting, day: date | None = None) -> date:
    """Today, in the meeting's time zone; refused when the meeting does not sit today."""
    day = day or local_today(meeting)
    if not is_meeting_day(meeting, day):
        raise Conflict(_("The meeting does not take place today (%(day)s): there is no one to check in.",
                         day=day.isoformat()))
    return day


def _attendance_row(participant_id: int, day: date) -> ParticipantAttendance | None:
    return db.session.scalar(select(ParticipantAttendance).where(
        ParticipantAttendance.participant_id == participant_id, ParticipantAttendance.day == day))


def check_in(participant: Participant, day: date | None = None, *, user: User | None = None) -> CheckIn:
    """Mark the participant present for today's (or the given) day of the meeting, once.

    Idempotent and safe against a double scan at two doors: the unique (participant, day) constraint
    lets one insert win; the loser's IntegrityError is turned into "already checked in".
    """
    meeting = participant.meeting
    day = check_in_day(meeting, day)
    participant_id, public_id, name = participant.id, participant.public_id, participant.full_name
    now = datetime.now(UTC)
    user_id = user.id if user is not None else None
    existing = _attendance_row(participant_id, day)
    if existing is not None:
        with atomic():
            changed = db.session.execute(
                update(ParticipantAttendance)
                .where(ParticipantAttendance.id == existing.id,
                       ParticipantAttendance.status != AttendanceStatus.present)
                .values(status=AttendanceStatus.present, reason="", checked_in_at=now, checked_in_by_id=user_id,
                        updated_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
            if changed:
                _record_check_in(meeting, public_id, name, day)
        if not changed:
            return CheckIn(participant, existing, day, new=False)
        db.session.refresh(existing)
        db.session.expire(participant, ["attendance"])  # read again with the day checked in
        return CheckIn(participant, existing, day, new=True)
    record = ParticipantAttendance(participant_id=participant_id, day=day, status=AttendanceStatus.present,
                                   checked_in_at=now, checked_in_by_id=user_id)
    try:
        with atomic():
            db.session.add(record)
            _record_check_in(meeting, public_id, name, day)
    except Conflict:
        # Someone checked the same person in at the same moment (the insert clashed and was rolled back):
        # theirs counts, ours is a repeat.
        existing = _attendance_row(participant_id, day)
        if existing is None:
            raise
        return CheckIn(participant, existing, day, new=False)
    db.session.expire(participant, ["attendance"])  # read again with the day checked in
    return CheckIn(participant, record, day, new=True)


def _record_check_in(meeting: Meeting, public_id: str, name: str, day: date) -> None:
    audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                 action="participant.checked_in", object_type="participant", object_id=public_id,
                 summary=name, changes={"day": day})


def normalize_badge_code(code: str | None) -> str:
    return re.sub(r"[^0-9A-Z]", "", (code or "").upper())


def participant_by_code(meeting: Meeting, code: str | None) -> Participant:
    clean = normalize_badge_code(code)
    participant = db.session.scalar(select(Participant).where(Participant.meeting_id == meeting.id,
                                                              Participant.badge_code == clean)) if clean else None
    if participant is None:
        raise NotFound(_("No participant of this meeting has the badge code %(code)s.", code=code or ""))
    return participant


def check_in_by_code(meeting: Meeting, code: str | None, day: date | None = None, *,
                     user: User | None = None) -> CheckIn:
    participant = participant_by_code(meeting, code)
    return check_in(participant, day, user=user)


__all__ = [
    "ATTENDANCE_FIELDS",
    "DEFAULT_PRECEDENCE",
    "MAX_LENGTHS",
    "NAMED_COLUMNS",
    "NAME_FIELDS",
    "PARTICIPANT_OWN_FIELDS",
    "PARTICIPANT_PERSON_FIELDS",
    "PERSON_FIELDS",
    "STRUCTURE_FIELDS",
    "AttendanceMark",
    "CheckIn",
    "DuplicatePerson",
    "ImportPlan",
    "ImportResult",
    "NamedParticipant",
    "PlannedRow",
    "Roll",
    "RollEntry",
    "_attendance_row",
    "add_participant",
    "all_participants",
    "attendance_counts",
    "attendance_editable",
    "attendance_loading",
    "attendance_paragraph",
    "attendance_roll",
    "attending",
    "check_in",
    "check_in_by_code",
    "check_in_day",
    "commit_import",
    "create_person",
    "default_category",
    "default_precedence",
    "delete_person",
    "ensure_attendance_editable",
    "export_version",
    "get_participant",
    "get_person",
    "import_file",
    "is_meeting_day",
    "list_participants",
    "list_people",
    "local_time",
    "local_today",
    "lock_directory",
    "meeting_days",
    "meetings_query_ids",
    "normalize_badge_code",
    "participant_by_code",
    "participant_by_person",
    "participant_counts",
    "participant_data",
    "participants_query",
    "people_on_list",
    "people_query",
    "person_meetings",
    "person_of_user",
    "plan_import",
    "read_import_table",
    "record_export",
    "reference_day",
    "remove_participant",
    "resolve_people",
    "save_import",
    "search_clauses",
    "search_words",
    "set_attendance",
    "set_rsvp",
    "sheet_participants",
    "similar_people",
    "size_label",
    "update_participant",
    "update_person",
]
