"""The downloads of a meeting's invitation letters, registered in the one exporter registry (scope "meeting"):
invitations.pdf and invitations.docx — the current issue's letters as issued, or the draft before any issue."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from planner.core import exports, public_urls
from planner.core.errors import NotFound
from planner.core.permissions import Permission
from planner.core.web import request_user
from planner.documents import links
from planner.documents import services as document_services
from planner.documents.render import official_docx_many, official_pdf_many
from planner.invitations.services import issuing
from planner.meetings.models import Meeting
from planner.minutes import documents
from planner.minutes import exports as minutes_exports
from planner.minutes import services as minutes_services


def _invitations(meeting: Meeting, fmt: str) -> bytes:
    """The letters of the current issue, byte for byte as issued; before any issue, the draft (DỰ THẢO, no
    number) to read before issuing."""
    issue = issuing.current_issue(meeting)
    if issue is not None:
        return issuing.issued_bytes(issue, fmt)
    letters = documents.invitation_documents(meeting, request_user(), programme_link=issuing.programme_link(meeting),
                                             draft=True)
    if not letters:
        raise NotFound(_("Nobody is invited yet: add the participants first."))
    title = _("Invitation letters") + f" - {meeting.title}"
    if fmt == "pdf":
        return official_pdf_many(letters, title=title, author=letters[0].issuer)
    return official_docx_many(letters, document_services.letterhead(meeting.organization), title=title,
                              author=letters[0].issuer)


def _invitations_version(meeting: Meeting) -> str:
    issue = issuing.current_issue(meeting)
    if issue is not None:
        return f"issue:{issue.public_id}:{issue.pdf_sha256}:{issue.docx_sha256}"
    return (f"draft:{minutes_exports.context_version(meeting)}:{minutes_exports.content_version(meeting)}:"
            f"{minutes_services.local_today(meeting)}:"
            f"{links.has_provider()}:{public_urls.base_url()}")


INVITATIONS_PDF = exports.Exporter(
    name="invitations.pdf", media_type=minutes_exports.PDF, build=lambda m: _invitations(m, "pdf"),
    filename=minutes_exports.filename(_l("Invitation letters"), "pdf"), version=_invitations_version,
    permission=Permission.organize, label=_l("Invitation letters (PDF)"), inline=True, scope="meeting")
INVITATIONS_DOCX = exports.Exporter(
    name="invitations.docx", media_type=minutes_exports.DOCX, build=lambda m: _invitations(m, "docx"),
    filename=minutes_exports.filename(_l("Invitation letters"), "docx"), version=_invitations_version,
    permission=Permission.organize, label=_l("Invitation letters (Word)"), scope="meeting")

# Registered by the package's setup.
EXPORTERS = (INVITATIONS_PDF, INVITATIONS_DOCX)
