"""The election rules as pure logic: surplus, floor threshold, ballot validity, result (property tests)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from planner.elections import rules
from planner.elections.rules import Ballot, InvalidReason, Mark, SurplusLevel
from tests.properties.strategies import bounded

# The surplus (Điều 14) --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("seats", "candidates", "level", "needs", "prepared"), [
    (9, 8, SurplusLevel.short, True, False),
    (9, 9, SurplusLevel.none, True, False),
    (3, 4, SurplusLevel.within, False, False),      # at least one more, however few the seats
    (3, 5, SurplusLevel.over, True, False),
    (9, 10, SurplusLevel.within, False, True),      # 11.1%
    (9, 11, SurplusLevel.within, False, False),     # 22.2%
    (10, 13, SurplusLevel.within, False, False),    # exactly 30%
    (10, 14, SurplusLevel.over, True, False),       # 40%
    (9, 12, SurplusLevel.over, True, False),        # 33.3%
    (20, 22, SurplusLevel.within, False, True),     # 10%
    (20, 23, SurplusLevel.within, False, True),     # 15%
    (20, 24, SurplusLevel.within, False, False),    # 20%
])
def test_surplus_levels(seats, candidates, level, needs, prepared):
    check = rules.surplus(seats, candidates, committee=True)
    assert (check.level, check.needs_decision, check.prepared) == (level, needs, prepared)
    assert not rules.surplus(seats, candidates).needs_decision    # other lists: the congress decides


def test_a_committee_list_without_surplus_needs_a_decision():
    assert rules.surplus(9, 9, committee=True).needs_decision
    assert not rules.surplus(1, 1).needs_decision          # a secretary: one name, agree / disagree
    assert not rules.surplus(1, 1).strike_out
    assert rules.surplus(9, 11).strike_out


@given(seats=st.integers(1, 300), candidates=st.integers(0, 500))
@bounded(200)
def test_surplus_within_30_percent_exactly_when_the_rule_says(seats, candidates):
    check = rules.surplus(seats, candidates, committee=True)
    over = candidates - seats > max(1, int(0.3 * seats + 1e-9))
    assert (check.level is SurplusLevel.over) == over == (candidates > rules.max_candidates(seats))
    assert check.needs_decision == (over or candidates <= seats)


@pytest.mark.parametrize(("present", "threshold"), [(0, 1), (1, 1), (10, 4), (30, 10), (31, 10), (100, 31),
                                                    (299, 90), (300, 91)])
def test_floor_threshold_is_more_than_30_percent(present, threshold):
    assert rules.floor_threshold(present) == threshold


@given(present=st.integers(0, 5000), agreeing=st.integers(0, 5000))
@bounded(200)
def test_floor_acceptance_matches_the_threshold(present, agreeing):
    assume(agreeing <= present)
    accepted = rules.floor_nomination_accepted(agreeing, present)
    assert accepted == (agreeing > 0.3 * present) == (agreeing >= rules.floor_threshold(present))


# Ballots (Điều 15 of 190 / Điều 17 of 244) ------------------------------------------------------------------

NAMES = ["An", "Bình", "Chi", "Dũng"]


def test_strike_out_ballot_valid_when_keeping_seats_or_fewer():
    judged = rules.judge(Ballot(seats=3, candidates=NAMES, kept=frozenset({"An", "Chi"})))
    assert judged.valid and judged.votes_for == {"An", "Chi"}


def test_strike_out_ballot_keeping_more_names_than_seats_is_invalid():
    judged = rules.judge(Ballot(seats=3, candidates=NAMES, kept=frozenset(NAMES)))
    assert (judged.valid, judged.reason) == (False, InvalidReason.too_many)


def test_strike_out_ballot_with_every_name_struck_is_invalid():
    judged = rules.judge(Ballot(seats=3, candidates=NAMES, kept=frozenset()))
    assert (judged.valid, judged.reason) == (False, InvalidReason.all_struck)


def test_a_ballot_not_issued_by_the_counting_committee_is_invalid():
    judged = rules.judge(Ballot(seats=3, candidates=NAMES, issued=False, kept=frozenset({"An"})))
    assert (judged.valid, judged.reason) == (False, InvalidReason.not_issued)


def test_agree_disagree_ballot_counts_only_clear_marks_and_stays_valid():
    names = ["An", "Bình", "Chi"]
    judged = rules.judge(Ballot(seats=3, candidates=names,
                                marks={"An": Mark.agree, "Bình": Mark.both, "Chi": Mark.neither}))
    assert judged.valid and judged.votes_for == {"An"}
    judged = rules.judge(Ballot(seats=3, candidates=names, marks={n: Mark.disagree for n in names}))
    assert judged.valid and judged.votes_for == frozenset()


def test_a_single_name_must_be_marked_in_exactly_one_column():
    assert rules.judge(Ballot(seats=1, candidates=["An"], marks={"An": Mark.agree})).votes_for == {"An"}
    assert rules.judge(Ballot(seats=1, candidates=["An"], marks={"An": Mark.disagree})).valid
    for mark in (Mark.both, Mark.neither):
        judged = rules.judge(Ballot(seats=1, candidates=["An"], marks={"An": mark}))
        assert (judged.valid, judged.reason) == (False, InvalidReason.single_unmarked)


@given(seats=st.integers(1, 6), extra=st.integers(1, 4), data=st.data())
@bounded(150)
def test_a_valid_strike_out_ballot_never_counts_more_than_seats(seats, extra, data):
    candidates = list(range(seats + extra))
    kept = frozenset(data.draw(st.sets(st.sampled_from(candidates))))
    judged = rules.judge(Ballot(seats=seats, candidates=candidates, kept=kept))
    assert judged.valid == (0 < len(kept) <= seats)
    if judged.valid:
        assert judged.votes_for == kept


def test_count_adds_up():
    ballots = [Ballot(seats=2, candidates=NAMES, kept=frozenset({"An", "Bình"})),
               Ballot(seats=2, candidates=NAMES, kept=frozenset({"An"})),
               Ballot(seats=2, candidates=NAMES, kept=frozenset(NAMES)),
               Ballot(seats=2, candidates=NAMES, kept=frozenset())]
    valid, invalid, votes, reasons = rules.count(ballots)
    assert (valid, invalid) == (2, 2)
    assert votes == {"An": 2, "Bình": 1, "Chi": 0, "Dũng": 0}
    assert reasons == {InvalidReason.too_many: 1, InvalidReason.all_struck: 1}


# Tally integrity ------------------------------------------------------------------------------------------

def test_tally_problems_name_each_impossibility():
    ok = rules.tally_problems(issued=100, returned=98, valid=95, invalid=3, votes={"A": 95, "B": 10}, seats=1)
    assert [p for p, _ in ok] == [rules.TallyProblem.too_many_votes]
    found = rules.tally_problems(issued=90, returned=98, valid=90, invalid=3, votes={"A": 91}, seats=9)
    assert {p for p, _ in found} == {rules.TallyProblem.returned_over_issued, rules.TallyProblem.sum_mismatch,
                                     rules.TallyProblem.votes_over_valid}
    assert rules.tally_problems(issued=10, returned=10, valid=10, invalid=0, votes={"A": -1}, seats=1)[0][0] \
        is rules.TallyProblem.negative


# The result (Điều 30) -------------------------------------------------------------------------------------

def test_nine_seats_eleven_candidates_two_tied_at_the_margin():
    votes = {f"c{i}": v for i, v in enumerate([90, 88, 85, 80, 77, 70, 66, 60, 55, 55, 40])}
    result = rules.compute(9, 100, votes)
    assert result.elected == ["c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"]
    assert result.tied == ["c8", "c9"]
    assert result.another_round_needed and result.next_seats == 1 and result.next_candidates == ["c8", "c9"]
    second = rules.compute(1, 100, {"c8": 60, "c9": 38})
    assert second.elected == ["c8"] and not second.another_round_needed


def test_exactly_half_does_not_elect():
    result = rules.compute(2, 100, {"a": 50, "b": 51, "c": 49})
    assert result.elected == ["b"] and result.unfilled == 1
    assert result.next_candidates == ["a", "c"] and result.next_seats == 1


def test_a_tie_within_the_seats_is_no_tie():
    result = rules.compute(3, 10, {"a": 9, "b": 9, "c": 9, "d": 2})
    assert result.elected == ["a", "b", "c"] and not result.tied and not result.another_round_needed


tallies = st.integers(1, 12).flatmap(lambda n: st.tuples(
    st.integers(1, n + 2),                           # seats
    st.integers(1, 200),                             # base
    st.lists(st.integers(0, 200), min_size=n, max_size=n)))


@given(tallies)
@bounded(400)
def test_the_result_respects_seats_majority_order_and_ties(case):
    seats, base, numbers = case
    votes = {f"c{i}": v for i, v in enumerate(numbers)}
    result = rules.compute(seats, base, votes)
    elected, tied = result.elected, result.tied
    # seats and majority
    assert len(elected) <= seats
    assert all(2 * votes[c] > base for c in elected + tied)
    assert not set(elected) & set(tied)
    # order: nobody left out has more votes than someone elected; the elected pass before the rest
    losers = [c for c in votes if c not in elected]
    if elected:
        assert all(votes[c] <= min(votes[e] for e in elected) for c in losers)
        assert all(votes[c] < min(votes[e] for e in elected) for c in tied)
    # every candidate who passes is elected, unless there are more who pass than seats
    passing = [c for c in votes if 2 * votes[c] > base]
    if len(passing) <= seats:
        assert set(elected) == set(passing) and not tied
    else:
        # the most votes fill the seats, unless those at the margin do not all fit: then they are tied
        if tied:
            assert len(elected) + len(tied) > seats and len({votes[c] for c in tied}) == 1
        else:
            assert len(elected) == seats
    # another round exactly when seats stay to fill
    assert result.another_round_needed == (len(elected) < seats)
    assert result.next_seats == seats - len(elected)
    if tied:
        assert set(result.next_candidates) == set(tied) and len(tied) > result.next_seats
    else:
        assert set(result.next_candidates) == (set(votes) - set(elected) if result.another_round_needed else set())
