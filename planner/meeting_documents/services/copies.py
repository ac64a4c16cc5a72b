"""The delegates' copies of the pack's documents: each copy's number, the stamped PDF a delegate downloads
(cached per delegate and version), the read receipt, and the pack as the delegate's page lists it (one list
with the speeches' texts, through delegates.documents.DOCUMENT_SOURCES)."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from sqlalchemy import func, select

from planner.core.db import atomic
from planner.core.errors import Forbidden, NotFound
from planner.core.models import utcnow
from planner.delegates.documents import DelegateDocument, DelegateFile, DocumentSource
from planner.delegates.models import Participant
from planner.documents import records
from planner.documents.stamp import Mark, stamp
from planner.extensions import db
from planner.meeting_documents import files
from planner.meeting_documents.models import MeetingDocument, MeetingDocumentCopy, MeetingDocumentFile
from planner.meeting_documents.services.access import MARKED_SUBFOLDER, Reach, level, marked, reach
from planner.meeting_documents.services.reading import _bytes, _options, version_of

# The delegates' copies -------------------------------------------------------------------------------------

def _copy(document: MeetingDocument, participant: Participant) -> MeetingDocumentCopy:
    """The delegate's copy, numbered on first need: the next number of the document, taken under a lock
    on the document's row so that two delegates opening it at once get two numbers."""
    copy = next((c for c in document.copies if c.participant_id == participant.id), None)
    if copy is not None:
        return copy
    db.session.execute(select(MeetingDocument.id).where(MeetingDocument.id == document.id).with_for_update())
    last = db.session.scalar(select(func.max(MeetingDocumentCopy.number))
                             .where(MeetingDocumentCopy.document_id == document.id)) or 0
    copy = MeetingDocumentCopy(document_id=document.id, participant_id=participant.id, number=last + 1)
    db.session.add(copy)
    document.copies.append(copy)
    db.session.flush()
    return copy


def number_copies(document: MeetingDocument, participants: Sequence[Participant]) -> dict[int, int]:
    """Copy numbers for these delegates (in this order for those without one yet): participant id -> number."""
    with atomic():
        return {p.id: _copy(document, p).number for p in participants}


def delegate_documents(participant: Participant) -> list[MeetingDocument]:
    """The sent documents of the delegate's meeting that reach them (by link or on paper), in pack order."""
    found = db.session.scalars(select(MeetingDocument).where(
        MeetingDocument.meeting_id == participant.meeting_id, MeetingDocument.sent_at.is_not(None))
        .options(*_options()).order_by(MeetingDocument.position, MeetingDocument.id))
    return [d for d in found if reach(d, participant=participant) is not Reach.hidden]


def changed_since_read(document: MeetingDocument, participant: Participant) -> bool:
    """A newer version than the one the delegate last opened."""
    copy = next((c for c in document.copies if c.participant_id == participant.id), None)
    return copy is not None and copy.opened_number is not None and copy.opened_number < document.number


def mark_for(document: MeetingDocument, participant: Participant, copy_number: int) -> Mark:
    name = participant.full_name
    meeting = document.meeting
    return Mark(
        top=f"Bản số {copy_number:02d} · {name} · {meeting.title}"[:200],
        bottom=f"Tài liệu cấp cho đại biểu {name} (bản số {copy_number:02d}, phiên bản {document.number}) — "
               f"không sao chụp, không chuyển cho người khác"[:240],
        watermark=f"{name} · {copy_number:02d}")


def open_for_delegate(participant: Participant, public_id: str) -> tuple[MeetingDocumentFile, bytes]:
    """A document through the delegate's own link: the latest version, stamped with their name and copy
    number when it is not unclassified (cached per delegate and version); the read receipt is written."""
    document = db.session.scalar(select(MeetingDocument).where(
        MeetingDocument.public_id == str(public_id), MeetingDocument.meeting_id == participant.meeting_id)
        .options(*_options()))
    if document is None or reach(document, participant=participant) is not Reach.link:
        raise NotFound(_("Not found."))
    version = version_of(document)
    now = utcnow()
    with atomic():
        copy = _copy(document, participant)
        if copy.first_opened_at is None:
            copy.first_opened_at = now
        copy.last_opened_at = now
        copy.opened_number = version.number
    if not marked(document):
        return version, _bytes(version)
    if version.media_type != files.PDF:
        raise Forbidden(_("This document is for staff only."))
    mark = mark_for(document, participant, copy.number)
    key = records.digest("\x1f".join((version.sha256, participant.public_id, str(copy.number), mark.top,
                                      mark.bottom, mark.watermark)).encode("utf-8"))
    cached = _cached_mark(key)
    if cached is not None:
        return version, cached
    data = stamp(_bytes(version), mark)
    records.keep_as(data, key, MARKED_SUBFOLDER)
    return version, data


def _cached_mark(key: str) -> bytes | None:
    try:
        return records.path_of(key, MARKED_SUBFOLDER).read_bytes()
    except (OSError, ValueError):
        return None


def paper_copies(participant: Participant, documents: Sequence[MeetingDocument]) -> dict[int, int]:
    """The copy number of each classified document a delegate receives on paper: document id -> number."""
    paper = [d for d in documents if reach(d, participant=participant) is Reach.paper]
    if not paper:
        return {}
    with atomic():
        return {d.id: _copy(d, participant).number for d in paper}


# The pack on the delegate's page (delegates.documents.DOCUMENT_SOURCES, filled by the setup) -- -------------

KIND = "pack"


def _item_of(document: MeetingDocument) -> tuple[str, str]:
    """The item a document is listed under on the delegate's page: only an unclassified one (an internal
    item's title stays off the page; its documents go with the meeting's)."""
    from planner.core.permissions import Classification

    item = document.agenda_item
    if item is None or Classification(item.classification) != Classification.none or (
            item.parent is not None and Classification(item.parent.classification) != Classification.none):
        return "", ""
    return item.public_id, item.title


def delegate_entries(participant: Participant) -> list[DelegateDocument]:
    """The pack as the delegate's page lists it: by link the title, the latest version and whether it changed
    since they opened it; a classified document only as the number of their paper copy (no title)."""
    from planner.meeting_documents.models import DOCUMENT_KIND_LABELS

    documents = delegate_documents(participant)
    paper = paper_copies(participant, documents)
    found = []
    for document in documents:
        item_id, item_title = _item_of(document)
        if document.id in paper:
            found.append(DelegateDocument(title="", kind=KIND, ref="", classification=level(document).value,
                                          item_id=item_id, item_title=item_title, paper=paper[document.id]))
            continue
        copy = next((c for c in document.copies if c.participant_id == participant.id), None)
        latest = document.latest
        found.append(DelegateDocument(
            title=document.title, kind=KIND, ref=document.public_id, note=str(DOCUMENT_KIND_LABELS[document.kind]),
            classification=level(document).value, item_id=item_id, item_title=item_title,
            media_type=latest.media_type if latest else "", version=document.number,
            changed=changed_since_read(document, participant), opened=bool(copy and copy.first_opened_at)))
    return found


def open_entry(participant: Participant, ref: str) -> DelegateFile:
    version, data = open_for_delegate(participant, ref)
    return DelegateFile(filename=version.filename, media_type=version.media_type, data=data,
                        etag=records.digest(data)[:32])


PACK_FOR_DELEGATES = DocumentSource(kind=KIND, documents=delegate_entries, open=open_entry)
