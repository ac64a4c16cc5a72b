"""What the booklet services share: the templates, limits and formats, where files are stored, the version
check and the audit entry of a change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from planner.booklets import cache
from planner.core import audit
from planner.core.db import check_version
from planner.extensions import db
from planner.meetings.models import Meeting

BOOKLET = "booklets/booklet.typ"
BADGES = "booklets/badges.typ"
PLACE_CARDS = "booklets/place_cards.typ"
SEATING = "booklets/seating.typ"
ATTENDANCE = "booklets/attendance_sheet.typ"
LOGO_CHECK = "booklets/logo_check.typ"
THUMBNAILS = "booklets/thumbnails.typ"
FOLDED = "booklets/folded.typ"

MAX_TEXT = 20_000
MAX_LOGO_BYTES = 2 * 1024 * 1024
LOGO_FOLDER = "logos"
PNG, JPEG, SVG = "image/png", "image/jpeg", "image/svg+xml"
LOGO_FORMATS = {PNG: "png", JPEG: "jpg", SVG: "svg"}


def storage() -> str:
    return str(current_app.config["STORAGE_PATH"])


def _check_version(record: Any, version: Any) -> None:
    check_version(record, version, _("Someone else changed these settings meanwhile. Reload the page to see their "
                                     "changes, then make yours again."))


def _audit(meeting: Meeting, action: str, summary: str, changes: dict[str, Any] | None = None,
           object_type: str = "meeting") -> None:
    audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id, action=action,
                 object_type=object_type, object_id=meeting.public_id, summary=summary, changes=changes)


def _logo_dir() -> Path:
    return Path(storage()) / cache.SUBFOLDER / LOGO_FOLDER


def _stage(record: Any, values: dict[str, Any]) -> None:
    """Set the values on a meeting's settings or plan; one shown with its defaults until now is stored first."""
    if not record.id:
        record.version = None
        db.session.add(record)
    for key, value in values.items():
        setattr(record, key, value)
