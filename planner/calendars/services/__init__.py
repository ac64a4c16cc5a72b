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

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import String, and_, bindparam, cast, func, or_, select, update
from sqlalchemy.orm import aliased, joinedload, selectinload

from planner.accounts.models import Membership, Organization, User
from planner.agenda import services as agenda_services
from planner.agenda.models import AGENDA_ITEM_KIND_LABELS, AgendaItem, AgendaRelease, agenda_item_presiding
from planner.calendars import feeds, links
from planner.calendars.ical import Attendee, CalendarData, build_calendar
from planner.calendars.models import (
    DEFAULT_REFRESH_MINUTES,
    CalendarSettings,
    ClassifiedMode,
    FeedKind,
    FeedToken,
)
from planner.core import audit
from planner.core.audit import AuditEntry
from planner.core.db import atomic, check_version
from planner.core.errors import NotFound, ValidationError
from planner.core.exports import strong_etag
from planner.core.models import utcnow
from planner.core.permissions import Classification, clearance_of, visible_levels
from planner.core.text import full_name
from planner.core.tokens import new_token, token_hash
from planner.delegates.models import Participant, Person, Rsvp
from planner.extensions import db
from planner.meetings import recurrence
from planner.meetings import services as meeting_services
from planner.meetings.models import MEETING_KIND_LABELS, Meeting, MeetingStatus, OccurrenceChange
from planner.speeches import services as speech_services
from planner.speeches.models import Speech, SpeechStatus

# Raise when what a feed shows changes for the same data (a new field, other wording): every
# client then fetches the feed again instead of keeping its copy.
FORMAT_VERSION = 1
POLL_NOTE_EVERY = timedelta(minutes=1)
MIN_REFRESH_MINUTES, MAX_REFRESH_MINUTES = 15, 24 * 60
# The organization feed leaves out meetings that ended before the first day of the month a year ago.
USER_FEED_MONTHS = 12
SPEAKING = (SpeechStatus.approved, SpeechStatus.speaking, SpeechStatus.done)
TOKEN_PREFIX = "f_"  # noqa: S105 - the prefix of feed secrets, not a secret  # nosec B105
MEDIA_TYPE = "text/calendar; charset=utf-8"


# Settings -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Settings:
    classified: str = ClassifiedMode.withhold.value
    refresh_minutes: int = DEFAULT_REFRESH_MINUTES
    version: int = 0
    updated_at: datetime | None = None

    @property
    def policy_mode(self) -> str:
        return feeds.OMIT if self.classified == ClassifiedMode.omit else feeds.WITHHOLD


def _settings(row: CalendarSettings | None) -> Settings:
    if row is None:
        return Settings()
    return Settings(classified=ClassifiedMode(row.classified).value, refresh_minutes=row.refresh_minutes,
                    version=row.version, updated_at=row.updated_at)


def settings_row(organization_id: int) -> CalendarSettings | None:
    return db.session.scalar(select(CalendarSettings).where(CalendarSettings.organization_id == organization_id))


def settings_of(organization_id: int) -> Settings:
    return _settings(settings_row(organization_id))


def update_settings(org: Organization, data: Mapping[str, Any], *, version: int | None = None) -> Settings:
    """Change how the organization's feeds treat classified items and how often clients poll."""
    row = settings_row(org.id)
    stale = _("Someone else changed these settings meanwhile. Reload to see their version.")
    if row is not None:
        check_version(row, version, stale)
    try:
        mode = ClassifiedMode(str(data.get("classified") or ClassifiedMode.withhold.value))
    except ValueError:
        raise ValidationError(_("Choose how classified items appear in feeds."), field="classified") from None
    try:
        refresh = int(data.get("refresh_minutes") or DEFAULT_REFRESH_MINUTES)
    except (TypeError, ValueError):
        raise ValidationError(_("Enter a number of minutes."), field="refresh_minutes") from None
    if not MIN_REFRESH_MINUTES <= refresh <= MAX_REFRESH_MINUTES:
        raise ValidationError(_("Enter between %(min)d and %(max)d minutes.", min=MIN_REFRESH_MINUTES,
                                max=MAX_REFRESH_MINUTES), field="refresh_minutes")
    before = _settings(row)
    after = {"classified": mode.value, "refresh_minutes": refresh}
    changes = audit.diff({"classified": before.classified, "refresh_minutes": before.refresh_minutes}, after)
    if not changes:
        return before
    with atomic(stale):
        if row is None:
            row = CalendarSettings(organization_id=org.id)
            db.session.add(row)
        row.classified = mode
        row.refresh_minutes = refresh
        audit.record(db.session, organization_id=org.id, action="calendar.settings_changed",
                     object_type="calendar_settings", object_id=org.public_id, summary=_("Calendar feed settings"),
                     changes=changes)
    return _settings(row)


# Tokens -------------------------------------------------------------------------------------------

def _subject_label(token: FeedToken) -> str:
    if token.kind == FeedKind.participant and token.participant is not None:
        return token.participant.full_name
    if token.kind == FeedKind.user and token.user is not None:
        return token.user.email
    return token.label or ""


def _record(token: FeedToken, action: str, *, actor_label: str | None = None) -> None:
    meeting_id = token.meeting_id
    if token.kind == FeedKind.participant and token.participant is not None:
        meeting_id = token.participant.meeting_id
    audit.record(db.session, organization_id=token.organization_id, meeting_id=meeting_id, action=action,
                 object_type="feed_token", object_id=token.public_id,
                 summary=f"{token.kind.value}: {_subject_label(token)} ({token.hint}…)", actor_label=actor_label)


def _issue(kind: FeedKind, organization_id: int, *, created_by: User | None, label: str = "",
           meeting: Meeting | None = None, participant: Participant | None = None, user: User | None = None,
           actor_label: str | None = None) -> tuple[FeedToken, str]:
    secret = new_token(TOKEN_PREFIX)
    token = FeedToken(organization_id=organization_id, kind=kind, token_hash=token_hash(secret), hint=secret[:8],
                      label=(label or "").strip()[:120], created_by_id=created_by.id if created_by else None,
                      meeting=meeting, participant=participant, user=user)
    db.session.add(token)
    db.session.flush()
    _record(token, "calendar.feed_issued", actor_label=actor_label)
    return token, secret


def _revoke_rows(tokens: Iterable[FeedToken], *, actor_label: str | None = None) -> int:
    now = utcnow()
    count = 0
    for token in tokens:
        if token.revoked_at is None:
            token.revoked_at = now
            _record(token, "calendar.feed_revoked", actor_label=actor_label)
            count += 1
    return count


def _active(query) -> list[FeedToken]:
    return list(db.session.scalars(query.where(FeedToken.revoked_at.is_(None))))


def issue_meeting_feed(meeting: Meeting, *, user: User | None, label: str = "") -> tuple[FeedToken, str]:
    """A new secret link to the meeting's feed (one of many: one for the press, one for the leaders…)."""
    label = (label or "").strip()
    if len(label) > 120:
        raise ValidationError(_("At most %(n)d characters.", n=120), field="label")
    with atomic():
        token, secret = _issue(FeedKind.meeting, meeting.organization_id, created_by=user, meeting=meeting,
                               label=label or _("Meeting feed"))
    return token, secret


def personal_feed(participant: Participant) -> FeedToken | None:
    """The delegate's active personal feed token, if any."""
    return db.session.scalar(select(FeedToken).where(
        FeedToken.participant_id == participant.id, FeedToken.revoked_at.is_(None)
    ).order_by(FeedToken.id.desc()).limit(1))


def issue_personal_feed(participant: Participant, *, user: User | None = None,
                        actor_label: str | None = None) -> tuple[FeedToken, str]:
    """A delegate's personal feed; an earlier one stops working (one active link per delegate)."""
    org_id = participant.meeting.organization_id
    with atomic():
        _revoke_rows(_active(select(FeedToken).where(FeedToken.participant_id == participant.id)),
                     actor_label=actor_label)
        token, secret = _issue(FeedKind.participant, org_id, created_by=user, participant=participant,
                               actor_label=actor_label)
    return token, secret


def revoke_personal_feed(participant: Participant, *, actor_label: str | None = None) -> int:
    with atomic():
        count = _revoke_rows(_active(select(FeedToken).where(FeedToken.participant_id == participant.id)),
                             actor_label=actor_label)
    return count


def user_feed(user: User, org: Organization) -> FeedToken | None:
    return db.session.scalar(select(FeedToken).where(
        FeedToken.user_id == user.id, FeedToken.organization_id == org.id, FeedToken.kind == FeedKind.user,
        FeedToken.revoked_at.is_(None)).order_by(FeedToken.id.desc()).limit(1))


def issue_user_feed(user: User, org: Organization) -> tuple[FeedToken, str]:
    """The user's own feed of the organization's meetings; an earlier one stops working."""
    with atomic():
        _revoke_rows(_active(select(FeedToken).where(
            FeedToken.user_id == user.id, FeedToken.organization_id == org.id, FeedToken.kind == FeedKind.user)))
        token, secret = _issue(FeedKind.user, org.id, created_by=user, user=user)
    return token, secret


def revoke_user_feed(user: User, org: Organization) -> int:
    with atomic():
        count = _revoke_rows(_active(select(FeedToken).where(
            FeedToken.user_id == user.id, FeedToken.organization_id == org.id, FeedToken.kind == FeedKind.user)))
    return count


def _token_options() -> list[Any]:
    return [joinedload(FeedToken.meeting), joinedload(FeedToken.participant), joinedload(FeedToken.user)
            .lazyload(User.memberships)]


def get_token(org: Organization, public_id: str, *, meeting: Meeting | None = None,
              user: User | None = None) -> FeedToken:
    """A token of the organization (of this meeting, when given: its own and its delegates'), else 404.
    With a user, a token of a meeting above the user's clearance is not found either, as on the list."""
    query = select(FeedToken).where(FeedToken.organization_id == org.id, FeedToken.public_id == str(public_id))
    token = db.session.scalar(query.options(*_token_options()))
    if token is None or (meeting is not None and _meeting_id_of(token) != meeting.id):
        raise NotFound(_("No such feed."))
    if user is not None and (meeting_id := _meeting_id_of(token)) is not None:
        classification = db.session.scalar(select(Meeting.classification).where(Meeting.id == meeting_id))
        if classification not in visible_levels(clearance_of(user, org.id)):
            raise NotFound(_("No such feed."))
    return token


def _meeting_id_of(token: FeedToken) -> int | None:
    if token.kind == FeedKind.participant and token.participant is not None:
        return token.participant.meeting_id
    return token.meeting_id


def revoke(token: FeedToken) -> None:
    """Stop a feed link at once; it answers 404 from now on."""
    with atomic():
        _revoke_rows([token])


def meeting_tokens(meeting: Meeting) -> list[FeedToken]:
    """The meeting's feed links and its delegates' personal feeds, newest first (revoked ones too)."""
    participants = select(Participant.id).where(Participant.meeting_id == meeting.id)
    return list(db.session.scalars(
        select(FeedToken).where((FeedToken.meeting_id == meeting.id) | FeedToken.participant_id.in_(participants))
        .options(*_token_options()).order_by(FeedToken.revoked_at.is_not(None), FeedToken.created_at.desc(),
                                             FeedToken.id.desc())).unique())


def organization_tokens(org: Organization, *, active_only: bool = True, limit: int = 50, offset: int = 0,
                        user: User | None = None) -> tuple[list[FeedToken], int]:
    """Every feed of the organization (for its administrators), newest first, with the total. The
    meetings the user's clearance does not admit are left out."""
    query = select(FeedToken).where(FeedToken.organization_id == org.id)
    if active_only:
        query = query.where(FeedToken.revoked_at.is_(None))
    if user is not None:
        hidden = select(Meeting.id).where(Meeting.organization_id == org.id,
                                          Meeting.classification.not_in(visible_levels(clearance_of(user, org.id))))
        hidden_participants = select(Participant.id).where(Participant.meeting_id.in_(hidden))
        query = query.where(FeedToken.meeting_id.is_(None) | FeedToken.meeting_id.not_in(hidden),
                            FeedToken.participant_id.is_(None) | FeedToken.participant_id.not_in(hidden_participants))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(query.options(*_token_options(), joinedload(FeedToken.participant)
                                            .joinedload(Participant.meeting))
                              .order_by(FeedToken.created_at.desc(), FeedToken.id.desc()).limit(limit).offset(offset))
    return list(rows.unique()), total


@dataclass(frozen=True)
class FeedStatus:
    """What a delegate's page says about their personal feed (never the secret itself)."""

    active: bool
    hint: str = ""
    created_at: datetime | None = None
    last_polled_at: datetime | None = None


def personal_feed_status(participant: Participant) -> FeedStatus:
    token = personal_feed(participant)
    if token is None:
        return FeedStatus(active=False)
    return FeedStatus(active=True, hint=token.hint, created_at=token.created_at, last_polled_at=token.last_polled_at)


def reset_personal_feed(participant: Participant) -> links.FeedLinks:
    """From the delegate's own link: a new personal feed (the earlier one stops working); its links once."""
    _token, secret = issue_personal_feed(participant, actor_label="delegate")
    return links.links_for(links.token_feed_url(FeedKind.participant.value, secret))


def feed_links(token_kind: FeedKind | str, secret: str) -> links.FeedLinks:
    return links.links_for(links.token_feed_url(FeedKind(token_kind).value, secret))


def feed_url(meeting: Meeting) -> str | None:
    """The meeting's feed for the meetings API: its public feed when it has one. A secret link is shown
    only once, when it is made (the Calendar tab, or POST /participants/{id}/feed-token), so a
    meeting without a public page answers None here."""
    if meeting_services.has_public_page(meeting):
        return links.public_feed_url(meeting.public_code or "")
    return None


def public_links(meeting: Meeting) -> links.FeedLinks | None:
    if not meeting_services.has_public_page(meeting):
        return None
    return links.links_for(links.public_feed_url(meeting.public_code or ""))


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
    now = now or utcnow()
    if token.last_polled_at is not None and now - token.last_polled_at < POLL_NOTE_EVERY:
        return
    with atomic():
        db.session.execute(update(FeedToken).where(
            FeedToken.id == token.id,
            FeedToken.last_polled_at.is_(None) | (FeedToken.last_polled_at < now - POLL_NOTE_EVERY),
        ).values(last_polled_at=now))


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


# Building ------------------------------------------------------------------------------------------

def _words() -> feeds.Words:
    return feeds.Words(
        withheld=_("Meeting (classified)"),
        session=_("Session"),
        presiding=_("Presiding"),
        performer=_("Performed by"),
        speakers=_("Speakers"),
        item_kinds={kind.value: str(label) for kind, label in AGENDA_ITEM_KIND_LABELS.items()},
        meeting_kinds={kind.value: str(label) for kind, label in MEETING_KIND_LABELS.items()},
    )


def _info(meeting: Meeting, link: str) -> feeds.MeetingInfo:
    return feeds.MeetingInfo(
        public_id=meeting.public_id, title=meeting.title, tzid=meeting.timezone, kind=meeting.kind.value,
        venue=meeting.venue or "", city=meeting.city or "", classification=meeting.classification.value,
        description=meeting.description or "", link=link, tentative=meeting.status == MeetingStatus.draft)


def _delegate_link(meeting: Meeting) -> str:
    return links.public_programme_url(meeting.public_code or "") if meeting_services.has_public_page(meeting) else ""


def _staff_link(meeting: Meeting) -> str:
    endpoint = "meetings.detail" if "meetings.detail" in current_app.view_functions else "agenda.editor"
    from flask import url_for

    return url_for(endpoint, meeting_id=meeting.public_id, _external=True)


def _withheld_name(meeting: Meeting) -> bool:
    return Classification(meeting.classification).is_classified


# Meeting-level events (no agenda, or a recurring series) ---------------------------------------------

def _span(occurrence: recurrence.Occurrence) -> tuple[datetime | date, datetime | date]:
    """An occurrence as DTSTART and DTEND: all-day dates without hours; at least an hour with them."""
    if occurrence.start_time is None:
        return occurrence.day, occurrence.last_day + timedelta(days=1)
    start = occurrence.starts_at
    end = occurrence.ends_at
    if end is None or end <= start:
        end = datetime.combine(occurrence.last_day, occurrence.start_time, occurrence.zone) + timedelta(hours=1)
    return start, end


def _original_start(meeting: Meeting, day: date) -> datetime | date:
    """RECURRENCE-ID and EXDATE: the occurrence's start as the rule gives it (a date when all-day)."""
    if meeting.start_time is None:
        return day
    return datetime.combine(day, meeting.start_time, ZoneInfo(meeting.timezone))


def _series_rule(meeting: Meeting) -> str:
    """The stored rule; for an all-day series, its UNTIL as a date (RFC 5545: the type of DTSTART)."""
    rule = meeting.recurrence or ""
    if meeting.start_time is None and "UNTIL=" in rule:
        until = recurrence.parse_rule(rule, meeting.timezone).until
        if until is not None:
            rule = re.sub(r"UNTIL=[^;]+", f"UNTIL={until:%Y%m%d}", rule)
    return rule


def meeting_times(meeting: Meeting, changes: Sequence[OccurrenceChange] | None = None) -> feeds.MeetingTimes:
    """When the meeting takes place, as the feed writes it (uses ``meeting.occurrence_changes``)."""
    stamp = meeting.updated_at or meeting.created_at or utcnow()
    sequence = max((meeting.version or 1) - 1, 0)
    first = recurrence.Occurrence(meeting=meeting, original_date=meeting.starts_on, day=meeting.starts_on,
                                  last_day=meeting.ends_on, start_time=meeting.start_time,
                                  end_time=meeting.end_time, venue=meeting.venue or "")
    start, end = _span(first)
    if not meeting.recurrence:
        return feeds.MeetingTimes(start=start, end=end, stamp=stamp, sequence=sequence)
    changes = list(changes if changes is not None else meeting.occurrence_changes)
    exdates: list[datetime | date] = []
    overrides: list[feeds.Override] = []
    if changes:
        length = meeting.ends_on - meeting.starts_on
        days = [c.original_date for c in changes] + [c.new_date for c in changes if c.new_date]
        found = recurrence.expand(meeting, min(days), max(days) + length)
        wanted = {c.original_date for c in changes}
        for occurrence in found:
            if occurrence.original_date not in wanted:
                continue
            original = _original_start(meeting, occurrence.original_date)
            if occurrence.cancelled:
                exdates.append(original)
            elif occurrence.moved:
                new_start, new_end = _span(occurrence)
                overrides.append(feeds.Override(original=original, start=new_start, end=new_end,
                                                venue=occurrence.venue, note=occurrence.note))
        stamp = max([stamp, *(c.updated_at for c in changes if c.updated_at is not None)])
    return feeds.MeetingTimes(start=start, end=end, stamp=stamp, sequence=sequence, rrule=_series_rule(meeting),
                              exdates=tuple(sorted(exdates, key=str)), overrides=tuple(overrides))


# Agenda items -------------------------------------------------------------------------------------

@dataclass
class _Published:
    release: AgendaRelease
    changed: dict[str, datetime]


def _published(meeting_ids: Sequence[int]) -> dict[int, _Published]:
    """The latest release of each meeting, and per item the time of the release that last changed it
    (two queries whatever the number of releases: the history without its snapshots, then the latest)."""
    if not meeting_ids:
        return {}
    history = db.session.execute(
        select(AgendaRelease.meeting_id, AgendaRelease.number, AgendaRelease.created_at, AgendaRelease.changes)
        .where(AgendaRelease.meeting_id.in_(list(meeting_ids))).order_by(AgendaRelease.number)).all()
    changed: dict[int, dict[str, datetime]] = {}
    latest: dict[int, int] = {}
    for meeting_id, number, created_at, changes in history:
        per_item = changed.setdefault(meeting_id, {})
        for change in changes or []:
            per_item[change["item"]] = created_at
        latest[meeting_id] = number
    if not latest:
        return {}
    releases = db.session.scalars(select(AgendaRelease).where(
        or_(*(and_(AgendaRelease.meeting_id == m, AgendaRelease.number == n) for m, n in latest.items()))))
    return {r.meeting_id: _Published(r, changed.get(r.meeting_id, {})) for r in releases}


def _speakers(meeting_ids: Sequence[int]) -> tuple[dict[str, list[str]], dict[str, datetime]]:
    """Per item (public id): its speakers' names in order, and the last change of its speakers list."""
    if not meeting_ids:
        return {}, {}
    rows = db.session.execute(
        select(AgendaItem.public_id, Speech.status, Speech.updated_at, Person.honorific, Person.family_name,
               Person.middle_name, Person.given_name, Person.updated_at)
        .select_from(Speech).join(AgendaItem, AgendaItem.id == Speech.agenda_item_id)
        .join(Participant, Participant.id == Speech.participant_id).join(Person, Person.id == Participant.person_id)
        .where(Speech.meeting_id.in_(list(meeting_ids))).order_by(Speech.agenda_item_id, Speech.position, Speech.id))
    names: dict[str, list[str]] = {}
    changed: dict[str, datetime] = {}
    for item_id, status, updated_at, honorific, family, middle, given, person_updated in rows:
        stamps = [t for t in (updated_at, person_updated, changed.get(item_id)) if t is not None]
        if stamps:
            changed[item_id] = max(stamps)
        if SpeechStatus(status) in SPEAKING:
            shim = SimpleNamespace(honorific=honorific or "", full_name=full_name(family, middle, given))
            name = speech_services.speaker_name(shim)  # type: ignore[arg-type]
            if name not in names.setdefault(item_id, []):
                names[item_id].append(name)
    return names, changed


def _meeting_events(meeting: Meeting, published: _Published | None, *, feed: Feed, words: feeds.Words,
                    link: str, speakers: tuple[dict[str, list[str]], dict[str, datetime]],
                    only: set[str] | None = None, show_meeting: bool = False) -> list[Any]:
    info = _info(meeting, link)
    if meeting.recurrence or published is None:
        return feeds.meeting_events(info, meeting_times(meeting), policy=feed.policy, words=words)
    return feeds.item_events(info, published.release.snapshot, policy=feed.policy, words=words,
                             stamp=published.release.created_at, changed=published.changed, speakers=speakers[0],
                             speakers_changed=speakers[1], only=only, show_meeting=show_meeting)


def build(feed: Feed, found: Version | None = None) -> bytes:
    """The feed's iCalendar bytes: the same data gives the same bytes."""
    with force_locale(feed.language):
        words = _words()
        if feed.kind in ("public", "meeting"):
            data = _meeting_calendar(feed, words)
        elif feed.kind == "participant":
            data = _personal_calendar(feed, words, found or version(feed))
        else:
            data = _user_calendar(feed, words)
    return build_calendar(data)


def _meeting_calendar(feed: Feed, words: feeds.Words, *, method: str | None = None,
                      only: set[str] | None = None) -> CalendarData:
    meeting = feed.meeting
    assert meeting is not None
    name = words.withheld if _withheld_name(meeting) else meeting.title
    refresh = None if method else feed.settings.refresh_minutes
    if meeting.status == MeetingStatus.draft and not feed.staff:
        return CalendarData(name, meeting.timezone, [], method=method, refresh_minutes=refresh)
    published = _published([meeting.id]).get(meeting.id)
    speakers = _speakers([meeting.id]) if published is not None and not meeting.recurrence else ({}, {})
    link = _staff_link(meeting) if feed.staff else _delegate_link(meeting)
    events = _meeting_events(meeting, published, feed=feed, words=words, link=link, speakers=speakers, only=only)
    return CalendarData(name, meeting.timezone, events, method=method, refresh_minutes=refresh)


def _personal_calendar(feed: Feed, words: feeds.Words, found: Version) -> CalendarData:
    participant = feed.participant
    assert participant is not None
    states = {s.meeting_id: s for s in found.meetings}
    meetings = list(db.session.scalars(select(Meeting).where(Meeting.id.in_(list(states)))
                                       .options(selectinload(Meeting.occurrence_changes))
                                       .order_by(Meeting.starts_on, Meeting.id)))
    with_agenda = [m.id for m in meetings if not m.recurrence]
    published = _published(with_agenda)
    speakers = _speakers([m for m in with_agenda if m in published])
    events = []
    for meeting in meetings:
        state = states[meeting.id]
        release = published.get(meeting.id)
        only = None
        if release is not None:
            only = feeds.chosen_items(release.release.snapshot, presiding=state.presiding, speaking=state.speaking)
        events.extend(_meeting_events(meeting, release, feed=feed, words=words, link=_delegate_link(meeting),
                                      speakers=speakers, only=only, show_meeting=len(meetings) > 1))
    name = _("Meetings of %(name)s", name=participant.full_name)
    return CalendarData(name, participant.meeting.timezone, events, refresh_minutes=feed.settings.refresh_minutes)


def _user_calendar(feed: Feed, words: feeds.Words) -> CalendarData:
    query, _since = _user_meetings_query(feed)
    meetings = db.session.scalars(query.options(selectinload(Meeting.occurrence_changes))
                                  .order_by(Meeting.starts_on, Meeting.id)).all()
    events = []
    for meeting in meetings:
        events.extend(feeds.meeting_events(_info(meeting, _staff_link(meeting)), meeting_times(meeting),
                                           policy=feed.policy, words=words))
    org = feed.organization
    tzid = org.timezone if org is not None else "Asia/Ho_Chi_Minh"
    name = _("Meetings of %(name)s", name=org.name if org is not None else "")
    return CalendarData(name, tzid, events, refresh_minutes=feed.settings.refresh_minutes)


# Single downloads and the invitation's attachment ---------------------------------------------------

def download_feed(meeting: Meeting, *, staff: bool) -> Feed:
    """A meeting as it is downloaded: by staff (internal items included) or from its public page;
    classified items by the organization's setting either way."""
    return Feed(kind="meeting", organization_id=meeting.organization_id,
                settings=settings_of(meeting.organization_id), meeting=meeting, language=meeting.language or "vi",
                staff=staff)


def download_version(meeting: Meeting) -> str:
    """Cheap: what the meeting's calendar.ics download depends on (for the exporter's ETag)."""
    feed = download_feed(meeting, staff=True)
    row = db.session.execute(_meeting_state_statement(True), {"meeting_id": meeting.id}).one()
    return "|".join(str(p) for p in (*_common_parts(feed), meeting.id, meeting.version, *row))


def meeting_ics(meeting: Meeting) -> bytes:
    """The whole meeting as one .ics to import once (METHOD:PUBLISH), as staff see it."""
    feed = download_feed(meeting, staff=True)
    with force_locale(feed.language):
        data = _meeting_calendar(feed, _words(), method="PUBLISH")
    return build_calendar(data)


def published_item(meeting: Meeting, item_public_id: str) -> bool:
    release = _published([meeting.id]).get(meeting.id)
    return release is not None and item_public_id in release.release.snapshot


def item_ics(meeting: Meeting, item_public_id: str, *, staff: bool) -> bytes:
    """One published item as .ics (METHOD:PUBLISH); NotFound when the item is not published or not shown
    to this reader (internal to a delegate, classified and omitted)."""
    feed = download_feed(meeting, staff=staff)
    if meeting.recurrence or not published_item(meeting, item_public_id):
        raise NotFound(_("This item is not in the published programme."))
    with force_locale(feed.language):
        data = _meeting_calendar(feed, _words(), method="PUBLISH", only={item_public_id})
    if not data.events:
        raise NotFound(_("This item is not in the published programme."))
    return build_calendar(data)


def item_download_version(meeting: Meeting, item_public_id: str, *, staff: bool) -> str:
    return f"{item_public_id}|{staff}|{download_version(meeting)}"


PARTSTAT = {Rsvp.accepted: "ACCEPTED", Rsvp.declined: "DECLINED"}


def invitation_ics(participant: Participant, *, organizer_email: str | None = None,
                   organizer_name: str | None = None) -> bytes:
    """The invitation e-mail's attachment: the meeting as METHOD:REQUEST with ORGANIZER and this
    participant as ATTENDEE (their reply status from the RSVP). A classified meeting's title and details
    are withheld, whatever the setting. The same meeting gives the same UID, and its SEQUENCE rises with
    every change of the meeting, so a second invitation updates the first in the delegate's calendar."""
    meeting = participant.meeting
    org = meeting.organization
    email = organizer_email or current_app.config.get("MAIL_DEFAULT_SENDER") or "no-reply@planner.invalid"
    if isinstance(email, tuple | list):
        organizer_name, email = organizer_name or email[0], email[1]
    organizer = Attendee(email=str(email), name=organizer_name or (org.name if org is not None else ""))
    attendees = []
    person_email = (participant.person.email or "").strip()
    if person_email:
        presiding = {p.id for p in meeting.presiding}
        attendees.append(Attendee(
            email=person_email, name=participant.full_name,
            role="CHAIR" if participant.id in presiding else "REQ-PARTICIPANT",
            partstat=PARTSTAT.get(participant.rsvp, "NEEDS-ACTION"), rsvp=participant.rsvp not in PARTSTAT))
    with force_locale(meeting.language or "vi"):
        words = _words()
        policy = feeds.Policy(staff=False, classified=feeds.WITHHOLD)
        events = feeds.meeting_events(_info(meeting, _delegate_link(meeting)), meeting_times(meeting),
                                      policy=policy, words=words, uid=feeds.invitation_uid(meeting.public_id))
        name = words.withheld if _withheld_name(meeting) else meeting.title
    for event in events:
        event.organizer = organizer
        event.attendees = list(attendees)
    return build_calendar(CalendarData(name, meeting.timezone, events, method="REQUEST", refresh_minutes=None))

