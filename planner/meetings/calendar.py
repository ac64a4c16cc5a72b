"""The organization's work calendar (lịch công tác tuần): weeks Monday to Sunday split into morning
and afternoon, and months drawn as a grid. Pure: it arranges occurrences that a service found."""

from __future__ import annotations

import calendar as stdlib_calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from planner.core.permissions import CLASSIFICATION_MARKS
from planner.core.text import strip_diacritics
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

    def print_density(self, letterhead: Sequence[str | None] = ()) -> str:
        """The type size at which the week's print view fits one A4 landscape page (see PRINT_LEVELS);
        ``letterhead``: the issuing bodies' names heading the page."""
        return print_density(self, letterhead)

    def fits_one_page(self, letterhead: Sequence[str | None] = ()) -> bool:
        """Whether the week prints on one page at the smallest level (else the print view warns)."""
        return _fits(self, PRINT_LEVELS[-1], letterhead)


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
# padding in mm: vertical, horizontal; the height of the letterhead, title and subtitle above the table
# in mm); the largest that fits is chosen by estimating the table's height from the text of each entry,
# wrapped word by word as the browser wraps it (the stylesheet's .dense, .very-dense and .tiny must agree
# with these numbers). The letterhead heights were measured in Chromium's print layout (the letterhead's
# own type is fixed; the subtitle and spacing follow the level's size).
PRINT_LEVELS = (("", 10.5, 1.3, (1.2, 2.0), 30.8), ("dense", 9.0, 1.2, (0.8, 1.5), 28.5),
                ("very-dense", 7.5, 1.15, (0.5, 1.2), 26.8), ("tiny", 6.5, 1.1, (0.4, 1.0), 25.5))
PRINT_PAGE_HEIGHT_MM = 190.0    # A4 landscape (210 mm) less the page's 10 mm margins (@page week-calendar)
PRINT_PAGE_WIDTH_MM = 273.0     # 297 mm less 12 mm margins
PRINT_DAY_COLUMN_MM = 22.0      # .sheet-table col.col-day
PRINT_SPARE_MM = 1.0            # rounding: the estimate keeps within half a millimetre of Chromium's table
PRINT_LETTERHEAD_PT = 11.0      # the issuing bodies' names (.issuer-parent, .issuer-name), in capitals
_LETTERHEAD_HALF_MM = (PRINT_PAGE_WIDTH_MM - 4.2) / 2  # each half of .sheet-head, less the 1rem gap
_MM_PER_PT = 0.3528
_BORDER_MM = 0.26               # a 1 px rule
_BOLD_WIDER = 1.08              # bold capitals against the regular widths below
# Advance widths (thousandths of an em) of Liberation Serif, metric-compatible with Times New Roman, for
# the letters without their marks (a Vietnamese letter is as wide as its base letter); others count 0.5 em.
_WIDTHS = dict(zip(
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~–",
    (250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, *([500] * 10), 278, 278,
     564, 564, 564, 444, 921, 722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556,
     722, 667, 556, 611, 722, 722, 944, 722, 722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444,
     333, 500, 500, 278, 278, 500, 278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444,
     480, 200, 480, 541, 500), strict=True))


def entry_text(occurrence: Occurrence) -> str:
    """What the print view writes for an entry (week_print.html), for estimating its height."""
    meeting = occurrence.meeting
    parts = []
    if occurrence.start_time:
        parts.append("00:00–00:00:" if occurrence.end_time else "00:00:")
    mark = CLASSIFICATION_MARKS.get(getattr(meeting, "classification", None))
    if mark:
        parts.append(f"[{mark}]")
    parts.append(meeting.title)
    if occurrence.cancelled:
        parts.append("(đã hủy)")
    elif occurrence.moved:
        parts.append("(dời từ 00/00)")
    text = " ".join(parts)
    if meeting.presiding:
        text += ". Chủ trì: " + ", ".join(p.full_name for p in meeting.presiding)
    if occurrence.venue:
        text += f". Địa điểm: {occurrence.venue}"
    return text + "."


def _em(word: str) -> float:
    return sum(_WIDTHS.get(ch, 500) for ch in strip_diacritics(word)) / 1000


def text_lines(text: str, width_em: float) -> int:
    """The lines a paragraph takes in a column ``width_em`` wide, wrapped between words."""
    lines, used = 1, 0.0
    space = _WIDTHS[" "] / 1000
    for word in text.split():
        width = _em(word)
        if used and used + space + width <= width_em:
            used += space + width
            continue
        if used:
            lines += 1
        while width > width_em:  # a word wider than the column breaks where it must
            lines += 1
            width -= width_em
        used = width
    return lines


def _table_height(week: Week, size: float, line_height: float, padding: tuple[float, float]) -> float:
    vertical, horizontal = padding
    line = size * _MM_PER_PT * line_height
    half_mm = (PRINT_PAGE_WIDTH_MM - PRINT_DAY_COLUMN_MM) / 2 - 2 * horizontal - _BORDER_MM
    width_em = half_mm / (size * _MM_PER_PT)
    gap = 0.3 * size * _MM_PER_PT  # .sheet-entry's margin between entries
    height = line + 2 * vertical + 2 * _BORDER_MM  # the table's head
    for day in week.days:
        halves = []
        for half in (day.morning, day.afternoon):
            lines = sum(text_lines(entry_text(o), width_em) for o in half)
            halves.append(lines * line + max(len(half) - 1, 0) * gap)
        height += max(2 * line, *halves) + 2 * vertical + _BORDER_MM
    return height


def _letterhead_extra(letterhead: Sequence[str | None], line_height: float) -> float:
    """The height a long name adds to the letterhead: the measured heights hold one line per name."""
    width_em = _LETTERHEAD_HALF_MM / (PRINT_LETTERHEAD_PT * _MM_PER_PT) / _BOLD_WIDER
    extra = sum(text_lines(name.upper(), width_em) - 1 for name in letterhead if name)
    return extra * PRINT_LETTERHEAD_PT * _MM_PER_PT * line_height


def _fits(week: Week, level: tuple, letterhead: Sequence[str | None] = ()) -> bool:
    _name, size, line_height, padding, head = level
    room = PRINT_PAGE_HEIGHT_MM - head - _letterhead_extra(letterhead, line_height) - PRINT_SPARE_MM
    return _table_height(week, size, line_height, padding) <= room


def print_density(week: Week, letterhead: Sequence[str | None] = ()) -> str:
    for level in PRINT_LEVELS:
        if _fits(week, level, letterhead):
            return level[0]
    return PRINT_LEVELS[-1][0]

