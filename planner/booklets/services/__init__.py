"""The printed matter of a meeting: the booklet's settings and logo, the seating plan and the seats,
and the PDFs (booklet, badges, place cards, seating chart, attendance sheet) built through the cache.

The only code that changes booklet settings, seating plans and seats; each change writes one audit
entry. Building a PDF changes nothing (a download of classified content is written to the audit log)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from planner.accounts.models import User
from planner.booklets import builders, cache, seating
from planner.booklets.models import (
    Paper,
    SeatingPlan,
)
from planner.booklets.services.base import (
    ATTENDANCE,
    BADGES,
    BOOKLET,
    FOLDED,
    JPEG,
    LOGO_CHECK,
    LOGO_FOLDER,
    LOGO_FORMATS,
    MAX_LOGO_BYTES,
    MAX_TEXT,
    PLACE_CARDS,
    PNG,
    SEATING,
    SVG,
    THUMBNAILS,
    storage,
)
from planner.booklets.services.files import remove_files_of_deleted_meetings
from planner.booklets.services.seats import (
    DEFAULT_SEATS_PER_ROW,
    assign_seats,
    chart_participants,
    clear_seats,
    plan_of,
    presidium_members,
    save_plan,
    set_seat,
)
from planner.booklets.services.settings import (
    logo_image,
    logo_path,
    remove_logo,
    save_logo,
    save_settings,
    settings_of,
    sniff_image,
)
from planner.booklets.services.versions import note_download, version
from planner.core.errors import NotFound
from planner.delegates import services as delegate_services
from planner.delegates.models import Participant, ParticipantCategory
from planner.documents.render import render_pdf, render_png
from planner.extensions import db
from planner.meetings.models import Meeting

# Building: through the cache ------------------------------------------------------------------------

def _cached_path(meeting: Meeting, name: str, key: str, template: str,
                 make_data: Callable[[], dict[str, Any]]) -> Path:
    """The document from the cache when this version was built, else built; its download is audited
    when what it holds is classified (the mark it carries says so, remembered with the cached file)."""
    found = cache.lookup(storage(), meeting.public_id, key)
    if found is not None:
        note_download(meeting, name, classified=found.marked)
        return found.path
    data = make_data()
    marked = bool(data.get("mark"))
    path, _rendered = cache.store(storage(), meeting.public_id, key, template, data,
                                  lambda: render_pdf(template, data, tagged=False), marked=marked)
    note_download(meeting, name, classified=marked)
    return path


def _cached(meeting: Meeting, name: str, key: str, template: str, make_data: Callable[[], dict[str, Any]]) -> bytes:
    return _cached_path(meeting, name, key, template, make_data).read_bytes()


def _booklet_path(meeting: Meeting, user: User | None, name: str, links: Sequence[dict[str, str]],
                  key: str | None) -> Path:
    key = key or version(meeting, "booklet", user, links)

    def data() -> dict[str, Any]:
        settings = settings_of(meeting)
        return builders.booklet_data(builders.BookletInput(meeting, settings, user, logo=logo_image(settings),
                                                           links=links))
    return _cached_path(meeting, name, key, BOOKLET, data)


def booklet_path(meeting: Meeting, user: User | None, *, links: Sequence[dict[str, str]] = ()) -> Path:
    """The booklet's file for this reader, built now unless the cache holds it (the booklets' build job)."""
    return _booklet_path(meeting, user, "booklet-preview", links, None)


def booklet_cached(meeting: Meeting, user: User | None, *, links: Sequence[dict[str, str]] = ()) -> bool:
    """Whether this reader's booklet is built (nothing is built to know it)."""
    return cache.lookup(storage(), meeting.public_id, version(meeting, "booklet", user, links)) is not None


def booklet_in_background(meeting: Meeting) -> bool:
    """A booklet of more participants than BOOKLET_SYNC_LIMIT is built by a job, the page showing progress."""
    limit = int(current_app.config.get("BOOKLET_SYNC_LIMIT", 300))
    count = db.session.scalar(select(func.count()).select_from(Participant).where(Participant.meeting_id == meeting.id))
    return (count or 0) > limit


def booklet_pdf(meeting: Meeting, user: User | None, *, links: Sequence[dict[str, str]] = (),
                key: str | None = None) -> bytes:
    """The booklet for this reader (their clearance decides what it holds), from the cache when current."""
    return _booklet_path(meeting, user, "booklet.pdf", links, key).read_bytes()


_PAGE_COUNT = re.compile(rb"/Type\s*/Pages\s*/Count\s+(\d+)")


def page_count(pdf: bytes) -> int:
    """The number of pages of a PDF that typst wrote (its page tree states it)."""
    found = _PAGE_COUNT.search(pdf)
    return int(found.group(1)) if found else 0


def booklet_folded_pdf(meeting: Meeting, user: User | None, *, links: Sequence[dict[str, str]] = (),
                       key: str | None = None) -> bytes:
    """The A5 booklet imposed on A4 sheets for folding (see folded.typ), made once from the booklet PDF."""
    if settings_of(meeting).paper != Paper.a5:
        raise NotFound(_("The booklet is printed on A4 sheets as it is: download the booklet itself."))
    pdf = _booklet_path(meeting, user, "booklet-folded.pdf", links, key)
    folded = pdf.with_name(f"{pdf.stem}-folded.pdf")
    if not folded.is_file():
        body = pdf.read_bytes()
        cache._write(folded, render_pdf(FOLDED, {"pdf": list(body), "pages": page_count(body),
                                                 "title": _("Programme booklet")}, tagged=False))
    return folded.read_bytes()
_THUMBNAIL = re.compile(r"[0-9a-f]{64}-p\d+\.png")


def booklet_thumbnails(meeting: Meeting, user: User | None, *, links: Sequence[dict[str, str]] = (),
                       pages: int = 8) -> list[str]:
    """File names of small images of the booklet's first pages, drawn from the booklet PDF itself (built
    or taken from the cache) once per content."""
    pdf = _booklet_path(meeting, user, "booklet-preview", links, None)
    body = pdf.read_bytes()
    shown = min(pages, page_count(body) or 1)
    names = [f"{pdf.stem}-p{n}.png" for n in range(1, shown + 1)]
    if all((pdf.parent / name).is_file() for name in names):
        return names
    images = render_png(THUMBNAILS, {"pdf": list(body), "pages": shown}, ppi=40)
    for name, image in zip(names, images, strict=False):
        cache._write(pdf.parent / name, image)
    return names[:len(images)]


def thumbnail_path(meeting: Meeting, user: User | None, name: str, *, links: Sequence[dict[str, str]] = ()) -> Path:
    """A page image of the booklet this reader gets now (never another reader's, whatever its name)."""
    found = cache.lookup(storage(), meeting.public_id, version(meeting, "booklet", user, links))
    if found is None or not _THUMBNAIL.fullmatch(name or "") or not name.startswith(f"{found.path.stem}-p"):
        raise NotFound(_("Not found."))
    path = found.path.parent / name
    if not path.is_file():
        raise NotFound(_("Not found."))
    return path


def badge_participants(meeting: Meeting, categories: Sequence[str] = (), ids: Sequence[str] = ()) -> list[Participant]:
    """Everyone not declined, in protocol order; or those of some categories; or those chosen by id."""
    people = builders.seated_participants(meeting)
    if ids:
        wanted = set(ids)
        people = [p for p in people if p.public_id in wanted]
    if categories:
        chosen = {ParticipantCategory(c) for c in categories if c in ParticipantCategory.__members__}
        people = [p for p in people if p.category in chosen]
    return people


def badges_pdf(meeting: Meeting, user: User | None, *, categories: Sequence[str] = (),
               ids: Sequence[str] = ()) -> bytes:
    categories = sorted({c for c in categories if c in ParticipantCategory.__members__})
    ids = sorted(set(ids))
    key = version(meeting, "badges", user, categories, ids)
    people = badge_participants(meeting, categories, ids)
    if not people:
        raise NotFound(_("Nobody to print a badge for: add participants, or choose other categories."))
    return _cached(meeting, "badges.pdf", key, BADGES, lambda: builders.badges_data(meeting, people))


def place_card_participants(meeting: Meeting) -> list[Participant]:
    """The presidium and the guests (leaders and guests), in protocol order."""
    plan = plan_of(meeting)
    people = builders.seated_participants(meeting)
    presidium = presidium_members(meeting, plan, [p for p in people if p.category in builders.SEATED_CATEGORIES])
    ids = {p.id for p in presidium}
    in_chart = {p.id for p in people if p.seat.startswith(seating.PRESIDIUM_PREFIX + "-")}
    return [p for p in people if p.id in ids or p.id in in_chart
            or p.category in (ParticipantCategory.leader, ParticipantCategory.guest)]


def place_cards_pdf(meeting: Meeting, user: User | None) -> bytes:
    key = version(meeting, "place-cards", user)
    people = place_card_participants(meeting)
    if not people:
        raise NotFound(_("Nobody to print a place card for: the presidium and the guests are not on the list yet."))
    return _cached(meeting, "place-cards.pdf", key, PLACE_CARDS, lambda: builders.place_cards_data(meeting, people))


def seating_pdf(meeting: Meeting, user: User | None) -> bytes:
    key = version(meeting, "seating", user)
    return _cached(meeting, "seating-chart.pdf", key, SEATING,
                   lambda: builders.seating_data(meeting, plan_of(meeting), chart_participants(meeting)))


def attendance_days(meeting: Meeting, day: date | None = None) -> list[date]:
    days = delegate_services.meeting_days(meeting)
    if day is not None:
        if day not in days:
            raise NotFound(_("This day is not a day of the meeting."))
        return [day]
    return days


def attendance_pdf(meeting: Meeting, user: User | None, *, day: date | None = None) -> bytes:
    """The attendance sheet: one sheet per day (or the one day asked for), the same people as the
    delegates' print view."""
    days = attendance_days(meeting, day)
    key = version(meeting, "attendance", user, [d.isoformat() for d in days])
    return _cached(meeting, "attendance-sheet.pdf", key, ATTENDANCE,
                   lambda: builders.attendance_data(meeting, days, delegate_services.sheet_participants(meeting)))


def seat_holders(participants: Sequence[Participant]) -> dict[str, Participant]:
    return {p.seat: p for p in participants if p.seat}


def seating_problems(participants: Sequence[Participant], plan: SeatingPlan) -> dict[str, Any]:
    """Seats held twice, and seats outside the plan (after the plan shrank), for the editor's warnings."""
    doubled = seating.duplicates(p.seat for p in participants)
    outside = []
    for p in participants:
        seat = seating.parse_seat(p.seat) if p.seat else None
        if p.seat and (seat is None or not seating.in_plan(seat, plan.rows, plan.seats_per_row, plan.presidium_size)):
            outside.append(p)
    return {"doubled": sorted(doubled), "outside": outside}


__all__ = [
    "ATTENDANCE",
    "BADGES",
    "BOOKLET",
    "DEFAULT_SEATS_PER_ROW",
    "FOLDED",
    "JPEG",
    "LOGO_CHECK",
    "LOGO_FOLDER",
    "LOGO_FORMATS",
    "MAX_LOGO_BYTES",
    "MAX_TEXT",
    "PLACE_CARDS",
    "PNG",
    "SEATING",
    "SVG",
    "THUMBNAILS",
    "assign_seats",
    "attendance_days",
    "attendance_pdf",
    "badge_participants",
    "badges_pdf",
    "booklet_cached",
    "booklet_folded_pdf",
    "booklet_in_background",
    "booklet_path",
    "booklet_pdf",
    "booklet_thumbnails",
    "chart_participants",
    "clear_seats",
    "logo_image",
    "logo_path",
    "note_download",
    "page_count",
    "place_card_participants",
    "place_cards_pdf",
    "plan_of",
    "presidium_members",
    "remove_files_of_deleted_meetings",
    "remove_logo",
    "save_logo",
    "save_plan",
    "save_settings",
    "seat_holders",
    "seating_pdf",
    "seating_problems",
    "set_seat",
    "settings_of",
    "sniff_image",
    "storage",
    "thumbnail_path",
    "version",
]
