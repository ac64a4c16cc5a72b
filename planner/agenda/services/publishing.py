"""The agenda published: releases (frozen versions with their changelog), the changes waiting for the next
one, and publishing (with the meeting, in one transaction)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import defer

from planner.accounts.models import User
from planner.agenda import releases as release_rules
from planner.agenda.models import (
    AgendaItem,
    AgendaRelease,
)
from planner.agenda.services.reading import RELEASED, _audit, list_items
from planner.agenda.services.rows import AgendaRow
from planner.core import audit
from planner.core.db import atomic
from planner.core.errors import Conflict, NotFound, ValidationError
from planner.core.lru import LRU
from planner.core.text import clean_text
from planner.extensions import db
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting, MeetingStatus

# Releases -----------------------------------------------------------------------------------------

def snapshot(items: Iterable[AgendaItem | AgendaRow]) -> release_rules.Snapshot:
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


def _latest(meeting: Meeting, *deferred: Any) -> AgendaRelease | None:
    """The latest release, the columns ``deferred`` left to load when first read."""
    return db.session.scalar(select(AgendaRelease).options(*(defer(column) for column in deferred))
                             .where(AgendaRelease.meeting_id == meeting.id)
                             .order_by(AgendaRelease.number.desc()).limit(1))


def latest_release(meeting: Meeting) -> AgendaRelease | None:
    return _latest(meeting)


def latest_release_head(meeting: Meeting) -> AgendaRelease | None:
    """The latest release without its snapshot and changelog, which load when first read: enough to name
    what a page shows (its public id, number and time)."""
    return _latest(meeting, AgendaRelease.snapshot, AgendaRelease.changes)


def get_release(meeting: Meeting, number: int) -> AgendaRelease:
    release = db.session.scalar(select(AgendaRelease).where(AgendaRelease.meeting_id == meeting.id,
                                                            AgendaRelease.number == number))
    if release is None:
        raise NotFound(_("No such version of the agenda."))
    return release


# What a release published, parsed, by its public id: the agenda editor compares the agenda with the latest
# release on every view, and a congress's snapshot (400 entries) took about 1.5 ms to parse, with the
# garbage collections its objects set off. A release's snapshot is never changed once published, so the
# key is all it depends on (a new release is a new key); each worker keeps its own, and nothing needs to
# agree between workers. Its entries are read, never changed: diff and with_sequences make new ones.
RELEASED_SNAPSHOTS = LRU(32)


def _latest_with_snapshot(meeting: Meeting) -> tuple[AgendaRelease | None, release_rules.Snapshot]:
    """The latest release (its snapshot and changelog not loaded on it) and its snapshot, read once per
    release: the query brings the snapshot as text, parsed only when it is not kept yet."""
    found = db.session.execute(
        select(AgendaRelease, cast(AgendaRelease.snapshot, Text))
        .options(defer(AgendaRelease.snapshot), defer(AgendaRelease.changes))
        .where(AgendaRelease.meeting_id == meeting.id).order_by(AgendaRelease.number.desc()).limit(1)).first()
    if found is None:
        return None, {}
    release, text = found
    published = RELEASED_SNAPSHOTS.get(release.public_id)
    if published is None:
        published = json.loads(text)
        RELEASED_SNAPSHOTS.put(release.public_id, published)
    return release, published


def pending_changes(meeting: Meeting, items: Sequence[AgendaItem | AgendaRow] | None = None
                    ) -> tuple[AgendaRelease | None, list[dict[str, Any]]]:
    """The latest release and what changed since (all items, unfiltered: callers filter by clearance).

    ``items`` may be the whole agenda already loaded (``list_items(..., everything=True)`` or ``agenda_rows``)."""
    latest, published = _latest_with_snapshot(meeting)
    current = snapshot(items if items is not None else list_items(meeting, None, everything=True))
    return latest, release_rules.diff(published, current)


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
    latest, previous = _latest_with_snapshot(meeting)
    current = snapshot(items)
    changes = release_rules.diff(previous, current)
    if latest is not None and not changes:
        raise Conflict(_("Nothing has changed since version %(n)d.", n=latest.number))
    number = (latest.number if latest else 0) + 1
    release = AgendaRelease(
        meeting_id=meeting.id, number=number, created_by_id=user.id if user is not None else None,
        note=clean_text(note, multiline=True), changes=changes,
        snapshot=release_rules.with_sequences(previous, current, changes),
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
