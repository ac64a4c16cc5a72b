"""Reading consultations as the user may see them: the list, one consultation, its members and documents,
its deadline in the organization's time zone, and its results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from planner.accounts.models import Organization, User
from planner.consultations.models import Answer, Consultation, ConsultationDocument, ConsultationMember
from planner.consultations.services.base import _audit
from planner.core.db import atomic
from planner.core.errors import NotFound
from planner.core.models import utcnow
from planner.core.permissions import Classification, clearance_of, visible_levels
from planner.extensions import db

# Reading ------------------------------------------------------------------------------------------------

def zone(consultation: Consultation | Organization) -> ZoneInfo:
    org = consultation.organization if isinstance(consultation, Consultation) else consultation
    return ZoneInfo(org.timezone or "Asia/Ho_Chi_Minh")


def local(consultation: Consultation, moment: datetime | None) -> datetime | None:
    return moment.astimezone(zone(consultation)) if moment is not None else None


def deadline_text(consultation: Consultation) -> str:
    """``17/12/2026 17:00`` in the organization's time."""
    deadline = local(consultation, consultation.deadline)
    return deadline.strftime("%d/%m/%Y %H:%M") if deadline else ""


def consultations_query(org: Organization, user: User | None) -> Select[tuple[Consultation]]:
    """The one visibility rule for staff: the organization's, within the reader's clearance."""
    return select(Consultation).where(
        Consultation.organization_id == org.id,
        Consultation.classification.in_(visible_levels(clearance_of(user, org.id))))


def list_consultations(org: Organization, user: User | None) -> list[Consultation]:
    return list(db.session.scalars(consultations_query(org, user).options(selectinload(Consultation.members))
                                   .order_by(Consultation.created_at.desc(), Consultation.id.desc())))


def get_consultation(org: Organization, public_id: str, *, user: User | None) -> Consultation:
    consultation = db.session.scalar(consultations_query(org, user).where(Consultation.public_id == str(public_id))
                                     .options(selectinload(Consultation.members),
                                              selectinload(Consultation.documents)))
    if consultation is None:
        raise NotFound(_("No such consultation."))
    return consultation


def note_view(consultation: Consultation, what: str = "") -> None:
    """DOMAIN.md: every view of classified content (mật and above) is written to the audit log."""
    if not Classification(consultation.classification).is_classified:
        return
    with atomic():
        _audit(consultation, "consultation.viewed", what or consultation.title)


def get_member(consultation: Consultation, public_id: str) -> ConsultationMember:
    member = next((m for m in consultation.members if m.public_id == str(public_id)), None)
    if member is None:
        raise NotFound(_("No such member."))
    return member


def get_document(consultation: Consultation, public_id: str) -> ConsultationDocument:
    document = next((d for d in consultation.documents if d.public_id == str(public_id)), None)
    if document is None:
        raise NotFound(_("No such document."))
    return document


def is_past_deadline(consultation: Consultation, now: datetime | None = None) -> bool:
    return (now or utcnow()) > consultation.deadline


def withheld(consultation: Consultation) -> bool:
    """A classified consultation's question and documents stay off the personal link and out of e-mails."""
    return Classification(consultation.classification) != Classification.none


# Results ------------------------------------------------------------------------------------------------

@dataclass
class Results:
    asked: int = 0
    answered: int = 0
    agree: int = 0
    disagree: int = 0
    other: int = 0
    members: list[ConsultationMember] = field(default_factory=list)

    @property
    def not_answered(self) -> int:
        return self.asked - self.answered

    def percent(self, count: int) -> str:
        """Of those asked, one decimal, as the minutes write it (``66,7%`` in Vietnamese)."""
        if not self.asked:
            return "0%"
        value = f"{100 * count / self.asked:.1f}".rstrip("0").rstrip(".")
        return f"{value}%"

    def of(self, answer: Answer | None) -> list[ConsultationMember]:
        return [m for m in self.members if m.answer == answer]


def results(consultation: Consultation) -> Results:
    """Who answered what and who did not, with the counts (of those asked)."""
    found = Results(members=list(consultation.members))
    found.asked = len(found.members)
    for member in found.members:
        if member.answer is None:
            continue
        found.answered += 1
        if member.answer is Answer.agree:
            found.agree += 1
        elif member.answer is Answer.disagree:
            found.disagree += 1
        else:
            found.other += 1
    return found
