"""Before approval: the clerk's check of the document against the meeting (what is missing, what disagrees)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from planner.agenda.models import AgendaItem, AgendaItemStatus
from planner.core.errors import ValidationError
from planner.core.permissions import Classification
from planner.delegates.models import AttendanceStatus, ParticipantCategory
from planner.documents import services as document_services
from planner.extensions import db
from planner.minutes import checks
from planner.minutes.models import (
    Minutes,
)
from planner.minutes.services.base import NOTICE_KINDS, local_today, signature_section_lines
from planner.minutes.services.facts import _participants, _speeches, attendance_facts

# Before approval: the clerk's check -------------------------------------------------------------------------

def check_context(minutes: Minutes, *, today: date | None = None) -> checks.CheckContext:
    """The facts the clerk's checks read: a fixed number of queries whatever the size of the meeting."""
    meeting = minutes.meeting
    items = list(db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                                    .order_by(AgendaItem.starts_at, AgendaItem.position)))
    roll = _participants(meeting)
    _expected, present, _paragraph, _absentees = attendance_facts(meeting, roll)
    absent: dict[int, str] = {}
    without_reason: list[str] = []
    for p in roll.entries:  # everyone with a record (the others are only counted)
        records = p.attendance
        if not records or any(a.status == AttendanceStatus.present for a in records):
            continue
        absent[p.id] = p.full_name
        if p.category != ParticipantCategory.staff and not any(a.reason for a in records) \
                and not any(a.status == AttendanceStatus.excused for a in records):
            without_reason.append(p.full_name)
    titles = {item.id: (f"item:{item.public_id}", item.title) for item in items}
    speeches = [checks.SpeechFact(item_key=titles[s.agenda_item_id][0], item_title=titles[s.agenda_item_id][1],
                                  speaker=s.speaker.full_name, participant_id=s.participant_id,
                                  status=s.status.value)
                for rows in _speeches(meeting).values() for s in rows if s.agenda_item_id in titles]
    sessions = [i for i in items if i.kind.value == "session" and i.status != AgendaItemStatus.cancelled]
    recipients = next((s for s in minutes.sections or [] if s.get("kind") == "recipients"), {})
    extra = {
        "signer_problems": document_services.signer_problems(minutes.kind.value,
                                                             signature_section_lines(minutes.sections)),
        "classified_problems": document_services.classified_problems(recipients.get("drafter"),
                                                                     recipients.get("copies"))
        if Classification(meeting.classification).is_classified else [],
    }
    return checks.CheckContext(
        kind=minutes.kind.value, meeting_kind=meeting.kind.value, sections=minutes.sections or [],
        today=today or local_today(meeting), starts_on=meeting.starts_on, ends_on=meeting.ends_on,
        presiding=[p.full_name for p in meeting.presiding],
        session_chairs=[p.full_name for i in sessions for p in i.presiding],
        secretaries=[p.full_name for p in meeting.secretaries], present=present, absent=absent,
        absent_without_reason=without_reason, speeches=speeches,
        item_kinds={f"item:{i.public_id}": i.kind.value for i in items},
        needs_conclusion=meeting.kind in NOTICE_KINDS, extra=extra, minutes=minutes)


def approval_findings(minutes: Minutes, *, today: date | None = None) -> list[checks.Finding]:
    """What the clerk's check finds in this document now: what blocks approval, and warnings."""
    return checks.run(check_context(minutes, today=today))


def ensure_approvable(minutes: Minutes, *, today: date | None = None) -> list[checks.Finding]:
    """Refuse approval with every missing element named (ValidationError, errors [{check, detail, section}]);
    answer the warnings the clerk accepts by approving."""
    findings = approval_findings(minutes, today=today)
    missing = checks.blocking(findings)
    if missing:
        raise ValidationError(
            _("This document cannot be approved yet: %(what)s", what=" ".join(f.message for f in missing)),
            field="status", errors=[f.as_data() for f in missing])
    return findings
