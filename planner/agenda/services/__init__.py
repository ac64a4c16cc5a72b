"""Agenda operations: the only code that changes agenda items and releases.

Times: a datetime handed in with an offset is taken as it is; one without an offset is local time in
the meeting's time zone. Everything is stored in UTC. Every item must lie within the meeting's days
(local dates from ``starts_on`` to ``ends_on``), and an item of a session within the session's time.

Queries are planned for the pages: ``list_items`` loads an agenda of any size in a fixed number of
SQL queries (items, their presiding persons with their people, their rooms).
"""

from __future__ import annotations

import itertools
import zoneinfo
from collections.abc import Collection, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import ColumnElement, Select, and_, delete, func, insert, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from planner.accounts.models import Organization, User
from planner.agenda import conflicts as conflict_rules
from planner.agenda import releases as release_rules
from planner.agenda.models import (
    AgendaItem,
    AgendaItemKind,
    AgendaItemStatus,
    AgendaRelease,
    agenda_item_presiding,
)
from planner.core import audit, exports
from planner.core.db import atomic, check_version
from planner.core.errors import Conflict, NotFound, ValidationError
from planner.core.hooks import Hook
from planner.core.models import new_public_id, utcnow
from planner.core.permissions import Classification, clearance_of, cleared_for, visible_levels
from planner.core.text import canonical, clean_text
from planner.delegates.models import Participant
from planner.extensions import db
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting, MeetingStatus, Room

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
    query = (select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
             .options(*_item_options())
             .order_by(AgendaItem.starts_at, AgendaItem.position, AgendaItem.id))
    if not everything:
        query = query.where(AgendaItem.classification.in_(reader_levels(meeting.organization_id, user)))
    items = list(db.session.scalars(query).unique())
    ids = {item.id for item in items}
    return [item for item in items if item.parent_id is None or item.parent_id in ids]


def visible_items(meeting: Meeting, everything: Sequence[AgendaItem], user: User | None) -> list[AgendaItem]:
    """What ``list_items(meeting, user)`` answers, from the whole agenda already loaded: a page that
    needs both (the editor: the user's view and the changes since the release) reads the agenda once."""
    levels = set(reader_levels(meeting.organization_id, user))
    return [item for item in everything if item_visible(item, levels)]


def reader_levels(organization_id: int | None, user: User | None) -> list[str]:
    """The classifications a reader may see in an organization: their membership's clearance there."""
    return visible_levels(clearance_of(user, organization_id))


def item_visible(item: AgendaItem, levels: Collection[str]) -> bool:
    """THE rule of what a reader may see of an agenda item: the item's classification and its session's
    are both within the reader's levels (the meeting's own level was checked when the meeting was found).
    Pages, the API, documents, download versions, the live speakers state and the hall display ask it
    (``visible_item_clause`` is the same rule in SQL)."""
    return item.classification in levels and (item.parent is None or item.parent.classification in levels)


def visible_item_clause(levels: Collection[str]) -> ColumnElement[bool]:
    """``item_visible`` as a condition on ``AgendaItem``, for queries and aggregates."""
    session = aliased(AgendaItem)
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
    item: AgendaItem
    children: list[AgendaItem]


def by_day(meeting: Meeting, items: Sequence[AgendaItem]) -> list[Day]:
    """Items grouped by the meeting's local days; every day of the meeting is there, even empty."""
    children: dict[int, list[AgendaItem]] = {}
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


def note_classified_view(meeting: Meeting, items: Sequence[AgendaItem], what: str) -> None:
    """Every view of classified content (mật and above) is written to the audit log."""
    classified = [i for i in items if Classification(i.classification).is_classified]
    if not classified and not Classification(meeting.classification).is_classified:
        return
    with atomic():
        _audit(meeting, "agenda.viewed", meeting.public_id, what,
               {"classified_items": [i.public_id for i in classified]}, object_type="meeting")


CLASSIFIED_LEVELS = [c.value for c in Classification if c.is_classified]


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


# Conflicts ----------------------------------------------------------------------------------------

# Products act after a release without the agenda importing them (the calendars enqueue the warming of
# the meeting's feed): called with the meeting and its new release once the release is committed.
RELEASED = Hook("agenda.released", "called with a meeting and its new agenda release, once committed")

# Domains above the agenda feed the speakers of each item into the warnings without the agenda
# importing them: speeches' setup adds (items -> {item public id: [person ids]}, items -> {person id: name}).
SPEAKERS = Hook("agenda.speakers", "the people who speak at each item, and their names, for the conflicts")


def slots(items: Iterable[AgendaItem], speakers: Mapping[str, Iterable[int]] | None = None
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


def person_names(items: Iterable[AgendaItem]) -> dict[int, str]:
    return {p.person_id: p.full_name for item in items for p in item.presiding}


def find_conflicts(items: Sequence[AgendaItem]) -> list[conflict_rules.AgendaConflict]:
    """The warnings of the items given (those the user sees): they never block saving."""
    speakers: dict[str, set[int]] = {}
    names: dict[int, str] = {}
    for by_item, speaker_names in SPEAKERS:
        for item_id, people in by_item(items).items():
            speakers.setdefault(item_id, set()).update(people)
        names.update(speaker_names(items))
    return conflict_rules.find_conflicts(slots(items, speakers), {**names, **person_names(items)})


# Validation ---------------------------------------------------------------------------------------

class _Lookups:
    """Rooms, participants and sessions of one meeting, loaded once for a batch of changes."""

    def __init__(self, meeting: Meeting, *, preload: bool = False):
        self.meeting = meeting
        self._rooms: dict[str, Room] | None = None
        self._participants: dict[str, Participant] | None = None
        self.new_sessions: dict[str, AgendaItem] = {}
        if preload:
            self._rooms = {r.public_id: r for r in rooms(meeting)}
            self._participants = {p.public_id: p for p in presiding_choices(meeting)}

    def room(self, public_id: str) -> Room | None:
        if self._rooms is not None:
            return self._rooms.get(public_id)
        return db.session.scalar(select(Room).where(Room.meeting_id == self.meeting.id, Room.public_id == public_id))

    def participants(self, public_ids: list[str]) -> list[Participant] | None:
        if self._participants is not None:
            found = [self._participants.get(pid) for pid in public_ids]
        else:
            rows = {p.public_id: p for p in db.session.scalars(select(Participant).where(
                Participant.meeting_id == self.meeting.id, Participant.public_id.in_(public_ids))).unique()}
            found = [rows.get(pid) for pid in public_ids]
        if any(p is None for p in found):
            return None
        return [p for p in found if p is not None]

    def session(self, public_id: str) -> AgendaItem | None:
        if public_id in self.new_sessions:
            return self.new_sessions[public_id]
        return db.session.scalar(select(AgendaItem).where(
            AgendaItem.meeting_id == self.meeting.id, AgendaItem.public_id == public_id))


def _enum(enum_cls, value: Any, field: str, message: str):
    try:
        return enum_cls(value)
    except ValueError:
        raise ValidationError(message, field=field) from None


def _datetime(meeting: Meeting, value: Any, field: str) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime):
        message = _("Enter the start time.") if field == "starts_at" else _("Enter the end time.")
        raise ValidationError(message, field=field)
    return to_utc(meeting, value)


def _clean(meeting: Meeting, data: dict[str, Any], lookups: _Lookups, *, user: User | None,
           current: AgendaItem | None = None) -> dict[str, Any]:
    """Checked values for the model (parent, room and presiding as objects), or ValidationError."""
    unknown = set(data) - set(ITEM_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s", fields=", ".join(sorted(unknown))))
    clean: dict[str, Any] = {}
    if "title" in data or current is None:
        clean["title"] = clean_text(data.get("title"))
        if not clean["title"]:
            raise ValidationError(_("The item needs a title."), field="title")
        if len(clean["title"]) > 1000:
            raise ValidationError(_("The title is too long (at most 1000 characters)."), field="title")
    if "description" in data:
        clean["description"] = (data["description"] or "").strip()
    if "performer" in data:
        clean["performer"] = clean_text(data["performer"])
        if len(clean["performer"]) > 500:
            raise ValidationError(_("At most 500 characters."), field="performer")
    if "kind" in data or current is None:
        clean["kind"] = _enum(AgendaItemKind, data.get("kind") or AgendaItemKind.other, "kind",
                              _("Unknown kind of item."))
    if "status" in data:
        clean["status"] = _enum(AgendaItemStatus, data["status"] or AgendaItemStatus.scheduled, "status",
                                _("Unknown status."))
    if "classification" in data:
        clean["classification"] = _enum(Classification, data["classification"] or Classification.none,
                                        "classification", _("Unknown classification."))
        if user is not None and not cleared_for(clearance_of(user, meeting.organization_id), clean["classification"]):
            raise ValidationError(_("You cannot classify an item above your clearance."), field="classification")
    if "position" in data:
        try:
            clean["position"] = int(data["position"])
        except (TypeError, ValueError):
            raise ValidationError(_("The position must be a whole number."), field="position") from None
    for name in ("starts_at", "ends_at"):
        if name in data or current is None:
            clean[name] = _datetime(meeting, data.get(name), name)
    if "room_id" in data:
        clean["room"] = None
        if data["room_id"]:
            clean["room"] = lookups.room(str(data["room_id"]))
            if clean["room"] is None:
                raise ValidationError(_("Unknown room: choose one of this meeting's rooms."), field="room_id")
    if "presiding_ids" in data:
        ids = [str(p) for p in (data["presiding_ids"] or []) if p]
        ids = list(dict.fromkeys(ids))
        found = lookups.participants(ids) if ids else []
        if found is None:
            raise ValidationError(_("Presiding persons must be participants of this meeting."),
                                  field="presiding_ids")
        clean["presiding"] = found
    if "parent_id" in data:
        clean["parent"] = None
        if data["parent_id"]:
            parent = lookups.session(str(data["parent_id"]))
            if parent is None or parent.kind != AgendaItemKind.session:
                raise ValidationError(_("Unknown session: choose one of this meeting's sessions."),
                                      field="parent_id")
            clean["parent"] = parent

    # The whole item as it would be saved.
    merged = {
        "kind": clean.get("kind", current.kind if current else None),
        "starts_at": clean.get("starts_at", current.starts_at if current else None),
        "ends_at": clean.get("ends_at", current.ends_at if current else None),
        "parent": clean.get("parent", current.parent if current else None),
    }
    parent = merged["parent"]
    if current is not None and parent is not None and parent.public_id == current.public_id:
        raise ValidationError(_("An item cannot be inside itself."), field="parent_id")
    if merged["kind"] == AgendaItemKind.session and parent is not None:
        raise ValidationError(_("Sessions cannot be inside another session."), field="parent_id")
    if current is not None and merged["kind"] != AgendaItemKind.session and current.children:
        raise ValidationError(_("This session holds items: move or delete them before changing its kind."),
                              field="kind")
    starts_at, ends_at = merged["starts_at"], merged["ends_at"]
    if ends_at <= starts_at:
        raise ValidationError(_("The item must end after it starts."), field="ends_at")
    first, last = _meeting_bounds(meeting)
    if starts_at < first or ends_at > last:
        raise ValidationError(_(
            "The item lies outside the meeting's days (%(first)s to %(last)s).",
            first=meeting.starts_on.strftime("%d/%m/%Y"), last=meeting.ends_on.strftime("%d/%m/%Y"),
        ), field="starts_at")
    if parent is not None and (starts_at < parent.starts_at or ends_at > parent.ends_at):
        raise ValidationError(_(
            "The item lies outside its session “%(session)s” (%(start)s–%(end)s).", session=parent.title,
            start=_clock(meeting, parent.starts_at), end=_clock(meeting, parent.ends_at),
        ), field="starts_at")
    return clean


def _check_version(item: AgendaItem, version: int | None) -> None:
    check_version(item, version, _("Someone else saved this item meanwhile. Your changes are not saved yet: "
                                   "compare them with the current version below and save again."))


def _saving() -> AbstractContextManager[Any]:
    """A change of the agenda as one block of the unit of work: a stale version becomes Conflict, a clash
    ValidationError, and a refusal raised inside leaves nothing staged."""
    return atomic(_("Someone else saved this item meanwhile. Reload to see the current version."),
                  clash=ValidationError)


def _set_presiding(item: AgendaItem, people: list[Participant]) -> None:
    db.session.execute(delete(agenda_item_presiding).where(agenda_item_presiding.c.agenda_item_id == item.id))
    if people:
        db.session.execute(insert(agenda_item_presiding), [
            {"agenda_item_id": item.id, "participant_id": p.id, "position": i} for i, p in enumerate(people)
        ])
    db.session.expire(item, ["presiding"])


def _describe(item: AgendaItem) -> dict[str, Any]:
    """The item's fields as the audit log records them."""
    return {
        "parent_id": item.parent.public_id if item.parent is not None else None,
        "kind": item.kind.value if item.kind else None,
        "title": item.title,
        "description": item.description,
        "performer": item.performer,
        "starts_at": item.starts_at,
        "ends_at": item.ends_at,
        "room": item.room.name if item.room is not None else None,
        "presiding": [p.full_name for p in item.presiding],
        "position": item.position,
        "status": item.status.value if item.status else None,
        "classification": item.classification.value if item.classification else None,
    }


def _audit(meeting: Meeting, action: str, object_id: str | None, summary: str,
           changes: dict[str, Any] | None = None, object_type: str = "agenda_item") -> None:
    audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id, action=action,
                 object_type=object_type, object_id=object_id, summary=summary, changes=changes)


def _next_position(meeting: Meeting, starts_at: datetime) -> int:
    highest = db.session.scalar(select(func.max(AgendaItem.position)).where(
        AgendaItem.meeting_id == meeting.id, AgendaItem.starts_at == starts_at))
    return 0 if highest is None else highest + 1


# Changing -----------------------------------------------------------------------------------------

def _apply(item: AgendaItem, clean: dict[str, Any]) -> None:
    for key, value in clean.items():
        if key != "presiding":
            setattr(item, key, value)


def create_item(meeting: Meeting, data: dict[str, Any], *, user: User | None) -> AgendaItem:
    meeting_services.ensure_editable(meeting)
    clean = _clean(meeting, data, _Lookups(meeting), user=user)
    with _saving():
        item = AgendaItem(meeting_id=meeting.id, description="", performer="", status=AgendaItemStatus.scheduled,
                          classification=Classification.none)
        if "position" not in clean:
            clean["position"] = _next_position(meeting, clean["starts_at"])
        _apply(item, clean)
        db.session.add(item)
        db.session.flush()
        _set_presiding(item, clean.get("presiding", []))
        _audit(meeting, "agenda_item.created", item.public_id, item.title, audit.diff({}, _describe(item)))
    return item


def create_items(meeting: Meeting, rows: Sequence[dict[str, Any]], *, user: User | None,
                 action: str = "agenda.items_created", summary: str | None = None) -> list[AgendaItem]:
    """Many items at once, all or none: one check per row, one audit entry, one commit.

    A row may refer to a session created by an earlier row of the same batch through ``parent_id``
    when that row carries its own ``public_id``.
    """
    meeting_services.ensure_editable(meeting)
    lookups = _Lookups(meeting, preload=True)
    with _saving():
        positions: dict[datetime, int] = {}
        created: list[tuple[AgendaItem, list[Participant]]] = []
        for number, row in enumerate(rows, start=1):
            row = dict(row)
            public_id = row.pop("public_id", None) or new_public_id()
            try:
                clean = _clean(meeting, row, lookups, user=user)
            except ValidationError as exc:
                raise ValidationError(_("Item %(n)d: %(message)s", n=number, message=exc.message),
                                      field=exc.field) from None
            if "position" not in clean:
                start = clean["starts_at"]
                if start not in positions:
                    positions[start] = _next_position(meeting, start)
                clean["position"] = positions[start]
                positions[start] += 1
            item = AgendaItem(public_id=public_id, meeting_id=meeting.id, description="", performer="",
                              status=AgendaItemStatus.scheduled, classification=Classification.none)
            _apply(item, clean)
            if item.kind == AgendaItemKind.session:
                lookups.new_sessions[public_id] = item
            db.session.add(item)
            created.append((item, clean.get("presiding", [])))
        db.session.flush()
        links = [{"agenda_item_id": item.id, "participant_id": p.id, "position": i}
                 for item, people in created for i, p in enumerate(people)]
        if links:
            db.session.execute(insert(agenda_item_presiding), links)
        _audit(meeting, action, meeting.public_id,
               summary or ngettext("%(num)d agenda item added", "%(num)d agenda items added", len(created)),
               {"items": [item.public_id for item, _people in created]}, object_type="meeting")
    return [item for item, _people in created]


def update_item(item: AgendaItem, data: dict[str, Any], *, user: User | None,
                version: int | None = None) -> AgendaItem:
    meeting = item.meeting
    meeting_services.ensure_editable(meeting)
    _check_version(item, version)
    before = _describe(item)
    old_day = local(meeting, item.starts_at).date()
    clean = _clean(meeting, data, _Lookups(meeting), user=user, current=item)
    with _saving():
        with db.session.no_autoflush:   # nothing is written before it is known to change something
            _apply(item, clean)
            moved_days = (local(meeting, item.starts_at).date() - old_day).days
            presiding = "presiding" in clean and [p.id for p in clean["presiding"]] != [p.id for p in item.presiding]
            changes = audit.diff(before, {**_describe(item), **({"presiding": [p.full_name for p in clean["presiding"]]}
                                                                 if presiding else {})})
        if not changes:
            db.session.expire(item)   # the same values again: nothing to save, no new version
            return item
        if presiding:
            _set_presiding(item, clean["presiding"])
        if item.kind == AgendaItemKind.session and moved_days:
            # A session moved to another day takes its items with it.
            for child in item.children:
                child.starts_at = _same_clock_days_later(meeting, child.starts_at, moved_days)
                child.ends_at = _same_clock_days_later(meeting, child.ends_at, moved_days)
            if item.children:
                changes["items_moved_with_it"] = [child.public_id for child in item.children]
        item.updated_at = utcnow()  # presiding alone lives in another table: the version must still move
        _audit(meeting, "agenda_item.updated", item.public_id, item.title, changes)
    return item


def _same_clock_days_later(meeting: Meeting, value: datetime, days: int) -> datetime:
    """The same local wall-clock time ``days`` later (right across a change of daylight saving time)."""
    moment = local(meeting, value)
    return at(meeting, moment.date() + timedelta(days=days), moment.time())


def delete_item(item: AgendaItem, *, user: User | None, with_items: bool = False,
                version: int | None = None) -> int:
    """Delete an item; a session that holds items only with ``with_items`` (its items go too).

    Answers how many items were deleted. A session holding items the user may not see cannot be
    deleted by them: nobody deletes what they cannot see.
    """
    meeting = item.meeting
    meeting_services.ensure_editable(meeting)
    _check_version(item, version)
    children = list(item.children)
    if children and not with_items:
        raise Conflict(ngettext(
            "This session holds %(num)d item. Confirm that it goes with the session, or move it out first.",
            "This session holds %(num)d items. Confirm that they go with the session, or move them out first.",
            len(children)))
    if user is not None and any(not cleared_for(clearance_of(user, meeting.organization_id), c.classification)
                                for c in children):
        raise Conflict(_("This session holds items you may not see; it cannot be deleted by you."))
    summary = item.title
    details = {"title": item.title, "items": [c.title for c in children]} if children else {"title": item.title}
    public_id = item.public_id
    with _saving():
        for child in children:
            db.session.delete(child)
        db.session.delete(item)
        _audit(meeting, "agenda_item.deleted", public_id, summary, details)
    return 1 + len(children)


def _siblings(item: AgendaItem) -> list[AgendaItem]:
    """Items in the same place of the tree (same session, or top level) that start at the same time."""
    return list(db.session.scalars(select(AgendaItem).where(
        AgendaItem.meeting_id == item.meeting_id, AgendaItem.starts_at == item.starts_at,
        AgendaItem.parent_id.is_(None) if item.parent_id is None else AgendaItem.parent_id == item.parent_id,
    ).order_by(AgendaItem.position, AgendaItem.id)))


def move(item: AgendaItem, direction: str, *, user: User | None) -> bool:
    """Move an item up or down among the items that start at the same time (the keyboard's way of
    dragging). Answers False, changing nothing, when there is no such neighbour in that direction."""
    meeting = item.meeting
    meeting_services.ensure_editable(meeting)
    group = _siblings(item)
    index = next(i for i, other in enumerate(group) if other.id == item.id)
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= target < len(group):
        return False
    group[index], group[target] = group[target], group[index]
    with _saving():
        for position, other in enumerate(group):
            other.position = position
        _audit(meeting, "agenda_item.reordered", item.public_id, item.title, {"direction": direction})
    return True


def can_move(items: Sequence[AgendaItem]) -> dict[int, tuple[bool, bool]]:
    """For each item id: (can move up, can move down) among same-time items of the same session."""
    groups: dict[tuple[int | None, datetime], list[AgendaItem]] = {}
    for item in items:
        groups.setdefault((item.parent_id, item.starts_at), []).append(item)
    result: dict[int, tuple[bool, bool]] = {}
    for group in groups.values():
        for i, item in enumerate(group):
            result[item.id] = (i > 0, i < len(group) - 1)
    return result


def reorder(meeting: Meeting, item: AgendaItem, *, parent_id: str | None, order: Sequence[str],
            user: User | None, version: int | None = None) -> AgendaItem:
    """What a drag and drop means: the item goes into the session ``parent_id`` (or to the top
    level), and the items that start at the same time take the order in which ``order`` lists them.

    Items are ordered by time: an item dropped among items of other times keeps its time (the page
    shows it back in its place); to move it in time, change its time.
    """
    meeting_services.ensure_editable(meeting)
    if item.meeting_id != meeting.id:
        raise NotFound(_("No such agenda item."))
    _check_version(item, version)
    with _saving():
        changes: dict[str, Any] = {}
        current_parent = item.parent.public_id if item.parent is not None else None
        if (parent_id or None) != current_parent:
            clean = _clean(meeting, {"parent_id": parent_id or None}, _Lookups(meeting), user=user, current=item)
            item.parent = clean["parent"]
            changes["parent_id"] = [current_parent, parent_id or None]
            db.session.flush()
        group = _siblings(item)
        rank = {public_id: i for i, public_id in enumerate(order)}
        before = [other.public_id for other in group]
        group.sort(key=lambda other: (rank.get(other.public_id, len(rank) + other.position), other.position))
        if [other.public_id for other in group] != before:
            for position, other in enumerate(group):
                other.position = position
            changes["order"] = [before, [other.public_id for other in group]]
        if not changes:
            return item
        item.updated_at = utcnow()
        _audit(meeting, "agenda_item.reordered", item.public_id, item.title, changes)
    return item


def _following(meeting: Meeting, from_item: AgendaItem) -> tuple[list[AgendaItem], AgendaItem | None]:
    """The items that move when ``from_item`` runs late, and the session that must grow with them."""
    day = local(meeting, from_item.starts_at).date()
    day_start, day_end = at(meeting, day, time(0)), at(meeting, day + timedelta(days=1), time(0))
    everything = list(db.session.scalars(select(AgendaItem).where(
        AgendaItem.meeting_id == meeting.id, AgendaItem.starts_at >= day_start, AgendaItem.starts_at < day_end)))
    children: dict[int, list[AgendaItem]] = {}
    for item in everything:
        if item.parent_id is not None:
            children.setdefault(item.parent_id, []).append(item)
    top = [item for item in everything if item.parent_id is None]
    key = (from_item.starts_at, from_item.position, from_item.id)
    holder = from_item.parent
    moving: list[AgendaItem] = []
    if holder is not None:
        # In its session: it and the session's later items; then whatever comes after the session.
        moving += [c for c in children.get(holder.id, []) if (c.starts_at, c.position, c.id) >= key]
        later = [entry for entry in top if entry.starts_at >= holder.ends_at and entry.id != holder.id]
    else:
        later = [entry for entry in top if (entry.starts_at, entry.position, entry.id) >= key]
    for entry in later:
        moving.append(entry)
        moving += children.get(entry.id, [])
    return moving, holder


def shift_following(meeting: Meeting, from_item: AgendaItem, minutes: Any, *, user: User | None) -> int:
    """When an item runs late: it and everything after it on the same day (the later items of its
    session, then what follows the session) move by ``minutes``; its session grows (or shrinks) by as
    much so that its items stay inside. Answers how many items moved."""
    meeting_services.ensure_editable(meeting)
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        raise ValidationError(_("Enter a number of minutes."), field="minutes") from None
    if minutes == 0 or abs(minutes) > MAX_SHIFT_MINUTES:
        raise ValidationError(_("Enter a number of minutes between -720 and 720, not 0."), field="minutes")
    delta = timedelta(minutes=minutes)
    day = local(meeting, from_item.starts_at).date()
    with _saving():
        moving, holder = _following(meeting, from_item)
        for item in moving:
            item.starts_at += delta
            item.ends_at += delta
        if holder is not None:
            holder.ends_at += delta
            if holder.ends_at <= holder.starts_at:
                raise ValidationError(_("The session would end before it starts."), field="minutes")
        first, last = _meeting_bounds(meeting)
        day_start = max(first, at(meeting, day, time(0)))
        day_end = min(last, at(meeting, day + timedelta(days=1), time(0)))
        outside = [i for i in moving if i.ends_at > day_end or i.starts_at < day_start]
        if outside:
            raise ValidationError(_("“%(title)s” would move out of its day. Nothing was changed.",
                                    title=outside[0].title), field="minutes")
        _audit(meeting, "agenda.shifted", from_item.public_id, from_item.title,
               {"minutes": minutes, "items": [i.public_id for i in moving]})
    return len(moving)


def move_session(session: AgendaItem, new_day: date, *, user: User | None) -> AgendaItem:
    """Move a whole session, with its items, to another day of the meeting at the same hours."""
    meeting = session.meeting
    meeting_services.ensure_editable(meeting)
    if session.kind != AgendaItemKind.session:
        raise ValidationError(_("Only a session can be moved to another day."))
    if new_day not in programme_days(meeting):
        raise ValidationError(_("Choose one of the meeting's days."), field="day")
    old_day = local(meeting, session.starts_at).date()
    days = (new_day - old_day).days
    if days == 0:
        return session
    with _saving():
        for item in (session, *session.children):
            item.starts_at = _same_clock_days_later(meeting, item.starts_at, days)
            item.ends_at = _same_clock_days_later(meeting, item.ends_at, days)
        _first, last = _meeting_bounds(meeting)
        if session.ends_at > last:
            raise ValidationError(_("The session would end after the meeting's last day."), field="day")
        _audit(meeting, "agenda_session.moved", session.public_id, session.title,
               {"day": [old_day.isoformat(), new_day.isoformat()]})
    return session


def copy_sources(meeting: Meeting, user: User | None) -> list[Meeting]:
    """Other meetings of the organization the user may see that have an agenda to copy, newest first."""
    org = meeting.organization
    has_items = select(AgendaItem.meeting_id).distinct().scalar_subquery()
    query = (meeting_services.meetings_query(org, user)
             .where(Meeting.id != meeting.id, Meeting.id.in_(has_items))
             .order_by(Meeting.starts_on.desc(), Meeting.id.desc()).limit(200))
    return list(db.session.scalars(query))


def copy_agenda(source: Meeting, target: Meeting, *, user: User | None, confirm: bool = False) -> list[AgendaItem]:
    """Start the target's agenda from the source's: day k of the source becomes day k of the target,
    at the same local hours. Rooms are matched by name, presiding persons by person; what has no match
    is left empty. Cancelled items are not copied. The target's own items stay: if it has any, the copy
    is refused unless ``confirm``."""
    meeting_services.ensure_editable(target)
    if source.id == target.id:
        raise ValidationError(_("Choose another meeting to copy from."), field="source")
    existing = db.session.scalar(select(func.count(AgendaItem.id)).where(AgendaItem.meeting_id == target.id))
    if existing and not confirm:
        raise Conflict(ngettext(
            "This meeting has %(num)d agenda item already. Confirm to add the copied items to it.",
            "This meeting has %(num)d agenda items already. Confirm to add the copied items to them.",
            existing))
    items = [i for i in list_items(source, user) if i.status != AgendaItemStatus.cancelled]
    if not items:
        raise ValidationError(_("That meeting has no agenda items to copy."), field="source")
    target_days = programme_days(target)
    room_by_name = {canonical(r.name).casefold(): r.public_id for r in rooms(target)}
    participant_by_person = {p.person_id: p.public_id for p in presiding_choices(target)}
    new_ids = {item.id: new_public_id() for item in items}
    rows: list[dict[str, Any]] = []
    for item in sorted(items, key=lambda i: (i.kind != AgendaItemKind.session, i.starts_at, i.position)):
        start, end = local(source, item.starts_at), local(source, item.ends_at)
        offset = (start.date() - source.starts_on).days
        if offset >= len(target_days):
            raise ValidationError(_(
                "“%(title)s” is on day %(day)d of that meeting, but this meeting has only %(days)d days.",
                title=item.title, day=offset + 1, days=len(target_days)), field="source")
        day = target_days[offset]
        end_day = day + timedelta(days=(end.date() - start.date()).days)
        rows.append({
            "public_id": new_ids[item.id],
            "parent_id": new_ids.get(item.parent_id) if item.parent_id else None,
            "kind": item.kind.value,
            "title": item.title,
            "description": item.description,
            "performer": item.performer,
            "starts_at": datetime.combine(day, start.time()),
            "ends_at": datetime.combine(end_day, end.time()),
            "room_id": room_by_name.get(canonical(item.room.name).casefold()) if item.room else None,
            "presiding_ids": [participant_by_person[p.person_id] for p in item.presiding
                              if p.person_id in participant_by_person],
            "position": item.position,
            "classification": item.classification.value,
        })
    return create_items(target, rows, user=user, action="agenda.copied",
                        summary=_("Agenda copied from “%(title)s”", title=source.title))


# Releases -----------------------------------------------------------------------------------------

def snapshot(items: Iterable[AgendaItem]) -> release_rules.Snapshot:
    """The agenda as plain data, as a release keeps it (every item, whatever its classification)."""
    items = list(items)
    public = {item.id: item.public_id for item in items}
    return {
        item.public_id: release_rules.entry(
            title=item.title, kind=item.kind.value, starts_at=item.starts_at, ends_at=item.ends_at,
            room=item.room.name if item.room is not None else None,
            room_id=item.room.public_id if item.room is not None else None,
            presiding=[p.full_name for p in item.presiding], status=item.status.value,
            parent=public.get(item.parent_id) if item.parent_id else None,
            classification=item.classification.value, position=item.position,
            description=item.description, performer=item.performer,
        )
        for item in items
    }


def releases(meeting: Meeting) -> list[AgendaRelease]:
    """The releases, newest first."""
    return list(db.session.scalars(select(AgendaRelease).where(AgendaRelease.meeting_id == meeting.id)
                                   .order_by(AgendaRelease.number.desc())))


def latest_release(meeting: Meeting) -> AgendaRelease | None:
    return db.session.scalar(select(AgendaRelease).where(AgendaRelease.meeting_id == meeting.id)
                             .order_by(AgendaRelease.number.desc()).limit(1))


def get_release(meeting: Meeting, number: int) -> AgendaRelease:
    release = db.session.scalar(select(AgendaRelease).where(AgendaRelease.meeting_id == meeting.id,
                                                            AgendaRelease.number == number))
    if release is None:
        raise NotFound(_("No such version of the agenda."))
    return release


def pending_changes(meeting: Meeting, items: Sequence[AgendaItem] | None = None
                    ) -> tuple[AgendaRelease | None, list[dict[str, Any]]]:
    """The latest release and what changed since (all items, unfiltered: callers filter by clearance).

    ``items`` may be the whole agenda already loaded (``list_items(..., everything=True)``)."""
    latest = latest_release(meeting)
    current = snapshot(items if items is not None else list_items(meeting, None, everything=True))
    return latest, release_rules.diff(latest.snapshot if latest else {}, current)


# What the audit log calls a change of the agenda: every writer above records one of these.
AGENDA_CHANGE_ACTIONS = ("agenda_item.created", "agenda_item.updated", "agenda_item.deleted",
                         "agenda_item.reordered", "agenda_session.moved", "agenda.shifted",
                         "agenda.items_created", "agenda.copied")


def unpublished_change_counts(meeting_ids: Sequence[int]) -> dict[int, int]:
    """For each meeting, how many changes of its agenda were made since its latest release (all of them
    when it has none): one query for any number of meetings, read from the audit log that every change
    writes, so a deleted item counts as well as a new one. Meetings without such changes are left out."""
    if not meeting_ids:
        return {}
    latest = (select(AgendaRelease.meeting_id, func.max(AgendaRelease.created_at).label("at"))
              .where(AgendaRelease.meeting_id.in_(meeting_ids)).group_by(AgendaRelease.meeting_id).subquery())
    entry = audit.AuditEntry
    rows = db.session.execute(
        select(entry.meeting_id, func.count(entry.id))
        .outerjoin(latest, latest.c.meeting_id == entry.meeting_id)
        .where(entry.meeting_id.in_(meeting_ids), entry.action.in_(AGENDA_CHANGE_ACTIONS),
               (latest.c.at.is_(None)) | (entry.created_at > latest.c.at))
        .group_by(entry.meeting_id))
    return {meeting_id: count for meeting_id, count in rows}


def publish(meeting: Meeting, *, user: User | None, note: str = "", publish_meeting: bool = False) -> AgendaRelease:
    """Freeze the agenda as version N with its changelog against N−1."""
    meeting_services.ensure_editable(meeting)
    items = list_items(meeting, None, everything=True)
    if not items:
        raise ValidationError(_("The agenda is empty: add items before publishing it."))
    latest, changes = pending_changes(meeting, items)
    if latest is not None and not changes:
        raise Conflict(_("Nothing has changed since version %(n)d.", n=latest.number))
    previous = latest.snapshot if latest else {}
    number = (latest.number if latest else 0) + 1
    release = AgendaRelease(
        meeting_id=meeting.id, number=number, created_by_id=user.id if user is not None else None,
        note=(note or "").strip(), snapshot=release_rules.with_sequences(previous, snapshot(items), changes),
        changes=changes,
    )
    # One transaction: the release and the meeting's status are kept together, or neither.
    with atomic(clash=Conflict(_("Someone else published a version meanwhile. Reload and publish again."))):
        db.session.add(release)
        db.session.flush()
        _audit(meeting, "agenda.published", release.public_id,
               _("Agenda version %(n)d published", n=number), release_rules.change_counts(changes),
               object_type="agenda_release")
        if publish_meeting and meeting.status == MeetingStatus.draft:
            meeting_services.set_status(meeting, MeetingStatus.published)
    for released in RELEASED:      # the products' work after a release (jobs: sent when their unit commits)
        released(meeting, release)
    return release
