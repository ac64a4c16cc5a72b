"""Downloads of the list: the version they depend on, and the audit of a classified meeting's list downloaded."""

from __future__ import annotations

from sqlalchemy import func, select

from planner.core import audit
from planner.core.db import atomic
from planner.core.permissions import Classification
from planner.delegates.models import (
    Participant,
    Person,
)
from planner.extensions import db
from planner.meetings.models import Meeting

# Exports ---------------------------------------------------------------------------------------------------

def export_version(meeting: Meeting) -> str:
    """Changes whenever the exported list would: any participant or person of it, or the meeting."""
    count, last_participant, last_person, versions = db.session.execute(
        select(func.count(Participant.id), func.max(Participant.updated_at), func.max(Person.updated_at),
               func.coalesce(func.sum(Participant.version), 0))
        .join(Person, Person.id == Participant.person_id)
        .where(Participant.meeting_id == meeting.id)
    ).one()
    return f"{meeting.id}:{meeting.version}:{count}:{last_participant}:{last_person}:{versions}"


def record_export(meeting: Meeting, name: str) -> None:
    """Downloads of a classified meeting's list are written to the audit log."""
    if Classification(meeting.classification).is_classified:
        with atomic():
            audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                         action="participants.exported", object_type="meeting", object_id=meeting.public_id,
                         summary=name)
