"""What every piece of printed matter shares: the meeting's language, classification marks, QR codes,
the words for positions, categories and dates, and the participants and speeches that are printed.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date

import segno
from babel.dates import format_date
from flask_babel import pgettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from planner.core.permissions import CLASSIFICATION_MARKS, Classification
from planner.core.text import date_line, position_parts
from planner.delegates import protocol
from planner.delegates.models import Participant, ParticipantCategory, Rsvp
from planner.extensions import db
from planner.meetings.models import Meeting
from planner.speeches.models import Speech, SpeechStatus

# Speeches that belong in a printed programme: planned or given, not asked for or withdrawn.
PRINTED_SPEECHES = (SpeechStatus.approved, SpeechStatus.speaking, SpeechStatus.done)
# Who sits in the hall and wears a delegate's badge; staff and the press have their own places.
SEATED_CATEGORIES = (ParticipantCategory.leader, ParticipantCategory.guest, ParticipantCategory.delegate,
                     ParticipantCategory.observer)
# A room's uses listed in the practical information, at most.
ROOM_USES_SHOWN = 10
# Badge colours by category (print-safe, distinct in greyscale too).
CATEGORY_COLOURS = {
    ParticipantCategory.leader: "#b3121f",
    ParticipantCategory.guest: "#b7791f",
    ParticipantCategory.delegate: "#1d4f91",
    ParticipantCategory.press: "#2f7d32",
    ParticipantCategory.staff: "#555555",
    ParticipantCategory.observer: "#6a3d9a",
}


def language(meeting: Meeting) -> str:
    return "vi" if (meeting.language or "vi").startswith("vi") else "en"


def mark_of(*levels: Classification | str | None) -> str | None:
    """The mark a document carries: the highest classification of what it holds (MẬT and above)."""
    highest = max((Classification(level or Classification.none) for level in levels), key=lambda c: c.rank)
    return CLASSIFICATION_MARKS.get(highest)


def qr_svg(data: str) -> str:
    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="svg", scale=1, border=0, xmldecl=False, nl=False)
    return out.getvalue().decode("ascii")


def _position(participant: Participant) -> dict[str, str]:
    """A badge's or place card's position and unit lines, the unit never twice (core.text.position_parts)."""
    title, unit = position_parts(participant.title, participant.unit)
    return {"title": title, "unit": unit}


def category_word(category: ParticipantCategory | str) -> str:
    """The word printed on a badge's band, in capitals."""
    words = {
        ParticipantCategory.leader: pgettext("badge", "Leader"),
        ParticipantCategory.guest: pgettext("badge", "Guest"),
        ParticipantCategory.delegate: pgettext("badge", "Delegate"),
        ParticipantCategory.press: pgettext("badge", "Press"),
        ParticipantCategory.staff: pgettext("badge", "Organizing staff"),
        ParticipantCategory.observer: pgettext("badge", "Observer"),
    }
    return words[ParticipantCategory(category)].upper()


def day_title(day: date, lang: str) -> str:
    """``Thứ Năm, ngày 03 tháng 12 năm 2026`` / ``Thursday, 3 December 2026``."""
    weekday = format_date(day, "EEEE", locale=lang)
    weekday = weekday[:1].upper() + weekday[1:]
    if lang == "vi":
        text = date_line(None, day, "vi")
        return f"{weekday}, {text[:1].lower()}{text[1:]}"
    return f"{weekday}, {format_date(day, 'd MMMM y', locale=lang)}"


def dates_line(place: str, start: date, end: date, lang: str) -> str:
    """The cover's place and dates: ``Tam Kỳ, ngày 03 – 04 tháng 12 năm 2026``."""
    if start == end:
        return date_line(place or None, start, lang)
    if lang == "vi":
        def month(d: date) -> str:
            return f"{d.month:02d}" if d.month <= 2 else str(d.month)
        if (start.year, start.month) == (end.year, end.month):
            text = f"ngày {start.day:02d} – {end.day:02d} tháng {month(end)} năm {end.year}"
        elif start.year == end.year:
            text = f"ngày {start.day:02d} tháng {month(start)} – ngày {end.day:02d} tháng {month(end)} năm {end.year}"
        else:
            text = (f"ngày {start.day:02d} tháng {month(start)} năm {start.year} – "
                    f"ngày {end.day:02d} tháng {month(end)} năm {end.year}")
        return f"{place}, {text}" if place else text[:1].upper() + text[1:]
    from babel.dates import format_interval

    text = format_interval(start, end, "yMMMMd", locale=lang)
    return f"{place}, {text}" if place else text


# Reading ------------------------------------------------------------------------------------------

def seated_participants(meeting: Meeting) -> list[Participant]:
    """Everyone expected (not declined), in protocol order, with their people: one query."""
    query = (select(Participant).where(Participant.meeting_id == meeting.id, Participant.rsvp != Rsvp.declined)
             .order_by(*protocol.order_by(protocol.Order.protocol)))
    return list(db.session.scalars(query).unique())


def printed_speeches(meeting: Meeting, visible_ids: Iterable[int]) -> list[Speech]:
    """The planned and given speeches on the items the reader may see, with their speakers: one query."""
    ids = set(visible_ids)
    rows = db.session.scalars(
        select(Speech).where(Speech.meeting_id == meeting.id, Speech.status.in_(PRINTED_SPEECHES))
        .options(joinedload(Speech.participant).joinedload(Participant.person), selectinload(Speech.texts))
        .order_by(Speech.agenda_item_id, Speech.position, Speech.id)).unique()
    return [speech for speech in rows if speech.agenda_item_id in ids]
