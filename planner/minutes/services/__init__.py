"""Minutes and conclusion notices: the only code that writes them, their revisions and the invitation letter.

Rules kept here:
- "Generate draft" composes the sections from the meeting (compose.py); a document exists once per
  meeting and kind and edition; a correction after approval is a new edition linked to the old.
- Every save is a revision (author, time). A save carries the version its author read: a stale one is
  refused with both texts, and the refused text is kept as a ``conflict`` revision, so nothing is lost.
- Workflow draft → submitted → approved. Writing and submitting need ``take_minutes``; approving needs
  ``approve`` (administrators). Approval takes the next number from the database under a lock
  (documents.numbering) in the same transaction, and locks the text for good.
- The conclusion notice is due 5 working days after the meeting (weekends and the organization's
  public holidays skipped).
- Every view or download of a classified meeting's minutes is written to the audit log."""

from __future__ import annotations

from copy import deepcopy
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from planner.accounts.models import User
from planner.core.db import atomic, check_version
from planner.core.errors import Conflict, Forbidden, NotFound, ValidationError
from planner.core.models import utcnow
from planner.core.permissions import Classification
from planner.delegates.models import Participant
from planner.documents import numbering, records
from planner.documents import services as document_services
from planner.extensions import db
from planner.meetings.models import Meeting, MeetingKind
from planner.minutes.models import (
    STATUS_TRANSITIONS,
    Minutes,
    MinutesKind,
    MinutesStatus,
)
from planner.minutes.services.base import (
    DEFAULT_RECIPIENTS,
    DOCUMENTS_USED,
    MAX_DECISIONS,
    MAX_HEADING,
    MAX_TEXT,
    MAX_VOTES,
    NOTICE_DUE_WORKING_DAYS,
    NOTICE_KINDS,
    NOTICE_LOOKBACK,
    RECORD_FORMATS,
    RECORD_OWNER,
    SIGNATURE_FIELDS,
    TEXT_FIELDS,
    VOTE_RESULTS,
    MinutesConflict,
    _kind,
    can_approve,
    can_write,
    current,
    editions,
    ensure_readable,
    language_of,
    local_today,
    require_current,
    signature_section,
    signature_section_lines,
    zone,
)
from planner.minutes.services.checking import approval_findings, check_context, ensure_approvable
from planner.minutes.services.data import minutes_data, note_classified
from planner.minutes.services.deadlines import NoticeDue, notice_due, notices_due, owes_notice
from planner.minutes.services.facts import (
    _bounds,
    attendance_facts,
    compose_sections,
    meeting_facts,
    presiding_people,
    speakers_by_item,
)
from planner.minutes.services.invitation_letter import (
    INVITATION_FIELDS,
    invitation_letter,
    invited,
    save_invitation_letter,
)
from planner.minutes.services.revisions import (
    SectionDiff,
    compare,
    diff_html,
    diff_words,
    restore,
    revision,
    revisions,
    section_text,
)
from planner.minutes.services.writing import (
    MAX_COPIES,
    _add_revision,
    _audit,
    _author,
    _ensure_meeting_open,
    _ensure_writer,
    _stale_is_conflict,
    _version,
    apply_changes,
    changed_keys,
    ensure_editable,
    generate,
    save,
)

# Workflow ---------------------------------------------------------------------------------------------------

def set_status(minutes: Minutes, target: Any, *, user: User | None, version: Any,
               at: datetime | None = None) -> Minutes:
    """Move the document along its workflow. ``at`` is the moment of the change (default now; a time zone is
    required): an approval recorded afterwards (the demo's past, a record entered late) carries its own day in the
    approval time, the number's year and the frozen documents' date line."""
    meeting = minutes.meeting
    if at is not None and (at.tzinfo is None or at > utcnow()):
        raise ValidationError(_("The moment of approval must be a past time with its time zone."), field="at")
    try:
        target = MinutesStatus(target)
    except ValueError:
        raise ValidationError(_("Unknown status."), field="status") from None
    read = _version(version)
    if target is minutes.status:
        return minutes
    if target not in STATUS_TRANSITIONS[minutes.status]:
        if minutes.status is MinutesStatus.approved:
            raise Conflict(_("These minutes are approved and locked. A correction is made as a new document "
                             "linked to them."))
        raise Conflict(_("This change of status is not possible."))
    if target is MinutesStatus.approved:
        if not can_approve(user, meeting):
            raise Forbidden(_("Only an approver (administrator) may approve documents."))
    else:
        _ensure_writer(user, meeting)
    _ensure_meeting_open(meeting)
    if target is MinutesStatus.approved and read == minutes.version:
        ensure_approvable(minutes, today=local_today(meeting, at) if at is not None else None)
    check_version(minutes, read, _("Someone else has changed this document meanwhile. Reload it and try again."))
    before = minutes.status
    now = at.astimezone(UTC) if at is not None else utcnow()
    # The number is taken, the record rendered and frozen and the row updated in one block: a stale approval
    # or a failed rendering approves nothing and spends no number (it is given back with the rest).
    with _stale_is_conflict():
        if target is MinutesStatus.approved:
            _approve(minutes, user, now)
        elif target is MinutesStatus.submitted:
            minutes.submitted_at, minutes.submitted_by_id = now, user.id if user else None
        minutes.status = target
        changes = {"status": [before.value, target.value]}
        if minutes.number:
            changes["number"] = [None, minutes.number]
        if target is MinutesStatus.approved:
            changes.update({f"{fmt}_sha256": [None, sha] for fmt, sha in _freeze(minutes, user).items()})
        _audit(minutes, f"{minutes.kind.value}.{target.value}", meeting.title, changes)
    return minutes


def _freeze(minutes: Minutes, user: User | None) -> dict[str, str]:
    """Render the approved document once as PDF and DOCX and keep those bytes as its record (documents.records);
    their SHA-256 go on the row. From then on every download, the dossier and the API serve these bytes, whatever
    the profile, names, codes, letterhead, templates or code become."""
    from planner.minutes import documents as minute_documents  # the renderer's data builds on this module

    digests = {}
    for fmt, data in minute_documents.render_record(minutes).items():
        record = records.freeze(data, organization_id=minutes.organization_id, kind=minutes.kind.value,
                                owner_type=RECORD_OWNER, owner_id=minutes.public_id, fmt=fmt,
                                meeting_id=minutes.meeting_id, created_by_id=user.id if user else None)
        setattr(minutes, f"{fmt}_sha256", record.sha256)
        digests[fmt] = record.sha256
    return digests


def record_bytes(minutes: Minutes, fmt: str) -> bytes:
    """The approved document's bytes as frozen at approval, checked against their SHA-256.

    A document approved before records were kept has none: it is frozen at its first reading, once (audited),
    and served unchanged from then on.
    """
    if fmt not in RECORD_FORMATS:
        raise NotFound(_("Not found."))
    if minutes.status is not MinutesStatus.approved:
        raise Conflict(_("Only an approved document has a record; a draft is rendered as it stands."))
    record = records.find(RECORD_OWNER, minutes.public_id, minutes.kind.value, fmt)
    if record is None:
        try:
            with atomic():
                digests = _freeze(minutes, None)
                _audit(minutes, f"{minutes.kind.value}.frozen", minutes.meeting.title,
                       {f"{name}_sha256": [None, sha] for name, sha in digests.items()})
        except Conflict:
            pass  # frozen meanwhile by another reader (rolled back): theirs is the record
        record = records.find(RECORD_OWNER, minutes.public_id, minutes.kind.value, fmt)
        if record is None:
            raise Conflict(_("Someone else has changed this document meanwhile. Reload it and try again."))
    return records.open_frozen(record)


def approved_edition(meeting: Meeting, kind: MinutesKind | str, edition: Any) -> Minutes:
    """An approved edition of the minutes or notice (the current one or one a correction replaced)."""
    try:
        number = int(edition)
    except (TypeError, ValueError):
        raise NotFound(_("Not found.")) from None
    found = db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id, Minutes.kind == _kind(kind),
                                                    Minutes.edition == number))
    if found is None or found.status is not MinutesStatus.approved:
        raise NotFound(_("No approved document of this edition."))
    return found


def _approve(minutes: Minutes, user: User | None, now: datetime) -> None:
    meeting = minutes.meeting
    org = meeting.organization
    current_settings = document_services.settings(org)
    issuer = document_services.issuing_body(org, minutes.kind.value, current_settings, language_of(meeting))
    if not issuer.code:
        if issuer.body == "own":
            raise ValidationError(_("The organization has no body code (ký hiệu cơ quan) yet; an administrator sets "
                                    "it in the organization settings before documents are numbered."),
                                  field="body_code")
        raise ValidationError(" ".join(document_services.issuer_problems(org, minutes.kind.value, current_settings)),
                              field="body_code")
    document_services.require_signer(org, minutes.kind.value, language_of(meeting), current_settings,
                                     lines=signature_section_lines(minutes.sections))
    if Classification(meeting.classification).is_classified:
        recipients = next((s for s in minutes.sections or [] if s.get("kind") == "recipients"), {})
        problems = document_services.classified_problems(recipients.get("drafter"), recipients.get("copies"))
        if problems:
            raise ValidationError(" ".join(problems), field="copies")
    today = local_today(meeting, now)
    if minutes.kind is MinutesKind.minutes:
        minutes.document_date = minutes.document_date or meeting.ends_on
    else:
        minutes.document_date = today
    assigned = numbering.assign_number(
        organization_id=org.id, profile=document_services.profile(org, current_settings), issuer=issuer,
        document_type=minutes.kind.value, on=minutes.document_date, object_type=minutes.kind.value,
        object_id=minutes.public_id, language=language_of(meeting), meeting_id=meeting.id,
        congress_meeting_public_id=meeting.public_id if meeting.kind == MeetingKind.congress else None,
        issued_by_id=user.id if user else None)
    minutes.number = assigned.formatted
    minutes.approved_at = now
    minutes.approved_by_id = user.id if user else None


def correct(minutes: Minutes, *, user: User | None) -> Minutes:
    """A correction of approved minutes: a new draft edition linked to them, starting from their text."""
    meeting = minutes.meeting
    _ensure_writer(user, meeting)
    _ensure_meeting_open(meeting)
    if minutes.status is not MinutesStatus.approved:
        raise Conflict(_("Only an approved document is corrected by a new one; a draft is simply edited."))
    latest = current(meeting, minutes.kind)
    if latest is not None and latest.id != minutes.id:
        raise Conflict(_("A correction of this document exists already."))
    author_id, _label_text = _author(user)
    with _stale_is_conflict():
        correction = Minutes(organization_id=minutes.organization_id, meeting_id=meeting.id, kind=minutes.kind,
                             edition=minutes.edition + 1, corrects_id=minutes.id, status=MinutesStatus.draft,
                             sections=deepcopy(minutes.sections), created_by_id=author_id)
        db.session.add(correction)
        with atomic(clash=Conflict(_("A correction of this document exists already."))):
            db.session.flush()
        _add_revision(correction, correction.sections, user=user, kind="generated", based_on=None,
                      note=_("Correction of %(number)s", number=minutes.number or ""))
        _audit(correction, f"{minutes.kind.value}.correction_started", meeting.title,
               {"corrects": [None, minutes.number]})
    return correction


def signer_choices(meeting: Meeting) -> list[Participant]:
    """Who may sign the minutes on the right: the meeting's presiding persons (one of several co-chairs)."""
    return list(meeting.presiding)


def choose_signer(minutes: Minutes, participant_id: Any, *, user: User | None, version: Any) -> Minutes:
    """Which of the presiding persons signs the minutes (right): their name under the presiding line, saved
    as a revision like any change of the text."""
    meeting = minutes.meeting
    if minutes.kind is not MinutesKind.minutes:
        raise ValidationError(_("Only the minutes are signed by a presiding person."), field="signer_id")
    chosen = next((p for p in signer_choices(meeting) if p.public_id == str(participant_id or "")), None)
    if chosen is None:
        raise ValidationError(_("Choose one of the persons presiding the meeting."), field="signer_id")
    section = signature_section(minutes.sections)
    if not section:
        raise ValidationError(_("This document has no signatures section."), field="signer_id")
    right = {f: (section.get("right") or {}).get(f, "") for f in SIGNATURE_FIELDS}
    right["name"] = chosen.full_name
    return save(minutes, {section["key"]: {"right": right, "signer_id": chosen.public_id}}, user=user,
                version=version, note=_("Signed by %(name)s", name=chosen.full_name))


__all__ = [
    "DEFAULT_RECIPIENTS",
    "DOCUMENTS_USED",
    "INVITATION_FIELDS",
    "MAX_COPIES",
    "MAX_DECISIONS",
    "MAX_HEADING",
    "MAX_TEXT",
    "MAX_VOTES",
    "NOTICE_DUE_WORKING_DAYS",
    "NOTICE_KINDS",
    "NOTICE_LOOKBACK",
    "RECORD_FORMATS",
    "RECORD_OWNER",
    "SIGNATURE_FIELDS",
    "TEXT_FIELDS",
    "VOTE_RESULTS",
    "MinutesConflict",
    "NoticeDue",
    "SectionDiff",
    "_bounds",
    "apply_changes",
    "approval_findings",
    "approved_edition",
    "attendance_facts",
    "can_approve",
    "can_write",
    "changed_keys",
    "check_context",
    "choose_signer",
    "compare",
    "compose_sections",
    "correct",
    "current",
    "diff_html",
    "diff_words",
    "editions",
    "ensure_approvable",
    "ensure_editable",
    "ensure_readable",
    "generate",
    "invitation_letter",
    "invited",
    "language_of",
    "local_today",
    "meeting_facts",
    "minutes_data",
    "note_classified",
    "notice_due",
    "notices_due",
    "owes_notice",
    "presiding_people",
    "record_bytes",
    "require_current",
    "restore",
    "revision",
    "revisions",
    "save",
    "save_invitation_letter",
    "section_text",
    "set_status",
    "signature_section",
    "signature_section_lines",
    "signer_choices",
    "speakers_by_item",
    "zone",
]
