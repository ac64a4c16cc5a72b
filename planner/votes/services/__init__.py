"""Votes: the only code that writes votes, their roll, choices, ballots and corrections, and the congress
bodies.

Rules kept here:
- A vote belongs to an agenda item; the user sees it when they may see the item. Status moves
  draft → open → closed, and nothing else: its question and rule change only while it is a draft; a
  closed vote changes only through a recorded correction (``correct_vote``: the counts before and after
  and the reason, audited).
- Opening freezes "present at time T": the delegates (category ``delegate``: the official delegates, who
  vote; guests, leaders invited, press, staff and observers do not) recorded present on T's day in the
  meeting's time zone (checked in at the door or marked present) are copied to the vote's roll, with
  their number and the number convened. Later check-ins do not join the vote. Nobody present: refused.
- Counted methods (show of hands, paper ballot): the clerk enters yes / no / abstain while the vote is
  open. Named: the choice of each delegate on the roll. Electronic: each delegate on the roll casts one
  ballot from their personal link and may change it until the vote closes; a secret one keeps no link
  between a delegate and a choice (see models.py). Running tallies of an electronic vote are not shown
  before it closes (only how many have voted): they would tell the order of the choices.
- Closing computes the result by rules.py; counts adding up to more than the base or than those present
  are refused, whatever the method.
- Every change writes an audit entry with the user; a save based on a stale version is refused (409).
"""

from __future__ import annotations

from planner.votes.services.base import (
    CANDIDACY,
    COUNT_FIELDS,
    DRAFT_FIELDS,
    HALL_RESULT_FOR,
    MAX_COUNT,
    MAX_MEMBERS,
    MAX_REASON,
    MAX_TITLE,
    NO_VOTE_KINDS,
    VOTE_FIELDS,
    VOTING_CATEGORIES,
)
from planner.votes.services.changing import (
    close_vote,
    convened_count,
    correct_vote,
    create_vote,
    delete_vote,
    open_vote,
    present_now,
    record_choice,
    set_counts,
    update_vote,
)
from planner.votes.services.checks import describe
from planner.votes.services.congress import (
    bodies,
    body_locked,
    body_of,
    body_participant_choices,
    counting_committee_members,
    is_on_counting_committee,
    put_body_to_vote,
    set_body_members,
)
from planner.votes.services.electronic import (
    Ballot,
    ballot_key,
    ballots,
    cast_ballot,
    delegate_vote,
    open_electronic_votes,
    own_choice,
)
from planner.votes.services.reading import (
    Counts,
    can_correct,
    can_hold_votes,
    counts,
    get_meeting_vote,
    get_vote,
    item_votes,
    meeting_votes,
    named_choices,
    roll,
    roll_marks,
    roll_participant,
    shown_on_personal_pages,
    votable_items,
    voted_count,
    voted_counts,
)
from planner.votes.services.shown import decision_text, hall_vote, minutes_decisions

__all__ = [
    "CANDIDACY",
    "COUNT_FIELDS",
    "DRAFT_FIELDS",
    "HALL_RESULT_FOR",
    "MAX_COUNT",
    "MAX_MEMBERS",
    "MAX_REASON",
    "MAX_TITLE",
    "NO_VOTE_KINDS",
    "VOTE_FIELDS",
    "VOTING_CATEGORIES",
    "Ballot",
    "Counts",
    "ballot_key",
    "ballots",
    "bodies",
    "body_locked",
    "body_of",
    "body_participant_choices",
    "can_correct",
    "can_hold_votes",
    "cast_ballot",
    "close_vote",
    "convened_count",
    "correct_vote",
    "counting_committee_members",
    "counts",
    "create_vote",
    "decision_text",
    "delegate_vote",
    "delete_vote",
    "describe",
    "get_meeting_vote",
    "get_vote",
    "hall_vote",
    "is_on_counting_committee",
    "item_votes",
    "meeting_votes",
    "minutes_decisions",
    "named_choices",
    "open_electronic_votes",
    "open_vote",
    "own_choice",
    "present_now",
    "put_body_to_vote",
    "record_choice",
    "roll",
    "roll_marks",
    "roll_participant",
    "set_body_members",
    "set_counts",
    "shown_on_personal_pages",
    "update_vote",
    "votable_items",
    "voted_count",
    "voted_counts",
]
