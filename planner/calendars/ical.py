"""iCalendar documents from plain event data, built with the icalendar library.

Every input is plain data (no models), so feeds, single downloads and e-mail attachments share
one builder. The output is deterministic: the same data gives the same bytes, which is what lets
an unchanged feed keep its ETag and answer 304.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress, vRecur, vText

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


def build_calendar(data: CalendarData) -> bytes:
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
        calendar.add("x-published-ttl", timedelta(minutes=data.refresh_minutes))
    zones = sorted({data.tzid, *(e.tzid for e in data.events)})
    for tzid in zones:
        calendar.add_component(Timezone.from_tzid(tzid, first_date=ZONE_FIRST, last_date=ZONE_LAST))
    # A series first, then its overrides, each group in a stable order.
    for event in sorted(data.events, key=lambda e: (e.uid, e.recurrence_id is not None, str(e.recurrence_id))):
        calendar.add_component(_event(event))
    return calendar.to_ical()
