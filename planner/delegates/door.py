"""The check-in desk at the door, made for a phone: search as you type, scan a badge's QR code with the
camera (or type its code), check in with one tap, undo, and the counts of the day, live.

Door staff are organizers (Permission.organize): a check-in changes the attendance that the minutes
report. The page works without JavaScript (a search form and one form per button); with it, static/js/
door.js searches as one types, scans, and refreshes the counts every few seconds through the small JSON
routes below. Every POST carries the CSRF token (a form field, or the X-CSRFToken header).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _

from planner.accounts.access import require
from planner.core.errors import PlannerError
from planner.core.permissions import Permission
from planner.core.web import signed_in_user as _user
from planner.delegates import checkin
from planner.delegates import services as delegate_services
from planner.delegates.invitation_forms import ConfirmForm
from planner.delegates.models import PARTICIPANT_CATEGORY_LABELS, RSVP_LABELS
from planner.meetings.models import Meeting
from planner.meetings.tabs import meeting_page

bp = Blueprint("door", __name__)


POLL_SECONDS = 5


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def _item(found: checkin.Found, meeting: Meeting) -> dict[str, Any]:
    return {**checkin.found_data(found, meeting),
            "category_label": str(PARTICIPANT_CATEGORY_LABELS[found.participant.category])}


def _counts(meeting: Meeting) -> dict[str, Any]:
    return checkin.counts(meeting, checkin.desk_day(meeting)).as_dict(PARTICIPANT_CATEGORY_LABELS)


@bp.get("/meetings/<meeting_id>/door")
@require(Permission.organize)
def desk(meeting_id: str):
    meeting = meeting_page(meeting_id)
    day = checkin.desk_day(meeting)
    q = request.args.get("q", "").strip()[:200]
    found = checkin.search(meeting, q, day) if q else []
    return render_template(
        "door/desk.html", meeting=meeting, day=day, day_label=format_date(day, "EEEE, dd/MM/yyyy"),
        open_today=checkin.sits_today(meeting, day), q=q, found=found,
        counts=checkin.counts(meeting, day), confirm=ConfirmForm(), poll_seconds=POLL_SECONDS,
        CATEGORY_LABELS=PARTICIPANT_CATEGORY_LABELS, RSVP_LABELS=RSVP_LABELS,
        editable=delegate_services.attendance_editable(meeting),
    )


@bp.get("/meetings/<meeting_id>/door/search")
@require(Permission.organize)
def search(meeting_id: str):
    """JSON: up to 20 matches of ``q`` with today's attendance, and the counts (two queries and the meeting)."""
    meeting = meeting_page(meeting_id)
    day = checkin.desk_day(meeting)
    q = request.args.get("q", "").strip()[:200]
    items = [_item(f, meeting) for f in checkin.search(meeting, q, day)]
    return jsonify({"q": q, "items": items, "counts": _counts(meeting)})


@bp.get("/meetings/<meeting_id>/door/counts")
@require(Permission.organize)
def counts(meeting_id: str):
    return jsonify(_counts(meeting_page(meeting_id)))


def _answer(meeting: Meeting, message: str, *, found: checkin.Found | None = None, status: int = 200,
            error: bool = False, q: str = ""):
    if _wants_json():
        body: dict[str, Any] = {"message": message, "counts": _counts(meeting)}
        if error:
            body["error"] = message
        if found is not None:
            body["participant"] = _item(found, meeting)
        return jsonify(body), status
    flash(message, "error" if error else "success")
    return redirect(url_for("door.desk", meeting_id=meeting.public_id, q=q or None))


def _posted(name: str) -> str:
    data = request.get_json(silent=True) if request.is_json else None
    value = (data or {}).get(name) if data is not None else request.form.get(name)
    return str(value or "").strip()[:200]


@bp.post("/meetings/<meeting_id>/door/check-in")
@require(Permission.organize)
def check_in(meeting_id: str):
    """Check in a participant (``participant_id``) or a badge code (``code``), today; twice counts once."""
    meeting = meeting_page(meeting_id)
    q = _posted("q")
    if not _wants_json() and not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        participant_id, code = _posted("participant_id"), _posted("code")
        if participant_id:
            participant = checkin.participant_of(meeting, participant_id)
            result = delegate_services.check_in(participant, user=_user())
        elif code:
            result = delegate_services.check_in_by_code(meeting, code, user=_user())
        else:
            return _answer(meeting, _("Type a name or a badge code."), status=422, error=True, q=q)
    except PlannerError as exc:
        return _answer(meeting, exc.message, status=exc.status, error=True, q=q)
    found = checkin.get_found(meeting, result.participant, result.day)
    name = result.participant.full_name
    if result.new:
        message = _("%(name)s is checked in.", name=name)
    else:
        message = _("%(name)s was checked in already, at %(time)s.", name=name,
                    time=checkin.found_data(found, meeting)["checked_in_at"] or "")
    return _answer(meeting, message, found=found, q=q)


@bp.post("/meetings/<meeting_id>/door/undo")
@require(Permission.organize)
def undo(meeting_id: str):
    """Take back today's check-in of a participant."""
    meeting = meeting_page(meeting_id)
    q = _posted("q")
    if not _wants_json() and not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        participant = checkin.participant_of(meeting, _posted("participant_id"))
        undone = checkin.undo_check_in(participant, user=_user())
    except PlannerError as exc:
        return _answer(meeting, exc.message, status=exc.status, error=True, q=q)
    found = checkin.get_found(meeting, participant, checkin.desk_day(meeting))
    if undone:
        message = _("The check-in of %(name)s is undone.", name=participant.full_name)
    else:
        message = _("%(name)s was not checked in.", name=participant.full_name)
    return _answer(meeting, message, found=found, q=q)
