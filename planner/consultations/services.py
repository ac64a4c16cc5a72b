"""Written consultation (lấy ý kiến bằng văn bản): the only code that changes consultations, their members,
documents and answers. No request, no templates; every change is audited (object type ``consultation``, so
that the audit log hides the entries of a consultation above the reader's clearance).

Rules kept here:
- A consultation belongs to one organization; staff see it when their clearance admits its classification
  (another organization's, or one above the clearance, is not found).
- A draft is prepared (question, documents, members); sending opens it: every member gets a personal link
  (``/c/<secret>``, derived from a nonce and SECRET_KEY like a delegate's link: only the hash is stored,
  staff can show it again, rotating or revoking stops the old one). The link shows that member's
  consultation and nothing else.
- Answers (agree / disagree / other opinion, with text) are taken while the consultation is open and the
  deadline has not passed; a member may change their answer until then. After the deadline the answer is
  refused with a message that says so.
- A classified consultation's question and documents never go through the link: the member is told to
  answer on the paper copy handed to them (DOMAIN.md, classified documents); the link still takes the
  answer.
- Closing freezes it: the result sheet and the report are rendered once (documents.records) and served as
  stored from then on; nothing of it changes any more.
- Reminders: an open consultation's members who have not answered, have an e-mail address and have not
  been reminded in the current window (``remind_hours`` before the deadline) are due once.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import Select, select, update
from sqlalchemy.orm import joinedload, selectinload

from planner.accounts.models import Organization, User
from planner.consultations.models import (
    Answer,
    Consultation,
    ConsultationDocument,
    ConsultationMember,
    ConsultationStatus,
)
from planner.core import audit
from planner.core.db import atomic, check_version
from planner.core.errors import Conflict, NotFound, ValidationError
from planner.core.inputs import problem_of
from planner.core.models import utcnow
from planner.core.permissions import Classification, clearance_of, cleared_for, visible_levels
from planner.core.text import clean_text
from planner.core.tokens import derived_secret, same_token, token_hash
from planner.delegates import services as delegate_services
from planner.delegates.models import Participant, Person
from planner.extensions import db
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting
from planner.speeches import files
from planner.speeches import services as speech_services

MAX_TITLE = 500
MAX_QUESTION = 20_000
MAX_OPINION = 5_000
MAX_MEMBERS = 1_000
MAX_REMIND_HOURS = 14 * 24
DEFAULT_REMIND_HOURS = 24
LINK_PREFIX = "c_"
LINK_PURPOSE = "planner.consultation-link.v1"
LINK_USE_NOTE_EVERY = timedelta(minutes=1)
_SECRET_SHAPE = re.compile(r"^c_[A-Za-z0-9_-]{43}$")
SUBFOLDER = "consultations"
FIELDS = ("title", "question", "classification", "deadline", "remind_hours")


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


# Checking the fields ------------------------------------------------------------------------------------

def _text(value: Any, name: str, limit: int, *, multiline: bool = False, required: bool = False) -> str:
    text = clean_text(value, multiline=multiline)
    problem = problem_of(text)
    if problem:
        raise ValidationError(problem, field=name)
    if required and not text:
        raise ValidationError(_("This field is required."), field=name)
    if len(text) > limit:
        raise ValidationError(_("Too long: at most %(num)d characters.", num=limit), field=name)
    return text


def _classification(value: Any, org: Organization, user: User | None) -> Classification:
    try:
        level = Classification(value or Classification.none.value)
    except ValueError:
        raise ValidationError(_("Choose a classification from the list."), field="classification") from None
    if user is not None and not cleared_for(clearance_of(user, org.id), level):
        raise ValidationError(_("You may not mark content above your own clearance."), field="classification")
    return level


def _deadline(value: Any, org: Organization) -> datetime:
    """An aware datetime, a naive one in the organization's time, or ISO 8601 text."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(_("Write the deadline as a day and a time."), field="deadline") from None
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time(17, 0))
    if not isinstance(value, datetime):
        raise ValidationError(_("Give the deadline: a day and a time."), field="deadline")
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone(org))
    if not date(2000, 1, 1) <= value.date() <= date(2100, 12, 31):
        raise ValidationError(_("Write the deadline as a day and a time."), field="deadline")
    return value


def _remind_hours(value: Any) -> int:
    if value in (None, ""):
        return DEFAULT_REMIND_HOURS
    try:
        hours = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Give the reminder as a number of hours."), field="remind_hours") from None
    if not 0 <= hours <= MAX_REMIND_HOURS:
        raise ValidationError(_("The reminder goes out between 0 and %(num)d hours before the deadline.",
                                num=MAX_REMIND_HOURS), field="remind_hours")
    return hours


def _clean(org: Organization, data: dict[str, Any], user: User | None) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "title" in data:
        clean["title"] = _text(data["title"], "title", MAX_TITLE, required=True)
    if "question" in data:
        clean["question"] = _text(data["question"], "question", MAX_QUESTION, multiline=True, required=True)
    if "classification" in data:
        clean["classification"] = _classification(data["classification"], org, user)
    if "deadline" in data:
        clean["deadline"] = _deadline(data["deadline"], org)
    if "remind_hours" in data:
        clean["remind_hours"] = _remind_hours(data["remind_hours"])
    return clean


def _audit(consultation: Consultation, action: str, summary: str, changes: dict[str, Any] | None = None,
           *, actor_label: str | None = None) -> None:
    audit.record(db.session, organization_id=consultation.organization_id, meeting_id=consultation.meeting_id,
                 action=action, object_type="consultation", object_id=consultation.public_id,
                 summary=summary, changes=changes, actor_label=actor_label)


def _ensure_draft(consultation: Consultation) -> None:
    if consultation.status is not ConsultationStatus.draft:
        raise Conflict(_("This consultation has been sent: its question, documents and members no longer change."))


def _stale() -> str:
    return _("Someone else changed this consultation meanwhile. Reload the page to see the current version.")


# Preparing ----------------------------------------------------------------------------------------------

def create_consultation(org: Organization, data: dict[str, Any], *, user: User | None) -> Consultation:
    data = {"remind_hours": DEFAULT_REMIND_HOURS, "classification": "none", **data}
    for name in ("title", "question", "deadline"):
        data.setdefault(name, None)
    clean = _clean(org, data, user)
    with atomic(_stale()):
        consultation = Consultation(organization_id=org.id, created_by_id=user.id if user is not None else None,
                                    **clean)
        consultation.organization = org
        db.session.add(consultation)
        db.session.flush()
        _audit(consultation, "consultation.created", consultation.title,
               {"classification": consultation.classification.value,
                "deadline": consultation.deadline.isoformat()})
    return consultation


def update_consultation(consultation: Consultation, data: dict[str, Any], *, user: User | None,
                        version: Any = None) -> Consultation:
    """A draft's question and settings; once sent, only the deadline and the reminder may move (a later
    deadline gives members more time; an earlier one never takes away time they were told they had)."""
    check_version(consultation, version, _stale())
    org = consultation.organization
    if consultation.status is ConsultationStatus.closed:
        raise Conflict(_("This consultation is closed: it no longer changes."))
    clean = _clean(org, {k: v for k, v in data.items() if k in FIELDS}, user)
    if consultation.status is ConsultationStatus.open:
        changed = {k for k, v in clean.items() if getattr(consultation, k) != v}
        if changed - {"deadline", "remind_hours"}:
            raise Conflict(_("This consultation has been sent: only its deadline and reminder may still change."))
        if "deadline" in clean and clean["deadline"] < consultation.deadline:
            raise ValidationError(_("A sent consultation's deadline may only be moved later."), field="deadline")
    before = {k: getattr(consultation, k) for k in clean}
    with atomic(_stale()):
        for key, value in clean.items():
            setattr(consultation, key, value)
        changes = audit.diff(before, clean)
        if changes:
            _audit(consultation, "consultation.updated", consultation.title, changes)
    return consultation


def _next_position(consultation: Consultation) -> int:
    return max((m.position for m in consultation.members), default=0) + 1


def _member_from(consultation: Consultation, person: Person, *, title: str | None = None,
                 unit: str | None = None, position: int) -> ConsultationMember:
    return ConsultationMember(consultation_id=consultation.id, person_id=person.id, position=position,
                              full_name=person.full_name, honorific=person.honorific or "",
                              title=person.title if title is None else title,
                              unit=person.unit if unit is None else unit, email=person.email or "")


def _add(consultation: Consultation, rows: Iterable[tuple[Person, str | None, str | None]]) -> int:
    taken = {m.person_id for m in consultation.members}
    position = _next_position(consultation)
    added = 0
    for person, title, unit in rows:
        if person.id in taken:
            continue
        if len(consultation.members) >= MAX_MEMBERS:
            raise ValidationError(_("A consultation asks at most %(num)d members.", num=MAX_MEMBERS))
        member = _member_from(consultation, person, title=title, unit=unit, position=position)
        consultation.members.append(member)
        taken.add(person.id)
        position += 1
        added += 1
    return added


def add_people(consultation: Consultation, person_ids: Sequence[str], *, user: User | None) -> int:
    """Members from the people directory (in the order given); those on the list already are skipped."""
    _ensure_draft(consultation)
    ids = [str(p) for p in person_ids if p]
    if not ids:
        raise ValidationError(_("Choose at least one person."), field="person_ids")
    people = {p.public_id: p for p in db.session.scalars(select(Person).where(
        Person.organization_id == consultation.organization_id, Person.public_id.in_(ids)))}
    if len(people) != len(set(ids)):
        raise NotFound(_("No such person."))
    with atomic(_stale()):
        added = _add(consultation, ((people[i], None, None) for i in dict.fromkeys(ids)))
        if added:
            _audit(consultation, "consultation.members_added", consultation.title, {"added": added})
    return added


def add_meeting_delegates(consultation: Consultation, meeting_id: str, *, user: User | None) -> int:
    """Every delegate of a meeting (protocol order), with the position and unit they hold at that meeting."""
    _ensure_draft(consultation)
    meeting = meeting_services.get_meeting(consultation.organization, str(meeting_id or ""), user=user)
    participants: list[Participant] = delegate_services.all_participants(meeting)
    with atomic(_stale()):
        added = _add(consultation, ((p.person, p.title, p.unit) for p in participants))
        if consultation.meeting_id is None:
            consultation.meeting_id = meeting.id
        if added:
            _audit(consultation, "consultation.members_added", consultation.title,
                   {"added": added, "meeting": meeting.public_id})
    return added


def people_choices(consultation: Consultation, limit: int = 2000) -> list[tuple[str, str]]:
    """The directory's people not asked yet, in name order, labelled with their position (the picker's)."""
    taken = {m.person_id for m in consultation.members}
    query = delegate_services.people_query(consultation.organization).order_by(Person.name_key, Person.id).limit(limit)
    return [(p.public_id, f"{p.full_name}{' – ' + p.title if p.title else ''}")
            for p in db.session.scalars(query) if p.id not in taken]


def meeting_choices(org: Organization, user: User | None, limit: int = 200) -> list[tuple[str, str]]:
    """Meetings whose delegates may be asked (those the reader sees), latest first."""
    query = meeting_services.meetings_query(org, user).order_by(Meeting.starts_on.desc()).limit(limit)
    return [(m.public_id, f"{m.title} ({m.starts_on.strftime('%d/%m/%Y')})") for m in db.session.scalars(query)]


def remove_member(consultation: Consultation, member: ConsultationMember, *, user: User | None) -> None:
    _ensure_draft(consultation)
    with atomic(_stale()):
        consultation.members.remove(member)
        for position, other in enumerate(consultation.members, start=1):
            other.position = position
        _audit(consultation, "consultation.member_removed", f"{consultation.title}: {member.full_name}")


def _storage() -> str:
    return str(current_app.config["STORAGE_PATH"])


def add_document(consultation: Consultation, data: bytes, filename: str, *, title: str = "",
                 user: User | None) -> ConsultationDocument:
    """A file sent with the question (DOCX or PDF, checked by its content as speech texts are)."""
    _ensure_draft(consultation)
    title = _text(title, "title", MAX_TITLE)
    checked = speech_services.check_upload(data, filename)
    stored_name = files.store(_storage(), data, SUBFOLDER)
    try:
        with atomic(_stale()):
            name = files.clean_filename(filename, checked.media_type)
            document = ConsultationDocument(
                consultation_id=consultation.id, position=max((d.position for d in consultation.documents),
                                                              default=0) + 1,
                title=title or Path(name).stem, filename=name, stored_name=stored_name,
                media_type=checked.media_type, size=checked.size, sha256=checked.sha256,
                uploaded_by_id=user.id if user is not None else None)
            consultation.documents.append(document)
            db.session.flush()
            _audit(consultation, "consultation.document_added", f"{consultation.title}: {document.title}",
                   {"filename": document.filename, "size": document.size, "sha256": document.sha256})
    except Exception:
        files.discard(_storage(), stored_name, SUBFOLDER)
        raise
    return document


def remove_document(consultation: Consultation, document: ConsultationDocument, *, user: User | None) -> None:
    _ensure_draft(consultation)
    stored_name = document.stored_name
    with atomic(_stale()):
        consultation.documents.remove(document)
        _audit(consultation, "consultation.document_removed", f"{consultation.title}: {document.title}")
    files.discard(_storage(), stored_name, SUBFOLDER)


def document_bytes(document: ConsultationDocument) -> bytes:
    path = files.path_of(_storage(), document.stored_name, SUBFOLDER)
    if not path.is_file():
        raise NotFound(_("The file of this document is missing from the storage. Upload it again."))
    return path.read_bytes()


def open_document(consultation: Consultation, document: ConsultationDocument) -> bytes:
    """Staff: a document's bytes; a download of a classified consultation's document is audited."""
    data = document_bytes(document)
    if Classification(consultation.classification).is_classified:
        with atomic():
            _audit(consultation, "consultation.document_downloaded", f"{consultation.title}: {document.title}")
    return data


def delete_consultation(consultation: Consultation, *, user: User | None, version: Any = None) -> None:
    """A draft may be thrown away; a sent consultation is a record."""
    check_version(consultation, version, _stale())
    _ensure_draft(consultation)
    stored = [d.stored_name for d in consultation.documents]
    with atomic(_stale()):
        _audit(consultation, "consultation.deleted", consultation.title)
        db.session.delete(consultation)
    for name in stored:
        files.discard(_storage(), name, SUBFOLDER)


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
    now = now or utcnow()
    if member.last_used_at is not None and now - member.last_used_at < LINK_USE_NOTE_EVERY:
        return
    with atomic():
        db.session.execute(update(ConsultationMember).where(
            ConsultationMember.id == member.id,
            ConsultationMember.last_used_at.is_(None)
            | (ConsultationMember.last_used_at < now - LINK_USE_NOTE_EVERY),
        ).values(last_used_at=now).execution_options(synchronize_session=False))


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
