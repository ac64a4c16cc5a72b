"""What the portal keeps of its own: a delegate's private notes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from planner.core.models import Base, IdMixin, UTCDateTime, utcnow


class DelegateNote(IdMixin, Base):
    """A delegate's own note on an agenda item or a meeting document, kept for them alone: shown only on their
    personal page, never on a staff page, in an export, a dossier or the API. Deleting the participant (or the
    item, or the document) deletes it."""

    __tablename__ = "delegate_notes"
    __table_args__ = (
        Index("uq_delegate_notes_item", "participant_id", "agenda_item_id", unique=True),
        Index("uq_delegate_notes_document", "participant_id", "document_id", unique=True),
    )

    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_documents.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
