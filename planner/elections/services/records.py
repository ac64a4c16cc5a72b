"""The signed documents of elections (counting minutes, the election report, the credentials report),
rendered once and frozen (documents/records.py), and the credentials report's own figures."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from planner.accounts.models import User
from planner.core import audit
from planner.core.db import atomic, check_version
from planner.core.errors import Conflict
from planner.core.models import utcnow
from planner.delegates.models import AttendanceStatus
from planner.elections.models import CredentialsReport, Election, ElectionRound, ElectionStatus, RoundStatus
from planner.elections.services.common import (
    _audit,
    _ensure_open,
    _stale,
    _text,
    _unknown,
    _whole,
    convened,
    election_label,
    official_delegates,
)
from planner.elections.services.lists import counting_committee
from planner.elections.services.rounds import round_label
from planner.extensions import db
from planner.meetings.models import Meeting

# Signed documents: rendered once and frozen (documents/records.py) ------------------------------------------

def _freeze(document: Any, *, organization_id: int, meeting_id: int, kind: str, owner_type: str, owner_id: str,
            user: User | None, letterhead: bytes | None) -> None:
    from planner.documents import records
    from planner.documents.render import official_docx, official_pdf

    for fmt, data in (("pdf", official_pdf(document)), ("docx", official_docx(document, letterhead))):
        records.freeze(data, organization_id=organization_id, kind=kind, owner_type=owner_type, owner_id=owner_id,
                       fmt=fmt, meeting_id=meeting_id, created_by_id=getattr(user, "id", None))


def frozen(owner_type: str, owner_id: str, kind: str, fmt: str) -> bytes | None:
    """The signed document's bytes as they were frozen, or None while it is a draft."""
    from planner.documents import records

    record = records.find(owner_type, owner_id, kind, fmt)
    return records.open_frozen(record) if record is not None else None


def sign_counting_minutes(held: ElectionRound, *, user: User | None) -> ElectionRound:
    """The counting committee has signed the round's minutes: they are rendered once and kept as they are."""
    from planner.documents import services as document_services
    from planner.elections import documents

    election = held.election
    with atomic():
        if held.status is not RoundStatus.closed:
            raise Conflict(_("The counting minutes are signed once the round is closed."))
        if held.minutes_signed_at is not None:
            raise Conflict(_("These counting minutes are signed already."))
        if not counting_committee(election.meeting):
            raise Conflict(_("The congress has no counting committee yet: its members sign the counting minutes."))
        held.minutes_signed_at = utcnow()
        document = documents.counting_minutes(held, signed=True)
        _freeze(document, organization_id=election.organization_id, meeting_id=election.meeting_id,
                kind="counting_minutes", owner_type="election_round", owner_id=held.public_id, user=user,
                letterhead=document_services.letterhead(election.meeting.organization))
        _audit(election, "election.counting_minutes_signed", "election_round", held.public_id, round_label(held))
    return held


def sign_election_report(election: Election, *, user: User | None) -> Election:
    from planner.documents import services as document_services
    from planner.elections import documents

    with atomic():
        if ElectionStatus(election.status) is not ElectionStatus.closed:
            raise Conflict(_("The election report is signed once the election is closed."))
        if election.report_signed_at is not None:
            raise Conflict(_("This report is signed already."))
        election.report_signed_at = utcnow()
        _freeze(documents.election_report(election, signed=True), organization_id=election.organization_id,
                meeting_id=election.meeting_id, kind="election_report", owner_type="election",
                owner_id=election.public_id, user=user,
                letterhead=document_services.letterhead(election.meeting.organization))
        _audit(election, "election.report_signed", "election", election.public_id, election_label(election))
    return election


# The credentials report -----------------------------------------------------------------------------------

def credentials_of(meeting: Meeting) -> CredentialsReport:
    """The meeting's credentials report (a new, unsaved one until something is entered)."""
    found = db.session.scalar(select(CredentialsReport).where(CredentialsReport.meeting_id == meeting.id))
    return found or CredentialsReport(meeting_id=meeting.id, disqualified=0, cases="", signer_name="")




def credentials_figures(meeting: Meeting) -> Any:
    from planner.elections import documents

    delegates = official_delegates(meeting)
    day = meeting.starts_on
    present = {p.id for p in delegates
               if (a := p.attendance_on(day)) is not None and a.status is AttendanceStatus.present}
    reasons = {p.id: a.reason for p in delegates if (a := p.attendance_on(day)) is not None and a.reason}
    return documents.structure(delegates, present, reasons, day.year)


def update_credentials(meeting: Meeting, data: dict[str, Any], *, user: User | None,
                       version: Any = None) -> CredentialsReport:
    _unknown(data, ("disqualified", "cases", "signer_name"))
    report = credentials_of(meeting)
    with atomic(_stale()):
        check_version(report, version, _stale())
        _ensure_open(meeting)
        if report.signed_at is not None:
            raise Conflict(_("The credentials report is signed: it is kept as it was signed."))
        if "disqualified" in data:
            report.disqualified = _whole(data["disqualified"], "disqualified", _("Delegates not qualified"),
                                         high=convened(meeting))
        if "cases" in data:
            report.cases = _text(data["cases"], "cases", 20_000)
        if "signer_name" in data:
            report.signer_name = _text(data["signer_name"], "signer_name", 255, multiline=False)
        db.session.add(report)
        db.session.flush()
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action="election.credentials_updated", object_type="credentials_report",
                     object_id=report.public_id, summary=meeting.title,
                     changes={"disqualified": report.disqualified, "signer_name": report.signer_name})
    return report


def sign_credentials(meeting: Meeting, *, user: User | None) -> CredentialsReport:
    from planner.documents import services as document_services
    from planner.elections import documents

    report = credentials_of(meeting)
    with atomic():
        if report.signed_at is not None:
            raise Conflict(_("The credentials report is signed already."))
        report.signed_at = utcnow()
        db.session.add(report)
        db.session.flush()
        document = documents.credentials_report(meeting, report, credentials_figures(meeting), signed=True)
        _freeze(document, organization_id=meeting.organization_id, meeting_id=meeting.id, kind="credentials_report",
                owner_type="meeting", owner_id=meeting.public_id, user=user,
                letterhead=document_services.letterhead(meeting.organization))
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action="election.credentials_signed", object_type="credentials_report",
                     object_id=report.public_id, summary=meeting.title)
    return report
