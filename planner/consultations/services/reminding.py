"""Reminders: the members due one in the current window before the deadline, marked once reminded.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from flask_babel import format_datetime
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from planner.consultations.models import Consultation, ConsultationMember, ConsultationStatus
from planner.consultations.services.base import _audit
from planner.consultations.services.reading import local
from planner.core.db import atomic
from planner.core.models import utcnow
from planner.extensions import db

# Reminders ----------------------------------------------------------------------------------------------

def window_start(consultation: Consultation) -> datetime:
    return consultation.deadline - timedelta(hours=consultation.remind_hours)


def due_reminders(now: datetime | None = None, *, organization_id: int | None = None) -> list[ConsultationMember]:
    """Members to remind now: of an open consultation whose reminder window (``remind_hours`` before the
    deadline) has begun and whose deadline has not passed; who have not answered, have an e-mail address and
    an active link, and have not been reminded in this window (once per window: moving the deadline later
    opens a new window)."""
    now = now or utcnow()
    query = (select(ConsultationMember).join(Consultation)
             .where(Consultation.status == ConsultationStatus.open, Consultation.deadline > now,
                    ConsultationMember.answer.is_(None), ConsultationMember.email != "",
                    ConsultationMember.token_hash.is_not(None), ConsultationMember.link_revoked_at.is_(None))
             .options(joinedload(ConsultationMember.consultation).joinedload(Consultation.organization))
             .order_by(Consultation.id, ConsultationMember.position))
    if organization_id is not None:
        query = query.where(Consultation.organization_id == organization_id)
    due = []
    for member in db.session.scalars(query):
        start = window_start(member.consultation)
        if now < start:
            continue
        if member.reminded_at is not None and member.reminded_at >= start:
            continue
        due.append(member)
    return due


def mark_reminded(members: Sequence[ConsultationMember], now: datetime | None = None) -> None:
    now = now or utcnow()
    with atomic():
        for member in members:
            member.reminded_at = now
            _audit(member.consultation, "consultation.reminded", f"{member.consultation.title}: {member.full_name}")


def answered_when(member: ConsultationMember) -> str:
    if member.answered_at is None:
        return ""
    return format_datetime(local(member.consultation, member.answered_at), "dd/MM/yyyy HH:mm")
