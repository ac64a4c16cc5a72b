"""The Dossier tab of a meeting: what the dossier will hold, with counts, what is missing and why, and the
button that builds it: a streamed download (see static/js/dossier.js for its progress), or for a big
meeting a job whose progress the tab shows (static/js/jobs.js) and then the file it built."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, redirect, render_template, send_file, url_for

from planner.accounts.access import require
from planner.archive import services
from planner.core import exports, queue
from planner.core.permissions import Permission
from planner.core.web import signed_in_user as _user
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting
from planner.meetings.tabs import meeting_page

bp = Blueprint("archive", __name__)


def _job(meeting: Meeting, user: Any) -> dict[str, Any] | None:
    """This reader's last dossier job for the current content, with the address its box polls."""
    job = queue.latest(services.JOB, services.job_subject(meeting, user))
    if job is None:
        return None
    return {"status": job.status(), "url": url_for("meetings.job", meeting_id=meeting.public_id,
                                                   job_id=job.public_id)}


@bp.get("/meetings/<meeting_id>/dossier", endpoint="dossier")
@require(Permission.organize)
def dossier(meeting_id: str):
    meeting = meeting_page(meeting_id)
    meeting_services.note_view(meeting)
    user = _user()
    planned = services.plan(meeting, user)
    refusal = services.refusal(meeting, user)
    background = refusal is None and services.in_background(meeting)
    built = _built(services.cached(meeting, user)) if background else None
    return render_template("archive/dossier.html", meeting=meeting, plan=planned, refusal=refusal,
                           ended=services.ended(meeting), mark=services.mark(meeting),
                           zip_name=services.zip_name(meeting), background=background, built=built,
                           building=_job(meeting, user) if background and not built else None)


def _built(path: Path | None) -> dict[str, Any] | None:
    """The built dossier as the tab states it: its size in MB and when it was built (its file's time)."""
    if path is None:
        return None
    found = path.stat()
    return {"megabytes": found.st_size / 1048576, "at": datetime.fromtimestamp(found.st_mtime, UTC)}


@bp.post("/meetings/<meeting_id>/dossier/build", endpoint="build")
@require(Permission.organize)
def build(meeting_id: str):
    """Ask for the job building this reader's dossier (one at a time: asking again while it works, or once
    the file is built, starts nothing)."""
    meeting = meeting_page(meeting_id)
    user = _user()
    services.ensure_allowed(meeting, user)
    subject = services.job_subject(meeting, user)
    if services.cached(meeting, user) is None and queue.open_job(services.JOB, subject) is None:
        queue.enqueue(services.JOB, meeting.id, user.id, subject=subject, organization_id=meeting.organization_id,
                      meeting_id=meeting.id, user=user, total=len(services.plan(meeting, user).present) + 1)
    return redirect(url_for("archive.dossier", meeting_id=meeting.public_id, _anchor="dossier-title"))


@bp.get("/meetings/<meeting_id>/dossier/dossier.zip", endpoint="download")
@require(Permission.organize)
def download(meeting_id: str):
    """The dossier built for this reader (by the job), from the cache; every download is audited."""
    meeting = meeting_page(meeting_id)
    path = services.download(meeting, _user())
    response = send_file(path, mimetype="application/zip", max_age=0, conditional=False)
    response.headers["Content-Disposition"] = exports.content_disposition(services.zip_name(meeting))
    response.headers["Cache-Control"] = "private, no-store"
    return response
