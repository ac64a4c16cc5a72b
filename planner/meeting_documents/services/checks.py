"""Checking a document's fields and file before they are stored, and what every change shares: the
meeting still editable, the audit entry, the stale-revision message.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from planner.accounts.models import User
from planner.agenda import services as agenda_services
from planner.agenda.models import AgendaItem
from planner.core import audit
from planner.core.errors import Conflict, NotFound, ValidationError
from planner.core.permissions import Classification, clearance_of, cleared_for
from planner.core.text import clean_text
from planner.core.zipfiles import markup_message
from planner.delegates.models import Participant
from planner.extensions import db
from planner.meeting_documents import files
from planner.meeting_documents.models import Audience, DocumentKind, MeetingDocument
from planner.meeting_documents.services.access import DEFAULT_MAX_BYTES, MAX_TITLE, level
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting

# Checking input --------------------------------------------------------------------------------------------

def max_bytes() -> int:
    return int(current_app.config.get("MEETING_DOCUMENT_MAX_BYTES") or DEFAULT_MAX_BYTES)


def _refusal(exc: files.FileRefused, filename: str) -> ValidationError:
    name = filename or "?"
    if exc.reason == "empty":
        return ValidationError(_("The file is empty."), field="file")
    if exc.reason == "too_large":
        return ValidationError(_("The file is too large: at most %(mb)d MB.", mb=max_bytes() // (1024 * 1024)),
                               field="file")
    if exc.reason == "mismatch":
        return ValidationError(_("“%(name)s” is named like another kind of file but is a %(real)s. Give it the "
                                 "right extension and upload it again.", name=name,
                                 real=files.NAMES.get(exc.detected or "", "?")), field="file")
    if exc.reason == "markup":
        return ValidationError(markup_message("docx"), field="file")
    if exc.reason == "encrypted":
        return ValidationError(_("“%(name)s” is protected by a password. Save it without the password (the "
                                 "delegates' copies are stamped with their names) and upload it again.",
                                 name=name), field="file")
    if exc.reason == "damaged":
        return ValidationError(_("“%(name)s” is a damaged PDF that cannot be opened. Export it again from its "
                                 "application and upload the new file.", name=name), field="file")
    return ValidationError(_("Only PDF, DOCX (Word), XLSX (Excel) and PPTX (PowerPoint) files are accepted; "
                             "“%(name)s” is none of them.", name=name), field="file")


def _checked(data: bytes | None, filename: str) -> files.Checked:
    try:
        return files.check(data or b"", filename or "", max_bytes=max_bytes())
    except files.FileRefused as exc:
        raise _refusal(exc, files.clean_filename(filename, files.sniff(data or b"") or files.PDF)
                       if filename else "") from None


def _classification(value: Any, user: User | None, org_id: int) -> Classification:
    try:
        found = Classification(value or Classification.none)
    except ValueError:
        raise ValidationError(_("Unknown classification."), field="classification") from None
    if not cleared_for(clearance_of(user, org_id), found):
        raise ValidationError(_("You cannot classify a document above your own clearance."), field="classification")
    return found


def _item(meeting: Meeting, value: Any, user: User | None) -> AgendaItem | None:
    if value in (None, ""):
        return None
    try:
        return agenda_services.get_meeting_item(meeting, str(value), user=user)
    except NotFound:
        raise ValidationError(_("No such agenda item in this meeting."), field="agenda_item_id") from None


def _participants(meeting: Meeting, ids: Iterable[Any]) -> list[Participant]:
    wanted = [str(i) for i in ids if str(i or "").strip()]
    if not wanted:
        return []
    found = {p.public_id: p for p in db.session.scalars(select(Participant).where(
        Participant.meeting_id == meeting.id, Participant.public_id.in_(wanted)))}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise ValidationError(_("Not a participant of this meeting: %(ids)s.", ids=", ".join(missing[:5])),
                              field="participant_ids")
    return [found[i] for i in dict.fromkeys(wanted)]


def _clean(meeting: Meeting, data: dict[str, Any], user: User | None, *, partial: bool) -> dict[str, Any]:
    """The fields given, checked; errors name their field."""
    clean: dict[str, Any] = {}
    if "title" in data or not partial:
        title = clean_text(data.get("title"))
        if not title:
            raise ValidationError(_("Give the document a title."), field="title")
        if len(title) > MAX_TITLE:
            raise ValidationError(_("The title is too long (at most %(n)d characters).", n=MAX_TITLE), field="title")
        clean["title"] = title
    if "kind" in data or not partial:
        try:
            clean["kind"] = DocumentKind(data.get("kind") or DocumentKind.report)
        except ValueError:
            raise ValidationError(_("Unknown kind of document."), field="kind") from None
    if "classification" in data or not partial:
        clean["classification"] = _classification(data.get("classification"), user, meeting.organization_id)
    if "agenda_item_id" in data:
        clean["agenda_item"] = _item(meeting, data.get("agenda_item_id"), user)
    if "audience" in data or not partial:
        try:
            clean["audience"] = Audience(data.get("audience") or Audience.delegates)
        except ValueError:
            raise ValidationError(_("Unknown audience."), field="audience") from None
    if "delegation" in data:
        clean["delegation"] = clean_text(data.get("delegation"))[:255]
    if "participant_ids" in data:
        clean["recipients"] = _participants(meeting, data.get("participant_ids") or [])
    return clean


def _check_audience(document: MeetingDocument) -> None:
    """What the audience needs, and what a delegate's copy can carry."""
    audience = Audience(document.audience)
    if audience is Audience.delegation and not document.delegation:
        raise ValidationError(_("Name the delegation that receives this document."), field="delegation")
    if audience is Audience.named and not document.recipients:
        raise ValidationError(_("Choose the people who receive this document."), field="participant_ids")
    latest = document.latest
    if (audience is not Audience.staff and latest is not None and latest.media_type != files.PDF
            and level(document) == Classification.internal):
        raise ValidationError(_("An internal document reaches delegates as a PDF with their name stamped on every "
                                "page: upload it as a PDF, or keep it for staff only."), field="file")


def _ensure_editable(meeting: Meeting) -> None:
    if not meeting_services.is_editable(meeting):
        raise Conflict(_("This meeting is closed; its documents can no longer be changed."))


def _audit(document: MeetingDocument, action: str, changes: dict[str, Any] | None = None) -> None:
    audit.record(db.session, organization_id=document.organization_id, meeting_id=document.meeting_id,
                 action=action, object_type="meeting_document", object_id=document.public_id,
                 summary=document.title, changes=changes)


def _stale() -> str:
    return _("Someone else changed this document meanwhile. Reload the page to see the current version.")
