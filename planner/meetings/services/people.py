"""Who presides and who takes the minutes (participants of the meeting, or people of the directory and the
office's users put on its list), and the attendance composition the work calendar prints."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, func, insert, select

from planner.accounts.models import Membership, Organization, User
from planner.core import audit
from planner.core.errors import ValidationError
from planner.core.permissions import Role
from planner.extensions import db
from planner.meetings.models import (
    Meeting,
    meeting_presiding,
    meeting_secretaries,
)
from planner.meetings.services.base import _saving, ensure_editable

# Presiding persons and secretaries ---------------------------------------------------------------

_PEOPLE_TABLES = {"presiding": meeting_presiding, "secretaries": meeting_secretaries}
_PEOPLE_KEYS = {"presiding": "presiding_ids", "secretaries": "secretary_ids"}


# Who turns references to people who are not on the list yet (``person:<id>`` of the directory, ``user:<id>``
# of the office) into participants: the delegates domain registers itself here (it sits above meetings).
PeopleResolver = Callable[[Meeting, list[str], str], list[str]]
PEOPLE_RESOLVERS: list[PeopleResolver] = []


def register_people_resolver(resolver: PeopleResolver) -> None:
    if resolver not in PEOPLE_RESOLVERS:
        PEOPLE_RESOLVERS.append(resolver)


def resolve_people(meeting: Meeting, refs: Any, kind: str) -> Any:
    """Participant ids for presiding persons (``kind`` "presiding") or secretaries ("secretaries"): participant
    ids stay as they are; ``person:<id>`` and ``user:<id>`` are put on the meeting's list first (staged, not
    committed). Anything else is left for _participant_rows to refuse."""
    if not isinstance(refs, list | tuple) or not any(":" in str(r) for r in refs):
        return refs
    refs = [str(r) for r in refs if r]
    for resolver in PEOPLE_RESOLVERS:
        refs = resolver(meeting, refs, kind)
    return refs


def people_choices(org: Organization, meeting: Meeting | None) -> list[tuple[str, str]]:
    """Who may preside: the meeting's participants in protocol order (their ids), then the people of the
    directory not on its list (``person:<id>``, in name order), each labelled with their position."""
    participant = _participant_class()
    person = participant.person.property.mapper.class_
    on_list = participants(meeting) if meeting is not None else []
    choices = [(p.public_id, f"{p.full_name}{' – ' + p.title if p.title else ''}") for p in on_list]
    taken = select(participant.person_id).where(participant.meeting_id == meeting.id) if meeting is not None else None
    query = select(person).where(person.organization_id == org.id)
    if taken is not None:
        query = query.where(person.id.not_in(taken))
    for p in db.session.scalars(query.order_by(person.name_key, person.id)):
        choices.append((f"person:{p.public_id}", f"{p.full_name}{' – ' + p.title if p.title else ''}"))
    return choices


def staff_user_choices(org: Organization) -> list[tuple[str, str]]:
    """The office's users who take minutes (secretaries, organizers, administrators), as ``user:<id>``: a
    secretary need not be a delegate."""
    rows = db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id == org.id, User.active.is_(True),
               Membership.role.in_([Role.secretary, Role.organizer, Role.admin]))
        .order_by(User.name, User.id))
    return [(f"user:{u.public_id}", u.name or u.email) for u in rows]


def _participant_class() -> Any:
    """The delegates domain's Participant, reached through the mapping (meetings sits below delegates)."""
    return Meeting.presiding.property.mapper.class_


def participants(meeting: Meeting) -> list[Any]:
    """The meeting's participants in protocol order: the choices for presiding persons and secretaries."""
    participant = _participant_class()
    return list(db.session.scalars(
        select(participant).where(participant.meeting_id == meeting.id)
        .order_by(participant.protocol_rank, participant.name_key, participant.id)
    ))


# Who leads a meeting's attendance in the work calendar's "Thành phần" column: the ranked leaders and guests.
COMPOSITION_NAMES = 3
_UNRANKED = 10_000  # delegates.models.DEFAULT_PRECEDENCE: ranks from here on are those of the categories


def compositions(meeting_ids: Sequence[int]) -> dict[int, str]:
    """The attendance composition (thành phần) of each meeting as a work calendar prints it: the first ranked
    leaders and guests by name and position in protocol order, then how many others (staff left out).
    Two queries whatever the number of meetings."""
    if not meeting_ids:
        return {}
    participant = _participant_class()
    staff = "staff"
    counts = dict(db.session.execute(
        select(participant.meeting_id, func.count()).where(participant.meeting_id.in_(meeting_ids),
                                                           participant.category != staff)
        .group_by(participant.meeting_id)).all())
    ranked = db.session.scalars(
        select(participant).where(participant.meeting_id.in_(meeting_ids),
                                  participant.category.in_(["leader", "guest"]), participant.protocol_rank < _UNRANKED)
        .order_by(participant.meeting_id, participant.protocol_rank, participant.name_key, participant.id)).all()
    named: dict[int, list[Any]] = {}
    for p in ranked:
        named.setdefault(p.meeting_id, []).append(p)
    result = {}
    for meeting_id in meeting_ids:
        people = named.get(meeting_id, [])[:COMPOSITION_NAMES]
        # the first office of each title is enough beside the name ("Ủy viên Bộ Chính trị", not all of it)
        parts = [f"{p.full_name}{' - ' + p.title.split(',')[0].strip() if p.title else ''}" for p in people]
        others = counts.get(meeting_id, 0) - len(people)
        if others > 0:
            parts.append(ngettext("%(num)d other participant", "%(num)d other participants", others) if parts
                         else ngettext("%(num)d participant", "%(num)d participants", others))
        if parts:
            result[meeting_id] = "; ".join(parts)
    return result


def _participant_rows(meeting: Meeting, public_ids: Any, field: str) -> list[tuple[int, str]]:
    """(row id, public id) of the given participants of this meeting, in the given order, once each."""
    if isinstance(public_ids, str) or not isinstance(public_ids, list | tuple):
        raise ValidationError(_("Give a list of participant ids."), field=field)
    wanted = list(dict.fromkeys(str(p) for p in public_ids if p))
    if not wanted:
        return []
    participant = _participant_class()
    found = dict(db.session.execute(
        select(participant.public_id, participant.id)
        .where(participant.meeting_id == meeting.id, participant.public_id.in_(wanted))
    ).all())
    unknown = [p for p in wanted if p not in found]
    if unknown:
        raise ValidationError(_("Not a participant of this meeting: %(ids)s", ids=", ".join(unknown)), field=field)
    return [(found[p], p) for p in wanted]


def _write_people(meeting: Meeting, kind: str, row_ids: list[int]) -> None:
    table = _PEOPLE_TABLES[kind]
    db.session.execute(delete(table).where(table.c.meeting_id == meeting.id))
    if row_ids:
        db.session.execute(insert(table), [
            {"meeting_id": meeting.id, "participant_id": row, "position": n} for n, row in enumerate(row_ids)
        ])
    db.session.expire(meeting, [kind])


def _set_people(meeting: Meeting, kind: str, public_ids: list[str]) -> Meeting:
    ensure_editable(meeting)
    rows = _participant_rows(meeting, list(public_ids), _PEOPLE_KEYS[kind])
    before = [p.public_id for p in getattr(meeting, kind)]
    after = [public_id for _row, public_id in rows]
    if before == after:
        return meeting
    with _saving():
        _write_people(meeting, kind, [row for row, _public_id in rows])
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action=f"meeting.{kind}_changed", object_type="meeting", object_id=meeting.public_id,
                     summary=meeting.title, changes={_PEOPLE_KEYS[kind]: [before, after]})
    return meeting


def set_presiding(meeting: Meeting, participant_public_ids: list[str]) -> Meeting:
    """Who presides (chủ trì), in the order given; participants of this meeting only."""
    return _set_people(meeting, "presiding", participant_public_ids)


def set_secretaries(meeting: Meeting, participant_public_ids: list[str]) -> Meeting:
    """Who takes the minutes (thư ký), in the order given; participants of this meeting only."""
    return _set_people(meeting, "secretaries", participant_public_ids)
