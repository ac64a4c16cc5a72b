"""The people directory: listed, searched, similar names found, and a person created, changed or deleted under
the organization's directory lock (no namesake created twice by two writers at once)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select, text
from sqlalchemy.orm import contains_eager

from planner.accounts.models import Organization, User
from planner.core import audit
from planner.core.db import atomic, check_version
from planner.core.errors import Conflict, ValidationError
from planner.core.lookup import in_organization
from planner.core.text import fold, full_name
from planner.delegates.models import (
    DEFAULT_PRECEDENCE,
    Participant,
    Person,
)
from planner.delegates.services.base import NAME_FIELDS, _clean_person_fields, search_clauses
from planner.extensions import db
from planner.meetings.models import Meeting
from planner.meetings.services import meetings_query

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
    return in_organization(Person, org, public_id, _("No such person in the directory."))


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
