"""The downloads of a meeting's official documents, registered in the one exporter registry (scope
"meeting"): minutes.docx/.pdf, notice.docx/.pdf, programme.pdf (the invitation letters' are invitations').

Each exporter's ``version`` is cheap (a few aggregate values) and changes whenever the document would,
so a client's copy is answered 304 without rendering anything; ``build`` renders. The registry writes the
audit entry of a download of classified content (agenda.services.audit_download).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext
from sqlalchemy import func, select

from planner.core import exports
from planner.core.errors import NotFound
from planner.core.permissions import clearance_of, visible_levels
from planner.core.web import request_user
from planner.delegates.models import Participant
from planner.documents import services as document_services
from planner.documents.render import official_docx, official_pdf
from planner.extensions import db
from planner.meetings.models import Meeting
from planner.minutes import documents, services
from planner.minutes.models import MinutesKind, MinutesStatus
from planner.speeches import services as speech_services

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def context_version(meeting: Meeting) -> str:
    """What every document of the meeting depends on: the meeting, the organization and its settings."""
    org = meeting.organization
    current = document_services.settings(org)
    return f"m{meeting.version}:o{org.version}:s{current.version if current.id else 0}:{meeting.language}"


def content_version(meeting: Meeting) -> str:
    """The participants, the invitation letter, and the agenda and speeches as this request's reader may
    see them (an edit of an item above their clearance leaves their ETag as it was)."""
    participants = db.session.execute(select(func.count(Participant.id), func.max(Participant.updated_at))
                                      .where(Participant.meeting_id == meeting.id)).one()
    levels = visible_levels(clearance_of(request_user(), meeting.organization_id))
    letter = services.invitation_letter(meeting)
    return (f"{participants[0]}-{participants[1]}:{speech_services.visible_content_stamp(meeting, levels)}"
            f":l{letter.version or 0}")


def _record_version(kind: MinutesKind) -> Any:
    def version(meeting: Meeting) -> str:
        # Refused before any ETag or 304 is answered: a reader who may not read the minutes learns nothing
        # of their versions either.
        services.ensure_readable(meeting, request_user())
        minutes = services.require_current(meeting, kind)
        if minutes.status is MinutesStatus.approved:  # the frozen bytes: nothing else can change them
            return f"record:{minutes.public_id}:{minutes.pdf_sha256}:{minutes.docx_sha256}"
        return f"{minutes.public_id}:{minutes.version}:{context_version(meeting)}:{services.local_today(meeting)}"
    return version


def _record(meeting: Meeting, kind: MinutesKind, fmt: str) -> bytes:
    """The approved document's frozen bytes; a draft rendered as it stands (marked DỰ THẢO)."""
    services.ensure_readable(meeting, request_user())
    minutes = services.require_current(meeting, kind)
    if minutes.status is MinutesStatus.approved:
        return services.record_bytes(minutes, fmt)
    document = documents.record_document(minutes)
    if fmt == "pdf":
        return official_pdf(document)
    return official_docx(document, document_services.letterhead(meeting.organization))


def filename(label: Any, extension: str) -> Any:
    def name(meeting: Meeting) -> str:
        return f"{label} - {meeting.title}"[:120] + f".{extension}"
    return name


def _programme(meeting: Meeting) -> bytes:
    return official_pdf(documents.programme_document(meeting, request_user()))


def _programme_version(meeting: Meeting) -> str:
    user = request_user()
    clearance = clearance_of(user, meeting.organization_id).value
    return f"{context_version(meeting)}:{content_version(meeting)}:{services.local_today(meeting)}:{clearance}"


MINUTES_PDF = exports.Exporter(
    name="minutes.pdf", media_type=PDF, build=lambda m: _record(m, MinutesKind.minutes, "pdf"),
    filename=filename(pgettext("document", "Minutes"), "pdf"), version=_record_version(MinutesKind.minutes),
    label=_l("Minutes (PDF)"), inline=True, scope="meeting")
MINUTES_DOCX = exports.Exporter(
    name="minutes.docx", media_type=DOCX, build=lambda m: _record(m, MinutesKind.minutes, "docx"),
    filename=filename(pgettext("document", "Minutes"), "docx"), version=_record_version(MinutesKind.minutes),
    label=_l("Minutes (Word)"), scope="meeting")
NOTICE_PDF = exports.Exporter(
    name="notice.pdf", media_type=PDF, build=lambda m: _record(m, MinutesKind.notice, "pdf"),
    filename=filename(_l("Conclusion notice"), "pdf"), version=_record_version(MinutesKind.notice),
    label=_l("Conclusion notice (PDF)"), inline=True, scope="meeting")
NOTICE_DOCX = exports.Exporter(
    name="notice.docx", media_type=DOCX, build=lambda m: _record(m, MinutesKind.notice, "docx"),
    filename=filename(_l("Conclusion notice"), "docx"), version=_record_version(MinutesKind.notice),
    label=_l("Conclusion notice (Word)"), scope="meeting")
PROGRAMME_PDF = exports.Exporter(
    name="programme.pdf", media_type=PDF, build=_programme, filename=filename(_l("Programme"), "pdf"),
    version=_programme_version, label=_l("Programme (PDF)"), inline=True, scope="meeting")

# Registered by the package's setup.
EXPORTERS = (MINUTES_PDF, MINUTES_DOCX, NOTICE_PDF, NOTICE_DOCX, PROGRAMME_PDF)

NAMES = ("minutes.pdf", "minutes.docx", "notice.pdf", "notice.docx", "programme.pdf")


def send_edition(meeting: Meeting, kind: str, edition: Any, fmt: str, user: Any) -> Any:
    """An approved edition's frozen file (the current one, or one a correction replaced): the same bytes as at
    its approval, with its SHA-256 as the ETag; a classified meeting's download is audited."""
    services.ensure_readable(meeting, user)
    minutes = services.approved_edition(meeting, kind, edition)
    if fmt not in services.RECORD_FORMATS:
        raise NotFound(_("Not found."))
    digest = getattr(minutes, f"{fmt}_sha256") or ""
    label = _l("Conclusion notice") if minutes.kind is MinutesKind.notice else pgettext("document", "Minutes")
    name = f"{label} {minutes.number or ''} - {meeting.title}"[:120] + f".{fmt}"

    def build() -> bytes:
        services.note_classified(meeting, f"{minutes.kind.value}.edition.{fmt}")
        return services.record_bytes(minutes, fmt)

    return exports.conditional(exports.strong_etag("record", minutes.public_id, fmt, digest), build,
                               media_type=PDF if fmt == "pdf" else DOCX,
                               headers={"Content-Disposition": exports.content_disposition(name, fmt == "pdf"),
                                        "X-Content-Type-Options": "nosniff"})
