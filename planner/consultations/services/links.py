"""The members' personal links (``/c/<secret>``): derived from a nonce and SECRET_KEY, only the hash stored,
shown again, rotated or revoked by staff.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from planner.accounts.models import User
from planner.consultations.models import Consultation, ConsultationMember, ConsultationStatus
from planner.consultations.services.base import (
    _SECRET_SHAPE,
    LINK_PREFIX,
    LINK_PURPOSE,
    LINK_USE_NOTE_EVERY,
    _audit,
    _stale,
)
from planner.core.db import atomic, note_time
from planner.core.errors import Conflict
from planner.core.models import utcnow
from planner.core.tokens import derived_secret, same_token, token_hash
from planner.extensions import db

# Personal links -----------------------------------------------------------------------------------------

def _derive(nonce: str) -> str:
    return derived_secret(LINK_PURPOSE, nonce, current_app.config["SECRET_KEY"], LINK_PREFIX)


def link_secret(member: ConsultationMember) -> str | None:
    """The secret of the member's active link, or None (none issued, revoked, or made under another key)."""
    if member.nonce is None or member.token_hash is None or member.link_revoked_at is not None:
        return None
    secret = _derive(member.nonce)
    return secret if same_token(secret, member.token_hash) else None


def _issue(member: ConsultationMember) -> str:
    nonce = secrets.token_urlsafe(32)
    secret = _derive(nonce)
    member.nonce = nonce
    member.token_hash = token_hash(secret)
    member.hint = secret[:8]
    member.link_revoked_at = None
    member.last_used_at = None
    return secret


def rotate_link(consultation: Consultation, member: ConsultationMember, *, user: User | None) -> str:
    """A new link for the member; the earlier one stops working at once."""
    if consultation.status is not ConsultationStatus.open:
        raise Conflict(_("Links work only while the consultation is open for answers."))
    with atomic(_stale()):
        secret = _issue(member)
        _audit(consultation, "consultation.link_rotated", f"{consultation.title}: {member.full_name}")
    return secret


def revoke_link(consultation: Consultation, member: ConsultationMember, *, user: User | None) -> None:
    if member.token_hash is None or member.link_revoked_at is not None:
        return
    with atomic(_stale()):
        member.link_revoked_at = utcnow()
        _audit(consultation, "consultation.link_revoked", f"{consultation.title}: {member.full_name}")


def resolve(secret: str | None) -> ConsultationMember | None:
    """The member of an active link, with their consultation and its organization (one query)."""
    if not secret or not _SECRET_SHAPE.match(secret):
        return None
    member = db.session.scalar(
        select(ConsultationMember).where(ConsultationMember.token_hash == token_hash(secret),
                                         ConsultationMember.link_revoked_at.is_(None))
        .options(joinedload(ConsultationMember.consultation).joinedload(Consultation.organization)))
    if member is None or member.consultation.status is ConsultationStatus.draft:
        return None
    return member


def note_use(member: ConsultationMember, now: datetime | None = None) -> None:
    """Remember when a link was last opened: at most one write a minute."""
    note_time(member, "last_used_at", now or utcnow(), LINK_USE_NOTE_EVERY)
