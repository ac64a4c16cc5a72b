"""Reading votes: which items hold them, a meeting's and an item's votes as the user may see them, the
roll, the named choices and the counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from planner.accounts.models import Organization, User
from planner.agenda import services as agenda_services
from planner.agenda.models import AgendaItem
from planner.core.errors import NotFound
from planner.core.permissions import Classification
from planner.delegates.models import Participant
from planner.extensions import db
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting, MeetingStatus
from planner.votes import rules
from planner.votes.models import Choice, Vote, VoteBallot, VoteChoice, VoteMethod, VoteRoll, VoteStatus
from planner.votes.services.base import NO_VOTE_KINDS

# Reading ------------------------------------------------------------------------------------------

def can_hold_votes(item: AgendaItem) -> bool:
    return item.kind not in NO_VOTE_KINDS


def votable_items(meeting: Meeting, user: User | None) -> list[AgendaItem]:
    """The meeting's items the user may see that can hold votes, in programme order."""
    return [item for item in agenda_services.list_items(meeting, user) if can_hold_votes(item)]


def can_correct(vote: Vote) -> bool:
    return vote.status is VoteStatus.closed and vote.meeting.status is not MeetingStatus.archived


def item_votes(item: AgendaItem) -> list[Vote]:
    return list(db.session.scalars(select(Vote).where(Vote.agenda_item_id == item.id)
                                   .options(selectinload(Vote.corrections))
                                   .order_by(Vote.position, Vote.id)))


def meeting_votes(meeting: Meeting, user: User | None) -> list[Vote]:
    """The meeting's votes on items the user may see, by item then position: two queries."""
    levels = agenda_services.reader_levels(meeting.organization_id, user)
    return list(db.session.scalars(
        select(Vote).join(AgendaItem, AgendaItem.id == Vote.agenda_item_id)
        .where(Vote.meeting_id == meeting.id, agenda_services.visible_item_clause(levels))
        .options(selectinload(Vote.corrections))
        .order_by(AgendaItem.starts_at, AgendaItem.position, Vote.position, Vote.id)))


def get_vote(org: Organization, public_id: str, *, user: User | None) -> Vote:
    """A vote of a meeting of the organization, on an item the user may see; else not found."""
    meetings = meeting_services.meetings_query(org, user).with_only_columns(Meeting.id).scalar_subquery()
    levels = agenda_services.reader_levels(org.id, user)
    vote = db.session.scalar(
        select(Vote).join(AgendaItem, AgendaItem.id == Vote.agenda_item_id)
        .where(Vote.public_id == str(public_id), Vote.meeting_id.in_(meetings),
               agenda_services.visible_item_clause(levels)))
    if vote is None:
        raise NotFound(_("No such vote."))
    return vote


def get_meeting_vote(meeting: Meeting, public_id: str, *, user: User | None) -> Vote:
    levels = agenda_services.reader_levels(meeting.organization_id, user)
    vote = db.session.scalar(
        select(Vote).join(AgendaItem, AgendaItem.id == Vote.agenda_item_id)
        .where(Vote.meeting_id == meeting.id, Vote.public_id == str(public_id),
               agenda_services.visible_item_clause(levels)))
    if vote is None:
        raise NotFound(_("No such vote."))
    return vote


def roll(vote: Vote) -> list[VoteRoll]:
    """Who was present when the vote opened, in protocol order, with their people loaded."""
    return list(db.session.scalars(
        select(VoteRoll).join(Participant, Participant.id == VoteRoll.participant_id)
        .where(VoteRoll.vote_id == vote.id)
        .options(joinedload(VoteRoll.participant))
        .order_by(Participant.protocol_rank, Participant.name_key, Participant.id)))


def roll_participant(vote: Vote, participant_public_id: str) -> Participant | None:
    """The delegate of this public id on the vote's roll (present when it opened), or None."""
    return db.session.scalar(
        select(Participant).join(VoteRoll, VoteRoll.participant_id == Participant.id)
        .where(VoteRoll.vote_id == vote.id, Participant.public_id == str(participant_public_id)))


def roll_marks(vote: Vote) -> dict[str, str]:
    """What the open vote's page shows beside each name on the roll that has voted, {participant public id:
    mark}, read in one query for the page's live refresh: a named vote's recorded choice (named choices are
    public), and for an electronic vote only "voted", since its choices are not shown before it closes."""
    if vote.method is VoteMethod.named:
        query = (select(Participant.public_id, VoteChoice.choice)
                 .join(VoteChoice, VoteChoice.participant_id == Participant.id).where(VoteChoice.vote_id == vote.id))
        return {public_id: choice.value for public_id, choice in db.session.execute(query)}
    query = (select(Participant.public_id).join(VoteRoll, VoteRoll.participant_id == Participant.id)
             .where(VoteRoll.vote_id == vote.id, VoteRoll.voted.is_(True)))
    return dict.fromkeys(db.session.scalars(query), "voted")


def named_choices(vote: Vote) -> dict[int, Choice]:
    """{participant id: choice} where the choices are public (named, electronic not secret)."""
    if vote.is_secret:
        return {}
    return dict(db.session.execute(select(VoteChoice.participant_id, VoteChoice.choice)
                                   .where(VoteChoice.vote_id == vote.id)).all())


def voted_count(vote: Vote) -> int:
    """How many on the roll have voted (electronic) or have a choice recorded (named)."""
    if vote.method is VoteMethod.named:
        return db.session.scalar(select(func.count()).where(VoteChoice.vote_id == vote.id)) or 0
    return db.session.scalar(select(func.count()).where(VoteRoll.vote_id == vote.id,
                                                        VoteRoll.voted.is_(True))) or 0


def voted_counts(votes: Sequence[Vote]) -> dict[int, int]:
    """voted_count for several votes at once: {vote id: number} (one query each kind)."""
    ids = [v.id for v in votes]
    if not ids:
        return {}
    found = dict(db.session.execute(select(VoteRoll.vote_id, func.count()).where(
        VoteRoll.vote_id.in_(ids), VoteRoll.voted.is_(True)).group_by(VoteRoll.vote_id)).all())
    named = [v.id for v in votes if v.method is VoteMethod.named]
    if named:
        found.update(db.session.execute(select(VoteChoice.vote_id, func.count()).where(
            VoteChoice.vote_id.in_(named)).group_by(VoteChoice.vote_id)).all())
    return found


def _tally(vote: Vote) -> dict[Choice, int]:
    """The choices recorded or cast, counted."""
    table = VoteBallot if vote.is_secret else VoteChoice
    rows = db.session.execute(select(table.choice, func.count()).where(table.vote_id == vote.id)
                              .group_by(table.choice)).all()
    return {Choice(choice): number for choice, number in rows}


@dataclass(frozen=True)
class Counts:
    """What a page or the API shows of a vote's numbers."""

    present: int | None
    base_count: int | None
    yes: int | None
    no: int | None
    abstain: int | None
    not_voting: int | None
    adopted: bool | None
    percent: Any = None
    shown: bool = True     # False: an electronic vote still open, its tally not shown yet


def counts(vote: Vote) -> Counts:
    base = vote.base_count
    shown = not (vote.method is VoteMethod.electronic and vote.status is not VoteStatus.closed)
    yes, no, abstain = vote.yes, vote.no, vote.abstain
    if vote.method is VoteMethod.named and vote.status is VoteStatus.open:
        tally = _tally(vote)
        yes, no, abstain = (tally.get(c, 0) for c in Choice)
    if not shown:
        yes = no = abstain = None
    not_voting = None
    if base is not None and None not in (yes, no, abstain):
        not_voting = base - yes - no - abstain  # type: ignore[operator]
    percent = rules.percent(yes, base) if base and yes is not None else None
    return Counts(present=vote.present, base_count=base, yes=yes, no=no, abstain=abstain, not_voting=not_voting,
                  adopted=vote.adopted if vote.status is VoteStatus.closed else None, percent=percent, shown=shown)


def _on_roll(vote: Vote, participant: Participant) -> bool:
    return db.session.scalar(select(VoteRoll.id).where(VoteRoll.vote_id == vote.id,
                                                       VoteRoll.participant_id == participant.id)) is not None


def shown_on_personal_pages(vote: Vote) -> bool:
    """A delegate's page shows unclassified content only (DOMAIN.md, Confidentiality): the meeting, the item
    and its session all unclassified."""
    item = vote.agenda_item
    levels = [vote.meeting.classification, item.classification]
    if item.parent is not None:
        levels.append(item.parent.classification)
    return all(Classification(level) is Classification.none for level in levels)
