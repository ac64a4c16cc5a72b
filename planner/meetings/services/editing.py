"""Creating and changing a meeting (its fields, recurrence rule, presiding persons and secretaries), its status
workflow and its deletion."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from flask_babel import gettext as _

from planner.accounts.models import Organization, User
from planner.core import audit
from planner.core.db import atomic
from planner.core.errors import Conflict, ValidationError
from planner.core.inputs import check_zone_and_language
from planner.core.permissions import Classification
from planner.core.text import normalize
from planner.extensions import db
from planner.meetings import recurrence
from planner.meetings.models import (
    MEETING_STATUS_LABELS,
    STATUS_TRANSITIONS,
    Meeting,
    MeetingKind,
    MeetingStatus,
)
from planner.meetings.recurrence import RecurrenceError
from planner.meetings.services.base import _check_version, _cleared, _keep_public_code, _saving, ensure_editable
from planner.meetings.services.occurrences import _drop_stray_changes
from planner.meetings.services.people import _PEOPLE_KEYS, _participant_rows, _write_people, resolve_people

MEETING_FIELDS = (
    "title", "kind", "classification", "timezone", "starts_on", "ends_on", "start_time", "end_time",
    "venue", "city", "language", "description", "recurrence",
)


def _clean(data: dict[str, Any], current: Meeting | None = None) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key in MEETING_FIELDS:
        if key in data:
            value = data[key]
            if key in ("title", "venue", "city"):
                value = normalize(value)
            elif key == "description":
                value = (value or "").strip()
            elif key == "recurrence":
                value = (value or "").strip() or None
            clean[key] = value
    merged = {key: getattr(current, key) for key in MEETING_FIELDS} if current is not None else {}
    merged.update(clean)

    if not merged.get("title"):
        raise ValidationError(_("The meeting needs a title."), field="title")
    try:
        if "kind" in clean:
            clean["kind"] = MeetingKind(clean["kind"])
        if "classification" in clean:
            clean["classification"] = Classification(clean["classification"] or Classification.none)
    except ValueError:
        raise ValidationError(_("Unknown kind or classification."), field="kind") from None
    check_zone_and_language(clean)
    starts_on, ends_on = merged.get("starts_on"), merged.get("ends_on")
    if not isinstance(starts_on, date):
        raise ValidationError(_("Enter the first day of the meeting."), field="starts_on")
    if ends_on is None:
        clean["ends_on"] = ends_on = starts_on
    if ends_on < starts_on:
        raise ValidationError(_("The meeting cannot end before it starts."), field="ends_on")
    if (ends_on - starts_on).days > 31:
        raise ValidationError(_("A meeting lasts at most 32 days."), field="ends_on")
    start_time, end_time = merged.get("start_time"), merged.get("end_time")
    for name, value in (("start_time", start_time), ("end_time", end_time)):
        if value is not None and not isinstance(value, time):
            raise ValidationError(_("Enter a time such as 08:00."), field=name)
    if start_time and end_time and starts_on == ends_on and end_time <= start_time:
        raise ValidationError(_("The meeting cannot end before it starts."), field="end_time")
    _clean_recurrence(clean, merged, current)
    return clean


def _clean_recurrence(clean: dict[str, Any], merged: dict[str, Any], current: Meeting | None) -> None:
    """Check the rule against the (new) first day, time and zone; store its canonical form."""
    rule = merged.get("recurrence")
    touched = {"recurrence", "starts_on", "start_time", "timezone"} & set(clean)
    if not rule or not touched:
        return
    # A stored rule's last day was written for the zone the meeting had; a rule sent now, for the new one.
    previous = current.timezone if current is not None and "recurrence" not in clean else None
    try:
        canonical = recurrence.normalize_rule(rule, starts_on=merged["starts_on"], start_time=merged.get("start_time"),
                                              timezone=merged.get("timezone") or "Asia/Ho_Chi_Minh",
                                              previous_timezone=previous)
    except RecurrenceError as exc:
        raise ValidationError(exc.message, field=exc.field) from None
    if "recurrence" in clean or canonical != (current.recurrence if current is not None else None):
        clean["recurrence"] = canonical


def create_meeting(org: Organization, user: User | None = None, **data: Any) -> Meeting:
    data.setdefault("timezone", org.timezone)
    data.setdefault("city", org.city)
    data.setdefault("language", org.language)
    clean = _clean(data)
    if user is not None and not _cleared(user, org.id, clean.get("classification")):
        raise ValidationError(_("You cannot create a meeting classified above your clearance."),
                              field="classification")
    for key in ("presiding_ids", "secretary_ids"):
        if data.get(key) is not None and (isinstance(data[key], str) or not isinstance(data[key], list | tuple)):
            raise ValidationError(_("Give a list of participant ids."), field=key)
    # One block: a refusal of the people asked for leaves no meeting behind (no meeting without them).
    with atomic():
        meeting = Meeting(organization_id=org.id, **clean)
        db.session.add(meeting)
        db.session.flush()
        # A new meeting has no participants yet: who presides and who takes the minutes come from the directory
        # (person:<id>) or the office's users (user:<id>), put on its list in the order given.
        changes = {}
        for kind, key in (("presiding", "presiding_ids"), ("secretaries", "secretary_ids")):
            if data.get(key):
                rows = _participant_rows(meeting, resolve_people(meeting, list(data[key]), kind), key)
                _write_people(meeting, kind, [row for row, _public_id in rows])
                changes[key] = [[], [public_id for _row, public_id in rows]]
        audit.record(db.session, organization_id=org.id, meeting_id=meeting.id, action="meeting.created",
                     object_type="meeting", object_id=meeting.public_id, summary=meeting.title,
                     changes=changes or None)
    return meeting


def update_meeting(meeting: Meeting, data: dict[str, Any], *, user: User | None = None,
                   version: int | None = None) -> Meeting:
    """Change a meeting's fields; ``data`` may also hold ``presiding_ids`` and ``secretary_ids`` (public ids
    of its participants, in order). One audit entry, one commit: all of it or nothing."""
    _check_version(meeting, version)
    ensure_editable(meeting)
    clean = _clean(data, meeting)
    if user is not None and "classification" in clean and not _cleared(user, meeting.organization_id,
                                                                                  clean["classification"]):
        raise ValidationError(_("You cannot classify a meeting above your clearance."), field="classification")
    with _saving():
        people = {kind: _participant_rows(meeting, resolve_people(meeting, data[key], kind), key)
                  for kind, key in (("presiding", "presiding_ids"), ("secretaries", "secretary_ids"))
                  if data.get(key) is not None}
        changes = audit.diff({k: getattr(meeting, k) for k in clean}, clean)
        for kind, rows in people.items():
            before = [p.public_id for p in getattr(meeting, kind)]
            after = [public_id for _row, public_id in rows]
            if before != after:
                changes[_PEOPLE_KEYS[kind]] = [before, after]
        if not changes:
            return meeting
        for key, value in clean.items():
            setattr(meeting, key, value)
        _keep_public_code(meeting)
        dropped = _drop_stray_changes(meeting)
        if dropped:
            changes["occurrence_changes_dropped"] = [None, dropped]
        for kind, rows in people.items():
            if _PEOPLE_KEYS[kind] in changes:
                _write_people(meeting, kind, [row for row, _public_id in rows])
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action="meeting.updated", object_type="meeting", object_id=meeting.public_id,
                     summary=meeting.title, changes=changes)
    return meeting


# Status workflow -------------------------------------------------------------------------------

def allowed_statuses(meeting: Meeting) -> list[MeetingStatus]:
    """The statuses the meeting may move to now, in workflow order."""
    allowed = STATUS_TRANSITIONS[meeting.status]
    return [s for s in MeetingStatus if s in allowed]


def check_transition(meeting: Meeting, new_status: MeetingStatus | str) -> MeetingStatus:
    try:
        target = MeetingStatus(new_status)
    except ValueError:
        raise ValidationError(_("Unknown status: %(status)s", status=new_status), field="status") from None
    if target != meeting.status and target not in STATUS_TRANSITIONS[meeting.status]:
        raise Conflict(_("A meeting cannot go from “%(old)s” to “%(new)s”.",
                         old=MEETING_STATUS_LABELS[meeting.status], new=MEETING_STATUS_LABELS[target]))
    return target


def set_status(meeting: Meeting, new_status: MeetingStatus | str, *, version: int | None = None) -> Meeting:
    """Move the meeting along its workflow (models.STATUS_TRANSITIONS). Publishing an unclassified
    meeting gives it a public code (its programme page); closed meetings may still be archived or reopened."""
    _check_version(meeting, version)
    target = check_transition(meeting, new_status)
    if target == meeting.status:
        return meeting
    before = meeting.status
    with _saving():
        meeting.status = target
        _keep_public_code(meeting)
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action="meeting.status_changed", object_type="meeting", object_id=meeting.public_id,
                     summary=meeting.title, changes={"status": [before.value, target.value]})
    return meeting


def can_delete(meeting: Meeting) -> bool:
    return meeting.status == MeetingStatus.draft


def delete_meeting(meeting: Meeting, *, version: int | None = None) -> None:
    """Only a draft is deleted (with its rooms, programme and delegate list). A meeting that was
    published has been announced: set it back to draft first; one that took place stays on record."""
    _check_version(meeting, version)
    if not can_delete(meeting):
        raise Conflict(_("Only a draft meeting can be deleted. A published meeting goes back to draft first; "
                         "a meeting that has taken place stays on record (archive it instead)."))
    with _saving():
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action="meeting.deleted", object_type="meeting", object_id=meeting.public_id,
                     summary=meeting.title)
        db.session.delete(meeting)
