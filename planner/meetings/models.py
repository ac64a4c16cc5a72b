"""Meetings and conferences, their rooms, and the exceptions of recurring meetings."""

from __future__ import annotations

from datetime import date, time
from enum import StrEnum
from typing import TYPE_CHECKING

# Lazy, but named pgettext so that pybabel extracts the context ("Meeting" the kind and "Published"
# the status must not share a translation with the same English words elsewhere).
from flask_babel import lazy_pgettext as pgettext
from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, Text, Time, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.core.models import Base, IdMixin, PublicIdMixin, TimestampMixin, VersionedMixin, enum_column
from planner.core.permissions import Classification
from planner.core.text import fold

if TYPE_CHECKING:
    from planner.accounts.models import Organization


class MeetingKind(StrEnum):
    conference = "conference"   # hội nghị
    meeting = "meeting"         # cuộc họp
    seminar = "seminar"         # hội thảo
    training = "training"       # tập huấn
    briefing = "briefing"       # giao ban
    congress = "congress"       # đại hội


MEETING_KIND_LABELS = {
    MeetingKind.conference: pgettext("meeting kind", "Conference"),
    MeetingKind.meeting: pgettext("meeting kind", "Meeting"),
    MeetingKind.seminar: pgettext("meeting kind", "Seminar"),
    MeetingKind.training: pgettext("meeting kind", "Training"),
    MeetingKind.briefing: pgettext("meeting kind", "Briefing"),
    MeetingKind.congress: pgettext("meeting kind", "Congress"),
}


class MeetingStatus(StrEnum):
    draft = "draft"
    published = "published"
    in_progress = "in_progress"
    closed = "closed"
    archived = "archived"


MEETING_STATUS_LABELS = {
    MeetingStatus.draft: pgettext("meeting status", "Draft"),
    MeetingStatus.published: pgettext("meeting status", "Published"),
    MeetingStatus.in_progress: pgettext("meeting status", "In progress"),
    MeetingStatus.closed: pgettext("meeting status", "Closed"),
    MeetingStatus.archived: pgettext("meeting status", "Archived"),
}

# The allowed moves of the status workflow; anything else is refused with a message.
STATUS_TRANSITIONS: dict[MeetingStatus, frozenset[MeetingStatus]] = {
    MeetingStatus.draft: frozenset({MeetingStatus.published}),
    MeetingStatus.published: frozenset({MeetingStatus.draft, MeetingStatus.in_progress, MeetingStatus.closed}),
    MeetingStatus.in_progress: frozenset({MeetingStatus.closed}),
    MeetingStatus.closed: frozenset({MeetingStatus.archived, MeetingStatus.in_progress}),
    MeetingStatus.archived: frozenset(),
}


# Presiding persons (chủ trì) and secretaries (thư ký) of a meeting are its participants.
meeting_presiding = Table(
    "meeting_presiding",
    Base.metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("participant_id", ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)

meeting_secretaries = Table(
    "meeting_secretaries",
    Base.metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("participant_id", ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)


class Meeting(IdMixin, PublicIdMixin, TimestampMixin, VersionedMixin, Base):
    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_org_dates", "organization_id", "starts_on", "ends_on"),)

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    kind: Mapped[MeetingKind] = enum_column(MeetingKind, default=MeetingKind.meeting)
    title: Mapped[str] = mapped_column(String(500))
    classification: Mapped[Classification] = enum_column(Classification, default=Classification.none)
    status: Mapped[MeetingStatus] = enum_column(MeetingStatus, default=MeetingStatus.draft)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Ho_Chi_Minh")
    # Days in the meeting's own time zone; for a recurring meeting, the first occurrence.
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    # Usual hours of each day, local; the agenda's items carry their own exact times.
    start_time: Mapped[time | None] = mapped_column(Time)
    end_time: Mapped[time | None] = mapped_column(Time)
    venue: Mapped[str] = mapped_column(String(500), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    language: Mapped[str] = mapped_column(String(8), default="vi")
    description: Mapped[str] = mapped_column(Text, default="")
    # RFC 5545 RRULE (without the "RRULE:" prefix), e.g. FREQ=WEEKLY;BYDAY=MO;COUNT=20.
    recurrence: Mapped[str | None] = mapped_column(String(500))
    # Published, unclassified meetings have a public programme page and feed at this code.
    public_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    # Derived on write (see _derive_meeting_search): title, venue and city folded for search in SQL.
    search_folded: Mapped[str] = mapped_column(Text, default="")

    organization: Mapped[Organization] = relationship()
    rooms: Mapped[list[Room]] = relationship(
        back_populates="meeting", order_by="Room.position, Room.id", cascade="all, delete-orphan"
    )
    occurrence_changes: Mapped[list[OccurrenceChange]] = relationship(
        back_populates="meeting", order_by="OccurrenceChange.original_date", cascade="all, delete-orphan"
    )
    # The participants (delegates.models) are named, not imported: a meeting's package comes before the
    # delegates'; SQLAlchemy finds the class by its name in the registry.
    presiding: Mapped[list[Participant]] = relationship(  # noqa: F821
        secondary=meeting_presiding, order_by=meeting_presiding.c.position, viewonly=True
    )
    secretaries: Mapped[list[Participant]] = relationship(  # noqa: F821
        secondary=meeting_secretaries, order_by=meeting_secretaries.c.position, viewonly=True
    )


@event.listens_for(Meeting, "before_insert")
@event.listens_for(Meeting, "before_update")
def _derive_meeting_search(_mapper, _connection, meeting: Meeting) -> None:
    meeting.search_folded = " | ".join(fold(p) for p in (meeting.title, meeting.venue, meeting.city) if p)


class Room(IdMixin, PublicIdMixin, TimestampMixin, VersionedMixin, Base):
    __tablename__ = "rooms"
    __table_args__ = (UniqueConstraint("meeting_id", "name", name="uq_rooms_meeting_name"),)

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    capacity: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)

    meeting: Mapped[Meeting] = relationship(back_populates="rooms")


class OccurrenceChange(IdMixin, TimestampMixin, Base):
    """One occurrence of a recurring meeting cancelled or moved (iCal EXDATE / RECURRENCE-ID)."""

    __tablename__ = "occurrence_changes"
    __table_args__ = (UniqueConstraint("meeting_id", "original_date", name="uq_occurrence_changes_meeting_date"),)

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    original_date: Mapped[date] = mapped_column(Date)
    cancelled: Mapped[bool] = mapped_column(default=False)
    # A moved occurrence: its new day and hours (local), and optionally another place.
    new_date: Mapped[date | None] = mapped_column(Date)
    new_start_time: Mapped[time | None] = mapped_column(Time)
    new_end_time: Mapped[time | None] = mapped_column(Time)
    new_venue: Mapped[str | None] = mapped_column(String(500))
    note: Mapped[str] = mapped_column(Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="occurrence_changes")
