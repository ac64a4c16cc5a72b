"""The pack's downloads in the one exporter registry (scope "meeting"), for staff (organize):
documents.zip, every document the reader may see in its latest version, numbered in the pack's order; and
handout.pdf, the numbered list to sign when the paper copies of the classified documents are handed out."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from planner.core import exports
from planner.core.permissions import Permission
from planner.core.web import request_user
from planner.documents.render import official_pdf
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
    exports.Exporter(
        name="handout.pdf", media_type="application/pdf",
        build=lambda meeting: official_pdf(services.handout_document(meeting, request_user())),
        filename=lambda meeting: f"Danh sách phát tài liệu mật - {meeting.title}"[:120] + ".pdf",
        version=lambda meeting: services.handout_stamp(meeting, request_user()),
        permission=Permission.organize, label=_l("Hand-out list of the classified documents (PDF)"), inline=True),
)
