"""Calendar feeds: the organization's feed settings (how classified items appear, how often clients poll)
and the constants every part of the feeds shares."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from planner.accounts.models import Organization
from planner.calendars import feeds
from planner.calendars.models import (
    DEFAULT_REFRESH_MINUTES,
    CalendarSettings,
    ClassifiedMode,
)
from planner.core import audit
from planner.core.db import atomic, check_version
from planner.core.errors import ValidationError
from planner.extensions import db
from planner.speeches.models import SpeechStatus

# Raise when what a feed shows changes for the same data (a new field, other wording): every
# client then fetches the feed again instead of keeping its copy.
FORMAT_VERSION = 1
POLL_NOTE_EVERY = timedelta(minutes=1)
MIN_REFRESH_MINUTES, MAX_REFRESH_MINUTES = 15, 24 * 60
# The organization feed leaves out meetings that ended before the first day of the month a year ago.
USER_FEED_MONTHS = 12
SPEAKING = (SpeechStatus.approved, SpeechStatus.speaking, SpeechStatus.done)
TOKEN_PREFIX = "f_"  # noqa: S105 - the prefix of feed secrets, not a secret  # nosec B105
MEDIA_TYPE = "text/calendar; charset=utf-8"


# Settings -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Settings:
    classified: str = ClassifiedMode.withhold.value
    refresh_minutes: int = DEFAULT_REFRESH_MINUTES
    version: int = 0
    updated_at: datetime | None = None

    @property
    def policy_mode(self) -> str:
        return feeds.OMIT if self.classified == ClassifiedMode.omit else feeds.WITHHOLD


def _settings(row: CalendarSettings | None) -> Settings:
    if row is None:
        return Settings()
    return Settings(classified=ClassifiedMode(row.classified).value, refresh_minutes=row.refresh_minutes,
                    version=row.version, updated_at=row.updated_at)


def settings_row(organization_id: int) -> CalendarSettings | None:
    return db.session.scalar(select(CalendarSettings).where(CalendarSettings.organization_id == organization_id))


def settings_of(organization_id: int) -> Settings:
    return _settings(settings_row(organization_id))


def update_settings(org: Organization, data: Mapping[str, Any], *, version: int | None = None) -> Settings:
    """Change how the organization's feeds treat classified items and how often clients poll."""
    row = settings_row(org.id)
    stale = _("Someone else changed these settings meanwhile. Reload to see their version.")
    if row is not None:
        check_version(row, version, stale)
    try:
        mode = ClassifiedMode(str(data.get("classified") or ClassifiedMode.withhold.value))
    except ValueError:
        raise ValidationError(_("Choose how classified items appear in feeds."), field="classified") from None
    try:
        refresh = int(data.get("refresh_minutes") or DEFAULT_REFRESH_MINUTES)
    except (TypeError, ValueError):
        raise ValidationError(_("Enter a number of minutes."), field="refresh_minutes") from None
    if not MIN_REFRESH_MINUTES <= refresh <= MAX_REFRESH_MINUTES:
        raise ValidationError(_("Enter between %(min)d and %(max)d minutes.", min=MIN_REFRESH_MINUTES,
                                max=MAX_REFRESH_MINUTES), field="refresh_minutes")
    before = _settings(row)
    after = {"classified": mode.value, "refresh_minutes": refresh}
    changes = audit.diff({"classified": before.classified, "refresh_minutes": before.refresh_minutes}, after)
    if not changes:
        return before
    with atomic(stale):
        if row is None:
            row = CalendarSettings(organization_id=org.id)
            db.session.add(row)
        row.classified = mode
        row.refresh_minutes = refresh
        audit.record(db.session, organization_id=org.id, action="calendar.settings_changed",
                     object_type="calendar_settings", object_id=org.public_id, summary=_("Calendar feed settings"),
                     changes=changes)
    return _settings(row)
