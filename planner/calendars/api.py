"""JSON routes of the calendar feeds: a delegate's personal feed link; thin over calendars.services."""

from __future__ import annotations

import marshmallow as ma
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from planner.api import DateTime, requires
from planner.calendars import services
from planner.calendars.models import FeedKind
from planner.core.permissions import Permission
from planner.delegates import services as delegate_services

blp = Blueprint("calendars_api", __name__, description="Calendar feeds: a delegate's personal iCal feed")


class FeedTokenSchema(ma.Schema):
    id = ma.fields.String(metadata={"description": "The feed link's id (to tell links apart; not the secret)"})
    url = ma.fields.String(metadata={"description": "The feed (https://); shown only in this answer"})
    webcal_url = ma.fields.String(metadata={"description": "The same feed as webcal://, to subscribe in one tap"})
    created_at = DateTime()


@blp.route("/participants/<participant_id>/feed-token")
class ParticipantFeedToken(MethodView):
    @requires(Permission.organize)
    @blp.response(201, FeedTokenSchema)
    def post(self, participant_id: str):
        """Issue the delegate's personal feed: the plenary items of their meetings and the items they
        preside over or speak at. An earlier link of this delegate stops working. The secret is in this
        answer only (it is kept as a hash)."""
        participant = delegate_services.get_participant(g.organization, participant_id, user=g.api_user)
        token, secret = services.issue_personal_feed(participant, user=g.api_user)
        found = services.feed_links(FeedKind.participant, secret)
        return {"id": token.public_id, "url": found.url, "webcal_url": found.webcal, "created_at": token.created_at}

    @requires(Permission.organize)
    @blp.response(204)
    def delete(self, participant_id: str):
        """Revoke the delegate's personal feed: its link answers 404 from now on."""
        participant = delegate_services.get_participant(g.organization, participant_id, user=g.api_user)
        services.revoke_personal_feed(participant)
