"""Working days: weekends and public holidays skipped, for deadlines such as the conclusion notice
(due within 5 working days after the meeting) and the invitation (at least 3 working days before).

Pure functions over a set of holidays; the defaults are Vietnam's public holidays as the office
observes them (days off on weekdays, compensatory days included). An organization keeps its own
list in its document settings, because each year's Tết and compensatory days are announced late.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from planner.core.inputs import FIRST_DAY, LAST_DAY

# Days off on weekdays (Bộ luật Lao động 2019, Điều 112, and the yearly announcements). Tết Nguyên đán
# 2027 and the 2/9 adjacent days are *(practice)* until announced: edit them in the settings.
VIETNAM_HOLIDAYS: tuple[date, ...] = (
    # 2026
    date(2026, 1, 1),                        # Tết Dương lịch
    date(2026, 2, 16), date(2026, 2, 17), date(2026, 2, 18), date(2026, 2, 19),
    date(2026, 2, 20),                       # Tết Nguyên đán Bính Ngọ (14/2–22/2)
    date(2026, 4, 27),                       # Giỗ Tổ Hùng Vương (10/3 âm lịch, Sunday 26/4): compensatory day
    date(2026, 4, 30), date(2026, 5, 1),     # Ngày Chiến thắng, Quốc tế Lao động
    date(2026, 9, 1), date(2026, 9, 2),      # Quốc khánh and the adjacent day
    # 2027
    date(2027, 1, 1),                        # Tết Dương lịch
    date(2027, 2, 5), date(2027, 2, 8), date(2027, 2, 9), date(2027, 2, 10),
    date(2027, 2, 11),                       # Tết Nguyên đán Đinh Mùi (6/2 is mùng 1)
    date(2027, 4, 16),                       # Giỗ Tổ Hùng Vương (10/3 âm lịch)
    date(2027, 4, 30), date(2027, 5, 3),     # 30/4; 1/5 falls on a Saturday: compensatory Monday
    date(2027, 9, 2), date(2027, 9, 3),      # Quốc khánh and the adjacent day
)

WEEKEND = frozenset({5, 6})  # Saturday, Sunday (date.weekday())


def is_working_day(day: date, holidays: Iterable[date] = VIETNAM_HOLIDAYS) -> bool:
    return day.weekday() not in WEEKEND and day not in set(holidays)


def add_working_days(start: date, days: int, holidays: Iterable[date] = VIETNAM_HOLIDAYS) -> date:
    """The day that is ``days`` working days after ``start`` (before it, for a negative count).

    ``start`` itself is not counted: a meeting on Friday with 5 working days to answer is due on
    the next Friday (Monday to Friday are the five days), later if holidays fall between.
    """
    off = set(holidays)
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    day = start
    while remaining:
        day += timedelta(days=step)
        if day.weekday() not in WEEKEND and day not in off:
            remaining -= 1
    return day


def working_days_between(start: date, end: date, holidays: Iterable[date] = VIETNAM_HOLIDAYS) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` comes first)."""
    if end < start:
        return -working_days_between(end, start, holidays)
    off = set(holidays)
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if day.weekday() not in WEEKEND and day not in off:
            count += 1
    return count


def parse_holidays(text: str) -> tuple[list[date], list[str]]:
    """Days from text, one per line (``2026-09-02`` or ``02/09/2026``); a comment may follow ``#``.

    Returns the days (sorted, without repeats) and the lines that are not a day.
    """
    days: set[date] = set()
    bad: list[str] = []
    for raw in (text or "").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        day = parse_day(line)
        if day is None:
            bad.append(raw.strip())
        else:
            days.add(day)
    return sorted(days), bad


def parse_day(text: str) -> date | None:
    """A holiday written ``2026-09-02`` or ``02/09/2026``, within the days the app works with; else None."""
    try:
        found: date | None = date.fromisoformat(text)
    except ValueError:
        found = None
        parts = text.replace(".", "/").replace("-", "/").split("/")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            day, month, year = (int(p) for p in parts)
            try:
                found = date(year, month, day)
            except ValueError:
                return None
    return found if found is not None and FIRST_DAY <= found <= LAST_DAY else None
