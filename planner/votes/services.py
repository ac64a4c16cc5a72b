"""Votes: the only code that writes votes, their roll, choices, ballots and corrections, and the congress
bodies.

Rules kept here:
- A vote belongs to an agenda item; the user sees it when they may see the item. Status moves
  draft → open → closed, and nothing else: its question and rule change only while it is a draft; a
  closed vote changes only through a recorded correction (``correct_vote``: the counts before and after
  and the reason, audited).
- Opening freezes "present at time T": the delegates (category ``delegate``: the official delegates, who
  vote; guests, leaders invited, press, staff and observers do not) recorded present on T's day in the
  meeting's time zone (checked in at the door or marked present) are copied to the vote's roll, with
  their number and the number convened. Later check-ins do not join the vote. Nobody present: refused.
- Counted methods (show of hands, paper ballot): the clerk enters yes / no / abstain while the vote is
  open. Named: the choice of each delegate on the roll. Electronic: each delegate on the roll casts one
  ballot from their personal link and may change it until the vote closes; a secret one keeps no link
  between a delegate and a choice (see models.py). Running tallies of an electronic vote are not shown
  before it closes (only how many have voted): they would tell the order of the choices.
- Closing computes the result by rules.py; counts adding up to more than the base or than those present
  are refused, whatever the method.
- Every change writes an audit entry with the user; a save based on a stale version is refused (409).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from blinker import Namespace
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import false, func, insert, literal, select, update
from sqlalchemy.orm import joinedload, selectinload

from planner.accounts.models import Organization, User
from planner.agenda import services as agenda_services
from planner.agenda.models import AgendaItem, AgendaItemKind
from planner.core import audit
from planner.core.db import atomic, check_version
from planner.core.errors import Conflict, NotFound, ValidationError
from planner.core.models import utcnow
from planner.core.permissions import Classification
from planner.core.text import clean_text
from planner.delegates.models import AttendanceStatus, Participant, ParticipantAttendance, ParticipantCategory
from planner.extensions import db
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting, MeetingStatus
from planner.votes import rules
from planner.votes.models import (
    BODY_KIND_NAMES,
    BodyKind,
    Choice,
    CongressBody,
    CongressBodyMember,
    Majority,
    Vote,
    VoteBallot,
    VoteBase,
    VoteChoice,
    VoteCorrection,
    VoteMethod,
    VoteRoll,
    VoteStatus,
)

VOTE_FIELDS = ("title", "method", "majority", "base", "secret", "status", "yes", "no", "abstain", "reason")
DRAFT_FIELDS = ("title", "method", "majority", "base", "secret")
COUNT_FIELDS = ("yes", "no", "abstain")
MAX_TITLE = 1000
MAX_REASON = 2000
MAX_COUNT = 1_000_000
MAX_MEMBERS = 200
# The official delegates: the only participants who vote.
VOTING_CATEGORIES = (ParticipantCategory.delegate,)
# Items that hold no votes of their own.
NO_VOTE_KINDS = frozenset({AgendaItemKind.session, AgendaItemKind.break_})
# How long the hall display shows a closed vote's result (a new vote opened replaces it at once).
HALL_RESULT_FOR = timedelta(minutes=10)

_signals = Namespace()
# Sent with a participant about to join the counting committee; a receiver answers the reason they may not
# (a candidate on a ballot: the elections package connects it in its setup), or None. A member of the
# counting committee is not on any ballot (190-QĐ/TW, Điều 8).
CANDIDACY = _signals.signal("votes.candidacy")


def _stale() -> str:
    return _("Someone else changed this vote meanwhile. Reload the page to see the current version, then "
             "repeat your change if it is still needed.")


def _audit(vote_or_meeting: Vote | Meeting, action: str, summary: str, changes: dict[str, Any] | None = None,
           *, user: User | None = None, object_type: str = "vote", object_id: str | None = None,
           actor_label: str | None = None) -> None:
    """One audit entry, with the user who acted (the one the service was given: the command line and the demo
    act for a named user too)."""
    meeting = vote_or_meeting.meeting if isinstance(vote_or_meeting, Vote) else vote_or_meeting
    if object_id is None and isinstance(vote_or_meeting, Vote):
        object_id = vote_or_meeting.public_id
    entry = audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id, action=action,
                         object_type=object_type, object_id=object_id, summary=summary, changes=changes,
                         actor_label=actor_label or (user.email if user is not None else None))
    if user is not None:
        entry.actor_id = user.id


# Reading ------------------------------------------------------------------------------------------

def can_hold_votes(item: AgendaItem) -> bool:
    return item.kind not in NO_VOTE_KINDS


def votable_items(meeting: Meeting, user: User | None) -> list[AgendaItem]:
    """The meeting's items the user may see that can hold votes, in programme order."""
    return [item for item in agenda_services.list_items(meeting, user) if can_hold_votes(item)]


def can_correct(vote: Vote) -> bool:
    return vote.status is VoteStatus.closed and vote.meeting.status is not MeetingStatus.archived


def item_votes(item: AgendaItem) -> list[Vote]:
    return list(db.session.scalars(select(Vote).where(Vote.agenda_item_id == item.id)
                                   .options(selectinload(Vote.corrections))
                                   .order_by(Vote.position, Vote.id)))


def meeting_votes(meeting: Meeting, user: User | None) -> list[Vote]:
    """The meeting's votes on items the user may see, by item then position: two queries."""
    levels = agenda_services.reader_levels(meeting.organization_id, user)
    return list(db.session.scalars(
        select(Vote).join(AgendaItem, AgendaItem.id == Vote.agenda_item_id)
        .where(Vote.meeting_id == meeting.id, agenda_services.visible_item_clause(levels))
        .options(selectinload(Vote.corrections))
        .order_by(AgendaItem.starts_at, AgendaItem.position, Vote.position, Vote.id)))


def get_vote(org: Organization, public_id: str, *, user: User | None) -> Vote:
    """A vote of a meeting of the organization, on an item the user may see; else not found."""
    meetings = meeting_services.meetings_query(org, user).with_only_columns(Meeting.id).scalar_subquery()
    levels = agenda_services.reader_levels(org.id, user)
    vote = db.session.scalar(
        select(Vote).join(AgendaItem, AgendaItem.id == Vote.agenda_item_id)
        .where(Vote.public_id == str(public_id), Vote.meeting_id.in_(meetings),
               agenda_services.visible_item_clause(levels)))
    if vote is None:
        raise NotFound(_("No such vote."))
    return vote


def get_meeting_vote(meeting: Meeting, public_id: str, *, user: User | None) -> Vote:
    levels = agenda_services.reader_levels(meeting.organization_id, user)
    vote = db.session.scalar(
        select(Vote).join(AgendaItem, AgendaItem.id == Vote.agenda_item_id)
        .where(Vote.meeting_id == meeting.id, Vote.public_id == str(public_id),
               agenda_services.visible_item_clause(levels)))
    if vote is None:
        raise NotFound(_("No such vote."))
    return vote


def roll(vote: Vote) -> list[VoteRoll]:
    """Who was present when the vote opened, in protocol order, with their people loaded."""
    return list(db.session.scalars(
        select(VoteRoll).join(Participant, Participant.id == VoteRoll.participant_id)
        .where(VoteRoll.vote_id == vote.id)
        .options(joinedload(VoteRoll.participant))
        .order_by(Participant.protocol_rank, Participant.name_key, Participant.id)))


def named_choices(vote: Vote) -> dict[int, Choice]:
    """{participant id: choice} where the choices are public (named, electronic not secret)."""
    if vote.is_secret:
        return {}
    return dict(db.session.execute(select(VoteChoice.participant_id, VoteChoice.choice)
                                   .where(VoteChoice.vote_id == vote.id)).all())


def voted_count(vote: Vote) -> int:
    """How many on the roll have voted (electronic) or have a choice recorded (named)."""
    if vote.method is VoteMethod.named:
        return db.session.scalar(select(func.count()).where(VoteChoice.vote_id == vote.id)) or 0
    return db.session.scalar(select(func.count()).where(VoteRoll.vote_id == vote.id,
                                                        VoteRoll.voted.is_(True))) or 0


def voted_counts(votes: Sequence[Vote]) -> dict[int, int]:
    """voted_count for several votes at once: {vote id: number} (one query each kind)."""
    ids = [v.id for v in votes]
    if not ids:
        return {}
    found = dict(db.session.execute(select(VoteRoll.vote_id, func.count()).where(
        VoteRoll.vote_id.in_(ids), VoteRoll.voted.is_(True)).group_by(VoteRoll.vote_id)).all())
    named = [v.id for v in votes if v.method is VoteMethod.named]
    if named:
        found.update(db.session.execute(select(VoteChoice.vote_id, func.count()).where(
            VoteChoice.vote_id.in_(named)).group_by(VoteChoice.vote_id)).all())
    return found


def _tally(vote: Vote) -> dict[Choice, int]:
    """The choices recorded or cast, counted."""
    table = VoteBallot if vote.is_secret else VoteChoice
    rows = db.session.execute(select(table.choice, func.count()).where(table.vote_id == vote.id)
                              .group_by(table.choice)).all()
    return {Choice(choice): number for choice, number in rows}


@dataclass(frozen=True)
class Counts:
    """What a page or the API shows of a vote's numbers."""

    present: int | None
    base_count: int | None
    yes: int | None
    no: int | None
    abstain: int | None
    not_voting: int | None
    adopted: bool | None
    percent: Any = None
    shown: bool = True     # False: an electronic vote still open, its tally not shown yet


def counts(vote: Vote) -> Counts:
    base = vote.base_count
    shown = not (vote.method is VoteMethod.electronic and vote.status is not VoteStatus.closed)
    yes, no, abstain = vote.yes, vote.no, vote.abstain
    if vote.method is VoteMethod.named and vote.status is VoteStatus.open:
        tally = _tally(vote)
        yes, no, abstain = (tally.get(c, 0) for c in Choice)
    if not shown:
        yes = no = abstain = None
    not_voting = None
    if base is not None and None not in (yes, no, abstain):
        not_voting = base - yes - no - abstain  # type: ignore[operator]
    percent = rules.percent(yes, base) if base and yes is not None else None
    return Counts(present=vote.present, base_count=base, yes=yes, no=no, abstain=abstain, not_voting=not_voting,
                  adopted=vote.adopted if vote.status is VoteStatus.closed else None, percent=percent, shown=shown)


# Checking the fields ------------------------------------------------------------------------------

def _enum(enum_cls, value: Any, field: str, message: str):
    try:
        return enum_cls(value)
    except ValueError:
        raise ValidationError(message, field=field) from None


def _count(value: Any, field: str) -> int:
    if isinstance(value, bool):
        value = None
    if isinstance(value, str):
        value = value.strip()
    try:
        number = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValidationError(_("Enter the number as a whole number, 0 or more."), field=field) from None
    if isinstance(value, float) and not value.is_integer():
        raise ValidationError(_("Enter the number as a whole number, 0 or more."), field=field)
    if not 0 <= number <= MAX_COUNT:
        raise ValidationError(_("Enter the number as a whole number, 0 or more."), field=field)
    return number


def _title(value: Any) -> str:
    title = clean_text(value if isinstance(value, str) else "")
    if not title:
        raise ValidationError(_("Write what is put to the vote."), field="title")
    if len(title) > MAX_TITLE:
        raise ValidationError(_("The title is too long (at most %(n)d characters).", n=MAX_TITLE), field="title")
    return title


def _bool(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("1", "true", "on", "yes", 1):
        return True
    if value in ("0", "false", "off", "no", "", 0, None):
        return False
    raise ValidationError(_("Answer yes or no."), field=field)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(VOTE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s", fields=", ".join(sorted(unknown))))
    clean: dict[str, Any] = {}
    if "title" in data:
        clean["title"] = _title(data["title"])
    if "method" in data:
        clean["method"] = _enum(VoteMethod, data["method"], "method", _("Unknown voting method."))
    if "majority" in data:
        clean["majority"] = _enum(Majority, data["majority"], "majority",
                                  _("Unknown majority: use more_than_half or two_thirds."))
    if "base" in data:
        clean["base"] = _enum(VoteBase, data["base"], "base", _("Unknown base: use present or convened."))
    if "secret" in data:
        clean["secret"] = _bool(data["secret"], "secret")
    if "status" in data:
        clean["status"] = _enum(VoteStatus, data["status"], "status", _("Unknown status."))
    for name in COUNT_FIELDS:
        if name in data and data[name] not in (None, ""):
            clean[name] = _count(data[name], name)
    if "reason" in data:
        clean["reason"] = clean_text(data["reason"] if isinstance(data["reason"], str) else "", multiline=True)
        if len(clean["reason"]) > MAX_REASON:
            raise ValidationError(_("The reason is too long (at most %(n)d characters).", n=MAX_REASON),
                                  field="reason")
    return clean


def describe(vote: Vote) -> dict[str, Any]:
    """The vote's fields as the audit log records them."""
    return {"title": vote.title, "method": vote.method.value, "secret": vote.is_secret,
            "majority": vote.majority.value, "base": vote.base.value, "status": vote.status.value,
            "present": vote.present, "convened": vote.convened, "yes": vote.yes, "no": vote.no,
            "abstain": vote.abstain, "adopted": vote.adopted}


def _ensure_running(meeting: Meeting) -> None:
    if not meeting_services.is_editable(meeting):
        raise Conflict(_("This meeting is closed: its votes can no longer be held; a closed vote can still be "
                         "corrected."))


def _check_version(vote: Vote, version: Any) -> None:
    check_version(vote, version, _stale())


def _fresh(vote: Vote) -> Vote:
    """The vote as committed now, not as the page read it (another clerk may have moved it on)."""
    db.session.refresh(vote)
    return vote


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


def _on_roll(vote: Vote, participant: Participant) -> bool:
    return db.session.scalar(select(VoteRoll.id).where(VoteRoll.vote_id == vote.id,
                                                       VoteRoll.participant_id == participant.id)) is not None


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


# Electronic voting from the delegate's link -----------------------------------------------------

def shown_on_personal_pages(vote: Vote) -> bool:
    """A delegate's page shows unclassified content only (DOMAIN.md, Confidentiality): the meeting, the item
    and its session all unclassified."""
    item = vote.agenda_item
    levels = [vote.meeting.classification, item.classification]
    if item.parent is not None:
        levels.append(item.parent.classification)
    return all(Classification(level) is Classification.none for level in levels)


def open_electronic_votes(participant: Participant) -> list[Vote]:
    """The open electronic votes of the participant's meeting on which they are on the roll (shown on their
    personal page: unclassified ones only)."""
    votes = db.session.scalars(
        select(Vote).join(VoteRoll, VoteRoll.vote_id == Vote.id)
        .where(Vote.meeting_id == participant.meeting_id, Vote.status == VoteStatus.open,
               Vote.method == VoteMethod.electronic, VoteRoll.participant_id == participant.id)
        .options(joinedload(Vote.agenda_item))
        .order_by(Vote.opened_at, Vote.id))
    return [vote for vote in votes if shown_on_personal_pages(vote)]


@dataclass(frozen=True)
class Ballot:
    """An open vote as a delegate's page shows it: the vote, and their choice so far (None: not voted yet)."""

    vote: Vote
    choice: Choice | None


def ballots(participant: Participant, secret: str) -> list[Ballot]:
    """The delegate's open electronic votes with their own choice so far (found through their link)."""
    return [Ballot(vote, own_choice(vote, participant, secret)) for vote in open_electronic_votes(participant)]


def delegate_vote(participant: Participant, public_id: str) -> Vote | None:
    """An open electronic vote of the participant's meeting, by its public id, that their page may show."""
    return next((v for v in open_electronic_votes(participant) if v.public_id == str(public_id)), None)


def ballot_key(vote: Vote, secret: str) -> str:
    """The key of a delegate's anonymous ballot: HMAC(the vote's salt, their link secret)."""
    assert vote.ballot_salt, "only an open secret electronic vote has a ballot salt"
    return hmac.new(vote.ballot_salt.encode(), str(secret).encode(), hashlib.sha256).hexdigest()


def own_choice(vote: Vote, participant: Participant, secret: str) -> Choice | None:
    """The delegate's current choice, for their own page (a secret ballot is found through their link)."""
    if vote.is_secret:
        if not vote.ballot_salt:
            return None
        found = db.session.scalar(select(VoteBallot.choice).where(VoteBallot.key == ballot_key(vote, secret)))
    else:
        found = db.session.scalar(select(VoteChoice.choice).where(VoteChoice.vote_id == vote.id,
                                                                  VoteChoice.participant_id == participant.id))
    return Choice(found) if found is not None else None


def cast_ballot(vote: Vote, participant: Participant, choice: Choice | str, secret: str) -> bool:
    """A delegate's ballot from their personal link (``secret``: the link's secret, from its URL): the first
    one, or a change of it while the vote is open. Answers whether it was the first.

    One ballot per delegate: the roll's ``voted`` flag turns once (an UPDATE … WHERE voted is false, so two
    taps at once count once); later ones change the ballot found by its key (secret) or the delegate's row."""
    chosen = _enum(Choice, choice, "choice", _("Unknown choice."))
    with atomic(_stale()):
        vote = db.session.scalar(select(Vote).where(Vote.id == vote.id).execution_options(populate_existing=True))
        assert vote is not None
        if vote.method is not VoteMethod.electronic or vote.status is not VoteStatus.open:
            raise Conflict(_("This vote is not open for voting from the personal page."))
        if vote.meeting_id != participant.meeting_id:
            raise NotFound(_("No such vote."))
        first = db.session.execute(
            update(VoteRoll).where(VoteRoll.vote_id == vote.id, VoteRoll.participant_id == participant.id,
                                   VoteRoll.voted.is_(False))
            .values(voted=True).execution_options(synchronize_session=False)).rowcount == 1
        if not first and not _on_roll(vote, participant):
            raise Conflict(_("Only the delegates present when the vote opened may vote."))
        if vote.is_secret:
            key = ballot_key(vote, secret)
            if first:
                db.session.add(VoteBallot(key=key, vote_id=vote.id, choice=chosen))
            else:
                changed = db.session.execute(update(VoteBallot).where(VoteBallot.key == key)
                                             .values(choice=chosen)
                                             .execution_options(synchronize_session=False)).rowcount
                if changed != 1:
                    raise Conflict(_("Your personal link was renewed after you voted: your ballot stands as cast "
                                     "and can no longer be changed."))
            changes = None   # a secret ballot's choice is written nowhere but in the ballot
        else:
            row = db.session.scalar(select(VoteChoice).where(VoteChoice.vote_id == vote.id,
                                                             VoteChoice.participant_id == participant.id))
            before = row.choice.value if row is not None else None
            if row is None:
                db.session.add(VoteChoice(vote_id=vote.id, participant_id=participant.id, choice=chosen))
            else:
                row.choice = chosen
            changes = {"choice": [before, chosen.value]}
        _audit(vote, "vote.ballot_cast" if first else "vote.ballot_changed",
               f"{vote.title} — {participant.full_name}", changes, actor_label=f"delegate:{participant.public_id}")
    return first


# What other pages show --------------------------------------------------------------------------

def decision_text(vote: Vote, language: str) -> str:
    """“<question>: được thông qua.” in the meeting's language."""
    with force_locale(language):
        verdict = _("adopted") if vote.adopted else _("not adopted")
    return f"{vote.title}: {verdict}"


def minutes_decisions(meeting: Meeting, items: Sequence[AgendaItem], language: str) -> dict[str, list[dict[str, Any]]]:
    """The closed votes of these items as the minutes record decisions (minutes.services.VOTE_RESULTS):
    ``{item public id: [{text, for, against, abstain, percent}]}``. "Không biểu quyết" counts everyone present
    at the vote who did not vote for or against, so the three numbers add up to those present (DOMAIN.md:
    "vote results that add up to those present"); the percent is of the vote's base."""
    by_id = {item.id: item for item in items}
    if not by_id:
        return {}
    votes = db.session.scalars(select(Vote).where(Vote.meeting_id == meeting.id, Vote.agenda_item_id.in_(by_id),
                                                  Vote.status == VoteStatus.closed)
                               .order_by(Vote.agenda_item_id, Vote.position, Vote.id))
    found: dict[str, list[dict[str, Any]]] = {}
    for vote in votes:
        yes, no = vote.yes or 0, vote.no or 0
        found.setdefault(by_id[vote.agenda_item_id].public_id, []).append({
            "text": decision_text(vote, language), "for": yes, "against": no,
            "abstain": max((vote.present or 0) - yes - no, 0),
            "percent": float(rules.percent(yes, vote.base_count or 0))})
    return found


def hall_vote(meeting: Meeting, levels: Iterable[str], now: datetime | None = None) -> dict[str, Any] | None:
    """What a hall display shows of the votes, as plain data: the vote open now (its question, and how many
    have voted when they vote electronically; never its running numbers), else the vote closed in the last
    ten minutes with its result. Only what a reader of ``levels`` may see (the meeting, the item and its
    session): a vote on anything else is not shown at all. Two queries at most."""
    levels = list(levels)
    if meeting.classification not in levels:
        return None
    shown = (select(Vote).join(AgendaItem, AgendaItem.id == Vote.agenda_item_id)
             .where(Vote.meeting_id == meeting.id, agenda_services.visible_item_clause(levels)))
    vote = db.session.scalar(shown.where(Vote.status == VoteStatus.open)
                             .order_by(Vote.opened_at.desc(), Vote.id.desc()).limit(1))
    if vote is None:
        since = (now or utcnow()) - HALL_RESULT_FOR
        vote = db.session.scalar(shown.where(Vote.status == VoteStatus.closed, Vote.closed_at >= since)
                                 .order_by(Vote.closed_at.desc(), Vote.id.desc()).limit(1))
    if vote is None:
        return None
    data: dict[str, Any] = {"id": vote.public_id, "title": vote.title, "status": vote.status.value,
                            "method": vote.method.value, "present": vote.present,
                            "at": (vote.closed_at or vote.opened_at or utcnow()).isoformat()}
    if vote.status is VoteStatus.open:
        data["voted"] = voted_count(vote) if not vote.counted else None
        return data
    numbers = counts(vote)
    data.update(base=numbers.base_count, yes=numbers.yes, no=numbers.no, abstain=numbers.abstain,
                not_voting=numbers.not_voting, percent=float(numbers.percent or 0), adopted=bool(vote.adopted))
    return data


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
