"""Meeting operations: the only code that changes meetings and rooms.

Every lookup is scoped to the organization and to the user's clearance: a meeting of another
organization, or one classified above the user's clearance, is not found (404), not forbidden,
so that its existence is not revealed.
"""

from __future__ import annotations

import secrets
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Select, and_, delete, func, insert, or_, select, update
from sqlalchemy.orm import selectinload

from planner.accounts.models import Membership, Organization, User
from planner.core import audit
from planner.core.db import atomic, check_version
from planner.core.errors import Conflict, NotFound, ValidationError
from planner.core.models import Base, utcnow
from planner.core.permissions import Classification, Role, clearance_of, visible_levels
from planner.core.text import fold, normalize
from planner.extensions import db
from planner.meetings import recurrence
from planner.meetings.models import (
    MEETING_STATUS_LABELS,
    STATUS_TRANSITIONS,
    Meeting,
    MeetingKind,
    MeetingStatus,
    OccurrenceChange,
    Room,
    meeting_presiding,
    meeting_secretaries,
)
from planner.meetings.recurrence import Occurrence, RecurrenceError

# Statuses in which the programme and the delegate list can still be changed.
EDITABLE_STATUSES = frozenset({MeetingStatus.draft, MeetingStatus.published, MeetingStatus.in_progress})

MEETING_FIELDS = (
    "title", "kind", "classification", "timezone", "starts_on", "ends_on", "start_time", "end_time",
    "venue", "city", "language", "description", "recurrence",
)
# An occurrence of a recurring meeting may be moved by at most this many days (else: cancel it and
# create a meeting of its own); the work calendar relies on it to find moved occurrences.
MAX_MOVE_DAYS = 31


def meetings_query(org: Organization, user: User | None) -> Select[tuple[Meeting]]:
    """The meetings of the organization that the user's clearance admits."""
    query = select(Meeting).where(Meeting.organization_id == org.id)
    return query.where(Meeting.classification.in_(visible_levels(clearance_of(user, org.id))))


def get_meeting(org: Organization, public_id: str, *, user: User | None) -> Meeting:
    meeting = db.session.scalar(meetings_query(org, user).where(Meeting.public_id == public_id))
    if meeting is None:
        raise NotFound(_("No such meeting."))
    return meeting


def note_view(meeting: Meeting) -> None:
    """DOMAIN.md: every view of classified content (mật and above) is written to the audit log."""
    if not Classification(meeting.classification).is_classified:
        return
    with atomic():
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action="meeting.viewed", object_type="meeting", object_id=meeting.public_id,
                     summary=meeting.title)


def note_page_view(meeting: Meeting, page: str) -> None:
    """DOMAIN.md: every view of classified content is written to the audit log. Called once per page
    of a classified meeting (whatever domain's page it is) unless the page wrote its own entry."""
    from flask import g

    if not Classification(meeting.classification).is_classified or meeting.id in g.get("audited_meetings", ()):
        return
    with atomic():
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action="meeting.viewed", object_type="meeting", object_id=meeting.public_id, summary=page)


def is_editable(meeting: Meeting) -> bool:
    return meeting.status in EDITABLE_STATUSES


def ensure_editable(meeting: Meeting) -> None:
    """Closed and archived meetings are read-only (minutes and attendance have their own rules)."""
    if not is_editable(meeting):
        raise Conflict(_("This meeting is closed; its programme and delegates can no longer be changed."))


def _clean(data: dict[str, Any], current: Meeting | None = None) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key in MEETING_FIELDS:
        if key in data:
            value = data[key]
            if key in ("title", "venue", "city"):
                value = normalize(value)
            elif key == "description":
                value = (value or "").strip()
            elif key == "recurrence":
                value = (value or "").strip() or None
            clean[key] = value
    merged = {key: getattr(current, key) for key in MEETING_FIELDS} if current is not None else {}
    merged.update(clean)

    if not merged.get("title"):
        raise ValidationError(_("The meeting needs a title."), field="title")
    try:
        if "kind" in clean:
            clean["kind"] = MeetingKind(clean["kind"])
        if "classification" in clean:
            clean["classification"] = Classification(clean["classification"] or Classification.none)
    except ValueError:
        raise ValidationError(_("Unknown kind or classification."), field="kind") from None
    if "timezone" in clean:
        try:
            zoneinfo.ZoneInfo(clean["timezone"])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationError(_("Unknown time zone: %(tz)s", tz=clean["timezone"]), field="timezone") from None
    if "language" in clean and clean["language"] not in current_app.config["LANGUAGES"]:
        raise ValidationError(_("Unknown language."), field="language")
    starts_on, ends_on = merged.get("starts_on"), merged.get("ends_on")
    if not isinstance(starts_on, date):
        raise ValidationError(_("Enter the first day of the meeting."), field="starts_on")
    if ends_on is None:
        clean["ends_on"] = ends_on = starts_on
    if ends_on < starts_on:
        raise ValidationError(_("The meeting cannot end before it starts."), field="ends_on")
    if (ends_on - starts_on).days > 31:
        raise ValidationError(_("A meeting lasts at most 32 days."), field="ends_on")
    start_time, end_time = merged.get("start_time"), merged.get("end_time")
    for name, value in (("start_time", start_time), ("end_time", end_time)):
        if value is not None and not isinstance(value, time):
            raise ValidationError(_("Enter a time such as 08:00."), field=name)
    if start_time and end_time and starts_on == ends_on and end_time <= start_time:
        raise ValidationError(_("The meeting cannot end before it starts."), field="end_time")
    _clean_recurrence(clean, merged, current)
    return clean


def _clean_recurrence(clean: dict[str, Any], merged: dict[str, Any], current: Meeting | None) -> None:
    """Check the rule against the (new) first day, time and zone; store its canonical form."""
    rule = merged.get("recurrence")
    touched = {"recurrence", "starts_on", "start_time", "timezone"} & set(clean)
    if not rule or not touched:
        return
    # A stored rule's last day was written for the zone the meeting had; a rule sent now, for the new one.
    previous = current.timezone if current is not None and "recurrence" not in clean else None
    try:
        canonical = recurrence.normalize_rule(rule, starts_on=merged["starts_on"], start_time=merged.get("start_time"),
                                              timezone=merged.get("timezone") or "Asia/Ho_Chi_Minh",
                                              previous_timezone=previous)
    except RecurrenceError as exc:
        raise ValidationError(exc.message, field=exc.field) from None
    if "recurrence" in clean or canonical != (current.recurrence if current is not None else None):
        clean["recurrence"] = canonical


def create_meeting(org: Organization, user: User | None = None, **data: Any) -> Meeting:
    data.setdefault("timezone", org.timezone)
    data.setdefault("city", org.city)
    data.setdefault("language", org.language)
    clean = _clean(data)
    if user is not None and not _cleared(user, org.id, clean.get("classification")):
        raise ValidationError(_("You cannot create a meeting classified above your clearance."),
                              field="classification")
    for key in ("presiding_ids", "secretary_ids"):
        if data.get(key) is not None and (isinstance(data[key], str) or not isinstance(data[key], list | tuple)):
            raise ValidationError(_("Give a list of participant ids."), field=key)
    # One block: a refusal of the people asked for leaves no meeting behind (no meeting without them).
    with atomic():
        meeting = Meeting(organization_id=org.id, **clean)
        db.session.add(meeting)
        db.session.flush()
        # A new meeting has no participants yet: who presides and who takes the minutes come from the directory
        # (person:<id>) or the office's users (user:<id>), put on its list in the order given.
        changes = {}
        for kind, key in (("presiding", "presiding_ids"), ("secretaries", "secretary_ids")):
            if data.get(key):
                rows = _participant_rows(meeting, resolve_people(meeting, list(data[key]), kind), key)
                _write_people(meeting, kind, [row for row, _public_id in rows])
                changes[key] = [[], [public_id for _row, public_id in rows]]
        audit.record(db.session, organization_id=org.id, meeting_id=meeting.id, action="meeting.created",
                     object_type="meeting", object_id=meeting.public_id, summary=meeting.title,
                     changes=changes or None)
    return meeting


def update_meeting(meeting: Meeting, data: dict[str, Any], *, user: User | None = None,
                   version: int | None = None) -> Meeting:
    """Change a meeting's fields; ``data`` may also hold ``presiding_ids`` and ``secretary_ids`` (public ids
    of its participants, in order). One audit entry, one commit: all of it or nothing."""
    _check_version(meeting, version)
    ensure_editable(meeting)
    clean = _clean(data, meeting)
    if user is not None and "classification" in clean and not _cleared(user, meeting.organization_id,
                                                                                  clean["classification"]):
        raise ValidationError(_("You cannot classify a meeting above your clearance."), field="classification")
    with _saving():
        people = {kind: _participant_rows(meeting, resolve_people(meeting, data[key], kind), key)
                  for kind, key in (("presiding", "presiding_ids"), ("secretaries", "secretary_ids"))
                  if data.get(key) is not None}
        changes = audit.diff({k: getattr(meeting, k) for k in clean}, clean)
        for kind, rows in people.items():
            before = [p.public_id for p in getattr(meeting, kind)]
            after = [public_id for _row, public_id in rows]
            if before != after:
                changes[_PEOPLE_KEYS[kind]] = [before, after]
        if not changes:
            return meeting
        for key, value in clean.items():
            setattr(meeting, key, value)
        _keep_public_code(meeting)
        dropped = _drop_stray_changes(meeting)
        if dropped:
            changes["occurrence_changes_dropped"] = [None, dropped]
        for kind, rows in people.items():
            if _PEOPLE_KEYS[kind] in changes:
                _write_people(meeting, kind, [row for row, _public_id in rows])
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action="meeting.updated", object_type="meeting", object_id=meeting.public_id,
                     summary=meeting.title, changes=changes)
    return meeting


def _check_version(obj: Any, version: int | None) -> None:
    check_version(obj, version, _("Someone else changed this room meanwhile. Reload to see their version.")
                  if isinstance(obj, Room) else
                  _("Someone else changed this meeting meanwhile. Reload to see their version."))


def _cleared(user: User, organization_id: int, classification: Classification | str | None) -> bool:
    from planner.core.permissions import cleared_for

    return cleared_for(clearance_of(user, organization_id), classification)


def _saving() -> Any:
    """The block a change of a meeting (or of its rooms, people, occurrences) is made in: all of it or nothing;
    a stale version or a clash is refused with the meeting's message."""
    return atomic(_("Someone else changed this meeting meanwhile. Reload to see their version."),
                  clash=ValidationError)


def new_public_code() -> str:
    return secrets.token_urlsafe(9)


def _keep_public_code(meeting: Meeting) -> None:
    """A meeting past draft and unclassified has a public code (its programme page); any other has none."""
    if meeting.classification != Classification.none:
        meeting.public_code = None  # a classified or internal meeting has no public page
    elif meeting.status != MeetingStatus.draft and not meeting.public_code:
        meeting.public_code = new_public_code()


def has_public_page(meeting: Meeting) -> bool:
    """The one rule for a public programme page (and public feed): past draft, unclassified, with a code."""
    return bool(meeting.public_code) and meeting.status != MeetingStatus.draft \
        and Classification(meeting.classification) == Classification.none


def public_page_conditions() -> tuple[Any, ...]:
    """has_public_page as the WHERE conditions of a query of meetings."""
    return (Meeting.public_code.is_not(None), Meeting.status != MeetingStatus.draft,
            Meeting.classification == Classification.none)


# Presiding persons and secretaries ---------------------------------------------------------------

_PEOPLE_TABLES = {"presiding": meeting_presiding, "secretaries": meeting_secretaries}
_PEOPLE_KEYS = {"presiding": "presiding_ids", "secretaries": "secretary_ids"}


# Who turns references to people who are not on the list yet (``person:<id>`` of the directory, ``user:<id>``
# of the office) into participants: the delegates domain registers itself here (it sits above meetings).
PeopleResolver = Callable[[Meeting, list[str], str], list[str]]
PEOPLE_RESOLVERS: list[PeopleResolver] = []


def register_people_resolver(resolver: PeopleResolver) -> None:
    if resolver not in PEOPLE_RESOLVERS:
        PEOPLE_RESOLVERS.append(resolver)


def resolve_people(meeting: Meeting, refs: Any, kind: str) -> Any:
    """Participant ids for presiding persons (``kind`` "presiding") or secretaries ("secretaries"): participant
    ids stay as they are; ``person:<id>`` and ``user:<id>`` are put on the meeting's list first (staged, not
    committed). Anything else is left for _participant_rows to refuse."""
    if not isinstance(refs, list | tuple) or not any(":" in str(r) for r in refs):
        return refs
    refs = [str(r) for r in refs if r]
    for resolver in PEOPLE_RESOLVERS:
        refs = resolver(meeting, refs, kind)
    return refs


def people_choices(org: Organization, meeting: Meeting | None) -> list[tuple[str, str]]:
    """Who may preside: the meeting's participants in protocol order (their ids), then the people of the
    directory not on its list (``person:<id>``, in name order), each labelled with their position."""
    participant = _participant_class()
    person = participant.person.property.mapper.class_
    on_list = participants(meeting) if meeting is not None else []
    choices = [(p.public_id, f"{p.full_name}{' – ' + p.title if p.title else ''}") for p in on_list]
    taken = select(participant.person_id).where(participant.meeting_id == meeting.id) if meeting is not None else None
    query = select(person).where(person.organization_id == org.id)
    if taken is not None:
        query = query.where(person.id.not_in(taken))
    for p in db.session.scalars(query.order_by(person.name_key, person.id)):
        choices.append((f"person:{p.public_id}", f"{p.full_name}{' – ' + p.title if p.title else ''}"))
    return choices


def staff_user_choices(org: Organization) -> list[tuple[str, str]]:
    """The office's users who take minutes (secretaries, organizers, administrators), as ``user:<id>``: a
    secretary need not be a delegate."""
    rows = db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id == org.id, User.active.is_(True),
               Membership.role.in_([Role.secretary, Role.organizer, Role.admin]))
        .order_by(User.name, User.id))
    return [(f"user:{u.public_id}", u.name or u.email) for u in rows]


def _participant_class() -> Any:
    """The delegates domain's Participant, reached through the mapping (meetings sits below delegates)."""
    return Meeting.presiding.property.mapper.class_


def participants(meeting: Meeting) -> list[Any]:
    """The meeting's participants in protocol order: the choices for presiding persons and secretaries."""
    participant = _participant_class()
    return list(db.session.scalars(
        select(participant).where(participant.meeting_id == meeting.id)
        .order_by(participant.protocol_rank, participant.name_key, participant.id)
    ))


# Who leads a meeting's attendance in the work calendar's "Thành phần" column: the ranked leaders and guests.
COMPOSITION_NAMES = 3
_UNRANKED = 10_000  # delegates.models.DEFAULT_PRECEDENCE: ranks from here on are those of the categories


def compositions(meeting_ids: Sequence[int]) -> dict[int, str]:
    """The attendance composition (thành phần) of each meeting as a work calendar prints it: the first ranked
    leaders and guests by name and position in protocol order, then how many others (staff left out).
    Two queries whatever the number of meetings."""
    if not meeting_ids:
        return {}
    participant = _participant_class()
    staff = "staff"
    counts = dict(db.session.execute(
        select(participant.meeting_id, func.count()).where(participant.meeting_id.in_(meeting_ids),
                                                           participant.category != staff)
        .group_by(participant.meeting_id)).all())
    ranked = db.session.scalars(
        select(participant).where(participant.meeting_id.in_(meeting_ids),
                                  participant.category.in_(["leader", "guest"]), participant.protocol_rank < _UNRANKED)
        .order_by(participant.meeting_id, participant.protocol_rank, participant.name_key, participant.id)).all()
    named: dict[int, list[Any]] = {}
    for p in ranked:
        named.setdefault(p.meeting_id, []).append(p)
    result = {}
    for meeting_id in meeting_ids:
        people = named.get(meeting_id, [])[:COMPOSITION_NAMES]
        # the first office of each title is enough beside the name ("Ủy viên Bộ Chính trị", not all of it)
        parts = [f"{p.full_name}{' - ' + p.title.split(',')[0].strip() if p.title else ''}" for p in people]
        others = counts.get(meeting_id, 0) - len(people)
        if others > 0:
            parts.append(ngettext("%(num)d other participant", "%(num)d other participants", others) if parts
                         else ngettext("%(num)d participant", "%(num)d participants", others))
        if parts:
            result[meeting_id] = "; ".join(parts)
    return result


def _participant_rows(meeting: Meeting, public_ids: Any, field: str) -> list[tuple[int, str]]:
    """(row id, public id) of the given participants of this meeting, in the given order, once each."""
    if isinstance(public_ids, str) or not isinstance(public_ids, list | tuple):
        raise ValidationError(_("Give a list of participant ids."), field=field)
    wanted = list(dict.fromkeys(str(p) for p in public_ids if p))
    if not wanted:
        return []
    participant = _participant_class()
    found = dict(db.session.execute(
        select(participant.public_id, participant.id)
        .where(participant.meeting_id == meeting.id, participant.public_id.in_(wanted))
    ).all())
    unknown = [p for p in wanted if p not in found]
    if unknown:
        raise ValidationError(_("Not a participant of this meeting: %(ids)s", ids=", ".join(unknown)), field=field)
    return [(found[p], p) for p in wanted]


def _write_people(meeting: Meeting, kind: str, row_ids: list[int]) -> None:
    table = _PEOPLE_TABLES[kind]
    db.session.execute(delete(table).where(table.c.meeting_id == meeting.id))
    if row_ids:
        db.session.execute(insert(table), [
            {"meeting_id": meeting.id, "participant_id": row, "position": n} for n, row in enumerate(row_ids)
        ])
    db.session.expire(meeting, [kind])


def _set_people(meeting: Meeting, kind: str, public_ids: list[str]) -> Meeting:
    ensure_editable(meeting)
    rows = _participant_rows(meeting, list(public_ids), _PEOPLE_KEYS[kind])
    before = [p.public_id for p in getattr(meeting, kind)]
    after = [public_id for _row, public_id in rows]
    if before == after:
        return meeting
    with _saving():
        _write_people(meeting, kind, [row for row, _public_id in rows])
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action=f"meeting.{kind}_changed", object_type="meeting", object_id=meeting.public_id,
                     summary=meeting.title, changes={_PEOPLE_KEYS[kind]: [before, after]})
    return meeting


def set_presiding(meeting: Meeting, participant_public_ids: list[str]) -> Meeting:
    """Who presides (chủ trì), in the order given; participants of this meeting only."""
    return _set_people(meeting, "presiding", participant_public_ids)


def set_secretaries(meeting: Meeting, participant_public_ids: list[str]) -> Meeting:
    """Who takes the minutes (thư ký), in the order given; participants of this meeting only."""
    return _set_people(meeting, "secretaries", participant_public_ids)


# Status workflow -------------------------------------------------------------------------------

def allowed_statuses(meeting: Meeting) -> list[MeetingStatus]:
    """The statuses the meeting may move to now, in workflow order."""
    allowed = STATUS_TRANSITIONS[meeting.status]
    return [s for s in MeetingStatus if s in allowed]


def check_transition(meeting: Meeting, new_status: MeetingStatus | str) -> MeetingStatus:
    try:
        target = MeetingStatus(new_status)
    except ValueError:
        raise ValidationError(_("Unknown status: %(status)s", status=new_status), field="status") from None
    if target != meeting.status and target not in STATUS_TRANSITIONS[meeting.status]:
        raise Conflict(_("A meeting cannot go from “%(old)s” to “%(new)s”.",
                         old=MEETING_STATUS_LABELS[meeting.status], new=MEETING_STATUS_LABELS[target]))
    return target


def set_status(meeting: Meeting, new_status: MeetingStatus | str, *, version: int | None = None) -> Meeting:
    """Move the meeting along its workflow (models.STATUS_TRANSITIONS). Publishing an unclassified
    meeting gives it a public code (its programme page); closed meetings may still be archived or reopened."""
    _check_version(meeting, version)
    target = check_transition(meeting, new_status)
    if target == meeting.status:
        return meeting
    before = meeting.status
    with _saving():
        meeting.status = target
        _keep_public_code(meeting)
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action="meeting.status_changed", object_type="meeting", object_id=meeting.public_id,
                     summary=meeting.title, changes={"status": [before.value, target.value]})
    return meeting


def can_delete(meeting: Meeting) -> bool:
    return meeting.status == MeetingStatus.draft


def delete_meeting(meeting: Meeting, *, version: int | None = None) -> None:
    """Only a draft is deleted (with its rooms, programme and delegate list). A meeting that was
    published has been announced: set it back to draft first; one that took place stays on record."""
    _check_version(meeting, version)
    if not can_delete(meeting):
        raise Conflict(_("Only a draft meeting can be deleted. A published meeting goes back to draft first; "
                         "a meeting that has taken place stays on record (archive it instead)."))
    with _saving():
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action="meeting.deleted", object_type="meeting", object_id=meeting.public_id,
                     summary=meeting.title)
        db.session.delete(meeting)


# Rooms -------------------------------------------------------------------------------------------

def get_room(meeting: Meeting, public_id: str) -> Room:
    room = db.session.scalar(select(Room).where(Room.meeting_id == meeting.id, Room.public_id == public_id))
    if room is None:
        raise NotFound(_("No such room."))
    return room


def _clean_room(meeting: Meeting, data: dict[str, Any], room: Room | None = None) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "name" in data or room is None:
        name = normalize(data.get("name"))
        if not name:
            raise ValidationError(_("The room needs a name."), field="name")
        if len(name) > 255:
            raise ValidationError(_("The name is too long (255 characters at most)."), field="name")
        taken = {fold(r.name) for r in meeting.rooms if r is not room}
        if fold(name) in taken:
            raise ValidationError(_("This meeting has a room named “%(name)s” already.", name=name), field="name")
        clean["name"] = name
    if "capacity" in data:
        capacity = data.get("capacity")
        if capacity in ("", None):
            clean["capacity"] = None
        else:
            try:
                capacity = int(capacity)
            except (TypeError, ValueError):
                raise ValidationError(_("The capacity is a number of seats."), field="capacity") from None
            if not 1 <= capacity <= 100_000:
                raise ValidationError(_("The capacity must be at least 1 seat."), field="capacity")
            clean["capacity"] = capacity
    return clean


def add_room(meeting: Meeting, *, name: str, capacity: int | None = None) -> Room:
    ensure_editable(meeting)
    clean = _clean_room(meeting, {"name": name, "capacity": capacity})
    position = max((r.position for r in meeting.rooms), default=-1) + 1
    with _saving():
        room = Room(meeting_id=meeting.id, position=position, **clean)
        db.session.add(room)
        db.session.flush()
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action="room.created", object_type="room", object_id=room.public_id, summary=room.name,
                     changes={"name": [None, room.name], "capacity": [None, room.capacity]})
    db.session.expire(meeting, ["rooms"])
    return room


def update_room(room: Room, data: dict[str, Any], *, version: int | None = None) -> Room:
    meeting = room.meeting
    _check_version(room, version)
    ensure_editable(meeting)
    clean = _clean_room(meeting, data, room)
    changes = audit.diff({k: getattr(room, k) for k in clean}, clean)
    if not changes:
        return room
    with _saving():
        for key, value in clean.items():
            setattr(room, key, value)
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action="room.updated", object_type="room", object_id=room.public_id, summary=room.name,
                     changes=changes)
    return room


def _agenda_items_table() -> Any:
    # The agenda sits above meetings: its table is reached through the shared metadata, not imported.
    return Base.metadata.tables.get("agenda_items")


def room_usage(meeting: Meeting) -> dict[int, int]:
    """Number of agenda items in each room of the meeting (room row id -> count), in one query."""
    items = _agenda_items_table()
    if items is None or "room_id" not in items.c:
        return {}
    rows = db.session.execute(
        select(items.c.room_id, func.count()).where(items.c.meeting_id == meeting.id, items.c.room_id.is_not(None))
        .group_by(items.c.room_id)
    ).all()
    return {room_id: count for room_id, count in rows}


def delete_room(room: Room) -> int:
    """Delete a room; the agenda items in it keep their place in the programme, without a room.
    Answers how many items lost their room."""
    meeting = room.meeting
    ensure_editable(meeting)
    used = room_usage(meeting).get(room.id, 0)
    items = _agenda_items_table()
    with _saving():
        if used and items is not None:
            db.session.execute(update(items).where(items.c.room_id == room.id).values(room_id=None))
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action="room.deleted", object_type="room", object_id=room.public_id, summary=room.name,
                     changes={"name": [room.name, None], "agenda_items_without_room": [None, used]})
        db.session.delete(room)
    db.session.expire(meeting, ["rooms"])
    return used


# Occurrences of recurring meetings ---------------------------------------------------------------

def _occurrence_change(meeting: Meeting, original_date: date) -> OccurrenceChange | None:
    return next((c for c in meeting.occurrence_changes if c.original_date == original_date), None)


def _ensure_occurrence(meeting: Meeting, original_date: Any) -> date:
    if not meeting.recurrence:
        raise ValidationError(_("This meeting does not repeat: change its dates instead."))
    if not isinstance(original_date, date):
        raise ValidationError(_("Enter a date such as 2026-11-30."), field="original_date")
    if not recurrence.is_occurrence(meeting, original_date):
        raise NotFound(_("The meeting has no occurrence on %(day)s.", day=original_date.isoformat()))
    return original_date


def _record_occurrence(meeting: Meeting, action: str, original_date: date, changes: dict[str, Any]) -> None:
    # A change of one occurrence is a change of the series: the meeting's version and updated_at rise with
    # it, also when it deletes a row (a restore). Calendars take the series' SEQUENCE and LAST-MODIFIED
    # from them, so that a client honouring SEQUENCE takes every cancel, move and restore (an override's
    # SEQUENCE rises with each move of its occurrence); two changes at once conflict instead of one
    # silently winning.
    meeting.updated_at = utcnow()
    audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id, action=action,
                 object_type="meeting", object_id=meeting.public_id,
                 summary=f"{meeting.title} ({original_date.isoformat()})", changes=changes)


def occurrence(meeting: Meeting, original_date: date) -> Occurrence:
    """One occurrence as it stands (cancelled or moved), found by the day the rule gives it."""
    _ensure_occurrence(meeting, original_date)
    reach = timedelta(days=MAX_MOVE_DAYS)
    length = meeting.ends_on - meeting.starts_on
    found = recurrence.expand(meeting, original_date - reach, original_date + reach + length)
    return next(o for o in found if o.original_date == original_date)


def cancel_occurrence(meeting: Meeting, original_date: date, *, note: str = "") -> OccurrenceChange:
    """Cancel one occurrence (iCal EXDATE); it stays listed as cancelled."""
    ensure_editable(meeting)
    original_date = _ensure_occurrence(meeting, original_date)
    change = _occurrence_change(meeting, original_date)
    if change is not None and change.cancelled:
        return change
    with _saving():
        if change is None:
            change = OccurrenceChange(meeting=meeting, original_date=original_date)
            db.session.add(change)
        change.cancelled = True
        change.new_date = change.new_start_time = change.new_end_time = change.new_venue = None
        change.note = normalize(note)
        _record_occurrence(meeting, "meeting.occurrence_cancelled", original_date,
                           {"cancelled": [False, True], "note": [None, change.note]})
    return change


def move_occurrence(meeting: Meeting, original_date: date, *, new_date: date | None,
                    new_start_time: time | None = None, new_end_time: time | None = None,
                    new_venue: str | None = None, note: str = "") -> OccurrenceChange:
    """Move one occurrence to another day, other hours and/or another place (iCal RECURRENCE-ID)."""
    ensure_editable(meeting)
    original_date = _ensure_occurrence(meeting, original_date)
    new_date = new_date or original_date
    if not isinstance(new_date, date):
        raise ValidationError(_("Enter a date such as 2026-11-30."), field="new_date")
    if abs((new_date - original_date).days) > MAX_MOVE_DAYS:
        raise ValidationError(_("An occurrence can be moved by %(days)d days at most; cancel it and create a "
                                "separate meeting instead.", days=MAX_MOVE_DAYS), field="new_date")
    start = new_start_time if new_start_time is not None else meeting.start_time
    end = new_end_time if new_end_time is not None else meeting.end_time
    for name, value in (("new_start_time", new_start_time), ("new_end_time", new_end_time)):
        if value is not None and not isinstance(value, time):
            raise ValidationError(_("Enter a time such as 08:00."), field=name)
    if start and end and meeting.starts_on == meeting.ends_on and end <= start:
        raise ValidationError(_("The meeting cannot end before it starts."), field="new_end_time")
    venue = normalize(new_venue) or None
    if venue == meeting.venue:
        venue = None
    if new_date == original_date and start == meeting.start_time and end == meeting.end_time and venue is None:
        raise ValidationError(_("Nothing would change: give another day, other hours or another place."),
                              field="new_date")
    length = meeting.ends_on - meeting.starts_on
    others = [o for o in recurrence.expand(meeting, new_date, new_date + length, include_cancelled=False)
              if o.original_date != original_date]
    if others:
        raise ValidationError(_("The meeting takes place on %(day)s already.", day=others[0].day.isoformat()),
                              field="new_date")
    with _saving():
        change = _occurrence_change(meeting, original_date)
        before = {"new_date": None, "new_start_time": None, "new_end_time": None, "new_venue": None, "cancelled": False}
        if change is None:
            change = OccurrenceChange(meeting=meeting, original_date=original_date)
            db.session.add(change)
        else:
            before = {k: getattr(change, k) for k in before}
        after = {"new_date": new_date if new_date != original_date else None,
                 "new_start_time": start if start != meeting.start_time else None,
                 "new_end_time": end if end != meeting.end_time else None,
                 "new_venue": venue, "cancelled": False}
        for key, value in after.items():
            setattr(change, key, value)
        change.note = normalize(note)
        _record_occurrence(meeting, "meeting.occurrence_moved", original_date, audit.diff(before, after))
    return change


def restore_occurrence(meeting: Meeting, original_date: date) -> None:
    """Undo a cancellation or a move: the occurrence is as the rule gives it again."""
    ensure_editable(meeting)
    original_date = _ensure_occurrence(meeting, original_date)
    change = _occurrence_change(meeting, original_date)
    if change is None:
        return
    with _saving():
        _record_occurrence(meeting, "meeting.occurrence_restored", original_date,
                           {"cancelled": [change.cancelled, False], "new_date": [change.new_date, None]})
        meeting.occurrence_changes.remove(change)


def _drop_stray_changes(meeting: Meeting) -> int:
    """After the rule or the first day changed: forget the changes of occurrences that no longer exist."""
    stray = [c for c in meeting.occurrence_changes
             if not meeting.recurrence or not recurrence.is_occurrence(meeting, c.original_date)]
    for change in stray:
        meeting.occurrence_changes.remove(change)
    return len(stray)


def occurrences(meeting: Meeting, start: date, end: date) -> list[Occurrence]:
    return recurrence.expand(meeting, start, end)


# Lists and the work calendar ---------------------------------------------------------------------

@dataclass
class MeetingFilter:
    status: str | None = None
    kind: str | None = None
    start: date | None = None   # with end: occurrences that touch these days (recurring ones expanded)
    end: date | None = None
    q: str | None = None

    @property
    def by_dates(self) -> bool:
        return self.start is not None or self.end is not None

    def bounds(self) -> tuple[date, date]:
        """The days asked for; one bound alone means a year from (or up to) it."""
        start = self.start or (self.end - timedelta(days=365) if self.end else date.today())
        end = self.end or start + timedelta(days=365)
        return start, end


def _filtered(org: Organization, user: User | None, f: MeetingFilter) -> Select[tuple[Meeting]]:
    query = meetings_query(org, user)
    if f.status:
        try:
            query = query.where(Meeting.status == MeetingStatus(f.status))
        except ValueError:
            raise ValidationError(_("Unknown status: %(status)s", status=f.status), field="status") from None
    if f.kind:
        try:
            query = query.where(Meeting.kind == MeetingKind(f.kind))
        except ValueError:
            raise ValidationError(_("Unknown kind or classification."), field="kind") from None
    if f.q and fold(f.q).strip():
        query = query.where(Meeting.search_folded.contains(fold(f.q).strip(), autoescape=True))
    return query


def _in_days(query: Select[tuple[Meeting]], start: date, end: date) -> Select[tuple[Meeting]]:
    """Meetings that may touch the days: single ones that overlap, recurring series begun by then."""
    return query.where(or_(
        and_(Meeting.recurrence.is_(None), Meeting.starts_on <= end, Meeting.ends_on >= start),
        and_(Meeting.recurrence.is_not(None), Meeting.starts_on <= end + timedelta(days=MAX_MOVE_DAYS)),
    ))


def list_meetings(org: Organization, user: User | None, f: MeetingFilter, *, limit: int = 50,
                  offset: int = 0) -> tuple[list[Meeting], int]:
    """Meetings (one row each, recurring ones once), newest first; with dates, those that touch them."""
    query = _filtered(org, user, f)
    if f.by_dates:
        start, end = f.bounds()
        if end < start:
            raise ValidationError(_("The end of the period is before its start."), field="end")
        candidates = db.session.scalars(_in_days(query, start, end).options(
            selectinload(Meeting.occurrence_changes))).all()
        ids = [m.id for m in candidates if recurrence.expand(m, start, end)]
        query = query.where(Meeting.id.in_(ids))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = db.session.scalars(
        query.options(selectinload(Meeting.presiding))
        .order_by(Meeting.starts_on.desc(), Meeting.id.desc()).limit(limit).offset(offset)
    ).all()
    return list(rows), total


def list_occurrences(org: Organization, user: User | None, f: MeetingFilter, *, limit: int = 50,
                     offset: int = 0) -> tuple[list[Occurrence], int]:
    """Every occurrence in the filter's days, in time order: recurring meetings appear once per occurrence."""
    start, end = f.bounds()
    if end < start:
        raise ValidationError(_("The end of the period is before its start."), field="end")
    found = calendar_occurrences(org, user, start, end, query=_filtered(org, user, f))
    return found[offset:offset + limit], len(found)


def calendar_occurrences(org: Organization, user: User | None, start: date, end: date, *,
                         query: Select[tuple[Meeting]] | None = None) -> list[Occurrence]:
    """What the work calendar shows from ``start`` to ``end``: every occurrence the user may see, with its
    presiding persons loaded, in three queries whatever the number of meetings."""
    query = query if query is not None else meetings_query(org, user)
    meetings = db.session.scalars(_in_days(query, start, end).options(
        selectinload(Meeting.presiding), selectinload(Meeting.occurrence_changes))).all()
    return recurrence.expand_all(meetings, start, end)
