"""The seating rules as pure functions: the presidium by protocol number, the hall's seats."""

import pytest

from planner.booklets import seating


def test_presidium_of_seven_places_numbers_one_to_seven_by_the_rule():
    # From the presidium's own left to its right, as its members sit facing the hall:
    # 7 5 3 1 2 4 6 — number 1 in the centre, 2 on 1's right, 3 on 1's left, alternating outward.
    positions = seating.presidium_positions(7)
    own_left_to_right = [0] * 7
    for number, position in enumerate(positions, start=1):
        own_left_to_right[position] = number
    assert own_left_to_right == [7, 5, 3, 1, 2, 4, 6]
    # A chart drawn as seen from the hall shows the presidium's right on its left.
    assert seating.presidium_row(7) == [6, 4, 2, 1, 3, 5, 7]


@pytest.mark.parametrize("size", range(1, 16))
def test_every_presidium_seat_is_taken_once_and_the_rule_holds(size):
    positions = seating.presidium_positions(size)
    assert sorted(positions) == list(range(size))
    one = positions[0]
    for number in range(2, size + 1):
        step = number // 2
        expected = one + step if number % 2 == 0 else one - step
        assert positions[number - 1] == expected, f"number {number} of {size}"


def test_even_presidium_shares_the_middle_between_one_and_two():
    assert seating.presidium_row(2) == [2, 1]
    assert seating.presidium_row(4) == [4, 2, 1, 3]
    assert seating.presidium_row(6) == [6, 4, 2, 1, 3, 5]
    assert seating.presidium_row(0) == []


def test_row_labels_go_past_z():
    assert [seating.row_label(i) for i in (0, 1, 25, 26, 27, 51, 52)] == ["A", "B", "Z", "AA", "AB", "AZ", "BA"]
    for index in (0, 7, 25, 26, 99, 700):
        assert seating.row_index(seating.row_label(index)) == index
    assert seating.seat_label(0, 0) == "A-1"
    assert seating.seat_label(27, 11) == "AB-12"


@pytest.mark.parametrize(("text", "label"), [("A-12", "A-12"), ("a12", "A-12"), (" b - 3 ", "B-3"), ("ct-1", "CT-1"),
                                             ("CT 4", "CT-4"), ("AA-100", "AA-100")])
def test_seat_labels_are_read_in_any_spelling(text, label):
    assert seating.parse_seat(text).label == label


@pytest.mark.parametrize("text", ["", "12", "A-0", "CT-0", "A-", "ABC-1", "Ghế 5", "A-1234"])
def test_malformed_seats_are_refused(text):
    assert seating.parse_seat(text) is None


def test_in_plan():
    assert seating.in_plan(seating.parse_seat("J-20"), 10, 20, 7)
    assert not seating.in_plan(seating.parse_seat("K-1"), 10, 20, 7)
    assert not seating.in_plan(seating.parse_seat("A-21"), 10, 20, 7)
    assert seating.in_plan(seating.parse_seat("CT-7"), 10, 20, 7)
    assert not seating.in_plan(seating.parse_seat("CT-8"), 10, 20, 7)


def test_protocol_order_fills_the_front_row_from_the_centre_outward():
    people = [f"p{n}" for n in range(1, 9)]
    assigned, left = seating.assign_by_protocol(people, rows=2, seats_per_row=5)
    # Row of five, seen from the hall: the centre (3), then toward the presidium's right — the hall's
    # left (2) — then 4, 1, 5.
    assert [assigned[i] for i in range(5)] == ["A-3", "A-2", "A-4", "A-1", "A-5"]
    assert [assigned[i] for i in range(5, 8)] == ["B-3", "B-2", "B-4"]
    assert left == []


def test_protocol_order_leaves_out_who_does_not_fit():
    assigned, left = seating.assign_by_protocol(list(range(7)), rows=1, seats_per_row=5)
    assert len(assigned) == 5 and left == [5, 6]


def test_delegations_sit_together_and_are_not_split_when_they_fit_in_a_row():
    people = [("a", 1), ("a", 2), ("a", 3), ("b", 4), ("b", 5), ("b", 6), ("c", 7)]
    assigned, left = seating.assign_by_delegation(people, rows=3, seats_per_row=4, delegation=lambda p: p[0])
    labels = {people[i][1]: label for i, label in assigned.items()}
    assert [labels[n] for n in (1, 2, 3)] == ["A-1", "A-2", "A-3"]
    # Delegation b (three) does not fit in the one seat left of row A: it starts row B.
    assert [labels[n] for n in (4, 5, 6)] == ["B-1", "B-2", "B-3"]
    assert labels[7] == "B-4"
    assert left == []


def test_a_delegation_longer_than_a_row_runs_on():
    people = [("a", n) for n in range(6)]
    assigned, left = seating.assign_by_delegation(people, rows=1, seats_per_row=4, delegation=lambda p: p[0])
    assert sorted(assigned.values()) == ["A-1", "A-2", "A-3", "A-4"]
    assert len(left) == 2


def test_duplicates():
    assert seating.duplicates(["A-1", "", "A-2", "A-1", ""]) == {"A-1"}
