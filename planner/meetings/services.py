"""Meeting operations: the only code that changes meetings and rooms.

Every lookup is scoped to the organization and to the user's clearance: a meeting of another
organization, or one classified above the user's clearance, is not found (404), not forbidden,
so that its existence is not revealed.
"""

from __future__ import annotations

import secrets
import zoneinfo
from datetime import date, time
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from planner.accounts.models import Organization, User
from planner.core import audit
from planner.core.errors import Conflict, NotFound, ValidationError
from planner.core.permissions import Classification, visible_levels
from planner.core.text import normalize
from planner.extensions import db
from planner.meetings.models import Meeting, MeetingKind, MeetingStatus

# Statuses in which the programme and the delegate list can still be changed.
EDITABLE_STATUSES = frozenset({MeetingStatus.draft, MeetingStatus.published, MeetingStatus.in_progress})

MEETING_FIELDS = (
    "title", "kind", "classification", "timezone", "starts_on", "ends_on", "start_time", "end_time",
    "venue", "city", "language", "description",
)


def meetings_query(org: Organization, user: User | None) -> Select[tuple[Meeting]]:
    """The meetings of the organization that the user's clearance admits."""
    query = select(Meeting).where(Meeting.organization_id == org.id)
    clearance = user.clearance if user is not None else Classification.none
    return query.where(Meeting.classification.in_(visible_levels(clearance)))


def get_meeting(org: Organization, public_id: str, *, user: User | None) -> Meeting:
    meeting = db.session.scalar(meetings_query(org, user).where(Meeting.public_id == public_id))
    if meeting is None:
        raise NotFound(_("No such meeting."))
    return meeting


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
    return clean


def create_meeting(org: Organization, user: User | None = None, **data: Any) -> Meeting:
    data.setdefault("timezone", org.timezone)
    data.setdefault("city", org.city)
    data.setdefault("language", org.language)
    clean = _clean(data)
    if user is not None and not _cleared(user, clean.get("classification")):
        raise ValidationError(_("You cannot create a meeting classified above your clearance."),
                              field="classification")
    meeting = Meeting(organization_id=org.id, **clean)
    db.session.add(meeting)
    db.session.flush()
    audit.record(db.session, organization_id=org.id, meeting_id=meeting.id, action="meeting.created",
                 object_type="meeting", object_id=meeting.public_id, summary=meeting.title)
    db.session.commit()
    return meeting


def update_meeting(meeting: Meeting, data: dict[str, Any], *, user: User | None = None,
                   version: int | None = None) -> Meeting:
    if version is not None and version != meeting.version:
        raise Conflict(_("Someone else changed this meeting meanwhile. Reload to see their version."))
    ensure_editable(meeting)
    clean = _clean(data, meeting)
    if user is not None and "classification" in clean and not _cleared(user, clean["classification"]):
        raise ValidationError(_("You cannot classify a meeting above your clearance."), field="classification")
    changes = audit.diff({k: getattr(meeting, k) for k in clean}, clean)
    if not changes:
        return meeting
    for key, value in clean.items():
        setattr(meeting, key, value)
    if meeting.classification != Classification.none:
        meeting.public_code = None  # a classified or internal meeting has no public page
    audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                 action="meeting.updated", object_type="meeting", object_id=meeting.public_id,
                 summary=meeting.title, changes=changes)
    _commit_or_conflict()
    return meeting


def _cleared(user: User, classification: Classification | str | None) -> bool:
    from planner.core.permissions import cleared_for

    return cleared_for(user.clearance, classification)


def _commit_or_conflict() -> None:
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(_("Someone else changed this meeting meanwhile. Reload to see their version.")) from None
    except IntegrityError:
        db.session.rollback()
        raise ValidationError(_("These values clash with existing data.")) from None


def new_public_code() -> str:
    return secrets.token_urlsafe(9)
