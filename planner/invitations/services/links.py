"""Personal links: a delegate's page ``/d/<secret>`` (made, shown again, rotated, revoked, resolved) and the
answer a delegate gives through it."""


from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from planner.accounts.models import User
from planner.core import audit, public_urls
from planner.core.db import atomic, note_time
from planner.core.errors import ValidationError
from planner.core.models import utcnow
from planner.core.text import normalize
from planner.core.tokens import derived_secret, token_hash
from planner.delegates import services as delegate_services
from planner.delegates.models import Participant, Rsvp
from planner.extensions import db
from planner.invitations.models import (
    InvitationReply,
    ParticipantLink,
)
from planner.meetings.models import Meeting

LINK_PREFIX = "d_"
LINK_USE_NOTE_EVERY = timedelta(minutes=1)
MAX_NOTE = 1000
_SECRET_SHAPE = re.compile(r"^d_[A-Za-z0-9_-]{43}$")


# Personal links --------------------------------------------------------------------------------------

def _derive(nonce: str) -> str:
    return derived_secret("planner.delegate-link.v1", nonce, current_app.config["SECRET_KEY"], LINK_PREFIX)


def link_secret(link: ParticipantLink | None) -> str | None:
    """The secret of an active link, or None (revoked, or made under another secret key: issue a new one)."""
    if link is None or link.revoked_at is not None:
        return None
    secret = _derive(link.nonce)
    return secret if hmac.compare_digest(token_hash(secret), link.token_hash) else None


def link_url(secret: str) -> str:
    """The link as staff see it on screen: at the public address when one is configured, else at the
    address the page was opened at."""
    return public_urls.url("portal.delegate", token=secret) or url_for("portal.delegate", token=secret,
                                                                        _external=True)


def printed_link_url(secret: str) -> str | None:
    """The link as printed on paper: only at the configured public address (core.public_urls)."""
    return public_urls.url("portal.delegate", token=secret)


def _actor(user: User | None) -> int | None:
    return user.id if user is not None else None


def _link_audit(link: ParticipantLink, participant: Participant, action: str, summary: str = "") -> None:
    meeting = participant.meeting
    audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id, action=action,
                 object_type="participant", object_id=participant.public_id,
                 summary=summary or f"{participant.full_name} ({link.hint}…)")


def active_link(participant: Participant) -> ParticipantLink | None:
    return db.session.scalar(select(ParticipantLink).where(
        ParticipantLink.participant_id == participant.id, ParticipantLink.revoked_at.is_(None)
    ).order_by(ParticipantLink.id.desc()).limit(1))


def active_links(participant_ids: Iterable[int]) -> dict[int, ParticipantLink]:
    """The active link of each of these participants (one query)."""
    ids = list(participant_ids)
    if not ids:
        return {}
    rows = db.session.scalars(select(ParticipantLink).where(
        ParticipantLink.participant_id.in_(ids), ParticipantLink.revoked_at.is_(None)
    ).order_by(ParticipantLink.id))
    return {link.participant_id: link for link in rows}


def _revoke_active(participant: Participant, now: datetime) -> int:
    links = db.session.scalars(select(ParticipantLink).where(
        ParticipantLink.participant_id == participant.id, ParticipantLink.revoked_at.is_(None)))
    count = 0
    for link in links:
        link.revoked_at = now
        count += 1
    return count


def _issue(participant: Participant, user: User | None) -> tuple[ParticipantLink, str]:
    """A new link in the caller's unit of work; the participant's earlier one is revoked."""
    now = utcnow()
    replaced = _revoke_active(participant, now)
    nonce = secrets.token_urlsafe(32)
    secret = _derive(nonce)
    link = ParticipantLink(participant_id=participant.id, token_hash=token_hash(secret), nonce=nonce,
                           hint=secret[:8], created_at=now, created_by_id=_actor(user))
    db.session.add(link)
    db.session.flush()
    _link_audit(link, participant, "participant.link_rotated" if replaced else "participant.link_issued")
    return link, secret


def issue_link(participant: Participant, *, user: User | None = None) -> tuple[ParticipantLink, str]:
    """A new personal link; the earlier one stops working at once (rotation)."""
    with atomic():
        link, secret = _issue(participant, user)
    return link, secret


def ensure_link(participant: Participant, *, user: User | None = None) -> str:
    """The participant's current link secret, issuing one when they have none (or it cannot be shown)."""
    secret = link_secret(active_link(participant))
    if secret is not None:
        return secret
    with atomic():
        _link, secret = _issue(participant, user)
    return secret


def personal_link(participant: Participant, *, user: User | None = None, rotate: bool = False) -> str:
    """The address of the participant's personal page (``POST /participants/{id}/link``): made if they have
    none, the same one again otherwise; ``rotate`` revokes the old link and makes a new one."""
    if rotate:
        _link, secret = issue_link(participant, user=user)
    else:
        secret = ensure_link(participant, user=user)
    return link_url(secret)


def revoke_link(participant: Participant, *, user: User | None = None) -> int:
    """Stop the participant's link; their page answers 404 until a new link is issued."""
    link = active_link(participant)
    if link is None:
        return 0
    with atomic():
        count = _revoke_active(participant, utcnow())
        _link_audit(link, participant, "participant.link_revoked")
    return count


def current_link_url(participant: Participant) -> str | None:
    """For printed letters (documents.links): the participant's link, made on first need; None without a
    public base URL (nothing addressable is printed then, and no link is made for it)."""
    if public_urls.base_url() is None:
        return None
    return printed_link_url(ensure_link(participant))


def resolve(secret: str | None) -> tuple[Participant, ParticipantLink] | None:
    """The participant of an active link, with their person, meeting and organization (one query)."""
    if not secret or not _SECRET_SHAPE.match(secret):
        return None
    row = db.session.execute(
        select(ParticipantLink, Participant)
        .join(Participant, Participant.id == ParticipantLink.participant_id)
        .where(ParticipantLink.token_hash == token_hash(secret), ParticipantLink.revoked_at.is_(None))
        .options(joinedload(Participant.meeting).joinedload(Meeting.organization))
    ).first()
    if row is None:
        return None
    link, participant = row
    return participant, link


def note_use(link: ParticipantLink, now: datetime | None = None) -> None:
    """Remember when a link was last opened: at most one write a minute."""
    note_time(link, "last_used_at", now or utcnow(), LINK_USE_NOTE_EVERY)


# The answer through the link ------------------------------------------------------------------------

ANSWERS = (Rsvp.accepted, Rsvp.declined)


def answer(participant: Participant, rsvp: Rsvp | str, note: str | None = "") -> Participant:
    """The delegate accepts or declines (with an optional note for the organizers) from their page.

    The RSVP itself is set by delegates.services.set_rsvp (which audits it); the answer and its note are
    kept as an InvitationReply, audited as the delegate's."""
    try:
        rsvp = Rsvp(rsvp)
    except ValueError:
        rsvp = None  # type: ignore[assignment]
    if rsvp not in ANSWERS:
        raise ValidationError(_("Choose whether you will attend."), field="rsvp")
    note = normalize((note or "").strip()) if note else ""
    if len(note) > MAX_NOTE:
        raise ValidationError(_("The note is too long: at most %(n)d characters.", n=MAX_NOTE), field="note")
    before = participant.rsvp
    with atomic():
        delegate_services.set_rsvp(participant, rsvp)
        last = latest_replies([participant.id]).get(participant.id)
        if before == rsvp and (last is not None and last.note == note and last.rsvp == rsvp.value):
            return participant
        meeting = participant.meeting
        db.session.add(InvitationReply(participant_id=participant.id, rsvp=rsvp.value, note=note))
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action="invitation.answered", object_type="participant", object_id=participant.public_id,
                     summary=participant.full_name, changes={"rsvp": [before.value, rsvp.value], "note": note},
                     actor_label=f"delegate:{participant.public_id}")
    return participant


def latest_replies(participant_ids: Iterable[int]) -> dict[int, InvitationReply]:
    ids = list(participant_ids)
    if not ids:
        return {}
    newest = (select(func.max(InvitationReply.id)).where(InvitationReply.participant_id.in_(ids))
              .group_by(InvitationReply.participant_id))
    rows = db.session.scalars(select(InvitationReply).where(InvitationReply.id.in_(newest)))
    return {r.participant_id: r for r in rows}


def ensure_links(meeting: Meeting, participants: list[Participant], *, user: User | None = None) -> int:
    """A link for each of these participants who has none that can be shown; answers how many were made."""
    links = active_links(p.id for p in participants)
    made = 0
    with atomic():
        for participant in participants:
            if link_secret(links.get(participant.id)) is None:
                _issue(participant, user)
                made += 1
    return made
