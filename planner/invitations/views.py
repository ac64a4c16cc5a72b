"""The invitations pages of a meeting (staff): who has been sent the invitation and who answered, sending the
e-mails in chunks with progress, the delegates' personal links (made, shown again, rotated, revoked) and
the printable list of links for those without e-mail; the invitation letter, its clerk's check and issues."""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from planner.accounts.access import require
from planner.core import exports as core_exports
from planner.core import public_urls, queue
from planner.core.errors import PlannerError
from planner.core.lookup import in_meeting
from planner.core.permissions import CLASSIFICATION_MARKS, Permission
from planner.core.web import page_number, wants_json
from planner.core.web import signed_in_user as _user
from planner.delegates import services as delegate_services
from planner.delegates.forms import ConfirmForm
from planner.delegates.models import PARTICIPANT_CATEGORY_LABELS, RSVP_LABELS, Participant, Rsvp
from planner.documents import links
from planner.documents import services as document_services
from planner.invitations import services as invitations
from planner.invitations.forms import InvitationForm, IssueForm, SendForm
from planner.invitations.models import (
    AUDIENCE_LABELS,
    SEND_STATUS_LABELS,
    BatchState,
    SendStatus,
)
from planner.invitations.services import issuing
from planner.meetings import services as meeting_services
from planner.meetings.models import MEETING_KIND_LABELS, Meeting
from planner.meetings.tabs import meeting_page
from planner.minutes import exports as minutes_exports
from planner.minutes import services as minutes_services

bp = Blueprint("invitations", __name__)


PAGE_SIZE = 50


@bp.context_processor
def _invitation_globals() -> dict[str, Any]:
    return {"RSVP_LABELS": RSVP_LABELS, "CATEGORY_LABELS": PARTICIPANT_CATEGORY_LABELS,
            "SEND_STATUS_LABELS": SEND_STATUS_LABELS, "SendStatus": SendStatus, "Rsvp": Rsvp,
            "AUDIENCE_LABELS": AUDIENCE_LABELS, "MEETING_KIND_LABELS": MEETING_KIND_LABELS,
            "CLASSIFICATION_MARKS": CLASSIFICATION_MARKS}


@bp.after_request
def _private(response: Response) -> Response:
    """These pages show the delegates' secret links: no Referer, no cache."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def _participant(meeting: Meeting, participant_id: str) -> Participant:
    return in_meeting(Participant, meeting, participant_id, _("No such participant."))


def _back(meeting: Meeting) -> str:
    target = request.form.get("back", "")
    if target.startswith(f"/meetings/{meeting.public_id}/invitations") and "//" not in target:
        return target
    return url_for("invitations.page", meeting_id=meeting.public_id)


@bp.get("/meetings/<meeting_id>/invitations")
@require(Permission.organize)
def page(meeting_id: str):
    return _render_invitations(meeting_page(meeting_id))


def _render_invitations(meeting: Meeting, form: SendForm | None = None, status: int = 200):
    page = page_number()
    q = request.args.get("q", "")
    participants, total = delegate_services.list_participants(meeting, q=q, limit=PAGE_SIZE,
                                                              offset=(page - 1) * PAGE_SIZE)
    rows = invitations.statuses(meeting, participants)
    settings = invitations.mail_settings()
    batch = invitations.running_batch(meeting)
    return render_template(
        "invitations/page.html", meeting=meeting, rows=rows, total=total, q=q, page=page,
        pages=max(1, math.ceil(total / PAGE_SIZE)), first_number=(page - 1) * PAGE_SIZE + 1,
        summary=invitations.summary(meeting), settings=settings, form=form or SendForm(), confirm=ConfirmForm(),
        batch=batch, progress=invitations.progress(batch) if batch is not None else None,
        sending=_batch_status(batch) if batch is not None else None,
        log=invitations.recent_log(meeting), hidden=invitations.withheld(meeting),
        editable=meeting_services.is_editable(meeting), link_url=invitations.link_url,
        lead=_lead_time(meeting), no_public_url=public_urls.problem(),
        active_tab="invitations.page",
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
        _send_in_background(meeting, batch)
    except PlannerError as exc:
        flash(exc.message, "error")
        return _render_invitations(meeting, form, exc.status)
    return redirect(url_for("invitations.page", meeting_id=meeting.public_id) + "#sending")


def _send_in_background(meeting: Meeting, batch: Any) -> queue.Job:
    """The job that sends the batch (invitations.jobs): asked for now unless one is at work on it."""
    job = queue.open_job("invitations.send", batch.public_id)
    if job is None:
        user = _user()
        job = queue.enqueue("invitations.send", batch.id, getattr(user, "id", None), subject=batch.public_id,
                            organization_id=meeting.organization_id, meeting_id=meeting.id, user=user,
                            total=batch.total)
    return job


def _batch_status(batch: Any) -> dict[str, Any]:
    """The sending's counts, and its job's state and last failure (what the page polls)."""
    found = invitations.progress(batch).as_dict()
    job = queue.latest("invitations.send", batch.public_id)
    if job is not None:
        found["job"] = job.status()
        if job.state == queue.JobState.failed or (job.error and not job.finished):
            found["error"] = job.error
    return found


@bp.get("/meetings/<meeting_id>/invitations/batches/<batch_id>")
@require(Permission.organize)
def batch_status(meeting_id: str, batch_id: str):
    meeting = meeting_page(meeting_id)
    return jsonify(_batch_status(invitations.get_batch(meeting, batch_id)))


@bp.post("/meetings/<meeting_id>/invitations/batches/<batch_id>/continue")
@require(Permission.organize)
def batch_continue(meeting_id: str, batch_id: str):
    """Resume a sending whose job failed or was lost: a new job takes it up where it stopped."""
    meeting = meeting_page(meeting_id)
    batch = invitations.get_batch(meeting, batch_id)
    if batch.state is BatchState.running:
        _send_in_background(meeting, batch)
    if wants_json():
        return jsonify(_batch_status(batch))
    return redirect(url_for("invitations.page", meeting_id=meeting.public_id) + "#sending")


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
    return redirect(url_for("invitations.page", meeting_id=meeting.public_id))


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
    return redirect(url_for("invitations.print_links", meeting_id=meeting.public_id, which=which))


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
    return render_template("invitations/print_links.html", meeting=meeting, entries=entries, which=which,
                           no_public_url=public_urls.problem(),
                           confirm=ConfirmForm(), hidden=invitations.withheld(meeting),
                           when=invitations.when_text(meeting), where=invitations.where_text(meeting))


def _qr(url: str):
    from planner.core.qr import qr_svg

    return qr_svg(url, css_class="link-qr", scale=3)


# The invitation letter and its issues ---------------------------------------------------------------------

@bp.route("/meetings/<meeting_id>/invitation", methods=["GET", "POST"])
@require(Permission.organize)
def letter(meeting_id: str):
    meeting = meeting_page(meeting_id)
    current = minutes_services.invitation_letter(meeting)
    form = InvitationForm(obj=current) if request.method == "GET" else InvitationForm()
    if request.method == "GET":
        form.mode.data = current.mode.value
        form.version.data = str(current.version or "")
    status = 200
    if form.validate_on_submit():
        data = {name: getattr(form, name).data for name in minutes_services.INVITATION_FIELDS}
        try:
            minutes_services.save_invitation_letter(meeting, data, user=_user(), version=form.version.data)
        except PlannerError as exc:
            flash(exc.message, "error")
            status = exc.status if exc.status in (403, 409, 422) else 422
        else:
            flash(_("The invitation letter has been saved."), "success")
            return redirect(url_for("invitations.letter", meeting_id=meeting.public_id))
    elif request.method == "POST":
        status = 422
    return _invitation_page(meeting, form, status)


def _invitation_page(meeting, form: InvitationForm, status: int = 200):
    downloads = [(core_exports.exporter("meeting", n).label,
                  url_for("meetings.download", meeting_id=meeting.public_id, name=n))
                 for n in ("invitations.pdf", "invitations.docx")]
    return render_template("invitations/letter.html", meeting=meeting, form=form, downloads=downloads,
                           invited=len(minutes_services.invited(meeting)), has_links=links.has_provider(),
                           issue_state=issuing.state(meeting, _user()), issue_form=IssueForm(),
                           active_tab="minutes.edit"), status


@bp.post("/meetings/<meeting_id>/invitation/issue")
@require(Permission.organize)
def issue(meeting_id: str):
    """Issue the invitation: the check, a number, the day of issue, the letters kept as issued."""
    meeting = meeting_page(meeting_id)
    if not IssueForm().validate_on_submit():
        flash(_("The form has expired. Reload the page and try again."), "error")
        return redirect(url_for("invitations.letter", meeting_id=meeting.public_id))
    try:
        issued = issuing.issue(meeting, user=_user())
    except PlannerError as exc:
        flash(exc.message, "error")
        letter = minutes_services.invitation_letter(meeting)
        form = InvitationForm(obj=letter, formdata=None)
        form.mode.data = letter.mode.value
        form.version.data = str(letter.version or "")
        return _invitation_page(meeting, form, exc.status if exc.status in (403, 409, 422) else 422)
    flash(_("The invitation has been issued as %(number)s; the letters are kept as issued.", number=issued.number),
          "success")
    return redirect(url_for("invitations.letter", meeting_id=meeting.public_id))


@bp.get("/meetings/<meeting_id>/invitation/issues/<issue_id>.<any(pdf, docx):fmt>")
@require(Permission.organize)
def issued(meeting_id: str, issue_id: str, fmt: str) -> Response:
    """The letters of one issue (the current or an earlier one), byte for byte as issued."""
    meeting = meeting_page(meeting_id)
    found = issuing.find_issue(meeting, issue_id)
    body = issuing.issued_bytes(found, fmt)
    minutes_services.note_classified(meeting, f"invitation.{fmt}")
    response = Response(body, mimetype=minutes_exports.PDF if fmt == "pdf" else minutes_exports.DOCX)
    name = f"{_('Invitation letters')} {found.number} - {meeting.title}"[:120] + f".{fmt}"
    response.headers["Content-Disposition"] = core_exports.content_disposition(name, fmt == "pdf")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["ETag"] = f'"{found.pdf_sha256 if fmt == "pdf" else found.docx_sha256}"'
    return response


# Downloads ---------------------------------------------------------------------------------------------------
