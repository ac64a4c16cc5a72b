"""The documents of a meeting that its delegates may read, on their personal page: an extension point.

The domains above (speeches, meeting documents) add a DocumentSource in their setup; the delegate's
page (portal) lists and opens them through ``delegate_documents`` and ``open_delegate_document``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask_babel import gettext as _

from planner.core.errors import NotFound
from planner.core.hooks import Hook
from planner.core.permissions import Classification
from planner.delegates.models import Participant


@dataclass(frozen=True)
class DelegateDocument:
    title: str
    kind: str                 # the source it comes from, e.g. "speech"
    ref: str                  # its public id within that source ("" when it is not opened through the link)
    note: str = ""
    classification: str = Classification.none.value
    item_id: str = ""         # the unclassified agenda item it belongs to ("" for the whole meeting)
    item_title: str = ""
    media_type: str = ""      # what opening it gives (a PDF is shown in the browser)
    version: int = 0          # its version, when it has several
    changed: bool = False     # a newer version than the one the delegate last opened
    opened: bool = False      # the delegate has opened it
    paper: int | None = None  # classified: the number of the paper copy handed out at the meeting (no ref)


@dataclass(frozen=True)
class DelegateFile:
    filename: str
    media_type: str
    data: bytes
    etag: str


@dataclass(frozen=True)
class DocumentSource:
    """What a domain above offers a delegate: ``documents(participant)`` lists what they may read of
    their meeting, ``open(participant, ref)`` gives one of those files (or raises NotFound/Forbidden)."""

    kind: str
    documents: Callable[[Participant], Iterable[DelegateDocument]]
    open: Callable[[Participant, str], DelegateFile]


# Domains above (speeches, meeting documents) add a DocumentSource in their setup; anything classified is
# dropped here whatever they say — but for the mention of a paper copy, which names no title and opens
# nothing — and a classified meeting offers nothing.
DOCUMENT_SOURCES = Hook("delegates.documents", "the documents of a meeting that its delegates may read")


def _offered(document: DelegateDocument) -> bool:
    if Classification(document.classification).is_classified:
        return document.paper is not None and not document.ref and not document.title
    return True


def delegate_documents(participant: Participant) -> list[DelegateDocument]:
    """One list of what the delegate may read, from every source (the page groups it by agenda item)."""
    if Classification(participant.meeting.classification) != Classification.none:
        return []
    found: list[DelegateDocument] = []
    for source in DOCUMENT_SOURCES:
        found.extend(d for d in source.documents(participant) if d.kind == source.kind and _offered(d))
    return found


def open_delegate_document(participant: Participant, kind: str, ref: str) -> DelegateFile:
    """One of the documents delegate_documents lists, through the delegate's own link."""
    source = next((s for s in DOCUMENT_SOURCES if s.kind == kind), None)
    if source is None or Classification(participant.meeting.classification) != Classification.none:
        raise NotFound(_("Not found."))
    return source.open(participant, ref)


