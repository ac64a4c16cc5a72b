"""Personal links of delegates, invitation sending (batches and their log) and the answers given through a link.

A personal link's secret is never stored: the row keeps its SHA-256 hash (to find the link) and a random
nonce from which the application, with its secret key, can show the link again to staff (see
``invitations.link_secret``). A revoked link, or one replaced by a newer one, answers 404.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.core.models import Base, IdMixin, PublicIdMixin, UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from planner.accounts.models import User
    from planner.delegates.models import Participant


class ParticipantLink(IdMixin, PublicIdMixin, Base):
    """A delegate's personal link /d/<secret>: at most one active per participant (issuing revokes the old)."""

    __tablename__ = "participant_links"
    __table_args__ = (Index("ix_participant_links_participant_active", "participant_id", "revoked_at"),)

    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Random; with the app's secret key it gives the secret back (staff copy, print and mail the link).
    nonce: Mapped[str] = mapped_column(String(64))
    # The first characters of the secret, so that people can tell links apart without it.
    hint: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Written at most once a minute, not on every visit.
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    participant: Mapped[Participant] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Audience(StrEnum):
    all = "all"
    category = "category"
    unsent = "unsent"


AUDIENCE_LABELS = {
    Audience.all: _l("Everyone on the list"),
    Audience.category: _l("One category"),
    Audience.unsent: _l("Those not sent an invitation yet"),
}


class BatchState(StrEnum):
    running = "running"
    finished = "finished"
    stopped = "stopped"


class InvitationBatch(IdMixin, PublicIdMixin, Base):
    """One sending of invitations, processed a chunk per request; its progress lives here, not in a process."""

    __tablename__ = "invitation_batches"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    audience: Mapped[Audience] = enum_column(Audience, default=Audience.unsent)
    category: Mapped[str] = mapped_column(String(32), default="")
    resend: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the invitation says (see invitations.invitation_version) when the batch began.
    version: Mapped[str] = mapped_column(String(16))
    total: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[BatchState] = enum_column(BatchState, default=BatchState.running)
    # A request processing a chunk holds the batch until then, so that two windows never send twice.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_by: Mapped[User | None] = relationship()


class SendStatus(StrEnum):
    sent = "sent"
    failed = "failed"
    skipped = "skipped"   # no e-mail address: to be printed and handed over


SEND_STATUS_LABELS = {
    SendStatus.sent: _l("Sent"),
    SendStatus.failed: _l("Failed"),
    SendStatus.skipped: _l("No e-mail address"),
}


class InvitationLog(IdMixin, Base):
    """One invitation e-mail: to whom, when, and what came of it."""

    __tablename__ = "invitation_log"
    __table_args__ = (
        Index("ix_invitation_log_participant_status", "participant_id", "status", "version"),
        Index("ix_invitation_log_batch", "batch_id", "participant_id"),
    )

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("invitation_batches.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    to: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[SendStatus] = enum_column(SendStatus)
    error: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[str] = mapped_column(String(16), default="")
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    participant: Mapped[Participant] = relationship()
    sent_by: Mapped[User | None] = relationship()


class InvitationReply(IdMixin, Base):
    """An answer given through the personal link: the RSVP (set on the participant) and the delegate's note."""

    __tablename__ = "invitation_replies"

    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    rsvp: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
