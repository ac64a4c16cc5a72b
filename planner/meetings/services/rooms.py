"""The rooms of a meeting: added, renamed, deleted (the agenda items in a deleted room keep their place)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from planner.core import audit
from planner.core.errors import ValidationError
from planner.core.lookup import in_meeting
from planner.core.models import Base
from planner.core.text import fold, normalize
from planner.extensions import db
from planner.meetings.models import (
    Meeting,
    Room,
)
from planner.meetings.services.base import _check_version, _saving, ensure_editable

# Rooms -------------------------------------------------------------------------------------------

def get_room(meeting: Meeting, public_id: str) -> Room:
    return in_meeting(Room, meeting, public_id, _("No such room."))


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
