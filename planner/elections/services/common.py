"""What the elections' services share: the reading of elections and rounds, the congress's figures, and the
checks of what a person typed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from planner.accounts.models import Organization, User
from planner.core import audit
from planner.core.errors import Conflict, NotFound, ValidationError
from planner.core.inputs import whole_number
from planner.core.lookup import in_meeting
from planner.core.text import clean_text
from planner.delegates import services as delegate_services
from planner.delegates.models import AttendanceStatus, Participant, ParticipantCategory
from planner.elections import rules
from planner.elections.models import (
    ELECTION_BODY_LABELS,
    SURPLUS_REQUIRED,
    Candidate,
    Election,
    ElectionBody,
    ElectionRound,
    ElectionStatus,
)
from planner.extensions import db
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting, MeetingStatus

ELECTION_FIELDS = ("title", "body", "seats", "status", "seats_decision", "seats_vote_id", "surplus_decision",
                   "base_excluded", "base_note", "ballot_reserve")
CANDIDATE_FIELDS = ("participant_id", "full_name", "nominated_by", "agreeing", "present", "note")
ROUND_FIELDS = ("issued", "returned", "spoiled", "replaced", "present", "valid", "invalid", "invalid_reasons",
                "votes", "status")
MAX_SEATS = 500
MAX_COUNT = 1_000_000
MAX_TEXT = 2000


# Reading ------------------------------------------------------------------------------------------------

def _visible_meetings(org: Organization, user: User | None) -> Any:
    return meeting_services.meetings_query(org, user).with_only_columns(Meeting.id).scalar_subquery()


def meeting_elections(meeting: Meeting) -> list[Election]:
    """The meeting's elections in their order, with candidates, rounds and the vote that decided the number of
    seats loaded (the API's list names that vote for each election)."""
    return list(db.session.scalars(
        select(Election).where(Election.meeting_id == meeting.id)
        .options(selectinload(Election.seats_vote),
                 selectinload(Election.candidates).selectinload(Candidate.participant),
                 selectinload(Election.rounds).selectinload(ElectionRound.entries))
        .order_by(Election.position, Election.id)))


def _visible(model: Any, org: Organization, public_id: str, user: User | None, message: str) -> Any:
    """The row of an election (or of its candidates or rounds) with this public id in a meeting the user sees:
    another organization's, or one above the user's clearance, is not found."""
    query = select(model)
    if model is not Election:
        query = query.join(Election)
    found = db.session.scalar(query.where(model.public_id == str(public_id),
                                          Election.meeting_id.in_(_visible_meetings(org, user))))
    if found is None:
        raise NotFound(message)
    return found


def get_election(org: Organization, public_id: str, *, user: User | None) -> Election:
    return _visible(Election, org, public_id, user, _("No such election."))


def get_meeting_election(meeting: Meeting, public_id: str) -> Election:
    return in_meeting(Election, meeting, public_id, _("No such election."))


def get_candidate(org: Organization, public_id: str, *, user: User | None) -> Candidate:
    return _visible(Candidate, org, public_id, user, _("No such candidate."))


def get_round(org: Organization, public_id: str, *, user: User | None) -> ElectionRound:
    return _visible(ElectionRound, org, public_id, user, _("No such round."))


def get_meeting_round(meeting: Meeting, public_id: str) -> ElectionRound:
    found = db.session.scalar(select(ElectionRound).join(Election).where(
        Election.meeting_id == meeting.id, ElectionRound.public_id == str(public_id)))
    if found is None:
        raise NotFound(_("No such round."))
    return found


def ballot_order(election: Election) -> list[Candidate]:
    """The list in ballot order: given name, family name, middle name (ICU vi), see rules.py."""
    return sorted(election.candidates, key=lambda c: (c.name_key, c.id))


def local(meeting: Meeting, moment: Any) -> Any:
    """A stored UTC time in the meeting's zone."""
    return delegate_services.local_time(meeting, moment)


def election_label(election: Election) -> str:
    return election.title or str(ELECTION_BODY_LABELS[ElectionBody(election.body)])


# The congress's figures ---------------------------------------------------------------------------------

def convened(meeting: Meeting) -> int:
    """The official delegates convened: the meeting's participants of the delegate category."""
    return db.session.scalar(select(func.count(Participant.id)).where(
        Participant.meeting_id == meeting.id, Participant.category == ParticipantCategory.delegate)) or 0


def present_now(meeting: Meeting) -> int:
    """The official delegates checked in on the meeting's day of reference."""
    from planner.delegates.models import ParticipantAttendance

    day = delegate_services.reference_day(meeting)
    return db.session.scalar(
        select(func.count(Participant.id)).join(ParticipantAttendance)
        .where(Participant.meeting_id == meeting.id, Participant.category == ParticipantCategory.delegate,
               ParticipantAttendance.day == day, ParticipantAttendance.status == AttendanceStatus.present)) or 0


def base_count(election: Election, convened_count: int | None = None) -> int:
    """The result's base (Điều 30): the official delegates convened, less those the article excludes.
    ``convened_count``: the meeting's convened() when the caller has read it already (a list of elections
    reads it once)."""
    delegates = convened(election.meeting) if convened_count is None else convened_count
    return max(delegates - (election.base_excluded or 0), 0)


def surplus_of(election: Election, candidates: int | None = None) -> rules.Surplus:
    number = len(election.candidates) if candidates is None else candidates
    return rules.surplus(election.seats, number, committee=ElectionBody(election.body) in SURPLUS_REQUIRED)


def surplus_message(check: rules.Surplus) -> str | None:
    """What the page says of the list's surplus, or None when the rule alone allows it."""
    if check.level is rules.SurplusLevel.short:
        return _("The list has fewer candidates (%(candidates)s) than seats (%(seats)s): seats will stay empty.",
                 candidates=check.candidates, seats=check.seats)
    if check.level is rules.SurplusLevel.over and check.needs_decision:
        return _("The list has %(candidates)s candidates for %(seats)s seats: a surplus of %(percent)s%%, beyond "
                 "the 30%% the rules allow (Điều 14). The congress must decide which names stay; record its "
                 "decision before the ballots are printed.", candidates=check.candidates, seats=check.seats,
                 percent=check.percent)
    if check.needs_decision:
        return _("A committee's list must hold more candidates than seats (Điều 14). Record the congress's "
                 "decision before the ballots are printed.")
    return None


# Checking ------------------------------------------------------------------------------------------------

def _audit(election: Election, action: str, object_type: str, object_id: str, summary: str,
           changes: dict[str, Any] | None = None) -> None:
    audit.record(db.session, organization_id=election.organization_id, meeting_id=election.meeting_id,
                 action=action, object_type=object_type, object_id=object_id, summary=summary, changes=changes)


def _stale() -> str:
    return _("Someone else changed this meanwhile (another clerk?). Your figures are not saved: reload to see "
             "the current ones and enter yours again.")


def _ensure_open(meeting: Meeting) -> None:
    if meeting.status is MeetingStatus.archived:
        raise Conflict(_("This meeting is archived: its elections can no longer be changed."))


def _ensure_preparing(election: Election) -> None:
    if election.rounds:
        raise Conflict(_("The ballots of this election are printed (a round exists): its list can no longer "
                         "change. A further round takes its own list."))


def _whole(value: Any, field: str, label: str, *, low: int = 0, high: int = MAX_COUNT) -> int:
    return whole_number(value, field, low, high, wrong=_("%(label)s: enter a whole number.", label=label),
                        beyond=_("%(label)s must be between %(low)s and %(high)s.", label=label, low=low,
                                 high=high))


def _text(value: Any, field: str, limit: int = MAX_TEXT, *, multiline: bool = True) -> str:
    text = clean_text(value, multiline=multiline)
    if len(text) > limit:
        raise ValidationError(_("This text is too long (at most %(limit)s characters).", limit=limit), field=field)
    return text


def _unknown(data: dict[str, Any], allowed: Sequence[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s", fields=", ".join(sorted(unknown))))


def _clean_election(data: dict[str, Any]) -> dict[str, Any]:
    _unknown(data, ELECTION_FIELDS)
    clean: dict[str, Any] = {}
    if "title" in data:
        clean["title"] = _text(data["title"], "title", 500, multiline=False)
    if "body" in data:
        try:
            clean["body"] = ElectionBody(data["body"])
        except ValueError:
            raise ValidationError(_("Unknown body to elect."), field="body") from None
    if "seats" in data:
        clean["seats"] = _whole(data["seats"], "seats", _("Seats"), low=1, high=MAX_SEATS)
    if "status" in data:
        try:
            clean["status"] = ElectionStatus(data["status"])
        except ValueError:
            raise ValidationError(_("Unknown status."), field="status") from None
    for name in ("seats_decision", "surplus_decision", "base_note"):
        if name in data:
            clean[name] = _text(data[name], name)
    if "seats_vote_id" in data:
        clean["seats_vote_id"] = str(data["seats_vote_id"] or "").strip()
    if "base_excluded" in data:
        clean["base_excluded"] = _whole(data["base_excluded"], "base_excluded", _("Left out of the base"))
    if "ballot_reserve" in data:
        clean["ballot_reserve"] = _whole(data["ballot_reserve"], "ballot_reserve", _("Reserve ballots"), high=10_000)
    return clean


def describe(election: Election) -> dict[str, Any]:
    return {"title": election.title, "body": ElectionBody(election.body).value, "seats": election.seats,
            "status": ElectionStatus(election.status).value, "seats_decision": election.seats_decision,
            "seats_vote_id": election.seats_vote.public_id if election.seats_vote else None,
            "surplus_decision": election.surplus_decision,
            "base_excluded": election.base_excluded, "base_note": election.base_note,
            "ballot_reserve": election.ballot_reserve}

def official_delegates(meeting: Meeting) -> list[Participant]:
    return list(db.session.scalars(
        select(Participant).where(Participant.meeting_id == meeting.id,
                                  Participant.category == ParticipantCategory.delegate)
        .options(selectinload(Participant.attendance)).order_by(Participant.protocol_rank, Participant.name_key)))
