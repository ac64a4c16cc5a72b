"""A participant as the API shows it."""

from __future__ import annotations

from datetime import date
from typing import Any

from planner.delegates.models import (
    Participant,
)
from planner.delegates.services.attendance import local_time, reference_day
from planner.meetings.models import Meeting

# API data ------------------------------------------------------------------------------------------------

def participant_data(participant: Participant, meeting: Meeting | None = None,
                     day: date | None = None) -> dict[str, Any]:
    meeting = meeting or participant.meeting
    day = day or reference_day(meeting)
    person = participant.person
    record = participant.attendance_on(day)
    return {
        "id": participant.public_id,
        "meeting_id": meeting.public_id,
        "person_id": person.public_id,
        "family_name": person.family_name,
        "middle_name": person.middle_name,
        "given_name": person.given_name,
        "full_name": person.full_name,
        "honorific": person.honorific,
        "title": participant.title,
        "unit": participant.unit,
        "category": participant.category.value,
        "delegation": participant.delegation,
        "precedence": participant.precedence,
        "seat": participant.seat,
        "email": person.email,
        "phone": person.phone,
        "rsvp": participant.rsvp.value,
        "badge_code": participant.badge_code,
        "note": participant.note,
        "day": day,
        "attendance": record.status.value if record else None,
        "absence_reason": record.reason if record else "",
        "attendance_days": [
            {"day": a.day, "status": a.status.value, "absence_reason": a.reason,
             "checked_in_at": local_time(meeting, a.checked_in_at)}
            for a in participant.attendance
        ],
        "version": participant.version,
    }
