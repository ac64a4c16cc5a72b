"""The people directory, the participants tab of a meeting, the import steps, the exports and the
printable attendance sheet."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from planner.accounts.access import can, current_organization, require
from planner.core import exports
from planner.core.errors import Conflict, NotFound, PlannerError
from planner.core.permissions import Permission
from planner.core.web import attempt, form_version, page_number, submit
from planner.core.web import form_error as _form_error
from planner.core.web import signed_in_user as _user
from planner.delegates import exporting, importing, services, uploads
from planner.delegates.forms import (
    HONORIFICS,
    AddPersonForm,
    AttendanceForm,
    ConfirmForm,
    ListFilterForm,
    ParticipantForm,
    PersonForm,
    UploadForm,
    mapping_form,
    mapping_from,
)
from planner.delegates.models import (
    ATTENDANCE_LABELS,
    PARTICIPANT_CATEGORY_LABELS,
    RSVP_LABELS,
    AttendanceStatus,
    Participant,
    ParticipantCategory,
    Rsvp,
)
from planner.delegates.protocol import ORDER_LABELS, Order, suggest_precedence
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting
from planner.meetings.tabs import meeting_editable as _editable
from planner.meetings.tabs import meeting_page

bp = Blueprint("delegates", __name__)


PAGE_SIZE = 50
PEOPLE_PAGE_SIZE = 50
PREVIEW_ROWS = 300


@bp.context_processor
def _delegate_globals() -> dict[str, Any]:
    # CLASSIFICATION_MARKS comes with the meeting frame (meetings' app-wide template globals).
    return {
        "CATEGORY_LABELS": PARTICIPANT_CATEGORY_LABELS,
        "RSVP_LABELS": RSVP_LABELS,
        "ATTENDANCE_LABELS": ATTENDANCE_LABELS,
        "ORDER_LABELS": ORDER_LABELS,
        "HONORIFICS": HONORIFICS,
        "IMPORT_FIELDS": importing.FIELDS,
    }


def _participant(meeting: Meeting, participant_id: str) -> Participant:
    participant = services.get_participant(current_organization(), participant_id, user=_user())
    if participant.meeting_id != meeting.id:
        raise NotFound(_("No such participant."))
    return participant


def _day_label(day: date) -> str:
    return format_date(day, "EEEE, dd/MM/yyyy")


def _language() -> str:
    return str(get_locale() or "vi")


# The people directory -------------------------------------------------------------------------------

@bp.get("/people")
@require(Permission.view)
def people():
    org = current_organization()
    q = request.args.get("q", "")
    page = page_number()
    items, total = services.list_people(org, q=q, limit=PEOPLE_PAGE_SIZE, offset=(page - 1) * PEOPLE_PAGE_SIZE)
    return render_template("delegates/people.html", people=items, total=total, q=q, page=page,
                           pages=max(1, math.ceil(total / PEOPLE_PAGE_SIZE)))


@bp.route("/people/new", methods=["GET", "POST"])
@require(Permission.organize)
def new_person():
    org = current_organization()
    form = PersonForm()
    matches: list = []
    status = 200
    if form.validate_on_submit():
        try:
            person = services.create_person(org, form.person_data(), allow_duplicate=form.allow_duplicate.data)
        except services.DuplicatePerson as exc:
            matches = exc.matches
            status = 409
        except PlannerError as exc:
            _form_error(form, exc)
            status = 422
        else:
            flash(_("%(name)s has been added to the directory.", name=person.full_name), "success")
            return redirect(url_for("delegates.people", q=person.full_name))
    elif request.method == "POST":
        status = 422
    _show_split(form)
    return render_template("delegates/person_form.html", form=form, person=None, matches=matches), status


def _show_split(form: Any, original: Any = None) -> None:
    """Show the name as it will be saved: the split of the one field, when that is what was typed."""
    if request.method == "POST":
        data = form.name_data(original)
        form.family_name.data, form.middle_name.data = data["family_name"], data["middle_name"]
        form.given_name.data = data["given_name"]


@bp.route("/people/<person_id>", methods=["GET", "POST"])
@require(Permission.view)
def edit_person(person_id: str):
    org = current_organization()
    person = services.get_person(org, person_id)
    form = PersonForm(obj=person) if request.method == "GET" else PersonForm()
    status = 200
    if request.method == "GET":
        form.fill_name(person)
        form.version.data = str(person.version)
        if person.default_precedence == services.DEFAULT_PRECEDENCE:
            form.default_precedence.data = None
    elif not can(Permission.organize):
        abort(403)
    else:
        done = submit(form, lambda: services.update_person(person, form.person_data(person),
                                                           version=form_version(form)))
        if done.ok:
            flash(_("The changes to %(name)s have been saved.", name=person.full_name), "success")
            return redirect(url_for("delegates.edit_person", person_id=person.public_id))
        status = done.status
    _show_split(form, person)
    similar = services.similar_people(org, family_name=person.family_name, middle_name=person.middle_name,
                                      given_name=person.given_name, unit=person.unit, email=person.email,
                                      exclude=person)
    return render_template("delegates/person_form.html", form=form, person=person, matches=similar,
                           participations=services.person_meetings(person, _user()),
                           delete_form=ConfirmForm()), status


@bp.post("/people/<person_id>/delete")
@require(Permission.organize)
def delete_person(person_id: str):
    person = services.get_person(current_organization(), person_id)
    name = person.full_name
    try:
        services.delete_person(person)
    except PlannerError as exc:
        flash(exc.message, "error")
        return redirect(url_for("delegates.edit_person", person_id=person_id))
    flash(_("%(name)s has been removed from the directory.", name=name), "success")
    return redirect(url_for("delegates.people"))


# The participants tab -------------------------------------------------------------------------------

@bp.get("/meetings/<meeting_id>/participants")
@require(Permission.view)
def participants(meeting_id: str):
    meeting = meeting_page(meeting_id)
    filters = ListFilterForm(request.args)
    order = request.args.get("order", Order.protocol.value)
    if order not in {o.value for o in Order}:
        order = Order.protocol.value
    category = request.args.get("category", "")
    if category not in {c.value for c in ParticipantCategory}:
        category = ""
    filters.order.data, filters.category.data = order, category
    q = request.args.get("q", "")
    page = page_number()
    items, total = services.list_participants(meeting, order=order, q=q, category=category or None,
                                              limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    day = services.reference_day(meeting)
    return render_template(
        "delegates/participants.html", meeting=meeting, participants=items, total=total, filters=filters,
        order=order, q=q, category=category, page=page, pages=max(1, math.ceil(total / PAGE_SIZE)),
        first_number=(page - 1) * PAGE_SIZE + 1, counts=services.participant_counts(meeting), day=day,
        day_label=_day_label(day), attendance_counts=services.attendance_counts(meeting, day),
        editable=_editable(meeting), multi_day=meeting.starts_on != meeting.ends_on or bool(meeting.recurrence),
        AttendanceStatus=AttendanceStatus, Rsvp=Rsvp,
    )


@bp.route("/meetings/<meeting_id>/participants/new", methods=["GET", "POST"])
@require(Permission.organize)
def new_participant(meeting_id: str):
    meeting = meeting_page(meeting_id)
    meeting_services.ensure_editable(meeting)
    form = ParticipantForm()
    status = 200
    matches: list = []
    if form.validate_on_submit():
        try:
            participant = services.add_participant(meeting, form.participant_data(),
                                                   allow_duplicate=form.allow_duplicate.data)
        except services.DuplicatePerson as exc:
            matches = exc.matches
            status = 409
        except PlannerError as exc:
            _form_error(form, exc)
            status = exc.status
        else:
            flash(_("%(name)s has been added to the list.", name=participant.full_name), "success")
            if request.form.get("another"):
                return redirect(url_for("delegates.new_participant", meeting_id=meeting.public_id))
            return redirect(url_for("delegates.participants", meeting_id=meeting.public_id))
    elif request.method == "POST":
        status = 422
    _show_split(form)
    q = request.args.get("q", "")
    found: list = []
    found_total = 0
    if q:
        found, found_total = services.list_people(meeting.organization, q=q, limit=20)
    on_list = services.people_on_list(meeting, [p.id for p in found])
    matched_on_list = services.people_on_list(meeting, [p.id for p in matches])
    return render_template("delegates/participant_new.html", meeting=meeting, form=form, matches=matches,
                           q=q, found=found, found_total=found_total, on_list=on_list, matched_on_list=matched_on_list,
                           add_form=AddPersonForm(), active_tab="delegates.participants"), status


@bp.post("/meetings/<meeting_id>/participants/add")
@require(Permission.organize)
def add_person(meeting_id: str):
    meeting = meeting_page(meeting_id)
    form = AddPersonForm()
    if not form.validate_on_submit():
        flash(_("The form has expired. Try again."), "error")
        return redirect(url_for("delegates.new_participant", meeting_id=meeting.public_id))
    person = services.get_person(meeting.organization, form.person_id.data or "")
    done = attempt(lambda: services.add_participant(meeting, {}, person=person))
    if done.ok:
        flash(_("%(name)s has been added to the list.", name=done.value.full_name), "success")
    return redirect(url_for("delegates.new_participant", meeting_id=meeting.public_id,
                            q=request.form.get("q", "")))


@bp.route("/meetings/<meeting_id>/participants/<participant_id>", methods=["GET", "POST"])
@require(Permission.view)
def edit_participant(meeting_id: str, participant_id: str):
    meeting = meeting_page(meeting_id)
    participant = _participant(meeting, participant_id)
    editable = _editable(meeting)
    form = ParticipantForm() if request.method == "POST" else ParticipantForm(obj=participant)
    status = 200
    if request.method == "GET":
        form.fill_name(participant.person)
        form.email.data, form.phone.data = participant.person.email, participant.person.phone
        form.category.data, form.rsvp.data = participant.category.value, participant.rsvp.value
        form.version.data = str(participant.version)
    elif not can(Permission.organize):
        abort(403)
    elif not editable:
        raise Conflict(_("This meeting is closed; its programme and delegates can no longer be changed."))
    else:
        done = submit(form, lambda: services.update_participant(
            participant, form.participant_data(participant.person), version=form_version(form), user=_user()))
        if done.ok:
            flash(_("The changes to %(name)s have been saved.", name=participant.full_name), "success")
            return redirect(_back_to_list(meeting))
        status = done.status
    _show_split(form, participant.person)
    return render_template("delegates/participant_form.html", meeting=meeting, participant=participant,
                           form=form, editable=editable, attendance_form=_attendance_form(meeting, participant),
                           days=_days_shown(meeting), day_label=_day_label, delete_form=ConfirmForm(),
                           can_attendance=can(Permission.take_minutes) and services.attendance_editable(meeting),
                           back=_back_to_list(meeting), active_tab="delegates.participants",
                           rank_by_title=suggest_precedence(participant.title) is not None), status


def _days_shown(meeting: Meeting) -> list[date]:
    """The days whose attendance a page shows: all of a meeting's; of a recurring one, the last few and the next."""
    days = services.meeting_days(meeting)
    if not meeting.recurrence:
        return days
    today = services.local_today(meeting)
    return [d for d in days if d <= today][-6:] + [d for d in days if d > today][:1]


def _back_to_list(meeting: Meeting) -> str:
    back = request.values.get("back", "")
    prefix = url_for("delegates.participants", meeting_id=meeting.public_id)
    return back if back.startswith(prefix) else prefix


def _attendance_form(meeting: Meeting, participant: Participant) -> AttendanceForm:
    form = AttendanceForm(formdata=None)
    days = _days_shown(meeting)
    form.day.choices = [(d.isoformat(), _day_label(d)) for d in days]
    day = services.reference_day(meeting)
    form.day.data = day.isoformat()
    record = participant.attendance_on(day)
    form.attendance.data = record.status.value if record else ""
    form.absence_reason.data = record.reason if record else ""
    return form


@bp.post("/meetings/<meeting_id>/participants/<participant_id>/attendance")
@require(Permission.take_minutes)
def set_attendance(meeting_id: str, participant_id: str):
    meeting = meeting_page(meeting_id)
    participant = _participant(meeting, participant_id)
    form = AttendanceForm()
    form.day.choices = [(d.isoformat(), d.isoformat()) for d in services.meeting_days(meeting)]
    if not form.validate_on_submit():
        flash(_("Choose a day of the meeting."), "error")
    elif attempt(lambda: services.set_attendance(participant, form.day.data, form.attendance.data or None,
                                                 form.absence_reason.data or "", user=_user())).ok:
        flash(_("The attendance of %(name)s has been saved.", name=participant.full_name), "success")
    return redirect(url_for("delegates.edit_participant", meeting_id=meeting.public_id,
                            participant_id=participant.public_id))


@bp.post("/meetings/<meeting_id>/participants/<participant_id>/delete")
@require(Permission.organize)
def remove_participant(meeting_id: str, participant_id: str):
    meeting = meeting_page(meeting_id)
    participant = _participant(meeting, participant_id)
    name = participant.full_name
    if not attempt(lambda: services.remove_participant(participant)).ok:
        return redirect(url_for("delegates.edit_participant", meeting_id=meeting.public_id,
                                participant_id=participant_id))
    flash(_("%(name)s has been removed from the list.", name=name), "success")
    return redirect(_back_to_list(meeting))


# Import -------------------------------------------------------------------------------------------------

def _max_bytes() -> int:
    return int(current_app.config.get("IMPORT_MAX_BYTES", 5 * 1024 * 1024))


@bp.route("/meetings/<meeting_id>/participants/import", methods=["GET", "POST"])
@require(Permission.organize)
def import_upload(meeting_id: str):
    meeting = meeting_page(meeting_id)
    meeting_services.ensure_editable(meeting)
    form = UploadForm()
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(_max_bytes() + 1)
        filename = upload.filename or ""
        try:
            table = services.read_import_table(data, filename, max_bytes=_max_bytes())
        except PlannerError as exc:
            form.file.errors = [exc.message]
            status = 422
        else:
            key = uploads.save(data, filename, meeting_id=meeting.id, user_id=_user().id)
            uploads.save_mapping(uploads.load(key, meeting_id=meeting.id, user_id=_user().id),
                                 importing.guess_mapping(table.headers))
            return redirect(url_for("delegates.import_mapping", meeting_id=meeting.public_id, key=key))
    elif request.method == "POST":
        status = 422
    return render_template("delegates/import_upload.html", meeting=meeting, form=form,
                           max_size=services.size_label(_max_bytes()), max_rows=importing.MAX_ROWS,
                           active_tab="delegates.participants"), status


def _upload(meeting: Meeting, key: str) -> uploads.Upload:
    upload = uploads.load(key, meeting_id=meeting.id, user_id=_user().id)
    if upload is None:
        raise NotFound(_("This import has expired or was finished. Upload the file again."))
    return upload


@bp.route("/meetings/<meeting_id>/participants/import/<key>", methods=["GET", "POST"])
@require(Permission.organize)
def import_mapping(meeting_id: str, key: str):
    meeting = meeting_page(meeting_id)
    upload = _upload(meeting, key)
    table = services.read_import_table(upload.data, upload.filename)
    mapping = upload.mapping or importing.guess_mapping(table.headers)
    form = mapping_form(table.headers, mapping)
    problems: list[str] = []
    status = 200
    if form.validate_on_submit():
        chosen = mapping_from(form, len(table.headers))
        problems = importing.check_mapping(chosen)
        if not problems:
            uploads.save_mapping(upload, chosen)
            return redirect(url_for("delegates.import_preview", meeting_id=meeting.public_id, key=key))
        status = 422
    elif request.method == "POST":
        status = 422
    columns = [getattr(form, f"col_{i}") for i in range(len(table.headers))]
    samples = [[cells[i] for _n, cells in table.rows[:3]] for i in range(len(table.headers))]
    return render_template("delegates/import_mapping.html", meeting=meeting, form=form, upload=upload,
                           table=table, columns=columns, samples=samples, problems=problems,
                           letters=[importing.column_letter(i) for i in range(len(table.headers))],
                           active_tab="delegates.participants"), status


@bp.route("/meetings/<meeting_id>/participants/import/<key>/preview", methods=["GET", "POST"])
@require(Permission.organize)
def import_preview(meeting_id: str, key: str):
    meeting = meeting_page(meeting_id)
    upload = _upload(meeting, key)
    table = services.read_import_table(upload.data, upload.filename)
    mapping = (list(upload.mapping or importing.guess_mapping(table.headers)) + [None] * len(table.headers))
    mapping = mapping[: len(table.headers)]
    problems = importing.check_mapping(mapping)
    if problems:
        for problem in problems:
            flash(problem, "error")
        return redirect(url_for("delegates.import_mapping", meeting_id=meeting.public_id, key=key))
    rows, row_errors = importing.parse_rows(table, mapping)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        meeting_services.ensure_editable(meeting)
        # planned once, under the directory's lock; the preview below plans only when it is shown again
        done = attempt(lambda: services.save_import(meeting, rows, row_errors, filename=upload.filename))
        if done.ok:
            plan = done.value
            uploads.discard(key)
            flash(_("The list has been imported: %(created)d added, %(updated)d updated, %(unchanged)d unchanged.",
                    created=plan.created, updated=plan.updated, unchanged=plan.unchanged), "success")
            return redirect(url_for("delegates.participants", meeting_id=meeting.public_id))
    plan = services.plan_import(meeting, rows, row_errors)
    shown = sorted(plan.rows, key=lambda r: (r.action != "error", r.row))[:PREVIEW_ROWS]
    return render_template("delegates/import_preview.html", meeting=meeting, upload=upload, plan=plan,
                           rows=shown, form=form, key=key, active_tab="delegates.participants")


@bp.post("/meetings/<meeting_id>/participants/import/<key>/cancel")
@require(Permission.organize)
def import_cancel(meeting_id: str, key: str):
    meeting = meeting_page(meeting_id)
    if ConfirmForm().validate_on_submit():
        uploads.discard(key)
        flash(_("The import has been cancelled; nothing was changed."), "info")
    return redirect(url_for("delegates.participants", meeting_id=meeting.public_id))


# Exports and the attendance sheet ------------------------------------------------------------------------

def _export_filename(meeting: Meeting, extension: str) -> str:
    return f"{_('Delegates')} - {meeting.title}"[:120] + f".{extension}"


def _build(meeting: Meeting, kind: str) -> bytes:
    participants = services.all_participants(meeting, attendance=False)  # the list has no attendance column
    rows = exporting.participant_rows(participants)
    if kind == "csv":
        return exporting.to_csv(exporting.headers(), rows)
    return exporting.to_xlsx(exporting.headers(), rows, sheet_title=_("Delegates"))


def _version(meeting: Meeting) -> str:
    return f"{services.export_version(meeting)}:{_language()}"


def _list_exporter(extension: str, media_type: str, label: Any) -> exports.Exporter:
    """The delegate list as a download, in one of the formats _build writes."""
    return exports.Exporter(
        name=f"participants.{extension}", media_type=media_type,
        build=lambda meeting: _build(meeting, extension),
        filename=lambda meeting: _export_filename(meeting, extension),
        version=_version, label=label, scope="meeting",
    )


XLSX = _list_exporter("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      _l("Delegate list (Excel)"))
CSV = _list_exporter("csv", "text/csv; charset=utf-8", _l("Delegate list (CSV)"))

# Registered by the package's setup.
EXPORTERS = (XLSX, CSV)


@bp.get("/meetings/<meeting_id>/participants/export.<kind>")
@require(Permission.view)
def export(meeting_id: str, kind: str):
    meeting = meeting_page(meeting_id)
    exporter = {"xlsx": XLSX, "csv": CSV}.get(kind)
    if exporter is None:
        raise NotFound(_("Not found."))
    return exports.send(exporter, meeting, _user())


@bp.get("/meetings/<meeting_id>/participants/attendance-sheet")
@require(Permission.view)
def attendance_sheet(meeting_id: str):
    meeting = meeting_page(meeting_id)
    days = services.meeting_days(meeting)
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        day = services.reference_day(meeting)
    if day not in days:
        day = services.reference_day(meeting)
    services.record_export(meeting, "attendance-sheet")
    return render_template("delegates/attendance_sheet.html", meeting=meeting, day=day, days=days,
                           day_label=_day_label, participants=services.sheet_participants(meeting),
                           organization=meeting.organization)
