"""The organization's work calendar (lịch công tác tuần): weeks Monday to Sunday split into morning
and afternoon, and months drawn as a grid. Pure: it arranges occurrences that a service found."""

from __future__ import annotations

import calendar as stdlib_calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from planner.meetings.recurrence import Occurrence

NOON = time(12, 0)


def week_start(day: date) -> date:
    """The Monday of the week of ``day``."""
    return day - timedelta(days=day.weekday())


@dataclass
class WeekDay:
    day: date
    morning: list[Occurrence] = field(default_factory=list)
    afternoon: list[Occurrence] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.morning and not self.afternoon


@dataclass
class Week:
    monday: date
    days: list[WeekDay]

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def number(self) -> int:
        return self.monday.isocalendar()[1]

    @property
    def previous(self) -> date:
        return self.monday - timedelta(days=7)

    @property
    def next(self) -> date:
        return self.monday + timedelta(days=7)

    @property
    def entry_count(self) -> int:
        return sum(len(d.morning) + len(d.afternoon) for d in self.days)

    def print_density(self) -> str:
        """The type size at which the week's print view fits one A4 landscape page (see PRINT_LEVELS)."""
        return print_density(self)

    def fits_one_page(self) -> bool:
        _name, size, line_height, padding = PRINT_LEVELS[-1]
        return _table_height(self, size, line_height, padding) <= PRINT_TABLE_HEIGHT_MM


def halves(occurrence: Occurrence, day: date) -> tuple[bool, bool]:
    """Whether the occurrence takes the morning and the afternoon of one of its days. A conference over
    several days fills each day, morning and afternoon, except a first day that starts after noon and a last
    day that ends by noon; a one-day meeting from morning to past noon fills both halves; one without
    times counts as a morning."""
    starts_after_noon = occurrence.start_time is not None and occurrence.start_time >= NOON
    ends_by_noon = occurrence.end_time is not None and occurrence.end_time <= NOON
    first, last = day == occurrence.day, day == occurrence.last_day
    if first and last:
        if occurrence.start_time is None:
            return True, False
        return not starts_after_noon, starts_after_noon or (occurrence.end_time is not None and not ends_by_noon)
    return not (first and starts_after_noon), not (last and ends_by_noon)


def week(day: date, occurrences: Iterable[Occurrence]) -> Week:
    """The week of ``day``; an occurrence over several days appears on each of them, in each half it takes."""
    monday = week_start(day)
    days = [WeekDay(monday + timedelta(days=n)) for n in range(7)]
    for occurrence in sorted(occurrences, key=Occurrence.sort_key):
        for d in occurrence.days:
            offset = (d - monday).days
            if 0 <= offset < 7:
                morning, afternoon = halves(occurrence, d)
                if morning:
                    days[offset].morning.append(occurrence)
                if afternoon:
                    days[offset].afternoon.append(occurrence)
    return Week(monday, days)


@dataclass
class MonthDay:
    day: date
    in_month: bool
    entries: list[Occurrence] = field(default_factory=list)


@dataclass
class Month:
    first: date
    weeks: list[list[MonthDay]]

    @property
    def start(self) -> date:
        return self.weeks[0][0].day

    @property
    def end(self) -> date:
        return self.weeks[-1][-1].day

    @property
    def previous(self) -> date:
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.first + timedelta(days=32)).replace(day=1)


def month_span(first: date) -> tuple[date, date]:
    """The days the grid of a month shows: Monday of its first week to Sunday of its last."""
    weeks = stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    return weeks[0][0], weeks[-1][-1]


def month(first: date, occurrences: Iterable[Occurrence]) -> Month:
    """A month as full weeks (days of the neighbouring months included, flagged), each day with its entries."""
    first = first.replace(day=1)
    weeks = [[MonthDay(d, d.month == first.month) for d in row]
             for row in stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)]
    cells = {cell.day: cell for row in weeks for cell in row}
    for occurrence in sorted(occurrences, key=Occurrence.sort_key):
        for d in occurrence.days:
            if d in cells:
                cells[d].entries.append(occurrence)
    return Month(first, weeks)


# The print view: one A4 landscape page. Each level is (CSS class, type size in pt, line height, cell
# padding in mm); the largest that fits is chosen by estimating the table's height from the text of
# each entry (the stylesheet's .dense, .very-dense and .tiny must agree with these numbers).
PRINT_LEVELS = (("", 10.5, 1.3, 1.2), ("dense", 9.0, 1.2, 0.8), ("very-dense", 7.5, 1.15, 0.5),
                ("tiny", 6.5, 1.1, 0.4))
PRINT_TABLE_HEIGHT_MM = 148.0   # A4 landscape (210 mm) less 20 mm margins, 36 mm letterhead and title, 6 to spare
PRINT_HALF_WIDTH_MM = 118.0     # each half-day column, less its padding
_MM_PER_PT = 0.3528
_CHAR_WIDTH_EM = 0.41           # a serif font's average letter, Vietnamese diacritics included


def entry_text(occurrence: Occurrence) -> str:
    """Roughly what the print view writes for an entry (for estimating its height)."""
    meeting = occurrence.meeting
    parts = [f"00:00–00:00: [MẬT] {meeting.title}"]
    if occurrence.cancelled or occurrence.moved:
        parts.append("(dời từ 00/00)")
    if meeting.presiding:
        parts.append("Chủ trì: " + ", ".join(p.full_name for p in meeting.presiding))
    if occurrence.venue:
        parts.append(f"Địa điểm: {occurrence.venue}")
    return ". ".join(parts) + "."


def _table_height(week: Week, size: float, line_height: float, padding: float) -> float:
    line = size * _MM_PER_PT * line_height
    per_line = max(int(PRINT_HALF_WIDTH_MM / (size * _MM_PER_PT * _CHAR_WIDTH_EM)), 1)
    height = 2 * line + 2 * padding + 2.5  # the table's head and its borders
    for day in week.days:
        halves = []
        for half in (day.morning, day.afternoon):
            lines = sum(-(-len(entry_text(o)) // per_line) for o in half)
            halves.append(lines * line + max(len(half) - 1, 0) * line * 0.25)
        height += max(2 * line, *halves) + 2 * padding
    return height


def print_density(week: Week) -> str:
    for name, size, line_height, padding in PRINT_LEVELS:
        if _table_height(week, size, line_height, padding) <= PRINT_TABLE_HEIGHT_MM:
            return name
    return PRINT_LEVELS[-1][0]

