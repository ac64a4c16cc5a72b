"""The pack's downloads in the one exporter registry (scope "meeting"): documents.zip, every document the
reader may see in its latest version, numbered in the pack's order (for staff: organize)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from planner.core import exports
from planner.core.permissions import Permission
from planner.core.web import request_user
from planner.meeting_documents import services
from planner.meetings.models import Meeting


def _filename(meeting: Meeting) -> str:
    return f"Tài liệu - {meeting.title}"[:120] + ".zip"


EXPORTERS = (
    exports.Exporter(
        name="documents.zip", media_type="application/zip",
        build=lambda meeting: services.pack_zip(meeting, request_user()),
        filename=_filename,
        version=lambda meeting: services.pack_stamp(meeting, request_user()),
        permission=Permission.organize, label=_l("Document pack (ZIP)")),
)
