"""Elections by secret ballot at a congress: the election (a body and its seats), its candidate list, its
rounds with their issue log and tally, and the corrections of closed rounds.

Every round is kept: a second round (a tie at the last seat, seats left empty) is a new row with its own
candidates, ballots, tally and counting minutes.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, event
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
from planner.core.text import fold, full_name, name_collation_key, normalize

if TYPE_CHECKING:
    from planner.delegates.models import Participant
    from planner.meetings.models import Meeting
    from planner.votes.models import Vote


class ElectionBody(StrEnum):
    executive_committee = "executive_committee"        # ban chấp hành (cấp ủy)
    standing_committee = "standing_committee"          # ban thường vụ
    secretary = "secretary"                            # bí thư
    deputy_secretary = "deputy_secretary"              # phó bí thư
    inspection_commission = "inspection_commission"    # ủy ban kiểm tra
    inspection_chair = "inspection_chair"              # chủ nhiệm ủy ban kiểm tra
    higher_congress_delegates = "higher_congress_delegates"  # đại biểu dự đại hội cấp trên
    other = "other"


ELECTION_BODY_LABELS = {
    ElectionBody.executive_committee: _l("Executive committee"),
    ElectionBody.standing_committee: _l("Standing committee"),
    ElectionBody.secretary: _l("Secretary"),
    ElectionBody.deputy_secretary: _l("Deputy secretaries"),
    ElectionBody.inspection_commission: _l("Inspection commission"),
    ElectionBody.inspection_chair: _l("Chair of the inspection commission"),
    ElectionBody.higher_congress_delegates: _l("Delegates to the higher congress"),
    ElectionBody.other: _l("Other"),
}

# The official names printed on ballots and documents (in Vietnamese whatever the interface language).
ELECTION_BODY_TITLES = {
    ElectionBody.executive_committee: "Ban Chấp hành",
    ElectionBody.standing_committee: "Ban Thường vụ",
    ElectionBody.secretary: "Bí thư",
    ElectionBody.deputy_secretary: "Phó Bí thư",
    ElectionBody.inspection_commission: "Ủy ban Kiểm tra",
    ElectionBody.inspection_chair: "Chủ nhiệm Ủy ban Kiểm tra",
    ElectionBody.higher_congress_delegates: "Đại biểu dự Đại hội cấp trên",
    ElectionBody.other: "",
}

# Điều 14: the lists of an executive committee and of its standing committee must hold a surplus.
SURPLUS_REQUIRED = frozenset({ElectionBody.executive_committee, ElectionBody.standing_committee})


class ElectionStatus(StrEnum):
    preparing = "preparing"      # the list is made; nothing printed yet
    voting = "voting"            # rounds are held
    closed = "closed"            # every seat filled, or the congress stopped electing


ELECTION_STATUS_LABELS = {
    ElectionStatus.preparing: _l("Preparing the list"),
    ElectionStatus.voting: _l("Voting"),
    ElectionStatus.closed: _l("Closed"),
}


class Nomination(StrEnum):
    committee = "committee"      # the convening committee's list
    floor = "floor"              # nominated by delegates from the floor
    self = "self"                # stands of their own accord


NOMINATION_LABELS = {
    Nomination.committee: _l("Convening committee"),
    Nomination.floor: _l("Nominated from the floor"),
    Nomination.self: _l("Self-nominated"),
}


class RoundStatus(StrEnum):
    voting = "voting"            # ballots printed and handed out
    counting = "counting"        # the counting committee enters the tally
    closed = "closed"            # the result stands; changes only through a recorded correction


ROUND_STATUS_LABELS = {
    RoundStatus.voting: _l("Voting"),
    RoundStatus.counting: _l("Counting"),
    RoundStatus.closed: _l("Closed"),
}


class Election(IdMixin, PublicIdMixin, TimestampMixin, VersionedMixin, Base):
    """One election of a congress: a body, its seats and its candidate list."""

    __tablename__ = "elections"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[ElectionBody] = enum_column(ElectionBody, default=ElectionBody.executive_committee)
    seats: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[ElectionStatus] = enum_column(ElectionStatus, default=ElectionStatus.preparing)
    position: Mapped[int] = mapped_column(Integer, default=1)
    # How the congress decided the number of seats (its show of hands, in words), and the vote that did,
    # when it was held in Planner (a closed, adopted vote of the same congress).
    seats_decision: Mapped[str] = mapped_column(Text, default="")
    seats_vote_id: Mapped[int | None] = mapped_column(ForeignKey("votes.id", ondelete="SET NULL"))
    # The congress's recorded decision on a list the rule alone does not allow (over 30% surplus, or a
    # committee list without surplus): required before ballots are printed.
    surplus_decision: Mapped[str] = mapped_column(Text, default="")
    # Those the base leaves out (Điều 30: at a full-member congress, members transferred, exempted and
    # absent, suspended or detained, absent with leave), with the reason, as the convening committee states.
    base_excluded: Mapped[int] = mapped_column(Integer, default=0)
    base_note: Mapped[str] = mapped_column(Text, default="")
    # Ballots printed beyond the delegates, for spoiled ones (the print run is delegates + reserve).
    ballot_reserve: Mapped[int] = mapped_column(Integer, default=10)
    # When the election report to the higher committee was signed (its bytes frozen then).
    report_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    meeting: Mapped[Meeting] = relationship()
    seats_vote: Mapped[Vote | None] = relationship()
    candidates: Mapped[list[Candidate]] = relationship(
        back_populates="election", order_by="Candidate.name_key, Candidate.id", cascade="all, delete-orphan",
        passive_deletes=True)
    rounds: Mapped[list[ElectionRound]] = relationship(
        back_populates="election", order_by="ElectionRound.number", cascade="all, delete-orphan",
        passive_deletes=True)


class Candidate(IdMixin, PublicIdMixin, TimestampMixin, Base):
    """A name on an election's list: a delegate of the congress, or a Party member named in full."""

    __tablename__ = "election_candidates"
    __table_args__ = (
        UniqueConstraint("election_id", "participant_id", name="uq_election_candidates_election_participant"),
        Index("ix_election_candidates_election_name", "election_id", "name_key"),
    )

    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"), index=True)
    family_name: Mapped[str] = mapped_column(String(120), default="")
    middle_name: Mapped[str] = mapped_column(String(120), default="")
    given_name: Mapped[str] = mapped_column(String(120), default="")
    nominated_by: Mapped[Nomination] = enum_column(Nomination, default=Nomination.committee)
    # A floor or self nomination: how many delegates agreed, out of how many present (Điều 14).
    agreeing: Mapped[int | None] = mapped_column(Integer)
    present: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    # Ballot order (given name, family name, middle name; ICU vi), derived on write.
    name_key: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    name_folded: Mapped[str] = mapped_column(String(400), default="")

    election: Mapped[Election] = relationship(back_populates="candidates")
    participant: Mapped[Participant | None] = relationship()

    @property
    def full_name(self) -> str:
        return full_name(self.family_name, self.middle_name, self.given_name)


@event.listens_for(Candidate, "before_insert")
@event.listens_for(Candidate, "before_update")
def _derive_candidate_keys(_mapper, _connection, candidate: Candidate) -> None:
    for attr in ("family_name", "middle_name", "given_name"):
        setattr(candidate, attr, normalize(getattr(candidate, attr)))
    candidate.name_key = name_collation_key(candidate.given_name, candidate.family_name, candidate.middle_name)
    candidate.name_folded = fold(candidate.full_name)


class ElectionRound(IdMixin, PublicIdMixin, TimestampMixin, VersionedMixin, Base):
    """One round of voting: its candidates, the issue log of its ballots, the tally and the result."""

    __tablename__ = "election_rounds"
    __table_args__ = (UniqueConstraint("election_id", "number", name="uq_election_rounds_election_number"),)

    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer, default=1)
    seats: Mapped[int] = mapped_column(Integer, default=1)          # the seats this round elects
    status: Mapped[RoundStatus] = enum_column(RoundStatus, default=RoundStatus.voting)
    # The base and attendance as of the vote (frozen when counting starts).
    convened: Mapped[int] = mapped_column(Integer, default=0)
    present: Mapped[int] = mapped_column(Integer, default=0)
    base_count: Mapped[int] = mapped_column(Integer, default=0)
    # The issue log.
    printed: Mapped[int] = mapped_column(Integer, default=0)
    issued: Mapped[int] = mapped_column(Integer, default=0)
    returned: Mapped[int] = mapped_column(Integer, default=0)
    spoiled: Mapped[int] = mapped_column(Integer, default=0)
    replaced: Mapped[int] = mapped_column(Integer, default=0)
    # The tally.
    valid: Mapped[int] = mapped_column(Integer, default=0)
    invalid: Mapped[int] = mapped_column(Integer, default=0)
    invalid_reasons: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the counting committee signed the counting minutes: from then on their bytes are a frozen record.
    minutes_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    another_round_needed: Mapped[bool] = mapped_column(Boolean, default=False)

    election: Mapped[Election] = relationship(back_populates="rounds")
    entries: Mapped[list[RoundCandidate]] = relationship(
        back_populates="round", order_by="RoundCandidate.position", cascade="all, delete-orphan",
        passive_deletes=True)
    corrections: Mapped[list[RoundCorrection]] = relationship(
        back_populates="round", order_by="RoundCorrection.id", cascade="all, delete-orphan", passive_deletes=True)


class RoundCandidate(IdMixin, Base):
    """A candidate on a round's ballot (in ballot order) with their votes and whether they were elected."""

    __tablename__ = "election_round_candidates"
    __table_args__ = (UniqueConstraint("round_id", "candidate_id", name="uq_election_round_candidates_round_cand"),)

    round_id: Mapped[int] = mapped_column(ForeignKey("election_rounds.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("election_candidates.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=1)
    votes: Mapped[int | None] = mapped_column(Integer)
    elected: Mapped[bool] = mapped_column(Boolean, default=False)
    tied: Mapped[bool] = mapped_column(Boolean, default=False)

    round: Mapped[ElectionRound] = relationship(back_populates="entries")
    candidate: Mapped[Candidate] = relationship()


class RoundCorrection(IdMixin, Base):
    """A change to a closed round, with its reason: the only way a closed tally changes."""

    __tablename__ = "election_round_corrections"

    round_id: Mapped[int] = mapped_column(ForeignKey("election_rounds.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    made_by: Mapped[str] = mapped_column(String(255), default="")
    made_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    round: Mapped[ElectionRound] = relationship(back_populates="corrections")


class CredentialsReport(IdMixin, PublicIdMixin, TimestampMixin, VersionedMixin, Base):
    """What the credentials committee adds to the figures of a congress's credentials report (the cases it
    examined, the delegates it found not qualified), and when the report was signed and frozen."""

    __tablename__ = "credentials_reports"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), unique=True)
    disqualified: Mapped[int] = mapped_column(Integer, default=0)
    cases: Mapped[str] = mapped_column(Text, default="")
    signer_name: Mapped[str] = mapped_column(String(255), default="")
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
