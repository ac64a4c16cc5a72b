"""Occurrences of recurring meetings: one cancelled, moved or restored, as the rule gives them."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from flask_babel import gettext as _

from planner.core import audit
from planner.core.errors import NotFound, ValidationError
from planner.core.models import utcnow
from planner.core.text import normalize
from planner.extensions import db
from planner.meetings import recurrence
from planner.meetings.models import (
    Meeting,
    OccurrenceChange,
)
from planner.meetings.recurrence import Occurrence
from planner.meetings.services.base import MAX_MOVE_DAYS, _saving, ensure_editable

# Occurrences of recurring meetings ---------------------------------------------------------------

def _occurrence_change(meeting: Meeting, original_date: date) -> OccurrenceChange | None:
    return next((c for c in meeting.occurrence_changes if c.original_date == original_date), None)


def _ensure_occurrence(meeting: Meeting, original_date: Any) -> date:
    if not meeting.recurrence:
        raise ValidationError(_("This meeting does not repeat: change its dates instead."))
    if not isinstance(original_date, date):
        raise ValidationError(_("Enter a date such as 2026-11-30."), field="original_date")
    if not recurrence.is_occurrence(meeting, original_date):
        raise NotFound(_("The meeting has no occurrence on %(day)s.", day=original_date.isoformat()))
    return original_date


def _record_occurrence(meeting: Meeting, action: str, original_date: date, changes: dict[str, Any]) -> None:
    # A change of one occurrence is a change of the series: the meeting's version and updated_at rise with
    # it, also when it deletes a row (a restore). Calendars take the series' SEQUENCE and LAST-MODIFIED
    # from them, so that a client honouring SEQUENCE takes every cancel, move and restore (an override's
    # SEQUENCE rises with each move of its occurrence); two changes at once conflict instead of one
    # silently winning.
    meeting.updated_at = utcnow()
    audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id, action=action,
                 object_type="meeting", object_id=meeting.public_id,
                 summary=f"{meeting.title} ({original_date.isoformat()})", changes=changes)


def occurrence(meeting: Meeting, original_date: date) -> Occurrence:
    """One occurrence as it stands (cancelled or moved), found by the day the rule gives it."""
    _ensure_occurrence(meeting, original_date)
    reach = timedelta(days=MAX_MOVE_DAYS)
    length = meeting.ends_on - meeting.starts_on
    found = recurrence.expand(meeting, original_date - reach, original_date + reach + length)
    return next(o for o in found if o.original_date == original_date)


def cancel_occurrence(meeting: Meeting, original_date: date, *, note: str = "") -> OccurrenceChange:
    """Cancel one occurrence (iCal EXDATE); it stays listed as cancelled."""
    ensure_editable(meeting)
    original_date = _ensure_occurrence(meeting, original_date)
    change = _occurrence_change(meeting, original_date)
    if change is not None and change.cancelled:
        return change
    with _saving():
        if change is None:
            change = OccurrenceChange(meeting=meeting, original_date=original_date)
            db.session.add(change)
        change.cancelled = True
        change.new_date = change.new_start_time = change.new_end_time = change.new_venue = None
        change.note = normalize(note)
        _record_occurrence(meeting, "meeting.occurrence_cancelled", original_date,
                           {"cancelled": [False, True], "note": [None, change.note]})
    return change


def move_occurrence(meeting: Meeting, original_date: date, *, new_date: date | None,
                    new_start_time: time | None = None, new_end_time: time | None = None,
                    new_venue: str | None = None, note: str = "") -> OccurrenceChange:
    """Move one occurrence to another day, other hours and/or another place (iCal RECURRENCE-ID)."""
    ensure_editable(meeting)
    original_date = _ensure_occurrence(meeting, original_date)
    new_date = new_date or original_date
    if not isinstance(new_date, date):
        raise ValidationError(_("Enter a date such as 2026-11-30."), field="new_date")
    if abs((new_date - original_date).days) > MAX_MOVE_DAYS:
        raise ValidationError(_("An occurrence can be moved by %(days)d days at most; cancel it and create a "
                                "separate meeting instead.", days=MAX_MOVE_DAYS), field="new_date")
    start = new_start_time if new_start_time is not None else meeting.start_time
    end = new_end_time if new_end_time is not None else meeting.end_time
    for name, value in (("new_start_time", new_start_time), ("new_end_time", new_end_time)):
        if value is not None and not isinstance(value, time):
            raise ValidationError(_("Enter a time such as 08:00."), field=name)
    if start and end and meeting.starts_on == meeting.ends_on and end <= start:
        raise ValidationError(_("The meeting cannot end before it starts."), field="new_end_time")
    venue = normalize(new_venue) or None
    if venue == meeting.venue:
        venue = None
    if new_date == original_date and start == meeting.start_time and end == meeting.end_time and venue is None:
        raise ValidationError(_("Nothing would change: give another day, other hours or another place."),
                              field="new_date")
    length = meeting.ends_on - meeting.starts_on
    others = [o for o in recurrence.expand(meeting, new_date, new_date + length, include_cancelled=False)
              if o.original_date != original_date]
    if others:
        raise ValidationError(_("The meeting takes place on %(day)s already.", day=others[0].day.isoformat()),
                              field="new_date")
    with _saving():
        change = _occurrence_change(meeting, original_date)
        before = {"new_date": None, "new_start_time": None, "new_end_time": None, "new_venue": None, "cancelled": False}
        if change is None:
            change = OccurrenceChange(meeting=meeting, original_date=original_date)
            db.session.add(change)
        else:
            before = {k: getattr(change, k) for k in before}
        after = {"new_date": new_date if new_date != original_date else None,
                 "new_start_time": start if start != meeting.start_time else None,
                 "new_end_time": end if end != meeting.end_time else None,
                 "new_venue": venue, "cancelled": False}
        for key, value in after.items():
            setattr(change, key, value)
        change.note = normalize(note)
        _record_occurrence(meeting, "meeting.occurrence_moved", original_date, audit.diff(before, after))
    return change


def restore_occurrence(meeting: Meeting, original_date: date) -> None:
    """Undo a cancellation or a move: the occurrence is as the rule gives it again."""
    ensure_editable(meeting)
    original_date = _ensure_occurrence(meeting, original_date)
    change = _occurrence_change(meeting, original_date)
    if change is None:
        return
    with _saving():
        _record_occurrence(meeting, "meeting.occurrence_restored", original_date,
                           {"cancelled": [change.cancelled, False], "new_date": [change.new_date, None]})
        meeting.occurrence_changes.remove(change)


def _drop_stray_changes(meeting: Meeting) -> int:
    """After the rule or the first day changed: forget the changes of occurrences that no longer exist."""
    stray = [c for c in meeting.occurrence_changes
             if not meeting.recurrence or not recurrence.is_occurrence(meeting, c.original_date)]
    for change in stray:
        meeting.occurrence_changes.remove(change)
    return len(stray)


def occurrences(meeting: Meeting, start: date, end: date) -> list[Occurrence]:
    return recurrence.expand(meeting, start, end)
