"""The speakers list changed: speeches added (one or a batch), edited, deleted, reordered, moved through
the status rules, and requests to speak from delegates approved or declined."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from planner.accounts.models import User
from planner.agenda import services as agenda_services
from planner.agenda.models import AgendaItem, AgendaItemStatus
from planner.core import audit
from planner.core.db import atomic
from planner.core.errors import Conflict, Forbidden, NotFound, ValidationError
from planner.core.models import utcnow
from planner.core.permissions import (
    Classification,
)
from planner.core.text import clean_text
from planner.delegates.models import Participant
from planner.extensions import db
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting
from planner.speeches import files, timing
from planner.speeches.models import (
    STATUS_TRANSITIONS,
    Speech,
    SpeechControl,
    SpeechKind,
    SpeechStatus,
)
from planner.speeches.services.checks import (
    _audit,
    _bump,
    _check_revision,
    _check_version,
    _clean,
    _clock,
    _ensure_list_editable,
    _fresh,
    _lock,
    _saving,
    _set_clock,
    _status,
    _summary_label,
    default_kind,
    describe,
)
from planner.speeches.services.reading import OPEN_KINDS, _speech_options, can_hold_speeches, meeting_speeches
from planner.speeches.services.records import set_summary
from planner.speeches.services.texts import _storage, check_upload, upload_text

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


MAX_DECISION_NOTE = 1000


def request_to_speak(participant: Participant, item: AgendaItem, title: str = "", data: bytes | None = None,
                     filename: str = "") -> Speech:
    """A delegate asks to speak on an open item (discussion, contributed speeches) from their personal link,
    or sends a written contribution (tham luận: a DOCX or PDF, checked as staff uploads are) with its title:
    the request joins the end of the list as ``requested`` until staff accept or decline it. A contribution's
    text is read by the other delegates only once accepted."""
    if item.meeting_id != participant.meeting_id:
        raise NotFound(_("No such agenda item."))
    if not meeting_services.is_editable(item.meeting):
        raise Conflict(_("This meeting is closed: requests to speak are no longer taken."))
    if not open_for_requests(item):
        raise Forbidden(_("Requests to speak are taken only on open discussion items."))
    title = clean_text(title)
    if len(title) > 1000:
        raise ValidationError(_("The title is too long (at most 1000 characters)."), field="title")
    written = bool(data)
    if written:
        check_upload(data or b"", filename)
        if not title:
            raise ValidationError(_("Give the title of your contribution."), field="title")
    pending = db.session.scalar(select(func.count(Speech.id)).where(
        Speech.agenda_item_id == item.id, Speech.participant_id == participant.id,
        Speech.status.in_([SpeechStatus.requested, SpeechStatus.approved])))
    if pending:
        raise Conflict(_("You are on this item's speakers list already."))
    kind = SpeechKind.contributed_speech if written else default_kind(item)
    with atomic():
        speech = add_speech(item, {"participant_id": participant.public_id, "title": title, "kind": kind.value,
                                   "status": SpeechStatus.requested.value},
                            user=None, requested_by_delegate=True, actor_label=f"delegate:{participant.public_id}")
        if written:
            upload_text(speech, data or b"", filename, user=None, check_against_delivery=False, embargo=False)
    return speech


def approve(speech: Speech, *, user: User | None, revision: Any = None) -> Speech:
    return set_status(speech, SpeechStatus.approved, user=user, revision=revision)


def decline(speech: Speech, *, user: User | None, revision: Any = None, reason: Any = "") -> Speech:
    """Decline a request or a written contribution (or withdraw a planned speech), with the reason the
    delegate reads on their page: it stays on record as withdrawn."""
    reason = clean_text(reason, multiline=True)
    if len(reason) > MAX_DECISION_NOTE:
        raise ValidationError(_("The reason is too long (at most %(num)d characters).", num=MAX_DECISION_NOTE),
                              field="reason")
    with atomic():
        if reason != speech.decision_note:
            speech.decision_note = reason
        return set_status(speech, SpeechStatus.withdrawn, user=user, revision=revision)


def contributions(meeting: Meeting, user: User | None) -> list[Speech]:
    """What delegates sent from their links (requests to speak and written contributions), on the items the
    reader may see, the waiting ones first, then in programme order."""
    found = [s for s in meeting_speeches(meeting, user) if s.requested_by_delegate]
    return sorted(found, key=lambda s: (s.status is not SpeechStatus.requested,))
