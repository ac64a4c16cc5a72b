"""JSON routes of the votes; thin over votes.services."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from planner.agenda import services as agenda_services
from planner.api import DateTime, Integer, ListArgs, changed, found, listed, requires
from planner.core.permissions import Permission
from planner.votes import services
from planner.votes.models import Majority, Vote, VoteBase, VoteMethod, VoteStatus

blp = Blueprint("votes_api", __name__, description="Votes (biểu quyết) on agenda items: the question, the rule, "
                                                  "the base frozen when the vote opens, the counts and the result")


class VoteSchema(ma.Schema):
    id = ma.fields.String(dump_only=True)
    meeting_id = ma.fields.String(dump_only=True)
    agenda_item_id = ma.fields.String(dump_only=True)
    title = ma.fields.String(validate=ma.validate.Length(min=1, max=services.MAX_TITLE),
                             metadata={"description": "What is put to the vote"})
    method = ma.fields.String(validate=ma.validate.OneOf([m.value for m in VoteMethod]), metadata={
        "description": "show_of_hands (or raising the Party card), named (each delegate's choice recorded), "
                       "electronic (from the delegates' personal pages), secret_ballot (on paper)"})
    secret = ma.fields.Boolean(metadata={"description": "Electronic votes: the ballots are anonymous (default true); "
                                                        "a secret_ballot is always secret"})
    majority = ma.fields.String(validate=ma.validate.OneOf([m.value for m in Majority]),
                                metadata={"description": "more_than_half (yes × 2 > base) or two_thirds "
                                                         "(yes × 3 ≥ base × 2)"})
    base = ma.fields.String(validate=ma.validate.OneOf([b.value for b in VoteBase]),
                            metadata={"description": "present (delegates present when the vote opens) or convened"})
    status = ma.fields.String(validate=ma.validate.OneOf([s.value for s in VoteStatus]),
                              metadata={"description": "draft → open (freezes those present) → closed (computes "
                                                       "the result)"})
    position = Integer(dump_only=True)
    present = Integer(dump_only=True, allow_none=True,
                      metadata={"description": "Delegates present when the vote opened"})
    convened = Integer(dump_only=True, allow_none=True)
    base_count = Integer(dump_only=True, allow_none=True)
    yes = Integer(allow_none=True, validate=ma.validate.Range(min=0, max=services.MAX_COUNT),
                  metadata={"description": "Counted methods: entered while open; others: counted when closed"})
    no = Integer(allow_none=True, validate=ma.validate.Range(min=0, max=services.MAX_COUNT))
    abstain = Integer(allow_none=True, validate=ma.validate.Range(min=0, max=services.MAX_COUNT))
    not_voting = Integer(dump_only=True, allow_none=True, metadata={"description": "base − yes − no − abstain"})
    voted = Integer(dump_only=True, allow_none=True,
                    metadata={"description": "Electronic and named votes: how many have voted so far"})
    percent = ma.fields.Float(dump_only=True, allow_none=True, metadata={"description": "yes as % of the base"})
    adopted = ma.fields.Boolean(dump_only=True, allow_none=True)
    opened_at = DateTime(dump_only=True, allow_none=True)
    closed_at = DateTime(dump_only=True, allow_none=True)
    corrections = ma.fields.List(ma.fields.Dict(), dump_only=True, metadata={
        "description": "Changes after closing: [{number, before, after, reason, created_at, created_by}]"})
    version = Integer(metadata={"description": "Send the version you read to refuse a stale update (409)"})


class VoteCreateSchema(VoteSchema):
    class Meta:
        exclude = ("version", "status", "yes", "no", "abstain")

    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=services.MAX_TITLE))


class VotePatchSchema(VoteSchema):
    reason = ma.fields.String(validate=ma.validate.Length(max=services.MAX_REASON), load_only=True, metadata={
        "description": "A closed vote changes only through a correction: its counts with the reason"})


class VoteListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(VoteSchema))
    total = Integer()


def vote_data(vote: Vote, voted: int | None = None) -> dict[str, Any]:
    meeting = vote.meeting
    numbers = services.counts(vote)

    def local(value):
        return agenda_services.local(meeting, value) if value is not None else None

    return {
        "id": vote.public_id, "meeting_id": meeting.public_id, "agenda_item_id": vote.agenda_item.public_id,
        "title": vote.title, "method": vote.method.value, "secret": vote.is_secret, "majority": vote.majority.value,
        "base": vote.base.value, "status": vote.status.value, "position": vote.position,
        "present": vote.present, "convened": vote.convened, "base_count": numbers.base_count,
        "yes": numbers.yes, "no": numbers.no, "abstain": numbers.abstain, "not_voting": numbers.not_voting,
        "voted": voted if voted is not None else (services.voted_count(vote) if not vote.counted else None),
        "percent": float(numbers.percent) if numbers.percent is not None else None, "adopted": numbers.adopted,
        "opened_at": local(vote.opened_at), "closed_at": local(vote.closed_at),
        "corrections": [{"number": c.number, "before": c.before, "after": c.after, "reason": c.reason,
                         "created_at": local(c.created_at).isoformat(), "created_by": c.created_by_label}
                        for c in vote.corrections],
        "version": vote.version,
    }


@blp.route("/agenda-items/<item_id>/votes")
class ItemVotes(MethodView):
    @requires(Permission.view)
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, VoteListSchema)
    def get(self, args, item_id: str):
        """The item's votes in order."""
        votes = services.item_votes(found(agenda_services.get_item, item_id))
        voted = services.voted_counts(votes)
        return listed(votes, args, lambda v: vote_data(v, voted.get(v.id, 0) if not v.counted else None))

    @requires(Permission.organize)
    @blp.arguments(VoteCreateSchema)
    @blp.response(201, VoteSchema)
    @blp.alt_response(422, description="Bad input: no title, an unknown method, a session or break")
    @blp.alt_response(409, description="The meeting is closed")
    def post(self, data, item_id: str):
        """Prepare a vote (status draft): show of hands, more than half of those present unless said otherwise."""
        return vote_data(services.create_vote(found(agenda_services.get_item, item_id), data, user=g.api_user))


@blp.route("/votes/<vote_id>")
class VoteResource(MethodView):
    @requires(Permission.view)
    @blp.response(200, VoteSchema)
    def get(self, vote_id: str):
        return vote_data(found(services.get_vote, vote_id))

    @requires(Permission.organize)
    @blp.arguments(VotePatchSchema(partial=True))
    @blp.response(200, VoteSchema)
    @blp.alt_response(409, description="Changed meanwhile (stale version), a move the rules refuse, a closed "
                                       "vote changed without a reason, or a closed meeting")
    @blp.alt_response(422, description="Counts above the base or above those present, counts on a vote that is "
                                       "not counted by hand, nobody present")
    def patch(self, data, vote_id: str):
        """Change a draft's question and rule; ``status``: open (freezes those present now) or closed (computes
        the result); ``yes``, ``no``, ``abstain`` for a show of hands or paper ballot while open; on a closed
        vote, the counts with a ``reason`` record a correction."""
        return vote_data(changed(services.update_vote, found(services.get_vote, vote_id), data))
