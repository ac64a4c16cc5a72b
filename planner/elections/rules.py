"""The Party's election rules as pure logic: the candidate list's surplus, the floor-nomination threshold,
whether a ballot is valid, and who is elected from a round's tally.

Sources read for this module (Quy chế bầu cử trong Đảng, ban hành kèm Quyết định 190-QĐ/TW ngày
10/10/2024, which keeps the substance of Quyết định 244-QĐ/TW of 2014 and adds an article on the
credentials committee, so that numbers after Điều 7 moved by one):

- Điều 14 (số dư và danh sách bầu cử), confirmed in the text of 190: the list for an executive committee
  (cấp ủy) and its standing committee must hold more candidates than seats; the congress decides the
  surplus but it is at most 30% of the seats, and the convening committee prepares 10–15%. A candidate who
  is not the convening committee's (nominated from the floor, or standing of their own accord) enters the
  list only with the agreement of MORE THAN 30% of the delegates present ("từ hơn 30% tổng số đại biểu dự
  đại hội đồng ý giới thiệu"). A list with less than 30% surplus: the congress decides; a list with more
  than 30%: the congress is asked (xin ý kiến đại hội) which names stay. Here: ``surplus`` and
  ``floor_threshold``; going past 30% (or a committee list without surplus) is a warning that needs the
  congress's decision recorded, never a silent pass.
- The ballot (Điều 15 of 190, reported; the wording read is Điều 17 of 244, which 190 keeps): the full
  names of the list, the convening committee's seal at the top left; with a surplus the voter strikes out
  (family and given name) those they do not elect; without a surplus the ballot has four columns: STT, họ
  và tên, đồng ý, không đồng ý. Valid: issued by the counting committee, keeping as many names as the seats
  or fewer; without a surplus a name marked in both columns or in neither does not count for that person
  and the ballot stays valid; with a single name, a mark in one of the two columns. Invalid: not issued by
  the counting committee; more names kept than seats; every name struck out on a list with a surplus.
  Here: ``Ballot`` and ``judge``.
- The result (Điều 30 of 190, reported; Điều 32 of 244 read): counted on the valid ballots; elected with
  MORE THAN HALF of the base — at a delegate congress the official delegates convened, at a full-member
  congress the official members convened less those the article excludes (transferred to temporary
  activity elsewhere, exempted and absent, suspended, prosecuted or detained, absent with the convening
  committee's leave for the whole congress). When more candidates pass than there are seats, those with
  the most votes are elected; candidates tied at the last seat go to another round among themselves for
  the seats left; seats left unfilled go to another round whose list the congress decides (by default the
  candidates not elected). Here: ``compute``; the base is the caller's number (``base_count``).
- Names on the ballot: "in Vietnamese alphabetical order" (vần chữ cái A, B, C); the practice of delegate
  lists and ballots orders by given name, then family name, then middle name (DOMAIN.md "Names"), which
  ``core.text.name_collation_key`` implements with ICU ``vi``. Not a written article: kept in one place.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

# Điều 14: the surplus is at most 30% of the seats; the convening committee prepares 10–15%.
MAX_SURPLUS_PERCENT = 30
PREPARED_SURPLUS_PERCENT = (10, 15)
# Điều 14: a floor nomination needs the agreement of more than 30% of the delegates present.
FLOOR_AGREEMENT_PERCENT = 30


class SurplusLevel(StrEnum):
    short = "short"          # fewer candidates than seats: seats will stay empty
    none = "none"            # as many candidates as seats: agree / disagree ballot
    within = "within"        # a surplus within 30% (the prepared 10–15% or not)
    over = "over"            # more than 30%: the congress must decide (a recorded decision)


@dataclass(frozen=True)
class Surplus:
    seats: int
    candidates: int
    level: SurplusLevel
    needs_decision: bool     # the congress's recorded decision is needed before ballots are printed
    prepared: bool           # within the 10–15% the convening committee prepares

    @property
    def surplus(self) -> int:
        return self.candidates - self.seats

    @property
    def percent(self) -> float:
        return round(100 * self.surplus / self.seats, 1) if self.seats else 0.0

    @property
    def strike_out(self) -> bool:
        """The ballot's layout: a list to strike names from (surplus), else agree/disagree columns."""
        return self.candidates > self.seats


def surplus(seats: int, candidates: int, *, committee: bool = False) -> Surplus:
    """The surplus of a list against the seats (Điều 14). ``committee``: the list of an executive committee
    or its standing committee, which must hold more candidates than seats and at most 30% more (at least
    one more, however few the seats: a 3-seat committee may have 4 names); beyond that, or without a
    surplus, the congress decides (a recorded decision). Other lists (a secretary, delegates to the higher
    congress) are the congress's to decide: their surplus is shown, not checked."""
    if seats < 1:
        raise ValueError("an election has at least one seat")
    extra = candidates - seats
    if extra < 0:
        level = SurplusLevel.short
    elif extra == 0:
        level = SurplusLevel.none
    elif candidates <= max_candidates(seats):
        level = SurplusLevel.within
    else:
        level = SurplusLevel.over
    low, high = PREPARED_SURPLUS_PERCENT
    prepared = extra > 0 and low * seats <= extra * 100 <= high * seats
    needs = committee and (level is SurplusLevel.over or extra <= 0)
    return Surplus(seats, candidates, level, needs, prepared)


def max_candidates(seats: int) -> int:
    """The longest committee list the rule allows without the congress's decision: the seats and 30% more,
    rounded down, but at least one more."""
    return seats + max(1, (MAX_SURPLUS_PERCENT * seats) // 100)


def floor_threshold(present: int) -> int:
    """The fewest agreeing delegates that put a floor nomination on the list: more than 30% of those
    present (Điều 14), i.e. the least n with n > 0.3 × present."""
    if present < 0:
        raise ValueError("present cannot be negative")
    return (FLOOR_AGREEMENT_PERCENT * present) // 100 + 1


def floor_nomination_accepted(agreeing: int, present: int) -> bool:
    return agreeing * 100 > FLOOR_AGREEMENT_PERCENT * present


def majority_needed(base: int) -> int:
    """The fewest votes that are more than half of the base (Điều 30)."""
    return base // 2 + 1


# Ballots --------------------------------------------------------------------------------------------------

class Mark(StrEnum):
    """A name's mark on a ballot without surplus."""

    agree = "agree"
    disagree = "disagree"
    both = "both"
    neither = "neither"


class InvalidReason(StrEnum):
    not_issued = "not_issued"                  # not issued by the counting committee (no seal, other form)
    too_many = "too_many"                      # more names kept (or agreed) than seats
    all_struck = "all_struck"                  # every name struck on a list with a surplus
    single_unmarked = "single_unmarked"        # one name only, marked in both columns or in neither
    other = "other"                            # ruled invalid by the counting committee for another cause


@dataclass(frozen=True)
class Ballot:
    """One paper ballot as the counting committee reads it.

    ``kept``: on a strike-out ballot, the candidates whose names were NOT struck. ``marks``: on an
    agree/disagree ballot, each candidate's mark (a candidate missing from it is ``neither``)."""

    seats: int
    candidates: Sequence[Hashable]
    issued: bool = True
    kept: frozenset[Hashable] | None = None
    marks: Mapping[Hashable, Mark] = field(default_factory=dict)

    @property
    def strike_out(self) -> bool:
        return len(self.candidates) > self.seats


@dataclass(frozen=True)
class Judgement:
    valid: bool
    reason: InvalidReason | None
    votes_for: frozenset[Hashable]             # the candidates this ballot counts a vote for


def judge(ballot: Ballot) -> Judgement:
    """Whether a ballot is valid and whom it counts for (Điều 15 of 190 / Điều 17 of 244, as above)."""
    nothing: frozenset[Hashable] = frozenset()
    if not ballot.issued:
        return Judgement(False, InvalidReason.not_issued, nothing)
    if ballot.strike_out:
        kept = frozenset(ballot.kept or ()) & frozenset(ballot.candidates)
        if not kept:
            return Judgement(False, InvalidReason.all_struck, nothing)
        if len(kept) > ballot.seats:
            return Judgement(False, InvalidReason.too_many, nothing)
        return Judgement(True, None, kept)
    marks = {c: Mark(ballot.marks.get(c, Mark.neither)) for c in ballot.candidates}
    if len(ballot.candidates) == 1 and marks[ballot.candidates[0]] not in (Mark.agree, Mark.disagree):
        return Judgement(False, InvalidReason.single_unmarked, nothing)
    agreed = frozenset(c for c, mark in marks.items() if mark is Mark.agree)
    if len(agreed) > ballot.seats:
        return Judgement(False, InvalidReason.too_many, nothing)
    return Judgement(True, None, agreed)


def count(ballots: Iterable[Ballot]) -> tuple[int, int, dict[Hashable, int], dict[InvalidReason, int]]:
    """(valid, invalid, votes per candidate, invalid per reason) of a pile of ballots."""
    valid = invalid = 0
    votes: dict[Hashable, int] = {}
    reasons: dict[InvalidReason, int] = {}
    for ballot in ballots:
        for candidate in ballot.candidates:
            votes.setdefault(candidate, 0)
        judgement = judge(ballot)
        if judgement.valid:
            valid += 1
            for candidate in judgement.votes_for:
                votes[candidate] += 1
        else:
            invalid += 1
            assert judgement.reason is not None
            reasons[judgement.reason] = reasons.get(judgement.reason, 0) + 1
    return valid, invalid, votes, reasons


# Tally integrity ------------------------------------------------------------------------------------------

class TallyProblem(StrEnum):
    returned_over_issued = "returned_over_issued"
    sum_mismatch = "sum_mismatch"
    votes_over_valid = "votes_over_valid"
    too_many_votes = "too_many_votes"
    negative = "negative"


def tally_problems(*, issued: int, returned: int, valid: int, invalid: int, votes: Mapping[Hashable, int],
                   seats: int) -> list[tuple[TallyProblem, Hashable | None]]:
    """What makes a tally impossible: valid + invalid must equal returned, returned at most issued, each
    candidate's votes at most the valid ballots, and all votes together at most seats × valid (a valid
    ballot keeps no more names than seats)."""
    problems: list[tuple[TallyProblem, Hashable | None]] = []
    if min(issued, returned, valid, invalid, *votes.values(), 0) < 0:
        problems.append((TallyProblem.negative, None))
        return problems
    if returned > issued:
        problems.append((TallyProblem.returned_over_issued, None))
    if valid + invalid != returned:
        problems.append((TallyProblem.sum_mismatch, None))
    for candidate, number in votes.items():
        if number > valid:
            problems.append((TallyProblem.votes_over_valid, candidate))
    if sum(votes.values()) > seats * valid:
        problems.append((TallyProblem.too_many_votes, None))
    return problems


# The result -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Result:
    seats: int
    base: int
    needed: int                                 # the fewest votes that elect: more than half of the base
    order: list[Hashable]                       # candidates by votes, most first (ties keep the list's order)
    elected: list[Hashable]                     # in order of votes
    tied: list[Hashable]                        # tied at the last seat: another round among them
    passed: list[Hashable]                      # every candidate with more than half of the base
    unfilled: int                               # seats neither filled nor held by a tie
    next_candidates: list[Hashable]             # whom the next round may hold by default (list order)
    next_seats: int                             # seats the next round elects

    @property
    def another_round_needed(self) -> bool:
        return self.next_seats > 0


def compute(seats: int, base: int, votes: Mapping[Hashable, int]) -> Result:
    """Who is elected in a round (Điều 30): more than half of the base; when more pass than the seats, the
    most votes; a tie at the last seat leaves those seats to another round among the tied; seats nobody
    filled go to another round with the candidates not elected (the congress may change that list).
    ``votes`` is in ballot order; that order breaks nothing, it only keeps lists stable."""
    if seats < 1:
        raise ValueError("an election has at least one seat")
    needed = majority_needed(base)
    listed = list(votes)
    position = {c: i for i, c in enumerate(listed)}
    order = sorted(listed, key=lambda c: (-votes[c], position[c]))
    passed = [c for c in order if votes[c] >= needed]
    if len(passed) <= seats:
        elected, tied = passed, []
    else:
        margin = votes[passed[seats - 1]]
        above = [c for c in passed if votes[c] > margin]
        at = [c for c in passed if votes[c] == margin]
        if len(above) + len(at) <= seats:   # the margin falls between two vote counts: no tie
            elected, tied = above + at, []
        else:
            elected, tied = above, at
    unfilled = 0 if tied else seats - len(elected)
    if tied:
        next_candidates = [c for c in listed if c in set(tied)]
        next_seats = seats - len(elected)
    else:
        chosen = set(elected)
        next_candidates = [c for c in listed if c not in chosen] if unfilled else []
        next_seats = unfilled
    return Result(seats=seats, base=base, needed=needed, order=order, elected=elected, tied=tied,
                  passed=passed, unfilled=unfilled, next_candidates=next_candidates, next_seats=next_seats)


def percent(votes: int, base: int) -> float:
    """Votes as a percentage of the base, as the counting minutes print them (two decimals)."""
    return round(100 * votes / base, 2) if base else 0.0
