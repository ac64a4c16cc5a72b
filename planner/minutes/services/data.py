"""The audit of views of a classified meeting's documents, and a document as the API shows it."""

from __future__ import annotations

from typing import Any

from planner.core import audit
from planner.core.db import atomic
from planner.core.permissions import Classification
from planner.extensions import db
from planner.meetings.models import Meeting
from planner.minutes.models import (
    Minutes,
    MinutesKind,
)
from planner.minutes.services.base import signature_section, zone
from planner.minutes.services.deadlines import notice_due

# Audit of classified views, versions for downloads, API data --------------------------------------------------------

def note_classified(meeting: Meeting, what: str) -> None:
    """Every view or download of a classified meeting's documents is written to the audit log."""
    if not Classification(meeting.classification).is_classified:
        return
    with atomic():
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action="documents.viewed", object_type="meeting", object_id=meeting.public_id, summary=what)


def minutes_data(minutes: Minutes) -> dict[str, Any]:
    meeting = minutes.meeting
    return {
        "id": minutes.public_id,
        "meeting_id": meeting.public_id,
        "kind": minutes.kind.value,
        "edition": minutes.edition,
        "corrects_id": minutes.corrects.public_id if minutes.corrects else None,
        "status": minutes.status.value,
        "number": minutes.number,
        "document_date": minutes.document_date,
        "version": minutes.version,
        "sections": minutes.sections,
        "signer_id": signature_section(minutes.sections).get("signer_id"),
        "approved_at": minutes.approved_at.astimezone(zone(meeting)) if minutes.approved_at else None,
        "approved_by": minutes.approved_by.name if minutes.approved_by else None,
        "submitted_at": minutes.submitted_at.astimezone(zone(meeting)) if minutes.submitted_at else None,
        "created_at": minutes.created_at.astimezone(zone(meeting)),
        "updated_at": minutes.updated_at.astimezone(zone(meeting)),
        "notice_due": notice_due(meeting) if minutes.kind is MinutesKind.notice else None,
        "pdf_sha256": minutes.pdf_sha256,
        "docx_sha256": minutes.docx_sha256,
    }
