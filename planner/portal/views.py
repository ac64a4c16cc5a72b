"""The portal: the pages of people who come to a meeting rather than plan it.

- The delegate's personal page (``/d/<secret>``, no sign-in). It shows what a delegate may see and nothing
  else: the meeting (its title, place and programme withheld when it is classified), their reply, the
  published programme's unclassified items with those they preside over or speak at highlighted, requests to
  speak on open discussion items, the documents made available to delegates, and their calendar feed. The
  secret is in the URL: these pages send no Referer and are not cached. An unknown or revoked link answers
  the plain 404 page.
- The check-in desk at the door, made for a phone: search as you type, scan a badge's QR code with the
  camera (or type its code), check in with one tap, undo, and the counts of the day, live. Door staff are
  organizers (Permission.organize): a check-in changes the attendance that the minutes report. The page
  works without JavaScript (a search form and one form per button); with it, static/js/door.js searches as
  one types, scans, and refreshes the counts every few seconds through the small JSON routes below. Every
  POST carries the CSRF token (a form field, or the X-CSRFToken header).
- The hall display (``/hall/<token>``, no sign-in: the secret link is the key): the speakers' screen.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_login import current_user

from planner.accounts.access import require
from planner.agenda import programme as programme_rules
from planner.agenda import services as agenda_services
from planner.calendars import services as calendar_services
from planner.core.errors import NotFound, PlannerError
from planner.core.exports import live_state, stored_file
from planner.core.permissions import CLASSIFICATION_MARKS, Classification, Permission
from planner.core.tokens import token_hash
from planner.core.web import signed_in_user as _user
from planner.core.web import wants_json
from planner.delegates import documents as delegate_documents
from planner.delegates import services as delegate_services
from planner.delegates.forms import ConfirmForm
from planner.delegates.models import PARTICIPANT_CATEGORY_LABELS, RSVP_LABELS, Participant, Rsvp
from planner.extensions import limiter
from planner.invitations import services as invitations
from planner.meeting_documents.files import NAMES as MEDIA_NAMES
from planner.meetings import services as meeting_services
from planner.meetings.models import MEETING_KIND_LABELS, Meeting
from planner.meetings.recurrence import meeting_days
from planner.meetings.tabs import meeting_page
from planner.portal import services
from planner.portal.forms import BallotForm, NoteForm, RsvpForm, SpeakForm
from planner.speeches import services as speech_services
from planner.speeches.models import SPEECH_STATUS_LABELS, SpeechStatus
from planner.votes import services as vote_services
from planner.votes.models import CHOICE_LABELS, Choice

bp = Blueprint("portal", __name__)


SPEAKING = (SpeechStatus.approved, SpeechStatus.speaking, SpeechStatus.done)


@bp.context_processor
def _portal_globals() -> dict[str, Any]:
    return {"RSVP_LABELS": RSVP_LABELS, "CATEGORY_LABELS": PARTICIPANT_CATEGORY_LABELS, "Rsvp": Rsvp,
            "MEETING_KIND_LABELS": MEETING_KIND_LABELS, "CLASSIFICATION_MARKS": CLASSIFICATION_MARKS,
            "SPEECH_STATUS_LABELS": SPEECH_STATUS_LABELS, "MEDIA_NAMES": MEDIA_NAMES}


@bp.after_request
def _private(response: Response) -> Response:
    """The delegate's secret is in the URL: no Referer, no cache, no index."""
    if request.endpoint and request.endpoint.startswith("portal.delegate"):
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


# The delegate's page ----------------------------------------------------------------------------------

def _language(meeting: Meeting) -> str:
    """The language this device chose, else the meeting's."""
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("language")
    if chosen in languages:
        return chosen
    if current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    return meeting.language if meeting.language in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def delegate_view(view: Callable[..., Any]) -> Callable[..., Any]:
    """Resolve the link (else the plain 404 page) and answer in the delegate's language and the meeting's zone."""

    @wraps(view)
    def wrapped(token: str, **kwargs: Any) -> Any:
        found = invitations.resolve(token)
        if found is None:
            abort(404)
        participant, link = found
        meeting = participant.meeting
        g.timezone = ZoneInfo(meeting.timezone)
        invitations.note_use(link)
        with force_locale(_language(meeting)):
            return view(token, participant, **kwargs)

    return wrapped


def _visible_speech(speech) -> bool:
    item = speech.agenda_item
    return (Classification(item.classification) == Classification.none
            and (item.parent is None or Classification(item.parent.classification) == Classification.none))


def _render_delegate(token: str, participant: Participant, *, rsvp_form: RsvpForm | None = None,
                     new_links: Any = None, status: int = 200):
    meeting = participant.meeting
    hidden = invitations.withheld(meeting)
    zone = ZoneInfo(meeting.timezone)
    language = _language(meeting)
    days: list[programme_rules.ProgrammeDay] = []
    presided: set[str] = set()
    speaking: dict[str, str] = {}
    open_items: set[str] = set()
    release = None
    speeches = []
    if not hidden:
        release = agenda_services.latest_release(meeting)
        if release is not None:
            days = programme_rules.build(release.snapshot, zone, levels=[Classification.none.value],
                                         days=meeting_days(meeting))
        presided = services.presided(participant)
        speeches = [s for s in speech_services.participant_speeches(participant) if _visible_speech(s)]
        for speech in speeches:
            if speech.status is not SpeechStatus.withdrawn or speech.agenda_item.public_id not in speaking:
                speaking[speech.agenda_item.public_id] = speech.status.value
        if release is not None:
            shown = {row.id for day in days for row in day.rows}
            open_items = {item.public_id for item in speech_services.items_open_for_requests(participant)
                          if item.public_id in shown}
    mine = [row for day in days for row in day.rows
            if row.id in presided or speaking.get(row.id) in {s.value for s in SPEAKING}]
    reply = invitations.latest_replies([participant.id]).get(participant.id)
    form = rsvp_form or RsvpForm(note=reply.note if reply is not None else "")
    return render_template(
        "portal/delegate.html", token=token, participant=participant, meeting=meeting,
        organization=meeting.organization, hidden=hidden, when=invitations.when_text(meeting, language),
        where=invitations.where_text(meeting), days=days, release=release, presided=presided,
        speaking=speaking, open_items=open_items, mine=mine, speeches=speeches, reply=reply, rsvp_form=form,
        speak_form=_speak_form, note_form=_note_form, notes={} if hidden else services.notes_of(participant),
        declined={s.agenda_item.public_id: s.decision_note for s in speeches
                  if s.status is SpeechStatus.withdrawn and s.decision_note},
        confirm=ConfirmForm(),
        document_groups=services.document_groups(
            delegate_documents.delegate_documents(participant) if not hidden else [],
            [row.id for day in days for row in day.rows]),
        feed_status=calendar_services.personal_feed_status(participant), new_links=new_links,
        answerable=meeting_services.is_editable(meeting),
        ballots=[] if hidden else vote_services.ballots(participant, token), ballot_form=BallotForm(),
        choices=[(choice, CHOICE_LABELS[choice]) for choice in Choice], choice_labels=CHOICE_LABELS,
        row_span=lambda row: programme_rules.span(row.starts_at, row.ends_at, language),
        part_labels={"morning": _("Morning"), "afternoon": _("Afternoon"), "evening": _("Evening")},
        day_label=lambda day: format_date(day, "EEEE, dd/MM/yyyy"),
    ), status


def _note_form(kind: str, ref: str, text: str = "") -> NoteForm:
    """One note form per item or document, each with its own field ids."""
    return NoteForm(prefix=f"note-{kind}-{ref}", formdata=None, text=text)


def _speak_form(item_id: str) -> SpeakForm:
    """One "ask to speak" form per agenda item, each with its own field ids (the prefix), so that each
    label names its own field."""
    return SpeakForm(prefix=f"speak-{item_id}")


@bp.get("/d/<token>")
@delegate_view
def delegate(token: str, participant: Participant):
    return _render_delegate(token, participant)


@bp.post("/d/<token>/rsvp")
@delegate_view
def delegate_rsvp(token: str, participant: Participant):
    form = RsvpForm()
    if not form.validate_on_submit():
        return _render_delegate(token, participant, rsvp_form=form, status=422)
    try:
        invitations.answer(participant, request.form.get("rsvp", ""), form.note.data)
    except PlannerError as exc:
        flash(exc.message, "error")
        return _render_delegate(token, participant, rsvp_form=form, status=exc.status)
    if participant.rsvp is Rsvp.accepted:
        flash(_("Thank you: your attendance is confirmed."), "success")
    else:
        flash(_("Thank you: the organizers know that you cannot attend."), "success")
    return redirect(url_for("portal.delegate", token=token) + "#rsvp")


@bp.post("/d/<token>/speak/<item_id>")
@delegate_view
def delegate_speak(token: str, participant: Participant, item_id: str):
    form = _speak_form(item_id)
    if not form.validate_on_submit():
        flash(_("The request could not be sent. Reload the page and try again."), "error")
        return redirect(url_for("portal.delegate", token=token))
    if invitations.withheld(participant.meeting):
        abort(404)
    item = services.unclassified_item(participant, item_id)
    if item is None:
        abort(404)
    upload = form.text.data
    data = upload.read() if upload is not None and getattr(upload, "filename", "") else None
    try:
        speech_services.request_to_speak(participant, item, form.title.data or "", data,
                                         upload.filename if data else "")
    except PlannerError as exc:
        flash(exc.message, "error")
    else:
        if data:
            flash(_("Your written contribution has been sent. The organizers will confirm it."), "success")
        else:
            flash(_("Your request to speak has been sent. The organizers will confirm it."), "success")
    return redirect(url_for("portal.delegate", token=token) + f"#item-{item_id}")


@bp.post("/d/<token>/notes/<any(item, document):kind>/<ref>")
@delegate_view
def delegate_note(token: str, participant: Participant, kind: str, ref: str):
    """Keep the delegate's private note on an item or a document (theirs alone)."""
    form = NoteForm(prefix=f"note-{kind}-{ref}")
    if not form.validate_on_submit():
        flash(_("The note could not be saved. Reload the page and try again."), "error")
        return redirect(url_for("portal.delegate", token=token))
    if invitations.withheld(participant.meeting):
        abort(404)
    try:
        kept = services.save_note(participant, kind, ref, form.text.data or "")
    except NotFound:
        abort(404)
    except PlannerError as exc:
        flash(exc.message, "error")
    else:
        flash(_("Your note is saved.") if kept else _("Your note is removed."), "success")
    anchor = f"#item-{ref}" if kind == "item" else f"#document-{ref}"
    return redirect(url_for("portal.delegate", token=token) + anchor)


@bp.post("/d/<token>/calendar")
@delegate_view
def delegate_calendar(token: str, participant: Participant):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    new_links = calendar_services.reset_personal_feed(participant)
    return _render_delegate(token, participant, new_links=new_links)


def _link_key() -> str:
    """Rate limits of a delegate's actions count per link, not per address: a hall of delegates on one
    Wi-Fi shares one address. The limiter's storage sees a hash of the link, never the link."""
    return "link:" + token_hash(str((request.view_args or {}).get("token", "")))


@bp.post("/d/<token>/vote/<vote_id>")
@limiter.limit("20/minute", key_func=_link_key)
@delegate_view
def delegate_vote(token: str, participant: Participant, vote_id: str):
    """The delegate's ballot in an open electronic vote: the first, or a change until the vote closes."""
    form = BallotForm()
    if not form.validate_on_submit():
        flash(_("Your vote could not be sent. Reload the page and try again."), "error")
        return redirect(url_for("portal.delegate", token=token) + "#votes")
    if invitations.withheld(participant.meeting):
        abort(404)
    vote = vote_services.delegate_vote(participant, vote_id)
    if vote is None:
        flash(_("This vote is closed or not open to you."), "error")
        return redirect(url_for("portal.delegate", token=token) + "#votes")
    try:
        first = vote_services.cast_ballot(vote, participant, request.form.get("choice", ""), token)
    except PlannerError as exc:
        flash(exc.message, "error")
    else:
        flash(_("Your vote is recorded.") if first else _("Your vote is changed."), "success")
    return redirect(url_for("portal.delegate", token=token) + "#votes")


@bp.get("/d/<token>/documents/<kind>/<ref>")
@delegate_view
def delegate_document(token: str, participant: Participant, kind: str, ref: str):
    """A document the delegate's page lists (a submitted speech text, a document of the pack): an attachment,
    never cached; opening it is the delegate's read receipt."""
    found = delegate_documents.open_delegate_document(participant, kind, ref)
    return stored_file(found.data, media_type=found.media_type, filename=found.filename, etag=found.etag)


@bp.get("/d/<token>/documents/<kind>/<ref>/read")
@delegate_view
def delegate_reader(token: str, participant: Participant, kind: str, ref: str):
    """A PDF of the page's list, shown in the browser by the vendored PDF.js (pages drawn on the phone); other
    files go to their download."""
    document = services.find_document(delegate_documents.delegate_documents(participant), kind, ref)
    if document is None:
        abort(404)
    file_url = url_for("portal.delegate_document", token=token, kind=kind, ref=ref)
    if document.media_type != "application/pdf":
        return redirect(file_url)
    return render_template("portal/document.html", token=token, participant=participant,
                           meeting=participant.meeting, document=document, file_url=file_url)


# The check-in desk ------------------------------------------------------------------------------------

POLL_SECONDS = 5


def _item(found: services.Found, meeting: Meeting) -> dict[str, Any]:
    return {**services.found_data(found, meeting),
            "category_label": str(PARTICIPANT_CATEGORY_LABELS[found.participant.category])}


def _counts(meeting: Meeting) -> dict[str, Any]:
    return services.counts(meeting, services.desk_day(meeting)).as_dict(PARTICIPANT_CATEGORY_LABELS)


@bp.get("/meetings/<meeting_id>/door")
@require(Permission.organize)
def desk(meeting_id: str):
    meeting = meeting_page(meeting_id)
    day = services.desk_day(meeting)
    q = request.args.get("q", "").strip()[:200]
    found = services.search(meeting, q, day) if q else []
    return render_template(
        "portal/desk.html", meeting=meeting, day=day, day_label=format_date(day, "EEEE, dd/MM/yyyy"),
        open_today=services.sits_today(meeting, day), q=q, found=found,
        counts=services.counts(meeting, day), confirm=ConfirmForm(), poll_seconds=POLL_SECONDS,
        CATEGORY_LABELS=PARTICIPANT_CATEGORY_LABELS, RSVP_LABELS=RSVP_LABELS,
        editable=delegate_services.attendance_editable(meeting),
    )


@bp.get("/meetings/<meeting_id>/door/search")
@require(Permission.organize)
def door_search(meeting_id: str):
    """JSON: up to 20 matches of ``q`` with today's attendance, and the counts (two queries and the meeting)."""
    meeting = meeting_page(meeting_id)
    day = services.desk_day(meeting)
    q = request.args.get("q", "").strip()[:200]
    items = [_item(f, meeting) for f in services.search(meeting, q, day)]
    return jsonify({"q": q, "items": items, "counts": _counts(meeting)})


@bp.get("/meetings/<meeting_id>/door/counts")
@require(Permission.organize)
def door_counts(meeting_id: str):
    return jsonify(_counts(meeting_page(meeting_id)))


def _answer(meeting: Meeting, message: str, *, found: services.Found | None = None, status: int = 200,
            error: bool = False, q: str = ""):
    if wants_json():
        body: dict[str, Any] = {"message": message, "counts": _counts(meeting)}
        if error:
            body["error"] = message
        if found is not None:
            body["participant"] = _item(found, meeting)
        return jsonify(body), status
    flash(message, "error" if error else "success")
    return redirect(url_for("portal.desk", meeting_id=meeting.public_id, q=q or None))


def _posted(name: str) -> str:
    data = request.get_json(silent=True) if request.is_json else None
    value = (data or {}).get(name) if data is not None else request.form.get(name)
    return str(value or "").strip()[:200]


@bp.post("/meetings/<meeting_id>/door/check-in")
@require(Permission.organize)
def door_check_in(meeting_id: str):
    """Check in a participant (``participant_id``) or a badge code (``code``), today; twice counts once."""
    meeting = meeting_page(meeting_id)
    q = _posted("q")
    if not wants_json() and not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        participant_id, code = _posted("participant_id"), _posted("code")
        if participant_id:
            participant = services.participant_of(meeting, participant_id)
            result = delegate_services.check_in(participant, user=_user())
        elif code:
            result = delegate_services.check_in_by_code(meeting, code, user=_user())
        else:
            return _answer(meeting, _("Type a name or a badge code."), status=422, error=True, q=q)
    except PlannerError as exc:
        return _answer(meeting, exc.message, status=exc.status, error=True, q=q)
    found = services.get_found(meeting, result.participant, result.day)
    name = result.participant.full_name
    if result.new:
        message = _("%(name)s is checked in.", name=name)
    else:
        message = _("%(name)s was checked in already, at %(time)s.", name=name,
                    time=services.found_data(found, meeting)["checked_in_at"] or "")
    return _answer(meeting, message, found=found, q=q)


@bp.post("/meetings/<meeting_id>/door/undo")
@require(Permission.organize)
def door_undo(meeting_id: str):
    """Take back today's check-in of a participant."""
    meeting = meeting_page(meeting_id)
    q = _posted("q")
    if not wants_json() and not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        participant = services.participant_of(meeting, _posted("participant_id"))
        undone = services.undo_check_in(participant, user=_user())
    except PlannerError as exc:
        return _answer(meeting, exc.message, status=exc.status, error=True, q=q)
    found = services.get_found(meeting, participant, services.desk_day(meeting))
    if undone:
        message = _("The check-in of %(name)s is undone.", name=participant.full_name)
    else:
        message = _("%(name)s was not checked in.", name=participant.full_name)
    return _answer(meeting, message, found=found, q=q)


# The hall display (no sign-in: the secret link is the key) ----------------------------------------

def _display(token: str):
    display = speech_services.display_by_token(token)
    if display is None:
        abort(404)
    g.timezone = agenda_services.zone(display.meeting)
    return display


@bp.get("/hall/<token>")
def hall(token: str):
    display = _display(token)
    meeting = display.meeting
    speech_services.note_display_opened(display)
    with force_locale(meeting.language or "vi"):
        body = render_template("portal/hall.html", meeting=meeting,
                               title=speech_services.meeting_title(meeting, speech_services.screen_levels()),
                               state_url=url_for("portal.hall_state", token=token))
    response = Response(body, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/hall/<token>/state")
def hall_state(token: str):
    display = _display(token)
    speech_services.seen(display)
    with force_locale(display.meeting.language or "vi"):
        state = speech_services.display_state(display, speech_services.screen_levels())
        state["vote"] = vote_services.hall_vote(display.meeting, speech_services.screen_levels())
    response = live_state(state)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
