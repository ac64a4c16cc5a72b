"""The document pack of a meeting: the only code that changes it (checked, audited, in one unit of work).

Who sees a document is decided in ONE place, ``reach``: staff by their clearance over the document's
effective level (its own, its agenda item's, its meeting's: the highest); a delegate through their
personal link only when the office has sent the document, they are in its audience (everyone, their
delegation, or named), and nothing above "internal" is involved — a classified document (mật and above)
reaches them on paper only, as a numbered copy handed out against their signature (Nghị định 26/2020,
DOMAIN.md "Classified documents"). An unclassified document is served as uploaded; an internal one only
as a PDF stamped with the delegate's name and copy number on every page (documents.stamp), which is why
an internal document for delegates must be a PDF. Each opening through a link is a read receipt.

Sending rule (``due``, services.pack): the pack reaches the delegates at least N working days before the
meeting, N the organization's setting (3 by default). Quyết định 45/2018/QĐ-TTg of 09/11/2018, "Quy định chế
độ họp trong hoạt động quản lý, điều hành của cơ quan thuộc hệ thống hành chính nhà nước" (in force from
25/12/2018, replacing Quyết định 114/2006/QĐ-TTg), Điều 10: the meeting's documents go to those invited at
least 3 working days ahead, as its invitation does (Điều 8; cucthongke.laocai.gov.vn, "Chế độ họp trong hoạt
động quản lý, điều hành của cơ quan hành chính nhà nước", summarises the decision and its 3-working-day rule;
the article's own wording on documents is as DOMAIN.md reports it). Some bodies' rules ask 5: a setting.
Working days skip weekends and the organization's holidays (core.workdays).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from planner.accounts.models import Organization, User
from planner.agenda import services as agenda_services
from planner.agenda.models import AgendaItem
from planner.core import audit
from planner.core.db import atomic, check_version
from planner.core.errors import Conflict, NotFound, ValidationError
from planner.core.models import utcnow
from planner.core.permissions import Classification, clearance_of, cleared_for
from planner.core.text import clean_text, fold
from planner.core.zipfiles import markup_message
from planner.delegates.models import Participant
from planner.documents import records
from planner.extensions import db
from planner.meeting_documents import files
from planner.meeting_documents.models import (
    Audience,
    DocumentKind,
    MeetingDocument,
    MeetingDocumentFile,
)
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting

SUBFOLDER = "meeting-documents"          # the uploads, under their SHA-256
MARKED_SUBFOLDER = "meeting-documents-marked"   # each delegate's stamped copy, cached per version
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_TITLE = 500
DOCUMENTS_LEAD_DAYS = 3


class Reach(StrEnum):
    """How a document reaches a reader."""

    hidden = "hidden"    # not at all
    paper = "paper"      # a delegate: a numbered paper copy at the meeting (classified)
    link = "link"        # the file itself (staff), or through the delegate's link


@dataclass(frozen=True)
class Receipt:
    participant: Participant
    number: int | None           # copy number, once given
    first_opened_at: datetime | None
    opened_number: int | None    # the version they last opened


# Who sees what ---------------------------------------------------------------------------------------------

def level(document: MeetingDocument) -> Classification:
    """The document's effective classification: the highest of its own, its item's and its meeting's."""
    levels = [Classification(document.classification), Classification(document.meeting.classification)]
    item = document.agenda_item
    if item is not None:
        levels.append(Classification(item.classification))
        if item.parent is not None:
            levels.append(Classification(item.parent.classification))
    return max(levels, key=lambda c: c.rank)


def in_audience(document: MeetingDocument, participant: Participant) -> bool:
    audience = Audience(document.audience)
    if participant.meeting_id != document.meeting_id or audience is Audience.staff:
        return False
    if audience is Audience.delegation:
        return bool(document.delegation) and fold(participant.delegation) == fold(document.delegation)
    if audience is Audience.named:
        return any(p.id == participant.id for p in document.recipients)
    return True


def reach(document: MeetingDocument, *, user: User | None = None, participant: Participant | None = None) -> Reach:
    """THE visibility rule of a meeting document, for a staff member (``user``) or a delegate's link
    (``participant``). Every page, API route, download, list and export asks it."""
    effective = level(document)
    if participant is None:
        if user is None or document.organization_id != document.meeting.organization_id:
            return Reach.hidden
        return Reach.link if cleared_for(clearance_of(user, document.organization_id), effective) else Reach.hidden
    if document.sent_at is None or document.latest is None or not in_audience(document, participant):
        return Reach.hidden
    if Classification(document.meeting.classification) != Classification.none:
        return Reach.hidden          # a classified meeting's link shows nothing of it
    return Reach.paper if effective.is_classified else Reach.link


def marked(document: MeetingDocument) -> bool:
    """Whether a delegate's download carries their mark: everything above unclassified."""
    return level(document) != Classification.none


# Reading ---------------------------------------------------------------------------------------------------

def _options() -> list[Any]:
    return [selectinload(MeetingDocument.files), selectinload(MeetingDocument.recipients),
            selectinload(MeetingDocument.copies),
            selectinload(MeetingDocument.agenda_item).selectinload(AgendaItem.parent),
            selectinload(MeetingDocument.meeting)]


def list_documents(meeting: Meeting, user: User | None) -> list[MeetingDocument]:
    """The pack as staff see it, in its order (a fixed number of queries)."""
    found = db.session.scalars(select(MeetingDocument).where(MeetingDocument.meeting_id == meeting.id)
                               .options(*_options()).order_by(MeetingDocument.position, MeetingDocument.id))
    return [d for d in found if reach(d, user=user) is Reach.link]


def _found(public_id: str, within: Any, user: User | None) -> MeetingDocument:
    document = db.session.scalar(select(MeetingDocument).where(MeetingDocument.public_id == str(public_id), within)
                                 .options(*_options()))
    if document is None or reach(document, user=user) is not Reach.link:
        raise NotFound(_("No such document."))
    return document


def get_document(org: Organization, public_id: str, *, user: User | None) -> MeetingDocument:
    """A document of a meeting of the organization that the user may see; else not found."""
    return _found(public_id, MeetingDocument.organization_id == org.id, user)


def get_meeting_document(meeting: Meeting, public_id: str, *, user: User | None) -> MeetingDocument:
    """A document of this meeting that the user may see; else not found."""
    return _found(public_id, MeetingDocument.meeting_id == meeting.id, user)


def version_of(document: MeetingDocument, number: Any = None) -> MeetingDocumentFile:
    if number in (None, ""):
        latest = document.latest
        if latest is None:
            raise NotFound(_("This document has no file."))
        return latest
    try:
        wanted = int(number)
    except (TypeError, ValueError):
        raise NotFound(_("No such version.")) from None
    found = next((f for f in document.files if f.number == wanted), None)
    if found is None:
        raise NotFound(_("No such version."))
    return found


def _bytes(version: MeetingDocumentFile) -> bytes:
    data = records.kept(version.sha256, version.size, SUBFOLDER)
    if data is None:
        raise NotFound(_("The file of this document is missing from the storage or damaged. Restore the storage "
                         "folder from the backup, or upload the document again."))
    return data


def open_file(document: MeetingDocument, *, user: User | None, number: Any = None
              ) -> tuple[MeetingDocumentFile, bytes]:
    """Staff: a version's bytes (the latest by default). A download of classified content is audited."""
    if reach(document, user=user) is not Reach.link:
        raise NotFound(_("No such document."))
    version = version_of(document, number)
    data = _bytes(version)
    effective = level(document)
    if effective.is_classified:
        with atomic():
            _audit(document, "meeting_document.downloaded", {"number": version.number,
                                                             "classification": effective.value})
    return version, data


def receipts(document: MeetingDocument) -> list[Receipt]:
    """Each delegate of the document's audience with their copy number and when they first opened it, in
    protocol order (staff see who has read the pack)."""
    from planner.delegates import services as delegate_services

    copies = {c.participant_id: c for c in document.copies}
    rows = []
    for participant in delegate_services.all_participants(document.meeting):
        if not in_audience(document, participant):
            continue
        copy = copies.get(participant.id)
        rows.append(Receipt(participant, copy.number if copy else None, copy.first_opened_at if copy else None,
                            copy.opened_number if copy else None))
    return rows


def reads(document: MeetingDocument) -> int:
    """How many delegates have opened the document."""
    return sum(1 for c in document.copies if c.first_opened_at is not None)


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


# The delegates' copies and the pack as a whole live beside this module; the names other packages use:
from planner.meeting_documents.services.copies import (  # noqa: E402, F401
    changed_since_read,
    delegate_documents,
    mark_for,
    number_copies,
    open_for_delegate,
    paper_copies,
)
from planner.meeting_documents.services.pack import (  # noqa: E402, F401
    classified_documents,
    due,
    handout_document,
    handout_stamp,
    late_packs,
    lead_days,
    pack_stamp,
    pack_status,
    pack_zip,
    titles_used,
    unsent_counts,
)
