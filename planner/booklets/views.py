"""The Print tab of a meeting: the booklet (sections, paper, foreword, logo, page previews), badges,
place cards, the seating chart editor and the attendance sheet. Downloads go through the one
exporter registry (see exports.py)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import format_date
from flask_babel import gettext as _

from planner.accounts.access import can, require
from planner.agenda import services as agenda_services
from planner.booklets import exports, seating, services
from planner.booklets.forms import BookletForm, ConfirmForm, LogoForm, SeatForm, SeatingPlanForm
from planner.booklets.models import PAPER_LABELS, SECTION_LABELS, Section
from planner.core import exports as core_exports
from planner.core import queue
from planner.core.errors import PlannerError
from planner.core.permissions import Permission
from planner.core.web import attempt, submit
from planner.core.web import signed_in_user as _user
from planner.delegates.models import PARTICIPANT_CATEGORY_LABELS, ParticipantCategory
from planner.meetings.models import Meeting
from planner.meetings.tabs import meeting_editable as _editable
from planner.meetings.tabs import meeting_page

bp = Blueprint("booklets", __name__)


THUMBNAIL_PAGES = 8


def _day_label(day: Any) -> str:
    return format_date(day, "EEEE, dd/MM/yyyy")


# The overview -----------------------------------------------------------------------------------------

@bp.get("/meetings/<meeting_id>/print", endpoint="print")
@require(Permission.view)
def print_(meeting_id: str):
    meeting = meeting_page(meeting_id)
    settings = services.settings_of(meeting)
    participants = services.chart_participants(meeting)
    counts: dict[str, int] = {}
    for p in participants:
        counts[p.category.value] = counts.get(p.category.value, 0) + 1
    categories = [(c.value, PARTICIPANT_CATEGORY_LABELS[c], counts.get(c.value, 0)) for c in ParticipantCategory]
    chosen = [SECTION_LABELS[Section(s)] for s in settings.sections or [] if s in Section.__members__]
    return render_template(
        "booklets/print.html", meeting=meeting, settings=settings, chosen_sections=chosen,
        paper_label=PAPER_LABELS[settings.paper], has_programme_pdf=core_exports.exporter("meeting", "programme.pdf")
        is not None,
        categories=categories, place_cards=len(services.place_card_participants(meeting)),
        seated=sum(1 for p in participants if p.seat), total=len(participants),
        days=services.attendance_days(meeting), day_label=_day_label, download=exports.download_url,
        editable=_editable(meeting), organizer=can(Permission.organize), active_tab="booklets.print")


# The booklet ------------------------------------------------------------------------------------------

def _build_in_background(meeting: Meeting, links: list[dict[str, str]], *, again: bool = False) -> dict[str, Any]:
    """The job building this reader's booklet (asked for now unless one is at work, or failed and not
    asked ``again``): its status and the address the page polls."""
    user = _user()
    subject = f"{meeting.public_id}:booklet:{services.version(meeting, 'booklet', user, links)}"
    job = queue.latest("booklets.build", subject)
    if job is None or (job.state == queue.JobState.failed and again) or (
            job.state == queue.JobState.done):   # done, yet not in the cache: its files were pruned
        job = queue.enqueue("booklets.build", meeting.id, getattr(user, "id", None), links, THUMBNAIL_PAGES,
                            subject=subject, organization_id=meeting.organization_id, meeting_id=meeting.id,
                            user=user)
    return {"status": job.status(), "url": url_for("meetings.job", meeting_id=meeting.public_id, job_id=job.public_id),
            "again": url_for("booklets.again", meeting_id=meeting.public_id)}


@bp.post("/meetings/<meeting_id>/print/booklet/again")
@require(Permission.view)
def again(meeting_id: str):
    """Try again to build this reader's booklet after its job failed (a POST: a link followed, or a page
    prefetched, starts nothing)."""
    meeting = meeting_page(meeting_id)
    links = exports.meeting_links(meeting)
    if services.booklet_in_background(meeting) and not services.booklet_cached(meeting, _user(), links=links):
        _build_in_background(meeting, links, again=True)
    return redirect(url_for("booklets.booklet", meeting_id=meeting.public_id, _anchor="preview"))


@bp.route("/meetings/<meeting_id>/print/booklet", methods=["GET", "POST"])
@require(Permission.view)
def booklet(meeting_id: str):
    meeting = meeting_page(meeting_id)
    settings = services.settings_of(meeting)
    organizer = can(Permission.organize)
    form = BookletForm(obj=settings) if request.method == "GET" else BookletForm()
    if request.method == "GET":
        form.paper.data = settings.paper.value
        form.programme_source.data = settings.programme_source.value
        form.sections.data = list(settings.sections or [])
        form.version.data = str(settings.version or "")
    status = 200
    if request.method == "POST":
        if not organizer:
            abort(403)
        data = {"paper": form.paper.data, "sections": form.sections.data or [],
                "programme_source": form.programme_source.data, "foreword": form.foreword.data,
                "foreword_signature": form.foreword_signature.data, "practical_info": form.practical_info.data}
        done = submit(form, lambda: services.save_settings(meeting, data, user=_user(), version=form.version.data))
        if done.ok:
            flash(_("The booklet's settings have been saved. The preview below shows the new booklet."), "success")
            return redirect(url_for("booklets.booklet", meeting_id=meeting.public_id, _anchor="preview"))
        status = done.form_status
    thumbnails: list[str] = []
    preview_error = None
    building = None
    if status == 200:
        links = exports.meeting_links(meeting)
        try:
            if services.booklet_in_background(meeting) and not services.booklet_cached(meeting, _user(), links=links):
                building = _build_in_background(meeting, links)
            else:
                thumbnails = services.booklet_thumbnails(meeting, _user(), links=links, pages=THUMBNAIL_PAGES)
        except PlannerError as exc:
            preview_error = exc.message
    return render_template(
        "booklets/booklet.html", meeting=meeting, settings=settings, form=form, logo_form=LogoForm(),
        confirm=ConfirmForm(), thumbnails=thumbnails, preview_error=preview_error, organizer=organizer,
        building=building,
        has_logo=services.logo_path(settings) is not None, download=exports.download_url,
        has_release=agenda_services.latest_release(meeting) is not None, active_tab="booklets.print"), status


@bp.post("/meetings/<meeting_id>/print/booklet/logo")
@require(Permission.organize)
def upload_logo(meeting_id: str):
    meeting = meeting_page(meeting_id)
    form = LogoForm()
    if form.validate_on_submit():
        upload = form.logo.data
        if attempt(lambda: services.save_logo(meeting, upload.read(services.MAX_LOGO_BYTES + 1),
                                              upload.filename or "", user=_user())).ok:
            flash(_("The logo has been saved: it is on the cover."), "success")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
    return redirect(url_for("booklets.booklet", meeting_id=meeting.public_id))


@bp.post("/meetings/<meeting_id>/print/booklet/logo/delete")
@require(Permission.organize)
def delete_logo(meeting_id: str):
    meeting = meeting_page(meeting_id)
    if ConfirmForm().validate_on_submit():
        services.remove_logo(meeting, user=_user())
        flash(_("The logo has been removed from the cover."), "success")
    return redirect(url_for("booklets.booklet", meeting_id=meeting.public_id))


@bp.get("/meetings/<meeting_id>/print/booklet/logo")
@require(Permission.view)
def logo(meeting_id: str):
    meeting = meeting_page(meeting_id)
    settings = services.settings_of(meeting)
    path = services.logo_path(settings)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=settings.logo_media_type, max_age=0, etag=settings.logo_sha256)
    # An SVG opened on its own must not run anything (it was checked at upload too).
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


@bp.get("/meetings/<meeting_id>/print/booklet/pages/<name>")
@require(Permission.view)
def thumbnail(meeting_id: str, name: str):
    meeting = meeting_page(meeting_id)
    path = services.thumbnail_path(meeting, _user(), name, links=exports.meeting_links(meeting))
    return send_file(path, mimetype="image/png", max_age=3600, conditional=True)


# Seating ----------------------------------------------------------------------------------------------

@bp.route("/meetings/<meeting_id>/print/seating", methods=["GET", "POST"])
@require(Permission.view)
def seating_chart(meeting_id: str):
    meeting = meeting_page(meeting_id)
    plan = services.plan_of(meeting)
    editable = _editable(meeting)
    form = SeatingPlanForm(obj=plan) if request.method == "GET" else SeatingPlanForm()
    if request.method == "GET":
        form.mode.data = plan.mode.value
        form.version.data = str(plan.version or "")
    status = 200
    if request.method == "POST":
        if not editable:
            abort(403)
        data = {"rows": form.rows.data, "seats_per_row": form.seats_per_row.data,
                "presidium_size": form.presidium_size.data, "mode": form.mode.data}
        done = submit(form, lambda: services.save_plan(meeting, data, user=_user(), version=form.version.data))
        if done.ok:
            flash(_("The seating plan has been saved."), "success")
            return redirect(url_for("booklets.seating_chart", meeting_id=meeting.public_id))
        status = done.form_status
    return _seating_page(meeting, plan, form, SeatForm(), editable), status


def _seating_page(meeting: Meeting, plan: Any, form: SeatingPlanForm, seat_form: SeatForm, editable: bool) -> str:
    participants = services.chart_participants(meeting)
    holders = services.seat_holders(participants)
    seat_form.participant.choices = [("", _("— Choose —"))] + [
        (p.public_id, f"{p.full_name}{' · ' + p.seat if p.seat else ''}") for p in participants]
    if not seat_form.seat.data and request.args.get("seat"):
        seat_form.seat.data = request.args.get("seat")
    presidium = [(n, seating.presidium_label(n), holders.get(seating.presidium_label(n)))
                 for n in seating.presidium_row(plan.presidium_size)]
    hall = [(seating.row_label(r), [(label, holders.get(label)) for label in labels])
            for r, labels in enumerate(seating.hall_labels(plan.rows, plan.seats_per_row))]
    unseated = [p for p in participants if not p.seat and p.category.value in
                {c.value for c in services.builders.SEATED_CATEGORIES} and p.rsvp.value != "declined"]
    return render_template(
        "booklets/seating.html", meeting=meeting, plan=plan, form=form, seat_form=seat_form, confirm=ConfirmForm(),
        presidium=presidium, hall=hall, unseated=unseated, problems=services.seating_problems(participants, plan),
        seated=sum(1 for p in participants if p.seat), editable=editable, download=exports.download_url,
        active_tab="booklets.print")


@bp.post("/meetings/<meeting_id>/print/seating/assign")
@require(Permission.organize)
def assign(meeting_id: str):
    meeting = meeting_page(meeting_id)
    if ConfirmForm().validate_on_submit() and (done := attempt(
            lambda: services.assign_seats(meeting, user=_user(), mode=request.form.get("mode") or None))).ok:
        counts = done.value
        flash(_("Seats given out: %(presidium)d in the presidium, %(hall)d in the hall.",
                presidium=counts["presidium"], hall=counts["hall"]), "success")
        if counts["without_seat"]:
            flash(_("%(n)d participants found no seat: the hall is too small. Add rows or seats and give "
                    "out the seats again.", n=counts["without_seat"]), "error")
    return redirect(url_for("booklets.seating_chart", meeting_id=meeting.public_id))


@bp.post("/meetings/<meeting_id>/print/seating/clear")
@require(Permission.organize)
def clear(meeting_id: str):
    meeting = meeting_page(meeting_id)
    if ConfirmForm().validate_on_submit() and (done := attempt(lambda: services.clear_seats(meeting, user=_user()))).ok:
        flash(_("%(n)d seats cleared.", n=done.value), "success")
    return redirect(url_for("booklets.seating_chart", meeting_id=meeting.public_id))


@bp.post("/meetings/<meeting_id>/print/seating/seat")
@require(Permission.organize)
def set_seat(meeting_id: str):
    meeting = meeting_page(meeting_id)
    plan = services.plan_of(meeting)
    seat_form = SeatForm()
    participants = services.chart_participants(meeting)
    seat_form.participant.choices = [("", "")] + [(p.public_id, p.full_name) for p in participants]
    done = submit(seat_form, lambda: services.set_seat(meeting, seat_form.participant.data, seat_form.seat.data,
                                                        user=_user()))
    if done.ok:
        participant = done.value
        if participant.seat:
            flash(_("%(name)s sits on seat %(seat)s.", name=participant.full_name, seat=participant.seat), "success")
        else:
            flash(_("%(name)s has no seat now.", name=participant.full_name), "success")
        return redirect(url_for("booklets.seating_chart", meeting_id=meeting.public_id))
    form = SeatingPlanForm(obj=plan)
    form.mode.data = plan.mode.value
    form.version.data = str(plan.version or "")
    return _seating_page(meeting, plan, form, seat_form, _editable(meeting)), 422
