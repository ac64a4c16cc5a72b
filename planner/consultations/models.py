"""Written consultation (lấy ý kiến bằng văn bản): a question with its documents sent to a list of members
with a deadline; each member answers agree / disagree / other opinion through a personal link."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
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
    from planner.accounts.models import Organization
    from planner.meetings.models import Meeting


class ConsultationStatus(StrEnum):
    draft = "draft"      # being prepared: members and documents may change, no link works yet
    open = "open"        # sent: members answer until the deadline
    closed = "closed"    # frozen: the result sheet and report are kept as they were at closing


CONSULTATION_STATUS_LABELS = {
    ConsultationStatus.draft: _l("Draft"),
    ConsultationStatus.open: _l("Open for answers"),
    ConsultationStatus.closed: _l("Closed"),
}


class Answer(StrEnum):
    agree = "agree"          # đồng ý
    disagree = "disagree"    # không đồng ý
    other = "other"          # ý kiến khác


ANSWER_LABELS = {
    Answer.agree: _l("Agree"),
    Answer.disagree: _l("Disagree"),
    Answer.other: _l("Other opinion"),
}


class Consultation(IdMixin, PublicIdMixin, TimestampMixin, VersionedMixin, Base):
    """One question put in writing to a list of members."""

    __tablename__ = "consultations"
    __table_args__ = (Index("ix_consultations_org_status", "organization_id", "status"),)

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    # The meeting whose delegates were asked, when they were (the consultation outlives it).
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(500))          # the subject (trích yếu)
    question: Mapped[str] = mapped_column(Text, default="")  # what the members are asked
    classification: Mapped[Classification] = enum_column(Classification, default=Classification.none)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    # Members who have not answered are reminded once when the deadline is this near.
    remind_hours: Mapped[int] = mapped_column(Integer, default=24)
    status: Mapped[ConsultationStatus] = enum_column(ConsultationStatus, default=ConsultationStatus.draft)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organization: Mapped[Organization] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    members: Mapped[list[ConsultationMember]] = relationship(
        back_populates="consultation", order_by="ConsultationMember.position", cascade="all, delete-orphan",
        passive_deletes=True)
    documents: Mapped[list[ConsultationDocument]] = relationship(
        back_populates="consultation", order_by="ConsultationDocument.position", cascade="all, delete-orphan",
        passive_deletes=True)


class ConsultationMember(IdMixin, PublicIdMixin, Base):
    """A member asked, with their personal link and their answer. Name, position and unit are kept as they
    were when asked: the result sheet must not change when the directory does."""

    __tablename__ = "consultation_members"
    __table_args__ = (UniqueConstraint("consultation_id", "person_id", name="uq_consultation_members_person"),)

    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=1)
    full_name: Mapped[str] = mapped_column(String(400))
    honorific: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(500), default="")
    email: Mapped[str] = mapped_column(String(255), default="")
    # The personal link: derived from the nonce and SECRET_KEY; only its hash finds the row.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    nonce: Mapped[str | None] = mapped_column(String(64))
    hint: Mapped[str] = mapped_column(String(16), default="")
    link_revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answer: Mapped[Answer | None] = enum_column(Answer, nullable=True)
    opinion: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    consultation: Mapped[Consultation] = relationship(back_populates="members")


class ConsultationDocument(IdMixin, PublicIdMixin, Base):
    """A file sent with the question (a draft, a report): checked by content, stored under a random name."""

    __tablename__ = "consultation_documents"

    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(500), default="")
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    consultation: Mapped[Consultation] = relationship(back_populates="documents")
