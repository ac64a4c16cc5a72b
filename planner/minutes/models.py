"""Minutes and conclusion notices of a meeting, their revisions, and the meeting's invitation letter.

A conclusion notice is written, revised, submitted and approved exactly as the minutes are, so both
are rows of one table told apart by ``kind``. The text lives in ``sections`` (plain JSON, see
compose.py); every save also writes a revision, so nothing a secretary typed is ever lost.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext
from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
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
    from planner.accounts.models import User
    from planner.meetings.models import Meeting


class MinutesKind(StrEnum):
    minutes = "minutes"   # biên bản
    notice = "notice"     # thông báo kết luận


class MinutesStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    approved = "approved"


MINUTES_STATUS_LABELS = {
    MinutesStatus.draft: pgettext("minutes status", "Draft"),
    MinutesStatus.submitted: pgettext("minutes status", "Submitted for approval"),
    MinutesStatus.approved: pgettext("minutes status", "Approved"),
}

MINUTES_KIND_LABELS = {
    MinutesKind.minutes: pgettext("document", "Minutes"),
    MinutesKind.notice: _l("Conclusion notice"),
}

# The allowed moves; approval is final (a correction is a new, linked document).
STATUS_TRANSITIONS: dict[MinutesStatus, frozenset[MinutesStatus]] = {
    MinutesStatus.draft: frozenset({MinutesStatus.submitted, MinutesStatus.approved}),
    MinutesStatus.submitted: frozenset({MinutesStatus.draft, MinutesStatus.approved}),
    MinutesStatus.approved: frozenset(),
}


class Minutes(IdMixin, PublicIdMixin, TimestampMixin, VersionedMixin, Base):
    """The minutes (or the conclusion notice) of a meeting, as it stands now.

    ``edition`` 1 is the original; a correction after approval is edition 2, 3… of the same meeting
    and kind, linked to the one it corrects. The current document is the highest edition.
    """

    __tablename__ = "minutes"
    __table_args__ = (UniqueConstraint("meeting_id", "kind", "edition", name="uq_minutes_meeting_kind_edition"),)

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MinutesKind] = enum_column(MinutesKind, default=MinutesKind.minutes)
    edition: Mapped[int] = mapped_column(Integer, default=1)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("minutes.id", ondelete="SET NULL"))
    status: Mapped[MinutesStatus] = enum_column(MinutesStatus, default=MinutesStatus.draft)
    sections: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Given at approval by documents.numbering (formatted as the profile writes it).
    number: Mapped[str | None] = mapped_column(String(120))
    # The day of the date line: the meeting's day for minutes, the day of issue for a notice.
    document_date: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The approved record as rendered at approval (documents.records): the SHA-256 of its PDF and DOCX.
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    docx_sha256: Mapped[str | None] = mapped_column(String(64))

    meeting: Mapped[Meeting] = relationship()
    corrects: Mapped[Minutes | None] = relationship(remote_side="Minutes.id")
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])

    @property
    def locked(self) -> bool:
        return self.status is MinutesStatus.approved


class MinutesRevision(IdMixin, Base):
    """One saved state of a document's text, numbered 1, 2, … per document.

    A save based on a stale version is refused, but its text is kept here as a ``conflict``
    revision (not the current text): the secretary sees both and loses neither.
    """

    __tablename__ = "minutes_revisions"
    __table_args__ = (UniqueConstraint("minutes_id", "number", name="uq_minutes_revisions_minutes_number"),)

    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    # generated, saved, conflict, restored, status
    kind: Mapped[str] = mapped_column(String(16), default="saved")
    sections: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # The document version the author's browser had read when saving.
    based_on_version: Mapped[int | None] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_label: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")

    author: Mapped[User | None] = relationship()


class InvitationMode(StrEnum):
    each = "each"   # one letter per participant, addressed by name, with the personal link
    all = "all"     # one letter for all, addressed to the attendance composition


INVITATION_MODE_LABELS = {
    InvitationMode.each: _l("One letter per participant"),
    InvitationMode.all: _l("One letter for all"),
}


class InvitationLetter(IdMixin, TimestampMixin, VersionedMixin, Base):
    """What the invitation letter (giấy mời) of a meeting says beyond the meeting's own data."""

    __tablename__ = "invitation_letters"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), unique=True)
    mode: Mapped[InvitationMode] = enum_column(InvitationMode, default=InvitationMode.each)
    # "Kính gửi: …" of the letter for all (else the composition is written from the participants).
    addressee: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[str] = mapped_column(Text, default="")       # what the meeting is about
    preparation: Mapped[str] = mapped_column(Text, default="")   # what to prepare, bring, read
    contact: Mapped[str] = mapped_column(Text, default="")       # the contact person (name, position)
    contact_phone: Mapped[str] = mapped_column(String(64), default="")  # the contact person's phone


class InvitationIssue(IdMixin, PublicIdMixin, Base):
    """One issuing of a meeting's invitation letters (giấy mời): a number from the register, the day of
    issue, and the letters as they were rendered then (PDF and DOCX, stored once, served byte for byte).

    A change after issuing is a new issue with a new number; earlier issues stay, listed and downloadable.
    The current issue of a meeting is its newest row.
    """

    __tablename__ = "invitation_issues"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(120))
    issued_on: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    mode: Mapped[InvitationMode] = enum_column(InvitationMode, default=InvitationMode.each)
    letters: Mapped[int] = mapped_column(Integer, default=0)
    # What the letters say (see invitations.services.issuing.content_version): a change means a new issue is owed.
    content_version: Mapped[str] = mapped_column(String(64), default="")
    # The stored renderings (content-addressed): their SHA-256, as written in the audit entry.
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="")
    docx_sha256: Mapped[str] = mapped_column(String(64), default="")
    signer: Mapped[str] = mapped_column(String(255), default="")

    issued_by: Mapped[User | None] = relationship()
