"""What the portal's pages read and change beyond the domains' own services.

The delegate's page: the agenda items a delegate presides over, and the item a delegate asks to speak on.

The check-in desk at the door: find a delegate as one types, check them in (delegates.services.check_in,
idempotent), undo a check-in, and the live counts. Each read is a fixed number of queries, whatever the size
of the list: the desk polls them every few seconds from several phones."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, delete, func, or_, select

from planner.accounts.models import User
from planner.agenda.models import AgendaItem, agenda_item_presiding
from planner.core import audit
from planner.core.db import atomic
from planner.core.lookup import in_meeting
from planner.core.permissions import Classification
from planner.delegates import protocol
from planner.delegates import services as delegate_services
from planner.delegates.models import (
    AttendanceStatus,
    Participant,
    ParticipantAttendance,
    ParticipantCategory,
    Rsvp,
)
from planner.delegates.protocol import Order
from planner.extensions import db
from planner.meetings.models import Meeting

SEARCH_LIMIT = 20
BADGE_CODE_LENGTH = 8


# The delegate's page ----------------------------------------------------------------------------------

def presided(participant: Participant) -> set[str]:
    """The public ids of the agenda items this participant presides over."""
    link = agenda_item_presiding.c
    return set(db.session.scalars(
        select(AgendaItem.public_id).join(agenda_item_presiding, link.agenda_item_id == AgendaItem.id)
        .where(link.participant_id == participant.id)))


def unclassified_item(participant: Participant, item_id: str) -> AgendaItem | None:
    """An unclassified agenda item of the participant's meeting (a delegate may ask to speak on it), or None."""
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == participant.meeting_id,
                                                      AgendaItem.public_id == item_id))
    if item is None or Classification(item.classification) != Classification.none:
        return None
    return item


@dataclass
class DocumentGroup:
    """The documents of one agenda item on the delegate's page (``item_id`` empty: the whole meeting's)."""

    item_id: str
    title: str
    documents: list[Any]


def document_groups(documents: list[Any], item_order: list[str]) -> list[DocumentGroup]:
    """One list of every source's documents (the pack's, the speeches' texts): the meeting's own first, then
    by agenda item in the programme's order; within a group, as the sources listed them."""
    groups: dict[str, DocumentGroup] = {}
    for document in documents:
        key = document.item_id or ""
        group = groups.setdefault(key, DocumentGroup(key, document.item_title if key else "", []))
        group.documents.append(document)
    position = {item_id: index for index, item_id in enumerate(item_order)}
    return sorted(groups.values(), key=lambda g: (g.item_id != "", position.get(g.item_id, len(position))))


def find_document(documents: list[Any], kind: str, ref: str) -> Any | None:
    """One of the documents the delegate's page lists, by its source and reference (a paper copy has none)."""
    return next((d for d in documents if d.kind == kind and d.ref and d.ref == ref), None)


# The check-in desk ------------------------------------------------------------------------------------


def desk_day(meeting: Meeting) -> date:
    """Today in the meeting's time zone (check-in is for today only; see check_in_day)."""
    return delegate_services.local_today(meeting)


def sits_today(meeting: Meeting, day: date | None = None) -> bool:
    return delegate_services.is_meeting_day(meeting, day or desk_day(meeting))


@dataclass
class Found:
    participant: Participant
    attendance: ParticipantAttendance | None

    @property
    def present(self) -> bool:
        return self.attendance is not None and self.attendance.status is AttendanceStatus.present


def search(meeting: Meeting, q: str | None, day: date, *, limit: int = SEARCH_LIMIT) -> list[Found]:
    """Participants whose name, title or unit match every word of ``q`` (diacritics and case ignored), or
    whose badge code is ``q``; with their attendance of the day. One query."""
    words = delegate_services.search_words(q)
    code = delegate_services.normalize_badge_code(q)
    if not words and not code:
        return []
    match = and_(*delegate_services.search_clauses(Participant.search_folded, q)) if words else None
    if len(code) == BADGE_CODE_LENGTH:
        match = or_(Participant.badge_code == code, match) if match is not None else Participant.badge_code == code
    if match is None:
        return []
    attendance = ParticipantAttendance
    rows = db.session.execute(
        select(Participant, attendance)
        .outerjoin(attendance, and_(attendance.participant_id == Participant.id, attendance.day == day))
        .where(Participant.meeting_id == meeting.id, match)
        .order_by((Participant.badge_code == code).desc(), *protocol.order_by(Order.protocol))
        .limit(limit)
    ).all()
    return [Found(participant, record) for participant, record in rows]


def found_data(found: Found, meeting: Meeting) -> dict[str, Any]:
    p = found.participant
    record = found.attendance
    checked_at = delegate_services.local_time(meeting, record.checked_in_at) if record is not None else None
    return {
        "id": p.public_id,
        "name": p.full_name,
        "honorific": p.honorific,
        "title": p.title,
        "unit": p.unit,
        "category": p.category.value,
        "badge_code": p.badge_code,
        "rsvp": p.rsvp.value,
        "seat": p.seat,
        "present": found.present,
        "status": record.status.value if record is not None else None,
        "checked_in_at": checked_at.strftime("%H:%M") if checked_at else None,
    }


def get_found(meeting: Meeting, participant: Participant, day: date) -> Found:
    record = db.session.scalar(select(ParticipantAttendance).where(
        ParticipantAttendance.participant_id == participant.id, ParticipantAttendance.day == day))
    return Found(participant, record)


def participant_of(meeting: Meeting, public_id: str | None) -> Participant:
    return in_meeting(Participant, meeting, public_id, _("No such participant."))


def undo_check_in(participant: Participant, day: date | None = None, *, user: User | None = None) -> bool:
    """Take back today's check-in (a wrong tap): the attendance record of the day goes, audited. Answers
    False when there was none to take back (another desk undid it already)."""
    meeting = participant.meeting
    delegate_services.ensure_attendance_editable(meeting)
    day = day or desk_day(meeting)
    with atomic():
        removed = db.session.execute(
            delete(ParticipantAttendance).where(ParticipantAttendance.participant_id == participant.id,
                                                ParticipantAttendance.day == day,
                                                ParticipantAttendance.status == AttendanceStatus.present)
            .execution_options(synchronize_session=False)
        ).rowcount
        if removed:
            audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                         action="participant.check_in_undone", object_type="participant",
                         object_id=participant.public_id, summary=participant.full_name, changes={"day": day})
    if not removed:
        return False
    db.session.expire(participant, ["attendance"])
    return True


@dataclass
class Counts:
    day: date
    expected: Counter[ParticipantCategory]
    present: Counter[ParticipantCategory]

    @property
    def total_expected(self) -> int:
        return sum(self.expected.values())

    @property
    def total_present(self) -> int:
        return sum(self.present.values())

    def rows(self) -> list[tuple[ParticipantCategory, int, int]]:
        """(category, present, expected) for each category that has anyone, in the enumeration's order."""
        return [(c, self.present.get(c, 0), self.expected.get(c, 0)) for c in ParticipantCategory
                if self.expected.get(c) or self.present.get(c)]

    def as_dict(self, labels: dict[Any, Any]) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "present": self.total_present,
            "expected": self.total_expected,
            "categories": [{"category": c.value, "label": str(labels.get(c, c.value)), "present": present,
                            "expected": expected} for c, present, expected in self.rows()],
        }


def counts(meeting: Meeting, day: date) -> Counts:
    """Present today and expected (everyone who has not declined), by category: one query."""
    present_today = (select(func.count(ParticipantAttendance.id))
                     .where(ParticipantAttendance.participant_id == Participant.id,
                            ParticipantAttendance.day == day,
                            ParticipantAttendance.status == AttendanceStatus.present)
                     .correlate(Participant).scalar_subquery())
    rows = db.session.execute(
        select(Participant.category, Participant.rsvp, func.count(Participant.id), func.sum(present_today))
        .where(Participant.meeting_id == meeting.id)
        .group_by(Participant.category, Participant.rsvp)
    ).all()
    expected: Counter[ParticipantCategory] = Counter()
    present: Counter[ParticipantCategory] = Counter()
    for category, rsvp, number, here in rows:
        category = ParticipantCategory(category)
        if Rsvp(rsvp) is not Rsvp.declined:
            expected[category] += number
        present[category] += int(here or 0)
    return Counts(day, expected, present)


# A delegate's private notes ------------------------------------------------------------------------------

MAX_NOTE_TEXT = 10_000
NOTE_KINDS = ("item", "document")


def notes_of(participant: Participant) -> dict[str, str]:
    """The participant's notes as ``{"item:<public id>": text, "document:<public id>": text}`` (one query)."""
    from planner.meeting_documents.models import MeetingDocument
    from planner.portal.models import DelegateNote

    rows = db.session.execute(
        select(DelegateNote.text, AgendaItem.public_id, MeetingDocument.public_id)
        .outerjoin(AgendaItem, AgendaItem.id == DelegateNote.agenda_item_id)
        .outerjoin(MeetingDocument, MeetingDocument.id == DelegateNote.document_id)
        .where(DelegateNote.participant_id == participant.id))
    notes = {}
    for text, item_id, document_id in rows:
        notes[f"item:{item_id}" if item_id else f"document:{document_id}"] = text
    return notes


def _note_target(participant: Participant, kind: str, ref: str) -> tuple[str, int]:
    """The column and row id a note is kept on: an unclassified item of the delegate's meeting, or a document
    that reaches them; anything else is not found."""
    from planner.core.errors import NotFound

    if kind == "item":
        item = unclassified_item(participant, ref)
        if item is not None:
            return "agenda_item_id", item.id
    elif kind == "document":
        from planner.meeting_documents import services as document_services

        found = next((d for d in document_services.delegate_documents(participant) if d.public_id == ref
                      and document_services.reach(d, participant=participant) is document_services.Reach.link), None)
        if found is not None:
            return "document_id", found.id
    raise NotFound(_("Not found."))


def save_note(participant: Participant, kind: str, ref: str, text: Any) -> str:
    """Keep (or clear, when empty) the delegate's note on an item or document. Not audited: the note is the
    delegate's alone and the audit log is read by staff."""
    from planner.core.errors import ValidationError
    from planner.core.text import clean_text
    from planner.portal.models import DelegateNote

    column, target = _note_target(participant, kind, ref)
    text = clean_text(text, multiline=True)
    if len(text) > MAX_NOTE_TEXT:
        raise ValidationError(_("The note is too long (at most %(num)d characters).", num=MAX_NOTE_TEXT),
                              field="text")
    with atomic():
        note = db.session.scalar(select(DelegateNote).where(DelegateNote.participant_id == participant.id,
                                                            getattr(DelegateNote, column) == target))
        if not text:
            if note is not None:
                db.session.delete(note)
            return ""
        if note is None:
            note = DelegateNote(participant_id=participant.id, **{column: target})
            db.session.add(note)
        note.text = text
    return text
