"""Changing the pack: documents created, given new versions, edited, moved, sent and deleted.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from planner.accounts.models import User
from planner.core import audit
from planner.core.db import atomic, check_version
from planner.core.errors import ValidationError
from planner.core.models import utcnow
from planner.core.permissions import Classification
from planner.documents import records
from planner.extensions import db
from planner.meeting_documents import files
from planner.meeting_documents.models import Audience, DocumentKind, MeetingDocument, MeetingDocumentFile
from planner.meeting_documents.services.access import SUBFOLDER, Reach, reach
from planner.meeting_documents.services.checks import (
    _audit,
    _check_audience,
    _checked,
    _clean,
    _ensure_editable,
    _stale,
)
from planner.meeting_documents.services.reading import list_documents
from planner.meetings.models import Meeting

# Changing --------------------------------------------------------------------------------------------------

def _add_file(document: MeetingDocument, checked: files.Checked, data: bytes, filename: str,
              user: User | None) -> MeetingDocumentFile:
    records.keep(data, SUBFOLDER)
    document.number = (document.number or 0) + 1
    version = MeetingDocumentFile(number=document.number, filename=files.clean_filename(filename, checked.media_type),
                                  media_type=checked.media_type, size=checked.size, sha256=checked.sha256,
                                  pages=checked.pages, uploaded_by_id=user.id if user is not None else None)
    document.files.append(version)
    return version


def create_document(meeting: Meeting, data: dict[str, Any], file_data: bytes | None, filename: str, *,
                    user: User | None) -> MeetingDocument:
    """A new document of the pack (at its end), with its first version."""
    _ensure_editable(meeting)
    checked = _checked(file_data, filename)
    clean = _clean(meeting, data, user, partial=False)
    with atomic(_stale()):
        last = db.session.scalar(select(func.max(MeetingDocument.position))
                                 .where(MeetingDocument.meeting_id == meeting.id)) or 0
        document = MeetingDocument(organization_id=meeting.organization_id, meeting=meeting, position=last + 1,
                                   title=clean["title"], kind=clean["kind"], classification=clean["classification"],
                                   audience=clean["audience"], delegation=clean.get("delegation", ""),
                                   agenda_item=clean.get("agenda_item"), recipients=clean.get("recipients", []),
                                   created_by_id=user.id if user is not None else None)
        db.session.add(document)
        version = _add_file(document, checked, file_data or b"", filename, user)
        _check_audience(document)
        db.session.flush()
        _audit(document, "meeting_document.created", {
            "kind": document.kind.value, "classification": document.classification.value,
            "audience": document.audience.value, "number": version.number, "filename": version.filename,
            "size": version.size, "sha256": version.sha256})
    return document


def add_version(document: MeetingDocument, file_data: bytes | None, filename: str, *, user: User | None,
                revision: Any = None) -> MeetingDocumentFile:
    """A new version: the old ones are kept; delegates see the latest, and that it changed."""
    _ensure_editable(document.meeting)
    checked = _checked(file_data, filename)
    with atomic(_stale()):
        check_version_of(document, revision)
        version = _add_file(document, checked, file_data or b"", filename, user)
        _check_audience(document)
        document.updated_at = utcnow()
        db.session.flush()
        _audit(document, "meeting_document.version_added", {
            "number": version.number, "filename": version.filename, "size": version.size, "sha256": version.sha256})
    return version


def check_version_of(document: MeetingDocument, revision: Any) -> None:
    check_version(_Revisioned(document), revision, _stale())


class _Revisioned:
    """The document seen by core.db.check_version, which reads ``version``: here the lock is ``revision``."""

    def __init__(self, document: MeetingDocument):
        self.id = document.id
        self.version = document.revision


def update_document(document: MeetingDocument, data: dict[str, Any], *, user: User | None,
                    revision: Any = None) -> MeetingDocument:
    """Change its title, kind, classification, item, audience, or send it (``sent``: true)."""
    meeting = document.meeting
    _ensure_editable(meeting)
    clean = _clean(meeting, data, user, partial=True)
    before = describe_fields(document)
    with atomic(_stale()):
        check_version_of(document, revision)
        if "position" in data:
            _place(document, data["position"])
        for key, value in clean.items():
            setattr(document, key, value)
        if Audience(document.audience) is not Audience.named:
            document.recipients = []
        if data.get("sent") is True and document.sent_at is None:
            document.sent_at = utcnow()
        elif data.get("sent") is False:
            document.sent_at = None
        _check_audience(document)
        if reach(document, user=user) is not Reach.link:
            raise ValidationError(_("You cannot put a document above your own clearance."), field="classification")
        changes = audit.diff(before, describe_fields(document))
        if changes:
            document.updated_at = utcnow()
            db.session.flush()
            _audit(document, "meeting_document.updated", changes)
    return document


def describe_fields(document: MeetingDocument) -> dict[str, Any]:
    return {"title": document.title, "kind": DocumentKind(document.kind).value,
            "classification": Classification(document.classification).value,
            "audience": Audience(document.audience).value, "delegation": document.delegation,
            "agenda_item": document.agenda_item.public_id if document.agenda_item else None,
            "recipients": sorted(p.public_id for p in document.recipients),
            "position": document.position, "sent": document.sent_at is not None}


def _ordered(meeting_id: int) -> list[MeetingDocument]:
    return list(db.session.scalars(select(MeetingDocument).where(MeetingDocument.meeting_id == meeting_id)
                                   .order_by(MeetingDocument.position, MeetingDocument.id)))


def _place(document: MeetingDocument, position: Any) -> None:
    try:
        wanted = int(position)
    except (TypeError, ValueError):
        raise ValidationError(_("The position must be a whole number."), field="position") from None
    others = [d for d in _ordered(document.meeting_id) if d.id != document.id]
    wanted = min(max(wanted, 1), len(others) + 1)
    others.insert(wanted - 1, document)
    for number, item in enumerate(others, start=1):
        if item.position != number:
            item.position = number


def move(document: MeetingDocument, direction: str, *, user: User | None) -> None:
    """One place up or down in the pack."""
    step = -1 if direction == "up" else 1
    update_document(document, {"position": max(document.position + step, 1)}, user=user)


def send_pack(meeting: Meeting, *, user: User | None) -> int:
    """Send every document of the pack not sent yet (those for staff only stay); answer how many."""
    _ensure_editable(meeting)
    documents = [d for d in list_documents(meeting, user)
                 if d.sent_at is None and Audience(d.audience) is not Audience.staff]
    if not documents:
        return 0
    now = utcnow()
    with atomic(_stale()):
        for document in documents:
            _check_audience(document)
            document.sent_at = now
            _audit(document, "meeting_document.sent", {"number": document.number})
    return len(documents)


def delete_document(document: MeetingDocument, *, user: User | None, revision: Any = None) -> None:
    """Remove a document and its versions (their bytes stay in the content store: another may share them)."""
    _ensure_editable(document.meeting)
    with atomic(_stale()):
        check_version_of(document, revision)
        _audit(document, "meeting_document.deleted", {"versions": document.number,
                                                      "sent": document.sent_at is not None})
        meeting_id = document.meeting_id
        db.session.delete(document)
        db.session.flush()
        for number, item in enumerate(_ordered(meeting_id), start=1):
            if item.position != number:
                item.position = number
