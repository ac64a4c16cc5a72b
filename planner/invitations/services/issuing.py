"""Issuing a meeting's invitation letters (giấy mời): a clerk's check, a number, a day of issue, and the
letters kept as they were issued.

What an invitation must say — Quyết định 45/2018/QĐ-TTg (Quy định chế độ họp trong hoạt động quản lý,
điều hành của cơ quan thuộc hệ thống hành chính nhà nước), Điều 8: the invitation names the person who
presides (người chủ trì), those invited (thành phần, người được mời tham dự), the content, the time and
the place, and what is asked of those invited (what to prepare); and it reaches them at least 03 working
days before the meeting, urgent meetings (họp đột xuất) excepted. Some bodies' own rules ask 5 working
days (Quyết định 727/QĐ-BTTTT, Điều 26 khoản 4): the lead time is the organization's setting
(``DocumentSettings.invitation_lead_days``). The contact person and phone are office practice (DOMAIN.md,
"Invitations and meeting documents"); the signature is the convening body's head's or by delegation.

So issuing is refused, with the list of what is missing, when there is no presiding person, no time, no
place, no content, no contact person or phone, nobody invited, no signer, or no body code to number with;
a lead time shorter than the setting is a warning the clerk may accept (an urgent meeting), shown on the
invitation tab and on the home page's to-do list, never a refusal.

An issue takes the next number of the "invitation" sequence (documents.numbering, the organization's
rules) and the day of issue (the meeting's local today, not the day of a later download), renders the
letters once as PDF and DOCX and freezes them (documents.records): every download serves those bytes.
A later change of the meeting, the letter or the settings changes what a *new* issue would say; the tab
says so, and issuing again takes a new number while the earlier issues stay listed and downloadable.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from planner.accounts.models import User
from planner.agenda import services as agenda_services
from planner.core import audit, public_urls
from planner.core.db import atomic
from planner.core.errors import Conflict, Forbidden, NotFound, ValidationError
from planner.core.lookup import in_meeting
from planner.core.permissions import Classification, Permission
from planner.documents import numbering, records
from planner.documents import services as document_services
from planner.documents.render import official_docx_many, official_pdf, official_pdf_many
from planner.extensions import db
from planner.meetings.models import Meeting, MeetingKind, MeetingStatus
from planner.minutes import documents
from planner.minutes import services as minutes_services
from planner.minutes.models import InvitationIssue, InvitationMode

OWNER = "invitation_issue"
KIND = "invitation"
FILE_KIND = "invitation_file"
FORMATS = ("pdf", "docx")


# The lead time -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LeadTime:
    days: int          # the setting
    due: date          # the last day to issue and send
    late: bool         # issued (or issuing) after ``due``
    on: date           # the day of issue considered


def lead_time(meeting: Meeting, on: date | None = None) -> LeadTime:
    org = meeting.organization
    current = document_services.settings(org)
    days = document_services.invitation_lead_days(org, current)
    due = document_services.invitation_due(org, meeting.starts_on, current)
    on = on or minutes_services.local_today(meeting)
    return LeadTime(days, due, on > due, on)


# The check ---------------------------------------------------------------------------------------------------

@dataclass
class IssueCheck:
    problems: list[str] = field(default_factory=list)   # each refuses the issue
    warnings: list[str] = field(default_factory=list)   # shown; the clerk may issue all the same

    @property
    def ok(self) -> bool:
        return not self.problems


def signer_name(meeting: Meeting) -> str:
    """Who signs the invitation (the name on its signature block, from the document settings)."""
    org = meeting.organization
    language = minutes_services.language_of(meeting)
    lines = document_services.signers(org, "invitation", language)
    return (lines.get("right") or {}).get("name", "").strip()


def check(meeting: Meeting, user: User | None, *, today: date | None = None) -> IssueCheck:
    """What a clerk checks before the invitation is signed and sent (see the module's docstring)."""
    result = IssueCheck()
    problems, warnings = result.problems, result.warnings
    letter = minutes_services.invitation_letter(meeting)
    today = today or minutes_services.local_today(meeting)
    items = agenda_services.list_items(meeting, user)
    if not documents.letter_presiding(meeting, items):
        problems.append(_("Nobody presides: choose the presiding person (chủ trì) on the meeting."))
    starts_at, _ends = minutes_services._bounds(meeting, items)
    if meeting.start_time is None and starts_at is None:
        problems.append(_("No starting time: give the meeting a start time or an agenda with times."))
    if not (meeting.venue or "").strip():
        problems.append(_("No place: give the meeting its venue."))
    if not ((letter.content or "").strip() or (meeting.description or "").strip()):
        problems.append(_("No content: write what the meeting is about in the letter (or the meeting's "
                          "description)."))
    if not (letter.contact or "").strip():
        problems.append(_("No contact person: write who answers questions about the meeting."))
    if not (letter.contact_phone or "").strip():
        problems.append(_("No contact phone: write the contact person's phone number."))
    if not minutes_services.invited(meeting):
        problems.append(_("Nobody is invited: add the participants first."))
    # Who signs, and the body that issues (its code numbers the letter): documents.services decides both.
    problems.extend(document_services.signer_problems("invitation", document_services.signers(
        meeting.organization, "invitation", minutes_services.language_of(meeting))))
    if not document_services.issuing_body(meeting.organization, "invitation").code.strip():
        problems.append(_("The organization has no body code (ký hiệu cơ quan) to number the letter with: an "
                          "administrator sets it in the organization settings."))
    if meeting.starts_on < today:
        problems.append(_("The meeting has begun or taken place already: an invitation is issued before it."))
    elif meeting.status == MeetingStatus.archived:
        problems.append(_("This meeting is archived; its documents can no longer be changed."))
    timing = lead_time(meeting, today)
    if timing.late and meeting.starts_on >= today:
        warnings.append(_("Issued today, the invitation reaches the invitees fewer than %(n)d working days "
                          "before the meeting (it was due by %(due)s). Acceptable for an urgent meeting only.",
                          n=timing.days, due=timing.due.strftime("%d/%m/%Y")))
    if (letter.mode or InvitationMode.each) is InvitationMode.each and not (letter.addressee or "").strip():
        warnings.append(_("The attendees (thành phần) are not described: each letter names its addressee only."))
    if printed_links_missing(meeting, letter.mode or InvitationMode.each):
        warnings.append(public_urls.problem() or "")
    return result


def printed_links_missing(meeting: Meeting, mode: InvitationMode) -> bool:
    """Letters that would carry a QR code carry none for want of a public base URL."""
    if public_urls.base_url() is not None:
        return False
    if Classification(meeting.classification) != Classification.none:
        return False
    return mode is InvitationMode.each or bool(meeting.public_code and meeting.status != MeetingStatus.draft)


# What the letters say ---------------------------------------------------------------------------------------

def programme_link(meeting: Meeting) -> str | None:
    """The public programme page of a published, unclassified meeting (the letter for all's QR code), at the
    public base URL; None without one."""
    if not meeting.public_code or meeting.classification != Classification.none \
            or meeting.status == MeetingStatus.draft:
        return None
    return public_urls.url("agenda.public_programme", code=meeting.public_code)


def content_version(meeting: Meeting, user: User | None) -> str:
    """A fingerprint of what the letters say (without number, day of issue or links): when it differs from
    the current issue's, the letters have changed since and a new issue is owed."""
    letters = documents.invitation_documents(meeting, user, today=date(2000, 1, 1), with_links=False,
                                             programme_link=programme_link(meeting))
    return hashlib.sha256(repr(letters).encode("utf-8")).hexdigest()


# Issues ------------------------------------------------------------------------------------------------------

def issues(meeting: Meeting) -> list[InvitationIssue]:
    """The meeting's issues, the newest (current) first."""
    return list(db.session.scalars(select(InvitationIssue).where(InvitationIssue.meeting_id == meeting.id)
                                   .order_by(InvitationIssue.id.desc())))


def current_issue(meeting: Meeting) -> InvitationIssue | None:
    return db.session.scalar(select(InvitationIssue).where(InvitationIssue.meeting_id == meeting.id)
                             .order_by(InvitationIssue.id.desc()).limit(1))


def find_issue(meeting: Meeting, public_id: str) -> InvitationIssue:
    return in_meeting(InvitationIssue, meeting, public_id, _("No such issue of the invitation."))


def issued_bytes(issue: InvitationIssue, fmt: str) -> bytes:
    """The letters of an issue exactly as they were issued."""
    if fmt not in FORMATS:
        raise NotFound(_("Not found."))
    record = records.find(OWNER, issue.public_id, KIND, fmt)
    if record is None:
        raise NotFound(_("The letters of this issue are not stored."))
    return records.open_frozen(record)


def filed_copy(meeting: Meeting) -> bytes | None:
    """The file copy of the current issue (the letter for all, numbered and dated), or None before any issue."""
    issue = current_issue(meeting)
    if issue is None:
        return None
    record = records.find(OWNER, issue.public_id, FILE_KIND, "pdf")
    return records.open_frozen(record) if record is not None else None


def _render(letters: list, meeting: Meeting) -> dict[str, bytes]:
    title = _("Invitation letters") + f" - {meeting.title}"
    author = letters[0].issuer
    return {"pdf": official_pdf_many(letters, title=title, author=author),
            "docx": official_docx_many(letters, document_services.letterhead(meeting.organization), title=title,
                                       author=author)}


def issue(meeting: Meeting, *, user: User | None) -> InvitationIssue:
    """Check, number, date, render once and freeze the letters; refused with the list of what is missing."""
    if user is None or not user.can(Permission.organize, meeting.organization_id):
        raise Forbidden(_("Only organizers and administrators may issue the invitation."))
    today = minutes_services.local_today(meeting)
    result = check(meeting, user, today=today)
    if not result.ok:
        raise ValidationError(_("The invitation cannot be issued yet: %(problems)s",
                                problems=" ".join(result.problems)),
                              errors=[{"detail": p} for p in result.problems])
    letter = minutes_services.invitation_letter(meeting)
    mode = letter.mode or InvitationMode.each
    latest = current_issue(meeting)
    if latest is not None and latest.content_version == content_version(meeting, user):
        raise Conflict(_("Nothing in the letters has changed since %(number)s: it stands, no new number is taken.",
                         number=latest.number))
    org = meeting.organization
    version = content_version(meeting, user)
    row = InvitationIssue(meeting_id=meeting.id, number="", issued_on=today, issued_by_id=user.id, mode=mode,
                          content_version=version, signer=signer_name(meeting)[:255])
    # One unit: the number, the frozen letters, the personal links their QR codes carry (documents.links makes
    # those missing) and the audit entry are kept together, or none of them.
    with atomic(clash=Conflict(_("Someone else issued the invitation meanwhile. Reload the page."))):
        db.session.add(row)
        db.session.flush()
        assigned = numbering.assign_number(
            organization_id=org.id, profile=document_services.profile(org),
            issuer=document_services.issuing_body(org, "invitation", language=minutes_services.language_of(meeting)),
            document_type="invitation", on=today, object_type=OWNER, object_id=row.public_id,
            language=minutes_services.language_of(meeting), meeting_id=meeting.id,
            congress_meeting_public_id=meeting.public_id if meeting.kind == MeetingKind.congress else None,
            issued_by_id=user.id)
        row.number = assigned.formatted
        letters = documents.invitation_documents(meeting, user, number=assigned.formatted, today=today,
                                                 programme_link=programme_link(meeting))
        row.letters = len(letters)
        rendered = _render(letters, meeting)
        for fmt, data in rendered.items():
            record = records.freeze(data, organization_id=org.id, kind=KIND, owner_type=OWNER, owner_id=row.public_id,
                                    fmt=fmt, meeting_id=meeting.id, created_by_id=user.id)
            setattr(row, f"{fmt}_sha256", record.sha256)
        # The office's file copy (bản lưu): the letter for all with the list of invitees, for the dossier.
        filed = documents.invitation_documents(meeting, user, number=assigned.formatted, today=today,
                                               mode=InvitationMode.all, programme_link=programme_link(meeting))
        records.freeze(official_pdf(filed[0]), organization_id=org.id, kind=FILE_KIND, owner_type=OWNER,
                       owner_id=row.public_id, fmt="pdf", meeting_id=meeting.id, created_by_id=user.id)
        earlier = db.session.scalar(select(InvitationIssue.number).where(
            InvitationIssue.meeting_id == meeting.id, InvitationIssue.id != row.id)
            .order_by(InvitationIssue.id.desc()).limit(1))
        changes = {"number": [earlier, row.number], "issued_on": [None, today.isoformat()],
                   "letters": [None, row.letters], "pdf_sha256": [None, row.pdf_sha256],
                   "docx_sha256": [None, row.docx_sha256], "signer": [None, row.signer]}
        if result.warnings:
            changes["warnings_accepted"] = [None, result.warnings]
        audit.record(db.session, organization_id=org.id, meeting_id=meeting.id, action="invitation.issued",
                     object_type="meeting", object_id=meeting.public_id, summary=f"{row.number} · {meeting.title}",
                     changes=changes)
    return row


@dataclass
class IssueState:
    """What the invitation tab shows: the check, the lead time, the issues and whether the letters changed."""

    check: IssueCheck
    lead: LeadTime
    issues: list[InvitationIssue]
    changed: bool                      # the current issue no longer says what the letters would say now
    no_public_url: str | None

    @property
    def current(self) -> InvitationIssue | None:
        return self.issues[0] if self.issues else None


def state(meeting: Meeting, user: User | None) -> IssueState:
    found = issues(meeting)
    changed = bool(found) and found[0].content_version != content_version(meeting, user)
    return IssueState(check(meeting, user), lead_time(meeting), found, changed, public_urls.problem())
