"""core.inputs.whole_number: one reading of a whole number from a form or JSON, each caller's own words."""

import pytest

from planner.core.errors import ValidationError
from planner.core.inputs import whole_number


@pytest.mark.parametrize(("value", "expected"), [(7, 7), ("7", 7), (" 9 ", 9), (3.0, 3), (0, 0), (10, 10)])
def test_whole_numbers_in_range_are_read(value, expected):
    assert whole_number(value, "n", 0, 10, wrong="wrong") == expected


@pytest.mark.parametrize("value", ["sáu", "", None, "1.5", 2.5, True, False, float("inf"), "1e3", [1]])
def test_what_is_not_a_whole_number_gets_the_callers_words(value):
    with pytest.raises(ValidationError) as raised:
        whole_number(value, "seats", 0, 10, wrong="not a number", beyond="out of range")
    assert raised.value.message == "not a number"
    assert raised.value.field == "seats"


@pytest.mark.parametrize("value", [-1, 11, "99999999999999999999"])
def test_a_number_out_of_range_says_so(value):
    with pytest.raises(ValidationError) as raised:
        whole_number(value, "seats", 0, 10, wrong="not a number", beyond="out of range")
    assert raised.value.message == "out of range"


def test_without_words_for_the_range_the_one_message_serves():
    with pytest.raises(ValidationError, match="from 1 to 999"):
        whole_number(1000, "copies", 1, 999, wrong="a whole number from 1 to 999")
