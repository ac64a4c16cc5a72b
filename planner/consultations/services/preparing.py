"""Preparing a draft: its question, its members (people of the directory or a meeting's delegates) and its
documents; deleting it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from planner.accounts.models import Organization, User
from planner.consultations.models import Consultation, ConsultationDocument, ConsultationMember, ConsultationStatus
from planner.consultations.services.base import (
    DEFAULT_REMIND_HOURS,
    FIELDS,
    MAX_MEMBERS,
    MAX_TITLE,
    SUBFOLDER,
    _audit,
    _stale,
)
from planner.consultations.services.checks import _clean, _ensure_draft, _text
from planner.core import audit
from planner.core.db import atomic, check_version
from planner.core.errors import Conflict, NotFound, ValidationError
from planner.core.permissions import Classification
from planner.delegates import services as delegate_services
from planner.delegates.models import Participant, Person
from planner.extensions import db
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting
from planner.speeches import files
from planner.speeches import services as speech_services

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
