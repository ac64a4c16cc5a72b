"""What a calendar feed shows: agenda items, meetings and recurring series as event data.

Pure functions over plain data (a release's snapshot, the meeting's fields as plain values, the
speakers' names): no session, no request. The services load the data, these functions decide what
each reader may see, and ``calendars.ical`` writes the bytes.

Rules:
- An item's UID is its public id and never changes; its SEQUENCE is the release's per-item sequence
  (raised by every published change of the item); its DTSTAMP and LAST-MODIFIED are the time of the
  release that last changed it (or of a later change of its speakers), never the clock.
- Only leaf entries become events: the items of a session (the session's title, room and presiding
  persons go into their descriptions), and sessions without items.
- Confidentiality: an item whose own, session's or meeting's classification is mật or above is shown
  as "Cuộc họp (mật)" with its time only, or left out, by the organization's setting; whatever the
  reader's clearance. Internal items appear in staff feeds only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from planner.calendars.ical import EventData
from planner.core.permissions import Classification

UID_DOMAIN = "planner"
SHOW, WITHHOLD, OMIT = "show", "withhold", "omit"


def item_uid(public_id: str) -> str:
    return f"{public_id}@{UID_DOMAIN}"


def meeting_uid(public_id: str) -> str:
    return f"meeting-{public_id}@{UID_DOMAIN}"


def invitation_uid(public_id: str) -> str:
    return f"invitation-{public_id}@{UID_DOMAIN}"


@dataclass(frozen=True)
class Policy:
    """Who reads the feed: staff see internal items; classified ones are withheld or omitted."""

    staff: bool = False
    classified: str = WITHHOLD     # withhold | omit


@dataclass(frozen=True)
class Words:
    """The feed's texts, already translated into its language."""

    withheld: str = "Cuộc họp (mật)"
    session: str = "Session"
    presiding: str = "Presiding"
    performer: str = "Performed by"
    speakers: str = "Speakers"
    item_kinds: Mapping[str, str] = field(default_factory=dict)
    meeting_kinds: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MeetingInfo:
    """A meeting's fields as plain values."""

    public_id: str
    title: str
    tzid: str
    kind: str = "meeting"
    venue: str = ""
    city: str = ""
    classification: str = "none"
    description: str = ""
    link: str = ""              # where the reader of this feed can see the programme ("" for none)
    tentative: bool = False     # a draft: shown to staff as TENTATIVE


_RANKS = {c.value: c.rank for c in Classification}


def _rank(level: str | None) -> int:
    return _RANKS[str(level or "none")]


def treatment(levels: Iterable[str | None], policy: Policy, *, internal_levels: Iterable[str | None] = ()) -> str:
    """show, withhold or omit: ``levels`` are the classifications that may make content classified (the
    item's, its session's, its meeting's); ``internal_levels`` those that make it internal, for staff only
    (the item's and its session's: a meeting's own "internal" only keeps it off public pages)."""
    top = max((_rank(level) for level in levels), default=0)
    if top >= Classification.confidential.rank:
        return OMIT if policy.classified == OMIT else WITHHOLD
    inner = max((_rank(level) for level in internal_levels), default=0)
    if inner >= Classification.internal.rank and not policy.staff:
        return OMIT
    return SHOW


# Agenda items -------------------------------------------------------------------------------------

def leaves(snapshot: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Ids of the entries that hold no other entry, in programme order."""
    parents = {entry.get("parent") for entry in snapshot.values() if entry.get("parent")}
    ids = [item_id for item_id in snapshot if item_id not in parents]
    return sorted(ids, key=lambda i: (snapshot[i]["starts_at"], snapshot[i].get("position", 0), i))


def _cancelled(snapshot: Mapping[str, Mapping[str, Any]], item_id: str) -> bool:
    entry = snapshot[item_id]
    parent = snapshot.get(entry.get("parent") or "")
    return entry.get("status") == "cancelled" or (parent is not None and parent.get("status") == "cancelled")


def plenary(snapshot: Mapping[str, Mapping[str, Any]]) -> set[str]:
    """Leaf entries that run alone: nothing else scheduled overlaps them (everyone attends them).

    Parallel tracks (items in several rooms at the same time) are not plenary; a cancelled item is
    plenary if no scheduled item overlaps it. One sort and two sweeps: O(n log n)."""
    ids = leaves(snapshot)
    spans = {i: (datetime.fromisoformat(snapshot[i]["starts_at"]), datetime.fromisoformat(snapshot[i]["ends_at"]))
             for i in ids}
    live = sorted((i for i in ids if not _cancelled(snapshot, i)), key=lambda i: spans[i])
    busy: set[str] = set()
    latest_end: datetime | None = None
    for n, item_id in enumerate(live):
        start, end = spans[item_id]
        if latest_end is not None and latest_end > start:
            busy.add(item_id)
        if n + 1 < len(live) and spans[live[n + 1]][0] < end:
            busy.add(item_id)
        latest_end = end if latest_end is None or end > latest_end else latest_end
    result = {i for i in live if i not in busy}
    for item_id in ids:
        if _cancelled(snapshot, item_id):
            start, end = spans[item_id]
            if not any(spans[o][0] < end and start < spans[o][1] for o in live):
                result.add(item_id)
    return result


def chosen_items(snapshot: Mapping[str, Mapping[str, Any]], *, presiding: Iterable[str] = (),
                 speaking: Iterable[str] = ()) -> set[str]:
    """A delegate's items: the plenary ones, and those they preside over (a session: all its items) or
    speak at."""
    chosen = plenary(snapshot)
    own = set(presiding) | set(speaking)
    for item_id in leaves(snapshot):
        parent = snapshot[item_id].get("parent")
        if item_id in own or (parent and parent in own):
            chosen.add(item_id)
    return chosen


def _location(*parts: str | None) -> str:
    return ", ".join(p.strip() for p in parts if p and p.strip())


def _description(lines: Iterable[str]) -> str:
    return "\n".join(line for line in lines if line)


def item_events(
    meeting: MeetingInfo,
    snapshot: Mapping[str, Mapping[str, Any]],
    *,
    policy: Policy,
    words: Words,
    stamp: datetime,
    changed: Mapping[str, datetime] | None = None,
    speakers: Mapping[str, list[str]] | None = None,
    speakers_changed: Mapping[str, datetime] | None = None,
    only: set[str] | None = None,
    show_meeting: bool = False,
) -> list[EventData]:
    """The events of a published agenda (one per leaf entry), as this reader may see them.

    ``stamp``: the time of the release shown; ``changed``: per item, the time of the release that last
    changed it; ``speakers``: per item, the names of its speakers in order; ``only``: the item ids a
    personal feed shows; ``show_meeting``: begin descriptions with the meeting's title (feeds of several
    meetings)."""
    changed = changed or {}
    speakers = speakers or {}
    speakers_changed = speakers_changed or {}
    events: list[EventData] = []
    for item_id in leaves(snapshot):
        if only is not None and item_id not in only:
            continue
        entry = snapshot[item_id]
        parent = snapshot.get(entry.get("parent") or "")
        levels = [entry.get("classification"), meeting.classification]
        own = [entry.get("classification")]
        if parent is not None:
            levels.append(parent.get("classification"))
            own.append(parent.get("classification"))
        how = treatment(levels, policy, internal_levels=own)
        if how == OMIT:
            continue
        released = changed.get(item_id, stamp)
        status = "CANCELLED" if _cancelled(snapshot, item_id) else "CONFIRMED"
        base = {
            "uid": item_uid(item_id),
            "start": datetime.fromisoformat(entry["starts_at"]),
            "end": datetime.fromisoformat(entry["ends_at"]),
            "tzid": meeting.tzid,
            "sequence": int(entry.get("sequence", 0)),
            "status": status,
        }
        if how == WITHHOLD:
            events.append(EventData(summary=words.withheld, dtstamp=released, last_modified=released,
                                    classification="CONFIDENTIAL", **base))
            continue
        names = speakers.get(item_id) or []
        modified = max([released, *([speakers_changed[item_id]] if item_id in speakers_changed else [])])
        presiding = entry.get("presiding") or (parent.get("presiding") if parent is not None else None) or []
        description = _description([
            meeting.title if show_meeting else "",
            f"{words.session}: {parent['title']}" if parent is not None else "",
            f"{words.presiding}: {', '.join(presiding)}" if presiding else "",
            f"{words.performer}: {entry['performer']}" if entry.get("performer") else "",
            f"{words.speakers}: {', '.join(names)}" if names else "",
            (entry.get("description") or "").strip(),
            meeting.link,
        ])
        room = entry.get("room") or (parent.get("room") if parent is not None else None)
        internal = max(_rank(level) for level in own) >= Classification.internal.rank
        kind = entry.get("kind", "other")
        events.append(EventData(
            summary=entry["title"], dtstamp=modified, last_modified=modified,
            location=_location(room, meeting.venue), description=description,
            categories=[words.item_kinds.get(kind, kind)], url=meeting.link,
            classification="PRIVATE" if internal else "PUBLIC", **base,
        ))
    return events


# Meetings and recurring series ---------------------------------------------------------------------

@dataclass(frozen=True)
class Override:
    """A moved occurrence of a series (RECURRENCE-ID): where and when it takes place instead."""

    original: datetime | date
    start: datetime | date
    end: datetime | date
    venue: str = ""
    note: str = ""


@dataclass(frozen=True)
class MeetingTimes:
    """When a meeting takes place: once, or as a series with its exceptions."""

    start: datetime | date
    end: datetime | date
    stamp: datetime                                   # last change of the meeting (or of its series)
    # Raised by every change of the meeting and of any of its occurrences (meetings.services makes each
    # cancel, move and restore a new version of the meeting): the series' SEQUENCE; its overrides have one
    # more, so a moved occurrence's SEQUENCE rises with each move and is never below the series'.
    sequence: int = 0
    rrule: str | None = None
    exdates: tuple[datetime | date, ...] = ()
    overrides: tuple[Override, ...] = ()


def meeting_events(meeting: MeetingInfo, times: MeetingTimes, *, policy: Policy, words: Words,
                   uid: str | None = None) -> list[EventData]:
    """The meeting itself as one event (with RRULE, EXDATE and RECURRENCE-ID overrides when it repeats)."""
    how = treatment([meeting.classification], policy)
    if how == OMIT:
        return []
    withheld = how == WITHHOLD
    base = {
        "uid": uid or meeting_uid(meeting.public_id),
        "tzid": meeting.tzid,
        "dtstamp": times.stamp,
        "last_modified": times.stamp,
        "sequence": times.sequence,
        "status": "TENTATIVE" if meeting.tentative else "CONFIRMED",
    }
    if withheld:
        details: dict[str, Any] = {"summary": words.withheld, "classification": "CONFIDENTIAL"}
    else:
        details = {
            "summary": meeting.title,
            "location": _location(meeting.venue, meeting.city),
            "description": _description([(meeting.description or "").strip(), meeting.link]),
            "categories": [words.meeting_kinds.get(meeting.kind, meeting.kind)],
            "url": meeting.link,
            "classification": "PRIVATE" if _rank(meeting.classification) >= Classification.internal.rank
            else "PUBLIC",
        }
    events = [EventData(start=times.start, end=times.end, rrule=times.rrule, exdates=list(times.exdates),
                        **base, **details)]
    for moved in times.overrides:
        extra = dict(details)
        if not withheld:
            extra["location"] = _location(moved.venue or meeting.venue, meeting.city)
            extra["description"] = _description([moved.note, (meeting.description or "").strip(), meeting.link])
        events.append(EventData(start=moved.start, end=moved.end, recurrence_id=moved.original,
                                **{**base, "sequence": times.sequence + 1}, **extra))
    return events
