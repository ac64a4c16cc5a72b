"""Document numbers: assigned by the database under a lock, per organization, type and period.

The next number is taken by one atomic UPDATE … SET last_number = last_number + 1 RETURNING, which
locks the sequence row (PostgreSQL) or the database (SQLite) until the caller's transaction ends:
concurrent approvals queue and each gets its own number. If the approval that asked for the
number fails, the whole transaction rolls back and the number is not spent, so failures leave no
gaps; once committed, a number is in the register and never given again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from planner.documents.issuers import IssuingBody
from planner.documents.models import DocumentSequence, DocumentSettings, IssuedNumber, NumberingPeriod
from planner.documents.profiles import DOCUMENT_TYPES, Profile
from planner.extensions import db


@dataclass(frozen=True)
class AssignedNumber:
    number: int
    formatted: str
    scope: str


def settings_for(organization_id: int) -> DocumentSettings:
    settings = db.session.scalar(select(DocumentSettings).where(DocumentSettings.organization_id == organization_id))
    return settings or DocumentSettings(organization_id=organization_id, numbering_period=NumberingPeriod.year)


def sequence_scope(settings: DocumentSettings, document_type: str, on: date,
                   congress_meeting_public_id: str | None = None, issuer: IssuingBody | None = None) -> str:
    """Which sequence a document draws from: a congress has one for all its documents; a body the office
    issues for (the committee, ``-TB/TU``) keeps its own register beside the office's (``-TB/VPTU``)."""
    if congress_meeting_public_id:
        return f"meeting:{congress_meeting_public_id}"
    code = DOCUMENT_TYPES[document_type]["code"]
    if issuer is not None and issuer.body != "own":
        code = f"{code}@{issuer.code}"
    if settings.numbering_period == NumberingPeriod.term and settings.term_label:
        return f"{code}/term:{settings.term_label}"
    return f"{code}/{on.year}"


def _next_in_sequence(organization_id: int, scope: str) -> int:
    bump = (
        update(DocumentSequence)
        .where(DocumentSequence.organization_id == organization_id, DocumentSequence.scope == scope)
        .values(last_number=DocumentSequence.last_number + 1)
        .returning(DocumentSequence.last_number)
        .execution_options(synchronize_session=False)
    )
    number = db.session.execute(bump).scalar_one_or_none()
    if number is not None:
        return number
    # The first number of this sequence: create the row in a savepoint (a concurrent creator may
    # win the unique constraint; then its row is there), and bump it.
    try:
        with db.session.begin_nested():
            db.session.add(DocumentSequence(organization_id=organization_id, scope=scope, last_number=0))
    except IntegrityError:
        pass
    return db.session.execute(bump).scalar_one()


def assign_number(
    *,
    organization_id: int,
    profile: Profile,
    document_type: str,
    on: date,
    object_type: str,
    object_id: str,
    language: str = "vi",
    meeting_id: int | None = None,
    congress_meeting_public_id: str | None = None,
    issued_by_id: int | None = None,
    issuer: IssuingBody | None = None,
    body_code: str | None = None,
) -> AssignedNumber:
    """Take the next number and enter it in the register. The caller commits (or rolls back).

    The body code of the number is the issuing body's (documents.issuers): the same body gives the
    signature its authority line, so the two agree. ``body_code`` alone stands for the office's own."""
    if issuer is None:
        issuer = IssuingBody("own", "", "", body_code or "", "")
    settings = settings_for(organization_id)
    scope = sequence_scope(settings, document_type, on, congress_meeting_public_id, issuer)
    number = _next_in_sequence(organization_id, scope)
    formatted = profile.number(number, document_type, issuer.code, language)
    db.session.add(IssuedNumber(
        organization_id=organization_id, scope=scope, number=number, document_type=document_type,
        formatted=formatted, object_type=object_type, object_id=object_id, meeting_id=meeting_id,
        issued_by_id=issued_by_id,
    ))
    db.session.flush()
    return AssignedNumber(number, formatted, scope)
