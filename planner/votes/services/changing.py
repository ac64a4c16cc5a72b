"""Changing a vote along its life: created and edited as a draft, opened on the frozen base of those
present, counted, closed by rules.py, corrected with a recorded reason.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import false, func, insert, literal, select, update

from planner.accounts.models import User
from planner.agenda.models import AgendaItem
from planner.core import audit
from planner.core.db import atomic
from planner.core.errors import Conflict, ValidationError
from planner.core.models import utcnow
from planner.delegates.models import AttendanceStatus, Participant, ParticipantAttendance
from planner.extensions import db
from planner.meetings.models import Meeting, MeetingStatus
from planner.votes import rules
from planner.votes.models import (
    Choice,
    CongressBody,
    Majority,
    Vote,
    VoteBase,
    VoteChoice,
    VoteCorrection,
    VoteMethod,
    VoteRoll,
    VoteStatus,
)
from planner.votes.services.base import COUNT_FIELDS, DRAFT_FIELDS, VOTING_CATEGORIES, _audit, _stale
from planner.votes.services.checks import _check_version, _clean, _ensure_running, _enum, describe
from planner.votes.services.reading import _on_roll, _tally, can_hold_votes, shown_on_personal_pages

# Creating and editing -----------------------------------------------------------------------------

def create_vote(item: AgendaItem, data: dict[str, Any], *, user: User | None) -> Vote:
    """Put a question to the vote on an item (a draft: opened later). Defaults: show of hands, more than
    half of those present."""
    meeting = item.meeting
    clean = _clean(data)
    if "title" not in clean:
        raise ValidationError(_("Write what is put to the vote."), field="title")
    if set(clean) - set(DRAFT_FIELDS):
        raise ValidationError(_("A new vote is prepared first: open it, then enter its counts."), field="status")
    with atomic(_stale()):
        _ensure_running(meeting)
        if not can_hold_votes(item):
            raise ValidationError(_("Sessions and breaks hold no votes: put the vote on an item."))
        last = db.session.scalar(select(func.max(Vote.position)).where(Vote.agenda_item_id == item.id))
        method = clean.get("method", VoteMethod.show_of_hands)
        vote = Vote(meeting_id=meeting.id, agenda_item_id=item.id, position=(last or 0) + 1, title=clean["title"],
                    method=method, secret=bool(clean.get("secret", method is VoteMethod.electronic))
                    and method is VoteMethod.electronic,
                    majority=clean.get("majority", Majority.more_than_half), base=clean.get("base", VoteBase.present),
                    status=VoteStatus.draft, created_by_id=user.id if user is not None else None)
        vote.meeting = meeting
        vote.agenda_item = item
        db.session.add(vote)
        db.session.flush()
        _audit(vote, "vote.created", vote.title, audit.diff({}, describe(vote)), user=user)
    return vote


def update_vote(vote: Vote, data: dict[str, Any], *, user: User | None, version: Any = None,
                at: datetime | None = None) -> Vote:
    """The API's one PATCH and the pages' saves: the question and rule of a draft, ``status`` to open or
    close it, the counts of a counted vote while it is open, and on a closed vote the counts with a
    ``reason`` (a correction). Each step is checked and audited as its own service does it; all or none."""
    clean = _clean(data)
    target = clean.pop("status", None)
    count_values = {k: clean.pop(k) for k in COUNT_FIELDS if k in clean}
    reason = clean.pop("reason", None)
    with atomic(_stale()):
        _check_version(vote, version)
        if clean:
            _edit_draft(vote, clean, user)
        if vote.status is VoteStatus.closed:
            if target not in (None, VoteStatus.closed):
                raise Conflict(_("This vote is closed: it changes only through a correction with its reason."))
            if count_values or reason is not None:
                _correct(vote, count_values, reason or "", user=user)
            return vote
        if target is VoteStatus.draft and vote.status is not VoteStatus.draft:
            raise Conflict(_("An open vote cannot go back to being prepared: close it."))
        if target in (VoteStatus.open, VoteStatus.closed) and vote.status is VoteStatus.draft:
            _open(vote, user=user, at=at)
        if count_values:
            _set_counts(vote, count_values, user)
        if target is VoteStatus.closed:
            _close(vote, user=user, at=at)
    return vote


def _edit_draft(vote: Vote, clean: dict[str, Any], user: User | None) -> None:
    if vote.status is not VoteStatus.draft:
        raise Conflict(_("The question and the rule of a vote are fixed once it is open."))
    _ensure_running(vote.meeting)
    before = describe(vote)
    for name, value in clean.items():
        setattr(vote, name, value)
    if vote.method is not VoteMethod.electronic:
        vote.secret = False
    elif "method" in clean and "secret" not in clean:
        vote.secret = True
    changes = audit.diff(before, describe(vote))
    if changes:
        db.session.flush()
        _audit(vote, "vote.updated", vote.title, changes, user=user)


def delete_vote(vote: Vote, *, user: User | None, version: Any = None) -> None:
    """A prepared vote may be withdrawn; one opened stays on record."""
    with atomic(_stale()):
        _check_version(vote, version)
        if vote.status is not VoteStatus.draft:
            raise Conflict(_("Only a vote not yet opened can be deleted; an opened vote stays on record."))
        db.session.execute(update(CongressBody).where(CongressBody.vote_id == vote.id).values(vote_id=None))
        _audit(vote, "vote.deleted", vote.title, user=user)
        db.session.delete(vote)


# Opening: the frozen base -------------------------------------------------------------------------

def _local_day(meeting: Meeting, moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(meeting.timezone)).date()


def _present_query(meeting: Meeting, day: date):
    return (select(Participant.id)
            .join(ParticipantAttendance, ParticipantAttendance.participant_id == Participant.id)
            .where(Participant.meeting_id == meeting.id, Participant.category.in_(VOTING_CATEGORIES),
                   ParticipantAttendance.day == day, ParticipantAttendance.status == AttendanceStatus.present))


def present_now(meeting: Meeting, at: datetime | None = None) -> int:
    """How many delegates would be on the roll of a vote opened at ``at`` (now by default)."""
    day = _local_day(meeting, at or utcnow())
    return db.session.scalar(select(func.count()).select_from(_present_query(meeting, day).subquery())) or 0


def convened_count(meeting: Meeting) -> int:
    return db.session.scalar(select(func.count(Participant.id)).where(
        Participant.meeting_id == meeting.id, Participant.category.in_(VOTING_CATEGORIES))) or 0


def open_vote(vote: Vote, *, user: User | None, version: Any = None, at: datetime | None = None) -> Vote:
    """Open the vote: freeze who is present now (or at ``at``, for a record made afterwards)."""
    with atomic(_stale()):
        _check_version(vote, version)
        _open(vote, user=user, at=at)
    return vote


def _open(vote: Vote, *, user: User | None, at: datetime | None) -> None:
    meeting = vote.meeting
    _ensure_running(meeting)
    if vote.status is not VoteStatus.draft:
        raise Conflict(_("This vote has been opened already."))
    if vote.method is VoteMethod.electronic and not shown_on_personal_pages(vote):
        raise ValidationError(_("An electronic vote shows its question on the delegates' personal pages, which "
                                "never show classified or internal content: vote on this item by a show of hands "
                                "or a paper ballot."), field="method")
    moment = (at or utcnow()).astimezone(UTC)
    day = _local_day(meeting, moment)
    rows = _present_query(meeting, day).with_only_columns(literal(vote.id), Participant.id, false())
    db.session.execute(insert(VoteRoll).from_select(["vote_id", "participant_id", "voted"], rows))
    present = db.session.scalar(select(func.count()).where(VoteRoll.vote_id == vote.id)) or 0
    if present == 0:
        raise Conflict(_("No delegate is recorded present on %(day)s: check the delegates in at the door (or record "
                         "their attendance) before opening the vote.", day=day.strftime("%d/%m/%Y")))
    vote.present = present
    vote.convened = convened_count(meeting)
    vote.opened_at = moment
    vote.status = VoteStatus.open
    if vote.is_secret and vote.method is VoteMethod.electronic:
        vote.ballot_salt = secrets.token_hex(32)
    db.session.flush()
    _audit(vote, "vote.opened", vote.title, {"present": present, "convened": vote.convened,
                                             "opened_at": moment}, user=user)


# Counting ----------------------------------------------------------------------------------------

def _count_error(exc: rules.CountError) -> ValidationError:
    if exc.kind == "above_base":
        return ValidationError(_("The counts add up to %(total)d, more than the base of the vote (%(base)d).",
                                 total=exc.total, base=exc.limit), field="yes")
    if exc.kind == "above_present":
        return ValidationError(_("The counts add up to %(total)d, more than the %(present)d delegates present when "
                                 "the vote opened.", total=exc.total, present=exc.limit), field="yes")
    return ValidationError(_("Enter the number as a whole number, 0 or more."), field="yes")


def _checked(vote: Vote, yes: int, no: int, abstain: int) -> rules.Outcome:
    try:
        return rules.outcome(vote.majority.value, base=vote.base_count or 0, present=vote.present or 0,
                             yes=yes, no=no, abstain=abstain)
    except rules.CountError as exc:
        raise _count_error(exc) from None


def set_counts(vote: Vote, data: dict[str, Any], *, user: User | None, version: Any = None) -> Vote:
    """Enter the counts of an open show of hands or paper ballot (yes and no at least; abstain 0 if left out)."""
    clean = _clean({k: v for k, v in data.items() if k in COUNT_FIELDS})
    with atomic(_stale()):
        _check_version(vote, version)
        _set_counts(vote, clean, user)
    return vote


def _set_counts(vote: Vote, values: dict[str, int], user: User | None) -> None:
    if vote.status is not VoteStatus.open:
        raise Conflict(_("Counts are entered while the vote is open."))
    if not vote.counted:
        raise ValidationError(_("This vote is counted from the choices of the delegates; its numbers are not "
                                "entered."), field="yes")
    _ensure_running(vote.meeting)
    before = {k: getattr(vote, k) for k in COUNT_FIELDS}
    merged = {k: values.get(k, before[k]) for k in COUNT_FIELDS}
    _checked(vote, *(merged[k] or 0 for k in COUNT_FIELDS))
    for name, value in merged.items():
        setattr(vote, name, value)
    changes = audit.diff(before, merged)
    if changes:
        db.session.flush()
        _audit(vote, "vote.counted", vote.title, changes, user=user)


def record_choice(vote: Vote, participant: Participant, choice: Choice | str | None, *, user: User | None) -> Vote:
    """A named vote: the choice of one delegate on the roll (None clears it)."""
    chosen = None if choice in (None, "") else _enum(Choice, choice, "choice", _("Unknown choice."))
    with atomic(_stale()):
        if vote.method is not VoteMethod.named:
            raise ValidationError(_("Only a named vote records each delegate's choice."), field="choice")
        if vote.status is not VoteStatus.open:
            raise Conflict(_("Choices are recorded while the vote is open."))
        _ensure_running(vote.meeting)
        if not _on_roll(vote, participant):
            raise ValidationError(_("%(name)s was not present when the vote opened.", name=participant.full_name),
                                  field="choice")
        row = db.session.scalar(select(VoteChoice).where(VoteChoice.vote_id == vote.id,
                                                         VoteChoice.participant_id == participant.id))
        before = row.choice.value if row is not None else None
        if chosen is None:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(VoteChoice(vote_id=vote.id, participant_id=participant.id, choice=chosen))
        else:
            row.choice = chosen
        after = chosen.value if chosen is not None else None
        if before != after:
            _audit(vote, "vote.choice_recorded", f"{vote.title} — {participant.full_name}",
                   {"participant": participant.public_id, "choice": [before, after]}, user=user)
    return vote


# Closing and correcting --------------------------------------------------------------------------

def close_vote(vote: Vote, *, user: User | None, version: Any = None, at: datetime | None = None) -> Vote:
    with atomic(_stale()):
        _check_version(vote, version)
        _close(vote, user=user, at=at)
    return vote


def _close(vote: Vote, *, user: User | None, at: datetime | None) -> None:
    if vote.status is not VoteStatus.open:
        raise Conflict(_("Only an open vote can be closed."))
    _ensure_running(vote.meeting)
    if vote.counted:
        if vote.yes is None or vote.no is None:
            raise ValidationError(_("Enter the number for and the number against before closing the vote."),
                                  field="yes")
        yes, no, abstain = vote.yes, vote.no, vote.abstain or 0
    else:
        tally = _tally(vote)
        yes, no, abstain = (tally.get(c, 0) for c in Choice)
    result = _checked(vote, yes, no, abstain)
    vote.yes, vote.no, vote.abstain = yes, no, abstain
    vote.adopted = result.adopted
    vote.status = VoteStatus.closed
    vote.closed_at = (at or utcnow()).astimezone(UTC)
    vote.ballot_salt = None   # from now on nobody can find whose ballot is whose
    db.session.flush()
    _audit(vote, "vote.closed", vote.title, {"yes": yes, "no": no, "abstain": abstain,
                                             "not_voting": result.not_voting, "base": result.base,
                                             "adopted": result.adopted, "percent": str(result.percent)},
           user=user)


def correct_vote(vote: Vote, data: dict[str, Any], reason: str, *, user: User | None, version: Any = None) -> Vote:
    """Correct the counts of a closed vote: the result is computed again; the counts before and after and the
    reason are kept (VoteCorrection) and audited."""
    clean = _clean({**{k: v for k, v in data.items() if k in COUNT_FIELDS}, "reason": reason})
    with atomic(_stale()):
        _check_version(vote, version)
        _correct(vote, {k: clean[k] for k in COUNT_FIELDS if k in clean}, clean["reason"], user=user)
    return vote


def _correct(vote: Vote, values: dict[str, int], reason: str, *, user: User | None) -> None:
    if vote.status is not VoteStatus.closed:
        raise Conflict(_("Only a closed vote is corrected; an open one is simply counted again."))
    if vote.meeting.status is MeetingStatus.archived:
        raise Conflict(_("This meeting is archived: its votes can no longer be corrected."))
    if not reason:
        raise ValidationError(_("Give the reason for the correction."), field="reason")
    before = {"yes": vote.yes, "no": vote.no, "abstain": vote.abstain, "adopted": vote.adopted}
    merged = {k: values.get(k, getattr(vote, k)) or 0 for k in COUNT_FIELDS}
    result = _checked(vote, merged["yes"], merged["no"], merged["abstain"])
    after = {**merged, "adopted": result.adopted}
    if after == before:
        raise ValidationError(_("The correction changes nothing."), field="yes")
    vote.yes, vote.no, vote.abstain = merged["yes"], merged["no"], merged["abstain"]
    vote.adopted = result.adopted
    number = (db.session.scalar(select(func.max(VoteCorrection.number)).where(VoteCorrection.vote_id == vote.id))
              or 0) + 1
    db.session.add(VoteCorrection(vote_id=vote.id, number=number, before=before, after=after, reason=reason,
                                  created_by_id=user.id if user is not None else None,
                                  created_by_label=user.email if user is not None else "cli"))
    db.session.flush()
    _audit(vote, "vote.corrected", vote.title, {**audit.diff(before, after), "reason": reason, "number": number},
           user=user)
