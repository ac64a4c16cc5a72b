"""The calendars' background jobs: warming a meeting's public feed after a release of its agenda."""

from __future__ import annotations

from flask import current_app

from planner.calendars import cache, services
from planner.core import public_urls


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
