"""The live control of the hall (the current item, calling, starting, pausing and stopping speakers) and
what the hall's displays show; the displays' secret links."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from planner.accounts.models import User
from planner.agenda import services as agenda_services
from planner.agenda.models import AGENDA_ITEM_KIND_LABELS, AgendaItem
from planner.core.db import atomic
from planner.core.errors import Conflict, NotFound, ValidationError
from planner.core.lookup import in_meeting
from planner.core.models import utcnow
from planner.core.permissions import (
    CLASSIFICATION_LABELS,
    CLASSIFICATION_MARKS,
    Classification,
    visible_levels,
)
from planner.core.text import clean_text
from planner.core.tokens import new_token, token_hash
from planner.delegates.models import Participant
from planner.extensions import db
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting, MeetingStatus
from planner.speeches import timing
from planner.speeches.models import (
    DEFAULT_UNTIMED_KINDS,
    SPEECH_KIND_LABELS,
    MeetingDisplay,
    Speech,
    SpeechControl,
    SpeechKind,
    SpeechStatus,
)
from planner.speeches.services.checks import (
    _audit,
    _bump,
    _check_revision,
    _clock,
    _ensure_list_editable,
    _fresh,
    _lock,
    _saving,
    _set_clock,
    _summary_label,
    control_of,
)
from planner.speeches.services.reading import DISPLAY_SEEN_EVERY, _speech_options, speaker_name
from planner.speeches.services.speakers_list import _finish, _move, _ordered, _refuse_move

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


def _turn_clock(meeting: Meeting, revision: Any, now: datetime | None,
                step: Callable[[timing.Clock, datetime], timing.Clock], refusal: Callable[[], str],
                action: str) -> Speech:
    """Pause or resume the running speech's clock (``step``); ``refusal`` when the clock is already so."""
    _ensure_list_editable(meeting)
    with _saving():
        control = _lock(meeting)
        _check_revision(control, revision)
        current = _running(control)
        try:
            _set_clock(current, step(_clock(current), now or utcnow()))
        except timing.ClockError:
            raise Conflict(refusal()) from None
        _bump(control)
        _control_audit(meeting, action, current)
        return current


def pause(meeting: Meeting, *, user: User | None, revision: Any = None, now: datetime | None = None) -> Speech:
    return _turn_clock(meeting, revision, now, timing.pause, lambda: _("The speech is paused already."),
                       "speech.paused")


def resume(meeting: Meeting, *, user: User | None, revision: Any = None, now: datetime | None = None) -> Speech:
    return _turn_clock(meeting, revision, now, timing.resume, lambda: _("The speech is not paused."),
                       "speech.resumed")


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
    return in_meeting(MeetingDisplay, meeting, public_id, _("No such display."))


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
