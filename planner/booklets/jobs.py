"""The booklets' background jobs: building the programme booklet of a big meeting (its PDF through the
content-hash cache, then the page previews), so that the Print tab asks for it and shows progress instead
of holding the request while typst lays out thousands of names."""

from __future__ import annotations

from flask_babel import gettext as _

from planner.accounts.models import User
from planner.booklets import services
from planner.core import queue
from planner.core.errors import NotFound
from planner.extensions import db
from planner.meetings.models import Meeting


def build_booklet(meeting_id: int, user_id: int | None, links: list[dict[str, str]], pages: int) -> str:
    """Build the booklet this user reads (their clearance decides what it holds) and its first page
    images into the cache; answers the booklet's file name (its content hash)."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(_("The meeting no longer exists."))
    user = db.session.get(User, user_id) if user_id is not None else None
    queue.progress(0, 2)
    path = services.booklet_path(meeting, user, links=links)
    queue.progress(1, 2)
    services.booklet_thumbnails(meeting, user, links=links, pages=pages)
    return path.name
