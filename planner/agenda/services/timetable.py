"""The agenda as a timetable: one day as a time grid with one column per room (as Indico's timetable).

Plain data for the page: the columns, and in each the blocks placed by their minutes since the day's
local midnight, sessions holding their items, overlapping blocks of one column side by side in lanes.
The warnings are the conflicts module's, told by the view; nothing here decides what a conflict is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from planner.agenda.models import AgendaItem, AgendaItemKind, AgendaItemStatus
from planner.agenda.services.reading import local, programme_days, rooms
from planner.meetings.models import Meeting

# The time axis shows at least a working day; it grows to whole hours around what is planned.
DAY_FIRST_HOUR, DAY_LAST_HOUR = 7, 18
SLOT_MINUTES = 30          # the empty slots offered to add an item (a click refines to 5 minutes)
# A block is drawn at least this long (30 px), so that its title is a target a finger can hit (WCAG 2.5.8):
# a five-minute "Chào cờ" followed at once by the next item stands beside it, not under it.
SHORTEST_DRAWN = 15
NO_ROOM = ""               # the column of items without a room (the meeting's venue)


@dataclass
class Block:
    """One item or session as the grid draws it; minutes count from the day's local midnight."""

    id: str
    title: str
    kind: str
    start: int
    end: int
    time_text: str
    room_id: str
    room_name: str
    parent_id: str
    version: int
    cancelled: bool
    classification: str
    warnings: list[str] = field(default_factory=list)
    lane: int = 0
    lanes: int = 1
    children: list[Block] = field(default_factory=list)

    @property
    def is_session(self) -> bool:
        return self.kind == AgendaItemKind.session.value


@dataclass
class Column:
    room_id: str
    name: str
    blocks: list[Block]


@dataclass
class Timetable:
    day: date
    days: list[date]
    first: int                      # the axis's first and last minute (whole hours)
    last: int
    hours: list[tuple[int, str]]
    slots: list[tuple[int, str]]
    columns: list[Column]

    def item_ids(self) -> set[str]:
        return {b.id for column in self.columns for block in column.blocks for b in (block, *block.children)}


def _minutes(meeting: Meeting, value: datetime, day: date) -> int:
    moment = local(meeting, value)
    minutes = (moment.date() - day).days * 1440 + moment.hour * 60 + moment.minute
    return max(0, min(1440, minutes))


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _block(meeting: Meeting, item: AgendaItem, day: date, warnings: Mapping[str, list[str]],
           sessions: Mapping[int, str]) -> Block:
    start, end = _minutes(meeting, item.starts_at, day), _minutes(meeting, item.ends_at, day)
    return Block(
        id=item.public_id, title=item.title, kind=item.kind.value, start=start, end=max(end, start + 5),
        time_text=f"{_clock(start)}–{_clock(end)}",
        room_id=item.room.public_id if item.room is not None else NO_ROOM,
        room_name=item.room.name if item.room is not None else "",
        parent_id=sessions.get(item.parent_id, "") if item.parent_id else "",
        version=item.version, cancelled=item.status == AgendaItemStatus.cancelled,
        classification=item.classification.value, warnings=list(warnings.get(item.public_id, [])),
    )


def lanes(blocks: Sequence[Block]) -> None:
    """Overlapping blocks side by side (as drawn: a short one takes ``SHORTEST_DRAWN`` minutes): each takes
    the first free lane, and every block of a group that overlaps (directly or through others) is as narrow
    as the group's widest moment needs."""
    group: list[Block] = []
    ends: list[int] = []           # the end of the last block in each lane of the group
    group_end = -1
    for block in sorted(blocks, key=lambda b: (b.start, -b.end, b.id)):
        drawn_end = max(block.end, block.start + SHORTEST_DRAWN)
        if group and block.start >= group_end:
            for member in group:
                member.lanes = len(ends)
            group, ends, group_end = [], [], -1
        lane = next((i for i, end in enumerate(ends) if end <= block.start), len(ends))
        if lane == len(ends):
            ends.append(drawn_end)
        else:
            ends[lane] = drawn_end
        block.lane = lane
        group.append(block)
        group_end = max(group_end, drawn_end)
    for member in group:
        member.lanes = len(ends)


def timetable(meeting: Meeting, items: Sequence[AgendaItem], day: date,
              warnings: Mapping[str, list[str]]) -> Timetable:
    """The day's grid of the items given (those the reader may see): a column for each room of the
    meeting, and one for items without a room when there are such items or no rooms at all."""
    days = programme_days(meeting)
    sessions = {item.id: item.public_id for item in items if item.kind == AgendaItemKind.session}
    shown = {item.id for item in items}
    on_day = [item for item in items if local(meeting, item.starts_at).date() == day]
    children: dict[int, list[Block]] = {}
    for item in on_day:
        if item.parent_id is not None and item.parent_id in shown:
            children.setdefault(item.parent_id, []).append(_block(meeting, item, day, warnings, sessions))
    columns = [Column(room.public_id, room.name, []) for room in rooms(meeting)]
    by_room = {column.room_id: column for column in columns}
    for item in on_day:
        if item.parent_id is not None and item.parent_id in shown:
            continue
        block = _block(meeting, item, day, warnings, sessions)
        block.children = children.get(item.id, [])
        lanes(block.children)
        if block.room_id not in by_room:
            by_room[block.room_id] = Column(block.room_id, "", [])
            columns.append(by_room[block.room_id])
        by_room[block.room_id].blocks.append(block)
    if not columns:
        columns.append(Column(NO_ROOM, "", []))
    for column in columns:
        lanes(column.blocks)
    placed = [b for c in columns for b in c.blocks]
    first = min([DAY_FIRST_HOUR * 60, *[b.start // 60 * 60 for b in placed]])
    last = max([DAY_LAST_HOUR * 60, *[-(-b.end // 60) * 60 for b in placed]])
    return Timetable(
        day=day, days=days, first=first, last=last,
        hours=[(m, _clock(m)) for m in range(first, last, 60)],
        slots=[(m, _clock(m)) for m in range(first, last, SLOT_MINUTES)],
        columns=columns,
    )


def timetable_day(meeting: Meeting, wanted: date | None, today: date) -> date:
    """The day a timetable opens on: the one asked for if it is a day of the meeting, else today during
    the meeting, else its first day."""
    days = programme_days(meeting)
    if wanted in days:
        return wanted
    return today if today in days else days[0]

