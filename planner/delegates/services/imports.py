"""Importing a delegate list: the plan of what each row does, then saved under the directory's lock in one block."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import insert, select

from planner.core import audit
from planner.core.db import atomic
from planner.core.errors import Conflict, ValidationError
from planner.core.models import new_public_id
from planner.core.text import fold, normalize
from planner.delegates import importing
from planner.delegates.importing import ImportRow, RowError
from planner.delegates.models import (
    Participant,
    ParticipantCategory,
    Person,
    participant_keys,
    person_columns,
)
from planner.delegates.services.base import _CHUNK, NAME_FIELDS
from planner.delegates.services.participants import default_category, default_precedence
from planner.delegates.services.people import lock_directory
from planner.extensions import db
from planner.meetings.models import Meeting
from planner.meetings.services import ensure_editable

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
        new_people: list[dict[str, Any]] = []
        # Each new participant's person (one of the directory, or the place of a new one in new_people) and its
        # own values, in the file's order.
        joining: list[tuple[Person | int, dict[str, Any]]] = []
        for item in plan.rows:
            if item.action not in ("create", "update"):
                continue
            person_values = _import_person_values(item.values)
            own = _import_own_values(item.values)
            person = item.person
            if person is None:
                row = _new_person(meeting, person_values)
                # A new person has no number of their own in the directory (default_precedence): none here.
                joining.append((len(new_people), _joining_values(own, row["title"], row["unit"], None)))
                new_people.append(row)
                continue
            _set_changed(person, person_values)
            participant = item.participant
            if participant is None:
                joining.append((person, _joining_values(own, person.title, person.unit, default_precedence(person))))
            else:
                _set_changed(participant, own)
        db.session.flush()  # the changed people get their keys
        people_ids = _insert_people(new_people)
        if joining:
            # One multi-row INSERT of plain rows: 3,000 participants made as models cost the flush 0.9 s of CPU
            # (the unit of work's bookkeeping of each object) for rows that nothing else reads in this request.
            db.session.execute(insert(Participant), [
                _new_participant(meeting, *_person_of(person, new_people, people_ids), own) for person, own in joining])
        summary = _("%(file)s: %(created)d added, %(updated)d updated, %(unchanged)d unchanged",
                    file=filename or _("file"), created=plan.created, updated=plan.updated,
                    unchanged=plan.unchanged)
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action="participants.imported", object_type="meeting", object_id=meeting.public_id,
                     summary=summary, changes={"file": filename, "created": plan.created, "updated": plan.updated,
                                               "unchanged": plan.unchanged})
    return plan


def _new_person(meeting: Meeting, values: dict[str, Any]) -> dict[str, Any]:
    """A person new to the directory as a row of a bulk insert: the text normalised and the keys derived as
    the model's before_insert event does (person_columns), and the public id the column's default would
    make, made here to find the row's id by; the columns' own defaults fill the rest."""
    return {"organization_id": meeting.organization_id, "public_id": new_public_id(), **person_columns(values)}


def _insert_people(rows: list[dict[str, Any]]) -> list[int]:
    """The new people written as plain rows, and their ids in the rows' order. As models, 3,000 new people
    cost the flush about 0.5 s of CPU (the unit of work's bookkeeping of each object), for people nothing
    else reads in this request. No RETURNING: an INSERT that answers ids goes as a few statements of a
    thousand rows, and psycopg parses each anew (0.6 s of CPU for 3,000 people on PostgreSQL); a plain
    executemany and a read of the ids by public id take a sixth of that."""
    if not rows:
        return []
    db.session.execute(insert(Person), rows)
    ids: dict[str, int] = {}
    for chunk in _chunks(row["public_id"] for row in rows):
        ids.update(db.session.execute(select(Person.public_id, Person.id).where(Person.public_id.in_(chunk))).all())
    return [ids[row["public_id"]] for row in rows]


def _person_of(person: Person | int, new_people: list[dict[str, Any]],
               people_ids: list[int]) -> tuple[int, tuple[str, str, str]]:
    """A new participant's person: its id and its (normalised) family, middle and given name."""
    if isinstance(person, Person):
        return person.id, (person.family_name, person.middle_name, person.given_name)
    row = new_people[person]
    return people_ids[person], (row["family_name"], row["middle_name"], row["given_name"])


def _joining_values(own: dict[str, Any], title: str, unit: str, precedence: int | None) -> dict[str, Any]:
    """A new participant's own values: the row's, else the person's title and unit and number of the directory,
    and the category the title suggests."""
    own.setdefault("title", title)
    own.setdefault("unit", unit)
    own.setdefault("precedence", precedence)
    own.setdefault("category", default_category(own["title"]))
    return own


_NEW_PARTICIPANT = {"title": "", "unit": "", "delegation": "", "precedence": None, "seat": "", "note": ""}


def _new_participant(meeting: Meeting, person_id: int, names: tuple[str, str, str],
                     own: dict[str, Any]) -> dict[str, Any]:
    """A new participant's row, its derived columns included (as derive_participant_keys sets them on a
    model); every row has the same columns, so that they go in one statement. The columns' own defaults
    (public id, badge code, RSVP, times, version) fill the rest."""
    row = {**_NEW_PARTICIPANT, **own, "meeting_id": meeting.id, "person_id": person_id}
    for key in ("title", "unit", "delegation", "seat"):
        row[key] = normalize(row[key])
    row.update(participant_keys(names, row["title"], row["unit"], row["precedence"], row["category"]))
    return row


def _set_changed(obj: Any, values: dict[str, Any]) -> None:
    """Set only what differs: a row that repeats what the directory knows leaves its person clean, so the
    flush neither derives its keys again nor looks it over for changes; before, a list of 3,000 people already
    in the directory made 3,000 dirty people at every import."""
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)


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
