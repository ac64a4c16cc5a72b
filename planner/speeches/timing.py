"""The speaking clock as arithmetic: pure functions over plain values, no database, no Flask.

A speech's clock is its actual start, its end, the seconds it spent paused so far and, while it is
paused, the moment the pause began. Elapsed speaking time is the wall time since the start minus the
paused time; the remaining time is the allotted time minus that (negative once overrun). The hall
display's JavaScript does the same sum with the same fields (static/js/hall.js).

Statistics (planned against actual, per speaker, delegation or item) are sums over plain rows too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime


class ClockError(ValueError):
    """The action does not fit the clock's state (start twice, resume what is not paused…)."""


@dataclass(frozen=True)
class Clock:
    started_at: datetime | None = None
    ended_at: datetime | None = None
    paused_seconds: int = 0
    paused_at: datetime | None = None
    allotted_seconds: int | None = None

    @property
    def running(self) -> bool:
        return self.started_at is not None and self.ended_at is None and self.paused_at is None

    @property
    def paused(self) -> bool:
        return self.started_at is not None and self.ended_at is None and self.paused_at is not None

    @property
    def ended(self) -> bool:
        return self.ended_at is not None


def _seconds(later: datetime, earlier: datetime) -> float:
    return max(0.0, (later - earlier).total_seconds())


def elapsed(clock: Clock, now: datetime) -> float:
    """Seconds actually spoken: from the start to the end (or the pause, or now), less the pauses."""
    if clock.started_at is None:
        return 0.0
    until = clock.ended_at or clock.paused_at or now
    return max(0.0, _seconds(until, clock.started_at) - clock.paused_seconds)


def remaining(clock: Clock, now: datetime) -> float | None:
    """Allotted minus elapsed; negative once the speaker runs over. None without an allotted time."""
    if clock.allotted_seconds is None:
        return None
    return clock.allotted_seconds - elapsed(clock, now)


def overrun(clock: Clock, now: datetime) -> float:
    """Seconds spoken beyond the allotted time (0 when within it or without one)."""
    left = remaining(clock, now)
    return 0.0 if left is None else max(0.0, -left)


def start(clock: Clock, now: datetime) -> Clock:
    if clock.started_at is not None:
        raise ClockError("already started")
    return replace(clock, started_at=now, ended_at=None, paused_seconds=0, paused_at=None)


def pause(clock: Clock, now: datetime) -> Clock:
    if not clock.running:
        raise ClockError("not running")
    return replace(clock, paused_at=max(now, clock.started_at))  # type: ignore[type-var]


def resume(clock: Clock, now: datetime) -> Clock:
    if not clock.paused:
        raise ClockError("not paused")
    assert clock.paused_at is not None
    pause_length = round(_seconds(now, clock.paused_at))
    return replace(clock, paused_at=None, paused_seconds=clock.paused_seconds + pause_length)


def stop(clock: Clock, now: datetime) -> Clock:
    """End the speech; a speech stopped while paused ends when the pause began."""
    if clock.started_at is None or clock.ended_at is not None:
        raise ClockError("not running")
    if clock.paused_at is not None:
        return replace(clock, ended_at=clock.paused_at, paused_at=None)
    return replace(clock, ended_at=max(now, clock.started_at))


def reset(clock: Clock) -> Clock:
    """Back to not started (a start made by mistake), keeping the allotted time."""
    return Clock(allotted_seconds=clock.allotted_seconds)


def clock_text(seconds: float | None, *, signed: bool = False) -> str:
    """m:ss (or h:mm:ss) for a number of seconds; with ``signed``, overrun shows as +m:ss."""
    if seconds is None:
        return "–"
    sign = ""
    if seconds < 0:
        sign = "+" if signed else "-"
        seconds = -seconds
    whole = math.floor(seconds) if sign else math.ceil(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes}:{secs:02d}"


# Statistics -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TimeRow:
    """One speech as the statistics see it: planned and actual seconds, and what it belongs to."""

    speaker: Hashable
    delegation: str
    item: Hashable
    planned: int           # allotted seconds (0 when none)
    actual: float          # seconds actually spoken (0 when not delivered)
    delivered: bool


@dataclass
class Total:
    key: Hashable
    speeches: int = 0
    delivered: int = 0
    planned: int = 0
    actual: float = 0.0
    planned_delivered: int = 0     # the planned time of the delivered speeches only

    @property
    def difference(self) -> float:
        """Actual minus planned, over the delivered speeches: positive when over time."""
        return self.actual - self.planned_delivered


def totals(rows: Iterable[TimeRow], key: Callable[[TimeRow], Hashable]) -> list[Total]:
    """Planned and actual time summed per key, in the order keys first appear."""
    found: dict[Hashable, Total] = {}
    for row in rows:
        total = found.setdefault(key(row), Total(key(row)))
        total.speeches += 1
        total.planned += row.planned
        if row.delivered:
            total.delivered += 1
            total.actual += row.actual
            total.planned_delivered += row.planned
    return list(found.values())


def by_speaker(rows: Iterable[TimeRow]) -> list[Total]:
    return totals(rows, lambda row: row.speaker)


def by_delegation(rows: Iterable[TimeRow]) -> list[Total]:
    return totals(rows, lambda row: row.delegation)


def by_item(rows: Iterable[TimeRow]) -> list[Total]:
    return totals(rows, lambda row: row.item)
