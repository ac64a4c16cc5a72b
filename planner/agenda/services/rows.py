"""The whole agenda of a meeting read as plain rows, not ORM instances, for the pages that only read it.

A congress's agenda editor reads 400 items, their rooms and presiding persons, then hands them to the
visibility rule, the conflicts, the comparison with the latest release and the template. As mapped
instances they cost a third of the page (building them, each attribute read through the instrumentation,
and expiring them all at the request's commit); as rows they are read once. An ``AgendaRow`` answers the
attributes those readers use with the names and values an ``AgendaItem`` has (kind, status and
classification are the same enumerations, times the same aware UTC datetimes), so ``item_visible``,
``slots``, ``snapshot``, ``by_day``, ``can_move`` and the templates read either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select

from planner.agenda.models import AgendaItem, AgendaItemKind, AgendaItemStatus, agenda_item_presiding
from planner.core.permissions import Classification
from planner.core.text import full_name
from planner.delegates.models import Participant, Person
from planner.delegates.services import NAMED_COLUMNS
from planner.extensions import db
from planner.meetings.models import Meeting, Room


@dataclass(slots=True, eq=False)
class RoomRow:
    public_id: str
    name: str


@dataclass(slots=True, eq=False)
class PresidingRow:
    """One presiding person of an item: who (the person, as the conflicts compare people) and their names as a
    document writes them (the fields of delegates' NamedParticipant: the minutes name the chairs from these).
    One row per participant of the agenda, shared by the items they preside."""

    person_id: int
    family_name: str
    middle_name: str
    given_name: str
    honorific: str
    title: str
    unit: str
    full_name: str = ""

    def __post_init__(self) -> None:
        self.full_name = full_name(self.family_name, self.middle_name, self.given_name)


@dataclass(slots=True, eq=False)
class AgendaRow:
    id: int
    public_id: str
    meeting_id: int
    parent_id: int | None
    kind: AgendaItemKind
    title: str
    description: str
    performer: str
    starts_at: datetime
    ends_at: datetime
    position: int
    status: AgendaItemStatus
    classification: Classification
    room: RoomRow | None
    presiding: list[PresidingRow] = field(default_factory=list)
    parent: AgendaRow | None = None


# The readers of the agenda take either: AnyItem where what comes back is of the kind given.
AnyItem = TypeVar("AnyItem", AgendaItem, AgendaRow)


def agenda_rows(meeting: Meeting) -> list[AgendaRow]:
    """The whole agenda (every item, whatever its classification: callers filter with ``visible_items``)
    in programme order, as ``list_items(meeting, None, everything=True)`` answers it: two queries."""
    item = AgendaItem
    rows = db.session.execute(
        select(item.id, item.public_id, item.meeting_id, item.parent_id, item.kind, item.title, item.description,
               item.performer, item.starts_at, item.ends_at, item.position, item.status, item.classification,
               item.room_id, Room.public_id, Room.name)
        .outerjoin(Room, Room.id == item.room_id)
        .where(item.meeting_id == meeting.id)
        .order_by(item.starts_at, item.position, item.id))
    rooms: dict[int, RoomRow] = {}
    items: list[AgendaRow] = []
    for (id_, public_id, meeting_id, parent_id, kind, title, description, performer, starts_at, ends_at, position,
         status, classification, room_id, room_public_id, room_name) in rows:
        room = None
        if room_id is not None and room_public_id is not None:
            room = rooms.get(room_id)
            if room is None:
                room = rooms[room_id] = RoomRow(room_public_id, room_name)
        items.append(AgendaRow(id_, public_id, meeting_id, parent_id, kind, title, description, performer, starts_at,
                             ends_at, position, status, classification, room))
    by_id = {row.id: row for row in items}
    for row in items:
        if row.parent_id is not None:
            row.parent = by_id.get(row.parent_id)
    link = agenda_item_presiding.c
    chairs: dict[int, PresidingRow] = {}
    for item_id, participant_id, person_id, *names in db.session.execute(
            select(link.agenda_item_id, Participant.id, Person.id, *NAMED_COLUMNS)
            .join(Participant, Participant.id == link.participant_id)
            .join(Person, Person.id == Participant.person_id)
            .join(AgendaItem, AgendaItem.id == link.agenda_item_id)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(link.agenda_item_id, link.position)):
        chair = chairs.get(participant_id)
        if chair is None:
            chair = chairs[participant_id] = PresidingRow(person_id, *names)
        by_id[item_id].presiding.append(chair)
    return [row for row in items if row.parent_id is None or row.parent is not None]
