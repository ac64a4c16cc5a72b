"""What the invitation says: when and where, to whom, and the version of its wording."""


from __future__ import annotations

import hashlib
from datetime import time

from flask_babel import gettext as _

from planner.core.formatting import long_date
from planner.core.permissions import Classification
from planner.delegates.models import Participant
from planner.meetings.models import Meeting

# What the invitation says -------------------------------------------------------------------------------

def withheld(meeting: Meeting) -> bool:
    """A classified meeting's title, place and programme stay out of e-mails and personal links."""
    return Classification(meeting.classification) != Classification.none


def invitation_version(meeting: Meeting) -> str:
    """Changes when what the invitation says changes (not when, say, the meeting's status moves)."""
    parts = (meeting.title, meeting.kind.value, meeting.starts_on, meeting.ends_on, meeting.start_time,
             meeting.end_time, meeting.timezone, meeting.venue, meeting.city, meeting.recurrence or "",
             meeting.language, meeting.classification.value)
    return hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


def clock(moment: time, language: str) -> str:
    """``8 giờ 00`` in Vietnamese text (DOMAIN.md), ``08:00`` otherwise."""
    if language == "vi":
        return f"{moment.hour} giờ {moment.minute:02d}"
    return f"{moment.hour:02d}:{moment.minute:02d}"


def when_text(meeting: Meeting, language: str | None = None) -> str:
    """When the meeting takes place, as a sentence fragment in the current locale."""
    language = language or meeting.language or "vi"
    if meeting.recurrence:
        from planner.meetings import recurrence

        text = recurrence.describe(meeting.recurrence, meeting.timezone)
    elif meeting.starts_on == meeting.ends_on:
        text = long_date(meeting.starts_on, weekday=True)
    else:
        text = _("from %(start)s to %(end)s", start=long_date(meeting.starts_on, weekday=True),
                 end=long_date(meeting.ends_on, weekday=True))
    if meeting.start_time is not None:
        hours = clock(meeting.start_time, language)
        if meeting.end_time is not None:
            hours = f"{hours} – {clock(meeting.end_time, language)}"
        text = f"{hours}, {text}"
    return text


def where_text(meeting: Meeting) -> str:
    return ", ".join(p for p in (meeting.venue, meeting.city) if p)


def addressee(participant: Participant) -> str:
    return " ".join(p for p in (participant.honorific, participant.full_name) if p)


