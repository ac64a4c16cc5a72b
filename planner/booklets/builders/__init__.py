"""Plain data for the printed matter of a meeting, read from the domains' services and filtered by the
reader's clearance; the typst templates in documents/typst/booklets/ draw it.

The data is in the meeting's language (its labels are translated with the meeting's locale, not the
reader's interface language): a booklet of a Vietnamese conference is printed in Vietnamese.
Nothing here writes; every list is read in a fixed number of queries whatever the meeting's size.
"""

from __future__ import annotations

from planner.booklets.builders.base import (
    CATEGORY_COLOURS,
    PRINTED_SPEECHES,
    ROOM_USES_SHOWN,
    SEATED_CATEGORIES,
    category_word,
    dates_line,
    day_title,
    language,
    mark_of,
    printed_speeches,
    qr_svg,
    seated_participants,
)
from planner.booklets.builders.booklet import BookletInput, booklet_data, delegation_groups, delegation_key
from planner.booklets.builders.prints import attendance_data, badges_data, place_cards_data, seating_data

__all__ = [
    "CATEGORY_COLOURS",
    "PRINTED_SPEECHES",
    "ROOM_USES_SHOWN",
    "SEATED_CATEGORIES",
    "BookletInput",
    "attendance_data",
    "badges_data",
    "booklet_data",
    "category_word",
    "dates_line",
    "day_title",
    "delegation_groups",
    "delegation_key",
    "language",
    "mark_of",
    "place_cards_data",
    "printed_speeches",
    "qr_svg",
    "seated_participants",
    "seating_data",
]
