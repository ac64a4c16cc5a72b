"""Plain data for the printed matter of a meeting, read from the domains' services and filtered by the
reader's clearance; the typst templates in documents/typst/booklets/ draw it.

The data is in the meeting's language (its labels are translated with the meeting's locale, not the
reader's interface language): a booklet of a Vietnamese conference is printed in Vietnamese.
Nothing here writes; every list is read in a fixed number of queries whatever the meeting's size.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import segno
from babel.dates import format_date
from flask_babel import force_locale, ngettext, pgettext
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from planner.accounts.models import User
from planner.agenda import programme as programme_rules
from planner.agenda import services as agenda_services
from planner.agenda.models import AgendaItem
from planner.booklets import seating
from planner.booklets.models import BookletSettings, ProgrammeSource, SeatingPlan, Section
from planner.core.permissions import CLASSIFICATION_MARKS, Classification
from planner.core.text import date_line, position_line, position_parts
from planner.delegates import protocol
from planner.delegates.models import Participant, ParticipantCategory, Rsvp
from planner.extensions import db
from planner.meetings.models import Meeting
from planner.speeches import services as speech_services
from planner.speeches.models import Speech, SpeechKind, SpeechStatus

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


# The booklet --------------------------------------------------------------------------------------

@dataclass
class BookletInput:
    """What the booklet is made of, read once; ``data()`` turns it into the template's plain data."""

    meeting: Meeting
    settings: BookletSettings
    user: User | None
    logo: dict[str, Any] | None = None
    links: Sequence[dict[str, str]] = ()


def booklet_data(source: BookletInput) -> dict[str, Any]:
    meeting, settings, user = source.meeting, source.settings, source.user
    lang = language(meeting)
    with force_locale(lang):
        return _booklet_data(meeting, settings, user, lang, source)


def _paragraphs(text: str) -> list[dict[str, Any]]:
    """Plain text → paragraphs (blank lines between them) and lists (lines starting with - or •)."""
    blocks: list[dict[str, Any]] = []
    for chunk in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        if all(line[:1] in "-•*" for line in lines):
            blocks.append({"kind": "list", "items": [line[1:].strip() for line in lines]})
        else:
            blocks.append({"kind": "paragraph", "text": " ".join(lines)})
    return blocks


def _booklet_data(meeting: Meeting, settings: BookletSettings, user: User | None, lang: str,
                  source: BookletInput) -> dict[str, Any]:
    org = meeting.organization
    levels = agenda_services.reader_levels(meeting.organization_id, user)
    zone = agenda_services.zone(meeting)
    items = agenda_services.list_items(meeting, user)
    by_public = {item.public_id: item for item in items}
    release = None
    if settings.programme_source == ProgrammeSource.release:
        release = agenda_services.latest_release(meeting)
    snapshot = release.snapshot if release is not None else agenda_services.snapshot(items)
    days = programme_rules.build(snapshot, zone, levels=levels, days=agenda_services.programme_days(meeting))
    shown = programme_rules.visible(snapshot, levels)
    classifications = [meeting.classification, *(e.get("classification", "none") for e in shown.values())]

    speeches = printed_speeches(meeting, (item.id for item in items)) \
        if settings.chosen(Section.speakers) or settings.chosen(Section.programme) \
        or settings.chosen(Section.contributions) else []
    speakers_by_item: dict[int, list[Speech]] = {}
    for speech in speeches:
        speakers_by_item.setdefault(speech.agenda_item_id, []).append(speech)

    sections: list[dict[str, Any]] = []
    if settings.chosen(Section.foreword) and settings.foreword.strip():
        sections.append({"kind": "foreword", "title": _("Foreword"), "paragraphs": _paragraphs(settings.foreword),
                         "signature": settings.foreword_signature.strip()})
    if settings.chosen(Section.contents):
        sections.append({"kind": "contents", "title": _("Contents")})
    if settings.chosen(Section.programme):
        sections.append(_programme_section(days, by_public, speakers_by_item, release, lang))
    if settings.chosen(Section.speakers):
        sections.append(_speakers_section(items, speakers_by_item, zone, lang))
    if settings.chosen(Section.contributions):
        sections.append(_contributions_section(items, speakers_by_item))
    if settings.chosen(Section.delegates):
        sections.append(_delegates_section(meeting))
    if settings.chosen(Section.practical):
        sections.append(_practical_section(meeting, items, settings, source.links, zone, lang))

    is_internal = any(Classification(c) == Classification.internal for c in classifications)
    return {
        "document_title": f"{_('Programme')} – {meeting.title}",
        "language": lang,
        "paper": settings.paper.value,
        "mark": mark_of(*classifications),
        "circulation": _("For internal circulation") if is_internal and not mark_of(*classifications) else None,
        "labels": {"presiding": _("Presiding"), "room": pgettext("booklet", "Place"), "cancelled": _("(cancelled)"),
                   "notes": _("Notes")},
        "cover": {
            "superior": org.parent_name or "",
            "organization": org.name,
            "kicker": _("PROGRAMME"),
            "title": meeting.title,
            "venue": ", ".join(p for p in (meeting.venue, meeting.city) if p),
            "dates": dates_line(meeting.city or org.city, meeting.starts_on, meeting.ends_on, lang),
            "logo": source.logo,
        },
        "sections": sections,
    }


def _programme_section(days: list[programme_rules.ProgrammeDay], by_public: dict[str, AgendaItem],
                       speakers_by_item: dict[int, list[Speech]], release: Any, lang: str) -> dict[str, Any]:
    parts = {"morning": _("Morning"), "afternoon": _("Afternoon"), "evening": _("Evening")}
    out_days = []
    for day in days:
        if not day.rows:
            continue
        rows: list[dict[str, Any]] = []
        session_room: str | None = None
        for part in day.parts:
            rows.append({"type": "part", "text": parts[part.name]})
            for row in part.rows:
                span = programme_rules.span(row.starts_at, row.ends_at, lang)
                if row.is_session:
                    session_room = row.room
                    rows.append({"type": "session", "title": row.title, "time": span,
                                 "presiding": ", ".join(row.presiding), "room": row.room or ""})
                    continue
                # An item of a session is held in the session's room unless it says otherwise.
                room = row.room if not row.in_session or row.room != session_room else None
                performer = row.performer
                if not performer:
                    item = by_public.get(row.id)
                    speeches = speakers_by_item.get(item.id, []) if item is not None else []
                    performer = ", ".join(dict.fromkeys(speech_services.speaker_name(s.participant)
                                                        for s in speeches))
                rows.append({"type": "item", "no": str(row.number) if row.number else "", "time": span,
                             "title": row.title, "room": room or "",
                             "performer": performer, "cancelled": row.cancelled})
        out_days.append({"title": day_title(day.day, lang), "rows": rows})
    note = _("Version %(n)d of the programme", n=release.number) if release is not None else \
        _("Working draft of the programme")
    return {"kind": "programme", "title": _("Programme"), "note": note,
            "columns": [_("No."), _("Time"), _("Content"), _("Performed by")], "days": out_days}


def _speakers_section(items: Sequence[AgendaItem], speakers_by_item: dict[int, list[Speech]], zone: Any,
                      lang: str) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    number = 0
    current_day: date | None = None
    for item in items:
        speeches = speakers_by_item.get(item.id)
        if not speeches:
            continue
        start = item.starts_at.astimezone(zone)
        if start.date() != current_day:
            current_day = start.date()
            rows.append({"type": "group", "text": day_title(current_day, lang)})
        for speech in speeches:
            number += 1
            p = speech.participant
            rows.append({"type": "speaker", "no": str(number), "name": speech_services.speaker_name(p),
                         "office": position_line(p.title, p.unit), "subject": speech.title or item.title,
                         "time": programme_rules.clock(start, lang)})
    return {"kind": "speakers", "title": pgettext("booklet", "Speakers"),
            "columns": [_("No."), _("Speaker"), _("Subject")], "rows": rows, "empty": _("No speakers are planned yet.")}


def _contributions_section(items: Sequence[AgendaItem], speakers_by_item: dict[int, list[Speech]]) -> dict[str, Any]:
    """The written contributions (tham luận) accepted, item by item: who sent which, with their office. Drawn
    as the speakers' table is."""
    rows: list[dict[str, Any]] = []
    number = 0
    for item in items:
        sent = [s for s in speakers_by_item.get(item.id, ())
                if s.kind is SpeechKind.contributed_speech and s.latest_text is not None]
        if not sent:
            continue
        rows.append({"type": "group", "text": item.title})
        for speech in sent:
            number += 1
            p = speech.participant
            rows.append({"type": "speaker", "no": str(number), "name": speech_services.speaker_name(p),
                         "office": position_line(p.title, p.unit), "subject": speech.title or item.title, "time": ""})
    return {"kind": "speakers", "title": _("Written contributions"),
            "columns": [_("No."), _("Author"), _("Subject")], "rows": rows,
            "empty": _("No written contribution has been accepted yet.")}


def delegation_groups(participants: Sequence[Participant]) -> list[tuple[str, list[Participant]]]:
    """Participants grouped by delegation; those without one by category. Groups come in the protocol order
    of their heads (delegates.protocol.delegation_order), members in protocol order."""
    labels = {
        ParticipantCategory.leader: _("Leaders"),
        ParticipantCategory.guest: _("Guests"),
        ParticipantCategory.delegate: _("Delegates"),
        ParticipantCategory.observer: _("Observers"),
        ParticipantCategory.press: _("Press"),
        ParticipantCategory.staff: _("Organizing staff"),
    }
    groups = protocol.delegation_order(participants, delegation_key)
    return [(members[0].delegation.strip() or str(labels[ParticipantCategory(members[0].category)]), members)
            for members in groups]


def delegation_key(participant: Participant) -> tuple[str, str]:
    """The delegation a participant sits and is listed with; those without one, by category."""
    name = participant.delegation.strip()
    return ("d", name) if name else ("c", participant.category.value)


def _delegates_section(meeting: Meeting) -> dict[str, Any]:
    participants = [p for p in seated_participants(meeting)
                    if p.category in SEATED_CATEGORIES or p.category == ParticipantCategory.press]
    with_seats = any(p.seat for p in participants)
    groups = []
    number = 0
    for title, members in delegation_groups(participants):
        rows = []
        for p in members:
            number += 1
            rows.append({"no": str(number), "name": p.full_name, "office": position_line(p.title, p.unit),
                         "seat": p.seat})
        groups.append({"title": title, "rows": rows})
    columns = [_("No."), _("Full name"), _("Position, unit")] + ([_("Seat")] if with_seats else [])
    return {"kind": "delegates", "title": pgettext("booklet", "Delegates"),
            "note": ngettext("%(num)d delegate, in protocol order", "%(num)d delegates, in protocol order", number),
            "columns": columns, "with_seats": with_seats, "groups": groups}


def _practical_section(meeting: Meeting, items: Sequence[AgendaItem], settings: BookletSettings,
                       links: Sequence[dict[str, str]], zone: Any, lang: str) -> dict[str, Any]:
    uses: dict[int, list[str]] = {}
    rooms_of = {item.id: item.room_id for item in items}
    for item in items:
        # An item held where its session is held is covered by the session's line.
        if item.room_id is None or (item.parent_id is not None and rooms_of.get(item.parent_id) == item.room_id):
            continue
        start = item.starts_at.astimezone(zone)
        when = f"{format_date(start.date(), 'dd/MM', locale=lang)} {programme_rules.clock(start, lang)}"
        entry = f"{when}: {item.title}"
        if entry not in uses.setdefault(item.room_id, []):
            uses[item.room_id].append(entry)
    rooms = [{"name": room.name + (f" ({ngettext('%(num)d seat', '%(num)d seats', room.capacity)})"
                                   if room.capacity else ""),
              "uses": _uses_text(uses.get(room.id, []))}
             for room in meeting.rooms]
    return {
        "kind": "practical", "title": _("Practical information"),
        "rooms_title": _("Rooms"), "room_columns": [_("Room"), _("Used for")], "rooms": rooms,
        "info_title": _("Good to know"), "paragraphs": _paragraphs(settings.practical_info),
        "links_title": _("Scan with your phone"),
        "links": [{"caption": link["caption"], "url": link["url"], "svg": qr_svg(link.get("qr") or link["url"])}
                  for link in links],
    }


def _uses_text(entries: list[str]) -> str:
    if len(entries) <= ROOM_USES_SHOWN:
        return "; ".join(entries)
    more = len(entries) - ROOM_USES_SHOWN
    return "; ".join(entries[:ROOM_USES_SHOWN]) + "; " + _("and %(n)d more", n=more)


# Badges, place cards, seating chart, attendance sheet ---------------------------------------------------

def _printed_title(meeting: Meeting) -> str:
    """The meeting's title as worn or set on a table: none for a classified meeting, whose badges and place
    cards are seen outside the hall (nor in the file's metadata)."""
    return "" if Classification(meeting.classification).is_classified else meeting.title


def _file_title(label: str, meeting: Meeting) -> str:
    title = _printed_title(meeting)
    return f"{label} – {title}" if title else label


def badges_data(meeting: Meeting, participants: Sequence[Participant]) -> dict[str, Any]:
    lang = language(meeting)
    with force_locale(lang):
        return {
            "document_title": _file_title(_("Badges"), meeting),
            "language": lang,
            "mark": mark_of(meeting.classification),
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
            "document_title": _file_title(_("Place cards"), meeting),
            "language": lang,
            "mark": mark_of(meeting.classification),
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
            "document_title": f"{_('Seating chart')} – {meeting.title}",
            "language": lang,
            "mark": mark_of(meeting.classification),
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
            "document_title": f"{_('Attendance sheet')} – {meeting.title}",
            "language": lang,
            "mark": mark_of(meeting.classification),
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
