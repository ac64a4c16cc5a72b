"""Document settings of an organization, numbering sequences and the register of issued numbers."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from planner.core.models import Base, IdMixin, TimestampMixin, UTCDateTime, VersionedMixin, enum_column, utcnow


class NumberingPeriod(StrEnum):
    year = "year"   # from 01 each calendar year (many offices)
    term = "term"   # from 01 each term (nhiệm kỳ), the Party rule


NUMBERING_PERIOD_LABELS = {
    NumberingPeriod.year: _l("Each calendar year"),
    NumberingPeriod.term: _l("Each term (nhiệm kỳ)"),
}


class DocumentSettings(IdMixin, TimestampMixin, VersionedMixin, Base):
    """How an organization numbers and signs its documents, over its profile's defaults."""

    __tablename__ = "document_settings"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), unique=True)
    numbering_period: Mapped[NumberingPeriod] = enum_column(NumberingPeriod, default=NumberingPeriod.year)
    term_label: Mapped[str] = mapped_column(String(32), default="")  # e.g. "2025-2030"
    # Overrides of profile values (recipients_last, authority_prefixes, number formats…).
    profile_overrides: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Default signature lines per document type: {"minutes": {"authority": "...", "position": "...", "name": ...}}
    signatures: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The issuing body per document type (documents.issuers): {"notice": {"body": "superior", "authority": ...}}
    issuers: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The organization's own DOCX letterhead, stored under the instance storage folder.
    letterhead_path: Mapped[str | None] = mapped_column(String(255))
    letterhead_name: Mapped[str] = mapped_column(String(255), default="")
    # Public holidays (ISO dates) skipped by working-day deadlines; None keeps core.workdays' defaults.
    holidays: Mapped[list[str] | None] = mapped_column(JSON)
    # Working days an invitation must reach the invitees before the meeting (Quyết định 45/2018/QĐ-TTg,
    # Điều 8: 3; some bodies' rules ask 5).
    invitation_lead_days: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    # Working days the meeting's documents must reach the delegates before it (Quyết định 45/2018/QĐ-TTg,
    # Điều 10: 3).
    documents_lead_days: Mapped[int] = mapped_column(Integer, default=3, server_default="3")


class DocumentSequence(IdMixin, Base):
    """The last number given in one sequence; the row is locked while the next one is taken."""

    __tablename__ = "document_sequences"
    __table_args__ = (UniqueConstraint("organization_id", "scope", name="uq_document_sequences_org_scope"),)

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    # "BB/2026", "TB/term:2025-2030", or "meeting:<public id>" for a congress's single sequence.
    scope: Mapped[str] = mapped_column(String(120))
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class IssuedNumber(IdMixin, Base):
    """The register (sổ đăng ký văn bản): every number given, to what, by whom. Never reused."""

    __tablename__ = "issued_numbers"
    __table_args__ = (UniqueConstraint("organization_id", "scope", "number", name="uq_issued_numbers_scope_number"),)

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    scope: Mapped[str] = mapped_column(String(120))
    number: Mapped[int] = mapped_column(Integer)
    document_type: Mapped[str] = mapped_column(String(32))
    formatted: Mapped[str] = mapped_column(String(120))
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str] = mapped_column(String(64))
    meeting_id: Mapped[int | None] = mapped_column(Integer, index=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class FrozenRecord(IdMixin, Base):
    """One approved or issued document as it was rendered at that moment: its bytes, kept under their
    SHA-256 in the instance storage (documents/records.py), never rendered again.

    ``owner_type`` and ``owner_id`` name what the record is of (``minutes`` and a minutes row's public id,
    say); ``kind`` what it is (``minutes``, ``notice``, ``invitation``…); ``format`` its file type. One
    record per owner, kind and format: frozen once.
    """

    __tablename__ = "frozen_records"
    __table_args__ = (UniqueConstraint("owner_type", "owner_id", "kind", "format",
                                       name="uq_frozen_records_owner_kind_format"),)

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    owner_type: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(8))
    media_type: Mapped[str] = mapped_column(String(120))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
