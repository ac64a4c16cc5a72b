"""The facts of a meeting that the draft is composed from: participants and attendance, who presided, who spoke
on each item, the decisions of its votes, the meeting's bounds in time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select

from planner.accounts.models import User
from planner.agenda import services as agenda_services
from planner.agenda.models import AgendaItem, AgendaItemStatus
from planner.core.text import position_line
from planner.delegates import protocol
from planner.delegates import services as delegate_services
from planner.delegates.models import AttendanceStatus, Participant, ParticipantCategory, Rsvp
from planner.documents import services as document_services
from planner.extensions import db
from planner.meetings.models import Meeting
from planner.minutes import compose
from planner.minutes.models import (
    MinutesKind,
)
from planner.minutes.services.base import (
    DEFAULT_RECIPIENTS,
    DOCUMENTS_USED,
    VOTE_RESULTS,
    _kind,
    current,
    language_of,
    zone,
)
from planner.speeches import services as speech_services

# The facts of a meeting --------------------------------------------------------------------------------

def _person(participant: Participant | delegate_services.RollEntry | delegate_services.NamedParticipant
            ) -> compose.Person:
    return compose.Person(name=participant.full_name, title=position_line(participant.title, participant.unit),
                          honorific=participant.honorific)


def _participants(meeting: Meeting) -> delegate_services.Roll:
    """The list: those the minutes may name in protocol order, with their attendance, and how many others, as
    plain data: two queries whatever the size."""
    return delegate_services.attendance_roll(meeting)


def _speeches(meeting: Meeting) -> dict[int, list[speech_services.Spoken]]:
    """Who spoke, for the minutes and the programme: every speech of the meeting with its speaker, by
    agenda item id, in speaking order, as plain rows (one query): the speeches' read model."""
    return speech_services.spoken_by_item(meeting)


def speakers_by_item(meeting: Meeting) -> dict[str, list[str]]:
    """Who speaks on each item (public id -> names in speaking order), for the programme's last column."""
    public_ids = {item_id: public_id for item_id, public_id in db.session.execute(
        select(AgendaItem.id, AgendaItem.public_id).where(AgendaItem.meeting_id == meeting.id))}
    result: dict[str, list[str]] = {}
    for item_id, speeches in _speeches(meeting).items():
        for speech in speeches:
            if speech.status.value not in compose.WRITTEN_SPEECH_STATUSES:
                continue
            name = compose.person_text(_person(speech.speaker), language_of(meeting), capital=True,
                                       with_title=False)
            if name not in result.setdefault(public_ids[item_id], []):
                result[public_ids[item_id]].append(name)
    return result


def _bounds(meeting: Meeting, items: Sequence[AgendaItem | agenda_services.AgendaRow]
            ) -> tuple[datetime | None, datetime | None]:
    tz = zone(meeting)
    held = [i for i in items if i.status != AgendaItemStatus.cancelled and i.kind.value != "session"]
    start = min((i.starts_at for i in held), default=None)
    end = max((i.ends_at for i in held), default=None)
    starts_at = start.astimezone(tz) if start else (
        datetime.combine(meeting.starts_on, meeting.start_time, tz) if meeting.start_time else None)
    ends_at = end.astimezone(tz) if end else (
        datetime.combine(meeting.ends_on, meeting.end_time, tz) if meeting.end_time else None)
    return starts_at, ends_at


def attendance_facts(meeting: Meeting, roll: delegate_services.Roll
                     ) -> tuple[int, int | None, str, list[compose.Absentee]]:
    """(expected, present or None, the attendance paragraph, the absentees with their reasons).

    Expected: everyone invited who did not decline, staff excepted. Present: those checked in on any
    day of the meeting. Absent: the expected with an absence (or excuse) recorded and no presence.
    Without any check-in the paragraph names those expected, and the count is left to the secretary
    (absences excused in advance are still listed). Those the roll only counts have no record: they are
    expected or not, never present or absent.
    """
    participants = roll.entries
    expected = [p for p in participants if p.rsvp != Rsvp.declined and p.category != ParticipantCategory.staff]
    others: Counter[ParticipantCategory] = Counter()
    for (category, rsvp), count in roll.others.items():
        if rsvp != Rsvp.declined and category != ParticipantCategory.staff:
            others[category] += count
    language = language_of(meeting)
    present = [p for p in participants if any(a.status == AttendanceStatus.present for a in p.attendance)]
    # Sets of ids, not lists, to ask who is among them.
    present_ids = {p.id for p in present}
    expected_ids = {p.id for p in expected}
    absentees = []
    for p in expected:
        if p.id in present_ids:
            continue
        records = [a for a in p.attendance if a.status != AttendanceStatus.present]
        if not records:
            continue
        reason = next((a.reason for a in records if a.reason), "")
        excused = any(a.status == AttendanceStatus.excused for a in records)
        absentees.append(compose.Absentee(_person(p), reason=reason, excused=excused))
    if not present:  # nobody checked in (yet): name those expected, leave the count to the secretary
        return len(expected) + others.total(), None, \
            protocol.attendance_paragraph(expected, language, more=others), absentees
    counted = [p for p in present if p.category != ParticipantCategory.staff]
    return len(expected) + others.total(), len([p for p in counted if p.id in expected_ids]), \
        protocol.attendance_paragraph(counted, language), absentees


def presiding_people(meeting: Meeting, items: Sequence[AgendaItem | agenda_services.AgendaRow] | None = None
                     ) -> list[Participant | delegate_services.NamedParticipant]:
    """Who presided: the meeting's presiding persons or, when it names none, the chairs of its sessions (in the
    order of the sessions, each once)."""
    if meeting.presiding:
        return list(meeting.presiding)
    if items is None:
        items = list(db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                                        .order_by(AgendaItem.starts_at, AgendaItem.position)))
    chairs: list[Participant | delegate_services.NamedParticipant] = []
    for item in items:
        if item.kind.value == "session" and item.status != AgendaItemStatus.cancelled:
            chairs.extend(p for p in item.presiding if p not in chairs)
    return chairs


def meeting_facts(meeting: Meeting, user: User | None, kind: MinutesKind | str = MinutesKind.minutes
                  ) -> compose.MeetingFacts:
    """The plain facts the draft is written from: a fixed number of queries whatever the size."""
    kind = _kind(kind)
    org = meeting.organization
    current_settings = document_services.settings(org)
    language = language_of(meeting)
    items = agenda_services.item_rows(meeting, user)
    speeches = _speeches(meeting)
    participants = _participants(meeting)
    expected, present, paragraph, absentees = attendance_facts(meeting, participants)
    tz = zone(meeting)
    parents = {i.id for i in items if i.kind.value == "session"}
    decisions: dict[str, list[dict[str, Any]]] = {}
    for source in VOTE_RESULTS:
        for key, found in source(meeting, items, language).items():
            decisions.setdefault(key, []).extend(found)
    item_facts = [
        compose.ItemFacts(
            id=item.public_id, title=item.title, kind=item.kind.value,
            starts_at=item.starts_at.astimezone(tz), ends_at=item.ends_at.astimezone(tz),
            presiding=[_person(p) for p in item.presiding],
            speeches=[compose.SpeechFacts(_person(s.speaker), s.kind.value, s.title, s.summary, s.status.value)
                      for s in speeches.get(item.id, [])],
            is_session=item.kind.value == "session", in_session=item.parent_id in parents,
            cancelled=item.status == AgendaItemStatus.cancelled,
            decisions=decisions.get(item.public_id, []),
        )
        for item in items
    ]
    starts_at, ends_at = _bounds(meeting, items)
    presiding = [_person(p) for p in presiding_people(meeting, items)]
    secretaries = [_person(p) for p in meeting.secretaries]
    chosen: dict[str, dict[str, str]] = {}
    if kind is MinutesKind.minutes:  # the minute-taker signs on the left, the (first) presiding person on the right
        for side, people in zip(("left", "right"), (secretaries, presiding), strict=True):
            if people:
                chosen[side] = {"name": people[0].name}
    signatures = document_services.signers(org, kind.value, language, current_settings, chosen=chosen)
    recipients = document_services.recipients(org, kind.value, current_settings)
    if recipients is None:
        recipients = DEFAULT_RECIPIENTS[language][kind.value]
    # In sentences the superior body goes by its name, not by the capitals of the header.
    superior = org.parent_name or document_services.issuer_lines(org, current_settings)[0]
    return compose.MeetingFacts(
        title=meeting.title, kind=meeting.kind.value, language=language, profile=org.document_profile.value,
        venue=meeting.venue, city=meeting.city or org.city, starts_at=starts_at, ends_at=ends_at,
        first_day=meeting.starts_on, presiding=presiding, secretaries=secretaries, expected=expected,
        present=present, attendance=paragraph, absentees=absentees, items=item_facts, signatures=signatures,
        recipients=list(recipients), organizer=superior,
        documents=[title for source in DOCUMENTS_USED for title in source(meeting, user)],
        issuer=document_services.issuer_in_sentence(org, kind.value, current_settings),
        drafter=(current_settings.profile_overrides or {}).get("drafter_code", ""),
    )


def compose_sections(meeting: Meeting, user: User | None, kind: MinutesKind | str) -> list[dict[str, Any]]:
    kind = _kind(kind)
    facts = meeting_facts(meeting, user, kind)
    if kind is MinutesKind.notice:
        source = current(meeting, MinutesKind.minutes)
        return compose.notice_sections(facts, source.sections if source else None)
    return compose.minutes_sections(facts)
