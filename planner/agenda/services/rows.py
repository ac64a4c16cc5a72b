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
from planner.delegates.models import Participant, Person
from planner.delegates.services import NAMED_COLUMNS, NamedParticipant
from planner.extensions import db
from planner.meetings.models import Meeting, Room


@dataclass(slots=True, eq=False)
class RoomRow:
    public_id: str
    name: str


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
    presiding: list[NamedParticipant] = field(default_factory=list)   # in their order, one per participant
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
    chairs: dict[int, NamedParticipant] = {}
    for item_id, participant_id, *names in db.session.execute(
            select(link.agenda_item_id, Participant.id, *NAMED_COLUMNS)
            .join(Participant, Participant.id == link.participant_id)
            .join(Person, Person.id == Participant.person_id)
            .join(AgendaItem, AgendaItem.id == link.agenda_item_id)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(link.agenda_item_id, link.position)):
        chair = chairs.get(participant_id)
        if chair is None:
            chair = chairs[participant_id] = NamedParticipant(*names)
        by_id[item_id].presiding.append(chair)
    return [row for row in items if row.parent_id is None or row.parent is not None]
