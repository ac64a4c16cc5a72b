"""Pages of meetings: the list, the form, the overview with its tabs, rooms, occurrences of recurring
meetings, and the organization's work calendar (week, print, month)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask import Blueprint, Response, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from planner.accounts.access import current_organization, require
from planner.core import exports
from planner.core.errors import NotFound, PlannerError
from planner.core.formatting import long_date
from planner.core.inputs import day_problem, parse_day
from planner.core.permissions import CLASSIFICATION_MARKS, Classification, Permission
from planner.core.web import attempt, form_version, safe_next, submit
from planner.core.web import signed_in_user as _user
from planner.meetings import calendar, recurrence, services
from planner.meetings.forms import (
    CancelOccurrenceForm,
    DeleteForm,
    MeetingForm,
    MoveOccurrenceForm,
    RoomForm,
    StatusForm,
    kind_choices,
    status_choices,
)
from planner.meetings.models import MEETING_KIND_LABELS, MEETING_STATUS_LABELS, Meeting, MeetingStatus
from planner.meetings.recurrence import RecurrenceError, RuleFields
from planner.meetings.tabs import meeting_page, meeting_tabs

bp = Blueprint("meetings", __name__)


@bp.after_app_request
def _audit_classified_page(response):
    """Every page of a classified meeting a signed-in user reads is audited, in this one place: each
    domain's meeting lookup leaves the meeting in g.meeting. (JSON polls of a page are not pages.)"""
    meeting = g.get("meeting")
    if (meeting is not None and request.method == "GET" and response.status_code == 200
            and response.mimetype == "text/html" and current_user.is_authenticated):
        services.note_page_view(meeting, request.path)
    return response


PER_PAGE = 25
UPCOMING_OCCURRENCES = 8


@bp.app_context_processor
def _template_globals() -> dict[str, Any]:
    return {
        "meeting_tabs": meeting_tabs,
        "MEETING_KIND_LABELS": MEETING_KIND_LABELS,
        "MEETING_STATUS_LABELS": MEETING_STATUS_LABELS,
        "CLASSIFICATION_MARKS": CLASSIFICATION_MARKS,
        "describe_recurrence": recurrence.describe,
    }


def _today() -> date:
    return datetime.now(g.timezone).date()


# The list ----------------------------------------------------------------------------------------

@bp.get("/meetings")
@require(Permission.view)
def index():
    org = current_organization()
    args = request.args
    f = services.MeetingFilter(
        status=args.get("status") or None, kind=args.get("kind") or None,
        start=parse_day(args.get("from")), end=parse_day(args.get("to")), q=(args.get("q") or "").strip() or None,
    )
    page = max(args.get("page", 1, type=int) or 1, 1)
    offset = (page - 1) * PER_PAGE
    if f.by_dates:
        rows, total = services.list_occurrences(org, _user(), f, limit=PER_PAGE, offset=offset)
    else:
        rows, total = services.list_meetings(org, _user(), f, limit=PER_PAGE, offset=offset)
    return render_template(
        "meetings/list.html", rows=rows, total=total, page=page, pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
        f=f, by_dates=f.by_dates, kinds=kind_choices(), statuses=status_choices(),
    )


# Create and edit ---------------------------------------------------------------------------------

def _rule_fields(form: MeetingForm) -> RuleFields:
    weekdays = list(form.weekdays.data or [])
    if form.repeat.data == "weekly" and not weekdays and form.starts_on.data:
        weekdays = [recurrence.WEEKDAYS[form.starts_on.data.weekday()]]
    try:
        nth = int(form.month_nth.data or 1)
    except ValueError:
        nth = 0
    return RuleFields(freq=form.repeat.data, interval=form.interval.data or 1, weekdays=weekdays, nth=nth,
                      weekday=form.month_weekday.data or "MO", until=form.until.data, count=form.count.data)


_RULE_FIELD_NAMES = {"freq": "repeat", "interval": "interval", "weekdays": "weekdays", "nth": "month_nth",
                     "weekday": "month_weekday", "until": "until", "count": "count", "recurrence": "repeat"}


def _meeting_data(form: MeetingForm, meeting: Meeting | None) -> dict[str, Any]:
    data = {name: getattr(form, name).data for name in services.MEETING_FIELDS if hasattr(form, name)}
    data["classification"] = data.get("classification") or Classification.none.value
    if form.repeat.data:
        try:
            data["recurrence"] = recurrence.build_rule(_rule_fields(form), form.timezone.data)
        except RecurrenceError as exc:
            raise PlannerError(exc.message, field=_RULE_FIELD_NAMES.get(exc.field, "repeat")) from None
    else:
        data["recurrence"] = None
    data["presiding_ids"] = [v for v in form.presiding_ids.data or [] if v]
    data["secretary_ids"] = [v for v in form.secretary_ids.data or [] if v]
    if meeting is None and not data["presiding_ids"]:
        data.pop("presiding_ids")
    if meeting is None and not data["secretary_ids"]:
        data.pop("secretary_ids")
    return data


def _fill_rule(form: MeetingForm, meeting: Meeting) -> None:
    if not meeting.recurrence:
        form.repeat.data = ""
        return
    try:
        fields = recurrence.parse_rule(meeting.recurrence, meeting.timezone)
    except RecurrenceError:
        return
    form.repeat.data = fields.freq
    form.interval.data = fields.interval
    form.weekdays.data = fields.weekdays
    form.month_nth.data = str(fields.nth)
    form.month_weekday.data = fields.weekday
    form.until.data = fields.until
    form.count.data = fields.count


def _people_choices(form: MeetingForm, meeting: Meeting | None) -> list[Any]:
    org = current_organization()
    people = services.people_choices(org, meeting)
    form.presiding_ids.choices = people
    form.secretary_ids.choices = [*services.staff_user_choices(org), *people]
    return people


def _render_form(form: MeetingForm, meeting: Meeting | None, status: int = 200):
    people = _people_choices(form, meeting)
    return render_template("meetings/form.html", form=form, meeting=meeting, people=people), status


@bp.route("/meetings/new", methods=["GET", "POST"])
@require(Permission.organize)
def create():
    org = current_organization()
    form = MeetingForm()
    if request.method == "GET":
        form.timezone.data = org.timezone
        form.city.data = org.city
        form.language.data = org.language
        form.starts_on.data = parse_day(request.args.get("d")) or _today()
        return _render_form(form, None)
    done = submit(form, lambda: services.create_meeting(org, _user(), **_meeting_data(form, None)))
    if done.ok:
        flash(_("The meeting “%(title)s” has been created.", title=done.value.title), "success")
        return redirect(url_for("meetings.detail", meeting_id=done.value.public_id))
    return _render_form(form, None, done.status)


@bp.route("/meetings/<meeting_id>/edit", methods=["GET", "POST"])
@require(Permission.organize)
def edit(meeting_id: str):
    meeting = meeting_page(meeting_id)
    if request.method == "GET":
        services.ensure_editable(meeting)
        form = MeetingForm(obj=meeting)
        form.version.data = str(meeting.version)
        form.kind.data = meeting.kind.value
        form.classification.data = meeting.classification.value
        form.presiding_ids.data = [p.public_id for p in meeting.presiding]
        form.secretary_ids.data = [p.public_id for p in meeting.secretaries]
        _fill_rule(form, meeting)
        return _render_form(form, meeting)
    form = MeetingForm()
    _people_choices(form, meeting)
    done = submit(form, lambda: services.update_meeting(meeting, _meeting_data(form, meeting), user=_user(),
                                                       version=form_version(form)))
    if done.ok:
        flash(_("The changes have been saved."), "success")
        return redirect(url_for("meetings.detail", meeting_id=meeting.public_id))
    if done.status == 409:
        # The user's input stays in the form; they compare with the current version and save again.
        form.version.data = str(meeting.version)
    return _render_form(form, meeting, done.status)


# The overview ------------------------------------------------------------------------------------

def _programme_url(meeting: Meeting) -> str | None:
    if services.has_public_page(meeting) and "agenda.public_programme" in current_app.view_functions:
        return url_for("agenda.public_programme", code=meeting.public_code)
    return None


@bp.get("/meetings/<meeting_id>")
@require(Permission.view)
def detail(meeting_id: str):
    meeting = meeting_page(meeting_id)
    services.note_view(meeting)
    upcoming = []
    if meeting.recurrence:
        upcoming = recurrence.next_occurrences(meeting, _today(), UPCOMING_OCCURRENCES)
    return render_template(
        "meetings/detail.html", meeting=meeting, editable=services.is_editable(meeting),
        transitions=services.allowed_statuses(meeting), status_form=StatusForm(),
        can_delete=services.can_delete(meeting), upcoming=upcoming, programme_url=_programme_url(meeting),
        cancel_form=CancelOccurrenceForm(),
    )


_TRANSITION_VERBS = {
    MeetingStatus.draft: _l("Back to draft"),
    MeetingStatus.published: _l("Publish"),
    MeetingStatus.in_progress: _l("Start the meeting"),
    MeetingStatus.closed: _l("Close the meeting"),
    MeetingStatus.archived: _l("Archive"),
}


@bp.app_template_global()
def transition_label(status: MeetingStatus) -> str:
    return str(_TRANSITION_VERBS[status])


@bp.post("/meetings/<meeting_id>/status")
@require(Permission.organize)
def change_status(meeting_id: str):
    meeting = meeting_page(meeting_id)
    form = StatusForm()
    if not form.validate_on_submit():
        flash(_("The form has expired or was sent from elsewhere. Reload the page and send it again."), "error")
        return redirect(url_for("meetings.detail", meeting_id=meeting.public_id))
    if attempt(lambda: services.set_status(meeting, form.status.data, version=form_version(form))).ok:
        flash(_("The meeting is now: %(status)s.", status=MEETING_STATUS_LABELS[meeting.status]), "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.public_id))


@bp.route("/meetings/<meeting_id>/delete", methods=["GET", "POST"])
@require(Permission.organize)
def delete(meeting_id: str):
    meeting = meeting_page(meeting_id)
    form = DeleteForm()
    if request.method == "POST" and form.validate_on_submit():
        title = meeting.title
        try:
            services.delete_meeting(meeting, version=form_version(form))
        except PlannerError as exc:
            flash(exc.message, "error")
            return redirect(url_for("meetings.detail", meeting_id=meeting_id))
        flash(_("The meeting “%(title)s” has been deleted.", title=title), "success")
        return redirect(url_for("meetings.index"))
    form.version.data = str(meeting.version)
    return render_template("meetings/delete.html", meeting=meeting, form=form,
                           can_delete=services.can_delete(meeting))


# Rooms -------------------------------------------------------------------------------------------

def _rooms_page(meeting: Meeting, form: RoomForm, status: int = 200):
    return render_template("meetings/rooms.html", meeting=meeting, form=form, usage=services.room_usage(meeting),
                           editable=services.is_editable(meeting), active_tab="meetings.rooms"), status


@bp.get("/meetings/<meeting_id>/rooms")
@require(Permission.view)
def rooms(meeting_id: str):
    return _rooms_page(meeting_page(meeting_id), RoomForm())


@bp.post("/meetings/<meeting_id>/rooms")
@require(Permission.organize)
def add_room(meeting_id: str):
    meeting = meeting_page(meeting_id)
    form = RoomForm()
    done = submit(form, lambda: services.add_room(meeting, name=form.name.data, capacity=form.capacity.data))
    if done.ok:
        flash(_("The room “%(name)s” has been added.", name=done.value.name), "success")
        return redirect(url_for("meetings.rooms", meeting_id=meeting.public_id))
    return _rooms_page(meeting, form, done.status)


@bp.route("/meetings/<meeting_id>/rooms/<room_id>", methods=["GET", "POST"])
@require(Permission.organize)
def edit_room(meeting_id: str, room_id: str):
    meeting = meeting_page(meeting_id)
    room = services.get_room(meeting, room_id)
    status = 200
    if request.method == "GET":
        services.ensure_editable(meeting)
        form = RoomForm(obj=room)
        form.version.data = str(room.version)
    else:
        form = RoomForm()
        done = submit(form, lambda: services.update_room(room, {"name": form.name.data, "capacity": form.capacity.data},
                                                         version=form_version(form)))
        if done.ok:
            flash(_("The room has been saved."), "success")
            return redirect(url_for("meetings.rooms", meeting_id=meeting.public_id))
        status = done.status
        if done.refusal is not None:
            form.version.data = str(room.version)
    return render_template("meetings/room_form.html", meeting=meeting, room=room, form=form,
                           active_tab="meetings.rooms"), status


@bp.route("/meetings/<meeting_id>/rooms/<room_id>/delete", methods=["GET", "POST"])
@require(Permission.organize)
def delete_room(meeting_id: str, room_id: str):
    meeting = meeting_page(meeting_id)
    room = services.get_room(meeting, room_id)
    form = DeleteForm()
    if request.method == "POST" and form.validate_on_submit():
        name = room.name
        used = services.delete_room(room)
        if used:
            flash(_("The room “%(name)s” has been deleted; %(count)d agenda items now have no room.",
                    name=name, count=used), "success")
        else:
            flash(_("The room “%(name)s” has been deleted.", name=name), "success")
        return redirect(url_for("meetings.rooms", meeting_id=meeting.public_id))
    services.ensure_editable(meeting)
    return render_template("meetings/room_delete.html", meeting=meeting, room=room, form=form,
                           used=services.room_usage(meeting).get(room.id, 0), active_tab="meetings.rooms")


# Occurrences of a recurring meeting --------------------------------------------------------------

def _occurrence_day(value: str) -> date:
    day = parse_day(value)
    if day is None:
        raise NotFound(_("The meeting has no occurrence on %(day)s.", day=value))
    return day


@bp.get("/meetings/<meeting_id>/occurrences")
@require(Permission.view)
def occurrences(meeting_id: str):
    meeting = meeting_page(meeting_id)
    if not meeting.recurrence:
        return redirect(url_for("meetings.detail", meeting_id=meeting.public_id))
    start = max(parse_day(request.args.get("from")) or calendar.week_start(_today()), meeting.starts_on)
    found = recurrence.next_occurrences(meeting, start, 20)
    later = earlier = None
    if found:
        last = max(o.original_date for o in found)
        if recurrence.original_dates(meeting, last + timedelta(days=1), date(9999, 12, 31))[:1]:
            later = last + timedelta(days=1)
        if start > meeting.starts_on:
            earlier = max(start - (last - start) - timedelta(days=1), meeting.starts_on)
    return render_template("meetings/occurrences.html", meeting=meeting, occurrences=found, later=later,
                           earlier=earlier, start=start, editable=services.is_editable(meeting),
                           cancel_form=CancelOccurrenceForm(), active_tab="meetings.detail")


@bp.post("/meetings/<meeting_id>/occurrences/<day>/cancel")
@require(Permission.organize)
def cancel_occurrence(meeting_id: str, day: str):
    meeting = meeting_page(meeting_id)
    form = CancelOccurrenceForm()
    if form.validate_on_submit() and attempt(
            lambda: services.cancel_occurrence(meeting, _occurrence_day(day), note=form.note.data or "")).ok:
        flash(_("The occurrence of %(day)s has been cancelled.", day=_human_day(_occurrence_day(day))), "success")
    return redirect(safe_next(request.form.get("next"))
                    or url_for("meetings.occurrences", meeting_id=meeting.public_id))


@bp.post("/meetings/<meeting_id>/occurrences/<day>/restore")
@require(Permission.organize)
def restore_occurrence(meeting_id: str, day: str):
    meeting = meeting_page(meeting_id)
    form = CancelOccurrenceForm()
    if form.validate_on_submit() and attempt(lambda: services.restore_occurrence(meeting, _occurrence_day(day))).ok:
        flash(_("The occurrence of %(day)s takes place as planned again.", day=_human_day(_occurrence_day(day))),
              "success")
    return redirect(safe_next(request.form.get("next"))
                    or url_for("meetings.occurrences", meeting_id=meeting.public_id))


@bp.route("/meetings/<meeting_id>/occurrences/<day>/move", methods=["GET", "POST"])
@require(Permission.organize)
def move_occurrence(meeting_id: str, day: str):
    meeting = meeting_page(meeting_id)
    services.ensure_editable(meeting)
    original = _occurrence_day(day)
    current = services.occurrence(meeting, original)
    form = MoveOccurrenceForm()
    status = 200
    if request.method == "GET":
        form.new_date.data = current.day
        form.new_start_time.data = current.start_time
        form.new_end_time.data = current.end_time
        form.new_venue.data = current.venue
        form.note.data = current.note
    else:
        done = submit(form, lambda: services.move_occurrence(
            meeting, original, new_date=form.new_date.data, new_start_time=form.new_start_time.data,
            new_end_time=form.new_end_time.data, new_venue=form.new_venue.data, note=form.note.data or ""))
        if done.ok:
            flash(_("The occurrence of %(day)s has been moved.", day=_human_day(original)), "success")
            return redirect(url_for("meetings.occurrences", meeting_id=meeting.public_id))
        status = done.status
    return render_template("meetings/move.html", meeting=meeting, occurrence=current, form=form,
                           active_tab="meetings.detail"), status


def _human_day(day: date) -> str:
    return long_date(day, weekday=True)


# The work calendar -------------------------------------------------------------------------------

def _week(day: date):
    org = current_organization()
    monday = calendar.week_start(day)
    found = services.calendar_occurrences(org, _user(), monday, monday + timedelta(days=6))
    return calendar.week(monday, found)


@bp.get("/calendar/week")
@require(Permission.view)
def week():
    day = parse_day(request.args.get("d")) or _today()
    shown = _week(day)
    meeting_ids = list(dict.fromkeys(o.meeting.id for d in shown.days for o in (*d.morning, *d.afternoon)))
    return render_template("meetings/week.html", week=shown, today=_today(),
                           compositions=services.compositions(meeting_ids))


@bp.get("/calendar/week/print")
@require(Permission.view)
def week_print():
    from planner.documents.profiles import profile_for

    day = parse_day(request.args.get("d")) or _today()
    org = current_organization()
    return render_template("meetings/week_print.html", week=_week(day), today=_today(), org=org,
                           profile=profile_for(org.document_profile.value))


@bp.get("/calendar/month")
@require(Permission.view)
def month():
    org = current_organization()
    first = None
    value = request.args.get("m") or ""
    try:
        first = datetime.strptime(value, "%Y-%m").date() if value else None
    except ValueError:
        first = None
    if day_problem(first):
        first = None
    first = first or _today().replace(day=1)
    start, end = calendar.month_span(first)
    found = services.calendar_occurrences(org, _user(), start, end)
    return render_template("meetings/month.html", month=calendar.month(first, found), today=_today())


# Background jobs of a meeting -------------------------------------------------------------------------------

@bp.get("/meetings/<meeting_id>/jobs/<job_id>")
@require(Permission.view)
def job(meeting_id: str, job_id: str):
    """How a background job of the meeting is doing (core.queue): what its page polls (static/js/jobs.js)."""
    from planner.core import queue

    meeting = meeting_page(meeting_id)
    found = queue.get(job_id, organization_id=meeting.organization_id)
    if found is None or found.meeting_id != meeting.id:
        raise NotFound(_("Not found."))
    return found.status(), 200, {"Cache-Control": "no-store"}


@bp.get("/meetings/<meeting_id>/exports/<name>")
@require(Permission.view)
def download(meeting_id: str, name: str) -> Response:
    """The one download route of a meeting's files: any exporter of scope "meeting", whichever package
    registered it (programme, booklet, minutes, invitations, dossier...)."""
    return exports.send_named("meeting", name, meeting_page(meeting_id), _user())
