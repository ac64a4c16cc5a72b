"""The speakers list's lock and revision (every change of a list takes the meeting's lock, in one atomic
block), the checks of a speech's fields, and a speech's clock."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from planner.agenda.models import AgendaItem
from planner.core import audit
from planner.core.db import atomic, check_version
from planner.core.errors import Conflict, ValidationError
from planner.core.models import utcnow
from planner.core.permissions import (
    Permission,
)
from planner.core.text import clean_text
from planner.delegates.models import Participant
from planner.extensions import db
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting
from planner.speeches import timing
from planner.speeches.models import (
    Speech,
    SpeechControl,
    SpeechKind,
    SpeechStatus,
)
from planner.speeches.services.reading import MAX_ALLOTTED_SECONDS, MAX_SUMMARY, SPEECH_FIELDS

# The lock and the revision ------------------------------------------------------------------------

def control_of(meeting: Meeting) -> SpeechControl | None:
    """The meeting's live state as it is now (no lock): for pages and the hall display."""
    return db.session.scalar(select(SpeechControl).where(SpeechControl.meeting_id == meeting.id)
                             .execution_options(populate_existing=True))


def _lock(meeting: Meeting) -> SpeechControl:
    """Take the meeting's control row for this transaction, creating it the first time.

    PostgreSQL: SELECT … FOR UPDATE holds the row until commit. SQLite has no row locks: a no-op
    UPDATE first takes the database's write lock, so the read that follows is already serialized.
    """
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        db.session.execute(update(SpeechControl).where(SpeechControl.meeting_id == meeting.id)
                           .values(revision=SpeechControl.revision))
    query = (select(SpeechControl).where(SpeechControl.meeting_id == meeting.id)
             .with_for_update().execution_options(populate_existing=True))
    control = db.session.scalar(query)
    if control is None:
        try:
            with db.session.begin_nested():
                db.session.add(SpeechControl(meeting_id=meeting.id, revision=1))
        except IntegrityError:
            pass  # another worker made it at the same moment: take theirs
        control = db.session.scalar(query)
        assert control is not None
    return control


def _check_revision(control: SpeechControl, revision: Any) -> None:
    if revision in (None, ""):
        return
    try:
        expected = int(revision)
    except (TypeError, ValueError):
        raise ValidationError(_("The form is incomplete. Reload the page and try again.")) from None
    if expected != control.revision:
        raise Conflict(_("The speakers list changed meanwhile (someone else acted). The page now shows the "
                         "current state: repeat your action if it is still needed."))


def _bump(control: SpeechControl) -> None:
    control.revision += 1
    control.updated_at = utcnow()


def _fresh(speech: Speech) -> Speech:
    """The speech as committed now (after taking the lock), not as the page read it."""
    db.session.refresh(speech)
    return speech


def _check_version(speech: Speech, version: Any) -> None:
    check_version(speech, version, _("Someone else changed this speech meanwhile. Your changes are not saved yet: "
                                     "compare them with the current version and save again."))


def _saving() -> AbstractContextManager[Any]:
    """A change of the speakers list as one block of the unit of work: a stale version becomes Conflict, a
    clash ValidationError; a refusal raised inside leaves nothing staged and lets the list's lock go."""
    return atomic(_("Someone else changed this speech meanwhile. Reload to see the current version."),
                  clash=ValidationError)


def _audit(meeting: Meeting, action: str, object_id: str | None, summary: str,
           changes: dict[str, Any] | None = None, *, object_type: str = "speech",
           actor_label: str | None = None) -> None:
    audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id, action=action,
                 object_type=object_type, object_id=object_id, summary=summary, changes=changes,
                 actor_label=actor_label)


def _ensure_list_editable(meeting: Meeting) -> None:
    if not meeting_services.is_editable(meeting):
        raise Conflict(_("This meeting is closed: its speakers lists can no longer be changed; only the "
                         "summaries for the minutes can."))


def _summary_label(speech: Speech) -> str:
    return f"{speech.participant.full_name} — {speech.title}" if speech.title else speech.participant.full_name


# Checking the fields ------------------------------------------------------------------------------

def parse_duration(value: Any) -> int | None:
    """Seconds from 420, "7", "7:30" or "1:05:00" (minutes[:seconds] or hours:minutes:seconds for
    text); None for empty. ValueError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("not a duration")
    if isinstance(value, int):
        return value
    text = str(value).strip().replace(",", ".")
    if not text:
        return None
    parts = text.split(":")
    if len(parts) == 1:
        minutes = float(parts[0])
        return round(minutes * 60)
    if len(parts) > 3 or not all(p.strip().isdigit() for p in parts):
        raise ValueError("not a duration")
    numbers = [int(p) for p in parts]
    if any(n >= 60 for n in numbers[1:]):
        raise ValueError("not a duration")
    if len(numbers) == 2:
        return numbers[0] * 60 + numbers[1]
    return numbers[0] * 3600 + numbers[1] * 60 + numbers[2]


def _allotted(value: Any) -> int | None:
    try:
        seconds = value if isinstance(value, int) and not isinstance(value, bool) else parse_duration(value)
    except (TypeError, ValueError):
        seconds = -1
    if seconds is None:
        return None
    if seconds <= 0 or seconds > MAX_ALLOTTED_SECONDS:
        raise ValidationError(_("Enter the allotted time in minutes (for example 7 or 7:30), at most 4 hours."),
                              field="allotted_seconds")
    return seconds


def _participant(meeting: Meeting, public_id: Any) -> Participant:
    if not public_id:
        raise ValidationError(_("Choose the speaker among the meeting's participants."), field="participant_id")
    participant = db.session.scalar(select(Participant).where(Participant.meeting_id == meeting.id,
                                                              Participant.public_id == str(public_id)))
    if participant is None:
        raise ValidationError(_("The speaker must be a participant of this meeting."), field="participant_id")
    return participant


def _kind(value: Any) -> SpeechKind:
    try:
        return SpeechKind(value)
    except ValueError:
        raise ValidationError(_("Unknown kind of speech."), field="kind") from None


def _status(value: Any) -> SpeechStatus:
    try:
        return SpeechStatus(value)
    except ValueError:
        raise ValidationError(_("Unknown status."), field="status") from None


def default_kind(item: AgendaItem) -> SpeechKind:
    try:
        return SpeechKind(item.kind.value)
    except ValueError:
        return SpeechKind.discussion


def _clean(meeting: Meeting, data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(SPEECH_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s", fields=", ".join(sorted(unknown))))
    clean: dict[str, Any] = {}
    if "participant_id" in data:
        clean["participant"] = _participant(meeting, data["participant_id"])
    if "kind" in data:
        clean["kind"] = _kind(data["kind"])
    if "title" in data:
        clean["title"] = clean_text(data["title"])
        if len(clean["title"]) > 1000:
            raise ValidationError(_("The title is too long (at most 1000 characters)."), field="title")
    if "allotted_seconds" in data:
        clean["allotted_seconds"] = _allotted(data["allotted_seconds"])
    if "position" in data:
        try:
            clean["position"] = int(data["position"])
        except (TypeError, ValueError):
            raise ValidationError(_("The position must be a whole number."), field="position") from None
        if clean["position"] < 1:
            raise ValidationError(_("The position must be 1 or more."), field="position")
    if "status" in data:
        clean["status"] = _status(data["status"])
    if "summary" in data:
        clean["summary"] = clean_text(data["summary"], multiline=True)
        if len(clean["summary"]) > MAX_SUMMARY:
            raise ValidationError(_("The summary is too long (at most %(n)d characters).", n=MAX_SUMMARY),
                                  field="summary")
    return clean


def required_permission(data: dict[str, Any]) -> Permission:
    """What a change needs: the summary alone is the secretary's; anything else is the organizer's."""
    return Permission.take_minutes if set(data) <= {"summary"} else Permission.organize


def describe(speech: Speech) -> dict[str, Any]:
    """The speech's fields as the audit log records them."""
    return {
        "participant": speech.participant.full_name if speech.participant is not None else None,
        "kind": speech.kind.value if speech.kind else None,
        "title": speech.title,
        "position": speech.position,
        "allotted_seconds": speech.allotted_seconds,
        "status": speech.status.value if speech.status else None,
    }


def _clock(speech: Speech) -> timing.Clock:
    return timing.Clock(started_at=speech.started_at, ended_at=speech.ended_at,
                        paused_seconds=speech.paused_seconds or 0, paused_at=speech.paused_at,
                        allotted_seconds=speech.allotted_seconds)


def _set_clock(speech: Speech, clock: timing.Clock) -> None:
    speech.started_at = clock.started_at
    speech.ended_at = clock.ended_at
    speech.paused_seconds = clock.paused_seconds
    speech.paused_at = clock.paused_at
