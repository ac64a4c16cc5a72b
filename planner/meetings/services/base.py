"""Finding a meeting within the user's organization and clearance, auditing views of classified ones,
whether it may still change, and whether it has a public page; the block every change is made in."""

from __future__ import annotations

import secrets
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, select

from planner.accounts.models import Organization, User
from planner.core import audit
from planner.core.db import atomic, check_version
from planner.core.errors import Conflict, NotFound, ValidationError
from planner.core.permissions import Classification, clearance_of, visible_levels
from planner.extensions import db
from planner.meetings.models import (
    Meeting,
    MeetingStatus,
    Room,
)

# Statuses in which the programme and the delegate list can still be changed.
EDITABLE_STATUSES = frozenset({MeetingStatus.draft, MeetingStatus.published, MeetingStatus.in_progress})
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
