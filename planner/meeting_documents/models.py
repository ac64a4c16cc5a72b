"""The document pack of a meeting (tài liệu hội nghị): its documents, every uploaded version of each, the
delegates named as a document's audience, and each delegate's copy of a document (its number, and when
they first opened it: the read receipt)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.core.models import Base, IdMixin, PublicIdMixin, TimestampMixin, UTCDateTime, enum_column, utcnow
from planner.core.permissions import Classification

if TYPE_CHECKING:
    from planner.agenda.models import AgendaItem
    from planner.delegates.models import Participant
    from planner.meetings.models import Meeting


class DocumentKind(StrEnum):
    report = "report"                        # báo cáo
    draft_resolution = "draft_resolution"    # dự thảo nghị quyết
    slides = "slides"                        # trình chiếu
    reference = "reference"                  # tài liệu tham khảo


DOCUMENT_KIND_LABELS = {
    DocumentKind.report: _l("Report"),
    DocumentKind.draft_resolution: _l("Draft resolution"),
    DocumentKind.slides: _l("Slides"),
    DocumentKind.reference: _l("Reference"),
}


class Audience(StrEnum):
    delegates = "delegates"      # every participant of the meeting
    delegation = "delegation"    # the participants of one delegation (đoàn)
    named = "named"              # the participants named on the document
    staff = "staff"              # nobody through a link: the office only


AUDIENCE_LABELS = {
    Audience.delegates: _l("All delegates"),
    Audience.delegation: _l("One delegation"),
    Audience.named: _l("Named people"),
    Audience.staff: _l("Staff only"),
}


meeting_document_recipients = Table(
    "meeting_document_recipients",
    Base.metadata,
    Column("document_id", ForeignKey("meeting_documents.id", ondelete="CASCADE"), primary_key=True),
    Column("participant_id", ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class MeetingDocument(IdMixin, PublicIdMixin, TimestampMixin, Base):
    """One document of the pack, of the whole meeting or of one agenda item; its file is its latest version."""

    __tablename__ = "meeting_documents"
    __table_args__ = (Index("ix_meeting_documents_meeting_position", "meeting_id", "position"),)

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    # An item deleted leaves its documents to the whole meeting.
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="SET NULL"),
                                                       index=True)
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[DocumentKind] = enum_column(DocumentKind, default=DocumentKind.report)
    classification: Mapped[Classification] = enum_column(Classification, default=Classification.none)
    audience: Mapped[Audience] = enum_column(Audience, default=Audience.delegates)
    delegation: Mapped[str] = mapped_column(String(255), default="")   # for the audience "delegation"
    position: Mapped[int] = mapped_column(Integer, default=1)           # 1 = first in the pack
    number: Mapped[int] = mapped_column(Integer, default=0)             # the latest version's number
    # When the office sent it to its audience (their links show it from then on); None: not yet.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Optimistic locking: a save based on a stale read is refused (the API's and forms' ``revision``).
    revision: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": revision}

    meeting: Mapped[Meeting] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()
    files: Mapped[list[MeetingDocumentFile]] = relationship(
        back_populates="document", order_by="MeetingDocumentFile.number", cascade="all, delete-orphan",
        passive_deletes=True)
    recipients: Mapped[list[Participant]] = relationship(secondary=meeting_document_recipients)
    copies: Mapped[list[MeetingDocumentCopy]] = relationship(
        back_populates="document", order_by="MeetingDocumentCopy.number", cascade="all, delete-orphan",
        passive_deletes=True)

    @property
    def latest(self) -> MeetingDocumentFile | None:
        return self.files[-1] if self.files else None


class MeetingDocumentFile(IdMixin, PublicIdMixin, Base):
    """One uploaded version of a document; every version is kept. The bytes are stored once under their
    SHA-256 in the instance storage (documents.records' content store)."""

    __tablename__ = "meeting_document_files"
    __table_args__ = (UniqueConstraint("document_id", "number", name="uq_meeting_document_files_document_number"),)

    document_id: Mapped[int] = mapped_column(ForeignKey("meeting_documents.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)                # version 1, 2, …
    filename: Mapped[str] = mapped_column(String(255))          # as uploaded (cleaned)
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    pages: Mapped[int | None] = mapped_column(Integer)          # of a PDF
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    document: Mapped[MeetingDocument] = relationship(back_populates="files")


class MeetingDocumentCopy(IdMixin, Base):
    """A delegate's copy of a document: its number (stamped on their download, or written on the paper copy
    handed out against their signature), and when they first and last opened it through their link."""

    __tablename__ = "meeting_document_copies"
    __table_args__ = (
        UniqueConstraint("document_id", "participant_id", name="uq_meeting_document_copies_document_participant"),
        UniqueConstraint("document_id", "number", name="uq_meeting_document_copies_document_number"),
    )

    document_id: Mapped[int] = mapped_column(ForeignKey("meeting_documents.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    first_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    opened_number: Mapped[int | None] = mapped_column(Integer)   # the version they last opened

    document: Mapped[MeetingDocument] = relationship(back_populates="copies")
    participant: Mapped[Participant] = relationship()
