"""Electronic voting from the delegate's personal link: the open votes they may vote in, their ballot
and their own choice (a secret vote keeps no link between a delegate and a choice).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from planner.core.db import atomic
from planner.core.errors import Conflict, NotFound
from planner.delegates.models import Participant
from planner.extensions import db
from planner.votes.models import Choice, Vote, VoteBallot, VoteChoice, VoteMethod, VoteRoll, VoteStatus
from planner.votes.services.base import _audit, _stale
from planner.votes.services.checks import _enum
from planner.votes.services.reading import _on_roll, shown_on_personal_pages

# Electronic voting from the delegate's link -----------------------------------------------------


def open_electronic_votes(participant: Participant) -> list[Vote]:
    """The open electronic votes of the participant's meeting on which they are on the roll (shown on their
    personal page: unclassified ones only)."""
    votes = db.session.scalars(
        select(Vote).join(VoteRoll, VoteRoll.vote_id == Vote.id)
        .where(Vote.meeting_id == participant.meeting_id, Vote.status == VoteStatus.open,
               Vote.method == VoteMethod.electronic, VoteRoll.participant_id == participant.id)
        .options(joinedload(Vote.agenda_item))
        .order_by(Vote.opened_at, Vote.id))
    return [vote for vote in votes if shown_on_personal_pages(vote)]


@dataclass(frozen=True)
class Ballot:
    """An open vote as a delegate's page shows it: the vote, and their choice so far (None: not voted yet)."""

    vote: Vote
    choice: Choice | None


def ballots(participant: Participant, secret: str) -> list[Ballot]:
    """The delegate's open electronic votes with their own choice so far (found through their link)."""
    return [Ballot(vote, own_choice(vote, participant, secret)) for vote in open_electronic_votes(participant)]


def delegate_vote(participant: Participant, public_id: str) -> Vote | None:
    """An open electronic vote of the participant's meeting, by its public id, that their page may show."""
    return next((v for v in open_electronic_votes(participant) if v.public_id == str(public_id)), None)


def ballot_key(vote: Vote, secret: str) -> str:
    """The key of a delegate's anonymous ballot: HMAC(the vote's salt, their link secret)."""
    assert vote.ballot_salt, "only an open secret electronic vote has a ballot salt"
    return hmac.new(vote.ballot_salt.encode(), str(secret).encode(), hashlib.sha256).hexdigest()


def own_choice(vote: Vote, participant: Participant, secret: str) -> Choice | None:
    """The delegate's current choice, for their own page (a secret ballot is found through their link)."""
    if vote.is_secret:
        if not vote.ballot_salt:
            return None
        found = db.session.scalar(select(VoteBallot.choice).where(VoteBallot.key == ballot_key(vote, secret)))
    else:
        found = db.session.scalar(select(VoteChoice.choice).where(VoteChoice.vote_id == vote.id,
                                                                  VoteChoice.participant_id == participant.id))
    return Choice(found) if found is not None else None


def cast_ballot(vote: Vote, participant: Participant, choice: Choice | str, secret: str) -> bool:
    """A delegate's ballot from their personal link (``secret``: the link's secret, from its URL): the first
    one, or a change of it while the vote is open. Answers whether it was the first.

    One ballot per delegate: the roll's ``voted`` flag turns once (an UPDATE … WHERE voted is false, so two
    taps at once count once); later ones change the ballot found by its key (secret) or the delegate's row."""
    chosen = _enum(Choice, choice, "choice", _("Unknown choice."))
    with atomic(_stale()):
        vote = db.session.scalar(select(Vote).where(Vote.id == vote.id).execution_options(populate_existing=True))
        assert vote is not None
        if vote.method is not VoteMethod.electronic or vote.status is not VoteStatus.open:
            raise Conflict(_("This vote is not open for voting from the personal page."))
        if vote.meeting_id != participant.meeting_id:
            raise NotFound(_("No such vote."))
        first = db.session.execute(
            update(VoteRoll).where(VoteRoll.vote_id == vote.id, VoteRoll.participant_id == participant.id,
                                   VoteRoll.voted.is_(False))
            .values(voted=True).execution_options(synchronize_session=False)).rowcount == 1
        if not first and not _on_roll(vote, participant):
            raise Conflict(_("Only the delegates present when the vote opened may vote."))
        if vote.is_secret:
            key = ballot_key(vote, secret)
            if first:
                db.session.add(VoteBallot(key=key, vote_id=vote.id, choice=chosen))
            else:
                changed = db.session.execute(update(VoteBallot).where(VoteBallot.key == key)
                                             .values(choice=chosen)
                                             .execution_options(synchronize_session=False)).rowcount
                if changed != 1:
                    raise Conflict(_("Your personal link was renewed after you voted: your ballot stands as cast "
                                     "and can no longer be changed."))
            changes = None   # a secret ballot's choice is written nowhere but in the ballot
        else:
            row = db.session.scalar(select(VoteChoice).where(VoteChoice.vote_id == vote.id,
                                                             VoteChoice.participant_id == participant.id))
            before = row.choice.value if row is not None else None
            if row is None:
                db.session.add(VoteChoice(vote_id=vote.id, participant_id=participant.id, choice=chosen))
            else:
                row.choice = chosen
            changes = {"choice": [before, chosen.value]}
        _audit(vote, "vote.ballot_cast" if first else "vote.ballot_changed",
               f"{vote.title} — {participant.full_name}", changes, actor_label=f"delegate:{participant.public_id}")
    return first
