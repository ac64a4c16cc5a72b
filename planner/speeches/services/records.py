"""What the speeches leave for the record: the secretary's summaries, the minutes' read model of who spoke,
and the speaking-time statistics."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from planner.accounts.models import User
from planner.agenda.models import AgendaItem
from planner.core.errors import Conflict
from planner.core.models import utcnow
from planner.delegates.models import Participant
from planner.meetings.models import Meeting, MeetingStatus
from planner.speeches import timing
from planner.speeches.models import (
    SPEECH_KIND_LABELS,
    Speech,
    SpeechStatus,
)
from planner.speeches.services.checks import (
    _audit,
    _check_version,
    _clean,
    _clock,
    _fresh,
    _lock,
    _saving,
    _summary_label,
)
from planner.speeches.services.reading import meeting_speeches, speaker_name, speaking_items, speeches_by_item

# Summaries for the minutes ------------------------------------------------------------------------

def set_summary(speech: Speech, summary: Any, *, user: User | None, version: Any = None) -> Speech:
    """The secretary's record of what was said: allowed during and after the meeting (a closed one
    too), not once it is archived."""
    meeting = speech.meeting
    if meeting.status == MeetingStatus.archived:
        raise Conflict(_("This meeting is archived: its summaries can no longer be changed."))
    clean = _clean(meeting, {"summary": summary})["summary"]
    with _saving():
        _lock(meeting)
        speech = _fresh(speech)
        _check_version(speech, version)
        if clean == speech.summary:
            return speech
        had = bool(speech.summary)
        speech.summary = clean
        speech.summary_updated_at = utcnow()
        speech.summary_updated_by_id = user.id if user is not None else None
        _audit(meeting, "speech.summary_written", speech.public_id, _summary_label(speech),
               {"summary": ["…" if had else "", f"{len(clean)} characters"]})
        return speech


@dataclass(frozen=True)
class MinutesSpeech:
    """One speech as the minutes read it."""

    id: str
    speaker: str
    position_title: str
    unit: str
    delegation: str
    kind: str
    kind_label: str
    title: str
    status: str
    started_at: datetime | None
    ended_at: datetime | None
    spoken_seconds: int
    summary: str
    requested_by_delegate: bool


@dataclass(frozen=True)
class MinutesItem:
    id: str
    title: str
    kind: str
    classification: str
    speeches: list[MinutesSpeech] = field(default_factory=list)


def minutes_records(meeting: Meeting, user: User | None) -> list[MinutesItem]:
    """Who said what, item by item in programme order: the delivered speeches (and planned ones still
    pending) with the secretary's summaries. Withdrawn speeches are left out. Plain data, a fixed
    number of queries."""
    items = speaking_items(meeting, user)
    grouped = speeches_by_item(meeting)
    records: list[MinutesItem] = []
    for item in items:
        rows = [
            MinutesSpeech(
                id=s.public_id, speaker=speaker_name(s.participant), position_title=s.participant.title,
                unit=s.participant.unit, delegation=s.participant.delegation, kind=s.kind.value,
                kind_label=str(SPEECH_KIND_LABELS[s.kind]), title=s.title, status=s.status.value,
                started_at=s.started_at, ended_at=s.ended_at,
                spoken_seconds=round(timing.elapsed(_clock(s), utcnow())), summary=s.summary,
                requested_by_delegate=s.requested_by_delegate,
            )
            for s in grouped.get(item.id, []) if s.status != SpeechStatus.withdrawn
        ]
        if rows:
            records.append(MinutesItem(item.public_id, item.title, item.kind.value, item.classification.value, rows))
    return records


# Statistics ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Statistics:
    by_speaker: list[timing.Total]
    by_delegation: list[timing.Total]
    by_item: list[timing.Total]
    total: timing.Total
    speakers: dict[Any, Participant]
    items: dict[Any, AgendaItem]


def time_rows(speeches: Iterable[Speech], now: datetime | None = None) -> list[timing.TimeRow]:
    now = now or utcnow()
    return [
        timing.TimeRow(speaker=s.participant_id, delegation=s.participant.delegation or "", item=s.agenda_item_id,
                       planned=s.allotted_seconds or 0, actual=timing.elapsed(_clock(s), now),
                       delivered=s.started_at is not None)
        for s in speeches if s.status != SpeechStatus.withdrawn
    ]


def statistics(meeting: Meeting, user: User | None, now: datetime | None = None) -> Statistics:
    """Speaking time planned against actual: per speaker, per delegation and per item."""
    items = speaking_items(meeting, user)
    order = {item.id: i for i, item in enumerate(items)}
    speeches = sorted(meeting_speeches(meeting, user), key=lambda s: (order.get(s.agenda_item_id, 0), s.position))
    rows = time_rows(speeches, now)
    speakers = {s.participant_id: s.participant for s in speeches}
    per_speaker = sorted(timing.by_speaker(rows), key=lambda t: (-t.actual, -t.planned))
    per_delegation = sorted(timing.by_delegation(rows), key=lambda t: (-t.actual, -t.planned, str(t.key)))
    overall = timing.totals(rows, lambda _row: "all")
    return Statistics(per_speaker, per_delegation, timing.by_item(rows),
                      overall[0] if overall else timing.Total("all"), speakers,
                      {item.id: item for item in items})
