"""Conflict warnings of an agenda: pure functions over plain data.

They warn and never block saving. The input is plain data (``Slot``), not models, so that other
domains can feed more into it later (speeches add the speakers of each item).

The kinds of warning:
- ``room``: two overlapping items use the same room;
- ``person``: one person presides or speaks in two overlapping items;
- ``outside_session``: an item starts before or ends after the session that holds it;
- ``break``: a break overlaps an item in the same room.

Rules that keep the warnings meaningful:
- cancelled items (and the items of a cancelled session) take no room and no one's time;
- a session and the items it holds are not each other's conflict;
- an item without a room of its own is in its session's room; an item without any room is in the
  meeting's main hall (the venue), so two room-less items at the same time do clash;
- items of one session (or both outside sessions) with the very same start, end and room are the
  parts of one slot of the programme, listed in their manual order ("8h00–8h10: chào cờ; tuyên bố lý
  do…"), not a clash;
- a break is everyone's pause: a break without a room clashes with an overlapping item in any room;
- an item of a session that takes its room from the session is not compared with another session
  again (the two sessions' own warning says it once).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ROOM = "room"
PERSON = "person"
OUTSIDE_SESSION = "outside_session"
BREAK = "break"
KINDS = (ROOM, PERSON, OUTSIDE_SESSION, BREAK)

SESSION_KIND = "session"
BREAK_KIND = "break"
CANCELLED = "cancelled"


@dataclass(frozen=True)
class Slot:
    """One agenda item as the conflict check sees it."""

    id: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    title: str = ""
    room_id: str | None = None
    room_name: str = ""
    parent_id: str | None = None
    presiding: frozenset[int] = frozenset()   # person ids (Participant.person_id)
    speakers: frozenset[int] = frozenset()    # person ids, fed by the speakers lists later
    status: str = "scheduled"

    @property
    def people(self) -> frozenset[int]:
        return self.presiding | self.speakers


@dataclass(frozen=True)
class AgendaConflict:
    kind: str
    item_ids: tuple[str, ...]
    room_name: str = ""
    person_id: int | None = None
    person_name: str = ""
    # For outside_session: the session's id; for the others, the items' titles in order.
    titles: tuple[str, ...] = field(default=())

    def involves(self, item_id: str) -> bool:
        return item_id in self.item_ids


def overlaps(a: Slot, b: Slot) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def _related(a: Slot, b: Slot) -> bool:
    """A session and one of its own items."""
    return a.parent_id == b.id or b.parent_id == a.id


def find_conflicts(slots: Iterable[Slot], names: Mapping[int, str] | None = None) -> list[AgendaConflict]:
    """Every warning of the agenda, in the order of the items' start times."""
    names = names or {}
    slots = list(slots)
    cancelled = {s.id for s in slots if s.status == CANCELLED}
    # The items of a cancelled session are cancelled with it.
    active = sorted((s for s in slots if s.id not in cancelled and s.parent_id not in cancelled),
                    key=lambda s: (s.starts_at, s.ends_at, s.id))
    by_id = {s.id: s for s in active}
    found: list[AgendaConflict] = []

    for slot in active:
        parent = by_id.get(slot.parent_id) if slot.parent_id else None
        if parent is not None and (slot.starts_at < parent.starts_at or slot.ends_at > parent.ends_at):
            found.append(AgendaConflict(OUTSIDE_SESSION, (slot.id, parent.id), titles=(slot.title, parent.title)))

    # Most overlapping pairs are parallel items in other rooms with nobody in common (a congress's rooms:
    # thousands of pairs): what _pair_conflicts would find nothing in is told apart from these first.
    rooms = {s.id: _room(s, by_id)[0] for s in active}
    people = {s.id: s.people for s in active}
    for i, a in enumerate(active):
        for b in active[i + 1:]:
            if b.starts_at >= a.ends_at:
                break  # sorted by start: nothing later can overlap a
            if not overlaps(a, b) or _related(a, b):
                continue
            if rooms[a.id] != rooms[b.id] and BREAK_KIND not in (a.kind, b.kind) and not people[a.id] & people[b.id]:
                continue
            found.extend(_pair_conflicts(a, b, by_id, names))
    return found


def _room(slot: Slot, by_id: Mapping[str, Slot]) -> tuple[str | None, str, bool]:
    """(room id, room name, taken from the session?) where the item takes place."""
    if slot.room_id is not None:
        return slot.room_id, slot.room_name, False
    parent = by_id.get(slot.parent_id) if slot.parent_id else None
    if parent is not None:
        return parent.room_id, parent.room_name, True
    return None, "", False


def _said_by_session(a: Slot, b: Slot, by_id: Mapping[str, Slot], *, room: bool = False,
                     person: int | None = None) -> bool:
    """Whether b's session already clashes with a for the same reason (so the pair would repeat it)."""
    session = by_id.get(b.parent_id) if b.parent_id else None
    if session is None or session.id == a.parent_id or session.id == a.id or not overlaps(a, session):
        return False
    if room:
        return _room(b, by_id)[2]
    return person in session.people


def _pair_conflicts(a: Slot, b: Slot, by_id: Mapping[str, Slot], names: Mapping[int, str]) -> list[AgendaConflict]:
    found: list[AgendaConflict] = []
    pair = (a.id, b.id)
    titles = (a.title, b.title)
    room_a, name_a, _inherited = _room(a, by_id)
    room_b, name_b, _inherited = _room(b, by_id)
    if (a.parent_id == b.parent_id and a.starts_at == b.starts_at and a.ends_at == b.ends_at
            and room_a == room_b):
        return found  # parts of one slot, in their manual order
    if BREAK_KIND in (a.kind, b.kind):
        the_break, other = (a, b) if a.kind == BREAK_KIND else (b, a)
        break_room, other_room = (room_a, room_b) if the_break is a else (room_b, room_a)
        if other.kind != SESSION_KIND and (break_room is None or break_room == other_room):
            found.append(AgendaConflict(BREAK, (the_break.id, other.id), room_name=name_a or name_b,
                                        titles=(the_break.title, other.title)))
    elif room_a == room_b and not (
        _said_by_session(a, b, by_id, room=True) or _said_by_session(b, a, by_id, room=True)
    ):
        found.append(AgendaConflict(ROOM, pair, room_name=name_a, titles=titles))
    for person in sorted(a.people & b.people):
        if _said_by_session(a, b, by_id, person=person) or _said_by_session(b, a, by_id, person=person):
            continue
        found.append(AgendaConflict(PERSON, pair, person_id=person, person_name=names.get(person, ""),
                                    titles=titles))
    return found


def by_item(conflicts: Iterable[AgendaConflict]) -> dict[str, list[AgendaConflict]]:
    """The warnings of each item, to show them next to it."""
    index: dict[str, list[AgendaConflict]] = {}
    for conflict in conflicts:
        for item_id in conflict.item_ids:
            index.setdefault(item_id, []).append(conflict)
    return index


def describe(conflict: AgendaConflict, *, about: str | None = None) -> str:
    """The warning in the user's language. ``about`` is the item next to which it is shown: the
    text then names the other item; without it, the text names both."""
    from flask_babel import gettext as _

    first, second = conflict.titles[0], conflict.titles[1]
    kind = conflict.kind
    person = conflict.person_name or _("The same person")
    if about is None:
        if kind == OUTSIDE_SESSION:
            return _("“%(item)s” lies outside the time of its session “%(session)s”.", item=first, session=second)
        if kind == ROOM and conflict.room_name:
            return _("“%(a)s” and “%(b)s” use room %(room)s at the same time.", a=first, b=second,
                     room=conflict.room_name)
        if kind == ROOM:
            return _("“%(a)s” and “%(b)s” take place at the same time and neither has a room of its own.",
                     a=first, b=second)
        if kind == BREAK:
            return _("The break “%(a)s” overlaps “%(b)s”.", a=first, b=second)
        return _("%(person)s is needed in “%(a)s” and “%(b)s” at the same time.", person=person, a=first,
                 b=second)
    other = second if about == conflict.item_ids[0] else first
    if kind == OUTSIDE_SESSION:
        if about == conflict.item_ids[1]:
            return _("“%(item)s” lies outside this session's time.", item=first)
        return _("Outside the time of its session “%(session)s”.", session=second)
    if kind == ROOM and conflict.room_name:
        return _("Room %(room)s is also used by “%(other)s” at the same time.", room=conflict.room_name,
                 other=other)
    if kind == ROOM:
        return _("At the same time as “%(other)s”, and neither has a room of its own.", other=other)
    if kind == BREAK:
        if about == conflict.item_ids[0]:
            return _("“%(other)s” takes place during this break.", other=other)
        return _("Overlaps the break “%(other)s”.", other=other)
    return _("%(person)s is also needed in “%(other)s” at the same time.", person=person, other=other)


def as_records(conflicts: Iterable[AgendaConflict]) -> list[dict[str, Any]]:
    """The API's shape: {kind, agenda_item_ids, detail}."""
    return [{"kind": c.kind, "agenda_item_ids": list(c.item_ids), "detail": describe(c)} for c in conflicts]
