"""Speakers lists: the speeches planned on each agenda item, their texts, the live state of the hall
and the tokens of the hall displays."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.agenda.models import AgendaItemKind
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
    from planner.accounts.models import User
    from planner.agenda.models import AgendaItem
    from planner.delegates.models import Participant
    from planner.meetings.models import Meeting


class SpeechKind(StrEnum):
    """The speaking kinds of agenda items (the same values as AgendaItemKind)."""

    opening = AgendaItemKind.opening.value                            # khai mạc
    report = AgendaItemKind.report.value                              # báo cáo
    contributed_speech = AgendaItemKind.contributed_speech.value      # tham luận
    discussion = AgendaItemKind.discussion.value                      # phát biểu thảo luận
    directive_speech = AgendaItemKind.directive_speech.value          # phát biểu chỉ đạo
    conclusion = AgendaItemKind.conclusion.value                      # kết luận
    closing = AgendaItemKind.closing.value                            # bế mạc


SPEECH_KIND_LABELS = {
    SpeechKind.opening: _l("Opening speech"),
    SpeechKind.report: _l("Report"),
    SpeechKind.contributed_speech: _l("Contributed speech"),
    SpeechKind.discussion: _l("Discussion remark"),
    SpeechKind.directive_speech: _l("Directive speech"),
    SpeechKind.conclusion: _l("Conclusion"),
    SpeechKind.closing: _l("Closing speech"),
}


# What a new hall display shows untimed: nobody times the directive speech of a leader.
DEFAULT_UNTIMED_KINDS = (SpeechKind.directive_speech.value,)


class SpeechStatus(StrEnum):
    requested = "requested"
    approved = "approved"
    speaking = "speaking"
    done = "done"
    withdrawn = "withdrawn"


SPEECH_STATUS_LABELS = {
    SpeechStatus.requested: _l("Requested"),
    SpeechStatus.approved: _l("Approved"),
    SpeechStatus.speaking: _l("Speaking"),
    SpeechStatus.done: _l("Delivered"),
    SpeechStatus.withdrawn: _l("Withdrawn"),
}

# The allowed moves; anything else is refused with a message. ``speaking → approved`` undoes a start
# made by mistake (the clock is cleared); ``withdrawn → …`` puts a speaker back on the list.
STATUS_TRANSITIONS: dict[SpeechStatus, frozenset[SpeechStatus]] = {
    SpeechStatus.requested: frozenset({SpeechStatus.approved, SpeechStatus.withdrawn}),
    SpeechStatus.approved: frozenset({SpeechStatus.speaking, SpeechStatus.withdrawn, SpeechStatus.requested}),
    SpeechStatus.speaking: frozenset({SpeechStatus.done, SpeechStatus.approved}),
    SpeechStatus.done: frozenset(),
    SpeechStatus.withdrawn: frozenset({SpeechStatus.requested, SpeechStatus.approved}),
}


def can_move(current: SpeechStatus | str, target: SpeechStatus | str) -> bool:
    return SpeechStatus(target) in STATUS_TRANSITIONS[SpeechStatus(current)]


class Speech(IdMixin, PublicIdMixin, TimestampMixin, VersionedMixin, Base):
    """One speaker's turn on an agenda item: planned, requested, running or delivered."""

    __tablename__ = "speeches"
    __table_args__ = (
        Index("ix_speeches_item_position", "agenda_item_id", "position"),
        Index("ix_speeches_meeting_status", "meeting_id", "status"),
    )

    # The item's meeting, kept here so that a meeting's speeches are one indexed query.
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"))
    # No cascade: a participant who spoke cannot vanish from the minutes with their speech.
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    kind: Mapped[SpeechKind] = enum_column(SpeechKind, default=SpeechKind.discussion)
    title: Mapped[str] = mapped_column(String(1000), default="")
    position: Mapped[int] = mapped_column(Integer, default=1)   # 1 = first on the item's list
    allotted_seconds: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[SpeechStatus] = enum_column(SpeechStatus, default=SpeechStatus.approved)
    requested_by_delegate: Mapped[bool] = mapped_column(Boolean, default=False)
    # Why staff declined a delegate's request or written contribution (shown on the delegate's page).
    decision_note: Mapped[str] = mapped_column(Text, default="")
    # The clock: actual start and end, the paused time so far, and when the current pause began.
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paused_seconds: Mapped[int] = mapped_column(Integer, default=0)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The substance of the speech for the minutes, written by the secretary.
    summary: Mapped[str] = mapped_column(Text, default="")
    summary_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    summary_updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship()
    agenda_item: Mapped[AgendaItem] = relationship()
    participant: Mapped[Participant] = relationship()
    texts: Mapped[list[SpeechText]] = relationship(
        back_populates="speech", order_by="SpeechText.number", cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def latest_text(self) -> SpeechText | None:
        return self.texts[-1] if self.texts else None

    @property
    def delivered(self) -> bool:
        """The speech has begun: its texts' embargo is lifted."""
        return self.started_at is not None and self.status in (SpeechStatus.speaking, SpeechStatus.done)


class SpeechText(IdMixin, PublicIdMixin, Base):
    """One uploaded version of a speech's text (DOCX or PDF); every version is kept."""

    __tablename__ = "speech_texts"
    __table_args__ = (UniqueConstraint("speech_id", "number", name="uq_speech_texts_speech_number"),)

    speech_id: Mapped[int] = mapped_column(ForeignKey("speeches.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)                # version 1, 2, …
    filename: Mapped[str] = mapped_column(String(255))          # as uploaded (cleaned), for the download
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)  # random, under STORAGE_PATH
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # "Bản phát biểu khi đọc có thể thay đổi": the speaker may depart from the text.
    check_against_delivery: Mapped[bool] = mapped_column(Boolean, default=True)
    # Not shown to delegates before the speech is delivered.
    embargo: Mapped[bool] = mapped_column(Boolean, default=True)

    speech: Mapped[Speech] = relationship(back_populates="texts")
    uploaded_by: Mapped[User | None] = relationship()


class SpeechControl(IdMixin, Base):
    """The live state of a meeting's hall: which item runs and whose speech is current.

    One row per meeting. Every control action locks it (SELECT … FOR UPDATE) and raises its
    ``revision``; a click based on an older revision is refused, so two staff browsers and any number
    of app workers agree, and the hall display knows when to look again.
    """

    __tablename__ = "speech_controls"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), unique=True)
    current_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="SET NULL"))
    current_speech_id: Mapped[int | None] = mapped_column(ForeignKey("speeches.id", ondelete="SET NULL"))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    current_item: Mapped[AgendaItem | None] = relationship()
    current_speech: Mapped[Speech | None] = relationship()


class MeetingDisplay(IdMixin, PublicIdMixin, Base):
    """A hall display (projector) of a meeting: opened without sign-in through a secret link."""

    __tablename__ = "meeting_displays"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Speech kinds this display shows untimed: the time spoken counts up, with no time left and no overtime
    # (a leader's directive speech is not timed). Comma-separated SpeechKind values.
    untimed_kinds: Mapped[str] = mapped_column(String(200), default=",".join(DEFAULT_UNTIMED_KINDS))

    meeting: Mapped[Meeting] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def untimed(self) -> list[str]:
        return [k for k in (self.untimed_kinds or "").split(",") if k]
