"""Elections and their candidate lists: the body and its seats, nominations, the counting committee kept off
the ballots."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from planner.accounts.models import User
from planner.core import audit
from planner.core.db import atomic, check_version
from planner.core.errors import Conflict, ValidationError
from planner.core.text import clean_text, split_full_name
from planner.delegates.models import Participant
from planner.elections import rules
from planner.elections.models import Candidate, Election, ElectionStatus, Nomination, RoundStatus
from planner.elections.services.common import (
    CANDIDATE_FIELDS,
    _audit,
    _clean_election,
    _ensure_open,
    _ensure_preparing,
    _stale,
    _text,
    _unknown,
    _whole,
    describe,
    election_label,
    official_delegates,
)
from planner.extensions import db
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting
from planner.votes import rules as vote_rules
from planner.votes import services as vote_services
from planner.votes.models import BodyKind, Vote, VoteStatus

# Elections ---------------------------------------------------------------------------------------------

def seats_decision_text(vote: Vote) -> str:
    """The decision on the number of seats as the election report states it, from the vote that took it
    (the documents of an election are written in Vietnamese, whatever the meeting's language)."""
    base = vote.base_count or 0
    percent = format(vote_rules.percent(vote.yes or 0, base), "f").replace(".", ",")
    return f"{vote.title}: {vote.yes or 0}/{base} đại biểu tán thành ({percent}%)"


def _apply_seats_vote(election: Election, public_id: str | None, decision_given: bool) -> None:
    """Link the vote that decided the number of seats. The congress decides the number to elect by show of
    hands before it elects (Quy chế bầu cử trong Đảng, 190-QĐ/TW: the congress decides the number, DOMAIN.md
    "Votes and elections"), so only a closed vote of the same congress that adopted it qualifies. Without
    a decision in words, the vote's numbers become the decision the documents print."""
    if public_id is None:
        return
    vote = None
    if public_id:
        vote = db.session.scalar(select(Vote).where(Vote.meeting_id == election.meeting_id,
                                                    Vote.public_id == public_id))
        if vote is None:
            raise ValidationError(_("No such vote in this meeting."), field="seats_vote_id")
        if vote.status is not VoteStatus.closed or not vote.adopted:
            raise ValidationError(_("Choose a closed vote that adopted the number of seats."), field="seats_vote_id")
    election.seats_vote = vote
    if vote is not None and not decision_given:
        election.seats_decision = seats_decision_text(vote)


def seats_votes(meeting: Meeting) -> list[Vote]:
    """The votes of a congress that may have decided a number of seats: closed and adopted, in order."""
    return list(db.session.scalars(select(Vote).where(Vote.meeting_id == meeting.id, Vote.status == VoteStatus.closed,
                                                      Vote.adopted.is_(True))
                                   .order_by(Vote.closed_at, Vote.id)))


def create_election(meeting: Meeting, data: dict[str, Any], *, user: User | None) -> Election:
    with atomic():
        meeting_services.ensure_editable(meeting)
        clean = _clean_election(dict(data))
        clean.pop("status", None)
        seats_vote = clean.pop("seats_vote_id", None)
        position = (db.session.scalar(select(func.max(Election.position)).where(Election.meeting_id == meeting.id))
                    or 0) + 1
        election = Election(organization_id=meeting.organization_id, meeting_id=meeting.id, meeting=meeting,
                            position=position, **clean)
        _apply_seats_vote(election, seats_vote, bool(clean.get("seats_decision")))
        db.session.add(election)
        db.session.flush()
        _audit(election, "election.created", "election", election.public_id, election_label(election),
               describe(election))
    return election


def update_election(election: Election, data: dict[str, Any], *, user: User | None, version: Any = None) -> Election:
    with atomic(_stale()):
        check_version(election, version, _stale())
        _ensure_open(election.meeting)
        clean = _clean_election(dict(data))
        before = describe(election)
        if election.rounds and (("seats" in clean and clean["seats"] != election.seats)
                                or ("body" in clean and clean["body"] != election.body)):
            raise Conflict(_("A round has been held: the body and the number of seats can no longer change."))
        if "status" in clean:
            _check_status(election, clean["status"])
        seats_vote = clean.pop("seats_vote_id", None)
        for name, value in clean.items():
            setattr(election, name, value)
        _apply_seats_vote(election, seats_vote, bool(clean.get("seats_decision")))
        changes = audit.diff(before, describe(election))
        if changes:
            _audit(election, "election.updated", "election", election.public_id, election_label(election), changes)
    return election


def _check_status(election: Election, status: ElectionStatus) -> None:
    current = ElectionStatus(election.status)
    if status is current:
        return
    if status is ElectionStatus.preparing and election.rounds:
        raise Conflict(_("A round has been held: the election cannot go back to preparing its list."))
    if status is ElectionStatus.closed and any(r.status is not RoundStatus.closed for r in election.rounds):
        raise Conflict(_("A round is still being voted or counted: close it first."))




# Candidates ---------------------------------------------------------------------------------------------

def counting_committee_problem(participant: Participant) -> str | None:
    """Why this delegate cannot be on a ballot, or None (Điều 8: the counting committee is not)."""
    if vote_services.is_on_counting_committee(participant):
        return _("%(name)s is a member of the counting committee of this congress and cannot be a candidate "
                 "(Quy chế bầu cử, Điều 8).", name=participant.full_name)
    return None


def _clean_candidate(election: Election, data: dict[str, Any]) -> dict[str, Any]:
    _unknown(data, CANDIDATE_FIELDS)
    clean: dict[str, Any] = {}
    try:
        clean["nominated_by"] = Nomination(data.get("nominated_by") or Nomination.committee)
    except ValueError:
        raise ValidationError(_("Unknown kind of nomination."), field="nominated_by") from None
    participant_id = clean_text(data.get("participant_id"))
    name = _text(data.get("full_name"), "full_name", 360, multiline=False)
    if participant_id:
        participant = db.session.scalar(select(Participant).where(
            Participant.meeting_id == election.meeting_id, Participant.public_id == participant_id))
        if participant is None:
            raise ValidationError(_("The candidate must be a delegate of this congress."), field="participant_id")
        problem = counting_committee_problem(participant)
        if problem:
            raise ValidationError(problem, field="participant_id")
        person = participant.person
        clean.update(participant=participant, family_name=person.family_name, middle_name=person.middle_name,
                     given_name=person.given_name)
    elif name:
        family, middle, given = split_full_name(name)
        clean.update(participant=None, family_name=family, middle_name=middle, given_name=given)
    else:
        raise ValidationError(_("Choose a delegate or write the candidate's full name."), field="participant_id")
    clean["note"] = _text(data.get("note"), "note")
    if clean["nominated_by"] is not Nomination.committee:
        if data.get("agreeing") in (None, "") or data.get("present") in (None, ""):
            raise ValidationError(_("A nomination from the floor or a self-nomination enters the list only with "
                                    "the agreement of more than 30 per cent of the delegates present (Điều 14): "
                                    "enter how many agreed and how many were present."), field="agreeing")
        present = _whole(data["present"], "present", _("Delegates present"), low=1)
        agreeing = _whole(data["agreeing"], "agreeing", _("Delegates agreeing"), high=present)
        if not rules.floor_nomination_accepted(agreeing, present):
            raise ValidationError(_("%(agreeing)s of %(present)s delegates agreed: a nomination needs more than 30%% "
                                    "(at least %(needed)s) to enter the list (Điều 14).", agreeing=agreeing,
                                    present=present, needed=rules.floor_threshold(present)), field="agreeing")
        clean.update(agreeing=agreeing, present=present)
    return clean


def add_candidate(election: Election, data: dict[str, Any], *, user: User | None) -> Candidate:
    with atomic(clash=ValidationError(_("This delegate is on the list already."), field="participant_id")):
        _ensure_open(election.meeting)
        _ensure_preparing(election)
        clean = _clean_candidate(election, dict(data))
        participant = clean.get("participant")
        if participant is not None and any(c.participant_id == participant.id for c in election.candidates):
            raise ValidationError(_("This delegate is on the list already."), field="participant_id")
        candidate = Candidate(election=election, **clean)
        db.session.add(candidate)
        db.session.flush()
        _audit(election, "election.candidate_added", "candidate", candidate.public_id,
               f"{election_label(election)}: {candidate.full_name}",
               {"nominated_by": candidate.nominated_by.value, "agreeing": candidate.agreeing,
                "present": candidate.present})
    return candidate


def remove_candidate(candidate: Candidate, *, user: User | None) -> None:
    election = candidate.election
    with atomic():
        _ensure_open(election.meeting)
        _ensure_preparing(election)
        _audit(election, "election.candidate_removed", "candidate", candidate.public_id,
               f"{election_label(election)}: {candidate.full_name}")
        election.candidates.remove(candidate)
        db.session.delete(candidate)



# The congress bodies (votes) ----------------------------------------------------------------------------

def counting_committee(meeting: Meeting) -> list[tuple[str, str]]:
    """(full name, role) of each member of the congress's counting committee, in the body's order."""
    body = vote_services.body_of(meeting, BodyKind.counting_committee)
    return [(member.participant.full_name, member.role) for member in body.members] if body is not None else []



def eligible_delegates(meeting: Meeting) -> list[Participant]:
    """The official delegates who may be put on a list (the counting committee left out), in name order."""
    committee = {p.id for p in vote_services.counting_committee_members(meeting)}
    return [p for p in sorted(official_delegates(meeting), key=lambda p: (p.name_key, p.id)) if p.id not in committee]


def candidacy_problem(participant: Participant, **_kwargs: Any) -> str | None:
    """Why a delegate may not join the counting committee: they are on a ballot of the congress (Điều 8)."""
    found = db.session.scalar(select(Election).join(Candidate).where(
        Election.meeting_id == participant.meeting_id, Candidate.participant_id == participant.id).limit(1))
    if found is None:
        return None
    return _("they are a candidate in %(election)s.", election=election_label(found))
