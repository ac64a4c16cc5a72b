"""What the reports write: the marks of the reminders sent (one per person, to-do and deadline)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from planner.core.models import Base, IdMixin, UTCDateTime, utcnow


class ReminderSent(IdMixin, Base):
    """A person was reminded by e-mail of one to-do of one meeting due on one day: never again for it."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("user_id", "meeting_id", "kind", "due", name="uq_reminders_sent_todo"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    due: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
