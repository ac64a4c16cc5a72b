"""Speeches: the only code that changes speakers lists, their texts, the hall's live state and the
hall displays.

Rules kept here:
- A speech belongs to an agenda item of a meeting and to a participant of the same meeting; the user
  sees it when they may see the item (the meeting's and the item's classification).
- Every write to a meeting's speakers lists takes the lock of the meeting's control row first
  (SELECT … FOR UPDATE on PostgreSQL; a write lock on SQLite) and raises its revision. A control click
  carries the revision its page showed: a click on an older state is refused (two staff pressing
  "next" at once advance the list once). The state lives only in the database, so any number of
  workers agree.
- A closed meeting keeps its speakers lists as they are; only the summaries for the minutes may still
  be written (not once the meeting is archived).
- Texts are checked by content, stored under random names, versioned; an embargoed text is not given
  to delegates before its speech is delivered; a classified text follows the clearance rules and every
  download of it is audited.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, func, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload, subqueryload

from planner.accounts.models import Organization, User
from planner.agenda import services as agenda_services
from planner.agenda.models import AGENDA_ITEM_KIND_LABELS, AgendaItem, AgendaItemKind, AgendaItemStatus
from planner.core import audit
from planner.core.db import atomic, check_version
from planner.core.errors import Conflict, Forbidden, NotFound, ValidationError
from planner.core.models import utcnow
from planner.core.permissions import (
    CLASSIFICATION_LABELS,
    CLASSIFICATION_MARKS,
    Classification,
    Permission,
    clearance_of,
    cleared_for,
    visible_levels,
)
from planner.core.text import clean_text, full_name
from planner.core.tokens import new_token, token_hash
from planner.core.zipfiles import markup_message
from planner.delegates.documents import DelegateDocument, DelegateFile, DocumentSource
from planner.delegates.models import Participant, Person
from planner.extensions import db
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting, MeetingStatus
from planner.speeches import files, timing
from planner.speeches.models import (
    DEFAULT_UNTIMED_KINDS,
    SPEECH_KIND_LABELS,
    STATUS_TRANSITIONS,
    MeetingDisplay,
    Speech,
    SpeechControl,
    SpeechKind,
    SpeechStatus,
    SpeechText,
)

SPEECH_FIELDS = ("participant_id", "kind", "title", "position", "allotted_seconds", "status", "summary")
MAX_ALLOTTED_SECONDS = 4 * 3600
MAX_SUMMARY = 20_000
DEFAULT_TEXT_MAX_BYTES = 10 * 1024 * 1024
# Items that hold no speeches of their own.
NO_SPEECH_KINDS = frozenset({AgendaItemKind.session, AgendaItemKind.break_})
# Items on which a delegate may ask to speak from their personal link.
OPEN_KINDS = frozenset({AgendaItemKind.discussion})
# How often a hall display's "last seen" is written (not on every poll).
DISPLAY_SEEN_EVERY = timedelta(minutes=1)
ACTIVE_STATUSES = (SpeechStatus.requested, SpeechStatus.approved, SpeechStatus.speaking, SpeechStatus.done)


# Reading ------------------------------------------------------------------------------------------

def _speech_options(*, whole_meeting: bool = False) -> list[Any]:
    # selectinload asks for 500 speeches' texts per query: a whole congress (600) loads them through its
    # own query instead, in one, whatever its size.
    texts = subqueryload(Speech.texts) if whole_meeting else selectinload(Speech.texts)
    return [joinedload(Speech.participant).joinedload(Participant.person), texts]


def visible_content_aggregates(meeting_id: int, levels: Collection[str]) -> list[Select[Any]]:
    """Single-row aggregates of what a reader of these levels may see of a meeting's programme: its items
    and who presides them (agenda.services.visible_items_aggregates) and the speeches on those items. The
    versions of downloads (programme, invitations, booklet and the other printed matter) are made of
    these, so that an ETag changes with what its reader may see and with nothing else."""
    on_shown = (select(func.count(Speech.id).label("n"), func.max(Speech.updated_at).label("t"),
                       func.sum(Speech.version).label("v"))
                .join(AgendaItem, AgendaItem.id == Speech.agenda_item_id)
                .where(Speech.meeting_id == meeting_id, agenda_services.visible_item_clause(levels)))
    return [*agenda_services.visible_items_aggregates(meeting_id, levels), on_shown]


def visible_content_stamp(meeting: Meeting, levels: Collection[str]) -> str:
    """visible_content_aggregates as one string, in one statement."""
    return joined_aggregates(visible_content_aggregates(meeting.id, levels))


def joined_aggregates(queries: Sequence[Select[Any]]) -> str:
    """Single-row aggregate queries read side by side in one statement, as one string."""
    subqueries = [query.subquery(f"s{n}") for n, query in enumerate(queries)]
    joined = subqueries[0]
    for subquery in subqueries[1:]:
        joined = joined.join(subquery, true())
    row = db.session.execute(select(*(c for sq in subqueries for c in sq.c)).select_from(joined)).one()
    return ":".join("" if value is None else str(value) for value in row)


def can_hold_speeches(item: AgendaItem) -> bool:
    return item.kind not in NO_SPEECH_KINDS


def speaking_items(meeting: Meeting, user: User | None) -> list[AgendaItem]:
    """The meeting's items that can hold speeches and that the user may see, in programme order."""
    return [item for item in agenda_services.list_items(meeting, user) if can_hold_speeches(item)]


def item_speeches(item: AgendaItem) -> list[Speech]:
    """The speakers list of one item, in order, with the speakers and texts loaded."""
    return list(db.session.scalars(
        select(Speech).where(Speech.agenda_item_id == item.id).options(*_speech_options())
        .order_by(Speech.position, Speech.id)).unique())


def meeting_speeches(meeting: Meeting, user: User | None) -> list[Speech]:
    """Every speech of the meeting on items the user may see, in list order per item (the caller
    orders the items): one query for the speeches with their speakers, one for the texts."""
    visible = {item.id for item in agenda_services.list_items(meeting, user)}
    rows = db.session.scalars(
        select(Speech).where(Speech.meeting_id == meeting.id).options(*_speech_options(whole_meeting=True))
        .order_by(Speech.agenda_item_id, Speech.position, Speech.id)).unique()
    return [speech for speech in rows if speech.agenda_item_id in visible]


def by_item(speeches: Iterable[Speech]) -> dict[int, list[Speech]]:
    grouped: dict[int, list[Speech]] = {}
    for speech in speeches:
        grouped.setdefault(speech.agenda_item_id, []).append(speech)
    return grouped


def _visible_item(item: AgendaItem, user: User | None) -> bool:
    return agenda_services.item_visible(item, agenda_services.reader_levels(item.meeting.organization_id, user))


def get_speech(org: Organization, public_id: str, *, user: User | None) -> Speech:
    """A speech of a meeting of the organization, on an item the user may see; else not found."""
    meetings = meeting_services.meetings_query(org, user).with_only_columns(Meeting.id).scalar_subquery()
    speech = db.session.scalar(
        select(Speech).where(Speech.public_id == str(public_id), Speech.meeting_id.in_(meetings))
        .options(*_speech_options(), joinedload(Speech.agenda_item)))
    if speech is None or not _visible_item(speech.agenda_item, user):
        raise NotFound(_("No such speech."))
    return speech


def get_meeting_speech(meeting: Meeting, public_id: str, *, user: User | None) -> Speech:
    speech = db.session.scalar(
        select(Speech).where(Speech.meeting_id == meeting.id, Speech.public_id == str(public_id))
        .options(*_speech_options(), joinedload(Speech.agenda_item)))
    if speech is None or not _visible_item(speech.agenda_item, user):
        raise NotFound(_("No such speech."))
    return speech


def speaker_choices(meeting: Meeting) -> list[Participant]:
    """The meeting's participants in protocol order, for the speaker field."""
    return agenda_services.presiding_choices(meeting)


def meeting_participant(meeting: Meeting, public_id: str) -> Participant:
    participant = db.session.scalar(select(Participant).where(Participant.meeting_id == meeting.id,
                                                              Participant.public_id == str(public_id)))
    if participant is None:
        raise NotFound(_("No such participant."))
    return participant


def speaker_name(participant: Participant) -> str:
    """“Đồng chí Nguyễn Văn An”: the honorific (capitalised) and the full name."""
    honorific = (participant.honorific or "").strip()
    name = participant.full_name
    return f"{honorific[:1].upper()}{honorific[1:]} {name}" if honorific else name


def classification_of(speech: Speech) -> Classification:
    """The higher of the item's (and its session's) and the meeting's classification."""
    levels = [speech.meeting.classification, speech.agenda_item.classification]
    if speech.agenda_item.parent is not None:
        levels.append(speech.agenda_item.parent.classification)
    return max((Classification(level) for level in levels), key=lambda c: c.rank)


def speakers_by_item(items: Sequence[AgendaItem]) -> dict[str, list[int]]:
    """{agenda item public id: [person ids]} of the items' speakers (withdrawn ones left out), for the
    agenda's conflict warnings: one query whatever the size of the agenda."""
    ids = [item.id for item in items]
    if not ids:
        return {}
    rows = db.session.execute(
        select(AgendaItem.public_id, Participant.person_id)
        .join(Speech, Speech.agenda_item_id == AgendaItem.id)
        .join(Participant, Participant.id == Speech.participant_id)
        .where(AgendaItem.id.in_(ids), Speech.status != SpeechStatus.withdrawn)
        .order_by(AgendaItem.id, Speech.position)).all()
    found: dict[str, list[int]] = {}
    for item_id, person_id in rows:
        people = found.setdefault(item_id, [])
        if person_id not in people:
            people.append(person_id)
    return found


def speaker_names(items: Sequence[AgendaItem]) -> dict[int, str]:
    """{person id: full name} of the items' speakers, for the warnings' wording."""
    ids = [item.id for item in items]
    if not ids:
        return {}
    # The name's columns only: loading 600 speakers as participants with their people cost a third of
    # the agenda editor's time on a congress.
    rows = db.session.execute(
        select(Person.id, Person.family_name, Person.middle_name, Person.given_name).distinct()
        .join(Participant, Participant.person_id == Person.id)
        .join(Speech, Speech.participant_id == Participant.id)
        .where(Speech.agenda_item_id.in_(ids), Speech.status != SpeechStatus.withdrawn))
    return {person_id: full_name(family, middle, given) for person_id, family, middle, given in rows}


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


# The speakers list --------------------------------------------------------------------------------

def _ordered(item_id: int) -> list[Speech]:
    return list(db.session.scalars(select(Speech).where(Speech.agenda_item_id == item_id)
                                   .order_by(Speech.position, Speech.id)))


def _renumber(speeches: list[Speech]) -> None:
    for position, speech in enumerate(speeches, start=1):
        if speech.position != position:
            speech.position = position


def _place(speech: Speech, position: int) -> None:
    """Put the speech at a 1-based position of its list; the others close up around it."""
    others = [s for s in _ordered(speech.agenda_item_id) if s.id != speech.id]
    position = max(1, min(position, len(others) + 1))
    others.insert(position - 1, speech)
    _renumber(others)


def add_speech(item: AgendaItem, data: dict[str, Any], *, user: User | None,
               requested_by_delegate: bool = False, actor_label: str | None = None) -> Speech:
    """Put a speaker on an item's list (at the end unless a position is given). Staff add speakers
    approved; a request (status ``requested``) waits for approval."""
    meeting = item.meeting
    _ensure_list_editable(meeting)
    if not can_hold_speeches(item):
        raise ValidationError(_("Sessions and breaks have no speakers list: add the speech to an item."))
    data = dict(data)
    data.setdefault("kind", default_kind(item).value)
    data.setdefault("status", SpeechStatus.approved.value)
    clean = _clean(meeting, data)
    if "participant" not in clean:
        raise ValidationError(_("Choose the speaker among the meeting's participants."), field="participant_id")
    if clean["status"] not in (SpeechStatus.requested, SpeechStatus.approved):
        raise ValidationError(_("A new speech is requested or approved; it is started from the live control."),
                              field="status")
    with _saving():
        control = _lock(meeting)
        speech = Speech(meeting_id=meeting.id, agenda_item_id=item.id, participant=clean["participant"],
                        kind=clean["kind"], title=clean.get("title", ""), status=clean["status"],
                        allotted_seconds=clean.get("allotted_seconds"), summary=clean.get("summary", ""),
                        requested_by_delegate=requested_by_delegate, paused_seconds=0)
        last = db.session.scalar(select(func.max(Speech.position)).where(Speech.agenda_item_id == item.id))
        speech.position = (last or 0) + 1
        db.session.add(speech)
        db.session.flush()
        if "position" in clean:
            _place(speech, clean["position"])
        _bump(control)
        action = "speech.requested" if clean["status"] == SpeechStatus.requested else "speech.added"
        _audit(meeting, action, speech.public_id, _summary_label(speech), audit.diff({}, describe(speech)),
               actor_label=actor_label)
        return speech


def add_speeches(item: AgendaItem, rows: Sequence[dict[str, Any]], *, user: User | None) -> list[Speech]:
    """Put several speakers on an item's list at once, in the given order after those already there:
    the same checks as add_speech for every row, one lock, one audit entry, one commit; all or none
    (a row at fault is named by its number)."""
    meeting = item.meeting
    _ensure_list_editable(meeting)
    if not can_hold_speeches(item):
        raise ValidationError(_("Sessions and breaks have no speakers list: add the speech to an item."))
    participants = {p.public_id: p for p in db.session.scalars(select(Participant).where(
        Participant.meeting_id == meeting.id,
        Participant.public_id.in_({str(row.get("participant_id")) for row in rows})))}
    cleaned = []
    for number, row in enumerate(rows, start=1):
        data = {k: v for k, v in row.items() if k != "participant_id"}
        data.setdefault("kind", default_kind(item).value)
        data.setdefault("status", SpeechStatus.approved.value)
        try:
            clean = _clean(meeting, data)
            participant = participants.get(str(row.get("participant_id")))
            if participant is None:
                raise ValidationError(_("Choose the speaker among the meeting's participants."),
                                      field="participant_id")
            if clean["status"] not in (SpeechStatus.requested, SpeechStatus.approved):
                raise ValidationError(_("A new speech is requested or approved; it is started from the live "
                                        "control."), field="status")
            if "position" in clean:
                raise ValidationError(_("Unknown fields: %(fields)s", fields="position"), field="position")
        except ValidationError as exc:
            raise ValidationError(_("Speech %(n)d: %(message)s", n=number, message=exc.message),
                                  field=exc.field) from None
        cleaned.append((participant, clean))
    with _saving():
        control = _lock(meeting)
        last = db.session.scalar(select(func.max(Speech.position)).where(Speech.agenda_item_id == item.id)) or 0
        added = []
        for offset, (participant, clean) in enumerate(cleaned, start=1):
            speech = Speech(meeting_id=meeting.id, agenda_item_id=item.id, participant=participant,
                            kind=clean["kind"], title=clean.get("title", ""), status=clean["status"],
                            allotted_seconds=clean.get("allotted_seconds"), summary=clean.get("summary", ""),
                            requested_by_delegate=False, paused_seconds=0, position=last + offset)
            db.session.add(speech)
            added.append(speech)
        db.session.flush()
        _bump(control)
        _audit(meeting, "speeches.added", item.public_id, item.title,
               {"speeches": [[None, _summary_label(s)] for s in added]}, object_type="agenda_item")
        return added


def update_speech(speech: Speech, data: dict[str, Any], *, user: User | None, version: Any = None,
                  now: datetime | None = None) -> Speech:
    """Change a speech's fields; a change of ``status`` goes through the status rules (and the clock
    when it starts or ends the speech). On a closed meeting only the summary may change."""
    meeting = speech.meeting
    if set(data) <= {"summary"}:
        return set_summary(speech, data.get("summary"), user=user, version=version)
    _ensure_list_editable(meeting)
    clean = _clean(meeting, data)
    with _saving():
        control = _lock(meeting)
        speech = _fresh(speech)
        _check_version(speech, version)
        before = describe(speech)
        old_summary = speech.summary
        if "participant" in clean and clean["participant"].id != speech.participant_id:
            if speech.started_at is not None:
                raise Conflict(_("This speech has begun: its speaker can no longer be changed."))
            speech.participant = clean["participant"]
        for key in ("kind", "title", "allotted_seconds"):
            if key in clean:
                setattr(speech, key, clean[key])
        if "position" in clean and clean["position"] != speech.position:
            _place(speech, clean["position"])
        if "status" in clean and clean["status"] != speech.status:
            _move(control, speech, clean["status"], now or utcnow())
        if "summary" in clean and clean["summary"] != speech.summary:
            speech.summary = clean["summary"]
            speech.summary_updated_at = utcnow()
            speech.summary_updated_by_id = user.id if user is not None else None
        changes = audit.diff(before, describe(speech))
        if speech.summary != old_summary:
            changes["summary"] = ["…" if old_summary else "", f"{len(speech.summary)} characters"]
        if not changes:
            return speech
        _bump(control)
        _audit(meeting, "speech.updated", speech.public_id, _summary_label(speech), changes)
        return speech


def delete_speech(speech: Speech, *, user: User | None, version: Any = None) -> None:
    """Take a speech off the list. A speech that has begun stays, for the minutes (withdraw a planned
    one instead if its record should remain)."""
    meeting = speech.meeting
    _ensure_list_editable(meeting)
    with _saving():
        control = _lock(meeting)
        speech = _fresh(speech)
        _check_version(speech, version)
        if speech.started_at is not None or speech.status in (SpeechStatus.speaking, SpeechStatus.done):
            raise Conflict(_("This speech has been delivered: it stays on the list for the minutes."))
        stored = [text.stored_name for text in speech.texts]
        if control.current_speech_id == speech.id:
            control.current_speech_id = None
        item_id = speech.agenda_item_id
        _audit(meeting, "speech.deleted", speech.public_id, _summary_label(speech), describe(speech))
        db.session.delete(speech)
        db.session.flush()
        _renumber(_ordered(item_id))
        _bump(control)
    for name in stored:
        files.discard(_storage(), name)


def reorder(item: AgendaItem, order: Sequence[str], *, user: User | None, revision: Any = None) -> bool:
    """What a drag and drop means: the item's speeches take the order in which ``order`` lists their
    ids (speeches not named keep their relative place after them). Answers whether anything moved."""
    meeting = item.meeting
    _ensure_list_editable(meeting)
    with _saving():
        control = _lock(meeting)
        _check_revision(control, revision)
        speeches = _ordered(item.id)
        known = {s.public_id for s in speeches}
        if any(str(public_id) not in known for public_id in order):
            raise NotFound(_("No such speech."))
        rank = {str(public_id): i for i, public_id in enumerate(order)}
        before = [s.public_id for s in speeches]
        speeches.sort(key=lambda s: (rank.get(s.public_id, len(rank) + s.position), s.position))
        after = [s.public_id for s in speeches]
        if after == before:
            return False
        _renumber(speeches)
        _bump(control)
        _audit(meeting, "speech.reordered", item.public_id, item.title, {"order": [before, after]},
               object_type="agenda_item")
        return True


def move(speech: Speech, direction: str, *, user: User | None, revision: Any = None) -> bool:
    """The keyboard's way to reorder: one place up or down."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Unknown direction."))
    order = [s.public_id for s in _ordered(speech.agenda_item_id)]
    index = order.index(speech.public_id)
    target = index - 1 if direction == "up" else index + 1
    if target < 0 or target >= len(order):
        return False
    order[index], order[target] = order[target], order[index]
    return reorder(speech.agenda_item, order, user=user, revision=revision)


def set_status(speech: Speech, status: Any, *, user: User | None, revision: Any = None,
               now: datetime | None = None) -> Speech:
    """Approve, decline (withdraw), reinstate, start, finish: one move of the status rules."""
    meeting = speech.meeting
    _ensure_list_editable(meeting)
    target = _status(status)
    with _saving():
        control = _lock(meeting)
        _check_revision(control, revision)
        speech = _fresh(speech)
        before = speech.status
        if target == before:
            return speech
        _move(control, speech, target, now or utcnow())
        _bump(control)
        _audit(meeting, f"speech.{target.value}", speech.public_id, _summary_label(speech),
               {"status": [before.value, target.value]})
        return speech


def _refuse_move(speech: Speech, target: SpeechStatus) -> None:
    from planner.speeches.models import SPEECH_STATUS_LABELS

    raise Conflict(_("A speech that is “%(current)s” cannot become “%(target)s”.",
                     current=SPEECH_STATUS_LABELS[speech.status], target=SPEECH_STATUS_LABELS[target]))


def _clock(speech: Speech) -> timing.Clock:
    return timing.Clock(started_at=speech.started_at, ended_at=speech.ended_at,
                        paused_seconds=speech.paused_seconds or 0, paused_at=speech.paused_at,
                        allotted_seconds=speech.allotted_seconds)


def _set_clock(speech: Speech, clock: timing.Clock) -> None:
    speech.started_at = clock.started_at
    speech.ended_at = clock.ended_at
    speech.paused_seconds = clock.paused_seconds
    speech.paused_at = clock.paused_at


def _move(control: SpeechControl, speech: Speech, target: SpeechStatus, now: datetime) -> None:
    """Change the status under the lock, keeping the clock and the hall's current speech in step."""
    if target not in STATUS_TRANSITIONS[speech.status]:
        _refuse_move(speech, target)
    if target == SpeechStatus.speaking:
        current = control.current_speech
        if current is not None and current.id != speech.id:
            db.session.refresh(current)
            if current.status == SpeechStatus.speaking:
                _finish(current, now)
        _set_clock(speech, timing.start(timing.reset(_clock(speech)), now))
        control.current_speech_id = speech.id
        control.current_item_id = speech.agenda_item_id
    elif target == SpeechStatus.done:
        _set_clock(speech, timing.stop(_clock(speech), now))
    elif speech.status == SpeechStatus.speaking and target == SpeechStatus.approved:
        _set_clock(speech, timing.reset(_clock(speech)))
    elif target == SpeechStatus.withdrawn and control.current_speech_id == speech.id:
        control.current_speech_id = None
    speech.status = target


def _finish(speech: Speech, now: datetime) -> None:
    _set_clock(speech, timing.stop(_clock(speech), now))
    speech.status = SpeechStatus.done


# Live control -------------------------------------------------------------------------------------

def _current(control: SpeechControl) -> Speech | None:
    speech = control.current_speech
    if speech is not None:
        db.session.refresh(speech)
    return speech


def _next_after(speeches: list[Speech], current: Speech | None) -> Speech | None:
    """The first approved speech after the current one on its list (the first approved at all when the
    current speech is not on this list)."""
    waiting = [s for s in speeches if s.status == SpeechStatus.approved
               and (current is None or s.id != current.id)]
    if current is not None and any(s.id == current.id for s in speeches):
        later = [s for s in waiting if (s.position, s.id) > (current.position, current.id)]
        return later[0] if later else (waiting[0] if waiting else None)
    return waiting[0] if waiting else None


def next_speech(meeting: Meeting, control: SpeechControl | None = None,
                speeches: list[Speech] | None = None) -> Speech | None:
    """Who would be called next on the current item."""
    control = control if control is not None else control_of(meeting)
    if control is None or control.current_item_id is None:
        return None
    if speeches is None:
        speeches = list(db.session.scalars(select(Speech).where(Speech.agenda_item_id == control.current_item_id)
                                           .options(*_speech_options()).order_by(Speech.position, Speech.id)))
    return _next_after(speeches, control.current_speech)


def _control_audit(meeting: Meeting, action: str, speech: Speech | None, summary: str | None = None,
                   changes: dict[str, Any] | None = None) -> None:
    _audit(meeting, action, speech.public_id if speech is not None else meeting.public_id,
           summary or (_summary_label(speech) if speech is not None else meeting.title), changes,
           object_type="speech" if speech is not None else "meeting")


def select_item(meeting: Meeting, item: AgendaItem, *, user: User | None, revision: Any = None) -> SpeechControl:
    """Make an item the hall's current one (the display shows it and its next speaker)."""
    _ensure_list_editable(meeting)
    if item.meeting_id != meeting.id:
        raise NotFound(_("No such agenda item."))
    with _saving():
        control = _lock(meeting)
        _check_revision(control, revision)
        if control.current_item_id == item.id:
            return control
        current = _current(control)
        if current is not None and current.status == SpeechStatus.speaking:
            raise Conflict(_("%(name)s is still speaking: stop the speech before moving to another item.",
                             name=current.participant.full_name))
        control.current_item_id = item.id
        control.current_speech_id = None
        _bump(control)
        _control_audit(meeting, "speech.item_selected", None, item.title, {"item": item.public_id})
        return control


def call(meeting: Meeting, speech: Speech, *, user: User | None, revision: Any = None,
         now: datetime | None = None) -> Speech:
    """Invite a speaker to the rostrum: the hall shows them with their full time; the clock starts
    with ``start``. A speech still running is finished first."""
    _ensure_list_editable(meeting)
    with _saving():
        control = _lock(meeting)
        _check_revision(control, revision)
        speech = _fresh(speech)
        if speech.meeting_id != meeting.id:
            raise NotFound(_("No such speech."))
        if speech.status == SpeechStatus.requested:
            raise Conflict(_("Approve the request of %(name)s before calling them.", name=speech.participant.full_name))
        if speech.status != SpeechStatus.approved:
            _refuse_move(speech, SpeechStatus.speaking)
        current = _current(control)
        if current is not None and current.id != speech.id and current.status == SpeechStatus.speaking:
            _finish(current, now or utcnow())
        control.current_item_id = speech.agenda_item_id
        control.current_speech_id = speech.id
        _bump(control)
        _control_audit(meeting, "speech.called", speech)
        return speech


def start(meeting: Meeting, speech: Speech | None = None, *, user: User | None, revision: Any = None,
          now: datetime | None = None) -> Speech:
    """Start the clock of a speech (the current one when none is named)."""
    _ensure_list_editable(meeting)
    with _saving():
        control = _lock(meeting)
        _check_revision(control, revision)
        target = _fresh(speech) if speech is not None else _current(control)
        if target is None:
            raise Conflict(_("Call a speaker first."))
        if target.meeting_id != meeting.id:
            raise NotFound(_("No such speech."))
        if target.status == SpeechStatus.requested:
            raise Conflict(_("Approve the request of %(name)s before calling them.", name=target.participant.full_name))
        _move(control, target, SpeechStatus.speaking, now or utcnow())
        _bump(control)
        _control_audit(meeting, "speech.started", target)
        return target


def _running(control: SpeechControl) -> Speech:
    current = _current(control)
    if current is None or current.status != SpeechStatus.speaking:
        raise Conflict(_("No one is speaking at the moment."))
    return current


def pause(meeting: Meeting, *, user: User | None, revision: Any = None, now: datetime | None = None) -> Speech:
    _ensure_list_editable(meeting)
    with _saving():
        control = _lock(meeting)
        _check_revision(control, revision)
        current = _running(control)
        try:
            _set_clock(current, timing.pause(_clock(current), now or utcnow()))
        except timing.ClockError:
            raise Conflict(_("The speech is paused already.")) from None
        _bump(control)
        _control_audit(meeting, "speech.paused", current)
        return current


def resume(meeting: Meeting, *, user: User | None, revision: Any = None, now: datetime | None = None) -> Speech:
    _ensure_list_editable(meeting)
    with _saving():
        control = _lock(meeting)
        _check_revision(control, revision)
        current = _running(control)
        try:
            _set_clock(current, timing.resume(_clock(current), now or utcnow()))
        except timing.ClockError:
            raise Conflict(_("The speech is not paused.")) from None
        _bump(control)
        _control_audit(meeting, "speech.resumed", current)
        return current


def stop(meeting: Meeting, *, user: User | None, revision: Any = None, now: datetime | None = None) -> Speech:
    """End the current speech; it stays on the display, with its time, until the next is called."""
    _ensure_list_editable(meeting)
    with _saving():
        control = _lock(meeting)
        _check_revision(control, revision)
        current = _running(control)
        _finish(current, now or utcnow())
        _bump(control)
        elapsed = round(timing.elapsed(_clock(current), current.ended_at or utcnow()))
        _control_audit(meeting, "speech.done", current, changes={"elapsed_seconds": elapsed,
                                                                  "allotted_seconds": current.allotted_seconds})
        return current


def call_next(meeting: Meeting, *, user: User | None, revision: Any = None, item: AgendaItem | None = None,
              now: datetime | None = None) -> Speech | None:
    """Finish the current speech (if it runs) and call the next approved speaker of the current item
    (or of ``item`` when the hall has no current item yet). Answers the called speech, or None when
    no one is left on the list."""
    _ensure_list_editable(meeting)
    with _saving():
        control = _lock(meeting)
        _check_revision(control, revision)
        if control.current_item_id is None and item is not None:
            control.current_item_id = item.id
        if control.current_item_id is None:
            raise Conflict(_("Choose the agenda item whose speakers list runs now."))
        current = _current(control)
        if current is not None and current.status == SpeechStatus.speaking:
            _finish(current, now or utcnow())
        following = _next_after(_ordered(control.current_item_id), current)
        if following is None:
            if current is not None and current.status == SpeechStatus.done:
                control.current_speech_id = None
            _bump(control)
            _control_audit(meeting, "speech.list_ended", None)
            return None
        control.current_speech_id = following.id
        _bump(control)
        _control_audit(meeting, "speech.called", following)
        return following


# The hall: what the display and the control page show ----------------------------------------------

def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="milliseconds") if value is not None else None


# A hall display is a screen of the organization's own meeting room, opened by a secret link that staff
# made: it reads what staff may show in the room (internal content), nothing marked mật or above.
SCREEN_CLEARANCE = Classification.internal


def screen_levels() -> list[str]:
    """The classifications a hall display may show (the reader's levels of ``hall_state``)."""
    return visible_levels(SCREEN_CLEARANCE)


def meeting_title(meeting: Meeting, levels: Collection[str]) -> str:
    """The meeting's title for a reader, or the mark that stands for it ("Cuộc họp (mật)", as on the
    delegate's page) when the reader may not see the meeting."""
    return meeting.title if meeting.classification in levels else _("Meeting (classified)")


def _mark(item: AgendaItem, meeting: Meeting) -> str:
    """What stands for an item the reader may not see: the mark of its highest level (item, session,
    meeting): MẬT, TỐI MẬT, TUYỆT MẬT, or the level's name below those."""
    levels = [Classification(item.classification), Classification(meeting.classification)]
    if item.parent is not None:
        levels.append(Classification(item.parent.classification))
    top = max(levels, key=lambda c: c.rank)
    return CLASSIFICATION_MARKS.get(top) or str(CLASSIFICATION_LABELS[top])


def _sees(item: AgendaItem, meeting: Meeting, levels: Collection[str]) -> bool:
    """The one visibility rule (agenda.services.item_visible), with the meeting's own level for a reader
    (a screen) that did not find the meeting through the clearance-scoped lookup."""
    return meeting.classification in levels and agenda_services.item_visible(item, levels)


def _speech_state(speech: Speech, mark: str | None) -> dict[str, Any]:
    """A speech as the live state shows it; with a mark (the reader may not see its item) only the mark
    and the clock: no speaker, title, unit, delegation, kind or ids."""
    clock = {
        "status": speech.status.value,
        "allotted_seconds": speech.allotted_seconds,
        "started_at": _iso(speech.started_at),
        "ended_at": _iso(speech.ended_at),
        "paused_at": _iso(speech.paused_at),
        "paused_seconds": speech.paused_seconds or 0,
    }
    if mark is not None:
        return {"id": None, "speaker": mark, "position_title": "", "unit": "", "delegation": "", "title": "",
                "kind": None, "kind_label": "", "withheld": True, **clock}
    participant = speech.participant
    return {
        "id": speech.public_id,
        "speaker": speaker_name(participant),
        "position_title": participant.title,
        "unit": participant.unit,
        "delegation": participant.delegation,
        "title": speech.title,
        "kind": speech.kind.value,
        "kind_label": str(SPEECH_KIND_LABELS[speech.kind]),
        "withheld": False,
        **clock,
    }


def hall_state(meeting: Meeting, levels: Collection[str]) -> dict[str, Any]:
    """The live state as plain data for a reader who may see ``levels`` (a user's, from their clearance in
    the meeting's organization; a hall display's, ``screen_levels()``): the current item, the current
    speech with its clock fields, the next speaker. What the reader may not see is replaced by its mark
    (the clock keeps running). The same data for every reader of the same levels, so that its digest can
    serve as the ETag; the clock runs in the browser from these timestamps."""
    control = control_of(meeting)
    state: dict[str, Any] = {"revision": 0, "meeting": meeting_title(meeting, levels), "item": None,
                             "current": None, "next": None, "closed": not meeting_services.is_editable(meeting)}
    if control is None:
        return state
    state["revision"] = control.revision
    item = control.current_item
    if item is None:
        return state
    mark = None if _sees(item, meeting, levels) else _mark(item, meeting)
    state["item"] = ({"id": None, "title": mark, "kind": None, "kind_label": "", "withheld": True} if mark else
                     {"id": item.public_id, "title": item.title, "kind": item.kind.value,
                      "kind_label": str(AGENDA_ITEM_KIND_LABELS[item.kind]), "withheld": False})
    speeches = list(db.session.scalars(select(Speech).where(Speech.agenda_item_id == item.id)
                                       .options(joinedload(Speech.participant).joinedload(Participant.person))
                                       .order_by(Speech.position, Speech.id)))
    current = next((s for s in speeches if s.id == control.current_speech_id), None)
    if current is None and control.current_speech_id is not None:
        current = control.current_speech  # called from another item's list
    if current is not None:
        on = current.agenda_item
        state["current"] = _speech_state(current, None if _sees(on, meeting, levels) else _mark(on, meeting))
    following = _next_after(speeches, current)
    if following is not None:
        state["next"] = _speech_state(following, mark)
    return state


def note_display_opened(display: MeetingDisplay) -> None:
    """DOMAIN.md, Confidentiality: every view of classified content is audited. Opening a classified
    meeting's hall display is one (its state polls are not: the opening stands for the session)."""
    meeting = display.meeting
    if not Classification(meeting.classification).is_classified:
        return
    with atomic():
        _audit(meeting, "hall_display.opened", display.public_id, display.name, object_type="hall_display")


# Hall displays ------------------------------------------------------------------------------------

def displays(meeting: Meeting) -> list[MeetingDisplay]:
    return list(db.session.scalars(select(MeetingDisplay).where(MeetingDisplay.meeting_id == meeting.id)
                                   .order_by(MeetingDisplay.revoked_at.is_not(None), MeetingDisplay.created_at.desc(),
                                             MeetingDisplay.id.desc())))


def _untimed_kinds(kinds: Iterable[str]) -> str:
    try:
        chosen = {SpeechKind(k) for k in kinds}
    except ValueError:
        raise ValidationError(_("Unknown kind of speech."), field="untimed_kinds") from None
    return ",".join(k.value for k in SpeechKind if k in chosen)


def create_display(meeting: Meeting, *, user: User | None, name: str = "",
                   untimed_kinds: Iterable[str] = DEFAULT_UNTIMED_KINDS) -> tuple[MeetingDisplay, str]:
    """A new secret link for a hall display; the token is answered once and kept only as a hash.
    ``untimed_kinds``: the speech kinds it shows without time left or overtime."""
    _ensure_list_editable(meeting)
    label = clean_text(name)[:120] or _("Hall display")
    token = new_token("h_")
    display = MeetingDisplay(meeting_id=meeting.id, name=label, token_hash=token_hash(token), hint=token[:8],
                             created_by_id=user.id if user is not None else None,
                             untimed_kinds=_untimed_kinds(untimed_kinds))
    with _saving():
        db.session.add(display)
        db.session.flush()
        _audit(meeting, "hall_display.created", display.public_id, label, object_type="hall_display")
    return display, token


def get_display(meeting: Meeting, public_id: str) -> MeetingDisplay:
    display = db.session.scalar(select(MeetingDisplay).where(MeetingDisplay.meeting_id == meeting.id,
                                                             MeetingDisplay.public_id == str(public_id)))
    if display is None:
        raise NotFound(_("No such display."))
    return display


def set_untimed_kinds(display: MeetingDisplay, kinds: Iterable[str], *, user: User | None) -> None:
    """Which speech kinds the display shows untimed (no time left, no overtime counter)."""
    _ensure_list_editable(display.meeting)
    value = _untimed_kinds(kinds)
    if value == display.untimed_kinds:
        return
    before = display.untimed_kinds
    with _saving():
        display.untimed_kinds = value
        _audit(display.meeting, "hall_display.changed", display.public_id, display.name,
               object_type="hall_display", changes={"untimed_kinds": [before, value]})


def display_state(display: MeetingDisplay, levels: Any) -> dict[str, Any]:
    """The live state as this display shows it: the meeting's state (what ``levels`` admit) and the kinds
    it shows untimed."""
    return {**hall_state(display.meeting, levels), "untimed_kinds": display.untimed}


def revoke_display(display: MeetingDisplay, *, user: User | None) -> None:
    if display.revoked_at is not None:
        return
    with _saving():
        display.revoked_at = utcnow()
        _audit(display.meeting, "hall_display.revoked", display.public_id, display.name,
               object_type="hall_display")


def display_by_token(token: str | None) -> MeetingDisplay | None:
    """The active display of this secret link (its meeting loaded), or None."""
    if not token or len(token) > 100:
        return None
    display = db.session.scalar(select(MeetingDisplay).where(MeetingDisplay.token_hash == token_hash(token))
                                .options(joinedload(MeetingDisplay.meeting)))
    if display is None or display.revoked_at is not None or display.meeting.status == MeetingStatus.archived:
        return None
    return display


def seen(display: MeetingDisplay, now: datetime | None = None) -> None:
    """Note that the display is polling, at most once a minute (not a write per poll)."""
    now = now or utcnow()
    if display.last_seen_at is None or now - display.last_seen_at >= DISPLAY_SEEN_EVERY:
        with atomic():
            db.session.execute(update(MeetingDisplay).where(MeetingDisplay.id == display.id)
                               .values(last_seen_at=now))


# Requests from delegates --------------------------------------------------------------------------

def open_for_requests(item: AgendaItem) -> bool:
    """Whether a delegate may ask to speak on the item from their personal link: an open discussion
    item (scheduled, unclassified) of a meeting that is not closed."""
    meeting = item.meeting
    return (item.kind in OPEN_KINDS and item.status == AgendaItemStatus.scheduled
            and Classification(item.classification) == Classification.none
            and (item.parent is None or Classification(item.parent.classification) == Classification.none)
            and Classification(meeting.classification) == Classification.none
            and meeting_services.is_editable(meeting))


def items_open_for_requests(participant: Participant) -> list[AgendaItem]:
    """The items of the participant's meeting on which they may ask to speak, in programme order."""
    items = agenda_services.list_items(participant.meeting, None)
    return [item for item in items if open_for_requests(item)]


def participant_speeches(participant: Participant) -> list[Speech]:
    """A delegate's own speeches (withdrawn ones too, so that a declined request shows as such), for
    their personal page. Items above "none" show no title there: callers use ``delegate_view``."""
    return list(db.session.scalars(
        select(Speech).where(Speech.participant_id == participant.id).options(*_speech_options(),
                                                                               joinedload(Speech.agenda_item))
        .order_by(Speech.agenda_item_id, Speech.position)).unique())


def request_to_speak(participant: Participant, item: AgendaItem, title: str = "") -> Speech:
    """A delegate asks to speak on an open discussion item (from their personal link): the request
    joins the end of the list as ``requested`` until staff approve or decline it."""
    if item.meeting_id != participant.meeting_id:
        raise NotFound(_("No such agenda item."))
    if not meeting_services.is_editable(item.meeting):
        raise Conflict(_("This meeting is closed: requests to speak are no longer taken."))
    if not open_for_requests(item):
        raise Forbidden(_("Requests to speak are taken only on open discussion items."))
    title = clean_text(title)
    if len(title) > 1000:
        raise ValidationError(_("The title is too long (at most 1000 characters)."), field="title")
    pending = db.session.scalar(select(func.count(Speech.id)).where(
        Speech.agenda_item_id == item.id, Speech.participant_id == participant.id,
        Speech.status.in_([SpeechStatus.requested, SpeechStatus.approved])))
    if pending:
        raise Conflict(_("You are on this item's speakers list already."))
    return add_speech(item, {"participant_id": participant.public_id, "title": title,
                             "kind": SpeechKind.discussion.value, "status": SpeechStatus.requested.value},
                      user=None, requested_by_delegate=True, actor_label=f"delegate:{participant.public_id}")


def approve(speech: Speech, *, user: User | None, revision: Any = None) -> Speech:
    return set_status(speech, SpeechStatus.approved, user=user, revision=revision)


def decline(speech: Speech, *, user: User | None, revision: Any = None) -> Speech:
    """Decline a request (or withdraw a planned speech): it stays on record as withdrawn."""
    return set_status(speech, SpeechStatus.withdrawn, user=user, revision=revision)


# Summaries for the minutes ------------------------------------------------------------------------

def set_summary(speech: Speech, summary: Any, *, user: User | None, version: Any = None) -> Speech:
    """The secretary's record of what was said: allowed during and after the meeting (a closed one
    too), not once it is archived."""
    meeting = speech.meeting
    if meeting.status == MeetingStatus.archived:
        raise Conflict(_("This meeting is archived: its summaries can no longer be changed."))
    clean = _clean(meeting, {"summary": summary})["summary"]
    with _saving():
        _lock(meeting)
        speech = _fresh(speech)
        _check_version(speech, version)
        if clean == speech.summary:
            return speech
        had = bool(speech.summary)
        speech.summary = clean
        speech.summary_updated_at = utcnow()
        speech.summary_updated_by_id = user.id if user is not None else None
        _audit(meeting, "speech.summary_written", speech.public_id, _summary_label(speech),
               {"summary": ["…" if had else "", f"{len(clean)} characters"]})
        return speech


@dataclass(frozen=True)
class MinutesSpeech:
    """One speech as the minutes read it."""

    id: str
    speaker: str
    position_title: str
    unit: str
    delegation: str
    kind: str
    kind_label: str
    title: str
    status: str
    started_at: datetime | None
    ended_at: datetime | None
    spoken_seconds: int
    summary: str
    requested_by_delegate: bool


@dataclass(frozen=True)
class MinutesItem:
    id: str
    title: str
    kind: str
    classification: str
    speeches: list[MinutesSpeech] = field(default_factory=list)


def minutes_records(meeting: Meeting, user: User | None) -> list[MinutesItem]:
    """Who said what, item by item in programme order: the delivered speeches (and planned ones still
    pending) with the secretary's summaries. Withdrawn speeches are left out. Plain data, a fixed
    number of queries."""
    items = speaking_items(meeting, user)
    grouped = by_item(meeting_speeches(meeting, user))
    records: list[MinutesItem] = []
    for item in items:
        rows = [
            MinutesSpeech(
                id=s.public_id, speaker=speaker_name(s.participant), position_title=s.participant.title,
                unit=s.participant.unit, delegation=s.participant.delegation, kind=s.kind.value,
                kind_label=str(SPEECH_KIND_LABELS[s.kind]), title=s.title, status=s.status.value,
                started_at=s.started_at, ended_at=s.ended_at,
                spoken_seconds=round(timing.elapsed(_clock(s), utcnow())), summary=s.summary,
                requested_by_delegate=s.requested_by_delegate,
            )
            for s in grouped.get(item.id, []) if s.status != SpeechStatus.withdrawn
        ]
        if rows:
            records.append(MinutesItem(item.public_id, item.title, item.kind.value, item.classification.value, rows))
    return records


# Statistics ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Statistics:
    by_speaker: list[timing.Total]
    by_delegation: list[timing.Total]
    by_item: list[timing.Total]
    total: timing.Total
    speakers: dict[Any, Participant]
    items: dict[Any, AgendaItem]


def time_rows(speeches: Iterable[Speech], now: datetime | None = None) -> list[timing.TimeRow]:
    now = now or utcnow()
    return [
        timing.TimeRow(speaker=s.participant_id, delegation=s.participant.delegation or "", item=s.agenda_item_id,
                       planned=s.allotted_seconds or 0, actual=timing.elapsed(_clock(s), now),
                       delivered=s.started_at is not None)
        for s in speeches if s.status != SpeechStatus.withdrawn
    ]


def statistics(meeting: Meeting, user: User | None, now: datetime | None = None) -> Statistics:
    """Speaking time planned against actual: per speaker, per delegation and per item."""
    items = speaking_items(meeting, user)
    order = {item.id: i for i, item in enumerate(items)}
    speeches = sorted(meeting_speeches(meeting, user), key=lambda s: (order.get(s.agenda_item_id, 0), s.position))
    rows = time_rows(speeches, now)
    speakers = {s.participant_id: s.participant for s in speeches}
    per_speaker = sorted(timing.by_speaker(rows), key=lambda t: (-t.actual, -t.planned))
    per_delegation = sorted(timing.by_delegation(rows), key=lambda t: (-t.actual, -t.planned, str(t.key)))
    overall = timing.totals(rows, lambda _row: "all")
    return Statistics(per_speaker, per_delegation, timing.by_item(rows),
                      overall[0] if overall else timing.Total("all"), speakers,
                      {item.id: item for item in items})


# Submitted texts ----------------------------------------------------------------------------------

def _storage() -> str:
    return str(current_app.config["STORAGE_PATH"])


def text_max_bytes() -> int:
    return int(current_app.config.get("SPEECH_TEXT_MAX_BYTES") or DEFAULT_TEXT_MAX_BYTES)


def _refusal(exc: files.FileRefused, filename: str) -> ValidationError:
    if exc.reason == "empty":
        return ValidationError(_("The file is empty."), field="file")
    if exc.reason == "too_large":
        return ValidationError(_("The file is too large: at most %(mb)d MB.", mb=text_max_bytes() // (1024 * 1024)),
                               field="file")
    if exc.reason == "mismatch":
        real = "PDF" if exc.detected == files.PDF else "DOCX"
        return ValidationError(_("“%(name)s” is named like another kind of file but is a %(real)s. Give it the "
                                 "right extension and upload it again.", name=filename, real=real), field="file")
    if exc.reason == "markup":
        return ValidationError(markup_message("docx"), field="file")
    return ValidationError(_("Only DOCX (Word) and PDF files are accepted; “%(name)s” is neither.", name=filename),
                           field="file")


def check_upload(data: bytes, filename: str) -> files.Checked:
    """What an uploaded text (DOCX or PDF) really is, by its content, or a ValidationError saying why it is
    refused; a consultation's documents and a delegate's contribution are checked the same way."""
    filename = filename or ""
    try:
        return files.check(data, filename, max_bytes=text_max_bytes())
    except files.FileRefused as exc:
        raise _refusal(exc, files.clean_filename(filename, files.sniff(data or b"") or files.PDF)
                       if filename else "?") from None


def upload_text(speech: Speech, data: bytes, filename: str, *, user: User | None,
                check_against_delivery: bool = True, embargo: bool = True) -> SpeechText:
    """Keep a new version of the speech's text, after checking what the file really is."""
    meeting = speech.meeting
    _ensure_list_editable(meeting)
    filename = filename or ""
    checked = check_upload(data, filename)
    stored_name = files.store(_storage(), data)
    try:
        with _saving():
            _lock(meeting)
            speech = _fresh(speech)
            number = (db.session.scalar(select(func.max(SpeechText.number)).where(SpeechText.speech_id == speech.id))
                      or 0) + 1
            text = SpeechText(speech_id=speech.id, number=number,
                              filename=files.clean_filename(filename, checked.media_type), stored_name=stored_name,
                              media_type=checked.media_type, size=checked.size, sha256=checked.sha256,
                              uploaded_by_id=user.id if user is not None else None,
                              check_against_delivery=bool(check_against_delivery), embargo=bool(embargo))
            db.session.add(text)
            db.session.flush()
            _audit(meeting, "speech_text.uploaded", text.public_id, _summary_label(speech),
                   {"number": number, "filename": text.filename, "size": text.size, "sha256": text.sha256,
                    "embargo": text.embargo, "check_against_delivery": text.check_against_delivery},
                   object_type="speech_text")
    except Exception:   # nothing was kept: nor is the file
        files.discard(_storage(), stored_name)
        raise
    return text


def get_text(speech: Speech, public_id: str) -> SpeechText:
    text = next((t for t in speech.texts if t.public_id == str(public_id)), None)
    if text is None:
        raise NotFound(_("No such text."))
    return text


def update_text(text: SpeechText, *, user: User | None, embargo: bool | None = None,
                check_against_delivery: bool | None = None) -> SpeechText:
    """Lift (or set) a text's embargo, or its "check against delivery" mark."""
    meeting = text.speech.meeting
    _ensure_list_editable(meeting)
    before = {"embargo": text.embargo, "check_against_delivery": text.check_against_delivery}
    with _saving():
        if embargo is not None:
            text.embargo = bool(embargo)
        if check_against_delivery is not None:
            text.check_against_delivery = bool(check_against_delivery)
        changes = audit.diff(before, {"embargo": text.embargo,
                                      "check_against_delivery": text.check_against_delivery})
        if not changes:
            return text
        _audit(meeting, "speech_text.updated", text.public_id, _summary_label(text.speech), changes,
               object_type="speech_text")
    return text


def embargoed(text: SpeechText) -> bool:
    """Under embargo: not for delegates until the speech is delivered."""
    return text.embargo and not text.speech.delivered


def _file(text: SpeechText) -> Path:
    path = files.path_of(_storage(), text.stored_name)
    if not path.is_file():
        raise NotFound(_("The file of this text is missing from the storage. Upload it again."))
    return path


def open_text(text: SpeechText, *, user: User) -> Path:
    """Staff: the text's file, when their clearance admits the speech's classification. A download of
    classified content is written to the audit log."""
    speech = text.speech
    level = classification_of(speech)
    if not cleared_for(clearance_of(user, speech.meeting.organization_id), level):
        raise NotFound(_("No such text."))
    path = _file(text)
    if level.is_classified:
        with atomic():
            _audit(speech.meeting, "speech_text.downloaded", text.public_id, _summary_label(speech),
                   {"number": text.number, "classification": level.value}, object_type="speech_text")
    return path


def delegate_texts(participant: Participant) -> list[SpeechText]:
    """The texts a delegate may read from their personal link: the latest version of each speech of
    their meeting that is unclassified and not (any longer) under embargo."""
    speeches = db.session.scalars(
        select(Speech).where(Speech.meeting_id == participant.meeting_id, Speech.status != SpeechStatus.withdrawn)
        .options(*_speech_options(), joinedload(Speech.agenda_item), joinedload(Speech.meeting))
        .order_by(Speech.agenda_item_id, Speech.position)).unique()
    found = []
    for speech in speeches:
        latest = speech.latest_text
        if latest is not None and classification_of(speech) == Classification.none and not embargoed(latest):
            found.append(latest)
    return found


def open_text_for_delegate(participant: Participant, text_public_id: str) -> tuple[SpeechText, Path]:
    """A delegate fetches a text from their personal link: only of their own meeting, unclassified, and
    not under embargo (an embargoed text is refused until the speech is delivered; its own speaker may
    read it before)."""
    text = db.session.scalar(
        select(SpeechText).join(Speech).where(SpeechText.public_id == str(text_public_id),
                                              Speech.meeting_id == participant.meeting_id)
        .options(joinedload(SpeechText.speech)))
    if text is None or classification_of(text.speech) != Classification.none:
        raise NotFound(_("No such text."))
    if embargoed(text) and text.speech.participant_id != participant.id:
        raise Forbidden(_("This text is under embargo until the speech is delivered."))
    return text, _file(text)



# The texts on a delegate's page (delegates.documents.DOCUMENT_SOURCES, filled by the setup) ---------------

def delegate_documents(participant: Participant) -> list[DelegateDocument]:
    """The submitted texts a delegate may read, as their page lists them: speaker and title, the item they
    belong to where its title says more, and the "check against delivery" mark where the text carries it."""
    found = []
    for text in delegate_texts(participant):
        item = text.speech.agenda_item.title
        notes = [item] if item != text.speech.title else []
        if text.check_against_delivery:
            notes.append(_("Check against delivery"))
        found.append(DelegateDocument(title=_summary_label(text.speech), kind="speech", ref=text.public_id,
                                      note=" · ".join(notes)))
    return found


def open_delegate_document(participant: Participant, ref: str) -> DelegateFile:
    text, path = open_text_for_delegate(participant, ref)
    return DelegateFile(filename=text.filename, media_type=text.media_type, data=path.read_bytes(),
                        etag=text.sha256[:32])


TEXTS_FOR_DELEGATES = DocumentSource(kind="speech", documents=delegate_documents, open=open_delegate_document)
