"""The agenda read: the meeting's local time, the items a reader may see (one visibility rule), the days of
the programme, the public page's meeting, the audit of classified views and downloads, and the conflicts."""

from __future__ import annotations

import itertools
import zoneinfo
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from planner.accounts.models import Organization, User
from planner.agenda import conflicts as conflict_rules
from planner.agenda.models import (
    AgendaItem,
    AgendaItemKind,
    agenda_item_presiding,
)
from planner.agenda.services.rows import AgendaRow, AnyItem, agenda_rows
from planner.core import audit, exports
from planner.core.db import atomic
from planner.core.errors import NotFound
from planner.core.hooks import Hook
from planner.core.permissions import Classification, clearance_of, visible_levels
from planner.core.text import clean_text, fold
from planner.delegates.models import Participant
from planner.extensions import db
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting, Room

ITEM_FIELDS = (
    "parent_id", "kind", "title", "description", "performer", "starts_at", "ends_at", "room_id",
    "presiding_ids", "position", "status", "classification",
)
MAX_SHIFT_MINUTES = 12 * 60


# Time ---------------------------------------------------------------------------------------------

def zone(meeting: Meeting) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(meeting.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def programme_days(meeting: Meeting) -> list[date]:
    """The days a programme is written on: the meeting's dates, its first to its last day. A recurring
    meeting's agenda is written on the dates of its first occurrence; the days it meets on (its
    occurrences) are meetings.recurrence.meeting_days."""
    days = (meeting.ends_on - meeting.starts_on).days + 1
    return [meeting.starts_on + timedelta(days=n) for n in range(max(days, 1))]


def to_utc(meeting: Meeting, value: datetime) -> datetime:
    """A datetime without offset is local time in the meeting's zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone(meeting))
    return value.astimezone(UTC)


def local(meeting: Meeting, value: datetime) -> datetime:
    return value.astimezone(zone(meeting))


def at(meeting: Meeting, day: date, clock: time) -> datetime:
    """A local day and time of the meeting as a UTC datetime."""
    return datetime.combine(day, clock, tzinfo=zone(meeting)).astimezone(UTC)


def _meeting_bounds(meeting: Meeting) -> tuple[datetime, datetime]:
    return at(meeting, meeting.starts_on, time(0)), at(meeting, meeting.ends_on + timedelta(days=1), time(0))


def _clock(meeting: Meeting, value: datetime) -> str:
    return local(meeting, value).strftime("%H:%M")


# Reading ------------------------------------------------------------------------------------------

def _item_options() -> list[Any]:
    return [selectinload(AgendaItem.presiding), joinedload(AgendaItem.room)]


def list_items(meeting: Meeting, user: User | None, *, everything: bool = False) -> list[AgendaItem]:
    """The agenda the user may see, in programme order (time, then manual position).

    The items of a session the user may not see are hidden with it. ``everything`` ignores the
    clearance (releases and calendars need the whole agenda; they filter when they show it).
    """
    query = _shown(select(AgendaItem).options(*_item_options()), meeting, user, everything=everything)
    return _with_sessions(list(db.session.scalars(query).unique()))


def _shown(query: Select[Any], meeting: Meeting, user: User | None, *, everything: bool = False) -> Select[Any]:
    """The meeting's items of the reader's levels (all with ``everything``), in programme order."""
    query = (query.where(AgendaItem.meeting_id == meeting.id)
             .order_by(AgendaItem.starts_at, AgendaItem.position, AgendaItem.id))
    if not everything:
        query = query.where(AgendaItem.classification.in_(reader_levels(meeting.organization_id, user)))
    return query


def _with_sessions(items: list[Any]) -> list[Any]:
    """The items whose session is among them too: an item of a session the reader may not see goes with it."""
    ids = {item.id for item in items}
    return [item for item in items if item.parent_id is None or item.parent_id in ids]


def item_rows(meeting: Meeting, user: User | None) -> list[AgendaRow]:
    """What ``list_items(meeting, user)`` answers, as plain rows (``rows.agenda_rows``, kept by the one
    visibility rule): the draft of a congress's minutes reads its 400 items this way, which as models with
    their presiding persons cost it a tenth of its time."""
    return visible_items(meeting, agenda_rows(meeting), user)


def visible_items(meeting: Meeting, everything: Sequence[AnyItem], user: User | None) -> list[AnyItem]:
    """What ``list_items(meeting, user)`` answers, from the whole agenda already loaded: a page that
    needs both (the editor: the user's view and the changes since the release) reads the agenda once."""
    levels = set(reader_levels(meeting.organization_id, user))
    return [item for item in everything if item_visible(item, levels)]


def reader_levels(organization_id: int | None, user: User | None) -> list[str]:
    """The classifications a reader may see in an organization: their membership's clearance there."""
    return visible_levels(clearance_of(user, organization_id))


def item_visible(item: AgendaItem | AgendaRow, levels: Collection[str]) -> bool:
    """THE rule of what a reader may see of an agenda item: the item's classification and its session's
    are both within the reader's levels (the meeting's own level was checked when the meeting was found).
    Pages, the API, documents, download versions, the live speakers state and the hall display ask it
    (``visible_item_clause`` is the same rule in SQL)."""
    return item.classification in levels and (item.parent is None or item.parent.classification in levels)


# The session an item sits in, as visible_item_clause reads it. Made once: aliasing the mapped class
# cost a personal feed's version check about 1 ms for each of its three clauses. One alias serves every
# clause, since each EXISTS is its own scope in SQL.
_SESSION = aliased(AgendaItem, name="item_session")


def visible_item_clause(levels: Collection[str]) -> ColumnElement[bool]:
    """``item_visible`` as a condition on ``AgendaItem``, for queries and aggregates."""
    session = _SESSION
    levels = list(levels)
    return and_(AgendaItem.classification.in_(levels),
                or_(AgendaItem.parent_id.is_(None),
                    select(session.id).where(session.id == AgendaItem.parent_id,
                                             session.classification.in_(levels)).exists()))


def visible_items_aggregates(meeting_id: int, levels: Collection[str]) -> list[Select[Any]]:
    """Single-row aggregates of the meeting's items a reader of these levels may see, and of who presides
    them: what a download's version depends on in the agenda, nothing of the rest (an edit of an item the
    reader may not see must not change the ETag they get)."""
    link = agenda_item_presiding.c
    shown = and_(AgendaItem.meeting_id == meeting_id, visible_item_clause(levels))
    return [
        select(func.count(AgendaItem.id).label("n"), func.max(AgendaItem.updated_at).label("t"),
               func.sum(AgendaItem.version).label("v")).where(shown),
        select(func.count().label("n"), func.sum(link.participant_id * (link.position + 1)).label("s"))
        .select_from(agenda_item_presiding).join(AgendaItem, AgendaItem.id == link.agenda_item_id).where(shown),
    ]


def get_item(org: Organization, public_id: str, *, user: User | None) -> AgendaItem:
    """An item of a meeting the user may see, and that they may see; else not found."""
    meetings = meeting_services.meetings_query(org, user).with_only_columns(Meeting.id).scalar_subquery()
    levels = reader_levels(org.id, user)
    query = (select(AgendaItem).where(AgendaItem.public_id == public_id, AgendaItem.meeting_id.in_(meetings),
                                      AgendaItem.classification.in_(levels))
             .options(*_item_options()))
    item = db.session.scalar(query)
    if item is None or not item_visible(item, levels):
        raise NotFound(_("No such agenda item."))
    return item


def get_meeting_item(meeting: Meeting, public_id: str, *, user: User | None) -> AgendaItem:
    item = db.session.scalar(select(AgendaItem).where(
        AgendaItem.meeting_id == meeting.id, AgendaItem.public_id == public_id,
        AgendaItem.classification.in_(reader_levels(meeting.organization_id, user))).options(*_item_options()))
    if item is None:
        raise NotFound(_("No such agenda item."))
    return item


def rooms(meeting: Meeting) -> list[Room]:
    return list(db.session.scalars(select(Room).where(Room.meeting_id == meeting.id)
                                   .order_by(Room.position, Room.name, Room.id)))


def presiding_choices(meeting: Meeting) -> list[Participant]:
    """The participants of the meeting, in protocol order: who may preside an item."""
    return list(db.session.scalars(
        select(Participant).where(Participant.meeting_id == meeting.id)
        .order_by(Participant.protocol_rank, Participant.name_key, Participant.id)).unique())


def sessions(items: Iterable[AgendaItem]) -> list[AgendaItem]:
    return [item for item in items if item.kind == AgendaItemKind.session]


@dataclass
class Day:
    """One day of the agenda: its top-level entries (sessions with their items, or single items)."""

    day: date
    entries: list[Entry]


@dataclass
class Entry:
    item: AgendaItem | AgendaRow
    children: list[AgendaItem | AgendaRow]


def by_day(meeting: Meeting, items: Sequence[AgendaItem | AgendaRow]) -> list[Day]:
    """Items grouped by the meeting's local days; every day of the meeting is there, even empty."""
    children: dict[int, list[AgendaItem | AgendaRow]] = {}
    for item in items:
        if item.parent_id is not None:
            children.setdefault(item.parent_id, []).append(item)
    days = {day: Day(day, []) for day in programme_days(meeting)}
    for item in items:
        if item.parent_id is not None:
            continue
        day = local(meeting, item.starts_at).date()
        days.setdefault(day, Day(day, [])).entries.append(Entry(item, children.get(item.id, [])))
    return [days[d] for d in sorted(days)]


def order_follows_time(meeting: Meeting, order: Sequence[str]) -> bool:
    """Whether a list of item ids (as a drop left them) is in time order."""
    if len(order) < 2:
        return True
    rows = db.session.execute(select(AgendaItem.public_id, AgendaItem.starts_at).where(
        AgendaItem.meeting_id == meeting.id, AgendaItem.public_id.in_(list(order))))
    starts = {public_id: start for public_id, start in rows}
    times = [starts[pid] for pid in order if pid in starts]
    return all(a <= b for a, b in itertools.pairwise(times))


def public_meeting(code: str) -> Meeting | None:
    """The meeting whose public programme page this is: published (or since), and unclassified."""
    if not code:
        return None
    return db.session.scalar(select(Meeting).where(Meeting.public_code == code,
                                                   *meeting_services.public_page_conditions()))


def issuing_office(meeting: Meeting) -> list[str]:
    """Who issues the programme, as the public page heads it: the superior body, then the organization
    (``TỈNH ỦY ĐÀ NẴNG`` / ``VĂN PHÒNG``)."""
    org = meeting.organization
    return [line for line in (org.parent_name, org.name) if line]


def _audit(meeting: Meeting, action: str, object_id: str | None, summary: str,
           changes: dict[str, Any] | None = None, object_type: str = "agenda_item") -> None:
    audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id, action=action,
                 object_type=object_type, object_id=object_id, summary=summary, changes=changes)


CLASSIFIED_LEVELS = [c.value for c in Classification if c.is_classified]
_CLASSIFIED = frozenset(CLASSIFIED_LEVELS)


def note_classified_view(meeting: Meeting, items: Sequence[AgendaItem | AgendaRow], what: str) -> None:
    """Every view of classified content (mật and above) is written to the audit log."""
    classified = [i for i in items if i.classification in _CLASSIFIED]  # a set: 400 items, one look-up each
    if not classified and not Classification(meeting.classification).is_classified:
        return
    with atomic():
        _audit(meeting, "agenda.viewed", meeting.public_id, what,
               {"classified_items": [i.public_id for i in classified]}, object_type="meeting")


def classified_item_ids(meeting: Meeting, user: User | None) -> list[str]:
    """The meeting's items marked mật and above that this user's clearance admits (one query)."""
    levels = [level for level in reader_levels(meeting.organization_id, user) if level in CLASSIFIED_LEVELS]
    if not levels:
        return []
    return list(db.session.scalars(select(AgendaItem.public_id).where(
        AgendaItem.meeting_id == meeting.id, AgendaItem.classification.in_(levels)).order_by(AgendaItem.id)))


def audit_download(exporter: exports.Exporter, meeting: Meeting, user: User | None) -> None:
    """DOMAIN.md: every download of classified content is written to the audit log. The exporter
    registry calls this for each file of a meeting it builds (web and API alike): a classified meeting,
    or one holding classified items the reader is cleared for (the file may carry them)."""
    items = classified_item_ids(meeting, user)
    if not items and not Classification(meeting.classification).is_classified:
        return
    with atomic():
        _audit(meeting, "export.downloaded", meeting.public_id, exporter.name,
               {"classified_items": items} if items else None, object_type="meeting")


def duplicate_warnings(meeting: Meeting, *, title: str, starts_at: datetime, ends_at: datetime,
                       exclude_id: int | None = None) -> list[str]:
    """Warnings (never refusals) that an item of the same title (folded: case and diacritics aside) takes
    place on the same day at an overlapping time: most often the same item entered twice. ``starts_at``
    and ``ends_at`` as the services take them (naive: the meeting's local time)."""
    wanted = fold(clean_text(title))
    if not wanted or not isinstance(starts_at, datetime) or not isinstance(ends_at, datetime):
        return []
    start, end = to_utc(meeting, starts_at), to_utc(meeting, ends_at)
    query = select(AgendaItem).where(AgendaItem.meeting_id == meeting.id, AgendaItem.starts_at < end,
                                     AgendaItem.ends_at > start)
    if exclude_id is not None:
        query = query.where(AgendaItem.id != exclude_id)
    day = local(meeting, start).date()
    return [
        _("“%(title)s” is already on the agenda at %(time)s on the same day. Save anyway only if it is "
          "another item.", title=other.title,
          time=f"{_clock(meeting, other.starts_at)}–{_clock(meeting, other.ends_at)}")
        for other in db.session.scalars(query.order_by(AgendaItem.starts_at, AgendaItem.id))
        if fold(other.title) == wanted and local(meeting, other.starts_at).date() == day
    ]


# Conflicts ----------------------------------------------------------------------------------------

# Products act after a release without the agenda importing them (the calendars enqueue the warming of
# the meeting's feed): called with the meeting and its new release once the release is committed.
RELEASED = Hook("agenda.released", "called with a meeting and its new agenda release, once committed")

# Domains above the agenda feed the speakers of each item into the warnings without the agenda
# importing them: speeches' setup adds items -> ({item public id: [person ids]}, {person id: name}).
SPEAKERS = Hook("agenda.speakers", "the people who speak at each item, and their names, for the conflicts")


def slots(items: Iterable[AgendaItem | AgendaRow], speakers: Mapping[str, Iterable[int]] | None = None
          ) -> list[conflict_rules.Slot]:
    items = list(items)
    speakers = speakers or {}
    public = {item.id: item.public_id for item in items}
    return [
        conflict_rules.Slot(
            id=item.public_id,
            kind=item.kind.value,
            title=item.title,
            starts_at=item.starts_at,
            ends_at=item.ends_at,
            room_id=item.room.public_id if item.room is not None else None,
            room_name=item.room.name if item.room is not None else "",
            parent_id=public.get(item.parent_id) if item.parent_id else None,
            presiding=frozenset(p.person_id for p in item.presiding),
            speakers=frozenset(speakers.get(item.public_id, ())),
            status=item.status.value,
        )
        for item in items
    ]


def person_names(items: Iterable[AgendaItem | AgendaRow]) -> dict[int, str]:
    return {p.person_id: p.full_name for item in items for p in item.presiding}


def find_conflicts(items: Sequence[AgendaItem | AgendaRow]) -> list[conflict_rules.AgendaConflict]:
    """The warnings of the items given (those the user sees): they never block saving."""
    speakers: dict[str, set[int]] = {}
    names: dict[int, str] = {}
    for speakers_of in SPEAKERS:
        by_item, speaker_names = speakers_of(items)
        for item_id, people in by_item.items():
            speakers.setdefault(item_id, set()).update(people)
        names.update(speaker_names)
    return conflict_rules.find_conflicts(slots(items, speakers), {**names, **person_names(items)})
