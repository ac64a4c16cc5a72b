"""The agenda pages: the editor, the releases, the programme for staff and the public programme."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from flask import Blueprint, abort, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale, ngettext
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from planner.accounts.access import current_organization, require
from planner.accounts.models import User
from planner.agenda import conflicts as conflict_rules
from planner.agenda import programme as programme_rules
from planner.agenda import releases as release_rules
from planner.agenda import services
from planner.agenda.forms import (
    CopyForm,
    DeleteForm,
    ItemForm,
    MoveSessionForm,
    PublishForm,
    ShiftForm,
    classification_choices,
)
from planner.agenda.models import AGENDA_ITEM_KIND_LABELS, AgendaItem, AgendaItemKind
from planner.core import exports, public_urls
from planner.core.errors import Conflict, PlannerError
from planner.core.inputs import parse_day
from planner.core.lru import LRU
from planner.core.permissions import CLASSIFICATION_MARKS, Classification, Permission, clearance_of
from planner.core.qr import qr_svg
from planner.core.web import attempt, form_error, form_version, visitor_page_etag
from planner.core.web import signed_in_user as _user
from planner.extensions import db
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting, MeetingStatus
from planner.meetings.tabs import meeting_editable as _editable
from planner.meetings.tabs import meeting_page, meeting_tabs

bp = Blueprint("agenda", __name__)


# Form fields of the item form for the services' field names.
FORM_FIELDS = {"starts_at": "start", "ends_at": "end"}


def _levels() -> list[str]:
    return services.reader_levels(g.organization.id, _user())


def _language() -> str:
    return str(get_locale() or "vi")


def _day_label(day: date) -> str:
    return format_date(day, "EEEE, dd/MM/yyyy")


def _editor_url(meeting: Meeting, item: AgendaItem | None = None) -> str:
    anchor = f"item-{item.public_id}" if item is not None else None
    return url_for("agenda.editor", meeting_id=meeting.public_id, _anchor=anchor)


@bp.app_context_processor
def _agenda_globals() -> dict[str, Any]:
    return {"meeting_tabs": meeting_tabs, "AGENDA_ITEM_KIND_LABELS": AGENDA_ITEM_KIND_LABELS,
            "CLASSIFICATION_MARKS": CLASSIFICATION_MARKS}


def _frame() -> str:
    """The one frame of a meeting's pages (title, status, tabs), from the meetings domain."""
    return "meetings/_meeting.html"


def _spanner(meeting: Meeting) -> Callable[[datetime, datetime], str]:
    """span(start, end) in the meeting's time zone and the reader's language, both looked up once."""
    zone, language = services.zone(meeting), _language()
    return lambda a, b: programme_rules.span(a.astimezone(zone), b.astimezone(zone), language)


def _render(template: str, meeting: Meeting, **context: Any) -> str:
    return render_template(template, meeting=meeting, editable=_editable(meeting), day_label=_day_label,
                           meeting_frame=_frame(), span=_spanner(meeting), **context)


# The editor ---------------------------------------------------------------------------------------

@bp.get("/meetings/<meeting_id>/agenda")
@require(Permission.view)
def editor(meeting_id: str):
    meeting = meeting_page(meeting_id)
    everything = services.agenda_rows(meeting)
    items = services.visible_items(meeting, everything, _user())
    services.note_classified_view(meeting, items, "agenda")
    found = services.find_conflicts(items)
    warnings = {pid: [conflict_rules.describe(c, about=pid) for c in cs]
                for pid, cs in conflict_rules.by_item(found).items()}
    latest, pending = services.pending_changes(meeting, everything)
    pending = release_rules.visible_changes(pending, _levels())
    days = services.by_day(meeting, items)
    day_choices = [(d.isoformat(), _day_label(d)) for d in services.programme_days(meeting)]
    move_form = MoveSessionForm()
    move_form.day.choices = day_choices
    span = _spanner(meeting)
    return _render(
        "agenda/editor.html", meeting,
        days=days, items=items, warnings=warnings, conflict_count=len(found),
        moves=services.can_move(items), latest=latest, pending=pending,
        pending_texts=[release_rules.change_text(c, g.timezone) for c in pending[:20]],
        shift_form=ShiftForm(), move_form=move_form, day_choices=day_choices,
        # translated once per page, not once per row (a lazy string translates each time it is shown)
        kind_labels={kind: str(label) for kind, label in AGENDA_ITEM_KIND_LABELS.items()},
        times={item.id: span(item.starts_at, item.ends_at) for item in items},
    )


@bp.get("/meetings/<meeting_id>/agenda/timetable")
@require(Permission.view)
def timetable(meeting_id: str):
    """The agenda's day as a time grid, one column per room; the list editor's twin. Editors move and
    stretch its blocks (static/js/timetable.js posts each change to ``place``); readers see it as is."""
    meeting = meeting_page(meeting_id)
    items = services.list_items(meeting, _user())
    services.note_classified_view(meeting, items, "timetable")
    found = services.find_conflicts(items)
    warnings = {pid: [conflict_rules.describe(c, about=pid) for c in cs]
                for pid, cs in conflict_rules.by_item(found).items()}
    today = datetime.now(services.zone(meeting)).date()
    day = services.timetable_day(meeting, parse_day(request.args.get("day")), today)
    grid = services.timetable(meeting, items, day, warnings)
    return _render("agenda/timetable.html", meeting, grid=grid, active_tab="agenda.editor",
                   day_warnings=[conflict_rules.describe(c) for c in found
                                 if grid.item_ids().intersection(c.item_ids)],
                   kind_labels={kind.value: str(label) for kind, label in AGENDA_ITEM_KIND_LABELS.items()},
                   classification_marks={c.value: mark for c, mark in CLASSIFICATION_MARKS.items()})


@bp.post("/meetings/<meeting_id>/agenda/<item_id>/place")
@require(Permission.organize)
def place(meeting_id: str, item_id: str):
    """A block of the timetable moved or stretched: {starts_at, ends_at (local, ISO), room_id, parent_id,
    version}, saved by the service the item form uses. Answers JSON: the change told in words, or the
    service's refusal (422), or a stale version (409); the page then shows the agenda as saved."""
    meeting = meeting_page(meeting_id)
    data = request.get_json(silent=True)
    data = data if isinstance(data, dict) else {}
    changes = {key: data[key] for key in ("starts_at", "ends_at", "room_id", "parent_id") if key in data}
    version = data.get("version")
    try:
        item = services.get_meeting_item(meeting, item_id, user=_user())
        services.update_item(item, changes, user=_user(),
                             version=version if isinstance(version, int) and not isinstance(version, bool) else None)
    except PlannerError as exc:
        return jsonify({"ok": False, "detail": exc.message}), exc.status
    start, end = services.local(meeting, item.starts_at), services.local(meeting, item.ends_at)
    where = item.room.name if item.room is not None else _("no room")
    return jsonify({"ok": True, "version": item.version, "warnings": services.duplicate_warnings(
        meeting, title=item.title, starts_at=item.starts_at, ends_at=item.ends_at, exclude_id=item.id),
        "message": _("“%(title)s”: %(start)s–%(end)s, %(room)s. Saved.", title=item.title,
                     start=start.strftime("%H:%M"), end=end.strftime("%H:%M"), room=where)})


def _delegates_url(meeting: Meeting) -> str | None:
    """The delegates tab of the meeting, where participants (the presiding choices) are added."""
    tab = next((t for t in meeting_tabs() if t.endpoint.startswith("delegates.")), None)
    return url_for(tab.endpoint, meeting_id=meeting.public_id) if tab is not None else None


def _form_choices(form: ItemForm, meeting: Meeting, items: list[AgendaItem], item: AgendaItem | None) -> list:
    participants = services.presiding_choices(meeting)
    form.day.choices = [(d.isoformat(), _day_label(d)) for d in services.programme_days(meeting)]
    def session_label(session: AgendaItem) -> str:
        start, end = services.local(meeting, session.starts_at), services.local(meeting, session.ends_at)
        return f"{format_date(start.date(), 'EEE dd/MM')} · {programme_rules.span(start, end, _language())} · " \
               f"{session.title}"

    form.parent_id.choices = [("", _("— Not in a session —"))] + [
        (s.public_id, session_label(s)) for s in services.sessions(items) if item is None or s.id != item.id
    ]
    form.room_id.choices = [("", _("— No room —"))] + [(r.public_id, r.name) for r in services.rooms(meeting)]
    form.presiding_ids.choices = [
        (p.public_id, p.full_name + (f" — {p.title}" if p.title else "")) for p in participants
    ]
    form.classification.choices = classification_choices(clearance_of(_user(), meeting.organization_id))
    return participants


def _fill(form: ItemForm, meeting: Meeting, item: AgendaItem) -> None:
    start, end = services.local(meeting, item.starts_at), services.local(meeting, item.ends_at)
    form.kind.data = item.kind.value
    form.title.data = item.title
    form.parent_id.data = item.parent.public_id if item.parent is not None else ""
    form.day.data = start.date().isoformat()
    form.start.data = start.time()
    form.end.data = end.time()
    form.room_id.data = item.room.public_id if item.room is not None else ""
    form.presiding_ids.data = [p.public_id for p in item.presiding]
    form.performer.data = item.performer
    form.description.data = item.description
    form.classification.data = item.classification.value
    form.status.data = item.status.value
    form.version.data = str(item.version)


def _defaults(form: ItemForm, meeting: Meeting, items: list[AgendaItem]) -> None:
    """A new item starts where the agenda (or the session) left off."""
    kind = request.args.get("kind", "report")
    form.kind.data = kind if kind in {k.value for k in AgendaItemKind} else "report"
    parent = next((s for s in services.sessions(items) if s.public_id == request.args.get("parent")), None)
    days = services.programme_days(meeting)
    day = parse_day(request.args.get("day")) or days[0]
    if parent is not None:
        form.parent_id.data = parent.public_id
        day = services.local(meeting, parent.starts_at).date()
        ends = [c.ends_at for c in items if c.parent_id == parent.id]
        start = services.local(meeting, max(ends) if ends else parent.starts_at)
    else:
        same_day = [i.ends_at for i in items
                    if i.parent_id is None and services.local(meeting, i.starts_at).date() == day]
        if same_day:
            start = services.local(meeting, max(same_day))
        else:
            start = datetime.combine(day, meeting.start_time or time(8, 0))
    length = timedelta(hours=3) if form.kind.data == "session" else timedelta(minutes=30)
    end = start + length
    if parent is not None:
        end = min(end, services.local(meeting, parent.ends_at))
    if end.date() != start.date():
        end = datetime.combine(start.date(), time(23, 59))
    form.day.data = start.date().isoformat() if start.date() in days else day.isoformat()
    form.start.data = start.time().replace(second=0, microsecond=0)
    form.end.data = end.time().replace(second=0, microsecond=0)
    form.classification.data = "none"
    _slot_defaults(form, meeting, parent)


def _slot_defaults(form: ItemForm, meeting: Meeting, parent: AgendaItem | None) -> None:
    """An empty slot of the timetable clicked: its room and its start time (the day came with ``day``)."""
    room = request.args.get("room")
    if room and any(value == room for value, _label in form.room_id.choices):
        form.room_id.data = room
    elif parent is not None and parent.room is not None:
        form.room_id.data = parent.room.public_id
    try:
        start = time.fromisoformat(request.args.get("start", ""))
    except ValueError:
        return
    length = timedelta(hours=3) if form.kind.data == "session" else timedelta(minutes=30)
    end = datetime.combine(date.min, start) + length
    if parent is not None:
        end = min(end, datetime.combine(date.min, services.local(meeting, parent.ends_at).time()))
    form.start.data = start.replace(second=0, microsecond=0)
    form.end.data = end.time() if end.date() == date.min and end.time() > start else time(23, 59)


def _form_data(form: ItemForm) -> dict[str, Any]:
    day = date.fromisoformat(form.day.data)
    return {
        "kind": form.kind.data,
        "title": form.title.data,
        # A session is never inside a session: its form's Session field, still holding the session that
        # "Save and add another" kept for the next item, means nothing for it.
        "parent_id": None if form.kind.data == AgendaItemKind.session.value else (form.parent_id.data or None),
        "starts_at": datetime.combine(day, form.start.data),
        "ends_at": datetime.combine(day, form.end.data),
        "room_id": form.room_id.data or None,
        "presiding_ids": form.presiding_ids.data or [],
        "performer": form.performer.data or "",
        "description": form.description.data or "",
        "classification": form.classification.data or "none",
        "status": form.status.data or "scheduled",
    }


def _form_error(form, exc: PlannerError) -> None:
    form_error(form, exc, FORM_FIELDS)


@bp.route("/meetings/<meeting_id>/agenda/new", methods=["GET", "POST"])
@require(Permission.organize)
def new_item(meeting_id: str):
    meeting = meeting_page(meeting_id)
    meeting_services.ensure_editable(meeting)
    items = services.list_items(meeting, _user())
    form = ItemForm()
    participants = _form_choices(form, meeting, items, None)
    duplicates: list[str] = []
    if request.method == "GET":
        _defaults(form, meeting, items)
        form.view.data = _back_view() or ""
    elif form.validate_on_submit() and not (duplicates := _duplicates(form, meeting, None)):
        try:
            item = services.create_item(meeting, _form_data(form), user=_user())
        except PlannerError as exc:
            _form_error(form, exc)
        else:
            flash(_("“%(title)s” was added.", title=item.title), "success")
            if request.form.get("then") == "another":
                # The next item goes into the same session: the one just added, or the one it went into.
                session = item if item.kind == AgendaItemKind.session else item.parent
                return redirect(url_for("agenda.new_item", meeting_id=meeting.public_id,
                                        parent=session.public_id if session is not None else None,
                                        day=form.day.data, kind="report", view=_back_view()))
            return redirect(_back_url(meeting, item))
    return _render("agenda/item_form.html", meeting, form=form, item=None, participants=participants,
                   current=None, delegates_url=_delegates_url(meeting), duplicates=duplicates,
                   back_url=_back_url(meeting, None))


def _duplicates(form: ItemForm, meeting: Meeting, item: AgendaItem | None) -> list[str]:
    """The same title at an overlapping time of the same day: shown as a warning the user may override
    (tick "save anyway"), never a refusal."""
    if form.save_anyway.data:
        return []
    data = _form_data(form)
    return services.duplicate_warnings(meeting, title=data["title"], starts_at=data["starts_at"],
                                       ends_at=data["ends_at"], exclude_id=item.id if item is not None else None)


def _back_view() -> str | None:
    """Which view of the agenda the form came from (the list or the timetable), to go back to it."""
    return "timetable" if (request.values.get("view") == "timetable") else None


def _back_url(meeting: Meeting, item: AgendaItem | None) -> str:
    if _back_view() == "timetable":
        day = services.local(meeting, item.starts_at).date().isoformat() if item is not None else \
            request.values.get("day") or None
        return url_for("agenda.timetable", meeting_id=meeting.public_id, day=day,
                       _anchor=f"block-{item.public_id}" if item is not None else None)
    return _editor_url(meeting, item)


@bp.route("/meetings/<meeting_id>/agenda/<item_id>/edit", methods=["GET", "POST"])
@require(Permission.organize)
def edit_item(meeting_id: str, item_id: str):
    meeting = meeting_page(meeting_id)
    meeting_services.ensure_editable(meeting)
    item = services.get_meeting_item(meeting, item_id, user=_user())
    items = services.list_items(meeting, _user())
    form = ItemForm()
    participants = _form_choices(form, meeting, items, item)
    current = None
    duplicates: list[str] = []
    if request.method == "GET":
        _fill(form, meeting, item)
        form.view.data = _back_view() or ""
    elif form.validate_on_submit() and not (duplicates := _duplicates(form, meeting, item)):
        try:
            services.update_item(item, _form_data(form), user=_user(), version=form_version(form))
        except Conflict as exc:
            item = services.get_meeting_item(meeting, item_id, user=_user())
            flash(exc.message, "error")
            current = item
            form.version.data = str(item.version)  # saving again now overwrites, knowingly
        except PlannerError as exc:
            item = services.get_meeting_item(meeting, item_id, user=_user())
            _form_error(form, exc)
        else:
            flash(_("“%(title)s” was saved.", title=item.title), "success")
            return redirect(_back_url(meeting, item))
    return _render("agenda/item_form.html", meeting, form=form, item=item, participants=participants,
                   current=current, delegates_url=_delegates_url(meeting), duplicates=duplicates,
                   back_url=_back_url(meeting, item))


@bp.route("/meetings/<meeting_id>/agenda/<item_id>/delete", methods=["GET", "POST"])
@require(Permission.organize)
def delete_item(meeting_id: str, item_id: str):
    meeting = meeting_page(meeting_id)
    meeting_services.ensure_editable(meeting)
    item = services.get_meeting_item(meeting, item_id, user=_user())
    children = list(item.children)
    form = DeleteForm()
    published = services.latest_release(meeting)
    in_release = published is not None and item.public_id in published.snapshot
    if form.validate_on_submit():
        title = item.title
        done = attempt(lambda: services.delete_item(item, user=_user(), with_items=form.with_items.data,
                                                    version=form_version(form)))
        if not done.ok:
            item = services.get_meeting_item(meeting, item_id, user=_user())
            children = list(item.children)
        else:
            count = done.value
            if count == 1:
                flash(_("“%(title)s” was deleted.", title=title), "success")
            else:
                flash(ngettext("“%(title)s” and its %(num)d item were deleted.",
                               "“%(title)s” and its %(num)d items were deleted.", count - 1, title=title), "success")
            return redirect(_editor_url(meeting))
    form.version.data = str(item.version)
    return _render("agenda/delete.html", meeting, form=form, item=item, children=children, in_release=in_release)


@bp.post("/meetings/<meeting_id>/agenda/<item_id>/status")
@require(Permission.organize)
def set_status(meeting_id: str, item_id: str):
    meeting = meeting_page(meeting_id)
    item = services.get_meeting_item(meeting, item_id, user=_user())
    status = request.form.get("status", "")
    if attempt(lambda: services.update_item(item, {"status": status}, user=_user())).ok:
        flash(_("“%(title)s” is cancelled. It stays in the programme, struck through.", title=item.title)
              if status == "cancelled" else _("“%(title)s” is scheduled again.", title=item.title), "success")
    return redirect(_editor_url(meeting, item))


@bp.post("/meetings/<meeting_id>/agenda/<item_id>/move")
@require(Permission.organize)
def move_item(meeting_id: str, item_id: str):
    meeting = meeting_page(meeting_id)
    item = services.get_meeting_item(meeting, item_id, user=_user())
    done = attempt(lambda: services.move(item, request.form.get("direction", ""), user=_user()))
    if done.ok and not done.value:
        flash(_("Only items that start at the same time can change places; change the time to move it."), "info")
    return redirect(_editor_url(meeting, item))


@bp.post("/meetings/<meeting_id>/agenda/<item_id>/shift")
@require(Permission.organize)
def shift(meeting_id: str, item_id: str):
    meeting = meeting_page(meeting_id)
    item = services.get_meeting_item(meeting, item_id, user=_user())
    form = ShiftForm()
    if not form.validate_on_submit():
        flash(_("Enter a number of minutes between -720 and 720, not 0."), "error")
        return redirect(_editor_url(meeting, item))
    done = attempt(lambda: services.shift_following(meeting, item, form.minutes.data, user=_user()))
    if done.ok:
        flash(ngettext("%(num)d item moved by %(minutes)d minutes.", "%(num)d items moved by %(minutes)d minutes.",
                       done.value, minutes=form.minutes.data), "success")
    return redirect(_editor_url(meeting, item))


@bp.post("/meetings/<meeting_id>/agenda/<item_id>/day")
@require(Permission.organize)
def move_session(meeting_id: str, item_id: str):
    meeting = meeting_page(meeting_id)
    item = services.get_meeting_item(meeting, item_id, user=_user())
    try:
        day = date.fromisoformat(request.form.get("day", ""))
        services.move_session(item, day, user=_user())
    except ValueError:
        flash(_("Choose one of the meeting's days."), "error")
    except PlannerError as exc:
        flash(exc.message, "error")
    else:
        flash(_("“%(title)s” moved to %(day)s with its items.", title=item.title, day=_day_label(day)), "success")
    return redirect(_editor_url(meeting, item))


@bp.post("/meetings/<meeting_id>/agenda/reorder")
@require(Permission.organize)
def reorder(meeting_id: str):
    """Drag and drop (static/js/agenda.js): {item, parent, order}. The page reloads after it, so the
    answer's message is also flashed."""
    meeting = meeting_page(meeting_id)
    data = request.get_json(silent=True) or {}
    order = [str(x) for x in data.get("order") or [] if x]
    try:
        item = services.get_meeting_item(meeting, str(data.get("item") or ""), user=_user())
        services.reorder(meeting, item, parent_id=data.get("parent") or None, order=order, user=_user())
    except PlannerError as exc:
        flash(exc.message, "error")
        return jsonify({"ok": False, "detail": exc.message}), exc.status
    if not services.order_follows_time(meeting, order):
        flash(_("Items follow their times: to move “%(title)s” further, change its time.", title=item.title),
              "info")
    return jsonify({"ok": True})


@bp.route("/meetings/<meeting_id>/agenda/copy", methods=["GET", "POST"])
@require(Permission.organize)
def copy(meeting_id: str):
    meeting = meeting_page(meeting_id)
    meeting_services.ensure_editable(meeting)
    form = CopyForm()
    sources = services.copy_sources(meeting, _user())
    form.source.choices = [(m.public_id, f"{m.title} ({format_date(m.starts_on, 'dd/MM/yyyy')})") for m in sources]
    has_items = bool(services.list_items(meeting, _user()))
    if form.validate_on_submit():
        try:
            source = meeting_services.get_meeting(current_organization(), form.source.data, user=_user())
            copied = services.copy_agenda(source, meeting, user=_user(), confirm=form.confirm.data)
        except PlannerError as exc:
            _form_error(form, exc) if exc.field == "source" else flash(exc.message, "error")
        else:
            flash(ngettext("%(num)d item copied. Check the rooms and presiding persons.",
                           "%(num)d items copied. Check the rooms and presiding persons.", len(copied)), "success")
            return redirect(_editor_url(meeting))
    return _render("agenda/copy.html", meeting, form=form, sources=sources, has_items=has_items)


# Releases -----------------------------------------------------------------------------------------

def _creators(releases) -> dict[int, str]:
    ids = {r.created_by_id for r in releases if r.created_by_id}
    if not ids:
        return {}
    return {u.id: u.name for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


@bp.route("/meetings/<meeting_id>/releases", methods=["GET", "POST"])
@require(Permission.view)
def releases(meeting_id: str):
    meeting = meeting_page(meeting_id)
    form = PublishForm()
    if request.method == "POST":
        if not _editable(meeting):
            abort(403)
        if form.validate_on_submit():
            try:
                release = services.publish(meeting, user=_user(), note=form.note.data or "",
                                           publish_meeting=form.publish_meeting.data)
            except PlannerError as exc:
                flash(exc.message, "error")
            else:
                flash(_("Version %(n)d of the agenda is published.", n=release.number), "success")
                return redirect(url_for("agenda.release", meeting_id=meeting.public_id, number=release.number))
    all_releases = services.releases(meeting)
    latest, pending = services.pending_changes(meeting)
    pending = release_rules.visible_changes(pending, _levels())
    levels = _levels()
    return _render(
        "agenda/releases.html", meeting, form=form, releases=all_releases, creators=_creators(all_releases),
        latest=latest, pending=[release_rules.change_text(c, g.timezone) for c in pending],
        counts={r.number: len(release_rules.visible_changes(r.changes, levels)) for r in all_releases},
        can_publish_meeting=meeting.status == MeetingStatus.draft
        and hasattr(meeting_services, "set_status"),
    )


@bp.get("/meetings/<meeting_id>/releases/<int:number>")
@require(Permission.view)
def release(meeting_id: str, number: int):
    meeting = meeting_page(meeting_id)
    found = services.get_release(meeting, number)
    levels = _levels()
    changes = release_rules.visible_changes(found.changes, levels)
    days = programme_rules.build(found.snapshot, g.timezone, levels=levels, days=services.programme_days(meeting))
    return _render("agenda/release.html", meeting, release=found, changes=[
        (c, release_rules.change_text(c, g.timezone)) for c in changes], days=days,
        creators=_creators([found]), **_programme_helpers(meeting))


# The programme ------------------------------------------------------------------------------------

def _programme_helpers(meeting: Meeting) -> dict[str, Any]:
    language = _language()
    return {
        "row_span": lambda row: programme_rules.span(row.starts_at, row.ends_at, language),
        "part_labels": {"morning": _("Morning"), "afternoon": _("Afternoon"), "evening": _("Evening")},
    }


@bp.get("/meetings/<meeting_id>/programme")
@require(Permission.view)
def programme(meeting_id: str):
    """The programme in the printed form: the latest published version once there is one (what was sent
    out is what gets printed), a chosen version, or the working draft (``?draft=1``, or before the first
    publication)."""
    meeting = meeting_page(meeting_id)
    levels = _levels()
    version = request.args.get("version", type=int)
    if version:
        shown_release = services.get_release(meeting, version)
    elif request.args.get("draft") != "1":
        shown_release = services.latest_release(meeting)
    else:
        shown_release = None
    if shown_release is not None:
        snapshot = shown_release.snapshot
    else:
        items = services.list_items(meeting, _user())
        services.note_classified_view(meeting, items, "programme")
        snapshot = services.snapshot(items)
    days = programme_rules.build(snapshot, g.timezone, levels=levels, days=services.programme_days(meeting))
    return _render("agenda/programme.html", meeting, days=days, shown_release=shown_release,
                   releases=services.releases(meeting), public=False, **_programme_helpers(meeting))


# The public page's content (_programme_page.html) by everything it shows: rendered once per release, meeting
# and office version, language and address, in each worker (a pure result: workers need not agree).
PUBLIC_PAGES = LRU(256)


@lru_cache(maxsize=1)
def _public_templates_digest() -> str:
    """What the page's templates are in this deployment: a new version of them is a new page."""
    env = current_app.jinja_env
    names = ("base.html", "agenda/_public.html", "agenda/public_programme.html", "agenda/_programme_page.html",
             "agenda/_programme_table.html")
    sources = [env.loader.get_source(env, name)[0] for name in names] if env.loader else []
    return hashlib.sha256("\x1f".join(sources).encode()).hexdigest()


@bp.get("/p/<code>")
def public_programme(code: str):
    """The public programme of a published, unclassified meeting: the latest published version, and
    only its unclassified items. No sign-in. Its content is kept per release (PUBLIC_PAGES) and the page has
    a strong ETag: a browser that has it is answered 304 until a new release (or a change of the meeting,
    the office, the language or the site) makes a new page."""
    meeting = services.public_meeting(code)
    if meeting is None:
        abort(404)
    g.timezone = services.zone(meeting)
    shown_release = services.latest_release_head(meeting)
    org = meeting.organization
    shows = (shown_release.public_id if shown_release is not None else "", meeting.public_id, meeting.version,
             org.public_id, org.version, _language(), request.url_root, url_for("static", filename="css/app.css"),
             _public_templates_digest())
    content = PUBLIC_PAGES.get(shows)
    if content is None:
        days = []
        if shown_release is not None:
            days = programme_rules.build(shown_release.snapshot, g.timezone, levels=[Classification.none.value],
                                         days=services.programme_days(meeting))
        content = Markup(render_template(  # noqa: S704 - a template's output, escaped by Jinja  # nosec B704
            "agenda/_programme_page.html", meeting=meeting, days=days, shown_release=shown_release, public=True,
            day_label=_day_label, issuer=services.issuing_office(meeting),
            public_links=_public_links(meeting, shown_release), **_programme_helpers(meeting)))
        PUBLIC_PAGES.put(shows, content)

    def page() -> str:
        return render_template("agenda/public_programme.html", meeting=meeting, content=content)

    etag = visitor_page_etag("programme", *shows)
    if etag is None:
        return page()
    return exports.conditional(etag, page, media_type="text/html", cache_control="private, no-cache")


def _public_links(meeting: Meeting, release: Any) -> dict[str, Any]:
    """The public page's ways out: its calendar feed (https and webcal://, with a QR code of the webcal link)
    and the printed programme (PDF) once a version is published. Each only where its package is served."""
    found: dict[str, Any] = {}
    if "calendars.public_feed" in current_app.view_functions:
        url = url_for("calendars.public_feed", code=meeting.public_code, _external=True)
        found.update(feed=url, webcal=public_urls.webcal(url), qr=qr_svg(public_urls.webcal(url), css_class="feed-qr",
                                                                  title=_("Subscribe to the calendar")))
    if release is not None and "minutes.public_programme_pdf" in current_app.view_functions:
        found["pdf"] = url_for("minutes.public_programme_pdf", code=meeting.public_code)
    return found
