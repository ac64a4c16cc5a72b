"""iCalendar documents from plain event data, built with the icalendar library.

Every input is plain data (no models), so feeds, single downloads and e-mail attachments share
one builder. The output is deterministic: the same data gives the same bytes, which is what lets
an unchanged feed keep its ETag and answer 304.

Speed: the icalendar library spends about half a millisecond on each event, too slow for a feed of
hundreds of items polled by every delegate's phone. Since the output is a pure function of the data,
each event's bytes are kept in a bounded cache keyed by the event's data (and each time zone's
VTIMEZONE by its id), and lines are folded with a fast path for short lines; the result is byte for
byte what ``Calendar.to_ical()`` writes (tests/calendars/test_ical.py checks it). A cache of pure
results needs no agreement between workers: each process fills its own.

A cold process (after a restart, or a worker that never built the feed) would still pay the library for
every event: so each agenda release keeps its events' bytes, written once when the release is made
(calendars.services.freezing), each named by ``event_digest`` of its data. A calendar passed those bytes
(``CalendarData.frozen``) takes an event from them when its data are the same, and builds it otherwise.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import astuple, dataclass, field, fields
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Component, Event, Timezone, vCalAddress, vDuration, vRecur, vText

from planner.core.lru import LRU

PRODID = "-//Planner//Meetings and conferences//VI"
# VTIMEZONE rules are written for this span; enough for every meeting a feed will hold.
ZONE_FIRST = date(2000, 1, 1)
ZONE_LAST = date(2040, 1, 1)


@dataclass
class Attendee:
    email: str
    name: str = ""
    role: str = "REQ-PARTICIPANT"
    rsvp: bool = True
    partstat: str = "NEEDS-ACTION"


@dataclass
class EventData:
    uid: str
    summary: str
    start: datetime | date
    end: datetime | date
    tzid: str
    dtstamp: datetime                       # from the release, never the clock
    sequence: int = 0
    last_modified: datetime | None = None
    location: str = ""
    description: str = ""
    categories: list[str] = field(default_factory=list)
    status: str = "CONFIRMED"               # CONFIRMED, TENTATIVE, CANCELLED
    url: str = ""
    classification: str = "PUBLIC"          # PUBLIC, PRIVATE, CONFIDENTIAL
    rrule: str | None = None                # "FREQ=WEEKLY;BYDAY=MO;COUNT=20"
    exdates: list[datetime] = field(default_factory=list)
    recurrence_id: datetime | None = None   # this event overrides that occurrence of the series
    organizer: Attendee | None = None
    attendees: list[Attendee] = field(default_factory=list)


@dataclass
class CalendarData:
    name: str
    tzid: str
    events: list[EventData]
    method: str | None = None               # PUBLISH for downloads, REQUEST for invitations
    refresh_minutes: int | None = 60        # how often a subscriber should poll
    description: str = ""
    # Events' bytes written when their release was made, by event_digest: taken where the data match.
    frozen: Mapping[str, bytes] = field(default_factory=dict)


def _local(value: datetime | date, tz: ZoneInfo) -> datetime | date:
    if isinstance(value, datetime):
        return value.astimezone(tz)
    return value


def _event(data: EventData) -> Event:
    tz = ZoneInfo(data.tzid)
    event = Event()
    event.add("uid", data.uid)
    event.add("dtstamp", data.dtstamp.astimezone(ZoneInfo("UTC")))
    event.add("dtstart", _local(data.start, tz))
    event.add("dtend", _local(data.end, tz))
    event.add("summary", vText(data.summary))
    event.add("sequence", data.sequence)
    event.add("status", data.status)
    event.add("class", data.classification)
    event.add("transp", "OPAQUE")
    if data.last_modified is not None:
        event.add("last-modified", data.last_modified.astimezone(ZoneInfo("UTC")))
    if data.location:
        event.add("location", vText(data.location))
    if data.description:
        event.add("description", vText(data.description))
    if data.categories:
        event.add("categories", data.categories)
    if data.url:
        event.add("url", data.url)
    if data.rrule:
        event.add("rrule", vRecur.from_ical(data.rrule))
    for exdate in data.exdates:
        event.add("exdate", _local(exdate, tz))
    if data.recurrence_id is not None:
        event.add("recurrence-id", _local(data.recurrence_id, tz))
    if data.organizer is not None:
        organizer = vCalAddress(f"mailto:{data.organizer.email}")
        if data.organizer.name:
            organizer.params["cn"] = data.organizer.name
        event.add("organizer", organizer)
    for person in data.attendees:
        attendee = vCalAddress(f"mailto:{person.email}")
        attendee.params.update({"role": person.role, "partstat": person.partstat,
                                "rsvp": "TRUE" if person.rsvp else "FALSE"})
        if person.name:
            attendee.params["cn"] = person.name
        event.add("attendee", attendee)
    return event


# Serialization ------------------------------------------------------------------------------------

FOLD_LIMIT = 75
CRLF = b"\r\n"


def _fold(line: str) -> str:
    """RFC 5545 folding exactly as icalendar's ``_foldline`` does it, quick for the short lines."""
    if len(line) < FOLD_LIMIT // 4 or len(line.encode("utf-8")) < FOLD_LIMIT:
        return line
    folded: list[str] = []
    current: list[str] = []
    count = 0
    for char in line:
        size = len(char.encode("utf-8"))
        if current and count + size >= FOLD_LIMIT:
            # Keep a backslash or caret escape on one line, as icalendar does (its issue #1501).
            if len(current) > 1 and current[-1] in "\\^":
                escape = current.pop()
                folded.append("".join(current))
                current, count = [escape], len(escape.encode("utf-8"))
            else:
                folded.append("".join(current))
                current, count = [], 0
        current.append(char)
        count += size
    if current:
        folded.append("".join(current))
    return "\r\n ".join(folded)


def _serialize(component: Component) -> bytes:
    """The component's content lines, folded: what ``component.to_ical()`` gives, faster."""
    return b"".join(_fold(line).encode("utf-8") + CRLF for line in component.content_lines() if line)


def timezone_component(tzid: str) -> Timezone:
    """The VTIMEZONE of a zone, readable by every client.

    icalendar writes each onset series as one RDATE with many values; ical.js (Thunderbird, many web
    calendars) reads only the first value of an RDATE and skips DTSTART when there are RDATEs, so it
    would put a whole DST season in the wrong offset. One RDATE line per onset, DTSTART included, means
    the same to RFC 5545 and is read right by both."""
    zone = Timezone.from_tzid(tzid, first_date=ZONE_FIRST, last_date=ZONE_LAST)
    for part in zone.subcomponents:
        found = part.get("RDATE")
        if found is None:
            continue
        values = [d.dt for group in (found if isinstance(found, list) else [found]) for d in group.dts]
        del part["RDATE"]
        for onset in sorted({part.decoded("DTSTART"), *values}):
            part.add("rdate", onset)
    return zone


@lru_cache(maxsize=64)
def _zone_bytes(tzid: str) -> bytes:
    return _serialize(timezone_component(tzid))


# Bytes of rendered events by their data.
EVENT_CACHE = LRU(50_000)


def _freeze(value: Any) -> Any:
    if isinstance(value, datetime):
        # Equal instants in other zones are written differently: the zone is part of the key.
        return (value, value.tzinfo)
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, Attendee):
        return astuple(value)
    return value


_EVENT_FIELDS = tuple(f.name for f in fields(EventData))
_PLAIN = (str, int, type(None))


def _event_key(data: EventData) -> tuple[Any, ...]:
    values = [getattr(data, name) for name in _EVENT_FIELDS]
    return tuple(v if isinstance(v, _PLAIN) else _freeze(v) for v in values)


# Raised whenever _event or _serialize writes an event differently: the bytes kept with older releases then
# no longer match any digest, and their events are built again.
EVENT_FORMAT = 1


def _digest(key: tuple[Any, ...]) -> str:
    # repr of plain values (str, int, datetimes with their zone, tuples) is the same in every process.
    return hashlib.sha256(repr((EVENT_FORMAT, key)).encode()).hexdigest()


def event_digest(data: EventData) -> str:
    """The name of an event's bytes: the same data (and builder) give the same digest, in any process."""
    return _digest(_event_key(data))


def render_event(data: EventData) -> bytes:
    """One VEVENT built by the icalendar library and serialized: what a release keeps of each event."""
    return _serialize(_event(data))


def event_bytes(data: EventData, frozen: Mapping[str, bytes] | None = None) -> bytes:
    key = _event_key(data)
    found = EVENT_CACHE.get(key)
    if found is None:
        found = frozen.get(_digest(key)) if frozen else None
        if found is None:
            found = render_event(data)
        EVENT_CACHE.put(key, found)
    return found


def _calendar(data: CalendarData) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if data.method:
        calendar.add("method", data.method)
    calendar.add("x-wr-calname", data.name)
    calendar.add("x-wr-timezone", data.tzid)
    if data.description:
        calendar.add("x-wr-caldesc", data.description)
    if data.refresh_minutes:
        # RFC 7986 and the older Microsoft/Apple spelling: clients honour one or the other.
        calendar.add("refresh-interval", timedelta(minutes=data.refresh_minutes), parameters={"VALUE": "DURATION"})
        # An X- property is text unless typed: without vDuration it would read "1:00:00".
        calendar.add("x-published-ttl", vDuration(timedelta(minutes=data.refresh_minutes)))
    return calendar


def _zones(data: CalendarData) -> list[str]:
    return sorted({data.tzid, *(e.tzid for e in data.events)})


def _ordered(events: list[EventData]) -> list[EventData]:
    # A series first, then its overrides, each group in a stable order.
    return sorted(events, key=lambda e: (e.uid, e.recurrence_id is not None, str(e.recurrence_id)))


def build_calendar(data: CalendarData) -> bytes:
    head = _serialize(_calendar(data))
    end = b"END:VCALENDAR" + CRLF
    assert head.endswith(end)
    parts = [head[: -len(end)]]
    parts.extend(_zone_bytes(tzid) for tzid in _zones(data))
    parts.extend(event_bytes(event, data.frozen) for event in _ordered(data.events))
    parts.append(end)
    return b"".join(parts)


def build_calendar_plain(data: CalendarData) -> bytes:
    """The same document through icalendar's own ``to_ical()``, no cache: the reference for the tests."""
    calendar = _calendar(data)
    for tzid in _zones(data):
        calendar.add_component(timezone_component(tzid))
    for event in _ordered(data.events):
        calendar.add_component(_event(event))
    return calendar.to_ical()
