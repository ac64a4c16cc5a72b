"""JSON routes of the speakers lists; thin over speeches.services."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import abort, g
from flask.views import MethodView
from flask_smorest import Blueprint

from planner.agenda import services as agenda_services
from planner.api import DateTime, Integer, ListArgs, found, listed, requires
from planner.core.models import utcnow
from planner.core.permissions import Permission
from planner.speeches import services, timing
from planner.speeches.models import Speech, SpeechKind, SpeechStatus

blp = Blueprint("speeches_api", __name__, description="Speakers lists: who speaks on each agenda item, in what "
                                                      "order, for how long, and what they said")


class SpeechTextSchema(ma.Schema):
    id = ma.fields.String(dump_only=True)
    number = Integer(dump_only=True, metadata={"description": "Version 1, 2, …"})
    filename = ma.fields.String(dump_only=True)
    media_type = ma.fields.String(dump_only=True)
    size = Integer(dump_only=True)
    sha256 = ma.fields.String(dump_only=True)
    uploaded_at = DateTime(dump_only=True)
    check_against_delivery = ma.fields.Boolean(dump_only=True)
    embargo = ma.fields.Boolean(dump_only=True, metadata={"description": "Not shown to delegates before the "
                                                                         "speech is delivered"})


class SpeechSchema(ma.Schema):
    id = ma.fields.String(dump_only=True)
    meeting_id = ma.fields.String(dump_only=True)
    agenda_item_id = ma.fields.String(dump_only=True)
    participant_id = ma.fields.String(metadata={"description": "The speaker: a participant of the meeting"})
    speaker = ma.fields.String(dump_only=True, metadata={"description": "The speaker's full name"})
    kind = ma.fields.String(validate=ma.validate.OneOf([k.value for k in SpeechKind]))
    title = ma.fields.String(validate=ma.validate.Length(max=1000))
    position = Integer(validate=ma.validate.Range(min=1),
                       metadata={"description": "1 is the first on the item's list"})
    allotted_seconds = Integer(allow_none=True, validate=ma.validate.Range(min=1, max=4 * 3600))
    status = ma.fields.String(validate=ma.validate.OneOf([s.value for s in SpeechStatus]),
                              metadata={"description": "requested → approved → speaking → done, or withdrawn. "
                                                       "speaking starts the clock, done stops it."})
    summary = ma.fields.String(validate=ma.validate.Length(max=services.MAX_SUMMARY),
                               metadata={"description": "The substance of the speech, for the minutes"})
    requested_by_delegate = ma.fields.Boolean(dump_only=True)
    started_at = DateTime(dump_only=True, allow_none=True)
    ended_at = DateTime(dump_only=True, allow_none=True)
    paused_at = DateTime(dump_only=True, allow_none=True)
    paused_seconds = Integer(dump_only=True)
    spoken_seconds = Integer(dump_only=True, metadata={"description": "Speaking time without pauses"})
    texts = ma.fields.List(ma.fields.Nested(SpeechTextSchema), dump_only=True)
    version = Integer(metadata={"description": "Send the version you read to refuse a stale update (409)"})


class SpeechCreateSchema(SpeechSchema):
    class Meta:
        exclude = ("version",)

    participant_id = ma.fields.String(required=True)
    status = ma.fields.String(validate=ma.validate.OneOf([SpeechStatus.requested.value,
                                                          SpeechStatus.approved.value]),
                              metadata={"description": "approved (default) or requested"})


class SpeechPatchSchema(SpeechSchema):
    """The same fields, each optional. The summary alone needs the take_minutes permission and may be
    written on a closed meeting; the other fields need organize."""


class SpeechListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(SpeechSchema))
    total = Integer()


class SpeechRequestSchema(ma.Schema):
    participant_id = ma.fields.String(required=True, metadata={"description": "The delegate asking to speak"})
    title = ma.fields.String(load_default="", validate=ma.validate.Length(max=1000))


def speech_data(speech: Speech) -> dict[str, Any]:
    meeting = speech.meeting

    def local(value):
        return agenda_services.local(meeting, value) if value is not None else None

    return {
        "id": speech.public_id,
        "meeting_id": meeting.public_id,
        "agenda_item_id": speech.agenda_item.public_id,
        "participant_id": speech.participant.public_id,
        "speaker": speech.participant.full_name,
        "kind": speech.kind.value,
        "title": speech.title,
        "position": speech.position,
        "allotted_seconds": speech.allotted_seconds,
        "status": speech.status.value,
        "summary": speech.summary,
        "requested_by_delegate": speech.requested_by_delegate,
        "started_at": local(speech.started_at),
        "ended_at": local(speech.ended_at),
        "paused_at": local(speech.paused_at),
        "paused_seconds": speech.paused_seconds or 0,
        "spoken_seconds": round(timing.elapsed(services._clock(speech), utcnow())),
        "texts": [{
            "id": t.public_id, "number": t.number, "filename": t.filename, "media_type": t.media_type,
            "size": t.size, "sha256": t.sha256, "uploaded_at": local(t.uploaded_at),
            "check_against_delivery": t.check_against_delivery, "embargo": t.embargo,
        } for t in speech.texts],
        "version": speech.version,
    }


def _speech(speech_id: str) -> Speech:
    return found(services.get_speech, speech_id)


@blp.route("/agenda-items/<item_id>/speeches")
class ItemSpeeches(MethodView):
    @requires(Permission.view)
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, SpeechListSchema)
    def get(self, args, item_id: str):
        """The item's speakers list in speaking order."""
        return listed(services.item_speeches(found(agenda_services.get_item, item_id)), args, speech_data)

    @requires(Permission.organize)
    @blp.arguments(SpeechCreateSchema)
    @blp.response(201, SpeechSchema)
    @blp.alt_response(422, description="Bad input: a speaker who is not a participant, a session or break…")
    @blp.alt_response(409, description="The meeting is closed")
    def post(self, data, item_id: str):
        """Put a speaker on the list (at the end unless a position is given)."""
        item = found(agenda_services.get_item, item_id)
        speech = services.add_speech(item, data, user=g.api_user)
        return speech_data(speech)


@blp.route("/agenda-items/<item_id>/speech-requests")
class SpeechRequests(MethodView):
    @requires(Permission.organize)
    @blp.arguments(SpeechRequestSchema)
    @blp.response(201, SpeechSchema)
    @blp.alt_response(403, description="Not an open discussion item")
    @blp.alt_response(409, description="Already on the list, or the meeting is closed")
    def post(self, data, item_id: str):
        """Record a delegate's request to speak on an open discussion item (status requested, waiting
        for approval), as their personal link does."""
        item = found(agenda_services.get_item, item_id)
        participant = services.meeting_participant(item.meeting, data["participant_id"])
        speech = services.request_to_speak(participant, item, data["title"])
        return speech_data(speech)


@blp.route("/speeches/<speech_id>")
class SpeechResource(MethodView):
    @requires(Permission.view)
    @blp.response(200, SpeechSchema)
    def get(self, speech_id: str):
        return speech_data(_speech(speech_id))

    @requires(Permission.view)
    @blp.arguments(SpeechPatchSchema(partial=True))
    @blp.response(200, SpeechSchema)
    @blp.alt_response(409, description="Changed meanwhile, a status move the rules refuse, or a closed meeting")
    def patch(self, data, speech_id: str):
        speech = _speech(speech_id)
        version = data.pop("version", None)
        if not g.api_user.can(services.required_permission(data), g.organization.id):
            abort(403)
        speech = services.update_speech(speech, data, user=g.api_user, version=version)
        return speech_data(speech)

    @requires(Permission.organize)
    @blp.response(204)
    @blp.alt_response(409, description="The speech has been delivered: it stays for the minutes")
    def delete(self, speech_id: str):
        services.delete_speech(_speech(speech_id), user=g.api_user)
