"""JSON routes of elections, candidates and rounds; thin over elections.services."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from planner.api import DateTime, Integer, ListArgs, changed, found, listed, requires
from planner.core.permissions import Permission
from planner.elections import services
from planner.elections.models import (
    Candidate,
    Election,
    ElectionBody,
    ElectionRound,
    ElectionStatus,
    Nomination,
    RoundStatus,
)
from planner.elections.rules import InvalidReason
from planner.meetings.tabs import api_meeting

blp = Blueprint("elections_api", __name__, description="Elections by secret ballot: the body and its seats, the "
                                                       "candidate list in ballot order, rounds with their issue "
                                                       "log, tally and result")

COUNT = {"validate": ma.validate.Range(min=0, max=services.MAX_COUNT)}


class ElectionSchema(ma.Schema):
    id = ma.fields.String(dump_only=True)
    meeting_id = ma.fields.String(dump_only=True)
    title = ma.fields.String(validate=ma.validate.Length(max=500))
    body = ma.fields.String(validate=ma.validate.OneOf([b.value for b in ElectionBody]))
    seats = Integer(validate=ma.validate.Range(min=1, max=services.MAX_SEATS))
    status = ma.fields.String(validate=ma.validate.OneOf([s.value for s in ElectionStatus]),
                              metadata={"description": "preparing → voting (a round started) → closed"})
    seats_decision = ma.fields.String(validate=ma.validate.Length(max=services.MAX_TEXT),
                                      metadata={"description": "How the congress decided the number of seats"})
    seats_vote_id = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=64), metadata={
        "description": "The closed, adopted vote of this congress that decided the number of seats"})
    surplus_decision = ma.fields.String(validate=ma.validate.Length(max=services.MAX_TEXT),
                                        metadata={"description": "The congress's decision on a list beyond the "
                                                                 "30% surplus (needed before the first round)"})
    base_excluded = Integer(validate=ma.validate.Range(min=0, max=services.MAX_COUNT),
                            metadata={"description": "Convened delegates the result's base leaves out (Điều 30)"})
    base_note = ma.fields.String(validate=ma.validate.Length(max=services.MAX_TEXT))
    ballot_reserve = Integer(validate=ma.validate.Range(min=0, max=10_000),
                             metadata={"description": "Ballots printed beyond the delegates convened"})
    candidates = Integer(dump_only=True, metadata={"description": "Names on the list"})
    surplus_percent = ma.fields.Float(dump_only=True)
    surplus_warning = ma.fields.String(dump_only=True, allow_none=True)
    base_count = Integer(dump_only=True)
    elected_ids = ma.fields.List(ma.fields.String(), dump_only=True)
    version = Integer(metadata={"description": "Send the version you read to refuse a stale update (409)"})


class ElectionCreateSchema(ElectionSchema):
    class Meta:
        exclude = ("version", "status")

    body = ma.fields.String(required=True, validate=ma.validate.OneOf([b.value for b in ElectionBody]))
    seats = Integer(required=True, validate=ma.validate.Range(min=1, max=services.MAX_SEATS))


class ElectionPatchSchema(ElectionSchema):
    """The same fields, each optional."""


class ElectionListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ElectionSchema))
    total = Integer()


class CandidateSchema(ma.Schema):
    id = ma.fields.String(dump_only=True)
    election_id = ma.fields.String(dump_only=True)
    participant_id = ma.fields.String(allow_none=True, metadata={"description": "A delegate of the congress"})
    full_name = ma.fields.String(validate=ma.validate.Length(max=360),
                                 metadata={"description": "Or the full name of someone not on the delegate list"})
    nominated_by = ma.fields.String(load_default=Nomination.committee.value,
                                    validate=ma.validate.OneOf([n.value for n in Nomination]))
    agreeing = Integer(allow_none=True, **COUNT, metadata={"description": "Floor or self nomination: delegates "
                                                                          "who agreed (more than 30% needed)"})
    present = Integer(allow_none=True, **COUNT, metadata={"description": "Delegates present at that vote"})
    note = ma.fields.String(validate=ma.validate.Length(max=services.MAX_TEXT))
    position = Integer(dump_only=True, metadata={"description": "Place on the ballot (1-based)"})


class CandidateListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CandidateSchema))
    total = Integer()


class VoteRowSchema(ma.Schema):
    candidate_id = ma.fields.String(required=True)
    votes = Integer(required=True, **COUNT)


class ResultSchema(ma.Schema):
    candidate_id = ma.fields.String()
    full_name = ma.fields.String()
    votes = Integer(allow_none=True)
    percent = ma.fields.Float(allow_none=True, metadata={"description": "Of the base"})
    elected = ma.fields.Boolean()
    tied = ma.fields.Boolean()


class RoundSchema(ma.Schema):
    id = ma.fields.String(dump_only=True)
    election_id = ma.fields.String(dump_only=True)
    number = Integer(metadata={"description": "1, 2, …"})
    seats = Integer(dump_only=True)
    candidate_ids = ma.fields.List(ma.fields.String(), metadata={"description": "The round's ballot, in order"})
    status = ma.fields.String(validate=ma.validate.OneOf([s.value for s in RoundStatus]),
                              metadata={"description": "voting → counting → closed"})
    convened = Integer(dump_only=True)
    present = Integer(**COUNT)
    base_count = Integer(dump_only=True, metadata={"description": "More than half of it elects"})
    printed = Integer(dump_only=True)
    issued = Integer(**COUNT)
    returned = Integer(**COUNT)
    spoiled = Integer(**COUNT)
    replaced = Integer(**COUNT)
    valid = Integer(**COUNT)
    invalid = Integer(**COUNT)
    invalid_reasons = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.OneOf([r.value for r in InvalidReason])), values=Integer(**COUNT))
    votes = ma.fields.List(ma.fields.Nested(VoteRowSchema), load_only=True)
    results = ma.fields.List(ma.fields.Nested(ResultSchema), dump_only=True)
    another_round_needed = ma.fields.Boolean(dump_only=True)
    closed_at = DateTime(dump_only=True, allow_none=True)
    corrections = ma.fields.List(ma.fields.Dict(), dump_only=True)
    correction_reason = ma.fields.String(load_only=True, validate=ma.validate.Length(max=services.MAX_TEXT),
                                         metadata={"description": "On a closed round: the figures sent are a "
                                                                  "correction, recorded with this reason"})
    version = Integer(metadata={"description": "Send the version you read: a stale tally answers 409"})


class RoundPatchSchema(RoundSchema):
    """The issue log and tally fields, each optional."""


class RoundCreateSchema(ma.Schema):
    number = Integer(validate=ma.validate.Range(min=1, max=100))
    candidate_ids = ma.fields.List(ma.fields.String(), metadata={
        "description": "Default: the whole list (round 1), else those the last result leaves (tied, not elected)"})
    seats = Integer(validate=ma.validate.Range(min=1, max=services.MAX_SEATS))


class RoundListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(RoundSchema))
    total = Integer()


def election_data(election: Election, convened: int | None = None) -> dict[str, Any]:
    check = services.surplus_of(election)
    return {
        "id": election.public_id, "meeting_id": election.meeting.public_id, "title": election.title,
        "body": ElectionBody(election.body).value, "seats": election.seats,
        "status": ElectionStatus(election.status).value, "seats_decision": election.seats_decision,
        "seats_vote_id": election.seats_vote.public_id if election.seats_vote else None,
        "surplus_decision": election.surplus_decision, "base_excluded": election.base_excluded,
        "base_note": election.base_note, "ballot_reserve": election.ballot_reserve,
        "candidates": len(election.candidates), "surplus_percent": check.percent,
        "surplus_warning": services.surplus_message(check), "base_count": services.base_count(election, convened),
        "elected_ids": [c.public_id for c in services.elected_so_far(election)], "version": election.version,
    }


def candidate_data(candidate: Candidate, position: int | None = None) -> dict[str, Any]:
    return {
        "id": candidate.public_id, "election_id": candidate.election.public_id,
        "participant_id": candidate.participant.public_id if candidate.participant else None,
        "full_name": candidate.full_name, "nominated_by": Nomination(candidate.nominated_by).value,
        "agreeing": candidate.agreeing, "present": candidate.present, "note": candidate.note, "position": position,
    }


def round_data(held: ElectionRound) -> dict[str, Any]:
    meeting = held.election.meeting
    return {
        "id": held.public_id, "election_id": held.election.public_id, "number": held.number, "seats": held.seats,
        "candidate_ids": [e.candidate.public_id for e in held.entries], "status": RoundStatus(held.status).value,
        "convened": held.convened, "present": held.present, "base_count": held.base_count, "printed": held.printed,
        "issued": held.issued, "returned": held.returned, "spoiled": held.spoiled, "replaced": held.replaced,
        "valid": held.valid, "invalid": held.invalid, "invalid_reasons": dict(held.invalid_reasons or {}),
        "results": [{"candidate_id": row.candidate.public_id, "full_name": row.candidate.full_name,
                     "votes": row.votes, "percent": row.percent, "elected": row.elected, "tied": row.tied}
                    for row in services.result_rows(held)],
        "another_round_needed": held.another_round_needed,
        "closed_at": services.local(meeting, held.closed_at),
        "corrections": [{"reason": c.reason, "changes": c.changes, "made_by": c.made_by,
                         "made_at": services.local(meeting, c.made_at).isoformat()} for c in held.corrections],
        "version": held.version,
    }


@blp.route("/meetings/<meeting_id>/elections")
class MeetingElections(MethodView):
    @requires(Permission.view)
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, ElectionListSchema)
    def get(self, args, meeting_id: str):
        """The meeting's elections in their order."""
        meeting = api_meeting(meeting_id)
        convened = services.convened(meeting)
        return listed(services.meeting_elections(meeting), args, lambda e: election_data(e, convened))

    @requires(Permission.organize)
    @blp.arguments(ElectionCreateSchema)
    @blp.response(201, ElectionSchema)
    @blp.alt_response(409, description="The meeting is closed")
    def post(self, data, meeting_id: str):
        """Create an election: the body and the number of seats (as the congress decided it)."""
        return election_data(services.create_election(api_meeting(meeting_id), data, user=g.api_user))


@blp.route("/elections/<election_id>")
class ElectionResource(MethodView):
    @requires(Permission.view)
    @blp.response(200, ElectionSchema)
    def get(self, election_id: str):
        return election_data(found(services.get_election, election_id))

    @requires(Permission.organize)
    @blp.arguments(ElectionPatchSchema(partial=True))
    @blp.response(200, ElectionSchema)
    @blp.alt_response(409, description="Changed meanwhile, or a round forbids the change")
    def patch(self, data, election_id: str):
        return election_data(changed(services.update_election, found(services.get_election, election_id), data))


@blp.route("/elections/<election_id>/candidates")
class ElectionCandidates(MethodView):
    @requires(Permission.view)
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, CandidateListSchema)
    def get(self, args, election_id: str):
        """The list in ballot order (given name, family name, middle name; Vietnamese alphabet)."""
        ordered = services.ballot_order(found(services.get_election, election_id))
        place = {candidate.id: number for number, candidate in enumerate(ordered, start=1)}
        return listed(ordered, args, lambda candidate: candidate_data(candidate, place[candidate.id]))

    @requires(Permission.organize)
    @blp.arguments(CandidateSchema)
    @blp.response(201, CandidateSchema)
    @blp.alt_response(422, description="Not a delegate, on the counting committee, or a floor nomination without "
                                       "more than 30% agreeing")
    @blp.alt_response(409, description="The ballots are printed: the list is fixed")
    def post(self, data, election_id: str):
        election = found(services.get_election, election_id)
        candidate = services.add_candidate(election, data, user=g.api_user)
        return candidate_data(candidate, services.ballot_order(election).index(candidate) + 1)


@blp.route("/candidates/<candidate_id>")
class CandidateResource(MethodView):
    @requires(Permission.organize)
    @blp.response(204)
    @blp.alt_response(409, description="The ballots are printed: the list is fixed")
    def delete(self, candidate_id: str):
        services.remove_candidate(found(services.get_candidate, candidate_id), user=g.api_user)


@blp.route("/elections/<election_id>/rounds")
class ElectionRounds(MethodView):
    @requires(Permission.view)
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, RoundListSchema)
    def get(self, args, election_id: str):
        """Every round of the election, the first first."""
        return listed(list(found(services.get_election, election_id).rounds), args, round_data)

    @requires(Permission.organize)
    @blp.arguments(RoundCreateSchema)
    @blp.response(201, RoundSchema)
    @blp.alt_response(409, description="A round is open, every seat is filled, or the list needs the congress's "
                                       "decision")
    def post(self, data, election_id: str):
        """Start a round: its ballot, the base and the print run as of now."""
        return round_data(services.start_round(found(services.get_election, election_id), data, user=g.api_user))


@blp.route("/rounds/<round_id>")
class RoundResource(MethodView):
    @requires(Permission.view)
    @blp.response(200, RoundSchema)
    def get(self, round_id: str):
        return round_data(found(services.get_round, round_id))

    @requires(Permission.take_minutes)
    @blp.arguments(RoundPatchSchema(partial=True))
    @blp.response(200, RoundSchema)
    @blp.alt_response(409, description="Another clerk saved first (send the version you read), or the round is "
                                       "closed (send a correction_reason)")
    @blp.alt_response(422, description="Figures that do not add up, each named in errors")
    def patch(self, data, round_id: str):
        """Enter the issue log and the tally; move the status (closing computes the result). On a closed round,
        the figures sent with a ``correction_reason`` are a recorded correction."""
        held = found(services.get_round, round_id)
        reason = data.pop("correction_reason", None)
        if reason is not None:
            return round_data(changed(services.correct_round, held, data, reason=reason))
        return round_data(changed(services.update_round, held, data))
