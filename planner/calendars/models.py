"""Calendar feed tokens, the organization's feed settings, and the events kept with each agenda release."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.core.models import (
    Base,
    IdMixin,
    PublicIdMixin,
    TimestampMixin,
    UTCDateTime,
    VersionedMixin,
    enum_column,
    utcnow,
)

if TYPE_CHECKING:
    from planner.accounts.models import Organization, User
    from planner.delegates.models import Participant
    from planner.meetings.models import Meeting


class FeedKind(StrEnum):
    meeting = "meeting"            # one meeting's programme, shared by a secret link
    participant = "participant"    # a delegate's personal feed
    user = "user"                  # a staff user's feed of the organization's meetings


FEED_KIND_LABELS = {
    FeedKind.meeting: _l("Meeting feed"),
    FeedKind.participant: _l("Personal feed"),
    FeedKind.user: _l("Organization feed"),
}


class ClassifiedMode(StrEnum):
    withhold = "withhold"   # the item stays, its title and details replaced by "Cuộc họp (mật)"
    omit = "omit"           # the item is left out of the feed


CLASSIFIED_MODE_LABELS = {
    ClassifiedMode.withhold: _l("Show that it takes place, with the title and details withheld"),
    ClassifiedMode.omit: _l("Leave it out of the feed"),
}

DEFAULT_REFRESH_MINUTES = 60


class FeedToken(IdMixin, PublicIdMixin, Base):
    """The secret of one feed URL, kept only as a hash. A revoked or unknown token answers 404."""

    __tablename__ = "feed_tokens"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'meeting' AND meeting_id IS NOT NULL) OR (kind = 'participant' AND participant_id IS NOT NULL)"
            " OR (kind = 'user' AND user_id IS NOT NULL)",
            name="subject",
        ),
    )

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    kind: Mapped[FeedKind] = enum_column(FeedKind)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"),
                                                       index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the secret, so that people can tell links apart without it.
    hint: Mapped[str] = mapped_column(String(16), default="")
    label: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Written at most once a minute per token, not on every poll.
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    meeting: Mapped[Meeting | None] = relationship()
    participant: Mapped[Participant | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    organization: Mapped[Organization] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class CalendarSettings(IdMixin, TimestampMixin, VersionedMixin, Base):
    """How an organization's feeds treat classified items, and how often clients should poll."""

    __tablename__ = "calendar_settings"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), unique=True)
    classified: Mapped[ClassifiedMode] = enum_column(ClassifiedMode, default=ClassifiedMode.withhold)
    refresh_minutes: Mapped[int] = mapped_column(Integer, default=DEFAULT_REFRESH_MINUTES)


class ReleaseEvent(Base):
    """One VEVENT of an agenda release, as the icalendar library wrote it once, when the release was made
    (calendars.services.freezing): a feed built cold assembles these bytes instead of building each event
    again. ``digest`` names the event's data (calendars.ical.event_digest): a reader whose event differs
    (another language or address, a speakers list changed since) finds none and the event is built."""

    __tablename__ = "calendar_release_events"

    release_id: Mapped[int] = mapped_column(ForeignKey("agenda_releases.id", ondelete="CASCADE"), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)
