"""Votes (biểu quyết) on agenda items, and the congress bodies adopted by a show of hands.

Where a delegate's choice is kept, and where it is not (secret votes):

- ``vote_roll``: who was present when the vote was opened (frozen there) and, for electronic votes,
  whether they have voted. It holds NO choice, no time of voting, and is written in protocol order
  when the vote opens, so its order tells nothing either.
- ``vote_choices``: one row per delegate and choice, for the votes whose choices are public: a named vote
  (entered by staff) and an electronic vote that is not secret.
- ``vote_ballots``: the anonymous ballots of a secret electronic vote: the choice and a key, nothing
  else (no participant, no time, no row number: on SQLite the table is WITHOUT ROWID, so even the
  file's order follows the random keys). The key is HMAC(the vote's ballot salt, the delegate's link
  secret): the same delegate finds their ballot again to change it while the vote is open, from any
  device with their link; the database alone cannot (it stores only a hash of the link). The salt is
  wiped when the vote closes, so afterwards nobody, holding the database and the app's secret key
  included, can tell whose ballot is whose.

Shown of hands and paper secret ballots keep only the counts entered by the clerk.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
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
    from planner.agenda.models import AgendaItem
    from planner.delegates.models import Participant
    from planner.meetings.models import Meeting


class VoteMethod(StrEnum):
    show_of_hands = "show_of_hands"    # giơ tay (or raising the Party card: giơ thẻ đảng viên)
    named = "named"                    # biểu quyết từng người: each delegate's choice recorded
    electronic = "electronic"          # from the delegate's personal page
    secret_ballot = "secret_ballot"  # noqa: S105 - bỏ phiếu kín, on paper: the counting committee enters the counts  # nosec B105


VOTE_METHOD_LABELS = {
    VoteMethod.show_of_hands: _l("Show of hands (or raising the Party card)"),
    VoteMethod.named: _l("Named vote (each delegate's choice recorded)"),
    VoteMethod.electronic: _l("Electronic, from the delegates' personal pages"),
    VoteMethod.secret_ballot: _l("Secret ballot on paper"),
}

# The methods whose counts a clerk enters; the others are counted from the choices recorded or cast.
COUNTED_METHODS = frozenset({VoteMethod.show_of_hands, VoteMethod.secret_ballot})


class Majority(StrEnum):
    more_than_half = "more_than_half"   # quá nửa (votes/rules.py)
    two_thirds = "two_thirds"           # ít nhất hai phần ba


MAJORITY_LABELS = {
    Majority.more_than_half: _l("More than half"),
    Majority.two_thirds: _l("At least two thirds"),
}


class VoteBase(StrEnum):
    present = "present"      # the delegates present when the vote opened
    convened = "convened"    # the delegates convened (triệu tập)


VOTE_BASE_LABELS = {
    VoteBase.present: _l("Delegates present when the vote opens"),
    VoteBase.convened: _l("Delegates convened"),
}


class VoteStatus(StrEnum):
    draft = "draft"
    open = "open"
    closed = "closed"


VOTE_STATUS_LABELS = {
    VoteStatus.draft: _l("Prepared"),
    VoteStatus.open: _l("Voting open"),
    VoteStatus.closed: _l("Voting closed"),
}


class Choice(StrEnum):
    yes = "yes"            # tán thành
    no = "no"              # không tán thành
    abstain = "abstain"    # không biểu quyết


CHOICE_LABELS = {
    Choice.yes: lazy_pgettext("vote", "For"),
    Choice.no: _l("Against"),
    Choice.abstain: _l("Abstain"),
}


class Vote(IdMixin, PublicIdMixin, TimestampMixin, VersionedMixin, Base):
    """One question put to the vote on an agenda item: its rule, its frozen base, its counts and result."""

    __tablename__ = "votes"
    __table_args__ = (
        Index("ix_votes_item_position", "agenda_item_id", "position"),
        Index("ix_votes_meeting_status", "meeting_id", "status"),
    )

    # The item's meeting, kept here so that a meeting's votes are one indexed query.
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(1000))
    method: Mapped[VoteMethod] = enum_column(VoteMethod, default=VoteMethod.show_of_hands)
    # Electronic votes only: the choices are secret (anonymous ballots). A paper ballot is always secret.
    secret: Mapped[bool] = mapped_column(Boolean, default=False)
    majority: Mapped[Majority] = enum_column(Majority, default=Majority.more_than_half)
    base: Mapped[VoteBase] = enum_column(VoteBase, default=VoteBase.present)
    status: Mapped[VoteStatus] = enum_column(VoteStatus, default=VoteStatus.draft)
    # Frozen when the vote opens: the delegates present then, and those convened.
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    present: Mapped[int | None] = mapped_column(Integer)
    convened: Mapped[int | None] = mapped_column(Integer)
    # Entered (counted methods), or counted from the choices and ballots when the vote closes.
    yes: Mapped[int | None] = mapped_column(Integer)
    no: Mapped[int | None] = mapped_column(Integer)
    abstain: Mapped[int | None] = mapped_column(Integer)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    adopted: Mapped[bool | None] = mapped_column(Boolean)
    # Secret electronic votes, while open: the key of the anonymous ballots (see the module's docstring).
    ballot_salt: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship()
    agenda_item: Mapped[AgendaItem] = relationship()
    corrections: Mapped[list[VoteCorrection]] = relationship(
        back_populates="vote", order_by="VoteCorrection.number", cascade="all, delete-orphan",
        passive_deletes=True)

    @property
    def is_secret(self) -> bool:
        return self.method is VoteMethod.secret_ballot or (self.method is VoteMethod.electronic and self.secret)

    @property
    def counted(self) -> bool:
        """The clerk enters the counts (show of hands, paper ballot)."""
        return self.method in COUNTED_METHODS

    @property
    def base_count(self) -> int | None:
        return self.present if self.base is VoteBase.present else self.convened


class VoteRoll(IdMixin, Base):
    """A delegate present when the vote opened (may vote), and whether they have voted. No choice."""

    __tablename__ = "vote_roll"
    __table_args__ = (UniqueConstraint("vote_id", "participant_id", name="uq_vote_roll_vote_participant"),)

    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"))
    # No cascade: a delegate who voted cannot vanish from the vote's record.
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    voted: Mapped[bool] = mapped_column(Boolean, default=False)

    participant: Mapped[Participant] = relationship()


class VoteChoice(IdMixin, Base):
    """A delegate's choice where it is public: a named vote, an electronic vote that is not secret."""

    __tablename__ = "vote_choices"
    __table_args__ = (UniqueConstraint("vote_id", "participant_id", name="uq_vote_choices_vote_participant"),)

    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    choice: Mapped[Choice] = enum_column(Choice)

    participant: Mapped[Participant] = relationship()


class VoteBallot(Base):
    """An anonymous ballot of a secret electronic vote: a random-looking key and the choice, nothing else."""

    __tablename__ = "vote_ballots"
    __table_args__ = ({"sqlite_with_rowid": False},)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"), index=True)
    choice: Mapped[Choice] = enum_column(Choice)


class VoteCorrection(IdMixin, Base):
    """A change to a closed vote: the counts and result before and after, why, who and when."""

    __tablename__ = "vote_corrections"
    __table_args__ = (UniqueConstraint("vote_id", "number", name="uq_vote_corrections_vote_number"),)

    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    before: Mapped[dict[str, Any]] = mapped_column(JSON)
    after: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_label: Mapped[str] = mapped_column(String(255), default="")

    vote: Mapped[Vote] = relationship(back_populates="corrections")


class BodyKind(StrEnum):
    """The bodies a congress elects by show of hands (Quy chế bầu cử trong Đảng, 190-QĐ/TW, Điều 3)."""

    presidium = "presidium"                           # đoàn chủ tịch
    secretariat = "secretariat"                       # đoàn thư ký
    credentials_committee = "credentials_committee"   # ban thẩm tra tư cách đại biểu
    counting_committee = "counting_committee"         # ban kiểm phiếu


BODY_KIND_LABELS = {
    BodyKind.presidium: _l("Presidium"),
    BodyKind.secretariat: _l("Secretariat of the congress"),
    BodyKind.credentials_committee: _l("Credentials committee"),
    BodyKind.counting_committee: _l("Counting committee"),
}

# The official names, in the wording of the documents whatever the interface language.
BODY_KIND_NAMES = {
    BodyKind.presidium: "Đoàn Chủ tịch",
    BodyKind.secretariat: "Đoàn Thư ký",
    BodyKind.credentials_committee: "Ban Thẩm tra tư cách đại biểu",
    BodyKind.counting_committee: "Ban Kiểm phiếu",
}


class CongressBody(IdMixin, PublicIdMixin, TimestampMixin, VersionedMixin, Base):
    """A body of one meeting (its presidium, secretariat, credentials or counting committee): the members
    chosen among the delegates, and the show-of-hands vote that adopted the list."""

    __tablename__ = "congress_bodies"
    __table_args__ = (UniqueConstraint("meeting_id", "kind", name="uq_congress_bodies_meeting_kind"),)

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    kind: Mapped[BodyKind] = enum_column(BodyKind)
    vote_id: Mapped[int | None] = mapped_column(ForeignKey("votes.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship()
    vote: Mapped[Vote | None] = relationship()
    members: Mapped[list[CongressBodyMember]] = relationship(
        back_populates="body", order_by="CongressBodyMember.position", cascade="all, delete-orphan",
        passive_deletes=True)

    @property
    def adopted(self) -> bool:
        return self.vote is not None and self.vote.status is VoteStatus.closed and bool(self.vote.adopted)


class CongressBodyMember(IdMixin, Base):
    __tablename__ = "congress_body_members"
    __table_args__ = (UniqueConstraint("body_id", "participant_id", name="uq_congress_body_members_body_participant"),)

    body_id: Mapped[int] = mapped_column(ForeignKey("congress_bodies.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=1)
    # The member's role in the body (Trưởng ban, Chủ tịch Đại hội…), optional.
    role: Mapped[str] = mapped_column(String(255), default="")

    body: Mapped[CongressBody] = relationship(back_populates="members")
    participant: Mapped[Participant] = relationship()
