"""The printed matter of a meeting: the booklet's settings and logo, the seating plan and the seats,
and the PDFs (booklet, badges, place cards, seating chart, attendance sheet) built through the cache.

The only code that changes booklet settings, seating plans and seats; each change writes one audit
entry. Building a PDF changes nothing (a download of classified content is written to the audit log).
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
import xml.etree.ElementTree as ET  # only SVGs that _svg_ok found free of DTDs and entities  # nosec B405
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, object_session

from planner.accounts.models import Organization, User
from planner.agenda.models import AgendaRelease
from planner.booklets import builders, cache, seating
from planner.booklets.models import (
    BookletSettings,
    Paper,
    ProgrammeSource,
    SeatingMode,
    SeatingPlan,
    Section,
)
from planner.core import audit, exports
from planner.core.db import atomic, check_version
from planner.core.errors import NotFound, ValidationError
from planner.core.permissions import clearance_of, visible_levels
from planner.core.text import clean_text
from planner.delegates import protocol
from planner.delegates import services as delegate_services
from planner.delegates.models import Participant, ParticipantCategory, Person, Rsvp
from planner.documents.render import RenderError, render_pdf, render_png
from planner.extensions import db
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting, Room, meeting_presiding
from planner.speeches import services as speech_services

BOOKLET = "booklets/booklet.typ"
BADGES = "booklets/badges.typ"
PLACE_CARDS = "booklets/place_cards.typ"
SEATING = "booklets/seating.typ"
ATTENDANCE = "booklets/attendance_sheet.typ"
LOGO_CHECK = "booklets/logo_check.typ"
THUMBNAILS = "booklets/thumbnails.typ"
FOLDED = "booklets/folded.typ"

MAX_TEXT = 20_000
MAX_LOGO_BYTES = 2 * 1024 * 1024
LOGO_FOLDER = "logos"
PNG, JPEG, SVG = "image/png", "image/jpeg", "image/svg+xml"
LOGO_FORMATS = {PNG: "png", JPEG: "jpg", SVG: "svg"}


def storage() -> str:
    return str(current_app.config["STORAGE_PATH"])


def _check_version(record: Any, version: Any) -> None:
    check_version(record, version, _("Someone else changed these settings meanwhile. Reload the page to see their "
                                     "changes, then make yours again."))


def _audit(meeting: Meeting, action: str, summary: str, changes: dict[str, Any] | None = None,
           object_type: str = "meeting") -> None:
    audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id, action=action,
                 object_type=object_type, object_id=meeting.public_id, summary=summary, changes=changes)


# Booklet settings -----------------------------------------------------------------------------------

def settings_of(meeting: Meeting) -> BookletSettings:
    """The meeting's booklet settings; defaults (not saved) when the staff have not chosen yet."""
    found = db.session.scalar(select(BookletSettings).where(BookletSettings.meeting_id == meeting.id))
    if found is not None:
        return found
    return BookletSettings(meeting_id=meeting.id, paper=Paper.a5, sections=list(_default_sections()),
                           programme_source=ProgrammeSource.release, foreword="", foreword_signature="",
                           practical_info="", version=0)


def _default_sections() -> list[str]:
    from planner.booklets.models import DEFAULT_SECTIONS

    return list(DEFAULT_SECTIONS)


def _describe_settings(s: BookletSettings) -> dict[str, Any]:
    return {"paper": s.paper.value if s.paper else None, "sections": list(s.sections or []),
            "programme_source": s.programme_source.value if s.programme_source else None,
            "foreword": s.foreword, "foreword_signature": s.foreword_signature, "practical_info": s.practical_info}


def _text(value: Any, field: str, limit: int) -> str:
    text = clean_text(value, multiline=True)
    if len(text) > limit:
        raise ValidationError(_("At most %(n)d characters.", n=limit), field=field)
    return text


def save_settings(meeting: Meeting, data: dict[str, Any], *, user: User | None, version: Any = None) -> BookletSettings:
    """Change what the booklet holds: paper, sections, programme source, foreword, practical information."""
    settings = settings_of(meeting)
    _check_version(settings, version)
    before = _describe_settings(settings)
    try:
        paper = Paper(data.get("paper") or settings.paper)
    except ValueError:
        raise ValidationError(_("Choose A5 or A4."), field="paper") from None
    try:
        source = ProgrammeSource(data.get("programme_source") or settings.programme_source)
    except ValueError:
        raise ValidationError(_("Choose where the programme comes from."), field="programme_source") from None
    wanted = data.get("sections", settings.sections) or []
    known = {s.value for s in Section}
    unknown = [s for s in wanted if s not in known]
    if unknown:
        raise ValidationError(_("Unknown section: %(names)s", names=", ".join(map(str, unknown))), field="sections")
    clean = {
        "paper": paper,
        "programme_source": source,
        "sections": [s.value for s in Section if s.value in set(wanted)],
        "foreword": _text(data.get("foreword", settings.foreword), "foreword", MAX_TEXT),
        "foreword_signature": _text(data.get("foreword_signature", settings.foreword_signature),
                                    "foreword_signature", 255),
        "practical_info": _text(data.get("practical_info", settings.practical_info), "practical_info", MAX_TEXT),
    }
    if Section.foreword.value in clean["sections"] and not clean["foreword"]:
        raise ValidationError(_("Write the foreword, or leave its section out."), field="foreword")
    with atomic(_("Someone else changed these settings meanwhile. Reload the page and try again.")):
        if not settings.id:
            settings.version = None  # type: ignore[assignment]
            db.session.add(settings)
        for key, value in clean.items():
            setattr(settings, key, value)
        after = _describe_settings(settings)
        changes = audit.diff(before, after)
        if not changes and settings.id:
            return settings
        db.session.flush()
        _audit(meeting, "booklet.settings_changed", _("Booklet settings of “%(title)s”", title=meeting.title),
               changes)
    return settings


# The logo --------------------------------------------------------------------------------------------

def sniff_image(data: bytes) -> str | None:
    """PNG, JPEG or SVG, from the content alone (never the file's name)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or head.startswith(b"<!--"):
        return SVG if _svg_ok(data) else None
    return None


_SVG_REFUSED = re.compile(rb"<!doctype|<!entity|<script|<foreignobject|\son[a-z]+\s*=|javascript:", re.I)


def _svg_ok(data: bytes) -> bool:
    """An SVG drawing, without DTDs, entities, scripts or event handlers (it is also shown in pages)."""
    if _SVG_REFUSED.search(data):
        return False
    try:
        root = ET.fromstring(data)  # noqa: S314 - DTDs and entities refused above  # nosec B314
    except ET.ParseError:
        return False
    if root.tag not in ("svg", "{http://www.w3.org/2000/svg}svg"):
        return False
    # The parsed values too: character references (&#106;avascript:) are undone only by the parser.
    for element in root.iter():
        local = str(element.tag).rsplit("}", 1)[-1].lower()
        if local in ("script", "foreignobject", "iframe", "object", "embed"):
            return False
        if local == "style" and _SVG_EXTERNAL_URL.search(element.text or ""):
            return False
        for name, value in element.attrib.items():
            attribute = name.rsplit("}", 1)[-1].lower()
            if attribute.startswith("on"):
                return False
            if attribute in ("href", "src") and not value.strip().startswith(_SVG_INNER_REFERENCES):
                return False
            if _SVG_EXTERNAL_URL.search(value):
                return False
    return True


# url(...) pointing anywhere but inside the drawing (url(#gradient)).
_SVG_INNER_REFERENCES = ("#", "data:image/png", "data:image/jpeg")
_SVG_EXTERNAL_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.I)


def _logo_dir() -> Path:
    return Path(storage()) / cache.SUBFOLDER / LOGO_FOLDER


def logo_path(settings: BookletSettings) -> Path | None:
    if not settings.logo_name or not re.fullmatch(r"[0-9a-f]{32}\.(png|jpg|svg)", settings.logo_name):
        return None
    path = _logo_dir() / settings.logo_name
    return path if path.is_file() else None


def logo_image(settings: BookletSettings) -> dict[str, Any] | None:
    """The logo as the templates take it: SVG text, or the bytes of a PNG or JPEG as a list of numbers."""
    path = logo_path(settings)
    if path is None or settings.logo_media_type not in LOGO_FORMATS:
        return None
    return _image_data(path.read_bytes(), settings.logo_media_type)


def _image_data(data: bytes, media_type: str) -> dict[str, Any]:
    fmt = LOGO_FORMATS[media_type]
    if fmt == "svg":
        return {"format": "svg", "svg": data.decode("utf-8", "replace")}
    return {"format": "jpg" if fmt == "jpg" else "png", "bytes": list(data)}


def save_logo(meeting: Meeting, data: bytes, filename: str = "", *, user: User | None) -> BookletSettings:
    """Keep an uploaded emblem or logo (PNG, JPEG or SVG, checked by its content and drawn once)."""
    if not data:
        raise ValidationError(_("The file is empty."), field="logo")
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError(_("The file is too large: at most %(mb)d MB.", mb=MAX_LOGO_BYTES // (1024 * 1024)),
                              field="logo")
    media_type = sniff_image(data)
    if media_type is None:
        raise ValidationError(_("Only PNG, JPEG or SVG images are accepted; “%(name)s” is none of them.",
                                name=filename or "?"), field="logo")
    try:
        render_pdf(LOGO_CHECK, {"logo": _image_data(data, media_type)})
    except RenderError:
        raise ValidationError(_("“%(name)s” cannot be read as an image. Save it again as PNG and upload it.",
                                name=filename or "?"), field="logo") from None
    settings = settings_of(meeting)
    old = logo_path(settings)
    name = f"{secrets.token_hex(16)}.{LOGO_FORMATS[media_type]}"
    # The new file goes if the change is rolled back, the old one once it is committed.
    _remove_after(db.session, _ROLLED_BACK, _logo_dir() / name)
    if old is not None:
        _remove_after(db.session, _COMMITTED, old)
    with atomic(_("Someone else changed these settings meanwhile. Reload the page and try again.")):
        if not settings.id:
            settings.version = None  # type: ignore[assignment]
            db.session.add(settings)
        cache._write(_logo_dir() / name, data)
        digest = hashlib.sha256(data).hexdigest()
        settings.logo_name, settings.logo_media_type, settings.logo_sha256 = name, media_type, digest
        db.session.flush()
        _audit(meeting, "booklet.logo_uploaded", _("Logo of the booklet of “%(title)s”", title=meeting.title),
               {"filename": filename, "media_type": media_type, "size": len(data), "sha256": digest})
    return settings


def remove_logo(meeting: Meeting, *, user: User | None) -> None:
    settings = settings_of(meeting)
    old = logo_path(settings)
    if not settings.id or not settings.logo_name:
        return
    if old is not None:
        _remove_after(db.session, _COMMITTED, old)
    with atomic(_("Someone else changed these settings meanwhile. Reload the page and try again.")):
        settings.logo_name = settings.logo_media_type = settings.logo_sha256 = None
        _audit(meeting, "booklet.logo_removed", _("Logo of the booklet of “%(title)s”", title=meeting.title))


# Seating -----------------------------------------------------------------------------------------------

DEFAULT_SEATS_PER_ROW = 20


def plan_of(meeting: Meeting) -> SeatingPlan:
    """The meeting's plan; until one is saved, a hall of 20 seats a row with rows for everyone expected."""
    found = db.session.scalar(select(SeatingPlan).where(SeatingPlan.meeting_id == meeting.id))
    if found is not None:
        return found
    expected = db.session.scalar(select(func.count(Participant.id)).where(
        Participant.meeting_id == meeting.id, Participant.rsvp != Rsvp.declined,
        Participant.category.in_(builders.SEATED_CATEGORIES))) or 0
    rows = min(seating.MAX_ROWS, max(5, -(-expected // DEFAULT_SEATS_PER_ROW)))
    return SeatingPlan(meeting_id=meeting.id, rows=rows, seats_per_row=DEFAULT_SEATS_PER_ROW, presidium_size=7,
                       mode=SeatingMode.protocol, version=0)


def _whole(value: Any, field: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(_("Enter a whole number."), field=field) from None
    if not low <= number <= high:
        raise ValidationError(_("Enter a number from %(low)d to %(high)d.", low=low, high=high), field=field)
    return number


def save_plan(meeting: Meeting, data: dict[str, Any], *, user: User | None, version: Any = None) -> SeatingPlan:
    """The hall's rows and seats, the presidium's length and how seats are given out."""
    meeting_services.ensure_editable(meeting)
    plan = plan_of(meeting)
    _check_version(plan, version)
    before = plan.as_dict()
    try:
        mode = SeatingMode(data.get("mode") or plan.mode)
    except ValueError:
        raise ValidationError(_("Choose how seats are given out."), field="mode") from None
    clean = {
        "rows": _whole(data.get("rows", plan.rows), "rows", 1, seating.MAX_ROWS),
        "seats_per_row": _whole(data.get("seats_per_row", plan.seats_per_row), "seats_per_row", 1,
                                seating.MAX_SEATS_PER_ROW),
        "presidium_size": _whole(data.get("presidium_size", plan.presidium_size), "presidium_size", 0,
                                 seating.MAX_PRESIDIUM),
        "mode": mode,
    }
    with atomic(_("Someone else changed the seating plan meanwhile. Reload the page and try again.")):
        if not plan.id:
            plan.version = None  # type: ignore[assignment]
            db.session.add(plan)
        for key, value in clean.items():
            setattr(plan, key, value)
        changes = audit.diff(before, plan.as_dict())
        if not changes and plan.id:
            return plan
        db.session.flush()
        _audit(meeting, "seating.plan_changed", _("Seating plan of “%(title)s”", title=meeting.title), changes)
    return plan


def presidium_members(meeting: Meeting, plan: SeatingPlan, participants: Sequence[Participant]) -> list[Participant]:
    """Who sits in the presidium, in protocol order: the meeting's presiding persons; without them,
    the highest-ranking leaders and guests. At most the presidium's length."""
    presiding_ids = {p.id for p in meeting.presiding}
    if presiding_ids:
        chosen = [p for p in participants if p.id in presiding_ids]
    else:
        chosen = [p for p in participants if p.category in (ParticipantCategory.leader, ParticipantCategory.guest)
                  and protocol.is_ranked(p)]
    return chosen[:plan.presidium_size]


def _seat_candidates(meeting: Meeting) -> list[Participant]:
    return [p for p in builders.seated_participants(meeting) if p.category in builders.SEATED_CATEGORIES]


def assign_seats(meeting: Meeting, *, user: User | None, mode: SeatingMode | str | None = None) -> dict[str, int]:
    """Give everyone a seat afresh: the presidium by the protocol rule, the hall by protocol order or by
    delegation. Staff, the press and those who declined get none. One audit entry for the whole."""
    meeting_services.ensure_editable(meeting)
    plan = plan_of(meeting)
    if mode is not None:
        try:
            mode = SeatingMode(mode)
        except ValueError:
            raise ValidationError(_("Choose how seats are given out."), field="mode") from None
    mode = mode or plan.mode
    everyone = list(db.session.scalars(select(Participant).where(Participant.meeting_id == meeting.id)).unique())
    candidates = _seat_candidates(meeting)
    presidium = presidium_members(meeting, plan, candidates)
    in_presidium = {p.id for p in presidium}
    hall = [p for p in candidates if p.id not in in_presidium]
    if mode == SeatingMode.delegation:
        # Delegations sit in the protocol order of their heads (the seating takes them as they come).
        hall = [p for members in protocol.delegation_order(hall, builders.delegation_key) for p in members]
        assigned, left = seating.assign_by_delegation(hall, plan.rows, plan.seats_per_row, builders.delegation_key)
    else:
        assigned, left = seating.assign_by_protocol(hall, plan.rows, plan.seats_per_row)
    seats = {p.id: seating.presidium_label(n) for n, p in enumerate(presidium, start=1)}
    seats.update({hall[i].id: label for i, label in assigned.items()})
    with atomic(_("Someone changed a participant meanwhile. Give out the seats again.")):
        changed = 0
        for p in everyone:
            new = seats.get(p.id, "")
            if p.seat != new:
                p.seat = new
                changed += 1
        counts = {"presidium": len(presidium), "hall": len(assigned), "without_seat": len(left), "changed": changed}
        _audit(meeting, "seating.assigned", _("Seats of “%(title)s” given out", title=meeting.title),
               {"mode": mode.value, **counts})
    return counts


def clear_seats(meeting: Meeting, *, user: User | None) -> int:
    meeting_services.ensure_editable(meeting)
    seated = list(db.session.scalars(select(Participant).where(Participant.meeting_id == meeting.id,
                                                               Participant.seat != "")).unique())
    if seated:
        with atomic(_("Someone changed a participant meanwhile. Try again.")):
            for p in seated:
                p.seat = ""
            _audit(meeting, "seating.cleared", _("Seats of “%(title)s” cleared", title=meeting.title),
                   {"cleared": len(seated)})
    return len(seated)


def set_seat(meeting: Meeting, participant_id: str, label: str | None, *, user: User | None) -> Participant:
    """Put a participant on a seat (or none). When someone else holds it, the two swap seats."""
    meeting_services.ensure_editable(meeting)
    participant = db.session.scalar(select(Participant).where(Participant.meeting_id == meeting.id,
                                                              Participant.public_id == str(participant_id or "")))
    if participant is None:
        raise ValidationError(_("Choose a participant of this meeting."), field="participant")
    plan = plan_of(meeting)
    new = ""
    if (label or "").strip():
        seat = seating.parse_seat(label)
        if seat is None:
            raise ValidationError(_("Write the seat as row and number (A-12), or CT-1 for the presidium."),
                                  field="seat")
        if not seating.in_plan(seat, plan.rows, plan.seats_per_row, plan.presidium_size):
            raise ValidationError(_("Seat %(seat)s is not in the plan: rows A to %(last)s, seats 1 to %(seats)d, "
                                    "presidium CT-1 to CT-%(presidium)d.", seat=seat.label,
                                    last=seating.row_label(plan.rows - 1), seats=plan.seats_per_row,
                                    presidium=plan.presidium_size), field="seat")
        new = seat.label
    old = participant.seat
    if new == old:
        return participant
    holder = db.session.scalar(select(Participant).where(Participant.meeting_id == meeting.id,
                                                         Participant.seat == new, Participant.id != participant.id)) \
        if new else None
    with atomic(_("Someone changed this participant meanwhile. Reload the page and try again.")):
        changes: dict[str, Any] = {"seat": [old, new]}
        if holder is not None:
            holder.seat = old
            changes["swapped_with"] = [holder.public_id, holder.full_name]
        participant.seat = new
        db.session.flush()
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action="seating.seat_set", object_type="participant", object_id=participant.public_id,
                     summary=participant.full_name, changes=changes)
    return participant


def chart_participants(meeting: Meeting) -> list[Participant]:
    """Everyone on the meeting's list, in protocol order (the seating page shows who has no seat)."""
    return list(db.session.scalars(select(Participant).where(Participant.meeting_id == meeting.id)
                                   .order_by(*protocol.order_by(protocol.Order.protocol))).unique())


# Versions: what a download depends on, read without building anything ----------------------------------

def _stamps(meeting: Meeting, levels: Sequence[str]) -> str:
    """Aggregate values that change whenever the printed matter would for a reader of these levels, in one
    statement: one scan of each table's rows of the meeting (the single-row aggregates are joined side by
    side). The programme's part (items, who presides them, speeches) counts only what the reader may see."""
    mid = meeting.id
    presiding = meeting_presiding.c
    queries = [
        select(func.max(Organization.version).label("v")).where(Organization.id == meeting.organization_id),
        select(func.max(BookletSettings.version).label("v"), func.max(BookletSettings.logo_sha256).label("logo"))
        .where(BookletSettings.meeting_id == mid),
        select(func.max(SeatingPlan.version).label("v")).where(SeatingPlan.meeting_id == mid),
        *speech_services.visible_content_aggregates(mid, levels),
        select(func.max(AgendaRelease.number).label("n")).where(AgendaRelease.meeting_id == mid),
        select(func.count(Participant.id).label("n"), func.max(Participant.updated_at).label("t"),
               func.sum(Participant.version).label("v"), func.max(Person.updated_at).label("p"))
        .join(Person, Person.id == Participant.person_id).where(Participant.meeting_id == mid),
        select(func.count(Room.id).label("n"), func.max(Room.updated_at).label("t"),
               func.sum(Room.version).label("v")).where(Room.meeting_id == mid),
        select(func.count().label("n"), func.sum(presiding.participant_id * (presiding.position + 1)).label("s"))
        .select_from(meeting_presiding).where(presiding.meeting_id == mid),
    ]
    return speech_services.joined_aggregates(queries)


def version(meeting: Meeting, kind: str, user: User | None = None, *extra: Any) -> str:
    """The cache key of one document for one reader: cheap, and it changes whenever the document would
    for that reader, and only then (an edit of an item above the reader's clearance changes nothing)."""
    clearance = clearance_of(user, meeting.organization_id)
    return cache.digest(kind, meeting.public_id, meeting.version, meeting.updated_at, meeting.language,
                        clearance.value, _stamps(meeting, visible_levels(clearance)), cache.templates_fingerprint(),
                        *extra)


def note_download(meeting: Meeting, name: str, *, classified: bool) -> None:
    """A view of classified content is written to the audit log (DOMAIN.md, Confidentiality). Files of
    the exporter registry are audited by the registry itself; this notes the booklet page's previews."""
    if not classified or exports.exporter("meeting", name) is not None:
        return
    with atomic():
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action="booklets.downloaded", object_type="meeting", object_id=meeting.public_id, summary=name)


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


# A deleted meeting takes its files along ---------------------------------------------------------------

_DOOMED = "booklets_doomed_files"


def _note_files(_mapper, connection, meeting: Meeting) -> None:
    """Before a meeting's row goes (its settings go with it, ON DELETE CASCADE), note its cache folder and
    logo; they are removed once the deletion is committed, and kept if it is rolled back."""
    session = object_session(meeting)
    if session is None:
        return
    logo = connection.execute(select(BookletSettings.logo_name).where(BookletSettings.meeting_id == meeting.id)
                              ).scalar()
    session.info.setdefault(_DOOMED, []).append((meeting.public_id, logo))


# Logo files: the new one goes if its change is rolled back, the one it replaced once the change is committed.
_COMMITTED = "booklets_files_gone_on_commit"
_ROLLED_BACK = "booklets_files_gone_on_rollback"


def _remove_after(session: Any, outcome: str, path: Path) -> None:
    session.info.setdefault(outcome, []).append(path)


def _unlink(paths: Sequence[Path] | None) -> None:
    for path in paths or ():
        with contextlib.suppress(OSError):
            path.unlink()


def _remove_files(session: Session) -> None:
    session.info.pop(_ROLLED_BACK, None)
    _unlink(session.info.pop(_COMMITTED, None))
    doomed = session.info.pop(_DOOMED, None)
    if not doomed or not has_app_context():
        return
    for meeting_key, logo in doomed:
        cache.clear(storage(), meeting_key)
        with contextlib.suppress(OSError):
            cache.folder(storage(), meeting_key).rmdir()
        if logo and re.fullmatch(r"[0-9a-f]{32}\.(png|jpg|svg)", logo):
            with contextlib.suppress(OSError):
                (_logo_dir() / logo).unlink()


def _keep_files(session: Session) -> None:
    session.info.pop(_DOOMED, None)
    session.info.pop(_COMMITTED, None)
    _unlink(session.info.pop(_ROLLED_BACK, None))


def remove_files_of_deleted_meetings() -> None:
    """Called by the package's setup: a deleted meeting's cache folder and logo go once the deletion is
    committed, a replaced logo once its replacement is, an uploaded one if its change is rolled back
    (listening once, however many apps a process makes)."""
    for target, name, function in ((Meeting, "before_delete", _note_files), (Session, "after_commit", _remove_files),
                                   (Session, "after_rollback", _keep_files)):
        if not event.contains(target, name, function):
            event.listen(target, name, function)
