"""The seating plan (rows, seats, presidium, how seats are given out) and the seats of the participants."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from planner.accounts.models import User
from planner.booklets import builders, seating
from planner.booklets.models import (
    SeatingMode,
    SeatingPlan,
)
from planner.booklets.services.base import _audit, _check_version, _stage
from planner.core import audit
from planner.core.db import atomic
from planner.core.errors import ValidationError
from planner.core.inputs import whole_number
from planner.delegates import protocol
from planner.delegates.models import Participant, ParticipantCategory, Rsvp
from planner.extensions import db
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting

# Seating -----------------------------------------------------------------------------------------------

DEFAULT_SEATS_PER_ROW = 20


def plan_of(meeting: Meeting) -> SeatingPlan:
    """The meeting's plan; until one is saved, a hall of 20 seats a row with rows for everyone expected."""
    found = db.session.scalar(select(SeatingPlan).where(SeatingPlan.meeting_id == meeting.id))
    if found is not None:
        return found
    expected = db.session.scalar(select(func.count(Participant.id)).where(
        Participant.meeting_id == meeting.id, Participant.rsvp != Rsvp.declined,
        Participant.category.in_(builders.SEATED_CATEGORIES))) or 0
    rows = min(seating.MAX_ROWS, max(5, -(-expected // DEFAULT_SEATS_PER_ROW)))
    return SeatingPlan(meeting_id=meeting.id, rows=rows, seats_per_row=DEFAULT_SEATS_PER_ROW, presidium_size=7,
                       mode=SeatingMode.protocol, version=0)


def _whole(value: Any, field: str, low: int, high: int) -> int:
    return whole_number(value, field, low, high, wrong=_("Enter a whole number."),
                        beyond=_("Enter a number from %(low)d to %(high)d.", low=low, high=high))


def save_plan(meeting: Meeting, data: dict[str, Any], *, user: User | None, version: Any = None) -> SeatingPlan:
    """The hall's rows and seats, the presidium's length and how seats are given out."""
    meeting_services.ensure_editable(meeting)
    plan = plan_of(meeting)
    _check_version(plan, version)
    before = plan.as_dict()
    try:
        mode = SeatingMode(data.get("mode") or plan.mode)
    except ValueError:
        raise ValidationError(_("Choose how seats are given out."), field="mode") from None
    clean = {
        "rows": _whole(data.get("rows", plan.rows), "rows", 1, seating.MAX_ROWS),
        "seats_per_row": _whole(data.get("seats_per_row", plan.seats_per_row), "seats_per_row", 1,
                                seating.MAX_SEATS_PER_ROW),
        "presidium_size": _whole(data.get("presidium_size", plan.presidium_size), "presidium_size", 0,
                                 seating.MAX_PRESIDIUM),
        "mode": mode,
    }
    with atomic(_("Someone else changed the seating plan meanwhile. Reload the page and try again.")):
        _stage(plan, clean)
        changes = audit.diff(before, plan.as_dict())
        if not changes and plan.id:
            return plan
        db.session.flush()
        _audit(meeting, "seating.plan_changed", _("Seating plan of “%(title)s”", title=meeting.title), changes)
    return plan


def presidium_members(meeting: Meeting, plan: SeatingPlan, participants: Sequence[Participant]) -> list[Participant]:
    """Who sits in the presidium, in protocol order: the meeting's presiding persons; without them,
    the highest-ranking leaders and guests. At most the presidium's length."""
    presiding_ids = {p.id for p in meeting.presiding}
    if presiding_ids:
        chosen = [p for p in participants if p.id in presiding_ids]
    else:
        chosen = [p for p in participants if p.category in (ParticipantCategory.leader, ParticipantCategory.guest)
                  and protocol.is_ranked(p)]
    return chosen[:plan.presidium_size]


def _seat_candidates(meeting: Meeting) -> list[Participant]:
    return [p for p in builders.seated_participants(meeting) if p.category in builders.SEATED_CATEGORIES]


def assign_seats(meeting: Meeting, *, user: User | None, mode: SeatingMode | str | None = None) -> dict[str, int]:
    """Give everyone a seat afresh: the presidium by the protocol rule, the hall by protocol order or by
    delegation. Staff, the press and those who declined get none. One audit entry for the whole."""
    meeting_services.ensure_editable(meeting)
    plan = plan_of(meeting)
    if mode is not None:
        try:
            mode = SeatingMode(mode)
        except ValueError:
            raise ValidationError(_("Choose how seats are given out."), field="mode") from None
    mode = mode or plan.mode
    everyone = list(db.session.scalars(select(Participant).where(Participant.meeting_id == meeting.id)).unique())
    candidates = _seat_candidates(meeting)
    presidium = presidium_members(meeting, plan, candidates)
    in_presidium = {p.id for p in presidium}
    hall = [p for p in candidates if p.id not in in_presidium]
    if mode == SeatingMode.delegation:
        # Delegations sit in the protocol order of their heads (the seating takes them as they come).
        hall = [p for members in protocol.delegation_order(hall, builders.delegation_key) for p in members]
        assigned, left = seating.assign_by_delegation(hall, plan.rows, plan.seats_per_row, builders.delegation_key)
    else:
        assigned, left = seating.assign_by_protocol(hall, plan.rows, plan.seats_per_row)
    seats = {p.id: seating.presidium_label(n) for n, p in enumerate(presidium, start=1)}
    seats.update({hall[i].id: label for i, label in assigned.items()})
    with atomic(_("Someone changed a participant meanwhile. Give out the seats again.")):
        changed = 0
        for p in everyone:
            new = seats.get(p.id, "")
            if p.seat != new:
                p.seat = new
                changed += 1
        counts = {"presidium": len(presidium), "hall": len(assigned), "without_seat": len(left), "changed": changed}
        _audit(meeting, "seating.assigned", _("Seats of “%(title)s” given out", title=meeting.title),
               {"mode": mode.value, **counts})
    return counts


def clear_seats(meeting: Meeting, *, user: User | None) -> int:
    meeting_services.ensure_editable(meeting)
    seated = list(db.session.scalars(select(Participant).where(Participant.meeting_id == meeting.id,
                                                               Participant.seat != "")).unique())
    if seated:
        with atomic(_("Someone changed a participant meanwhile. Try again.")):
            for p in seated:
                p.seat = ""
            _audit(meeting, "seating.cleared", _("Seats of “%(title)s” cleared", title=meeting.title),
                   {"cleared": len(seated)})
    return len(seated)


def set_seat(meeting: Meeting, participant_id: str, label: str | None, *, user: User | None) -> Participant:
    """Put a participant on a seat (or none). When someone else holds it, the two swap seats."""
    meeting_services.ensure_editable(meeting)
    participant = db.session.scalar(select(Participant).where(Participant.meeting_id == meeting.id,
                                                              Participant.public_id == str(participant_id or "")))
    if participant is None:
        raise ValidationError(_("Choose a participant of this meeting."), field="participant")
    plan = plan_of(meeting)
    new = ""
    if (label or "").strip():
        seat = seating.parse_seat(label)
        if seat is None:
            raise ValidationError(_("Write the seat as row and number (A-12), or CT-1 for the presidium."),
                                  field="seat")
        if not seating.in_plan(seat, plan.rows, plan.seats_per_row, plan.presidium_size):
            raise ValidationError(_("Seat %(seat)s is not in the plan: rows A to %(last)s, seats 1 to %(seats)d, "
                                    "presidium CT-1 to CT-%(presidium)d.", seat=seat.label,
                                    last=seating.row_label(plan.rows - 1), seats=plan.seats_per_row,
                                    presidium=plan.presidium_size), field="seat")
        new = seat.label
    old = participant.seat
    if new == old:
        return participant
    holder = db.session.scalar(select(Participant).where(Participant.meeting_id == meeting.id,
                                                         Participant.seat == new, Participant.id != participant.id)) \
        if new else None
    with atomic(_("Someone changed this participant meanwhile. Reload the page and try again.")):
        changes: dict[str, Any] = {"seat": [old, new]}
        if holder is not None:
            holder.seat = old
            changes["swapped_with"] = [holder.public_id, holder.full_name]
        participant.seat = new
        db.session.flush()
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action="seating.seat_set", object_type="participant", object_id=participant.public_id,
                     summary=participant.full_name, changes=changes)
    return participant


def chart_participants(meeting: Meeting) -> list[Participant]:
    """Everyone on the meeting's list, in protocol order (the seating page shows who has no seat)."""
    return list(db.session.scalars(select(Participant).where(Participant.meeting_id == meeting.id)
                                   .order_by(*protocol.order_by(protocol.Order.protocol))).unique())
