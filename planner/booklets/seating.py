"""Seating as pure functions: the presidium row by the protocol rule, and the hall's seats.

The presidium (đoàn chủ tịch) rule of DOMAIN.md: number 1 sits in the centre, number 2 on number 1's
right, number 3 on the left, and so on alternating outward. "Right" and "left" are the presidium's
own, as its members sit facing the hall. With an even number of seats there is no middle seat:
number 1 takes the centre seat on the presidium's left and number 2 the one beside it on the right,
so that the row stays balanced (1 and 2 share the middle).

Charts are drawn as seen from the hall (the presidium at the top, facing the reader): the
presidium's right is then on the left of the drawing. For seven seats the drawing reads, from its
left edge: 6 4 2 1 3 5 7.

Hall seats are labelled ``<row>-<seat>``: rows A, B, … from the front (Z is followed by AA), seats
numbered 1, 2, … from the left as seen from the hall. Presidium seats are ``CT-<number>``, the
number being the protocol number, not a position: the position follows from the rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

PRESIDIUM_PREFIX = "CT"
MAX_ROWS = 100
MAX_SEATS_PER_ROW = 100
MAX_PRESIDIUM = 40

_HALL = re.compile(r"^([A-Z]{1,2})-?(\d{1,3})$")
_PRESIDIUM = re.compile(r"^CT-?(\d{1,3})$")


# The presidium ------------------------------------------------------------------------------------

def presidium_positions(size: int) -> list[int]:
    """For each protocol number 1..size (index 0 is number 1), its seat counted from the presidium's
    own left (0 = the presidium's leftmost seat).

    >>> presidium_positions(7)
    [3, 4, 2, 5, 1, 6, 0]
    """
    if size <= 0:
        return []
    centre = (size - 1) // 2          # odd: the middle seat; even: the left one of the middle pair
    positions = [centre]
    for number in range(2, size + 1):
        step = number // 2
        # Even numbers go to the presidium's right (+), odd ones to its left (−).
        positions.append(centre + step if number % 2 == 0 else centre - step)
    return positions


def presidium_row(size: int) -> list[int]:
    """The protocol numbers as a chart shows them from its left edge, seen from the hall.

    >>> presidium_row(7)
    [6, 4, 2, 1, 3, 5, 7]
    """
    by_position = [0] * size
    for index, position in enumerate(presidium_positions(size)):
        by_position[position] = index + 1
    return list(reversed(by_position))   # the presidium's left is the hall's right


def presidium_label(number: int) -> str:
    return f"{PRESIDIUM_PREFIX}-{number}"


# The hall -----------------------------------------------------------------------------------------

def row_label(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA, 27 → AB …"""
    if index < 0:
        raise ValueError("row index must not be negative")
    label = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = chr(ord("A") + rest) + label
    return label


def row_index(label: str) -> int:
    index = 0
    for char in label:
        index = index * 26 + (ord(char) - ord("A") + 1)
    return index - 1


def seat_label(row: int, seat: int) -> str:
    """Row 0, seat 0 → ``A-1``."""
    return f"{row_label(row)}-{seat + 1}"


@dataclass(frozen=True)
class Seat:
    presidium: bool
    row: int       # 0 for the presidium
    number: int    # hall: 1-based seat number from the left seen from the hall; presidium: protocol number

    @property
    def label(self) -> str:
        return presidium_label(self.number) if self.presidium else f"{row_label(self.row)}-{self.number}"


def parse_seat(text: str | None) -> Seat | None:
    """``a12``, ``A-12``, ``ct 3`` → a Seat in canonical form; None for an empty or malformed label."""
    clean = re.sub(r"\s+", "", (text or "")).upper()
    if not clean:
        return None
    found = _PRESIDIUM.match(clean)
    if found:
        number = int(found.group(1))
        return Seat(True, 0, number) if number >= 1 else None
    found = _HALL.match(clean)
    if found:
        number = int(found.group(2))
        return Seat(False, row_index(found.group(1)), number) if number >= 1 else None
    return None


def centre_out(seats: int) -> list[int]:
    """The seats of a row (0-based from the left seen from the hall) in the order they are filled:
    the centre first, then alternately toward the presidium's right (the hall's left) and its left,
    the same rule as the presidium."""
    if seats <= 0:
        return []
    positions = presidium_positions(seats)          # from the presidium's left
    return [seats - 1 - p for p in positions]       # as seen from the hall


def assign_by_protocol(people: Sequence[T], rows: int, seats_per_row: int) -> tuple[dict[int, str], list[T]]:
    """People already in protocol order → {index in people: seat label}, and those left without a seat.

    The front row is filled first, each row from its centre outward."""
    order = centre_out(seats_per_row)
    seats = [seat_label(r, s) for r in range(rows) for s in order]
    assigned = {i: seats[i] for i in range(min(len(people), len(seats)))}
    return assigned, list(people[len(seats):])


def assign_by_delegation(people: Sequence[T], rows: int, seats_per_row: int,
                         delegation: Callable[[T], Hashable]) -> tuple[dict[int, str], list[T]]:
    """People in protocol order → their seats, each delegation sitting together.

    Delegations come in the order of their highest-ranking member (the first in ``people``), and
    their members in protocol order. Seats are taken row by row from the front, left to right as
    seen from the hall; a delegation that would fit in one row but not in what is left of the
    current row starts on the next row, so that it is not split."""
    groups: dict[Hashable, list[int]] = {}
    for index, person in enumerate(people):
        groups.setdefault(delegation(person), []).append(index)
    assigned: dict[int, str] = {}
    left: list[T] = []
    row, seat = 0, 0
    for members in groups.values():
        if seat and len(members) <= seats_per_row and seat + len(members) > seats_per_row:
            row, seat = row + 1, 0
        for index in members:
            if seat >= seats_per_row:
                row, seat = row + 1, 0
            if row >= rows:
                left.append(people[index])
                continue
            assigned[index] = seat_label(row, seat)
            seat += 1
    return assigned, left


def hall_labels(rows: int, seats_per_row: int) -> list[list[str]]:
    """Every seat label of the hall, front row first, each row from the left seen from the hall."""
    return [[seat_label(r, s) for s in range(seats_per_row)] for r in range(rows)]


def in_plan(seat: Seat, rows: int, seats_per_row: int, presidium_size: int) -> bool:
    if seat.presidium:
        return 1 <= seat.number <= presidium_size
    return 0 <= seat.row < rows and 1 <= seat.number <= seats_per_row


def duplicates(labels: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    doubled: set[str] = set()
    for label in labels:
        if label:
            (doubled if label in seen else seen).add(label)
    return doubled
