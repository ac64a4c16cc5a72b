"""The congress bodies (presidium, secretariat, counting committee): their members and the vote that
adopts them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from planner.accounts.models import User
from planner.agenda import services as agenda_services
from planner.agenda.models import AgendaItem
from planner.core.db import atomic, check_version
from planner.core.errors import Conflict, NotFound, ValidationError
from planner.core.models import utcnow
from planner.core.text import clean_text
from planner.delegates.models import Participant
from planner.extensions import db
from planner.meetings.models import Meeting
from planner.votes.models import (
    BODY_KIND_NAMES,
    BodyKind,
    CongressBody,
    CongressBodyMember,
    Majority,
    Vote,
    VoteBase,
    VoteMethod,
    VoteStatus,
)
from planner.votes.services.base import CANDIDACY, MAX_MEMBERS, MAX_TITLE, VOTING_CATEGORIES, _audit
from planner.votes.services.changing import create_vote
from planner.votes.services.checks import _ensure_running, _enum

# The congress bodies ----------------------------------------------------------------------------

def body_of(meeting: Meeting, kind: BodyKind | str) -> CongressBody | None:
    return db.session.scalar(select(CongressBody).where(CongressBody.meeting_id == meeting.id,
                                                        CongressBody.kind == BodyKind(kind))
                             .options(selectinload(CongressBody.members).joinedload(CongressBodyMember.participant),
                                      joinedload(CongressBody.vote)))


def bodies(meeting: Meeting) -> dict[BodyKind, CongressBody]:
    rows = db.session.scalars(select(CongressBody).where(CongressBody.meeting_id == meeting.id)
                              .options(selectinload(CongressBody.members).joinedload(CongressBodyMember.participant),
                                       joinedload(CongressBody.vote)))
    return {body.kind: body for body in rows}


def counting_committee_members(meeting: Meeting) -> list[Participant]:
    """The members of the meeting's counting committee (ban kiểm phiếu), in their order; empty before one is
    chosen. For the elections: the counting minutes carry every member's signature."""
    body = body_of(meeting, BodyKind.counting_committee)
    return [member.participant for member in body.members] if body is not None else []


def is_on_counting_committee(participant: Participant) -> bool:
    """Whether the participant sits on their meeting's counting committee: such a member is on no ballot
    (190-QĐ/TW, Điều 8: the counting committee is made of official delegates who are not candidates)."""
    return db.session.scalar(
        select(CongressBodyMember.id).join(CongressBody, CongressBody.id == CongressBodyMember.body_id)
        .where(CongressBody.meeting_id == participant.meeting_id, CongressBody.kind == BodyKind.counting_committee,
               CongressBodyMember.participant_id == participant.id).limit(1)) is not None


def body_locked(body: CongressBody) -> bool:
    """The members are fixed while the list is put to the vote, and once adopted."""
    return body.vote is not None and (body.vote.status is VoteStatus.open or bool(body.vote.adopted))


def set_body_members(meeting: Meeting, kind: BodyKind | str, participant_ids: Sequence[str],
                     roles: dict[str, str] | None = None, *, user: User | None, version: Any = None) -> CongressBody:
    """The members of a body, chosen among the meeting's delegates, in the order given (the first chairs it).
    Refused once the list is put to the vote or adopted; a candidate on a ballot cannot join the counting
    committee (the elections package answers through CANDIDACY)."""
    kind = _enum(BodyKind, kind, "kind", _("Unknown body."))
    ids = [str(i) for i in participant_ids if str(i).strip()]
    if len(ids) != len(set(ids)):
        raise ValidationError(_("A delegate is chosen twice."), field="participant_ids")
    if len(ids) > MAX_MEMBERS:
        raise ValidationError(_("At most %(n)d members.", n=MAX_MEMBERS), field="participant_ids")
    roles = {str(k): clean_text(v)[:255] for k, v in (roles or {}).items()}
    with atomic(_("Someone else changed this list meanwhile. Reload the page to see the current version.")):
        _ensure_running(meeting)
        body = body_of(meeting, kind)
        if body is None:
            body = CongressBody(meeting_id=meeting.id, kind=kind)
            body.meeting = meeting
            db.session.add(body)
            db.session.flush()
        else:
            check_version(body, version, _("Someone else changed this list meanwhile. Reload the page to see the "
                                           "current version."))
        if body_locked(body):
            raise Conflict(_("This list has been put to the vote: its members can no longer change."))
        found = {p.public_id: p for p in db.session.scalars(select(Participant).where(
            Participant.meeting_id == meeting.id, Participant.public_id.in_(ids)))} if ids else {}
        missing = [i for i in ids if i not in found]
        if missing:
            raise ValidationError(_("The members must be participants of this meeting."), field="participant_ids")
        chosen = [found[i] for i in ids]
        not_delegates = [p.full_name for p in chosen if p.category not in VOTING_CATEGORIES]
        if not_delegates:
            raise ValidationError(_("The members are chosen among the official delegates: %(names)s is not one.",
                                    names=", ".join(not_delegates)), field="participant_ids")
        if kind is BodyKind.counting_committee:
            current = {m.participant_id for m in body.members}
            for participant in chosen:
                if participant.id in current:
                    continue
                for _receiver, reason in CANDIDACY.send(participant):
                    if reason:
                        raise ValidationError(
                            _("%(name)s cannot sit on the counting committee: %(reason)s",
                              name=participant.full_name, reason=reason), field="participant_ids")
        before = [(m.participant.full_name, m.role) for m in body.members]
        body.members.clear()
        db.session.flush()
        for position, participant in enumerate(chosen, start=1):
            body.members.append(CongressBodyMember(participant_id=participant.id, participant=participant,
                                                   position=position, role=roles.get(participant.public_id, "")))
        body.updated_at = utcnow()
        db.session.flush()
        after = [(m.participant.full_name, m.role) for m in body.members]
        if before != after:
            _audit(meeting, "congress_body.members", BODY_KIND_NAMES[kind],
                   {"members": [before, after]}, user=user, object_type="congress_body",
                   object_id=body.public_id)
    return body


def put_body_to_vote(meeting: Meeting, kind: BodyKind | str, item: AgendaItem, *, user: User | None,
                     version: Any = None) -> Vote:
    """Make the show-of-hands vote that adopts a body's list, on the item where the congress votes it
    (a draft, opened and counted like any vote). A list rejected may be changed and put to the vote again."""
    kind = _enum(BodyKind, kind, "kind", _("Unknown body."))
    body = body_of(meeting, kind)
    if body is None or not body.members:
        raise ValidationError(_("Choose the members before putting the list to the vote."), field="participant_ids")
    if item.meeting_id != meeting.id:
        raise NotFound(_("No such agenda item."))
    with atomic(_("Someone else changed this list meanwhile. Reload the page to see the current version.")):
        check_version(body, version, _("Someone else changed this list meanwhile. Reload the page to see the "
                                       "current version."))
        if body.vote is not None and (body.vote.status is not VoteStatus.closed or body.vote.adopted):
            raise Conflict(_("This list has been put to the vote already."))
        names = ", ".join(m.participant.full_name for m in body.members)
        with force_locale(meeting.language or "vi"):
            title = _("Adopt the list of the %(body)s (%(n)d members: %(names)s)",
                      body=BODY_KIND_NAMES[kind], n=len(body.members), names=names)
        vote = create_vote(item, {"title": title[:MAX_TITLE], "method": VoteMethod.show_of_hands.value,
                                  "majority": Majority.more_than_half.value, "base": VoteBase.present.value},
                           user=user)
        body.vote = vote
        body.updated_at = utcnow()
        _audit(meeting, "congress_body.put_to_vote", BODY_KIND_NAMES[kind], {"vote": vote.public_id},
               user=user, object_type="congress_body", object_id=body.public_id)
    return vote


def body_participant_choices(meeting: Meeting) -> list[Participant]:
    """The delegates who may sit on a body, in protocol order."""
    return [p for p in agenda_services.presiding_choices(meeting) if p.category in VOTING_CATEGORIES]
