"""The agenda of a meeting: a tree of sessions and items, and its published releases."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint
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
from planner.core.permissions import Classification

if TYPE_CHECKING:
    from planner.delegates.models import Participant
    from planner.meetings.models import Meeting, Room


class AgendaItemKind(StrEnum):
    session = "session"                          # phiên
    opening = "opening"                          # khai mạc
    report = "report"                            # báo cáo
    contributed_speech = "contributed_speech"    # tham luận
    discussion = "discussion"                    # thảo luận
    directive_speech = "directive_speech"        # phát biểu chỉ đạo
    conclusion = "conclusion"                    # kết luận
    closing = "closing"                          # bế mạc
    break_ = "break"                             # giải lao
    ceremony = "ceremony"                        # nghi thức
    other = "other"


AGENDA_ITEM_KIND_LABELS = {
    AgendaItemKind.session: _l("Session"),
    AgendaItemKind.opening: _l("Opening"),
    AgendaItemKind.report: _l("Report"),
    AgendaItemKind.contributed_speech: _l("Contributed speech"),
    AgendaItemKind.discussion: _l("Discussion"),
    AgendaItemKind.directive_speech: _l("Directive speech"),
    AgendaItemKind.conclusion: _l("Conclusion"),
    AgendaItemKind.closing: _l("Closing"),
    AgendaItemKind.break_: _l("Break"),
    AgendaItemKind.ceremony: _l("Ceremony"),
    AgendaItemKind.other: _l("Other"),
}


class AgendaItemStatus(StrEnum):
    scheduled = "scheduled"
    cancelled = "cancelled"


agenda_item_presiding = Table(
    "agenda_item_presiding",
    Base.metadata,
    Column("agenda_item_id", ForeignKey("agenda_items.id", ondelete="CASCADE"), primary_key=True),
    Column("participant_id", ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)


class AgendaItem(IdMixin, PublicIdMixin, TimestampMixin, VersionedMixin, Base):
    """A session (kind ``session``, holds items) or an item of the programme.

    Times are stored in UTC and shown in the meeting's time zone. The public_id is the item's
    stable identity: calendar UIDs and release changelogs refer to it, never to the row id.
    """

    __tablename__ = "agenda_items"
    __table_args__ = (Index("ix_agenda_items_meeting_start", "meeting_id", "starts_at"),)

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AgendaItemKind] = enum_column(AgendaItemKind, default=AgendaItemKind.other)
    title: Mapped[str] = mapped_column(String(1000))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="SET NULL"), index=True)
    # Order among items that start at the same time (manual, by drag and drop).
    position: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[AgendaItemStatus] = enum_column(AgendaItemStatus, default=AgendaItemStatus.scheduled)
    classification: Mapped[Classification] = enum_column(Classification, default=Classification.none)
    # "Người thực hiện" as written in the programme when it is not (only) a participant.
    performer: Mapped[str] = mapped_column(String(500), default="")

    meeting: Mapped[Meeting] = relationship()
    room: Mapped[Room | None] = relationship()
    parent: Mapped[AgendaItem | None] = relationship(remote_side="AgendaItem.id", back_populates="children")
    children: Mapped[list[AgendaItem]] = relationship(
        back_populates="parent", order_by="(AgendaItem.starts_at, AgendaItem.position)"
    )
    presiding: Mapped[list[Participant]] = relationship(
        secondary=agenda_item_presiding, order_by=agenda_item_presiding.c.position, viewonly=True
    )


class AgendaRelease(IdMixin, PublicIdMixin, Base):
    """The agenda as published: version N with its snapshot and its changelog against N−1."""

    __tablename__ = "agenda_releases"
    __table_args__ = (UniqueConstraint("meeting_id", "number", name="uq_agenda_releases_meeting_number"),)

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    # Plain data: {item public_id: {fields..., "sequence": n}} as published.
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    # [{"change": added|removed|cancelled|retimed|moved_room|renamed|presiding_changed, "item": id, ...}]
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
