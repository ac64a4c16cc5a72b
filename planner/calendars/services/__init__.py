"""Calendar feeds: their tokens, what each shows, its version (the ETag) and its bytes; single downloads
and the invitation's attachment.

Four feeds, each a plain URL a calendar app polls without headers or cookies:
- a meeting's feed: ``/feeds/public/<public_code>.ics`` for a published, unclassified meeting, or
  ``/feeds/m/<token>.ics`` (any meeting, by a secret link staff create and revoke);
- a delegate's personal feed ``/feeds/p/<token>.ics``: the plenary items of the meetings the person
  takes part in, plus the items they preside over or speak at;
- a staff user's feed of the organization ``/feeds/u/<token>.ics``: every meeting they may see, one
  event each (recurring ones as RRULE with EXDATE and RECURRENCE-ID overrides).

A meeting's feed shows its PUBLISHED agenda: the snapshot of the latest release (agenda.releases). A
meeting without a release yet shows the meeting itself as one event (its days and hours), so that a
subscriber sees it in the calendar from the day they subscribe; once the agenda is published, its
items replace that event. Meetings in draft are shown to staff only (TENTATIVE). A recurring meeting
is its series, whatever its agenda.

Polling is cheap: a feed's version comes from the data's version (release number, meeting version,
the speakers lists', occurrences' and settings' versions) in at most two small queries (the token or
code, then one statement of aggregates), so that an unchanged feed answers 304 without being built.
Its Last-Modified is the latest time of what the feed shows, deletions included (their time is read
from the audit log), so that a client revalidating with If-Modified-Since alone is never wrongly told
304. A series' SEQUENCE is its meeting's version: every cancel, move and restore of an occurrence raises it.
Tokens are random, shown once, kept as a SHA-256 hash, and revocable; last-polled is written at most
once a minute per token.
"""

from __future__ import annotations

from planner.calendars.services.building import (
    PARTSTAT,
    build,
    download_feed,
    download_version,
    invitation_ics,
    item_download_version,
    item_ics,
    meeting_ics,
    meeting_times,
    published_item,
)
from planner.calendars.services.resolving import (
    MEETING_DELETIONS,
    ORGANIZATION_DELETIONS,
    PERSONAL_DELETIONS,
    Feed,
    MeetingState,
    Version,
    note_poll,
    resolve_public,
    resolve_token,
    version,
)
from planner.calendars.services.settings import (
    FORMAT_VERSION,
    MAX_REFRESH_MINUTES,
    MEDIA_TYPE,
    MIN_REFRESH_MINUTES,
    POLL_NOTE_EVERY,
    SPEAKING,
    TOKEN_PREFIX,
    USER_FEED_MONTHS,
    Settings,
    settings_of,
    settings_row,
    update_settings,
)
from planner.calendars.services.tokens import (
    FeedStatus,
    feed_links,
    feed_url,
    get_token,
    issue_meeting_feed,
    issue_personal_feed,
    issue_user_feed,
    meeting_tokens,
    organization_tokens,
    personal_feed,
    personal_feed_status,
    public_links,
    reset_personal_feed,
    revoke,
    revoke_personal_feed,
    revoke_user_feed,
    user_feed,
)

__all__ = [
    "FORMAT_VERSION",
    "MAX_REFRESH_MINUTES",
    "MEDIA_TYPE",
    "MEETING_DELETIONS",
    "MIN_REFRESH_MINUTES",
    "ORGANIZATION_DELETIONS",
    "PARTSTAT",
    "PERSONAL_DELETIONS",
    "POLL_NOTE_EVERY",
    "SPEAKING",
    "TOKEN_PREFIX",
    "USER_FEED_MONTHS",
    "Feed",
    "FeedStatus",
    "MeetingState",
    "Settings",
    "Version",
    "build",
    "download_feed",
    "download_version",
    "feed_links",
    "feed_url",
    "get_token",
    "invitation_ics",
    "issue_meeting_feed",
    "issue_personal_feed",
    "issue_user_feed",
    "item_download_version",
    "item_ics",
    "meeting_ics",
    "meeting_times",
    "meeting_tokens",
    "note_poll",
    "organization_tokens",
    "personal_feed",
    "personal_feed_status",
    "public_links",
    "published_item",
    "reset_personal_feed",
    "resolve_public",
    "resolve_token",
    "revoke",
    "revoke_personal_feed",
    "revoke_user_feed",
    "settings_of",
    "settings_row",
    "update_settings",
    "user_feed",
    "version",
]
