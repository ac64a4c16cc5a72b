"""Rounds: the ballot of each, the issue log and tally (refused when the figures do not add up), closing by
the rule, another round, and recorded corrections of a closed round."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from planner.accounts.models import User
from planner.core import audit
from planner.core.db import atomic, check_version
from planner.core.errors import Conflict, ValidationError
from planner.core.models import utcnow
from planner.elections import rules
from planner.elections.models import (
    ROUND_STATUS_LABELS,
    Candidate,
    Election,
    ElectionRound,
    ElectionStatus,
    RoundCandidate,
    RoundCorrection,
    RoundStatus,
)
from planner.elections.services.common import (
    ROUND_FIELDS,
    _audit,
    _ensure_open,
    _stale,
    _text,
    _unknown,
    _whole,
    ballot_order,
    base_count,
    convened,
    election_label,
    present_now,
    surplus_message,
    surplus_of,
)
from planner.elections.services.lists import counting_committee_problem
from planner.extensions import db

# Rounds -------------------------------------------------------------------------------------------------

def previous_result(election: Election) -> rules.Result | None:
    closed = [r for r in election.rounds if r.status is RoundStatus.closed]
    return result_of(closed[-1]) if closed else None


def elected_so_far(election: Election) -> list[Candidate]:
    found: list[Candidate] = []
    for held in election.rounds:
        if held.status is RoundStatus.closed:
            found.extend(e.candidate for e in held.entries if e.elected)
    return found


def seats_left(election: Election) -> int:
    return max(election.seats - len(elected_so_far(election)), 0)


def next_round_defaults(election: Election) -> tuple[list[Candidate], int]:
    """The list and seats of the next round: the whole list first; then what the last result leaves."""
    if not election.rounds:
        return ballot_order(election), election.seats
    result = previous_result(election)
    by_id = {c.id: c for c in election.candidates}
    if result is None:
        return [], 0
    return [by_id[i] for i in result.next_candidates if i in by_id], min(result.next_seats, seats_left(election))


def start_round(election: Election, data: dict[str, Any] | None = None, *, user: User | None) -> ElectionRound:
    """A new round: its list (by default the one the rules give, see next_round_defaults), the base and
    attendance as of now, and the print run (delegates convened + the reserve)."""
    data = dict(data or {})
    _unknown(data, ("candidate_ids", "seats", "number"))
    with atomic():
        _ensure_open(election.meeting)
        if any(r.status is not RoundStatus.closed for r in election.rounds):
            raise Conflict(_("The current round is not closed yet: close it before starting another."))
        if ElectionStatus(election.status) is ElectionStatus.closed:
            raise Conflict(_("This election is closed."))
        defaults, seats = next_round_defaults(election)
        if election.rounds and not seats_left(election):
            raise Conflict(_("Every seat of this election is filled: no further round is needed."))
        chosen = _round_candidates(election, data.get("candidate_ids"), defaults)
        if "seats" in data:
            seats = _whole(data["seats"], "seats", _("Seats"), low=1, high=seats_left(election) or election.seats)
        if not chosen:
            raise ValidationError(_("A round needs at least one candidate."), field="candidate_ids")
        if not election.rounds:
            check = surplus_of(election, len(chosen))
            if check.needs_decision and not election.surplus_decision:
                raise Conflict(surplus_message(check) or "")
        for candidate in chosen:
            problem = candidate.participant and counting_committee_problem(candidate.participant)
            if problem:
                raise ValidationError(problem, field="candidate_ids")
        meeting = election.meeting
        number = len(election.rounds) + 1
        if data.get("number") not in (None, "", number):
            raise ValidationError(_("The next round of this election is round %(number)s.", number=number),
                                  field="number")
        delegates = convened(meeting)
        held = ElectionRound(election=election, number=number, seats=seats or election.seats,
                             status=RoundStatus.voting, convened=delegates, present=present_now(meeting),
                             base_count=base_count(election), printed=delegates + (election.ballot_reserve or 0),
                             invalid_reasons={})
        for position, candidate in enumerate(sorted(chosen, key=lambda c: (c.name_key, c.id)), start=1):
            held.entries.append(RoundCandidate(candidate=candidate, position=position))
        db.session.add(held)
        if ElectionStatus(election.status) is ElectionStatus.preparing:
            election.status = ElectionStatus.voting
        db.session.flush()
        _audit(election, "election.round_started", "election_round", held.public_id,
               _("%(election)s, round %(number)s", election=election_label(election), number=number),
               {"seats": held.seats, "candidates": [c.full_name for c in chosen], "base_count": held.base_count})
    return held


def _round_candidates(election: Election, ids: Any, defaults: list[Candidate]) -> list[Candidate]:
    if ids in (None, ""):
        return defaults
    if not isinstance(ids, list | tuple):
        raise ValidationError(_("Give the round's candidates as a list."), field="candidate_ids")
    by_public = {c.public_id: c for c in election.candidates}
    already = {c.id for c in elected_so_far(election)}
    chosen: list[Candidate] = []
    for public_id in ids:
        candidate = by_public.get(str(public_id))
        if candidate is None:
            raise ValidationError(_("Every candidate of a round must be on this election's list."),
                                  field="candidate_ids")
        if candidate.id in already:
            raise ValidationError(_("%(name)s is elected already.", name=candidate.full_name), field="candidate_ids")
        if candidate not in chosen:
            chosen.append(candidate)
    return chosen


def round_label(held: ElectionRound) -> str:
    return _("%(election)s, round %(number)s", election=election_label(held.election), number=held.number)


def describe_round(held: ElectionRound) -> dict[str, Any]:
    return {"status": RoundStatus(held.status).value, "present": held.present, "issued": held.issued,
            "returned": held.returned, "spoiled": held.spoiled, "replaced": held.replaced, "valid": held.valid,
            "invalid": held.invalid, "invalid_reasons": dict(held.invalid_reasons or {}),
            "votes": {e.candidate.full_name: e.votes for e in held.entries}}


@dataclass
class TallyInput:
    figures: dict[str, int]
    reasons: dict[str, int] | None
    votes: dict[int, int]            # RoundCandidate.id -> votes
    status: RoundStatus | None


def _clean_round(held: ElectionRound, data: dict[str, Any]) -> TallyInput:
    _unknown(data, ROUND_FIELDS)
    labels = {"issued": _("Ballots issued"), "returned": _("Ballots returned"), "spoiled": _("Ballots spoiled"),
              "replaced": _("Ballots replaced"), "present": _("Delegates present"), "valid": _("Valid ballots"),
              "invalid": _("Invalid ballots")}
    figures = {name: _whole(data[name], name, labels[name]) for name in labels if name in data}
    reasons = None
    if "invalid_reasons" in data:
        given = data["invalid_reasons"] or {}
        if not isinstance(given, dict):
            raise ValidationError(_("Give the invalid ballots' reasons as {reason: number}."), field="invalid_reasons")
        reasons = {}
        for key, value in given.items():
            try:
                reason = rules.InvalidReason(key)
            except ValueError:
                raise ValidationError(_("Unknown reason for an invalid ballot: %(reason)s", reason=str(key)[:40]),
                                      field="invalid_reasons") from None
            number = _whole(value, "invalid_reasons", _("Invalid ballots"))
            if number:
                reasons[reason.value] = number
    votes: dict[int, int] = {}
    if "votes" in data:
        given_votes = data["votes"] or []
        if not isinstance(given_votes, list):
            raise ValidationError(_("Give the votes as a list of {candidate_id, votes}."), field="votes")
        by_public = {e.candidate.public_id: e for e in held.entries}
        for row in given_votes:
            if not isinstance(row, dict):
                raise ValidationError(_("Give the votes as a list of {candidate_id, votes}."), field="votes")
            entry = by_public.get(str(row.get("candidate_id")))
            if entry is None:
                raise ValidationError(_("A vote names a candidate who is not on this round's ballot."), field="votes")
            votes[entry.id] = _whole(row.get("votes"), "votes", entry.candidate.full_name)
    status = None
    if data.get("status") not in (None, ""):
        try:
            status = RoundStatus(data["status"])
        except ValueError:
            raise ValidationError(_("Unknown status."), field="status") from None
    return TallyInput(figures, reasons, votes, status)


_PROBLEM_FIELDS = {
    rules.TallyProblem.returned_over_issued: "returned",
    rules.TallyProblem.sum_mismatch: "valid",
    rules.TallyProblem.votes_over_valid: "votes",
    rules.TallyProblem.too_many_votes: "votes",
    rules.TallyProblem.negative: "valid",
}


def _integrity(held: ElectionRound, *, complete: bool) -> None:
    """Refuse figures that cannot be: every problem named, in the user's language."""
    names = {e.id: e.candidate.full_name for e in held.entries}
    votes = {e.id: (e.votes or 0) for e in held.entries}
    errors: list[dict[str, str]] = []
    for problem, candidate in rules.tally_problems(issued=held.issued, returned=held.returned, valid=held.valid,
                                                   invalid=held.invalid, votes=votes, seats=held.seats):
        if problem is rules.TallyProblem.sum_mismatch and not complete and not (held.valid or held.invalid):
            continue   # the issue log comes before the count
        detail = {
            rules.TallyProblem.returned_over_issued: _(
                "More ballots returned (%(returned)s) than issued (%(issued)s).", returned=held.returned,
                issued=held.issued),
            rules.TallyProblem.sum_mismatch: _(
                "Valid (%(valid)s) and invalid (%(invalid)s) ballots must add up to the ballots returned "
                "(%(returned)s).", valid=held.valid, invalid=held.invalid, returned=held.returned),
            rules.TallyProblem.votes_over_valid: _(
                "%(name)s has more votes (%(votes)s) than there are valid ballots (%(valid)s).",
                name=names.get(candidate, ""), votes=votes.get(candidate, 0), valid=held.valid),
            rules.TallyProblem.too_many_votes: _(
                "The votes add up to %(total)s, more than the %(most)s that %(valid)s valid ballots of at most "
                "%(seats)s names each can hold.", total=sum(votes.values()), most=held.seats * held.valid,
                seats=held.seats, valid=held.valid),
            rules.TallyProblem.negative: _("Figures cannot be negative."),
        }[problem]
        errors.append({"field": _PROBLEM_FIELDS[problem], "detail": detail})
    if held.replaced > held.spoiled:
        errors.append({"field": "replaced", "detail": _(
            "More ballots replaced (%(replaced)s) than spoiled ones handed back (%(spoiled)s).",
            replaced=held.replaced, spoiled=held.spoiled)})
    if held.issued + held.replaced > held.printed:
        errors.append({"field": "issued", "detail": _(
            "%(used)s ballots issued and replaced, more than the %(printed)s printed.",
            used=held.issued + held.replaced, printed=held.printed)})
    reasons_total = sum((held.invalid_reasons or {}).values())
    if reasons_total > held.invalid:
        errors.append({"field": "invalid_reasons", "detail": _(
            "The reasons name %(reasons)s invalid ballots, more than the %(invalid)s counted.",
            reasons=reasons_total, invalid=held.invalid)})
    if complete:
        if any(e.votes is None for e in held.entries):
            errors.append({"field": "votes", "detail": _("Enter the votes of every candidate before closing.")})
        if not held.returned:
            errors.append({"field": "returned", "detail": _("Enter the ballots returned before closing.")})
    if errors:
        raise ValidationError(" ".join(e["detail"] for e in errors), field=errors[0]["field"], errors=errors)


def _apply(held: ElectionRound, given: TallyInput) -> None:
    for name, value in given.figures.items():
        setattr(held, name, value)
    if given.reasons is not None:
        held.invalid_reasons = given.reasons
    for entry in held.entries:
        if entry.id in given.votes:
            entry.votes = given.votes[entry.id]


_MOVES = {
    RoundStatus.voting: {RoundStatus.counting, RoundStatus.closed},
    RoundStatus.counting: {RoundStatus.voting, RoundStatus.closed},
    RoundStatus.closed: set(),
}


def update_round(held: ElectionRound, data: dict[str, Any], *, user: User | None, version: Any = None) -> ElectionRound:
    """Enter the issue log and the tally, move the round (voting → counting → closed). Closing computes the
    result. A closed round is refused here: it changes only through ``correct_round``."""
    election = held.election
    with atomic(_stale()):
        check_version(held, version, _stale())
        _ensure_open(election.meeting)
        if held.status is RoundStatus.closed:
            raise Conflict(_("This round is closed: its figures change only through a recorded correction."))
        data = dict(data)
        _same_ballot(held, data.pop("number", None), data.pop("candidate_ids", None))
        given = _clean_round(held, data)
        before = describe_round(held)
        _apply(held, given)
        target = given.status
        if target is not None and target is not held.status and target not in _MOVES[RoundStatus(held.status)]:
            raise Conflict(_("A round cannot move from %(old)s to %(new)s.",
                             old=ROUND_STATUS_LABELS[RoundStatus(held.status)], new=ROUND_STATUS_LABELS[target]))
        closing = target is RoundStatus.closed
        _integrity(held, complete=closing)
        if target is not None:
            held.status = target
        if closing:
            _close(held)
        held.updated_at = utcnow()   # a new version even when only the candidates' votes changed
        changes = audit.diff(before, describe_round(held))
        if changes:
            _audit(election, "election.round_closed" if closing else "election.tally_entered", "election_round",
                   held.public_id, round_label(held), changes)
    return held


def _same_ballot(held: ElectionRound, number: Any, candidate_ids: Any) -> None:
    """A round's number and ballot are fixed when it starts: a PATCH may repeat them, not change them."""
    if number not in (None, "") and number != held.number:
        raise Conflict(_("A round keeps its number."))
    if candidate_ids is not None and list(candidate_ids) != [e.candidate.public_id for e in held.entries]:
        raise Conflict(_("The ballot of a round is fixed when the round starts (its ballots are printed)."))


def _close(held: ElectionRound) -> None:
    result = result_of(held)
    elected, tied = set(result.elected), set(result.tied)
    for entry in held.entries:
        entry.elected = entry.candidate_id in elected
        entry.tied = entry.candidate_id in tied
    held.closed_at = held.closed_at or utcnow()
    held.another_round_needed = result.another_round_needed
    election = held.election
    if not result.another_round_needed and len(elected_so_far(election)) >= election.seats:
        election.status = ElectionStatus.closed


def result_of(held: ElectionRound) -> rules.Result:
    """The round's result by the rule, from its tally as it stands (candidate ids in ballot order)."""
    votes = {e.candidate_id: (e.votes or 0) for e in held.entries}
    return rules.compute(held.seats, held.base_count, votes)


def correct_round(held: ElectionRound, data: dict[str, Any], *, reason: Any, user: User | None,
                  version: Any = None) -> ElectionRound:
    """Change a closed round's figures with the reason stated: kept as a correction, audited, and the
    result computed again. Refused while a later round exists (its list came from this result)."""
    election = held.election
    with atomic(_stale()):
        check_version(held, version, _stale())
        _ensure_open(election.meeting)
        if held.status is not RoundStatus.closed:
            raise Conflict(_("Only a closed round is corrected; enter the figures of an open round directly."))
        if any(r.number > held.number for r in election.rounds):
            raise Conflict(_("A later round has been held on this result: it can no longer be corrected."))
        why = _text(reason, "reason")
        if len(why) < 5:
            raise ValidationError(_("State the reason of the correction (as the counting committee recorded it)."),
                                  field="reason")
        payload = {k: v for k, v in dict(data).items() if k != "status"}
        _same_ballot(held, payload.pop("number", None), payload.pop("candidate_ids", None))
        given = _clean_round(held, payload)
        before = describe_round(held)
        _apply(held, given)
        _integrity(held, complete=True)
        _close(held)
        if election.status is ElectionStatus.closed and held.another_round_needed:
            election.status = ElectionStatus.voting
        changes = audit.diff(before, describe_round(held))
        if not changes:
            raise ValidationError(_("The correction changes nothing."))
        actor = audit.record(db.session, organization_id=election.organization_id, meeting_id=election.meeting_id,
                             action="election.round_corrected", object_type="election_round",
                             object_id=held.public_id, summary=f"{round_label(held)}: {why}", changes=changes)
        held.corrections.append(RoundCorrection(reason=why, changes=changes, made_by=actor.actor_label))
        held.updated_at = utcnow()
    return held


# Results for pages, the API and documents --------------------------------------------------------------

@dataclass
class ResultRow:
    candidate: Candidate
    votes: int | None
    percent: float | None
    elected: bool
    tied: bool


def result_rows(held: ElectionRound) -> list[ResultRow]:
    """The round's candidates in ballot order with votes, % of the base and the outcome (once closed)."""
    closed = held.status is RoundStatus.closed
    rows = []
    for entry in held.entries:
        pct = rules.percent(entry.votes, held.base_count) if entry.votes is not None else None
        rows.append(ResultRow(entry.candidate, entry.votes, pct, closed and entry.elected, closed and entry.tied))
    return rows
