"""The result rule (votes/rules.py): unit cases at the margins and properties over any counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.votes import rules


@pytest.mark.parametrize(("majority", "yes", "base", "adopted"), [
    ("more_than_half", 5, 10, False),    # exactly half is not more than half
    ("more_than_half", 6, 10, True),
    ("more_than_half", 6, 11, True),
    ("more_than_half", 5, 11, False),
    ("two_thirds", 20, 30, True),         # exactly two thirds passes: "at least two thirds"
    ("two_thirds", 19, 30, False),
    ("two_thirds", 7, 10, True),
    ("two_thirds", 6, 10, False),
    ("two_thirds", 2, 3, True),
    ("more_than_half", 0, 0, False),
    ("two_thirds", 0, 0, False),
])
def test_the_margins(majority, yes, base, adopted):
    assert rules.passes(majority, yes, base) is adopted


def test_not_voting_and_the_percent():
    result = rules.outcome("more_than_half", base=32, present=30, yes=28, no=1, abstain=0)
    assert (result.not_voting, result.adopted, result.percent) == (3, True, Decimal("87.50"))
    assert rules.percent(2, 3) == Decimal("66.67")


def test_counts_above_the_base_or_those_present_are_refused():
    with pytest.raises(rules.CountError) as exc:
        rules.check_counts(20, 10, 1, base=30, present=30)
    assert (exc.value.kind, exc.value.total, exc.value.limit) == ("above_base", 31, 30)
    with pytest.raises(rules.CountError) as exc:
        rules.check_counts(20, 10, 1, base=40, present=30)   # base convened: the absent do not vote
    assert exc.value.kind == "above_present"
    with pytest.raises(rules.CountError):
        rules.check_counts(-1, 0, 0, base=3, present=3)


counts = st.integers(min_value=0, max_value=2000)


@given(yes=counts, no=counts, abstain=counts, absent=st.integers(0, 500), extra=st.integers(0, 500),
       majority=st.sampled_from(["more_than_half", "two_thirds"]))
def test_any_counts_give_the_rule_s_result(yes, no, abstain, absent, extra, majority):
    present = yes + no + abstain + extra
    base = present + absent
    result = rules.outcome(majority, base=base, present=present, yes=yes, no=no, abstain=abstain)
    # an empty base adopts nothing (opening a vote with nobody present is refused anyway)
    expected = base > 0 and (yes * 2 > base if majority == "more_than_half" else yes * 3 >= base * 2)
    assert result.adopted is expected
    assert result.not_voting == base - yes - no - abstain >= 0
    assert result.yes + result.no + result.abstain + result.not_voting == base
    # the percent agrees with the verdict: more than 50 % passes by half, 66.67 % or more by two thirds
    if majority == "more_than_half" and base:
        assert result.adopted == (Decimal(yes) * 100 / base > 50)
    if majority == "two_thirds" and base:
        assert result.adopted == (Decimal(yes) * 3 >= Decimal(base) * 2)


@given(yes=counts, no=counts, abstain=counts, short=st.integers(1, 100))
def test_totals_above_the_base_are_always_refused(yes, no, abstain, short):
    total = yes + no + abstain
    base = max(total - short, 0)
    if total <= base:
        return
    with pytest.raises(rules.CountError):
        rules.outcome("more_than_half", base=base, present=base, yes=yes, no=no, abstain=abstain)


@given(yes=st.integers(0, 1000), base=st.integers(1, 1000))
def test_two_thirds_is_never_easier_than_half(yes, base):
    if yes > base:
        return
    if rules.passes("two_thirds", yes, base) and base > 1:
        assert rules.passes("more_than_half", yes, base)
