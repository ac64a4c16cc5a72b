"""What a download depends on, read without building anything: the cache key of a document for one reader;
the audit entry of a download of classified content."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select

from planner.accounts.models import Organization, User
from planner.agenda.models import AgendaRelease
from planner.booklets import cache
from planner.booklets.models import (
    BookletSettings,
    SeatingPlan,
)
from planner.core import audit, exports
from planner.core.db import atomic
from planner.core.permissions import clearance_of, visible_levels
from planner.delegates.models import Participant, Person
from planner.extensions import db
from planner.meetings.models import Meeting, Room, meeting_presiding
from planner.speeches import services as speech_services

# Versions: what a download depends on, read without building anything ----------------------------------

def _stamps(meeting: Meeting, levels: Sequence[str]) -> str:
    """Aggregate values that change whenever the printed matter would for a reader of these levels, in one
    statement: one scan of each table's rows of the meeting (the single-row aggregates are joined side by
    side). The programme's part (items, who presides them, speeches) counts only what the reader may see."""
    mid = meeting.id
    presiding = meeting_presiding.c
    queries = [
        select(func.max(Organization.version).label("v")).where(Organization.id == meeting.organization_id),
        select(func.max(BookletSettings.version).label("v"), func.max(BookletSettings.logo_sha256).label("logo"))
        .where(BookletSettings.meeting_id == mid),
        select(func.max(SeatingPlan.version).label("v")).where(SeatingPlan.meeting_id == mid),
        *speech_services.visible_content_aggregates(mid, levels),
        select(func.max(AgendaRelease.number).label("n")).where(AgendaRelease.meeting_id == mid),
        select(func.count(Participant.id).label("n"), func.max(Participant.updated_at).label("t"),
               func.sum(Participant.version).label("v"), func.max(Person.updated_at).label("p"))
        .join(Person, Person.id == Participant.person_id).where(Participant.meeting_id == mid),
        select(func.count(Room.id).label("n"), func.max(Room.updated_at).label("t"),
               func.sum(Room.version).label("v")).where(Room.meeting_id == mid),
        select(func.count().label("n"), func.sum(presiding.participant_id * (presiding.position + 1)).label("s"))
        .select_from(meeting_presiding).where(presiding.meeting_id == mid),
    ]
    return speech_services.joined_aggregates(queries)


def version(meeting: Meeting, kind: str, user: User | None = None, *extra: Any) -> str:
    """The cache key of one document for one reader: cheap, and it changes whenever the document would
    for that reader, and only then (an edit of an item above the reader's clearance changes nothing)."""
    clearance = clearance_of(user, meeting.organization_id)
    return cache.digest(kind, meeting.public_id, meeting.version, meeting.updated_at, meeting.language,
                        clearance.value, _stamps(meeting, visible_levels(clearance)), cache.templates_fingerprint(),
                        *extra)


def note_download(meeting: Meeting, name: str, *, classified: bool) -> None:
    """A view of classified content is written to the audit log (DOMAIN.md, Confidentiality). Files of
    the exporter registry are audited by the registry itself; this notes the booklet page's previews."""
    if not classified or exports.exporter("meeting", name) is not None:
        return
    with atomic():
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action="booklets.downloaded", object_type="meeting", object_id=meeting.public_id, summary=name)
