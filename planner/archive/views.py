"""The Dossier tab of a meeting: what the dossier will hold, with counts, what is missing and why, and the
button that builds it (a streamed download; see static/js/dossier.js for its progress)."""

from __future__ import annotations

from flask import Blueprint, render_template

from planner.accounts.access import require
from planner.archive import services
from planner.core.permissions import Permission
from planner.core.web import signed_in_user as _user
from planner.meetings import services as meeting_services
from planner.meetings.tabs import meeting_page

bp = Blueprint("archive", __name__)



@bp.get("/meetings/<meeting_id>/dossier", endpoint="dossier")
@require(Permission.organize)
def dossier(meeting_id: str):
    meeting = meeting_page(meeting_id)
    meeting_services.note_view(meeting)
    user = _user()
    planned = services.plan(meeting, user)
    return render_template("archive/dossier.html", meeting=meeting, plan=planned,
                           refusal=services.refusal(meeting, user), ended=services.ended(meeting),
                           mark=services.mark(meeting), zip_name=services.zip_name(meeting))
