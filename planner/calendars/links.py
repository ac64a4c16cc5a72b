"""The addresses of feeds: https:// for the browser and most apps, webcal:// to subscribe in one tap,
and a QR code (SVG, made with segno) that a phone's camera opens as a subscription."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from flask import has_request_context, request, url_for
from markupsafe import Markup

from planner.core import public_urls
from planner.core.qr import qr_svg

# The URL path letter of each kind of token feed: /feeds/m/<token>.ics and so on.
PATH_KINDS = {"meeting": "m", "participant": "p", "user": "u"}


@dataclass(frozen=True)
class FeedLinks:
    url: str            # https:// (or http:// where the app is served without TLS)
    webcal: str         # webcal://: calendar apps subscribe instead of downloading once
    google: str         # Google Calendar's "add by URL" page with this feed

    def qr_svg(self, title: str = "") -> Markup:
        """The webcal:// link as an inline SVG QR code (no script, no style attribute: fine with the CSP)."""
        return qr_svg(self.webcal, css_class="feed-qr", title=title)


def links_for(url: str) -> FeedLinks:
    subscribe = public_urls.webcal(url)
    return FeedLinks(url=url, webcal=subscribe,
                     google="https://calendar.google.com/calendar/render?cid=" + quote(subscribe, safe=""))


def token_feed_url(kind: str, secret: str) -> str:
    return url_for("calendars.token_feed", kind=PATH_KINDS[kind], token=secret, _external=True)


def public_feed_url(code: str) -> str:
    return url_for("calendars.public_feed", code=code, _external=True)


def public_programme_url(code: str) -> str:
    return url_for("agenda.public_programme", code=code, _external=True)


def meeting_page_url(public_id: str) -> str:
    return url_for("meetings.detail", meeting_id=public_id, _external=True)


def root() -> str:
    """What the links in a feed begin with: part of its ETag, since the same feed served under
    another host name carries other links."""
    return request.url_root if has_request_context() else url_for("home.index", _external=True)
