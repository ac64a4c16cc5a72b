"""Badges, place cards, the seating chart and the attendance sheet as plain data.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from flask_babel import force_locale, pgettext
from flask_babel import gettext as _

from planner.booklets import seating
from planner.booklets.builders.base import (
    CATEGORY_COLOURS,
    SEATED_CATEGORIES,
    _position,
    category_word,
    day_title,
    language,
    mark_of,
    qr_svg,
)
from planner.booklets.models import SeatingPlan
from planner.core.permissions import Classification
from planner.core.text import date_line, position_line
from planner.delegates.models import Participant, ParticipantCategory, Rsvp
from planner.meetings.models import Meeting

# Badges, place cards, seating chart, attendance sheet ---------------------------------------------------

def _printed_title(meeting: Meeting) -> str:
    """The meeting's title as worn or set on a table: none for a classified meeting, whose badges and place
    cards are seen outside the hall (nor in the file's metadata)."""
    return "" if Classification(meeting.classification).is_classified else meeting.title


def _file_title(label: str, meeting: Meeting) -> str:
    title = _printed_title(meeting)
    return f"{label} – {title}" if title else label


def _sheet(meeting: Meeting, document_title: str, lang: str) -> dict[str, Any]:
    """What every printed sheet states: its file's title, its language and the meeting's classification mark."""
    return {"document_title": document_title, "language": lang, "mark": mark_of(meeting.classification)}


def badges_data(meeting: Meeting, participants: Sequence[Participant]) -> dict[str, Any]:
    lang = language(meeting)
    with force_locale(lang):
        return {
            **_sheet(meeting, _file_title(_("Badges"), meeting), lang),
            "meeting": _printed_title(meeting),
            "organization": meeting.organization.name,
            "labels": {"seat": _("Seat"), "cut": _("Cut along the marks")},
            "badges": [{
                "name": p.full_name,
                **_position(p),
                "delegation": p.delegation,
                "category": category_word(p.category),
                "colour": CATEGORY_COLOURS[ParticipantCategory(p.category)],
                "code": p.badge_code,
                "code_text": f"{p.badge_code[:4]} {p.badge_code[4:]}".strip(),
                "qr": qr_svg(p.badge_code),
                "seat": p.seat,
            } for p in participants],
        }


def place_cards_data(meeting: Meeting, participants: Sequence[Participant]) -> dict[str, Any]:
    lang = language(meeting)
    with force_locale(lang):
        return {
            **_sheet(meeting, _file_title(_("Place cards"), meeting), lang),
            "cards": [{"honorific": _card_honorific(p, lang), "name": p.full_name, **_position(p)}
                      for p in participants],
        }


def _card_honorific(participant: Participant, lang: str) -> str:
    own = (participant.honorific or "").strip()
    if lang == "vi":
        return (own or "đồng chí")[:1].upper() + (own or "đồng chí")[1:]
    return own


def seating_data(meeting: Meeting, plan: SeatingPlan, participants: Sequence[Participant]) -> dict[str, Any]:
    """The chart: the presidium by the protocol rule, then the hall, as seen from the hall."""
    lang = language(meeting)
    by_seat = {p.seat: p for p in participants if p.seat}
    with force_locale(lang):
        presidium = [{"label": seating.presidium_label(n), "number": n,
                      "name": by_seat[seating.presidium_label(n)].full_name
                      if seating.presidium_label(n) in by_seat else ""}
                     for n in seating.presidium_row(plan.presidium_size)]
        rows = [{"label": seating.row_label(r),
                 "seats": [{"label": label, "number": s + 1, "name": _short_name(by_seat.get(label))}
                           for s, label in enumerate(labels)]}
                for r, labels in enumerate(seating.hall_labels(plan.rows, plan.seats_per_row))]
        # Out of those who are to sit (not staff, the press or who declined, unless given a seat anyway):
        # the printed chart must not read as if the press had been forgotten.
        expected = [p for p in participants
                    if p.seat or (p.category in SEATED_CATEGORIES and p.rsvp != Rsvp.declined)]
        seated = sum(1 for p in expected if p.seat)
        return {
            **_sheet(meeting, f"{_('Seating chart')} – {meeting.title}", lang),
            "title": _("SEATING CHART"),
            "meeting": meeting.title,
            "convention": _("Seen from the hall. Presidium: number 1 in the centre, number 2 on the right of "
                            "number 1, number 3 on the left, alternating outward; right and left are the "
                            "presidium's own, facing the hall, so its right is on the left of this chart. "
                            "Hall: row A is the front row; seats are numbered from the left as seen from the hall."),
            "labels": {"presidium": _("Presidium"), "hall": pgettext("seating", "Hall"),
                       "row": pgettext("seating", "Row"),
                       "summary": _("%(seated)d of %(total)d participants have a seat.", seated=seated,
                                    total=len(expected))},
            "presidium": presidium,
            "rows": rows,
            "seats_per_row": plan.seats_per_row,
        }


def _short_name(participant: Participant | None) -> str:
    """The chart's cell: the given name with the initials before it (``N.V. An``)."""
    if participant is None:
        return ""
    person = participant.person
    initials = "".join(f"{part[:1]}." for part in (person.family_name, *person.middle_name.split()) if part)
    return f"{initials} {person.given_name}".strip()


def attendance_data(meeting: Meeting, days: Sequence[date], participants: Sequence[Participant]) -> dict[str, Any]:
    """The attendance sheet of each day: the same people as the HTML print view (delegates.services
    sheet_participants), with a signature column."""
    lang = language(meeting)
    org = meeting.organization
    with force_locale(lang):
        rows = [{"no": str(n), "name": p.full_name, "office": position_line(p.title, p.unit)}
                for n, p in enumerate(participants, start=1)]
        return {
            **_sheet(meeting, f"{_('Attendance sheet')} – {meeting.title}", lang),
            "superior": org.parent_name or "",
            "organization": org.name,
            "title": _("ATTENDANCE SHEET"),
            "meeting": meeting.title,
            "columns": [_("No."), _("Full name"), _("Position, unit"), _("Signature")],
            "empty": _("No delegates yet."),
            "days": [{"line": date_line(meeting.city or org.city or None, day, lang), "day": day_title(day, lang)}
                     for day in days],
            "rows": rows,
        }
