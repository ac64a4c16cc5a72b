"""The calendars' background jobs after a release of an agenda: keeping its events' bytes with it, and warming
the meeting's public feed."""

from __future__ import annotations

from flask import current_app, has_request_context

from planner.calendars import cache, services
from planner.calendars.services import freezing
from planner.core import public_urls


def freeze(release_id: int) -> int:
    """Keep the release's events' bytes (calendars.services.freezing). The events name the site's addresses:
    the job runs as the page that published (its address), else at the configured public address; without
    either there is nothing to keep (feeds build their events as before). Answers how many were built."""
    if has_request_context():
        return freezing.freeze_release(release_id)
    base = public_urls.base_url()
    if base is None:
        return 0
    with current_app.test_request_context("/", base_url=base + "/"):
        return freezing.freeze_release(release_id)


def warm(public_code: str) -> str:
    """Build the public feed of the meeting (if it has one) into the shared feed cache, so that the first
    calendars to poll after a release are answered from the file; answers the feed's ETag. A feed's links
    name the host it is served from: the job builds it for the configured public address
    (PUBLIC_BASE_URL), and without one there is nothing to warm (the first poll builds it)."""
    base = public_urls.base_url()
    if base is None:
        return ""
    with current_app.test_request_context("/", base_url=base + "/"):
        feed = services.resolve_public(public_code)
        if feed is None:
            return ""
        found = services.version(feed)
        cache.feed_bytes(feed, found)
        return found.etag
