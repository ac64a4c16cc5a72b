"""Built meeting feeds kept as files (STORAGE_PATH/feeds/<meeting>/<key>.ics), shared by every worker and
instance: a feed's ETag names everything its bytes depend on (calendars.services.version), so the file of
an ETag is built once, by the first poll or by the job that warms the feeds after a release
(calendars.jobs.warm), and every worker after serves it as it is."""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

from planner.calendars import services
from planner.core import files

SUBFOLDER = "feeds"
KEEP = 8           # files kept per meeting (a few versions, public and staff)
CACHED_KINDS = ("public", "meeting")   # a personal or staff user's feed is one reader's: not kept


def _path(feed: services.Feed, found: services.Version) -> Path:
    assert feed.meeting is not None
    key = hashlib.sha256(found.etag.encode()).hexdigest()[:40]
    return files.storage() / SUBFOLDER / feed.meeting.public_id / f"{key}.ics"


def feed_bytes(feed: services.Feed, found: services.Version | None = None) -> bytes:
    """The feed's bytes: from the file of its version when one was built, else built and kept."""
    found = found or services.version(feed)
    if feed.kind not in CACHED_KINDS or feed.meeting is None:
        return services.build(feed, found)
    path = _path(feed, found)
    try:
        body = path.read_bytes()
    except OSError:
        body = services.build(feed, found)
        files.write_atomic(path, body)
        files.prune(path.parent, KEEP, "*.ics")
    else:
        with contextlib.suppress(OSError):
            os.utime(path)
    return body


def is_cached(feed: services.Feed) -> bool:
    return feed.meeting is not None and _path(feed, services.version(feed)).is_file()
