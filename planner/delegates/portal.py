"""The delegate's personal page (``/d/<secret>``, no sign-in) and the invitations page of a meeting (staff).

The personal page shows what a delegate may see and nothing else: the meeting (its title, place and
programme withheld when it is classified), their reply, the published programme's unclassified items
with those they preside over or speak at highlighted, requests to speak on open discussion items, the
documents made available to delegates, and their calendar feed. The secret is in the URL: these pages
send no Referer and are not cached. An unknown or revoked link answers the plain 404 page.

This module reads the agenda, the speeches and the calendars (domains above delegates) as the
delegate's page needs them; it is a view, and nothing imports it.
"""

from __future__ import annotations

import math
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
from sqlalchemy import select

from planner.accounts.access import current_organization, require
from planner.agenda import programme as programme_rules
from planner.agenda import services as agenda_services
from planner.agenda.models import AgendaItem, agenda_item_presiding
from planner.calendars import services as calendar_services
from planner.core import public_urls
from planner.core.errors import NotFound, PlannerError
from planner.core.exports import stored_file
from planner.core.permissions import CLASSIFICATION_MARKS, Classification, Permission
from planner.core.web import signed_in_user as _user
from planner.delegates import invitations
from planner.delegates import services as delegate_services
from planner.delegates.invitation_forms import ConfirmForm, RsvpForm, SendForm, SpeakForm
from planner.delegates.invitation_models import (
    AUDIENCE_LABELS,
    SEND_STATUS_LABELS,
    BatchState,
    SendStatus,
)
from planner.delegates.models import PARTICIPANT_CATEGORY_LABELS, RSVP_LABELS, Participant, Rsvp
from planner.documents import services as document_services
from planner.extensions import db
from planner.meetings import services as meeting_services
from planner.meetings.models import MEETING_KIND_LABELS, Meeting
from planner.meetings.recurrence import meeting_days
from planner.meetings.tabs import meeting_page
from planner.speeches import services as speech_services
from planner.speeches.models import SPEECH_STATUS_LABELS, SpeechStatus

bp = Blueprint("portal", __name__)


PAGE_SIZE = 50
SPEAKING = (SpeechStatus.approved, SpeechStatus.speaking, SpeechStatus.done)


@bp.context_processor
def _portal_globals() -> dict[str, Any]:
    return {"RSVP_LABELS": RSVP_LABELS, "CATEGORY_LABELS": PARTICIPANT_CATEGORY_LABELS,
            "SEND_STATUS_LABELS": SEND_STATUS_LABELS, "SendStatus": SendStatus, "Rsvp": Rsvp,
            "AUDIENCE_LABELS": AUDIENCE_LABELS, "MEETING_KIND_LABELS": MEETING_KIND_LABELS,
            "CLASSIFICATION_MARKS": CLASSIFICATION_MARKS, "SPEECH_STATUS_LABELS": SPEECH_STATUS_LABELS}


@bp.after_request
def _private(response: Response) -> Response:
    """The delegate's secret is in the URL, and the staff pages show the secrets: no Referer, no cache."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    if request.endpoint and request.endpoint.startswith("portal.delegate"):
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


def _presided(participant: Participant) -> set[str]:
    link = agenda_item_presiding.c
    return set(db.session.scalars(
        select(AgendaItem.public_id).join(agenda_item_presiding, link.agenda_item_id == AgendaItem.id)
        .where(link.participant_id == participant.id)))


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
        presided = _presided(participant)
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
        speak_form=_speak_form, confirm=ConfirmForm(), documents=invitations.delegate_documents(participant),
        feed_status=calendar_services.personal_feed_status(participant), new_links=new_links,
        answerable=meeting_services.is_editable(meeting),
        row_span=lambda row: programme_rules.span(row.starts_at, row.ends_at, language),
        part_labels={"morning": _("Morning"), "afternoon": _("Afternoon"), "evening": _("Evening")},
        day_label=lambda day: format_date(day, "EEEE, dd/MM/yyyy"),
    ), status


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
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == participant.meeting_id,
                                                      AgendaItem.public_id == item_id))
    if item is None or Classification(item.classification) != Classification.none:
        abort(404)
    try:
        speech_services.request_to_speak(participant, item, form.title.data or "")
    except PlannerError as exc:
        flash(exc.message, "error")
    else:
        flash(_("Your request to speak has been sent. The organizers will confirm it."), "success")
    return redirect(url_for("portal.delegate", token=token) + f"#item-{item_id}")


@bp.post("/d/<token>/calendar")
@delegate_view
def delegate_calendar(token: str, participant: Participant):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    new_links = calendar_services.reset_personal_feed(participant)
    return _render_delegate(token, participant, new_links=new_links)


@bp.get("/d/<token>/documents/<kind>/<ref>")
@delegate_view
def delegate_document(token: str, participant: Participant, kind: str, ref: str):
    """A document the delegate's page lists (a submitted speech text, say): an attachment, never cached."""
    found = invitations.open_delegate_document(participant, kind, ref)
    return stored_file(found.data, media_type=found.media_type, filename=found.filename, etag=found.etag)


# The invitations page (staff) ------------------------------------------------------------------------------

def _participant(meeting: Meeting, participant_id: str) -> Participant:
    participant = delegate_services.get_participant(current_organization(), participant_id, user=_user())
    if participant.meeting_id != meeting.id:
        raise NotFound(_("No such participant."))
    return participant


def _page() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or request.is_json


def _back(meeting: Meeting) -> str:
    target = request.form.get("back", "")
    if target.startswith(f"/meetings/{meeting.public_id}/invitations") and "//" not in target:
        return target
    return url_for("portal.invitations", meeting_id=meeting.public_id)


@bp.get("/meetings/<meeting_id>/invitations", endpoint="invitations")
@require(Permission.organize)
def invitations_page(meeting_id: str):
    return _render_invitations(meeting_page(meeting_id))


def _render_invitations(meeting: Meeting, form: SendForm | None = None, status: int = 200):
    page = _page()
    q = request.args.get("q", "")
    participants, total = delegate_services.list_participants(meeting, q=q, limit=PAGE_SIZE,
                                                              offset=(page - 1) * PAGE_SIZE)
    rows = invitations.statuses(meeting, participants)
    settings = invitations.mail_settings()
    batch = invitations.running_batch(meeting)
    return render_template(
        "portal/invitations.html", meeting=meeting, rows=rows, total=total, q=q, page=page,
        pages=max(1, math.ceil(total / PAGE_SIZE)), first_number=(page - 1) * PAGE_SIZE + 1,
        summary=invitations.summary(meeting), settings=settings, form=form or SendForm(), confirm=ConfirmForm(),
        batch=batch, progress=invitations.progress(batch) if batch is not None else None,
        log=invitations.recent_log(meeting), hidden=invitations.withheld(meeting),
        editable=meeting_services.is_editable(meeting), link_url=invitations.link_url,
        lead=_lead_time(meeting), no_public_url=public_urls.problem(),
        active_tab="portal.invitations",
    ), status


def _lead_time(meeting: Meeting) -> dict[str, Any] | None:
    """The invitation's deadline (the organization's lead time in working days) while the meeting is ahead."""
    today = delegate_services.local_today(meeting)
    if meeting.starts_on < today:
        return None
    org = meeting.organization
    due = document_services.invitation_due(org, meeting.starts_on)
    return {"due": due, "days": document_services.invitation_lead_days(org), "late": today > due}


@bp.post("/meetings/<meeting_id>/invitations/send")
@require(Permission.organize)
def send(meeting_id: str):
    meeting = meeting_page(meeting_id)
    form = SendForm()
    if not form.validate_on_submit():
        return _render_invitations(meeting, form, 422)
    try:
        batch = invitations.start_batch(meeting, audience=form.audience.data, category=form.category.data,
                                        resend=form.resend.data, user=_user())
        invitations.send_chunk(batch, user=_user())
    except PlannerError as exc:
        flash(exc.message, "error")
        return _render_invitations(meeting, form, exc.status)
    return redirect(url_for("portal.invitations", meeting_id=meeting.public_id) + "#sending")


@bp.get("/meetings/<meeting_id>/invitations/batches/<batch_id>")
@require(Permission.organize)
def batch_status(meeting_id: str, batch_id: str):
    meeting = meeting_page(meeting_id)
    return jsonify(invitations.progress(invitations.get_batch(meeting, batch_id)).as_dict())


@bp.post("/meetings/<meeting_id>/invitations/batches/<batch_id>/continue")
@require(Permission.organize)
def batch_continue(meeting_id: str, batch_id: str):
    """The next chunk of a sending: JSON for the page's script (n/N), else back to the page."""
    meeting = meeting_page(meeting_id)
    batch = invitations.get_batch(meeting, batch_id)
    try:
        result = invitations.send_chunk(batch, user=_user())
    except PlannerError as exc:
        if _wants_json():
            return jsonify({"error": exc.message, **invitations.progress(batch).as_dict()}), exc.status
        flash(exc.message, "error")
        return redirect(url_for("portal.invitations", meeting_id=meeting.public_id) + "#sending")
    if _wants_json():
        return jsonify(result.as_dict())
    if result.error:
        flash(result.error, "error")
    return redirect(url_for("portal.invitations", meeting_id=meeting.public_id) + "#sending")


@bp.post("/meetings/<meeting_id>/invitations/batches/<batch_id>/stop")
@require(Permission.organize)
def batch_stop(meeting_id: str, batch_id: str):
    meeting = meeting_page(meeting_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    batch = invitations.get_batch(meeting, batch_id)
    if batch.state is BatchState.running:
        invitations.stop_batch(batch, user=_user())
        flash(_("Sending stopped. Those not sent yet can be sent later."), "info")
    return redirect(url_for("portal.invitations", meeting_id=meeting.public_id))


@bp.post("/meetings/<meeting_id>/invitations/<participant_id>/link")
@require(Permission.organize)
def new_link(meeting_id: str, participant_id: str):
    """Make a personal link, or a new one in place of the current one (which stops working)."""
    meeting = meeting_page(meeting_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    participant = _participant(meeting, participant_id)
    had = invitations.active_link(participant) is not None
    invitations.issue_link(participant, user=_user())
    if had:
        flash(_("%(name)s has a new personal link; the earlier one no longer works.", name=participant.full_name),
              "success")
    else:
        flash(_("%(name)s has a personal link.", name=participant.full_name), "success")
    return redirect(_back(meeting) + f"#p-{participant.public_id}")


@bp.post("/meetings/<meeting_id>/invitations/<participant_id>/revoke")
@require(Permission.organize)
def revoke_link(meeting_id: str, participant_id: str):
    meeting = meeting_page(meeting_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    participant = _participant(meeting, participant_id)
    if invitations.revoke_link(participant, user=_user()):
        flash(_("The personal link of %(name)s no longer works.", name=participant.full_name), "success")
    return redirect(_back(meeting) + f"#p-{participant.public_id}")


PRINT_CHOICES = ("no_email", "all")


@bp.post("/meetings/<meeting_id>/invitations/links")
@require(Permission.organize)
def make_links(meeting_id: str):
    """Make the missing links of those to be printed, then show the printable list."""
    meeting = meeting_page(meeting_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    which = request.form.get("which", "no_email")
    which = which if which in PRINT_CHOICES else "no_email"
    invitations.ensure_links(meeting, invitations.chosen_participants(meeting, which), user=_user())
    return redirect(url_for("portal.print_links", meeting_id=meeting.public_id, which=which))


@bp.get("/meetings/<meeting_id>/invitations/print")
@require(Permission.organize)
def print_links(meeting_id: str):
    """The personal links to print and hand over (with a QR code each), for those without e-mail or all."""
    meeting = meeting_page(meeting_id)
    which = request.args.get("which", "no_email")
    which = which if which in PRINT_CHOICES else "no_email"
    people = invitations.chosen_participants(meeting, which)
    links = invitations.active_links(p.id for p in people)
    entries = []
    for participant in people:
        secret = invitations.link_secret(links.get(participant.id))
        url = invitations.printed_link_url(secret) if secret else None
        entries.append((participant, url, _qr(url) if url else None))
    return render_template("portal/print_links.html", meeting=meeting, entries=entries, which=which,
                           no_public_url=public_urls.problem(),
                           confirm=ConfirmForm(), hidden=invitations.withheld(meeting),
                           when=invitations.when_text(meeting), where=invitations.where_text(meeting))


def _qr(url: str):
    from planner.core.qr import qr_svg

    return qr_svg(url, css_class="link-qr", scale=3)
