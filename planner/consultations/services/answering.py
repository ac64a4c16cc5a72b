"""A consultation's life after its draft: sending it, the members' answers until the deadline, closing it
with its frozen records.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from planner.accounts.models import User
from planner.consultations.models import Answer, Consultation, ConsultationMember, ConsultationStatus
from planner.consultations.services.base import MAX_OPINION, _audit, _stale
from planner.consultations.services.checks import _ensure_draft, _text
from planner.consultations.services.links import _issue
from planner.consultations.services.reading import deadline_text, is_past_deadline, results
from planner.core import audit
from planner.core.db import atomic, check_version
from planner.core.errors import Conflict, NotFound, ValidationError
from planner.core.models import utcnow
from planner.extensions import db

# Sending, answering, closing ----------------------------------------------------------------------------

def send(consultation: Consultation, *, user: User | None, version: Any = None,
         now: datetime | None = None) -> Consultation:
    """Open the consultation for answers: every member gets their personal link."""
    check_version(consultation, version, _stale())
    _ensure_draft(consultation)
    now = now or utcnow()
    if not consultation.members:
        raise ValidationError(_("Add the members to ask before sending."))
    if consultation.deadline <= now:
        raise ValidationError(_("The deadline has passed: set a later one before sending."), field="deadline")
    with atomic(_stale()):
        for member in consultation.members:
            _issue(member)
        consultation.status = ConsultationStatus.open
        consultation.sent_at = now
        _audit(consultation, "consultation.sent", consultation.title,
               {"members": len(consultation.members), "deadline": consultation.deadline.isoformat()})
    return consultation


def answer(member: ConsultationMember, choice: Answer | str | None, opinion: Any = "", *,
           now: datetime | None = None) -> ConsultationMember:
    """A member's answer through their link; they may change it until the deadline."""
    consultation = member.consultation
    now = now or utcnow()
    if consultation.status is ConsultationStatus.closed:
        raise Conflict(_("This consultation is closed: answers are no longer taken."))
    if consultation.status is not ConsultationStatus.open:
        raise NotFound(_("Not found."))
    if is_past_deadline(consultation, now):
        raise Conflict(_("The deadline for answers was %(when)s: answers are no longer taken.",
                         when=deadline_text(consultation)))
    try:
        value = Answer(choice or "")
    except ValueError:
        raise ValidationError(_("Choose agree, disagree or other opinion."), field="answer") from None
    text = _text(opinion, "opinion", MAX_OPINION, multiline=True)
    if value is Answer.other and not text:
        raise ValidationError(_("Write your opinion."), field="opinion")
    before = {"answer": member.answer.value if member.answer else None, "opinion": member.opinion}
    with atomic():
        member.answer = value
        member.opinion = text
        member.answered_at = now
        changes = audit.diff(before, {"answer": value.value, "opinion": text})
        _audit(consultation, "consultation.answered" if before["answer"] is None else "consultation.answer_changed",
               f"{consultation.title}: {member.full_name}", changes,
               actor_label=f"member:{member.public_id}")
    return member


# Frozen records of a closed consultation: (kind, format) -> builder name in consultations.report
RECORDS = (("result", "pdf"), ("result", "docx"), ("sheet", "xlsx"))
OWNER = "consultation"


def close(consultation: Consultation, *, user: User | None, version: Any = None,
          now: datetime | None = None) -> Consultation:
    """Close the consultation (at or before its deadline, staff decide): links stop taking answers, and the
    result sheet and the report are rendered once and kept as they are (documents.records)."""
    from planner.consultations import report
    from planner.documents import records

    check_version(consultation, version, _stale())
    if consultation.status is not ConsultationStatus.open:
        raise Conflict(_("Only a consultation open for answers can be closed."))
    now = now or utcnow()
    with atomic(_stale()):
        consultation.status = ConsultationStatus.closed
        consultation.closed_at = now
        db.session.flush()
        found = results(consultation)
        for kind, fmt in RECORDS:
            data = report.build(consultation, found, kind, fmt)
            records.freeze(data, organization_id=consultation.organization_id, kind=kind, owner_type=OWNER,
                           owner_id=consultation.public_id, fmt=fmt, meeting_id=consultation.meeting_id,
                           created_by_id=user.id if user is not None else None)
        _audit(consultation, "consultation.closed", consultation.title,
               {"asked": found.asked, "agree": found.agree, "disagree": found.disagree, "other": found.other,
                "not_answered": found.not_answered})
    return consultation


def record_bytes(consultation: Consultation, kind: str, fmt: str) -> bytes:
    """A closed consultation's stored record; an open one's is built from its current state (the exporter's
    auditor writes the download of a classified one to the audit log)."""
    from planner.consultations import report
    from planner.documents import records

    if consultation.status is ConsultationStatus.closed:
        record = records.find(OWNER, consultation.public_id, kind, fmt)
        if record is None:
            raise NotFound(_("This record was not kept when the consultation was closed."))
        data = records.open_frozen(record)
    else:
        data = report.build(consultation, results(consultation), kind, fmt)
    return data


def record_version(consultation: Consultation) -> str:
    """Changes whenever what the result would say changes (for the downloads' ETag)."""
    latest = max((m.answered_at for m in consultation.members if m.answered_at), default=None)
    return f"{consultation.public_id}:{consultation.version}:{len(consultation.members)}:{latest}"
