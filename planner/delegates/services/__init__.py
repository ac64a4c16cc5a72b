"""Delegate operations: the only code that changes people, participants and attendance.

Every lookup is scoped to the organization (and, through the meeting, to the user's clearance), so
another organization's person or participant is simply not found. Every change writes one audit entry
in one atomic block (the request, or the block's end outside one, commits it), or raises a PlannerError with
a translated message and changes nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import Select, func, literal, or_, select, text, update
from sqlalchemy.orm import contains_eager, selectinload, subqueryload

from planner.accounts.models import Organization, User
from planner.core import audit
from planner.core.db import atomic, check_version
from planner.core.errors import Conflict, NotFound, ValidationError
from planner.core.permissions import Classification
from planner.core.text import clean_text, fold, full_name, split_full_name
from planner.delegates import importing, protocol
from planner.delegates.importing import ImportRow, RowError
from planner.delegates.models import (
    DEFAULT_PRECEDENCE,
    AttendanceStatus,
    EducationLevel,
    Gender,
    Participant,
    ParticipantAttendance,
    ParticipantCategory,
    Person,
    Rsvp,
)
from planner.delegates.protocol import Order, suggest_category
from planner.extensions import db
from planner.meetings.models import Meeting, MeetingStatus
from planner.meetings.recurrence import is_meeting_day, meeting_days
from planner.meetings.services import ensure_editable, meetings_query

NAME_FIELDS = ("family_name", "middle_name", "given_name")
PERSON_FIELDS = (*NAME_FIELDS, "honorific", "title", "unit", "email", "phone", "default_precedence")
# Optional facts of the directory that a congress's credentials report counts (the delegates' structure).
STRUCTURE_FIELDS = ("gender", "ethnicity", "birth_year", "education_level")
# Fields of a participant kept with the person (the same in every meeting).
PARTICIPANT_PERSON_FIELDS = (*NAME_FIELDS, "honorific", "email", "phone")
# Fields of a participant as of this meeting.
PARTICIPANT_OWN_FIELDS = ("title", "unit", "category", "delegation", "precedence", "seat", "rsvp", "note")
ATTENDANCE_FIELDS = ("attendance", "absence_reason", "day")

MAX_LENGTHS = {
    "family_name": 120, "middle_name": 120, "given_name": 120, "honorific": 40, "unit": 500, "title": 2000,
    "email": 255, "phone": 64, "delegation": 255, "seat": 32, "note": 4000, "absence_reason": 1000,
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CHUNK = 500
_SEARCH_WORDS = re.compile(r"\w+")


def _field_label(name: str) -> str:
    labels = {
        "family_name": _("Family name"), "middle_name": _("Middle name"), "given_name": _("Given name"),
        "honorific": _("Honorific"), "title": _("Position"), "unit": _("Unit"), "email": _("E-mail"),
        "phone": _("Phone"), "delegation": _("Delegation"), "seat": _("Seat"), "note": _("Note"),
        "absence_reason": _("Reason for absence"),
    }
    return labels.get(name, name)


# Search --------------------------------------------------------------------------------------------

def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_clauses(column: Any, q: str | None) -> list[Any]:
    """Every word of the query, folded, must begin a word of the folded column: 'nguyen van' finds
    'Nguyễn Văn …' (and 'Trần Văn Nguyên'), and 'an' finds 'An' and 'Anh' but not every 'Văn'."""
    text = literal(" ") + column
    return [text.like(f"% {_like_escape(word)}%", escape="\\") for word in search_words(q)]


def search_words(q: str | None) -> list[str]:
    return _SEARCH_WORDS.findall(fold(q))


# Cleaning input -------------------------------------------------------------------------------------

def _check_lengths(clean: dict[str, Any]) -> None:
    for name, limit in MAX_LENGTHS.items():
        value = clean.get(name)
        if isinstance(value, str) and len(value) > limit:
            raise ValidationError(_("%(field)s is too long: at most %(n)d characters.", field=_field_label(name),
                                    n=limit), field=name)


def _precedence(value: Any, name: str = "precedence") -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if isinstance(value, float) and not value.is_integer():
        number = 0
    if not 1 <= number <= 99_999:
        raise ValidationError(_("The precedence is a whole number from 1 (the highest rank) to 99999."), field=name)
    return number


def _clean_person_fields(data: dict[str, Any], current: Person | None = None) -> dict[str, Any]:
    """Name, honorific, contact (and for the directory title, unit, default precedence), cleaned.

    A full name typed in one field (``full_name``) is split unless the parts are given as well.
    """
    clean: dict[str, Any] = {}
    if data.get("full_name") and not any(data.get(k) for k in NAME_FIELDS):
        clean.update(zip(NAME_FIELDS, split_full_name(clean_text(data["full_name"])), strict=True))
    for key in ("honorific", "title", "unit", "email", "phone", *NAME_FIELDS):
        if key in data and key not in clean:
            clean[key] = clean_text(data[key])
    if "email" in clean:
        clean["email"] = clean["email"].lower()
        if clean["email"] and not _EMAIL.match(clean["email"]):
            raise ValidationError(_("Enter a valid e-mail address."), field="email")
    if "default_precedence" in data:
        clean["default_precedence"] = _precedence(data["default_precedence"], "default_precedence")
    clean.update(_clean_structure(data))
    given = clean.get("given_name", current.given_name if current is not None else "")
    if not given:
        raise ValidationError(_("Enter the person's name."), field="given_name")
    _check_lengths(clean)
    return clean


def _clean_structure(data: dict[str, Any]) -> dict[str, Any]:
    """The optional gender, ethnicity, birth year and education level: empty is none."""
    clean: dict[str, Any] = {}
    for key, kind, message in (("gender", Gender, _("Unknown gender.")),
                               ("education_level", EducationLevel, _("Unknown education level."))):
        if key in data:
            try:
                clean[key] = kind(data[key]) if data[key] not in (None, "") else None
            except ValueError:
                raise ValidationError(message, field=key) from None
    if "ethnicity" in data:
        clean["ethnicity"] = clean_text(data["ethnicity"])
        if len(clean["ethnicity"]) > 60:
            raise ValidationError(_("%(field)s is too long: at most %(n)d characters.", field=_("Ethnicity"), n=60),
                                  field="ethnicity")
    if "birth_year" in data:
        year = data["birth_year"]
        if year in (None, ""):
            clean["birth_year"] = None
        else:
            try:
                clean["birth_year"] = int(year)
            except (TypeError, ValueError):
                clean["birth_year"] = 0
            if not 1900 <= clean["birth_year"] <= date.today().year:
                raise ValidationError(_("Enter the year of birth, for example 1975."), field="birth_year")
    return clean


# The people directory --------------------------------------------------------------------------------

def people_query(org: Organization, q: str | None = None) -> Select[tuple[Person]]:
    return select(Person).where(Person.organization_id == org.id, *search_clauses(Person.search_folded, q))


def list_people(org: Organization, *, q: str | None = None, limit: int = 50,
                offset: int = 0) -> tuple[list[Person], int]:
    """The directory in name order (given name, family name, middle name), with the total for paging."""
    query = people_query(org, q)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = db.session.scalars(query.order_by(Person.name_key, Person.id).limit(limit).offset(offset))
    return list(rows), total


def get_person(org: Organization, public_id: str) -> Person:
    person = db.session.scalar(select(Person).where(Person.organization_id == org.id,
                                                    Person.public_id == public_id))
    if person is None:
        raise NotFound(_("No such person in the directory."))
    return person


def similar_people(org: Organization, *, family_name: str = "", middle_name: str = "", given_name: str = "",
                   unit: str = "", email: str = "", exclude: Person | None = None) -> list[Person]:
    """People of the directory who are likely the same: the same name (folded) and unit, or e-mail."""
    name = fold(full_name(family_name, middle_name, given_name))
    conditions = [(Person.name_folded == name) & (Person.unit_folded == fold(unit))]
    if email:
        conditions.append(Person.email == email.strip().lower())
    query = select(Person).where(Person.organization_id == org.id, or_(*conditions))
    if exclude is not None and exclude.id is not None:
        query = query.where(Person.id != exclude.id)
    return list(db.session.scalars(query.order_by(Person.name_key, Person.id)))


class DuplicatePerson(ValidationError):
    """A person with the same name and unit (or e-mail) is in the directory already."""

    status = 409

    def __init__(self, matches: list[Person]):
        names = "; ".join(f"{p.full_name}{' - ' + p.unit if p.unit else ''}" for p in matches[:3])
        super().__init__(_("The directory has this person already: %(names)s.", names=names), field="given_name")
        self.matches = matches


_DIRECTORY_LOCK = 0x504C4452  # "PLDR": the advisory lock class of an organization's directory of people


def lock_directory(organization_id: int) -> None:
    """Take the organization's directory for this transaction, so that two writers cannot both find a person
    missing and both create them (two instances importing one list at the same moment).

    People have no natural unique key (namesakes in one unit are real), so no constraint can refuse the
    second copy: the writers take turns instead, and each looks for matches only once it holds the lock.
    PostgreSQL: a transaction-scoped advisory lock (it blocks no other write). SQLite: a no-op UPDATE takes
    the database's one write lock (a column that is no key: no foreign-key checks), so the reads that
    follow are serialized.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:kind, :org)"),
                           {"kind": _DIRECTORY_LOCK, "org": organization_id})
    else:
        db.session.execute(text("UPDATE organizations SET name = name WHERE id = :org"), {"org": organization_id})


def create_person(org: Organization, data: dict[str, Any], *, allow_duplicate: bool = False) -> Person:
    clean = _clean_person_fields(data)
    if clean.get("default_precedence") is None:
        clean["default_precedence"] = DEFAULT_PRECEDENCE  # none: the title's tier orders their lists
    # A refusal rolls the block back: the directory's lock is let go at once.
    with atomic():
        if not allow_duplicate:
            lock_directory(org.id)
            matches = similar_people(org, **{k: clean.get(k, "") for k in (*NAME_FIELDS, "unit", "email")})
            if matches:
                raise DuplicatePerson(matches)
        person = Person(organization_id=org.id, **clean)
        db.session.add(person)
        db.session.flush()
        audit.record(db.session, organization_id=org.id, action="person.created", object_type="person",
                     object_id=person.public_id, summary=person.full_name)
    return person


def update_person(person: Person, data: dict[str, Any], *, version: int | None = None) -> Person:
    check_version(person, version, _("Someone else changed this person meanwhile. Reload to see their version."))
    clean = _clean_person_fields(data, person)
    if "default_precedence" in clean and clean["default_precedence"] is None:
        clean["default_precedence"] = DEFAULT_PRECEDENCE
    changes = audit.diff({k: getattr(person, k) for k in clean}, clean)
    if not changes:
        return person
    with atomic(_("Someone else changed this person meanwhile. Reload to see their version.")):
        for key, value in clean.items():
            setattr(person, key, value)
        audit.record(db.session, organization_id=person.organization_id, action="person.updated",
                     object_type="person", object_id=person.public_id, summary=person.full_name, changes=changes)
    return person


def delete_person(person: Person) -> None:
    """Only a person who is in no meeting leaves the directory; the lists of past meetings keep theirs."""
    count = db.session.scalar(select(func.count(Participant.id)).where(Participant.person_id == person.id))
    if count:
        raise Conflict(_("This person is on the list of %(n)d meeting(s) and stays in the directory.", n=count))
    with atomic(_("Someone else changed this person meanwhile. Reload to see their version.")):
        audit.record(db.session, organization_id=person.organization_id, action="person.deleted",
                     object_type="person", object_id=person.public_id, summary=person.full_name)
        db.session.delete(person)


def person_meetings(person: Person, user: User | None) -> list[Participant]:
    """The person's participations in the meetings the user may see, newest meeting first."""
    query = (select(Participant).join(Participant.meeting)
             .where(Participant.person_id == person.id)
             .where(Meeting.id.in_(meetings_query_ids(person.organization_id, user)))
             .options(contains_eager(Participant.meeting))
             .order_by(Meeting.starts_on.desc()))
    return list(db.session.scalars(query))


def meetings_query_ids(organization_id: int, user: User | None) -> Select:
    org = db.session.get(Organization, organization_id)
    return meetings_query(org, user).with_only_columns(Meeting.id)


# Participants ---------------------------------------------------------------------------------------------

def participants_query(meeting: Meeting, *, q: str | None = None,
                       category: ParticipantCategory | str | None = None) -> Select[tuple[Participant]]:
    query = select(Participant).where(Participant.meeting_id == meeting.id,
                                      *search_clauses(Participant.search_folded, q))
    if category:
        query = query.where(Participant.category == ParticipantCategory(category))
    return query


# SQLAlchemy's selectinload asks for the rows of 500 parents per query: a list of 3,000 would take six.
_SELECTIN_BATCH = 500


def attendance_loading(limit: int | None) -> Any:
    """Load the participants' attendance in one query: by their ids for a page, through the list's own
    query for a whole list (whatever its size)."""
    if limit is not None and limit <= _SELECTIN_BATCH:
        return selectinload(Participant.attendance)
    return subqueryload(Participant.attendance)


def list_participants(meeting: Meeting, *, order: Order | str = Order.protocol, q: str | None = None,
                      category: ParticipantCategory | str | None = None, limit: int | None = 50,
                      offset: int = 0) -> tuple[list[Participant], int]:
    """One page of the meeting's participants in the chosen order, with the total; two SQL queries
    and one more for their attendance, whatever the size of the list."""
    try:
        order = Order(order or Order.protocol)
        category = ParticipantCategory(category) if category else None
    except ValueError:
        raise ValidationError(_("Unknown order or category."), field="order") from None
    query = participants_query(meeting, q=q, category=category)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = query.order_by(*protocol.order_by(order)).options(attendance_loading(limit)).offset(offset)
    if limit is not None:
        page = page.limit(limit)
    return list(db.session.scalars(page).unique()), total


def all_participants(meeting: Meeting, order: Order | str = Order.protocol) -> list[Participant]:
    return list_participants(meeting, order=order, limit=None)[0]


def participant_counts(meeting: Meeting) -> dict[str, Any]:
    """How many participants by category and by RSVP, in one query."""
    rows = db.session.execute(
        select(Participant.category, Participant.rsvp, func.count())
        .where(Participant.meeting_id == meeting.id)
        .group_by(Participant.category, Participant.rsvp)
    ).all()
    by_category: Counter[ParticipantCategory] = Counter()
    by_rsvp: Counter[Rsvp] = Counter()
    for category, rsvp, count in rows:
        by_category[ParticipantCategory(category)] += count
        by_rsvp[Rsvp(rsvp)] += count
    return {"total": sum(by_category.values()), "category": dict(by_category), "rsvp": dict(by_rsvp)}


def get_participant(org: Organization, public_id: str, *, user: User | None) -> Participant:
    """A participant of a meeting of the organization that the user's clearance admits, else 404."""
    query = (select(Participant).join(Participant.meeting)
             .where(Participant.public_id == public_id, Meeting.organization_id == org.id)
             .options(contains_eager(Participant.meeting), selectinload(Participant.attendance)))
    visible = meetings_query(org, user).with_only_columns(Meeting.id)
    participant = db.session.scalar(query.where(Meeting.id.in_(visible)))
    if participant is None:
        raise NotFound(_("No such participant."))
    return participant


def people_on_list(meeting: Meeting, person_ids: list[int]) -> set[int]:
    """Which of these people are on the meeting's list already (one query)."""
    if not person_ids:
        return set()
    return set(db.session.scalars(select(Participant.person_id).where(Participant.meeting_id == meeting.id,
                                                                      Participant.person_id.in_(person_ids))))


def participant_by_person(meeting: Meeting, person: Person) -> Participant | None:
    return db.session.scalar(select(Participant).where(Participant.meeting_id == meeting.id,
                                                       Participant.person_id == person.id))


def _clean_participant_fields(data: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key in ("title", "unit", "delegation", "seat", "note"):
        if key in data:
            clean[key] = clean_text(data[key]) if key != "note" else (data[key] or "").strip()
    try:
        if "category" in data:
            clean["category"] = ParticipantCategory(data["category"] or ParticipantCategory.delegate)
    except ValueError:
        raise ValidationError(_("Unknown category."), field="category") from None
    try:
        if "rsvp" in data:
            clean["rsvp"] = Rsvp(data["rsvp"] or Rsvp.invited)
    except ValueError:
        raise ValidationError(_("Unknown RSVP."), field="rsvp") from None
    if "precedence" in data:
        clean["precedence"] = _precedence(data["precedence"])
    _check_lengths(clean)
    return clean


def default_precedence(person: Person) -> int | None:
    """The precedence a new participant starts with: the person's own number in the directory, else none
    (then the title's tier, else the category, orders them: protocol.protocol_rank)."""
    if person.default_precedence and person.default_precedence != DEFAULT_PRECEDENCE:
        return person.default_precedence
    return None


def default_category(title: str | None) -> ParticipantCategory:
    """The category of someone put on a list without one: what their title says (the Bí thư Thành ủy leads,
    a reporter is press), else delegate."""
    return suggest_category(title) or ParticipantCategory.delegate


def add_participant(meeting: Meeting, data: dict[str, Any], *, person: Person | None = None,
                    reuse_person: bool = False, allow_duplicate: bool = False) -> Participant:
    """Put a person on the meeting's list, from the directory (``person``) or new from ``data``.

    A new name that matches someone in the directory (same name and unit, or e-mail) raises
    DuplicatePerson, unless ``reuse_person`` (take that person) or ``allow_duplicate`` (a namesake).
    """
    ensure_editable(meeting)
    own = _clean_participant_fields(data)
    if person is None:
        clean = _clean_person_fields(data)
    elif person.organization_id != meeting.organization_id:
        raise NotFound(_("No such person in the directory."))
    # A refusal rolls the block back: the directory's lock is let go at once, no new person is left staged.
    with atomic(_("Someone else changed this list meanwhile. Reload to see their version.")):
        if person is None:
            if not allow_duplicate:
                lock_directory(meeting.organization_id)
            matches = [] if allow_duplicate else similar_people(
                meeting.organization, **{k: clean.get(k, "") for k in (*NAME_FIELDS, "unit", "email")})
            if matches and not reuse_person:
                raise DuplicatePerson(matches)
            if matches:
                person = matches[0]
            else:
                person = Person(organization_id=meeting.organization_id, **clean)
                db.session.add(person)
        if person.id is not None and participant_by_person(meeting, person) is not None:
            raise Conflict(_("%(name)s is on this meeting's list already.", name=person.full_name))
        participant = _put_on_list(meeting, person, own, category_given=bool(data.get("category")))
    return participant


def _put_on_list(meeting: Meeting, person: Person, own: dict[str, Any], *, category_given: bool) -> Participant:
    """Stage a new participant of the person (title and unit theirs unless given; the precedence theirs
    in the directory; the category from the title unless given), flushed and audited; its callers' block commits it."""
    own.setdefault("title", person.title)
    own.setdefault("unit", person.unit)
    if own.get("precedence") is None:
        own["precedence"] = default_precedence(person)
    if not category_given:
        own["category"] = default_category(own["title"])
    with atomic(clash=Conflict(_("%(name)s is on this meeting's list already.", name=person.full_name))):
        participant = Participant(meeting_id=meeting.id, person=person, **own)
        db.session.add(participant)
    audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                 action="participant.added", object_type="participant", object_id=participant.public_id,
                 summary=person.full_name)
    return participant


def person_of_user(org: Organization, user_public_id: str) -> Person:
    """The directory's person for a user of the office (a staff member who takes the minutes without being a
    delegate): the one with their e-mail, else a new one with their name and e-mail, in the office's unit."""
    user = db.session.scalar(select(User).where(User.public_id == str(user_public_id)))
    if user is None or user.membership_in(org.id) is None:
        raise ValidationError(_("No such user in this organization."), field="secretary_ids")
    email = (user.email or "").lower()
    person = db.session.scalar(select(Person).where(Person.organization_id == org.id, Person.email == email)
                               .order_by(Person.id).limit(1)) if email else None
    if person is None:
        family, middle, given = split_full_name(user.name or email)
        person = Person(organization_id=org.id, family_name=family, middle_name=middle, given_name=given or email,
                        email=email, unit=org.name)
        db.session.add(person)
        db.session.flush()
        audit.record(db.session, organization_id=org.id, action="person.created", object_type="person",
                     object_id=person.public_id, summary=person.full_name)
    return person


def resolve_people(meeting: Meeting, refs: list[str], kind: str) -> list[str]:
    """Presiding persons and secretaries chosen from the directory (``person:<id>``) or among the office's users
    (``user:<id>``), put on the meeting's list in the given order if they are not on it: a presiding person with
    the category their title suggests, a user as staff (they serve the meeting; they are not a delegate).
    Staged, not committed: the meeting's change commits them with it."""
    result = []
    for ref in refs:
        prefix, sep, public_id = ref.partition(":")
        if not sep:
            result.append(ref)
            continue
        if prefix == "person":
            person = db.session.scalar(select(Person).where(Person.organization_id == meeting.organization_id,
                                                            Person.public_id == public_id))
            if person is None:
                raise ValidationError(_("No such person in the directory."), field=f"{_ROLE_FIELDS[kind]}")
        elif prefix == "user":
            person = person_of_user(meeting.organization, public_id)
        else:
            raise ValidationError(_("Not a participant of this meeting: %(ids)s", ids=ref), field=_ROLE_FIELDS[kind])
        participant = participant_by_person(meeting, person) if person.id is not None else None
        if participant is None:
            category = ParticipantCategory.staff if prefix == "user" else None
            own = {"category": category} if category else {}
            participant = _put_on_list(meeting, person, own, category_given=category is not None)
        result.append(participant.public_id)
    return result


_ROLE_FIELDS = {"presiding": "presiding_ids", "secretaries": "secretary_ids"}


def update_participant(participant: Participant, data: dict[str, Any], *, version: int | None = None,
                       user: User | None = None) -> Participant:
    """Change a participant: their name and contact (kept with the person, so for every meeting), their
    title, unit, category… as of this meeting, and their attendance on a day (``attendance``,
    ``absence_reason``, ``day``). A closed meeting takes attendance corrections only."""
    meeting = participant.meeting
    check_version(participant, version,
                  _("Someone else changed this participant meanwhile. Reload to see their version."))
    other = {k for k in data if k not in ATTENDANCE_FIELDS}
    if other:
        ensure_editable(meeting)
    else:
        ensure_attendance_editable(meeting)
    person = participant.person
    person_data = {k: data[k] for k in (*PARTICIPANT_PERSON_FIELDS, "full_name") if k in data}
    person_clean = _clean_person_fields(person_data, person) if person_data else {}
    own = _clean_participant_fields({k: data[k] for k in PARTICIPANT_OWN_FIELDS if k in data})
    if "precedence" in own and own["precedence"] is None:
        own["precedence"] = default_precedence(person)
    if "category" in data and not data["category"]:
        own["category"] = default_category(own.get("title", participant.title))
    changes = audit.diff({k: getattr(person, k) for k in person_clean}, person_clean)
    changes.update(audit.diff({k: getattr(participant, k) for k in own}, own))
    with atomic(_("Someone else changed this participant meanwhile. Reload to see their version.")):
        if "attendance" in data or "absence_reason" in data:
            day = _attendance_day(meeting, data.get("day"))
            changes.update(_apply_attendance(participant, day, data, user))
        if not changes:
            return participant
        for key, value in person_clean.items():
            setattr(person, key, value)
        for key, value in own.items():
            setattr(participant, key, value)
        action = "participant.attendance" if not other else "participant.updated"
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id, action=action,
                     object_type="participant", object_id=participant.public_id, summary=person.full_name,
                     changes=changes)
    return participant


def remove_participant(participant: Participant) -> None:
    meeting = participant.meeting
    ensure_editable(meeting)
    with atomic(_("Someone else changed this participant meanwhile. Reload to see their version.")):
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action="participant.removed", object_type="participant", object_id=participant.public_id,
                     summary=participant.full_name)
        db.session.delete(participant)


def attendance_editable(meeting: Meeting) -> bool:
    return meeting.status != MeetingStatus.archived


def ensure_attendance_editable(meeting: Meeting) -> None:
    """Attendance may still be corrected once a meeting is closed (for its minutes), not once archived."""
    if meeting.status == MeetingStatus.archived:
        raise Conflict(_("This meeting is archived; its attendance can no longer be changed."))


# Attendance and check-in ---------------------------------------------------------------------------------

def local_time(meeting: Meeting, moment: datetime | None) -> datetime | None:
    """A stored UTC time in the meeting's zone (API answers carry the offset)."""
    return moment.astimezone(ZoneInfo(meeting.timezone)) if moment is not None else None


def local_today(meeting: Meeting, now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(meeting.timezone)).date()


def reference_day(meeting: Meeting, today: date | None = None) -> date:
    """The day whose attendance a list shows: today while the meeting runs, else its first or last day
    (for a recurring meeting: today's occurrence, else the latest one, else the next)."""
    today = today or local_today(meeting)
    if not meeting.recurrence:
        return min(max(today, meeting.starts_on), meeting.ends_on)
    days = meeting_days(meeting, today)
    past = [d for d in days if d <= today]
    return past[-1] if past else (days[0] if days else meeting.starts_on)


def _attendance_day(meeting: Meeting, value: Any) -> date:
    if value in (None, ""):
        return reference_day(meeting)
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise ValidationError(_("Enter the day as YYYY-MM-DD."), field="day") from None
    if not isinstance(value, date) or not is_meeting_day(meeting, value):
        raise ValidationError(_("This day is not a day of the meeting."), field="day")
    return value


def _apply_attendance(participant: Participant, day: date, data: dict[str, Any],
                      user: User | None) -> dict[str, list[Any]]:
    """Set (or clear, with an empty status) the attendance of one day; answers the changes."""
    record = participant.attendance_on(day)
    status_value = data.get("attendance", record.status if record else None)
    reason = clean_text(data.get("absence_reason", record.reason if record else ""))
    if len(reason) > MAX_LENGTHS["absence_reason"]:
        raise ValidationError(_("%(field)s is too long: at most %(n)d characters.",
                                field=_field_label("absence_reason"), n=MAX_LENGTHS["absence_reason"]),
                              field="absence_reason")
    if status_value in (None, ""):
        if record is None:
            return {}
        participant.attendance.remove(record)
        return {f"attendance {day.isoformat()}": [record.status.value, None]}
    try:
        status = AttendanceStatus(status_value)
    except ValueError:
        raise ValidationError(_("Unknown attendance: use present, excused or absent."), field="attendance") from None
    if status is AttendanceStatus.present:
        reason = ""
    before = [record.status.value, record.reason] if record else [None, ""]
    if before == [status.value, reason]:
        return {}
    if record is None:
        record = ParticipantAttendance(day=day)
        participant.attendance.append(record)
    if status is AttendanceStatus.present and record.status is not AttendanceStatus.present:
        record.checked_in_at = datetime.now(UTC)
        record.checked_in_by_id = user.id if user is not None else None
    elif status is not AttendanceStatus.present:
        record.checked_in_at = None
    record.status = status
    record.reason = reason
    return {f"attendance {day.isoformat()}": [before[0], status.value],
            **({f"absence_reason {day.isoformat()}": [before[1], reason]} if before[1] != reason else {})}


@dataclass
class CheckIn:
    participant: Participant
    attendance: ParticipantAttendance
    day: date
    new: bool  # False when the participant had been checked in already (idempotent)


def check_in_day(meeting: Meeting, day: date | None = None) -> date:
    """Today, in the meeting's time zone; refused when the meeting does not sit today."""
    day = day or local_today(meeting)
    if not is_meeting_day(meeting, day):
        raise Conflict(_("The meeting does not take place today (%(day)s): there is no one to check in.",
                         day=day.isoformat()))
    return day


def _attendance_row(participant_id: int, day: date) -> ParticipantAttendance | None:
    return db.session.scalar(select(ParticipantAttendance).where(
        ParticipantAttendance.participant_id == participant_id, ParticipantAttendance.day == day))


def check_in(participant: Participant, day: date | None = None, *, user: User | None = None) -> CheckIn:
    """Mark the participant present for today's (or the given) day of the meeting, once.

    Idempotent and safe against a double scan at two doors: the unique (participant, day) constraint
    lets one insert win; the loser's IntegrityError is turned into "already checked in".
    """
    meeting = participant.meeting
    day = check_in_day(meeting, day)
    participant_id, public_id, name = participant.id, participant.public_id, participant.full_name
    now = datetime.now(UTC)
    user_id = user.id if user is not None else None
    existing = _attendance_row(participant_id, day)
    if existing is not None:
        with atomic():
            changed = db.session.execute(
                update(ParticipantAttendance)
                .where(ParticipantAttendance.id == existing.id,
                       ParticipantAttendance.status != AttendanceStatus.present)
                .values(status=AttendanceStatus.present, reason="", checked_in_at=now, checked_in_by_id=user_id,
                        updated_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
            if changed:
                _record_check_in(meeting, public_id, name, day)
        if not changed:
            return CheckIn(participant, existing, day, new=False)
        db.session.refresh(existing)
        db.session.expire(participant, ["attendance"])  # read again with the day checked in
        return CheckIn(participant, existing, day, new=True)
    record = ParticipantAttendance(participant_id=participant_id, day=day, status=AttendanceStatus.present,
                                   checked_in_at=now, checked_in_by_id=user_id)
    try:
        with atomic():
            db.session.add(record)
            _record_check_in(meeting, public_id, name, day)
    except Conflict:
        # Someone checked the same person in at the same moment (the insert clashed and was rolled back):
        # theirs counts, ours is a repeat.
        existing = _attendance_row(participant_id, day)
        if existing is None:
            raise
        return CheckIn(participant, existing, day, new=False)
    db.session.expire(participant, ["attendance"])  # read again with the day checked in
    return CheckIn(participant, record, day, new=True)


def _record_check_in(meeting: Meeting, public_id: str, name: str, day: date) -> None:
    audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                 action="participant.checked_in", object_type="participant", object_id=public_id,
                 summary=name, changes={"day": day})


def normalize_badge_code(code: str | None) -> str:
    return re.sub(r"[^0-9A-Z]", "", (code or "").upper())


def participant_by_code(meeting: Meeting, code: str | None) -> Participant:
    clean = normalize_badge_code(code)
    participant = db.session.scalar(select(Participant).where(Participant.meeting_id == meeting.id,
                                                              Participant.badge_code == clean)) if clean else None
    if participant is None:
        raise NotFound(_("No participant of this meeting has the badge code %(code)s.", code=code or ""))
    return participant


def check_in_by_code(meeting: Meeting, code: str | None, day: date | None = None, *,
                     user: User | None = None) -> CheckIn:
    participant = participant_by_code(meeting, code)
    return check_in(participant, day, user=user)


def set_attendance(participant: Participant, day: date | str | None, status: AttendanceStatus | str | None,
                   reason: str = "", *, user: User | None = None) -> Participant:
    """Record present, excused (with the reason) or absent for one day; allowed on a closed meeting."""
    return update_participant(participant, {"attendance": status, "absence_reason": reason, "day": day},
                              user=user)


def set_rsvp(participant: Participant, rsvp: Rsvp | str, *, user: User | None = None) -> Participant:
    """A participant's answer to the invitation (staff on their behalf, or the delegate's own link)."""
    return update_participant(participant, {"rsvp": rsvp}, user=user)


def attendance_counts(meeting: Meeting, day: date) -> dict[AttendanceStatus, int]:
    rows = db.session.execute(
        select(ParticipantAttendance.status, func.count())
        .join(Participant, Participant.id == ParticipantAttendance.participant_id)
        .where(Participant.meeting_id == meeting.id, ParticipantAttendance.day == day)
        .group_by(ParticipantAttendance.status)
    ).all()
    return {AttendanceStatus(status): count for status, count in rows}


def attending(meeting: Meeting, day: date | None = None) -> list[Participant]:
    """Who is there, in protocol order: those present on the day; without a day, all who did not decline."""
    query = participants_query(meeting).order_by(*protocol.order_by(Order.protocol))
    if day is not None:
        query = query.join(ParticipantAttendance).where(ParticipantAttendance.day == day,
                                                        ParticipantAttendance.status == AttendanceStatus.present)
    else:
        query = query.where(Participant.rsvp != Rsvp.declined)
    return list(db.session.scalars(query))


def attendance_paragraph(meeting: Meeting, day: date | None = None, language: str | None = None) -> str:
    """The sentence of the minutes and the programme: who came (see protocol.attendance_paragraph)."""
    return protocol.attendance_paragraph(attending(meeting, day), language or meeting.language or "vi")


def sheet_participants(meeting: Meeting) -> list[Participant]:
    """Who signs the attendance sheet: everyone expected (not declined), staff excepted, in protocol order."""
    query = (participants_query(meeting)
             .where(Participant.rsvp != Rsvp.declined, Participant.category != ParticipantCategory.staff)
             .order_by(*protocol.order_by(Order.protocol)))
    return list(db.session.scalars(query))


# API data ------------------------------------------------------------------------------------------------

def participant_data(participant: Participant, meeting: Meeting | None = None,
                     day: date | None = None) -> dict[str, Any]:
    meeting = meeting or participant.meeting
    day = day or reference_day(meeting)
    person = participant.person
    record = participant.attendance_on(day)
    return {
        "id": participant.public_id,
        "meeting_id": meeting.public_id,
        "person_id": person.public_id,
        "family_name": person.family_name,
        "middle_name": person.middle_name,
        "given_name": person.given_name,
        "full_name": person.full_name,
        "honorific": person.honorific,
        "title": participant.title,
        "unit": participant.unit,
        "category": participant.category.value,
        "delegation": participant.delegation,
        "precedence": participant.precedence,
        "seat": participant.seat,
        "email": person.email,
        "phone": person.phone,
        "rsvp": participant.rsvp.value,
        "badge_code": participant.badge_code,
        "note": participant.note,
        "day": day,
        "attendance": record.status.value if record else None,
        "absence_reason": record.reason if record else "",
        "attendance_days": [
            {"day": a.day, "status": a.status.value, "absence_reason": a.reason,
             "checked_in_at": local_time(meeting, a.checked_in_at)}
            for a in participant.attendance
        ],
        "version": participant.version,
    }


# Import ----------------------------------------------------------------------------------------------------

@dataclass
class PlannedRow:
    row: int
    action: str                 # "create", "update", "unchanged" or "error"
    name: str
    title: str = ""
    unit: str = ""
    category: ParticipantCategory | None = None
    errors: list[RowError] = field(default_factory=list)
    changes: dict[str, list[Any]] = field(default_factory=dict)
    person: Person | None = None
    participant: Participant | None = None
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportPlan:
    rows: list[PlannedRow]
    errors: list[RowError]
    # What the plan was made from: commit_import plans again from them once it holds the directory's lock.
    source: tuple[list[ImportRow], list[RowError]] | None = None

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def created(self) -> int:
        return self.count("create")

    @property
    def updated(self) -> int:
        return self.count("update")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")


def _chunks(values: Iterable[Any]) -> Iterable[list[Any]]:
    items = list(values)
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


def plan_import(meeting: Meeting, rows: list[ImportRow], errors: list[RowError]) -> ImportPlan:
    """What the rows would do: create, update or leave each participant (and person), or why not.

    A row matches a person of the directory with the same e-mail, else the same folded name and unit;
    a matched person on this meeting's list updates that participant. Re-importing a file therefore
    creates nobody twice.
    """
    org_id = meeting.organization_id
    keys = {r.row: (fold(r.full_name), fold(r.values.get("unit", ""))) for r in rows}
    emails = {r.values["email"] for r in rows if r.values.get("email")}
    people: dict[int, Person] = {}
    for chunk in _chunks({k[0] for k in keys.values()}):
        for p in db.session.scalars(select(Person).where(Person.organization_id == org_id,
                                                         Person.name_folded.in_(chunk))):
            people[p.id] = p
    for chunk in _chunks(emails):
        for p in db.session.scalars(select(Person).where(Person.organization_id == org_id, Person.email.in_(chunk))):
            people[p.id] = p
    by_key: dict[tuple[str, str], Person] = {}
    by_email: dict[str, Person] = {}
    for p in sorted(people.values(), key=lambda p: p.id):
        by_key.setdefault((p.name_folded, p.unit_folded), p)
        if p.email:
            by_email.setdefault(p.email, p)
    participants: dict[int, Participant] = {}
    for chunk in _chunks(people):
        for part in db.session.scalars(select(Participant).where(Participant.meeting_id == meeting.id,
                                                                 Participant.person_id.in_(chunk))):
            participants[part.person_id] = part

    errors_by_row: dict[int, list[RowError]] = {}
    for error in errors:
        errors_by_row.setdefault(error.row, []).append(error)
    seen_keys: dict[tuple[str, str], int] = {}
    seen_emails: dict[str, int] = {}
    seen_people: dict[int, int] = {}
    planned: list[PlannedRow] = []
    all_errors = list(errors)
    for row in rows:
        values = row.values
        item = PlannedRow(row=row.row, action="error", name=row.full_name, title=values.get("title", ""),
                          unit=values.get("unit", ""), category=values.get("category"), values=values,
                          errors=errors_by_row.get(row.row, []))
        planned.append(item)
        key = keys[row.row]
        email = values.get("email", "")
        repeat = seen_keys.get(key) if key[0] else None
        if repeat is None and email:
            repeat = seen_emails.get(email)
        person = (by_email.get(email) if email else None) or by_key.get(key)
        if repeat is None and person is not None:
            repeat = seen_people.get(person.id)
        if repeat is not None and key[0]:
            error = RowError(row.row, row.columns.get("full_name") or row.columns.get("given_name", ""),
                             _("The same person as on row %(row)d (same name and unit, or e-mail).", row=repeat))
            item.errors.append(error)
            all_errors.append(error)
        if key[0]:
            seen_keys.setdefault(key, row.row)
        if email:
            seen_emails.setdefault(email, row.row)
        if person is not None:
            seen_people.setdefault(person.id, row.row)
        if item.errors:
            continue
        item.person = person
        item.participant = participants.get(person.id) if person is not None else None
        if item.participant is None:
            item.action = "create"
            continue
        item.changes = _import_changes(item.participant, values)
        item.action = "update" if item.changes else "unchanged"
    return ImportPlan(rows=planned, errors=sorted(all_errors, key=lambda e: (e.row, e.column)),
                      source=(list(rows), list(errors)))


_IMPORT_PERSON_FIELDS = (*NAME_FIELDS, "honorific", "email", "phone", "title", "unit")
_IMPORT_OWN_FIELDS = ("title", "unit", "category", "delegation", "precedence", "seat", "note")


def _import_person_values(values: dict[str, Any]) -> dict[str, Any]:
    """What a row sets on the person: what it has (an empty cell keeps what the directory knows)."""
    return {k: values[k] for k in _IMPORT_PERSON_FIELDS if values.get(k) not in (None, "")}


def _import_own_values(values: dict[str, Any]) -> dict[str, Any]:
    return {k: values[k] for k in _IMPORT_OWN_FIELDS if values.get(k) not in (None, "")}


def _import_changes(participant: Participant, values: dict[str, Any]) -> dict[str, list[Any]]:
    person_values = {k: v for k, v in _import_person_values(values).items() if k not in ("title", "unit")}
    changes = audit.diff({k: getattr(participant.person, k) for k in person_values}, person_values)
    own = _import_own_values(values)
    changes.update(audit.diff({k: getattr(participant, k) for k in own}, own))
    return changes


def commit_import(meeting: Meeting, plan: ImportPlan, *, filename: str = "") -> ImportPlan:
    """Save every row of a plan without errors, in one transaction with one audit entry; else nothing.

    The plan is made again under the directory's lock: an import that finished meanwhile (the same file
    sent twice, from two instances) turns this one's "create" rows into "unchanged" instead of copies.
    Answers the plan that was saved."""
    if plan.source is not None:
        return save_import(meeting, *plan.source, filename=filename)
    ensure_editable(meeting)
    return _save_plan(meeting, plan, filename)


def save_import(meeting: Meeting, rows: list[ImportRow], errors: list[RowError], *,
                filename: str = "") -> ImportPlan:
    """Plan the rows under the directory's lock and save them (as commit_import): the one plan of an
    import that is saved at once, instead of a plan for the preview and another one under the lock."""
    ensure_editable(meeting)
    # One block: rows in error roll it back, and the directory's lock is let go at once.
    with _importing():
        lock_directory(meeting.organization_id)
        db.session.expire_all()  # what others committed before we held the lock must be read afresh
        return _save_plan(meeting, plan_import(meeting, rows, errors), filename)


def _importing() -> Any:
    message = _("The list changed while the file was being imported; nothing was imported. Try again.")
    return atomic(message, clash=Conflict(message))


def _save_plan(meeting: Meeting, plan: ImportPlan, filename: str) -> ImportPlan:
    if plan.errors:
        raise ValidationError(_("The file has %(n)d error(s); nothing was imported. Correct them and try again.",
                                n=len(plan.errors)), errors=[e.as_dict() for e in plan.errors])
    with _importing():
        for item in plan.rows:
            if item.action not in ("create", "update"):
                continue
            person_values = _import_person_values(item.values)
            person = item.person
            if person is None:
                person = Person(organization_id=meeting.organization_id, **person_values)
                db.session.add(person)
            else:
                for key, value in person_values.items():
                    setattr(person, key, value)
            own = _import_own_values(item.values)
            participant = item.participant
            if participant is None:
                own.setdefault("title", person.title)
                own.setdefault("unit", person.unit)
                own.setdefault("precedence", default_precedence(person))
                own.setdefault("category", default_category(own["title"]))
                db.session.add(Participant(meeting_id=meeting.id, person=person, **own))
            else:
                for key, value in own.items():
                    setattr(participant, key, value)
        summary = _("%(file)s: %(created)d added, %(updated)d updated, %(unchanged)d unchanged",
                    file=filename or _("file"), created=plan.created, updated=plan.updated,
                    unchanged=plan.unchanged)
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action="participants.imported", object_type="meeting", object_id=meeting.public_id,
                     summary=summary, changes={"file": filename, "created": plan.created, "updated": plan.updated,
                                               "unchanged": plan.unchanged})
    return plan


@dataclass
class ImportResult:
    plan: ImportPlan
    table: importing.Table
    mapping: list[str | None]
    saved: bool


def import_file(meeting: Meeting, data: bytes, filename: str = "", *, mapping: list[str | None] | None = None,
                dry_run: bool = False, max_bytes: int | None = None) -> ImportResult:
    """Read, map, check and (unless dry_run) save a delegate list; any error raises ValidationError
    (422) with the rows at fault in ``errors`` and saves nothing."""
    ensure_editable(meeting)
    table = read_import_table(data, filename, max_bytes=max_bytes)
    mapping = mapping if mapping is not None else importing.guess_mapping(table.headers)
    mapping = (list(mapping) + [None] * len(table.headers))[: len(table.headers)]
    problems = importing.check_mapping(mapping)
    if problems:
        raise ValidationError(" ".join(problems), field="mapping")
    rows, row_errors = importing.parse_rows(table, mapping)
    if not dry_run:
        plan = save_import(meeting, rows, row_errors, filename=filename)
        return ImportResult(plan=plan, table=table, mapping=mapping, saved=True)
    plan = plan_import(meeting, rows, row_errors)
    if plan.errors:
        raise ValidationError(_("The file has %(n)d error(s); nothing was imported. Correct them and try again.",
                                n=len(plan.errors)), errors=[e.as_dict() for e in plan.errors])
    return ImportResult(plan=plan, table=table, mapping=mapping, saved=False)


def size_label(size: int) -> str:
    """5 MB, 512 KB, 100 B: a limit as people read it."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} B"


def read_import_table(data: bytes, filename: str = "", *, max_bytes: int | None = None) -> importing.Table:
    if max_bytes is not None and len(data) > max_bytes:
        raise ValidationError(_("The file is larger than %(size)s. Split the list into smaller files.",
                                size=size_label(max_bytes)), field="file")
    try:
        return importing.read_table(data, filename)
    except importing.ImportFileError as exc:
        raise ValidationError(exc.message, field="file") from None


# Exports ---------------------------------------------------------------------------------------------------

def export_version(meeting: Meeting) -> str:
    """Changes whenever the exported list would: any participant or person of it, or the meeting."""
    count, last_participant, last_person, versions = db.session.execute(
        select(func.count(Participant.id), func.max(Participant.updated_at), func.max(Person.updated_at),
               func.coalesce(func.sum(Participant.version), 0))
        .join(Person, Person.id == Participant.person_id)
        .where(Participant.meeting_id == meeting.id)
    ).one()
    return f"{meeting.id}:{meeting.version}:{count}:{last_participant}:{last_person}:{versions}"


def record_export(meeting: Meeting, name: str) -> None:
    """Downloads of a classified meeting's list are written to the audit log."""
    if Classification(meeting.classification).is_classified:
        with atomic():
            audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                         action="participants.exported", object_type="meeting", object_id=meeting.public_id,
                         summary=name)
