"""Releases of an agenda: the snapshot of what is published, and the changelog between two snapshots.

Pure functions over plain data. A snapshot is ``{item public_id: entry}`` where an entry holds the
fields a reader of the programme (or a calendar) sees; the changelog is a list of plain change
records, stored without any translated text and rendered in the reader's language by ``change_text``.

The ``sequence`` of an entry counts the published changes of the item (0 when first published, +1
for each release that changes it): calendar feeds use it as the iCal SEQUENCE.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

ADDED = "added"
REMOVED = "removed"
CANCELLED = "cancelled"
RESTORED = "restored"
RETIMED = "retimed"
MOVED_ROOM = "moved_room"
RENAMED = "renamed"
PRESIDING_CHANGED = "presiding_changed"
UPDATED = "updated"   # kind, description, performer, classification or session changed
CHANGE_KINDS = (ADDED, REMOVED, CANCELLED, RESTORED, RETIMED, MOVED_ROOM, RENAMED, PRESIDING_CHANGED, UPDATED)

# Fields whose change is reported as UPDATED, with the list of their names.
DETAIL_FIELDS = ("kind", "description", "performer", "classification", "parent")

Snapshot = dict[str, dict[str, Any]]


def entry(*, title: str, kind: str, starts_at: datetime, ends_at: datetime, room: str | None, room_id: str | None,
          presiding: list[str], status: str, parent: str | None, classification: str, position: int = 0,
          description: str = "", performer: str = "", sequence: int = 0) -> dict[str, Any]:
    """One item as published."""
    return {
        "title": title,
        "kind": kind,
        "starts_at": starts_at.isoformat(),
        "ends_at": ends_at.isoformat(),
        "room": room,
        "room_id": room_id,
        "presiding": list(presiding),
        "status": status,
        "parent": parent,
        "classification": classification,
        "position": position,
        "description": description,
        "performer": performer,
        "sequence": sequence,
    }


def _context(item_id: str, item: Mapping[str, Any]) -> dict[str, Any]:
    """What every change record carries about its item: enough to show and filter it later."""
    return {
        "item": item_id,
        "title": item["title"],
        "kind": item["kind"],
        "classification": item.get("classification", "none"),
        "starts_at": item["starts_at"],
        "parent": item.get("parent"),
    }


def diff(old: Snapshot, new: Snapshot) -> list[dict[str, Any]]:
    """The changelog from ``old`` (version N−1, empty for the first) to ``new``."""
    changes: list[dict[str, Any]] = []
    for item_id, after in new.items():
        before = old.get(item_id)
        if before is None:
            changes.append({"change": ADDED, **_context(item_id, after)})
            continue
        context = _context(item_id, after)
        if before["status"] != after["status"]:
            if after["status"] == "cancelled":
                changes.append({"change": CANCELLED, **context})
                continue  # what else changed about a cancelled item does not matter to its readers
            changes.append({"change": RESTORED, **context})
        if before["starts_at"] != after["starts_at"] or before["ends_at"] != after["ends_at"]:
            changes.append({"change": RETIMED, **context,
                            "from": [before["starts_at"], before["ends_at"]],
                            "to": [after["starts_at"], after["ends_at"]]})
        if (before.get("room_id"), before.get("room")) != (after.get("room_id"), after.get("room")):
            changes.append({"change": MOVED_ROOM, **context, "from": before.get("room"), "to": after.get("room")})
        if before["title"] != after["title"]:
            changes.append({"change": RENAMED, **context, "from": before["title"], "to": after["title"]})
        if list(before.get("presiding") or []) != list(after.get("presiding") or []):
            changes.append({"change": PRESIDING_CHANGED, **context,
                            "from": list(before.get("presiding") or []), "to": list(after.get("presiding") or [])})
        fields = [f for f in DETAIL_FIELDS if before.get(f) != after.get(f)]
        if fields:
            changes.append({"change": UPDATED, **context, "fields": fields})
    for item_id, before in old.items():
        if item_id not in new:
            changes.append({"change": REMOVED, **_context(item_id, before)})
    order = {kind: i for i, kind in enumerate(CHANGE_KINDS)}
    changes.sort(key=lambda c: (c["starts_at"], c["item"], order[c["change"]]))
    return changes


def with_sequences(old: Snapshot, new: Snapshot, changes: list[dict[str, Any]]) -> Snapshot:
    """``new`` with each item's sequence: the previous one, plus one if this release changes it."""
    touched = {c["item"] for c in changes}
    result: Snapshot = {}
    for item_id, after in new.items():
        before = old.get(item_id)
        sequence = 0 if before is None else int(before.get("sequence", 0)) + (1 if item_id in touched else 0)
        result[item_id] = {**after, "sequence": sequence}
    return result


def visible_changes(changes: list[dict[str, Any]], levels: list[str]) -> list[dict[str, Any]]:
    """The changes a reader may see: those of items whose classification their clearance admits."""
    allowed = set(levels)
    return [c for c in changes if c.get("classification", "none") in allowed]


def change_counts(changes: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for change in changes:
        counts[change["change"]] = counts.get(change["change"], 0) + 1
    return counts


def _time(value: str | None, zone: ZoneInfo, with_day: bool) -> str:
    from flask_babel import format_date, format_time

    if not value:
        return ""
    moment = datetime.fromisoformat(value).astimezone(zone)
    text = format_time(moment, "HH:mm")
    if with_day:
        return f"{format_date(moment, 'EEE dd/MM')} {text}"
    return text


def _span(span: list[str], zone: ZoneInfo, with_day: bool) -> str:
    return f"{_time(span[0], zone, with_day)}–{_time(span[1], zone, False)}"


def change_text(change: Mapping[str, Any], zone: ZoneInfo) -> str:
    """One change record in the reader's language (within a request, Flask-Babel's locale)."""
    from flask_babel import gettext as _

    from planner.agenda.models import AGENDA_ITEM_KIND_LABELS, AgendaItemKind

    title = change["title"]
    kind = change["change"]
    if kind == ADDED:
        return _("Added: “%(title)s”.", title=title)
    if kind == REMOVED:
        return _("Removed: “%(title)s”.", title=title)
    if kind == CANCELLED:
        return _("Cancelled: “%(title)s”.", title=title)
    if kind == RESTORED:
        return _("Scheduled again: “%(title)s”.", title=title)
    if kind == RETIMED:
        before, after = change["from"], change["to"]
        other_day = _local_day(before[0], zone) != _local_day(after[0], zone)
        return _("“%(title)s” moved from %(before)s to %(after)s.", title=title,
                 before=_span(before, zone, other_day), after=_span(after, zone, other_day))
    if kind == MOVED_ROOM:
        nowhere = _("no room")
        return _("“%(title)s” moved from %(before)s to %(after)s.", title=title,
                 before=change["from"] or nowhere, after=change["to"] or nowhere)
    if kind == RENAMED:
        return _("“%(before)s” renamed to “%(after)s”.", before=change["from"], after=change["to"])
    if kind == PRESIDING_CHANGED:
        nobody = _("nobody")
        return _("Presiding of “%(title)s”: %(before)s → %(after)s.", title=title,
                 before=", ".join(change["from"]) or nobody, after=", ".join(change["to"]) or nobody)
    labels = {
        "kind": _("kind"), "description": _("description"), "performer": _("performed by"),
        "classification": _("classification"), "parent": _("session"),
    }
    fields = ", ".join(str(labels.get(f, f)) for f in change.get("fields", []))
    if change.get("fields") == ["kind"]:
        with contextlib.suppress(ValueError):
            fields = f"{fields}: {AGENDA_ITEM_KIND_LABELS[AgendaItemKind(change['kind'])]}"
    return _("“%(title)s” changed: %(fields)s.", title=title, fields=fields)


def _local_day(value: str, zone: ZoneInfo):
    return datetime.fromisoformat(value).astimezone(zone).date()
