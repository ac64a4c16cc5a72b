"""The speakers pages: the control page (lists and the live clock), a speech with its texts and
summary, the summaries for the minutes, statistics and the hall displays (their links; the hall page is in portal)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from planner.accounts.access import can, require
from planner.accounts.models import User
from planner.agenda import services as agenda_services
from planner.agenda.models import AGENDA_ITEM_KIND_LABELS, AgendaItem
from planner.core.errors import Conflict, NotFound, PlannerError
from planner.core.exports import live_state, stored_file
from planner.core.models import utcnow
from planner.core.permissions import CLASSIFICATION_MARKS, Permission
from planner.core.web import attempt
from planner.core.web import form_error as _form_error
from planner.core.web import signed_in_user as _user
from planner.meetings.models import Meeting
from planner.meetings.tabs import meeting_editable as _editable
from planner.meetings.tabs import meeting_page, meeting_tabs
from planner.speeches import services, timing
from planner.speeches.forms import (
    ControlForm,
    DecisionForm,
    DeleteForm,
    DisplayForm,
    SpeechForm,
    SummaryForm,
    TextFlagsForm,
    TextForm,
    UntimedForm,
)
from planner.speeches.models import SPEECH_KIND_LABELS, SPEECH_STATUS_LABELS, Speech, SpeechStatus

bp = Blueprint("speeches", __name__)


NEW_DISPLAY_KEY = "new_hall_display"


@bp.context_processor
def _speech_globals() -> dict[str, Any]:
    return {
        "meeting_tabs": meeting_tabs,
        "CLASSIFICATION_MARKS": CLASSIFICATION_MARKS,
        "SPEECH_KIND_LABELS": SPEECH_KIND_LABELS,
        "SPEECH_STATUS_LABELS": SPEECH_STATUS_LABELS,
        "AGENDA_ITEM_KIND_LABELS": AGENDA_ITEM_KIND_LABELS,
        "clock_text": timing.clock_text,
    }


def _speech(meeting: Meeting, speech_id: str) -> Speech:
    return services.get_meeting_speech(meeting, speech_id, user=_user())


def _item(meeting: Meeting, item_id: str) -> AgendaItem:
    return agenda_services.get_meeting_item(meeting, item_id, user=_user())


def _control_url(meeting: Meeting, item: AgendaItem | str | None = None, anchor: str | None = None) -> str:
    item_id = item.public_id if isinstance(item, AgendaItem) else item
    return url_for("speeches.control", meeting_id=meeting.public_id, item=item_id or None, _anchor=anchor)


def _clock(speech: Speech, now: datetime) -> dict[str, Any]:
    clock = services._clock(speech)
    return {"elapsed": timing.elapsed(clock, now), "remaining": timing.remaining(clock, now),
            "overrun": timing.overrun(clock, now)}


# The control page ---------------------------------------------------------------------------------

@bp.get("/meetings/<meeting_id>/speakers")
@require(Permission.view)
def control(meeting_id: str):
    meeting = meeting_page(meeting_id)
    user = _user()
    items = services.speaking_items(meeting, user)
    speeches = services.meeting_speeches(meeting, user)
    grouped = services.by_item(speeches)
    state = services.control_of(meeting)
    chosen = request.args.get("item")
    selected = next((i for i in items if i.public_id == chosen), None)
    if selected is None and state is not None:
        selected = next((i for i in items if i.id == state.current_item_id), None)
    if selected is None:
        selected = next((i for i in items if grouped.get(i.id)), items[0] if items else None)
    current = next((s for s in speeches if state is not None and s.id == state.current_speech_id), None)
    current_item = next((i for i in items if state is not None and i.id == state.current_item_id), None)
    following = services.next_speech(meeting, state, grouped.get(current_item.id, []) if current_item else [])
    editable = _editable(meeting)
    form = None
    if editable and selected is not None:
        form = SpeechForm()
        form.participant_id.choices = [("", _("— Choose the speaker —")), *_speaker_choices(meeting)]
        form.kind.data = services.default_kind(selected).value
    now = utcnow()
    item_days: dict[Any, list[AgendaItem]] = {}
    for item in items:
        item_days.setdefault(agenda_services.local(meeting, item.starts_at).date(), []).append(item)
    body = render_template(
        "speeches/control.html", meeting=meeting, items=items, item_days=list(item_days.items()),
        grouped=grouped, selected=selected,
        selected_speeches=grouped.get(selected.id, []) if selected is not None else [],
        control=state, revision=state.revision if state is not None else 0, current=current,
        current_item=current_item, following=following, editable=editable, form=form,
        control_form=ControlForm(), now=now, clock=lambda s: _clock(s, now),
        requests=sum(1 for s in speeches if s.status == SpeechStatus.requested),
        can_summarize=can(Permission.take_minutes),
    )
    _note_view(meeting, items, "speakers")
    return body


def _note_view(meeting: Meeting, items: list[AgendaItem], what: str) -> None:
    """A view of classified content is audited (after rendering: the commit expires what was loaded)."""
    agenda_services.note_classified_view(meeting, items, what)


def _speaker_choices(meeting: Meeting) -> list[tuple[str, str]]:
    choices = []
    for p in services.speaker_choices(meeting):
        label = p.full_name + (f" — {p.title}" if p.title else "")
        if p.delegation:
            label += f" ({p.delegation})"
        choices.append((p.public_id, label))
    return choices


CONTROL_ACTIONS = frozenset({"call", "start", "pause", "resume", "stop", "next", "approve", "decline",
                             "reinstate", "up", "down", "select", "restart"})


@bp.post("/meetings/<meeting_id>/speakers/control")
@require(Permission.organize)
def control_action(meeting_id: str):
    """Every button of the control page: one action of the live control or of a row of the list."""
    meeting = meeting_page(meeting_id)
    form = ControlForm()
    back_item = form.item.data or None
    if not form.validate_on_submit() or form.action.data not in CONTROL_ACTIONS:
        flash(_("The form has expired or is incomplete. Reload the page and try again."), "error")
        return redirect(_control_url(meeting, back_item))
    action, revision, user = form.action.data, form.revision.data, _user()
    try:
        speech = _speech(meeting, form.speech.data) if form.speech.data else None
        if speech is not None:
            back_item = speech.agenda_item.public_id
        message = _act(meeting, action, speech, form.item.data or None, revision, user)
    except PlannerError as exc:
        flash(exc.message, "error")
    else:
        if message:
            flash(message, "success")
    anchor = "live" if action in ("call", "start", "pause", "resume", "stop", "next", "select") else (
        f"speech-{form.speech.data}" if form.speech.data else None)
    return redirect(_control_url(meeting, back_item, anchor))


def _act(meeting: Meeting, action: str, speech: Speech | None, item_id: str | None, revision: Any,
         user: User) -> str | None:
    def need() -> Speech:
        if speech is None:
            raise NotFound(_("No such speech."))
        return speech

    if action == "call":
        called = services.call(meeting, need(), user=user, revision=revision)
        return _("%(name)s is called to speak.", name=called.participant.full_name)
    if action == "start":
        started = services.start(meeting, speech, user=user, revision=revision)
        return _("%(name)s speaks: the clock runs.", name=started.participant.full_name)
    if action == "pause":
        services.pause(meeting, user=user, revision=revision)
        return None
    if action == "resume":
        services.resume(meeting, user=user, revision=revision)
        return None
    if action == "stop":
        stopped = services.stop(meeting, user=user, revision=revision)
        return _("The speech of %(name)s has ended.", name=stopped.participant.full_name)
    if action == "next":
        item = _item(meeting, item_id) if item_id else None
        called = services.call_next(meeting, user=user, revision=revision, item=item)
        if called is None:
            return _("No one else is waiting on this item’s list.")
        return _("%(name)s is called to speak.", name=called.participant.full_name)
    if action == "select":
        if not item_id:
            raise NotFound(_("No such agenda item."))
        services.select_item(meeting, _item(meeting, item_id), user=user, revision=revision)
        return None
    if action == "approve":
        services.approve(need(), user=user, revision=revision)
        return _("The request of %(name)s is approved.", name=need().participant.full_name)
    if action == "decline":
        was_request = need().status == SpeechStatus.requested
        services.decline(need(), user=user, revision=revision)
        if was_request:
            return _("The request of %(name)s is declined.", name=need().participant.full_name)
        return _("%(name)s is withdrawn from the list.", name=need().participant.full_name)
    if action == "reinstate":
        services.set_status(need(), SpeechStatus.approved, user=user, revision=revision)
        return _("%(name)s is back on the list.", name=need().participant.full_name)
    if action == "restart":
        services.set_status(need(), SpeechStatus.approved, user=user, revision=revision)
        return _("The start was undone: %(name)s waits with their full time.", name=need().participant.full_name)
    services.move(need(), action, user=user, revision=revision)  # up, down
    return None


@bp.post("/meetings/<meeting_id>/speakers/reorder")
@require(Permission.organize)
def reorder(meeting_id: str):
    """Drag and drop (static/js/speeches.js): {item, order, revision}; the page reloads after it."""
    meeting = meeting_page(meeting_id)
    data = request.get_json(silent=True) or {}
    order = [str(x) for x in data.get("order") or [] if x]
    try:
        item = _item(meeting, str(data.get("item") or ""))
        services.reorder(item, order, user=_user(), revision=data.get("revision"))
    except PlannerError as exc:
        flash(exc.message, "error")
        return jsonify({"ok": False, "detail": exc.message}), exc.status
    return jsonify({"ok": True})


@bp.get("/meetings/<meeting_id>/speakers/live")
@require(Permission.view)
def live(meeting_id: str):
    """The live state for the control page: what this reader may see (their clearance in the meeting's
    organization) of the item on the floor and its speakers; the rest is its mark."""
    meeting = meeting_page(meeting_id)
    levels = agenda_services.reader_levels(meeting.organization_id, _user())
    return live_state(services.hall_state(meeting, levels))


@bp.post("/meetings/<meeting_id>/agenda/<item_id>/speakers")
@require(Permission.organize)
def add(meeting_id: str, item_id: str):
    meeting = meeting_page(meeting_id)
    item = _item(meeting, item_id)
    form = SpeechForm()
    form.participant_id.choices = _speaker_choices(meeting)
    if form.validate_on_submit():
        done = attempt(lambda: services.add_speech(item, {
            "participant_id": form.participant_id.data, "kind": form.kind.data, "title": form.title.data or "",
            "allotted_seconds": form.allotted.data or None}, user=_user()))
        if done.ok:
            flash(_("%(name)s is on the speakers list.", name=done.value.participant.full_name), "success")
            return redirect(_control_url(meeting, item, f"speech-{done.value.public_id}"))
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return redirect(_control_url(meeting, item, "add-speaker"))


# One speech ---------------------------------------------------------------------------------------

def _speech_page(meeting: Meeting, speech: Speech, form: SpeechForm | None = None,
                 summary_form: SummaryForm | None = None, text_form: TextForm | None = None,
                 current: Speech | None = None, status: int = 200):
    editable = _editable(meeting)
    if form is None and editable:
        form = SpeechForm()
        form.participant_id.choices = _speaker_choices(meeting)
        form.participant_id.data = speech.participant.public_id
        form.kind.data = speech.kind.value
        form.title.data = speech.title
        form.allotted.data = timing.clock_text(speech.allotted_seconds) if speech.allotted_seconds else ""
        form.version.data = str(speech.version)
    if summary_form is None:
        summary_form = SummaryForm(summary=speech.summary, version=str(speech.version))
    summary_open = can(Permission.take_minutes) and meeting.status != "archived"
    now = utcnow()
    body = render_template(
        "speeches/speech.html", meeting=meeting, speech=speech, item=speech.agenda_item, form=form,
        summary_form=summary_form, text_form=text_form or (TextForm() if editable else None),
        delete_form=DeleteForm(version=str(speech.version)), flags_form=TextFlagsForm(), editable=editable,
        summary_open=summary_open, current=current, clock=_clock(speech, now),
        embargoed=services.embargoed, classification=services.classification_of(speech),
        max_mb=services.text_max_bytes() // (1024 * 1024), active_tab="speeches.control",
    )
    _note_view(meeting, [speech.agenda_item], "speech")
    return body, status


@bp.route("/meetings/<meeting_id>/speeches/<speech_id>", methods=["GET", "POST"])
@require(Permission.view)
def speech(meeting_id: str, speech_id: str):
    meeting = meeting_page(meeting_id)
    found = _speech(meeting, speech_id)
    if request.method == "GET":
        return _speech_page(meeting, found)
    if not _editable(meeting):
        abort(403)
    form = SpeechForm()
    form.participant_id.choices = _speaker_choices(meeting)
    if not form.validate_on_submit():
        return _speech_page(meeting, found, form=form, status=422)
    try:
        services.update_speech(found, {
            "participant_id": form.participant_id.data, "kind": form.kind.data, "title": form.title.data or "",
            "allotted_seconds": form.allotted.data or None}, user=_user(), version=form.version.data)
    except Conflict as exc:
        flash(exc.message, "error")
        found = _speech(meeting, speech_id)
        form.version.data = str(found.version)   # saving again now overwrites, knowingly
        return _speech_page(meeting, found, form=form, current=found, status=409)
    except PlannerError as exc:
        _form_error(form, exc, {"allotted_seconds": "allotted"})
        return _speech_page(meeting, _speech(meeting, speech_id), form=form, status=422)
    flash(_("The speech of %(name)s is saved.", name=found.participant.full_name), "success")
    return redirect(_control_url(meeting, found.agenda_item, f"speech-{found.public_id}"))


@bp.post("/meetings/<meeting_id>/speeches/<speech_id>/delete")
@require(Permission.organize)
def delete(meeting_id: str, speech_id: str):
    meeting = meeting_page(meeting_id)
    found = _speech(meeting, speech_id)
    item, name = found.agenda_item, found.participant.full_name
    form = DeleteForm()
    if not form.validate_on_submit():
        abort(400)
    if not attempt(lambda: services.delete_speech(found, user=_user(), version=form.version.data)).ok:
        return redirect(url_for("speeches.speech", meeting_id=meeting.public_id, speech_id=speech_id))
    flash(_("%(name)s is taken off the speakers list.", name=name), "success")
    return redirect(_control_url(meeting, item))


@bp.post("/meetings/<meeting_id>/speeches/<speech_id>/summary")
@require(Permission.take_minutes)
def summary(meeting_id: str, speech_id: str):
    meeting = meeting_page(meeting_id)
    found = _speech(meeting, speech_id)
    form = SummaryForm()
    back = request.form.get("back") == "summaries"
    if not form.validate_on_submit():
        flash(_("The summary is too long (at most %(n)d characters).", n=services.MAX_SUMMARY), "error")
    else:
        try:
            services.set_summary(found, form.summary.data or "", user=_user(), version=form.version.data)
        except PlannerError as exc:
            if back:
                flash(exc.message, "error")
            else:
                found = _speech(meeting, speech_id)
                flash(exc.message, "error")
                form.version.data = str(found.version)
                return _speech_page(meeting, found, summary_form=form, current=found, status=exc.status)
        else:
            flash(_("The summary of the speech of %(name)s is saved.", name=found.participant.full_name), "success")
    if back:
        return redirect(url_for("speeches.summaries", meeting_id=meeting.public_id, _anchor=f"speech-{speech_id}"))
    return redirect(url_for("speeches.speech", meeting_id=meeting.public_id, speech_id=speech_id,
                            _anchor="summary"))


# Texts --------------------------------------------------------------------------------------------

@bp.post("/meetings/<meeting_id>/speeches/<speech_id>/texts")
@require(Permission.organize)
def upload_text(meeting_id: str, speech_id: str):
    meeting = meeting_page(meeting_id)
    found = _speech(meeting, speech_id)
    form = TextForm()
    if not form.validate_on_submit():
        return _speech_page(meeting, found, text_form=form, status=422)
    upload = form.file.data
    try:
        data = upload.read(services.text_max_bytes() + 1)
        text = services.upload_text(found, data, upload.filename or "", user=_user(),
                                    check_against_delivery=form.check_against_delivery.data,
                                    embargo=form.embargo.data)
    except PlannerError as exc:
        _form_error(form, exc)
        return _speech_page(meeting, _speech(meeting, speech_id), text_form=form, status=exc.status)
    flash(_("Version %(n)d of the text is saved.", n=text.number), "success")
    return redirect(url_for("speeches.speech", meeting_id=meeting.public_id, speech_id=speech_id, _anchor="texts"))


@bp.get("/meetings/<meeting_id>/speeches/<speech_id>/texts/<text_id>")
@require(Permission.view)
def download_text(meeting_id: str, speech_id: str, text_id: str):
    meeting = meeting_page(meeting_id)
    found = _speech(meeting, speech_id)
    text = services.get_text(found, text_id)
    path = services.open_text(text, user=_user())
    return file_response(text, path)


def file_response(text: Any, path: Any) -> Response:
    """A stored text as a download: its real type, attachment, no sniffing, not cached."""
    return stored_file(path.read_bytes(), media_type=text.media_type, filename=text.filename,
                       etag=text.sha256[:32])


@bp.post("/meetings/<meeting_id>/speeches/<speech_id>/texts/<text_id>/flags")
@require(Permission.organize)
def text_flags(meeting_id: str, speech_id: str, text_id: str):
    meeting = meeting_page(meeting_id)
    found = _speech(meeting, speech_id)
    text = services.get_text(found, text_id)
    form = TextFlagsForm()
    if not form.validate_on_submit():
        abort(400)

    def flag(value: str | None) -> bool | None:
        return None if value in (None, "") else value == "1"

    if attempt(lambda: services.update_text(text, user=_user(), embargo=flag(form.embargo.data),
                                            check_against_delivery=flag(form.check_against_delivery.data))).ok:
        flash(_("Version %(n)d of the text is updated.", n=text.number), "success")
    return redirect(url_for("speeches.speech", meeting_id=meeting.public_id, speech_id=speech_id, _anchor="texts"))


# Summaries and statistics -------------------------------------------------------------------------

@bp.get("/meetings/<meeting_id>/speakers/summaries")
@require(Permission.view)
def summaries(meeting_id: str):
    meeting = meeting_page(meeting_id)
    user = _user()
    items = services.speaking_items(meeting, user)
    grouped = services.by_item(services.meeting_speeches(meeting, user))
    now = utcnow()
    body = render_template(
        "speeches/summaries.html", meeting=meeting, items=[i for i in items if grouped.get(i.id)], grouped=grouped,
        form=SummaryForm(), writable=can(Permission.take_minutes) and meeting.status != "archived",
        clock=lambda s: _clock(s, now), active_tab="speeches.control",
    )
    _note_view(meeting, items, "speech summaries")
    return body


@bp.get("/meetings/<meeting_id>/speakers/contributions")
@require(Permission.view)
def contributions(meeting_id: str):
    """What delegates sent from their links: requests to speak and written contributions, to accept or decline."""
    meeting = meeting_page(meeting_id)
    user = _user()
    found = services.contributions(meeting, user)
    body = render_template(
        "speeches/contributions.html", meeting=meeting, speeches=found, form=DecisionForm(),
        editable=can(Permission.organize) and _editable(meeting), active_tab="speeches.control")
    _note_view(meeting, services.speaking_items(meeting, user), "contributions")
    return body


@bp.post("/meetings/<meeting_id>/speeches/<speech_id>/decision")
@require(Permission.organize)
def decide(meeting_id: str, speech_id: str):
    """Accept a delegate's request or contribution (it joins the list, its text is readable by the delegates),
    or decline it with a reason the delegate reads on their page."""
    meeting = meeting_page(meeting_id)
    speech = _speech(meeting, speech_id)
    form = DecisionForm()
    if not form.validate_on_submit() or form.decision.data not in ("accept", "decline"):
        abort(400)
    name = speech.participant.full_name
    try:
        if form.decision.data == "accept":
            services.approve(speech, user=_user())
            flash(_("The request of %(name)s is approved.", name=name), "success")
        else:
            services.decline(speech, user=_user(), reason=form.reason.data or "")
            flash(_("The request of %(name)s is declined.", name=name), "success")
    except PlannerError as exc:
        flash(exc.message, "error")
    return redirect(url_for("speeches.contributions", meeting_id=meeting.public_id) + f"#s-{speech.public_id}")


@bp.get("/meetings/<meeting_id>/speakers/statistics")
@require(Permission.view)
def statistics(meeting_id: str):
    meeting = meeting_page(meeting_id)
    stats = services.statistics(meeting, _user())

    def speaker(key: Any) -> str:
        participant = stats.speakers.get(key)
        return participant.full_name if participant is not None else "?"

    def item(key: Any) -> str:
        found = stats.items.get(key)
        return found.title if found is not None else "?"

    body = render_template("speeches/statistics.html", meeting=meeting, stats=stats, active_tab="speeches.control",
                           label_delegation=lambda key: key or _("No delegation"), label_speaker=speaker,
                           label_item=item)
    _note_view(meeting, list(stats.items.values()), "speaking time")
    return body


# Hall displays ------------------------------------------------------------------------------------

@bp.route("/meetings/<meeting_id>/speakers/displays", methods=["GET", "POST"])
@require(Permission.view)
def displays(meeting_id: str):
    meeting = meeting_page(meeting_id)
    editable = _editable(meeting)
    form = DisplayForm()
    if request.method == "POST":
        if not editable:
            abort(403)
        if form.validate_on_submit() and (done := attempt(lambda: services.create_display(
                meeting, user=_user(), name=form.name.data or "", untimed_kinds=form.untimed_kinds.data or []))).ok:
            _display, token = done.value
            session[NEW_DISPLAY_KEY] = url_for("portal.hall", token=token, _external=True)
            flash(_("The display's link is ready. Open it on the projector's computer now: it is shown only "
                    "once."), "success")
            return redirect(url_for("speeches.displays", meeting_id=meeting.public_id))
    return render_template("speeches/displays.html", meeting=meeting, form=form, displays=services.displays(meeting),
                           editable=editable, new_link=session.pop(NEW_DISPLAY_KEY, None),
                           untimed_form=UntimedForm,
                           active_tab="speeches.control")


@bp.post("/meetings/<meeting_id>/speakers/displays/<display_id>/untimed")
@require(Permission.organize)
def display_untimed(meeting_id: str, display_id: str):
    """Which kinds of speech the display shows untimed (no time left, no overtime counter)."""
    meeting = meeting_page(meeting_id)
    display = services.get_display(meeting, display_id)
    form = UntimedForm()
    if not form.validate_on_submit():
        abort(400)
    if attempt(lambda: services.set_untimed_kinds(display, form.untimed_kinds.data or [], user=_user())).ok:
        flash(_("The display “%(name)s” has been changed.", name=display.name), "success")
    return redirect(url_for("speeches.displays", meeting_id=meeting.public_id))


@bp.post("/meetings/<meeting_id>/speakers/displays/<display_id>/revoke")
@require(Permission.organize)
def revoke_display(meeting_id: str, display_id: str):
    meeting = meeting_page(meeting_id)
    display = services.get_display(meeting, display_id)
    if not DeleteForm().validate_on_submit():
        abort(400)
    services.revoke_display(display, user=_user())
    flash(_("The display “%(name)s” is switched off: its link no longer works.", name=display.name), "success")
    return redirect(url_for("speeches.displays", meeting_id=meeting.public_id))
