"""The printed matter in the one exporter registry (scope "meeting"): booklet.pdf, badges.pdf,
place-cards.pdf, seating-chart.pdf and attendance-sheet.pdf, served by the meeting's download route
(``/meetings/<id>/exports/<name>`` and its twin under /api/v1).

Query arguments choose within a document: ``category`` and ``participant`` (repeated) the badges,
``day`` (YYYY-MM-DD) the attendance sheet's day. Each exporter's version is the cache key of
services.version: a few aggregate values, no data built, so a current copy answers 304 or comes from
the file cache.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, g, has_request_context, redirect, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from planner.booklets import builders, services
from planner.core import exports, public_urls
from planner.core.errors import NotFound
from planner.core.web import is_api_request, request_user
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting

PDF = "application/pdf"


def meeting_links(meeting: Meeting) -> list[dict[str, str]]:
    """The QR codes of the booklet: the calendar feed (a published, unclassified meeting's public feed;
    secret feeds are never printed) and the meeting's page (public programme, else the staff page)."""
    with force_locale(builders.language(meeting)):
        found: list[dict[str, str]] = []
        # Printed addresses come from the configured public base URL only (core.public_urls): none, no QR.
        if public_urls.base_url() is None:
            return found
        if meeting_services.has_public_page(meeting):
            feed = public_urls.url("calendars.public_feed", code=meeting.public_code) or ""
            found.append({"caption": _("The programme in your calendar"), "url": feed, "qr": public_urls.webcal(feed)})
            found.append({"caption": _("The programme online"),
                          "url": public_urls.url("agenda.public_programme", code=meeting.public_code) or ""})
        else:
            found.append({"caption": _("The meeting's page (staff)"),
                          "url": public_urls.url("meetings.detail", meeting_id=meeting.public_id) or ""})
        return found


def _args(name: str) -> list[str]:
    return [v for v in request.args.getlist(name) if v] if has_request_context() else []


def _day() -> date | None:
    value = request.args.get("day", "") if has_request_context() else ""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise NotFound(_("This day is not a day of the meeting.")) from None


def _key(meeting: Meeting, kind: str, *extra: Any) -> str:
    """The version of one document for this request, computed once per request."""
    memo = g.setdefault("booklet_keys", {})
    wanted = (meeting.id, kind, repr(extra))
    if wanted not in memo:
        memo[wanted] = services.version(meeting, kind, request_user(), *extra)
    return memo[wanted]


def _booklet_key(meeting: Meeting) -> str:
    return _key(meeting, "booklet", meeting_links(meeting))


def _waits_for_its_job(meeting: Meeting) -> None:
    """A big meeting's booklet not built yet is laid out by its job, not in a page's request: the download
    sends the browser to the booklet page, which starts the job and shows its progress (the page offers the
    download once it is built). An API client's request still builds it, in the render pool."""
    if (not is_api_request() and services.booklet_in_background(meeting)
            and not services.booklet_cached(meeting, request_user(), links=meeting_links(meeting))):
        abort(redirect(url_for("booklets.booklet", meeting_id=meeting.public_id, _anchor="preview")))


def _booklet(meeting: Meeting) -> bytes:
    _waits_for_its_job(meeting)
    return services.booklet_pdf(meeting, request_user(), links=meeting_links(meeting), key=_booklet_key(meeting))


def _booklet_folded(meeting: Meeting) -> bytes:
    _waits_for_its_job(meeting)
    return services.booklet_folded_pdf(meeting, request_user(), links=meeting_links(meeting),
                                       key=_booklet_key(meeting))


def _badges_key(meeting: Meeting) -> str:
    return _key(meeting, "badges", sorted(_args("category")), sorted(_args("participant")))


def _filename(label: Any) -> Any:
    def name(meeting: Meeting) -> str:
        return f"{label} - {meeting.title}"[:120] + ".pdf"
    return name


BOOKLET = exports.Exporter(
    name="booklet.pdf", media_type=PDF, build=_booklet, filename=_filename(_l("Programme booklet")),
    version=_booklet_key, label=_l("Programme booklet (PDF)"), inline=True, scope="meeting")
BOOKLET_FOLDED = exports.Exporter(
    name="booklet-folded.pdf", media_type=PDF,
    build=_booklet_folded,
    filename=_filename(_l("Programme booklet for folding")), version=lambda m: _booklet_key(m) + "-folded",
    label=_l("Programme booklet for folding, A4 sheets (PDF)"), inline=True, scope="meeting")
BADGES = exports.Exporter(
    name="badges.pdf", media_type=PDF,
    build=lambda m: services.badges_pdf(m, request_user(), categories=_args("category"),
                                        ids=_args("participant")),
    filename=_filename(_l("Badges")), version=_badges_key, label=_l("Badges (PDF)"), inline=True, scope="meeting")
PLACE_CARDS = exports.Exporter(
    name="place-cards.pdf", media_type=PDF, build=lambda m: services.place_cards_pdf(m, request_user()),
    filename=_filename(_l("Place cards")), version=lambda m: _key(m, "place-cards"),
    label=_l("Place cards (PDF)"), inline=True, scope="meeting")
SEATING_CHART = exports.Exporter(
    name="seating-chart.pdf", media_type=PDF, build=lambda m: services.seating_pdf(m, request_user()),
    filename=_filename(_l("Seating chart")), version=lambda m: _key(m, "seating"),
    label=_l("Seating chart (PDF)"), inline=True, scope="meeting")
ATTENDANCE_SHEET = exports.Exporter(
    name="attendance-sheet.pdf", media_type=PDF,
    build=lambda m: services.attendance_pdf(m, request_user(), day=_day()),
    filename=_filename(_l("Attendance sheet")),
    version=lambda m: _key(m, "attendance", str(_day() or ""), services.attendance_days(m, _day())),
    label=_l("Attendance sheet (PDF)"), inline=True, scope="meeting")

# Registered by the package's setup.
EXPORTERS = (BOOKLET, BOOKLET_FOLDED, BADGES, PLACE_CARDS, SEATING_CHART, ATTENDANCE_SHEET)

NAMES = ("booklet.pdf", "booklet-folded.pdf", "badges.pdf", "place-cards.pdf", "seating-chart.pdf",
         "attendance-sheet.pdf")


def download_url(meeting: Meeting, name: str, **query: Any) -> str:
    """The address of a file of the meeting on its one download route."""
    return url_for("meetings.download", meeting_id=meeting.public_id, name=name, **query)
