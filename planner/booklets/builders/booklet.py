"""The booklet: its sections (programme, speakers, contributions, delegates, practical information) as
plain data for the typst template.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date
from flask_babel import force_locale, ngettext, pgettext
from flask_babel import gettext as _

from planner.accounts.models import User
from planner.agenda import programme as programme_rules
from planner.agenda import services as agenda_services
from planner.agenda.models import AgendaItem
from planner.booklets.builders.base import (
    ROOM_USES_SHOWN,
    SEATED_CATEGORIES,
    dates_line,
    day_title,
    language,
    mark_of,
    printed_speeches,
    qr_svg,
    seated_participants,
)
from planner.booklets.models import BookletSettings, ProgrammeSource, Section
from planner.core.permissions import Classification
from planner.core.text import position_line
from planner.delegates import protocol
from planner.delegates.models import Participant, ParticipantCategory
from planner.meetings.models import Meeting
from planner.speeches import services as speech_services
from planner.speeches.models import Speech, SpeechKind

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
                         "office": position_line(p.title, p.unit), "subject": speech.title or item.title,
                         "time": ""})
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
