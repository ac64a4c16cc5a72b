"""The programme as printed: a table per day (STT | Thời gian | Nội dung | Người thực hiện), sessions as
headed groups with their presiding persons, the day split into morning, afternoon and evening.

Built from a snapshot (plain data, see ``releases``), so the same code shows the live agenda to staff
and a published version to the public, and the booklet can render it later.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

MORNING, AFTERNOON, EVENING = "morning", "afternoon", "evening"


@dataclass
class Row:
    id: str
    number: int | None          # STT; sessions, breaks and cancelled items have none
    starts_at: datetime
    ends_at: datetime
    title: str
    kind: str
    description: str = ""
    performer: str = ""         # "Người thực hiện": the performer text, else the presiding persons
    presiding: list[str] = field(default_factory=list)
    room: str | None = None
    cancelled: bool = False
    classification: str = "none"
    is_session: bool = False
    in_session: bool = False


@dataclass
class Part:
    name: str                   # morning, afternoon, evening
    rows: list[Row]


@dataclass
class ProgrammeDay:
    day: date
    parts: list[Part]

    @property
    def rows(self) -> list[Row]:
        return [row for part in self.parts for row in part.rows]


def part_of_day(moment: datetime) -> str:
    if moment.hour < 12:
        return MORNING
    if moment.hour < 18:
        return AFTERNOON
    return EVENING


def visible(snapshot: Mapping[str, Mapping[str, Any]], levels: Iterable[str]) -> dict[str, Mapping[str, Any]]:
    """The entries a reader may see; the items of a session they may not see go with it."""
    allowed = set(levels)
    shown = {pid: e for pid, e in snapshot.items() if e.get("classification", "none") in allowed}
    return {pid: e for pid, e in shown.items() if not e.get("parent") or e["parent"] in shown}


def build(snapshot: Mapping[str, Mapping[str, Any]], zone: ZoneInfo, *, levels: Iterable[str],
          days: Iterable[date] = ()) -> list[ProgrammeDay]:
    """The programme of the entries the reader's ``levels`` admit, day by day."""
    entries = visible(snapshot, levels)

    def when(e: Mapping[str, Any]) -> datetime:
        return datetime.fromisoformat(e["starts_at"]).astimezone(zone)

    def order(item: tuple[str, Mapping[str, Any]]) -> tuple[datetime, int, str]:
        return when(item[1]), int(item[1].get("position", 0)), item[0]

    children: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
    top: list[tuple[str, Mapping[str, Any]]] = []
    for pid, e in sorted(entries.items(), key=order):
        if e.get("parent"):
            children.setdefault(e["parent"], []).append((pid, e))
        else:
            top.append((pid, e))

    by_day: dict[date, dict[str, list[Row]]] = {d: {} for d in days}
    numbers: dict[date, int] = {}

    def row(pid: str, e: Mapping[str, Any], *, in_session: bool = False) -> Row:
        start = when(e)
        is_session = e["kind"] == "session"
        cancelled = e.get("status") == "cancelled"
        number = None
        if not is_session and not cancelled and e["kind"] != "break":
            numbers[start.date()] = numbers.get(start.date(), 0) + 1
            number = numbers[start.date()]
        presiding = list(e.get("presiding") or [])
        return Row(
            id=pid, number=number, starts_at=start, ends_at=datetime.fromisoformat(e["ends_at"]).astimezone(zone),
            title=e["title"], kind=e["kind"], description=e.get("description") or "",
            performer=e.get("performer") or ", ".join(presiding), presiding=presiding, room=e.get("room"),
            cancelled=cancelled, classification=e.get("classification", "none"), is_session=is_session,
            in_session=in_session,
        )

    for pid, e in top:
        head = row(pid, e)
        day = head.starts_at.date()
        parts = by_day.setdefault(day, {})
        rows = parts.setdefault(part_of_day(head.starts_at), [])
        rows.append(head)
        for child_id, child in children.get(pid, []):
            rows.append(row(child_id, child, in_session=True))

    ordered = (MORNING, AFTERNOON, EVENING)
    return [
        ProgrammeDay(day, [Part(name, by_day[day][name]) for name in ordered if by_day[day].get(name)])
        for day in sorted(by_day)
    ]


def clock(moment: datetime, language: str) -> str:
    """``8h00`` in Vietnamese programmes, ``08:00`` otherwise."""
    if language == "vi":
        return f"{moment.hour}h{moment.minute:02d}"
    return f"{moment.hour:02d}:{moment.minute:02d}"


def span(start: datetime, end: datetime, language: str) -> str:
    return f"{clock(start, language)} – {clock(end, language)}"


def parallel_sessions(days: Iterable[ProgrammeDay]) -> set[str]:
    """The sessions held at the same time as another session (parallel sessions, each in its room):
    the printed programme names their rooms in the session's heading."""
    found: set[str] = set()
    for day in days:
        sessions = [row for row in day.rows if row.is_session and not row.cancelled]
        for i, one in enumerate(sessions):
            for other in sessions[i + 1:]:
                if one.starts_at < other.ends_at and other.starts_at < one.ends_at:
                    found.update((one.id, other.id))
    return found
