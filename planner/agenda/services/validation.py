"""The agenda's input checked: an item's fields from a form, the API or a copied agenda, and the helpers
every change of the agenda shares (its atomic block, the presiding persons, the audit description)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select

from planner.accounts.models import User
from planner.agenda.models import (
    AgendaItem,
    AgendaItemKind,
    AgendaItemStatus,
    agenda_item_presiding,
)
from planner.agenda.services.reading import (
    ITEM_FIELDS,
    _clock,
    _meeting_bounds,
    at,
    local,
    presiding_choices,
    rooms,
    to_utc,
)
from planner.core.db import atomic, check_version
from planner.core.errors import ValidationError
from planner.core.permissions import Classification, clearance_of, cleared_for
from planner.core.text import clean_text
from planner.delegates.models import Participant
from planner.extensions import db
from planner.meetings.models import Meeting, Room

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
        clean["description"] = clean_text(data["description"], multiline=True)
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
    if parent is not None and merged["kind"] != AgendaItemKind.session:
        _inherit_from_session(meeting, clean, current, parent)
        merged["starts_at"], merged["ends_at"] = (clean.get("starts_at", merged["starts_at"]),
                                                  clean.get("ends_at", merged["ends_at"]))
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


def _inherit_from_session(meeting: Meeting, clean: dict[str, Any], current: AgendaItem | None,
                          parent: AgendaItem) -> None:
    """An item created in a session, moved into one or moved within one takes the session's day (at the
    clock times it was given: a form's day list or a grid's column may say another day) and the session's
    room, unless it is given a room of its own at the same time. Nothing changes for an edit that touches
    neither its session nor its time."""
    touched = current is None or "parent" in clean or "starts_at" in clean or "ends_at" in clean
    if not touched:
        return
    starts_at = clean.get("starts_at", current.starts_at if current else None)
    ends_at = clean.get("ends_at", current.ends_at if current else None)
    days = (local(meeting, parent.starts_at).date() - local(meeting, starts_at).date()).days
    if days:
        clean["starts_at"] = _same_clock_days_later(meeting, starts_at, days)
        clean["ends_at"] = _same_clock_days_later(meeting, ends_at, days)
    joins = current is None or ("parent" in clean and current.parent_id != parent.id)
    if clean.get("room") is None and parent.room is not None and (joins or "room" in clean):
        clean["room"] = parent.room


def _same_clock_days_later(meeting: Meeting, value: datetime, days: int) -> datetime:
    """The same local wall-clock time ``days`` later (right across a change of daylight saving time)."""
    moment = local(meeting, value)
    return at(meeting, moment.date() + timedelta(days=days), moment.time())


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


def _next_position(meeting: Meeting, starts_at: datetime) -> int:
    highest = db.session.scalar(select(func.max(AgendaItem.position)).where(
        AgendaItem.meeting_id == meeting.id, AgendaItem.starts_at == starts_at))
    return 0 if highest is None else highest + 1
