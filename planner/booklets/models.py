"""The printed matter of a meeting: the booklet's settings and the seating plan.

Seats themselves are kept on the participants (``Participant.seat``: ``A-12`` in the hall, ``CT-1``
in the presidium), so the badges, the delegate list and the delegate's own page all read one value.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from planner.core.models import Base, IdMixin, TimestampMixin, VersionedMixin, enum_column


class Paper(StrEnum):
    a5 = "a5"   # printed two pages to an A4 sheet and folded
    a4 = "a4"


PAPER_LABELS = {
    Paper.a5: _l("A5 booklet (A4 sheets folded in half)"),
    Paper.a4: _l("A4"),
}


class Section(StrEnum):
    """The optional parts of the booklet, in the order they are printed (the cover always comes first)."""

    foreword = "foreword"
    contents = "contents"
    programme = "programme"
    speakers = "speakers"
    contributions = "contributions"
    delegates = "delegates"
    practical = "practical"


SECTION_LABELS = {
    Section.foreword: _l("Foreword"),
    Section.contents: _l("Table of contents"),
    Section.programme: _l("Programme, day by day"),
    Section.speakers: _l("Speakers, with their title and unit"),
    Section.contributions: _l("Written contributions (tham luận) accepted"),
    Section.delegates: _l("Delegate list by delegation"),
    Section.practical: _l("Rooms, practical information and QR codes"),
}

DEFAULT_SECTIONS = [Section.contents.value, Section.programme.value, Section.speakers.value,
                    Section.practical.value]


class ProgrammeSource(StrEnum):
    release = "release"   # the latest published version of the agenda
    draft = "draft"       # the agenda as it stands


PROGRAMME_SOURCE_LABELS = {
    ProgrammeSource.release: _l("The latest published version"),
    ProgrammeSource.draft: _l("The working draft (as it stands now)"),
}


class SeatingMode(StrEnum):
    protocol = "protocol"       # front rows first, each row from the centre outward, in protocol order
    delegation = "delegation"   # delegations in blocks, the highest-ranking delegation first


SEATING_MODE_LABELS = {
    SeatingMode.protocol: _l("By protocol order (front rows, from the centre outward)"),
    SeatingMode.delegation: _l("By delegation (each delegation together)"),
}


class BookletSettings(IdMixin, TimestampMixin, VersionedMixin, Base):
    """What the staff chose for a meeting's booklet. The built PDFs are cached as files (see cache.py)."""

    __tablename__ = "booklet_settings"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), unique=True)
    paper: Mapped[Paper] = enum_column(Paper, default=Paper.a5)
    sections: Mapped[list[str]] = mapped_column(JSON, default=lambda: list(DEFAULT_SECTIONS))
    programme_source: Mapped[ProgrammeSource] = enum_column(ProgrammeSource, default=ProgrammeSource.release)
    foreword: Mapped[str] = mapped_column(Text, default="")
    foreword_signature: Mapped[str] = mapped_column(String(255), default="")
    practical_info: Mapped[str] = mapped_column(Text, default="")
    # The uploaded emblem or logo: a random file name under STORAGE_PATH/booklets/logos, its type
    # (checked by content: PNG, JPEG or SVG) and digest.
    logo_name: Mapped[str | None] = mapped_column(String(80))
    logo_media_type: Mapped[str | None] = mapped_column(String(40))
    logo_sha256: Mapped[str | None] = mapped_column(String(64))

    def chosen(self, section: Section | str) -> bool:
        return Section(section).value in (self.sections or [])


class SeatingPlan(IdMixin, TimestampMixin, VersionedMixin, Base):
    """The hall as rows × seats and the presidium's length; the seats are on the participants."""

    __tablename__ = "seating_plans"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), unique=True)
    rows: Mapped[int] = mapped_column(Integer, default=10)
    seats_per_row: Mapped[int] = mapped_column(Integer, default=20)
    presidium_size: Mapped[int] = mapped_column(Integer, default=7)
    mode: Mapped[SeatingMode] = enum_column(SeatingMode, default=SeatingMode.protocol)

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "seats_per_row": self.seats_per_row, "presidium_size": self.presidium_size,
                "mode": self.mode.value}
