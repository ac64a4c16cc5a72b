"""Calendar feeds: the secret links (tokens) of meeting, personal and user feeds; issued, listed, revoked."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from planner.accounts.models import Organization, User
from planner.calendars import links
from planner.calendars.models import (
    FeedKind,
    FeedToken,
)
from planner.calendars.services.settings import TOKEN_PREFIX
from planner.core import audit
from planner.core.db import atomic
from planner.core.errors import NotFound, ValidationError
from planner.core.models import utcnow
from planner.core.permissions import clearance_of, visible_levels
from planner.core.text import clean_text
from planner.core.tokens import new_token, token_hash
from planner.delegates.models import Participant
from planner.extensions import db
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting

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
                      label=clean_text(label)[:120], created_by_id=created_by.id if created_by else None,
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
    label = clean_text(label)
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
