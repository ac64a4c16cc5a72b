"""JSON routes of invitations: the issues of a meeting's invitation letters (the same calls as the page), and the
delegates' personal links."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from planner.api import Date, DateTime, Integer, requires
from planner.core.permissions import Permission
from planner.delegates import services as delegate_services
from planner.invitations import services
from planner.invitations.services import issuing
from planner.meetings.tabs import api_meeting as _meeting

blp = Blueprint("invitations_api", __name__, description="Invitation letters: the clerk's check, numbered issues")


class InvitationIssueSchema(ma.Schema):
    id = ma.fields.String(attribute="public_id")
    number = ma.fields.String(metadata={"description": "From the register, e.g. Số 05-GM/VPTU"})
    issued_on = Date(metadata={"description": "The day of issue printed on the letters"})
    issued_at = DateTime()
    mode = ma.fields.Function(lambda i: i.mode.value, metadata={"description": "each (one letter per invitee) or "
                                                                               "all (one letter with the list)"})
    letters = Integer()
    signer = ma.fields.String()
    pdf_sha256 = ma.fields.String(metadata={"description": "The letters as issued: served unchanged from then on"})
    docx_sha256 = ma.fields.String()


class InvitationIssueListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(InvitationIssueSchema), metadata={"description": "Newest (current) first"})
    total = Integer()


@blp.route("/meetings/<meeting_id>/invitation/issues", endpoint="invitation_issues")
class InvitationIssues(MethodView):
    @blp.response(200, InvitationIssueListSchema)
    @requires(Permission.organize)
    def get(self, meeting_id: str) -> dict[str, Any]:
        """The issues of the meeting's invitation letters, the current first."""
        found = issuing.issues(_meeting(meeting_id))
        return {"items": found, "total": len(found)}

    @blp.response(201, InvitationIssueSchema)
    @requires(Permission.organize)
    def post(self, meeting_id: str) -> Any:
        """Issue the invitation: the clerk's check (422 with each missing element in `errors`), a number, the day
        of issue, the letters rendered once and kept; 409 when nothing changed since the current issue."""
        return issuing.issue(_meeting(meeting_id), user=g.api_user), 201


class PersonalLinkRequestSchema(ma.Schema):
    rotate = ma.fields.Boolean(load_default=False, metadata={
        "description": "Revoke the participant's current link and make a new one"})


class PersonalLinkSchema(ma.Schema):
    url = ma.fields.String(metadata={"description": "The delegate's personal page: programme, reply, documents"})


@blp.route("/participants/<participant_id>/link")
class ParticipantPersonalLink(MethodView):
    @requires(Permission.organize)
    @blp.arguments(PersonalLinkRequestSchema)
    @blp.response(200, PersonalLinkSchema)
    def post(self, data, participant_id: str):
        """The delegate's personal page: made if missing, the same link again otherwise; `rotate: true`
        revokes the old link (it answers 404 from then on) and answers the new one."""
        participant = delegate_services.get_participant(g.organization, participant_id, user=g.api_user)
        return {"url": services.personal_link(participant, user=g.api_user, rotate=data["rotate"])}
