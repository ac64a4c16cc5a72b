"""Who sees a meeting document, decided in one place (``reach``): staff by their clearance over the
document's effective level, a delegate through their link, on paper or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from planner.accounts.models import User
from planner.core.permissions import Classification, clearance_of, cleared_for
from planner.core.text import fold
from planner.delegates.models import Participant
from planner.meeting_documents.models import Audience, MeetingDocument

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
