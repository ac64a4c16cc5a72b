"""Calendar feeds: resolving a feed URL (the first query) and the feed's version, its ETag and
Last-Modified (the second query), so that an unchanged feed answers 304 without being built."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import String, bindparam, cast, func, select
from sqlalchemy.orm import aliased, joinedload

from planner.accounts.models import Membership, Organization, User
from planner.agenda import services as agenda_services
from planner.agenda.models import AgendaItem, AgendaRelease, agenda_item_presiding
from planner.calendars import feeds, links
from planner.calendars.models import (
    CalendarSettings,
    FeedKind,
    FeedToken,
)
from planner.calendars.services.settings import (
    FORMAT_VERSION,
    POLL_NOTE_EVERY,
    SPEAKING,
    TOKEN_PREFIX,
    USER_FEED_MONTHS,
    Settings,
    _settings,
)
from planner.core.audit import AuditEntry
from planner.core.db import note_time
from planner.core.exports import strong_etag
from planner.core.models import utcnow
from planner.core.permissions import Classification, visible_levels
from planner.core.tokens import token_hash
from planner.delegates.models import Participant, Person
from planner.extensions import db
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting, MeetingStatus, OccurrenceChange
from planner.speeches.models import Speech

# Resolving a feed URL (the first query) ------------------------------------------------------------

@dataclass
class Feed:
    """A feed being answered: what it is about and who reads it."""

    kind: str                                   # public | meeting | participant | user
    organization_id: int
    settings: Settings
    token: FeedToken | None = None
    meeting: Meeting | None = None
    participant: Participant | None = None
    user: User | None = None
    clearance: Classification = Classification.none   # the user's, in the feed's organization
    organization: Organization | None = None
    language: str = "vi"
    staff: bool = False                         # internal items shown (staff feeds and downloads)

    @property
    def policy(self) -> feeds.Policy:
        return feeds.Policy(staff=self.staff, classified=self.settings.policy_mode)


def _valid_secret(secret: str | None) -> bool:
    return bool(secret) and len(secret or "") <= 100 and (secret or "").startswith(TOKEN_PREFIX)


@lru_cache(maxsize=1)
def _token_statement() -> Any:
    """The token with what its feed is about, its organization's settings and its user's membership; made
    once (a poll then only binds its values)."""
    return (select(FeedToken, CalendarSettings, Membership.role, Membership.clearance)
            .outerjoin(CalendarSettings, CalendarSettings.organization_id == FeedToken.organization_id)
            .outerjoin(Membership, (Membership.user_id == FeedToken.user_id)
                       & (Membership.organization_id == FeedToken.organization_id))
            .where(FeedToken.token_hash == bindparam("hash"), FeedToken.kind == bindparam("kind"))
            # The participant's person as a plain outer join: the relationship's own inner join would nest
            # "(participants JOIN people)" inside the outer join, which SQLite materializes by reading every
            # participant of every meeting on each poll (40 ms on dataset L instead of 0.2 ms).
            .options(joinedload(FeedToken.meeting),
                     joinedload(FeedToken.participant).joinedload(Participant.person, innerjoin=False),
                     joinedload(FeedToken.participant).joinedload(Participant.meeting),
                     joinedload(FeedToken.user).lazyload(User.memberships), joinedload(FeedToken.organization)))


def resolve_token(path_kind: str, secret: str | None) -> Feed | None:
    """The feed of a token URL, or None for an unknown, revoked or orphaned token (one query)."""
    kinds = {v: k for k, v in links.PATH_KINDS.items()}
    kind = kinds.get(path_kind)
    if kind is None or not _valid_secret(secret):
        return None
    row = db.session.execute(_token_statement(), {"hash": token_hash(secret or ""), "kind": kind}).first()
    if row is None:
        return None
    token, settings_row_, role, clearance = row
    if token.revoked_at is not None:
        return None
    feed = Feed(kind=kind, organization_id=token.organization_id, settings=_settings(settings_row_), token=token,
                organization=token.organization)
    if kind == FeedKind.meeting:
        if token.meeting is None:
            return None
        feed.meeting = token.meeting
        feed.language = token.meeting.language or "vi"
    elif kind == FeedKind.participant:
        if token.participant is None:
            return None
        feed.participant = token.participant
        feed.language = token.participant.meeting.language or "vi"
    else:
        if token.user is None or role is None or not token.user.active:
            return None  # left the organization or deactivated: the feed ends with the membership
        feed.user = token.user
        feed.clearance = Classification(clearance)   # held in the feed's organization
        feed.language = token.user.language or "vi"
        feed.staff = True
    return feed


def resolve_public(code: str | None) -> Feed | None:
    """The public feed of a published, unclassified meeting, or None (one query)."""
    if not code or len(code) > 32:
        return None
    row = db.session.execute(
        select(Meeting, CalendarSettings)
        .outerjoin(CalendarSettings, CalendarSettings.organization_id == Meeting.organization_id)
        .where(Meeting.public_code == code, *meeting_services.public_page_conditions())).first()
    if row is None:
        return None
    meeting, settings_row_ = row
    return Feed(kind="public", organization_id=meeting.organization_id, settings=_settings(settings_row_),
                meeting=meeting, language=meeting.language or "vi")


def note_poll(feed: Feed, now: datetime | None = None) -> None:
    """Remember when a token's feed was last fetched: at most one write a minute per token."""
    token = feed.token
    if token is None:
        return
    note_time(token, "last_polled_at", now or utcnow(), POLL_NOTE_EVERY)


# The version of a feed (the second query) ------------------------------------------------------------

# A deletion leaves no row whose time the version could read, so Last-Modified takes it from the audit log
# (append-only, one entry per change): else a client that revalidates with If-Modified-Since alone would
# keep a feed that still shows a deleted speaker or a removed delegate's items. Per meeting: the actions
# that delete something its feed shows; per organization: the removals that take a meeting out of a
# personal feed (the person's participation) or out of the organization's feed (the meeting).
MEETING_DELETIONS = ("speech.deleted", "participant.removed", "meeting.occurrence_restored")
PERSONAL_DELETIONS = ("participant.removed",)
ORGANIZATION_DELETIONS = ("meeting.deleted",)


def _deleted_at(*, actions: Sequence[str], meeting_id: Any = None, organization_id: Any = None) -> Any:
    """The time of the latest audited deletion: one lookup in an index of (meeting or organization, action,
    created_at)."""
    query = select(func.max(AuditEntry.created_at)).where(AuditEntry.action.in_(actions))
    if meeting_id is not None:
        query = query.where(AuditEntry.meeting_id == meeting_id)
    if organization_id is not None:
        query = query.where(AuditEntry.organization_id == organization_id)
    return query.scalar_subquery()


def _feed_levels(staff: bool) -> list[str]:
    """The classifications whose items a feed shows in full, speakers included (feeds.treatment): staff
    feeds internal ones too; classified items (mật and above) are withheld or omitted in every feed."""
    return visible_levels(Classification.internal if staff else Classification.none)


def _state_columns(meeting_id: Any, levels: list[str]) -> list[Any]:
    """Correlated aggregates that change whenever what a meeting's feed shows could change (the counts
    for the ETag; the times, deletions' included, for Last-Modified). Speeches count only on the items the
    feed shows in full (agenda.services.item_visible at the feed's levels): a change on a classified item
    must not move the ETag of a feed that withholds it."""
    shown_meeting = aliased(Meeting)

    def on_shown_items(query: Any) -> Any:
        return (query.join(AgendaItem, AgendaItem.id == Speech.agenda_item_id)
                .join(shown_meeting, shown_meeting.id == Speech.meeting_id)
                .where(Speech.meeting_id == meeting_id, shown_meeting.classification.in_(levels),
                       agenda_services.visible_item_clause(levels)))

    speakers = on_shown_items(select(func.max(Person.updated_at)).select_from(Speech)
                              .join(Participant, Participant.id == Speech.participant_id)
                              .join(Person, Person.id == Participant.person_id))
    return [
        select(func.max(AgendaRelease.number)).where(AgendaRelease.meeting_id == meeting_id)
        .scalar_subquery().label("release"),
        select(func.max(AgendaRelease.created_at)).where(AgendaRelease.meeting_id == meeting_id)
        .scalar_subquery().label("released_at"),
        on_shown_items(select(func.count(Speech.id)).select_from(Speech)).scalar_subquery().label("speeches"),
        on_shown_items(select(func.max(Speech.updated_at)).select_from(Speech)).scalar_subquery()
        .label("speeches_at"),
        speakers.scalar_subquery().label("speakers_at"),
        select(func.count(OccurrenceChange.id)).where(OccurrenceChange.meeting_id == meeting_id)
        .scalar_subquery().label("changes"),
        select(func.max(OccurrenceChange.updated_at)).where(OccurrenceChange.meeting_id == meeting_id)
        .scalar_subquery().label("changes_at"),
        _deleted_at(actions=MEETING_DELETIONS, meeting_id=meeting_id).label("deleted_at"),
    ]


@dataclass
class MeetingState:
    meeting_id: int
    release: int | None
    released_at: datetime | None
    speeches: int
    speeches_at: datetime | None
    speakers_at: datetime | None
    changes: int
    changes_at: datetime | None
    deleted_at: datetime | None
    participant_id: int | None = None
    presiding: tuple[str, ...] = ()
    speaking: tuple[str, ...] = ()

    def parts(self) -> tuple[Any, ...]:
        return (self.meeting_id, self.release, self.released_at, self.speeches, self.speeches_at, self.speakers_at,
                self.changes, self.changes_at, self.deleted_at, self.participant_id, self.presiding, self.speaking)

    def times(self) -> list[datetime]:
        return [t for t in (self.released_at, self.speeches_at, self.speakers_at, self.changes_at, self.deleted_at)
                if t is not None]


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(sorted({v for v in (value or "").split(",") if v}))


@dataclass
class Version:
    etag: str
    last_modified: datetime | None
    meetings: list[MeetingState] = field(default_factory=list)
    rows: list[Any] = field(default_factory=list)


def _common_parts(feed: Feed) -> tuple[Any, ...]:
    s = feed.settings
    return (FORMAT_VERSION, feed.kind, feed.staff, feed.language, s.classified, s.refresh_minutes, s.version,
            links.root())


def _latest(*values: datetime | None) -> datetime | None:
    found = [v for v in values if v is not None]
    return max(found) if found else None


def version(feed: Feed) -> Version:
    """The feed's ETag and Last-Modified from the data's versions: one statement, nothing built."""
    if feed.kind in ("public", "meeting"):
        return _meeting_version(feed)
    if feed.kind == "participant":
        return _personal_version(feed)
    return _user_version(feed)


@lru_cache(maxsize=2)
def _meeting_state_statement(staff: bool) -> Any:
    return select(*_state_columns(bindparam("meeting_id"), _feed_levels(staff)))


def _meeting_version(feed: Feed) -> Version:
    meeting = feed.meeting
    assert meeting is not None
    row = db.session.execute(_meeting_state_statement(feed.staff), {"meeting_id": meeting.id}).one()
    state = MeetingState(meeting.id, *row)
    etag = strong_etag(*_common_parts(feed), meeting.id, meeting.version, *state.parts())
    return Version(etag, _latest(feed.settings.updated_at, meeting.updated_at, *state.times()), [state])


def _personal_version(feed: Feed) -> Version:
    participant = feed.participant
    assert participant is not None
    presided = (select(func.aggregate_strings(cast(AgendaItem.public_id, String), ","))
                .select_from(agenda_item_presiding)
                .join(AgendaItem, AgendaItem.id == agenda_item_presiding.c.agenda_item_id)
                .where(agenda_item_presiding.c.participant_id == Participant.id).scalar_subquery())
    spoken = (select(func.aggregate_strings(cast(AgendaItem.public_id, String), ","))
              .select_from(Speech).join(AgendaItem, AgendaItem.id == Speech.agenda_item_id)
              .where(Speech.participant_id == Participant.id, Speech.status.in_(SPEAKING)).scalar_subquery())
    # Meetings in draft are read too (their state left out) so that one going back to draft, and leaving
    # the feed, moves Last-Modified; the removals of the person from a meeting come from the audit log.
    removed_at = _deleted_at(actions=PERSONAL_DELETIONS, organization_id=feed.organization_id).label("removed_at")
    state_columns = _state_columns(Meeting.id, _feed_levels(False))
    width = len(state_columns)
    found = db.session.execute(
        select(Meeting.id, Meeting.version, Meeting.updated_at, *state_columns, Participant.id,
               presided, spoken, Meeting.status == MeetingStatus.draft, removed_at)
        .select_from(Participant).join(Meeting, Meeting.id == Participant.meeting_id)
        .where(Participant.person_id == participant.person_id, Meeting.organization_id == feed.organization_id)
        .order_by(Meeting.starts_on, Meeting.id)).all()
    rows = [row for row in found if not row[6 + width]]
    states = []
    for row in rows:
        pid, presided_ids, spoken_ids = row[3 + width:6 + width]
        state = MeetingState(row[0], *row[3:3 + width], participant_id=pid, presiding=_split(presided_ids),
                             speaking=_split(spoken_ids))
        states.append(state)
    parts = [(row[0], row[1]) for row in rows]
    etag = strong_etag(*_common_parts(feed), participant.id, participant.person.updated_at,
                       *(p for pair in zip(parts, (s.parts() for s in states), strict=True) for p in pair))
    removed = found[0][-1] if found else None
    stamp = _latest(feed.settings.updated_at, participant.person.updated_at, removed, *(row[2] for row in found),
                    *(t for s in states for t in s.times()))
    return Version(etag, stamp, states, rows)


def _user_window() -> date:
    today = datetime.now(UTC).date()
    month = today.month - USER_FEED_MONTHS % 12
    year = today.year - USER_FEED_MONTHS // 12 - (1 if month < 1 else 0)
    return date(year, month + 12 if month < 1 else month, 1)


def _user_meetings_query(feed: Feed):
    assert feed.user is not None
    since = _user_window()
    return (select(Meeting).where(Meeting.organization_id == feed.organization_id,
                                  Meeting.classification.in_(visible_levels(feed.clearance)))
            .where(Meeting.recurrence.is_not(None) | (Meeting.ends_on >= since))), since


def _user_version(feed: Feed) -> Version:
    query, since = _user_meetings_query(feed)
    ids = query.with_only_columns(Meeting.id).scalar_subquery()
    visible = query.subquery()
    row = db.session.execute(select(
        func.count(visible.c.id), func.max(visible.c.updated_at), func.coalesce(func.sum(visible.c.version), 0),
        select(func.count(OccurrenceChange.id)).where(OccurrenceChange.meeting_id.in_(ids)).scalar_subquery(),
        select(func.max(OccurrenceChange.updated_at)).where(OccurrenceChange.meeting_id.in_(ids)).scalar_subquery(),
        # For Last-Modified only: a meeting that left the feed by a change (classified above the user's
        # clearance, moved out of the window) is no longer among the visible ones; a deleted one is gone.
        select(func.max(Meeting.updated_at)).where(Meeting.organization_id == feed.organization_id)
        .scalar_subquery(),
        _deleted_at(actions=ORGANIZATION_DELETIONS, organization_id=feed.organization_id),
    )).one()
    user = feed.user
    assert user is not None
    org = feed.organization
    etag = strong_etag(*_common_parts(feed), user.id, feed.clearance, since, org.name if org else "",
                       org.timezone if org else "", *row[:5])
    # The window moves on the first of each month, leaving out the meetings that ended before it.
    today = datetime.now(UTC).date()
    window_moved = datetime(today.year, today.month, 1, tzinfo=UTC)
    return Version(etag, _latest(feed.settings.updated_at, org.updated_at if org else None, window_moved,
                                 row[1], row[4], row[5], row[6]))
