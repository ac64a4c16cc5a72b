"""Reading a meeting's documents as the user may see them: the list, one document, its versions and
their bytes, and the delegates' read receipts.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from planner.accounts.models import Organization, User
from planner.agenda.models import AgendaItem
from planner.core.db import atomic
from planner.core.errors import NotFound
from planner.documents import records
from planner.extensions import db
from planner.meeting_documents.models import MeetingDocument, MeetingDocumentFile
from planner.meeting_documents.services.access import SUBFOLDER, Reach, Receipt, in_audience, level, reach
from planner.meeting_documents.services.checks import _audit
from planner.meetings.models import Meeting

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
