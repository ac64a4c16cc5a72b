"""A meeting's participants: listed and counted, put on the list (from the directory or new), changed, removed;
the presiding persons and secretaries chosen from the directory or the office's users."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload, subqueryload

from planner.accounts.models import Organization, User
from planner.core import audit
from planner.core.db import atomic, check_version
from planner.core.errors import Conflict, NotFound, ValidationError
from planner.core.text import clean_text, split_full_name
from planner.delegates import protocol
from planner.delegates.models import (
    DEFAULT_PRECEDENCE,
    AttendanceStatus,
    Participant,
    ParticipantCategory,
    Person,
    Rsvp,
)
from planner.delegates.protocol import Order, suggest_category
from planner.delegates.services.attendance import _apply_attendance, _attendance_day
from planner.delegates.services.base import (
    ATTENDANCE_FIELDS,
    NAME_FIELDS,
    PARTICIPANT_OWN_FIELDS,
    PARTICIPANT_PERSON_FIELDS,
    _check_lengths,
    _clean_person_fields,
    _precedence,
    participants_query,
)
from planner.delegates.services.people import DuplicatePerson, lock_directory, similar_people
from planner.extensions import db
from planner.meetings.models import Meeting, MeetingStatus
from planner.meetings.services import ensure_editable, meetings_query

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
                      offset: int = 0, attendance: bool = True) -> tuple[list[Participant], int]:
    """One page of the meeting's participants in the chosen order, with the total; two SQL queries
    and one more for their attendance (unless ``attendance`` is False), whatever the size of the list."""
    try:
        order = Order(order or Order.protocol)
        category = ParticipantCategory(category) if category else None
    except ValueError:
        raise ValidationError(_("Unknown order or category."), field="order") from None
    query = participants_query(meeting, q=q, category=category)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = query.order_by(*protocol.order_by(order)).offset(offset)
    if attendance:
        page = page.options(attendance_loading(limit))
    if limit is not None:
        page = page.limit(limit)
    return list(db.session.scalars(page).unique()), total


def all_participants(meeting: Meeting, order: Order | str = Order.protocol, *,
                     attendance: bool = True) -> list[Participant]:
    """The whole list; without ``attendance`` (a download of the list), the days' records are not read."""
    return list_participants(meeting, order=order, limit=None, attendance=attendance)[0]


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


def set_attendance(participant: Participant, day: date | str | None, status: AttendanceStatus | str | None,
                   reason: str = "", *, user: User | None = None) -> Participant:
    """Record present, excused (with the reason) or absent for one day; allowed on a closed meeting."""
    return update_participant(participant, {"attendance": status, "absence_reason": reason, "day": day},
                              user=user)


def set_rsvp(participant: Participant, rsvp: Rsvp | str, *, user: User | None = None) -> Participant:
    """A participant's answer to the invitation (staff on their behalf, or the delegate's own link)."""
    return update_participant(participant, {"rsvp": rsvp}, user=user)
