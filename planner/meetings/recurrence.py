"""Recurring meetings: RFC 5545 RRULEs made from form fields, read back, checked, and expanded.

Pure functions (no session, no request). Expansion is python-dateutil's ``rrule``: the rule's
DTSTART is the meeting's first day at its start time in its own time zone, so a weekly briefing at
8:00 stays at 8:00 local time whatever the offsets do. The exceptions of a series
(``OccurrenceChange``: cancelled or moved occurrences, iCal's EXDATE and RECURRENCE-ID) are applied
on top.

What is stored is a small, canonical subset of RFC 5545 that the edit form can show again:
``FREQ=WEEKLY`` with ``BYDAY`` weekdays, or ``FREQ=MONTHLY`` with one ``BYDAY`` "nth weekday of the
month" (``1MO`` … ``4MO``, ``-1FR`` for the last Friday); ``INTERVAL``; and ``UNTIL`` (a UTC time,
the end of the last day in the meeting's zone, as RFC 5545 requires with a zoned DTSTART) or
``COUNT``, never both.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from dateutil.rrule import rrule, rrulestr
from flask_babel import gettext as _
from flask_babel import ngettext

from planner.core.inputs import day_problem

if TYPE_CHECKING:
    from planner.meetings.models import Meeting, OccurrenceChange

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ORDINALS = (1, 2, 3, 4, -1)
FREQUENCIES = ("weekly", "monthly")
MAX_INTERVAL = 52
# No series is expanded beyond this many occurrences, whatever the rule or the range asked for.
MAX_OCCURRENCES = 1000
_ALLOWED_PARTS = {"FREQ", "INTERVAL", "BYDAY", "COUNT", "UNTIL", "WKST"}
_BYDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_UNTIL = re.compile(r"^(\d{8})(?:T(\d{6})(Z)?)?$")


class RecurrenceError(ValueError):
    """A rule that cannot be stored, with a message for the user (translated)."""

    def __init__(self, message: str, field: str = "recurrence"):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class RuleFields:
    """The recurrence as the edit form shows it."""

    freq: str = "weekly"                                   # weekly | monthly
    interval: int = 1
    weekdays: list[str] = field(default_factory=list)      # weekly: MO…SU
    nth: int = 1                                           # monthly: 1…4, or -1 for the last
    weekday: str = "MO"                                    # monthly: the weekday
    until: date | None = None                              # last day (local), inclusive
    count: int | None = None


@dataclass(frozen=True)
class Occurrence:
    """One appearance of a meeting: the meeting itself, or one occurrence of a recurring one."""

    meeting: Meeting
    original_date: date        # the identity of the occurrence (iCal RECURRENCE-ID), as the rule gives it
    day: date                  # first day it takes place (the new day when moved)
    last_day: date
    start_time: time | None
    end_time: time | None
    venue: str
    recurring: bool = False
    cancelled: bool = False
    moved: bool = False
    note: str = ""

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.meeting.timezone)

    @property
    def starts_at(self) -> datetime:
        """Aware local start (midnight when the meeting has no start time)."""
        return datetime.combine(self.day, self.start_time or time.min, self.zone)

    @property
    def ends_at(self) -> datetime | None:
        if self.end_time is None:
            return None
        return datetime.combine(self.last_day, self.end_time, self.zone)

    @property
    def days(self) -> list[date]:
        return [self.day + timedelta(days=n) for n in range((self.last_day - self.day).days + 1)]

    def sort_key(self) -> tuple[Any, ...]:
        return (self.day, self.start_time or time.min, self.meeting.title, self.meeting.id or 0)


# Building and reading rules ----------------------------------------------------------------------

def _zone(timezone: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise RecurrenceError(_("Unknown time zone: %(tz)s", tz=timezone), field="timezone") from None


def _until_utc(until: date, timezone: str) -> str:
    """The end of the last day in the meeting's zone, in UTC: RFC 5545's UNTIL for a zoned DTSTART."""
    end_of_day = datetime.combine(until, time(23, 59, 59), _zone(timezone))
    return end_of_day.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _until_date(value: str, timezone: str) -> date:
    match = _UNTIL.match(value)
    if not match:
        raise RecurrenceError(_("The end date of the repetition is not a date: %(value)s", value=value))
    day_part, time_part, utc = match.groups()
    try:
        day = datetime.strptime(day_part, "%Y%m%d").date()
    except ValueError:
        raise RecurrenceError(_("The end date of the repetition is not a date: %(value)s", value=value)) from None
    problem = day_problem(day)
    if problem:   # before a time zone moves it past the year 9999
        raise RecurrenceError(problem, field="until")
    try:
        if time_part is None:
            return day
        moment = datetime.strptime(day_part + time_part, "%Y%m%d%H%M%S")
    except ValueError:
        raise RecurrenceError(_("The end date of the repetition is not a date: %(value)s", value=value)) from None
    if utc:
        return moment.replace(tzinfo=UTC).astimezone(_zone(timezone)).date()
    return moment.date()


def build_rule(fields: RuleFields, timezone: str) -> str:
    """The canonical RRULE (without the ``RRULE:`` prefix) for the form's fields; checks them first."""
    freq = (fields.freq or "").lower()
    if freq not in FREQUENCIES:
        raise RecurrenceError(_("A meeting repeats weekly or monthly."), field="freq")
    try:
        interval = int(fields.interval or 1)
    except (TypeError, ValueError):
        raise RecurrenceError(_("Enter how often the meeting repeats, e.g. 1 or 2."), field="interval") from None
    if not 1 <= interval <= MAX_INTERVAL:
        raise RecurrenceError(_("The interval must be between 1 and %(max)d.", max=MAX_INTERVAL), field="interval")
    parts = [f"FREQ={freq.upper()}"]
    if interval != 1:
        parts.append(f"INTERVAL={interval}")
    if freq == "weekly":
        days = [d.upper() for d in fields.weekdays or []]
        if not days:
            raise RecurrenceError(_("Choose the weekday(s) on which the meeting takes place."), field="weekdays")
        if any(d not in WEEKDAYS for d in days):
            raise RecurrenceError(_("Unknown weekday."), field="weekdays")
        parts.append("BYDAY=" + ",".join(d for d in WEEKDAYS if d in days))
    else:
        weekday = (fields.weekday or "").upper()
        if weekday not in WEEKDAYS:
            raise RecurrenceError(_("Unknown weekday."), field="weekday")
        if fields.nth not in ORDINALS:
            raise RecurrenceError(_("Choose the first, second, third, fourth or last weekday of the month."),
                                  field="nth")
        parts.append(f"BYDAY={fields.nth}{weekday}")
    if fields.until is not None and fields.count is not None:
        raise RecurrenceError(_("Give either an end date or a number of occurrences, not both."), field="count")
    if fields.count is not None:
        if not 1 <= fields.count <= MAX_OCCURRENCES:
            raise RecurrenceError(_("The number of occurrences must be between 1 and %(max)d.",
                                    max=MAX_OCCURRENCES), field="count")
        parts.append(f"COUNT={fields.count}")
    if fields.until is not None:
        problem = day_problem(fields.until)
        if problem:
            raise RecurrenceError(problem, field="until")
        parts.append(f"UNTIL={_until_utc(fields.until, timezone)}")
    return ";".join(parts)


def _split(rule: str) -> dict[str, str]:
    text = (rule or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if not text or "\n" in text:
        raise RecurrenceError(_("The repetition rule is not a valid RRULE."))
    parts: dict[str, str] = {}
    for chunk in text.strip(";").split(";"):
        key, sep, value = chunk.partition("=")
        key, value = key.strip().upper(), value.strip().upper()
        if not sep or not key or not value:
            raise RecurrenceError(_("The repetition rule is not a valid RRULE."))
        if key not in _ALLOWED_PARTS:
            raise RecurrenceError(_("Repetition rules may use FREQ, INTERVAL, BYDAY, COUNT and UNTIL only, "
                                    "not %(part)s.", part=key))
        if key in parts:
            raise RecurrenceError(_("The repetition rule names %(part)s twice.", part=key))
        parts[key] = value
    return parts


def parse_rule(rule: str, timezone: str) -> RuleFields:
    """The form's fields for a stored (or received) rule; refuses what the form could not show."""
    parts = _split(rule)
    freq = parts.get("FREQ", "")
    if freq not in ("WEEKLY", "MONTHLY"):
        raise RecurrenceError(_("A meeting repeats weekly or monthly (FREQ=WEEKLY or FREQ=MONTHLY)."))
    fields = RuleFields(freq=freq.lower())
    if "INTERVAL" in parts:
        if not parts["INTERVAL"].isdigit():
            raise RecurrenceError(_("The interval must be between 1 and %(max)d.", max=MAX_INTERVAL), field="interval")
        fields.interval = int(parts["INTERVAL"])
    byday = [d for d in parts.get("BYDAY", "").split(",") if d]
    matches = [_BYDAY.match(d) for d in byday]
    if any(m is None for m in matches):
        raise RecurrenceError(_("Unknown weekday."), field="weekdays")
    if fields.freq == "weekly":
        if any(m.group(1) for m in matches if m):
            raise RecurrenceError(_("A weekly rule names plain weekdays (BYDAY=MO,TH)."), field="weekdays")
        fields.weekdays = [m.group(2) for m in matches if m]
    else:
        if len(matches) != 1 or not matches[0] or not matches[0].group(1):
            raise RecurrenceError(_("A monthly rule names one weekday of the month, e.g. BYDAY=1MO (the first "
                                    "Monday) or BYDAY=-1FR (the last Friday)."), field="weekday")
        fields.nth = int(matches[0].group(1))
        fields.weekday = matches[0].group(2)
        if fields.nth not in ORDINALS:
            raise RecurrenceError(_("Choose the first, second, third, fourth or last weekday of the month."),
                                  field="nth")
    if "COUNT" in parts:
        if not parts["COUNT"].isdigit():
            raise RecurrenceError(_("The number of occurrences must be between 1 and %(max)d.",
                                    max=MAX_OCCURRENCES), field="count")
        fields.count = int(parts["COUNT"])
    if "UNTIL" in parts:
        fields.until = _until_date(parts["UNTIL"], timezone)
    return fields


def _dtstart(starts_on: date, start_time: time | None, timezone: str) -> datetime:
    return datetime.combine(starts_on, start_time or time.min, _zone(timezone))


def _rrule(rule: str, starts_on: date, start_time: time | None, timezone: str) -> rrule:
    return rrulestr(rule, dtstart=_dtstart(starts_on, start_time, timezone))  # type: ignore[return-value]


def normalize_rule(rule: str | None, *, starts_on: date, start_time: time | None, timezone: str,
                   previous_timezone: str | None = None) -> str | None:
    """Check a rule against the meeting and give its canonical form; empty means "does not repeat".

    ``previous_timezone``: the zone an existing rule's UNTIL was written for (when the meeting's zone
    changes, the last day stays the same local day).
    """
    if rule is None or not str(rule).strip():
        return None
    if len(str(rule)) > 400:
        raise RecurrenceError(_("The repetition rule is too long."))
    fields = parse_rule(str(rule), previous_timezone or timezone)
    canonical = build_rule(fields, timezone)
    if fields.until is not None and fields.until < starts_on:
        raise RecurrenceError(_("The repetition cannot end before the meeting's first day."), field="until")
    try:
        expansion = _rrule(canonical, starts_on, start_time, timezone)
        first = next(iter(expansion), None)
    except (ValueError, TypeError):
        raise RecurrenceError(_("The repetition rule is not a valid RRULE.")) from None
    if first is None:
        raise RecurrenceError(_("This repetition rule gives no occurrence at all."))
    if first.date() != starts_on:
        raise RecurrenceError(
            _("The first day (%(day)s) must be one of the occurrences; by this rule the first is %(first)s.",
              day=starts_on.isoformat(), first=first.date().isoformat()),
            field="starts_on",
        )
    return canonical


# Expansion --------------------------------------------------------------------------------------

def _single(meeting: Meeting) -> Occurrence:
    return Occurrence(meeting=meeting, original_date=meeting.starts_on, day=meeting.starts_on,
                      last_day=meeting.ends_on, start_time=meeting.start_time, end_time=meeting.end_time,
                      venue=meeting.venue or "")


def _apply(occurrence: Occurrence, change: OccurrenceChange | None) -> Occurrence:
    if change is None:
        return occurrence
    if change.cancelled:
        return replace(occurrence, cancelled=True, note=change.note or "")
    if change.new_date is None and change.new_start_time is None and change.new_end_time is None \
            and change.new_venue is None:
        return replace(occurrence, note=change.note or "")
    new_day = change.new_date or occurrence.day
    length = occurrence.last_day - occurrence.day
    return replace(
        occurrence,
        day=new_day,
        last_day=new_day + length,
        start_time=change.new_start_time if change.new_start_time is not None else occurrence.start_time,
        end_time=change.new_end_time if change.new_end_time is not None else occurrence.end_time,
        venue=change.new_venue if change.new_venue else occurrence.venue,
        moved=True,
        note=change.note or "",
    )


def original_dates(meeting: Meeting, start: date, end: date) -> list[date]:
    """The days the rule gives from ``start`` to ``end`` (inclusive), before any change; at most MAX_OCCURRENCES."""
    if not meeting.recurrence:
        return [meeting.starts_on] if start <= meeting.starts_on <= end else []
    zone = _zone(meeting.timezone)
    rule = _rrule(meeting.recurrence, meeting.starts_on, meeting.start_time, meeting.timezone)
    after = datetime.combine(max(start, meeting.starts_on), time.min, zone)
    days: list[date] = []
    for moment in rule.xafter(after, count=MAX_OCCURRENCES, inc=True):
        if moment.date() > end:
            break
        days.append(moment.date())
    return days


def is_occurrence(meeting: Meeting, day: date) -> bool:
    """Whether the rule gives an occurrence on ``day`` (for a single meeting: its first day)."""
    return day in original_dates(meeting, day, day)


def expand(meeting: Meeting, start: date, end: date, *, include_cancelled: bool = True) -> list[Occurrence]:
    """The occurrences of a meeting that touch the days ``start`` … ``end`` (inclusive), in order.

    Cancelled occurrences are listed (flagged) on their original day unless ``include_cancelled`` is
    false; moved ones appear on their new day (and not on the old one). A meeting that does not
    repeat is one occurrence. Uses ``meeting.occurrence_changes`` (eager-load it for lists).
    """
    if end < start:
        return []
    if not meeting.recurrence:
        single = _single(meeting)
        return [single] if single.day <= end and single.last_day >= start else []
    length = meeting.ends_on - meeting.starts_on
    changes = {c.original_date: c for c in meeting.occurrence_changes}
    # A moved occurrence may come into the range from a day outside it.
    wanted = set(original_dates(meeting, start - length, end))
    for original, change in changes.items():
        if change.new_date is not None and original not in wanted and \
                change.new_date <= end and change.new_date + length >= start and is_occurrence(meeting, original):
            wanted.add(original)
    occurrences: list[Occurrence] = []
    for original in sorted(wanted):
        base = Occurrence(meeting=meeting, original_date=original, day=original, last_day=original + length,
                          start_time=meeting.start_time, end_time=meeting.end_time, venue=meeting.venue or "",
                          recurring=True)
        occurrence = _apply(base, changes.get(original))
        if occurrence.cancelled and not include_cancelled:
            continue
        if occurrence.day <= end and occurrence.last_day >= start:
            occurrences.append(occurrence)
    occurrences.sort(key=Occurrence.sort_key)
    return occurrences[:MAX_OCCURRENCES]


# A recurring meeting (the weekly briefing) has its days around today: this far back and ahead.
RECURRING_WINDOW = timedelta(weeks=8)


def meeting_days(meeting: Meeting, today: date | None = None) -> list[date]:
    """The days of the meeting, in its own time zone: the one answer for every page, list and check.
    For a recurring meeting: the days of its occurrences (not cancelled, moved ones on their new day) from
    eight weeks back to eight ahead of ``today`` (the meeting's local today)."""
    if not meeting.recurrence:
        count = (meeting.ends_on - meeting.starts_on).days + 1
        return [meeting.starts_on + timedelta(days=n) for n in range(max(count, 1))]
    today = today or datetime.now(UTC).astimezone(_zone(meeting.timezone)).date()
    occurrences = expand(meeting, today - RECURRING_WINDOW, today + RECURRING_WINDOW, include_cancelled=False)
    return sorted({day for occurrence in occurrences for day in occurrence.days})


def is_meeting_day(meeting: Meeting, day: date) -> bool:
    if not meeting.recurrence:
        return meeting.starts_on <= day <= meeting.ends_on
    return any(day in o.days for o in expand(meeting, day, day, include_cancelled=False))


def expand_all(meetings: Iterable[Meeting], start: date, end: date, *,
               include_cancelled: bool = True) -> list[Occurrence]:
    """Occurrences of many meetings in one ordered list (the work calendar, the list by dates)."""
    found = [o for m in meetings for o in expand(m, start, end, include_cancelled=include_cancelled)]
    found.sort(key=Occurrence.sort_key)
    return found


def next_occurrences(meeting: Meeting, after: date, count: int) -> list[Occurrence]:
    """The next ``count`` occurrences from ``after`` (cancelled ones included, flagged)."""
    if not meeting.recurrence:
        return expand(meeting, after, date.max)
    days = original_dates(meeting, after, date(9999, 12, 31))[:count]
    if not days:
        return []
    return expand(meeting, after, days[-1])


# Words --------------------------------------------------------------------------------------------

def weekday_names(width: str = "wide") -> dict[str, str]:
    """MO…SU in the interface language (Babel: ``Thứ Hai``, ``Monday``)."""
    from babel.dates import get_day_names
    from flask_babel import get_locale

    names = get_day_names(width, locale=get_locale() or "vi")
    return {code: names[i] for i, code in enumerate(WEEKDAYS)}


def ordinal_labels() -> dict[int, str]:
    return {1: _("first"), 2: _("second"), 3: _("third"), 4: _("fourth"), -1: _("last")}


def describe(rule: str | None, timezone: str) -> str:
    """A sentence for people: ``Every week on Monday, until 31/12/2027``."""
    if not rule:
        return ""
    try:
        fields = parse_rule(rule, timezone)
    except RecurrenceError:
        return rule
    names = weekday_names()
    # Not ngettext: Vietnamese says "hằng tuần" for one week and "2 tuần một lần" for more, one plural form.
    if fields.freq == "weekly":
        days = ", ".join(names[d] for d in fields.weekdays)
        if fields.interval == 1:
            text = _("Every week on %(days)s", days=days)
        else:
            text = _("Every %(num)d weeks on %(days)s", num=fields.interval, days=days)
    else:
        nth, day = ordinal_labels()[fields.nth], names[fields.weekday]
        if fields.interval == 1:
            text = _("Every month on the %(nth)s %(day)s", nth=nth, day=day)
        else:
            text = _("Every %(num)d months on the %(nth)s %(day)s", num=fields.interval, nth=nth, day=day)
    if fields.until is not None:
        from planner.core.formatting import short_date

        text += ", " + _("until %(day)s", day=short_date(fields.until))
    elif fields.count is not None:
        text += ", " + ngettext("%(num)d time", "%(num)d times", fields.count)
    return text
