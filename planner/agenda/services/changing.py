"""The agenda changed: items created (one or a batch), edited, deleted, reordered, shifted when one runs
late, sessions moved to another day, an agenda copied from another meeting."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, insert, select

from planner.accounts.models import User
from planner.agenda.models import (
    AgendaItem,
    AgendaItemKind,
    AgendaItemStatus,
    agenda_item_presiding,
)
from planner.agenda.services.reading import (
    MAX_SHIFT_MINUTES,
    _audit,
    _meeting_bounds,
    at,
    list_items,
    local,
    presiding_choices,
    programme_days,
    rooms,
)
from planner.agenda.services.rows import AgendaRow
from planner.agenda.services.validation import (
    _check_version,
    _clean,
    _describe,
    _Lookups,
    _next_position,
    _same_clock_days_later,
    _saving,
    _set_presiding,
)
from planner.core import audit
from planner.core.errors import Conflict, NotFound, ValidationError
from planner.core.models import new_public_id, utcnow
from planner.core.permissions import Classification, clearance_of, cleared_for
from planner.core.text import canonical
from planner.delegates.models import Participant
from planner.extensions import db
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting

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
    old_start, old_length, old_room = item.starts_at, item.ends_at - item.starts_at, item.room
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
        if item.kind == AgendaItemKind.session and item.children and _carries_items(
                item, moved_days, old_start, old_length, old_room, changes):
            changes["items_moved_with_it"] = [child.public_id for child in item.children]
        item.updated_at = utcnow()  # presiding alone lives in another table: the version must still move
        _audit(meeting, "agenda_item.updated", item.public_id, item.title, changes)
    return item


def _carries_items(session: AgendaItem, moved_days: int, old_start: datetime, old_length: timedelta,
                   old_room: Any, changes: dict[str, Any]) -> bool:
    """A session moved takes its items with it: to another day at the same hours, or (moved whole, its
    length kept, as a timetable's drag does) by as much as it moved; items in its old room follow it to
    its new room. A session made longer or shorter leaves its items where they are. Answers whether an
    item moved."""
    meeting = session.meeting
    moved = False
    if moved_days:
        for child in session.children:
            child.starts_at = _same_clock_days_later(meeting, child.starts_at, moved_days)
            child.ends_at = _same_clock_days_later(meeting, child.ends_at, moved_days)
        moved = True
    elif session.starts_at != old_start and session.ends_at - session.starts_at == old_length:
        delta = session.starts_at - old_start
        for child in session.children:
            child.starts_at += delta
            child.ends_at += delta
        moved = True
    if "room" in changes and old_room is not None:
        for child in session.children:
            if child.room_id == old_room.id:
                child.room = session.room
                moved = True
    return moved


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


def can_move(items: Sequence[AgendaItem | AgendaRow]) -> dict[int, tuple[bool, bool]]:
    """For each item id: (can move up, can move down) among same-time items of the same session."""
    groups: dict[tuple[int | None, datetime], list[AgendaItem | AgendaRow]] = {}
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
