"""JSON routes of meetings: meetings, their rooms and the occurrences of recurring ones; thin over
meetings.services (the same calls as the pages)."""

from __future__ import annotations

from datetime import date
from typing import Any

import marshmallow as ma
from flask import current_app, g, url_for
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint

from planner.api import Date, DateTime, Integer, ListArgs, listed, page, requires
from planner.core import exports
from planner.core.errors import ValidationError
from planner.core.inputs import day_problem
from planner.core.permissions import Classification, Permission
from planner.meetings import recurrence, services
from planner.meetings.models import Meeting, MeetingKind, MeetingStatus, Room
from planner.meetings.recurrence import Occurrence
from planner.meetings.tabs import api_meeting as _meeting

blp = Blueprint("meetings_api", __name__,
                description="Meetings and conferences, their rooms, and the occurrences of recurring meetings")

READ_ONLY = ("id", "programme_url", "feed_url", "created_at", "updated_at")
RRULE_HELP = ("RFC 5545 RRULE without the 'RRULE:' prefix: FREQ=WEEKLY with BYDAY weekdays (BYDAY=MO,TH) or "
              "FREQ=MONTHLY with one nth weekday (BYDAY=1MO, BYDAY=-1FR), optional INTERVAL, and UNTIL or COUNT. "
              "The first day must be an occurrence. Answers give it in canonical form (UNTIL in UTC). "
              "null: the meeting does not repeat.")


class MeetingSchema(ma.Schema):
    id = ma.fields.String(dump_only=True)
    title = ma.fields.String(validate=ma.validate.Length(min=1, max=500))
    kind = ma.fields.String(validate=ma.validate.OneOf([k.value for k in MeetingKind]))
    classification = ma.fields.String(validate=ma.validate.OneOf([c.value for c in Classification]))
    status = ma.fields.String(validate=ma.validate.OneOf([s.value for s in MeetingStatus]),
                              metadata={"description": "draft → published → in_progress → closed → archived; "
                                                       "only allowed moves (409 otherwise)"})
    timezone = ma.fields.String(validate=ma.validate.Length(max=64), metadata={"description": "IANA zone"})
    starts_on = Date(metadata={"description": "First day (local); of a recurring meeting, the first "
                                                        "occurrence"})
    ends_on = Date(metadata={"description": "Last day (local); defaults to starts_on"})
    start_time = ma.fields.Time(allow_none=True, metadata={"description": "Usual local start, e.g. 08:00"})
    end_time = ma.fields.Time(allow_none=True, metadata={"description": "Usual local end, e.g. 10:00"})
    venue = ma.fields.String(validate=ma.validate.Length(max=500))
    city = ma.fields.String(validate=ma.validate.Length(max=120),
                            metadata={"description": "The place of the date line"})
    language = ma.fields.String(validate=ma.validate.OneOf(["vi", "en"]))
    description = ma.fields.String()
    recurrence = ma.fields.String(allow_none=True, metadata={"description": RRULE_HELP})
    presiding_ids = ma.fields.List(ma.fields.String(), metadata={
        "description": "Participant ids, in order; person:<person id> of the directory puts that person on the "
                       "list first (also when creating the meeting)"})
    secretary_ids = ma.fields.List(ma.fields.String(), metadata={
        "description": "Participant ids, in order; person:<person id>, or user:<user id> for a staff member of "
                       "the office who is not a delegate (put on the list as staff)"})
    programme_url = ma.fields.String(dump_only=True, allow_none=True,
                                     metadata={"description": "The public programme page (published, unclassified "
                                                              "meetings), else null"})
    feed_url = ma.fields.String(dump_only=True, allow_none=True,
                                metadata={"description": "The meeting's public calendar feed (published, "
                                                         "unclassified meetings), else null: a classified or draft "
                                                         "meeting's feeds are personal links, shown once when made"})
    version = Integer(metadata={"description": "Send the version you read to refuse a stale update (409)"})
    created_at = DateTime(dump_only=True)
    updated_at = DateTime(dump_only=True)

    @ma.pre_load
    def _drop_read_only(self, data: Any, **_kwargs: Any) -> Any:
        """What a GET answered can be sent back as it is: the read-only fields are ignored."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if k not in READ_ONLY}
        return data


class MeetingCreateSchema(MeetingSchema):
    class Meta:
        exclude = ("version",)

    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=500))
    starts_on = Date(required=True)


class MeetingPatchSchema(MeetingSchema):
    """The same fields, each optional."""


class MeetingListArgs(ListArgs):
    status = ma.fields.String(validate=ma.validate.OneOf([s.value for s in MeetingStatus]))
    kind = ma.fields.String(validate=ma.validate.OneOf([k.value for k in MeetingKind]))
    from_ = Date(data_key="from", metadata={"description": "Meetings that touch these days (with to)"})
    to = Date()
    q = ma.fields.String(metadata={"description": "Search in title, venue and city, ignoring diacritics"})


class MeetingListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(MeetingSchema))
    total = Integer()


class MeetingRoomSchema(ma.Schema):
    id = ma.fields.String(dump_only=True)
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=255))
    capacity = Integer(allow_none=True, validate=ma.validate.Range(min=1),
                       metadata={"description": "Seats; at least 1, or null if unknown"})
    version = Integer(metadata={"description": "Send the version you read to refuse a stale update (409)"})


class MeetingRoomCreateSchema(MeetingRoomSchema):
    class Meta:
        exclude = ("version",)

    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=255))


class MeetingRoomPatchSchema(MeetingRoomSchema):
    """The same fields, each optional."""


class MeetingRoomListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(MeetingRoomSchema))
    total = Integer()


class MeetingRoomDeletedSchema(ma.Schema):
    agenda_items_without_room = Integer(
        metadata={"description": "Agenda items that were in the room; they stay in the programme without a room"})


class OccurrenceSchema(ma.Schema):
    original_date = Date(metadata={"description": "The day the rule gives (iCal RECURRENCE-ID); its id"})
    date = Date(metadata={"description": "The day it takes place (another one when moved)"})
    end_date = Date()
    start_time = ma.fields.Time(allow_none=True)
    end_time = ma.fields.Time(allow_none=True)
    starts_at = DateTime(metadata={"description": "ISO 8601 with the meeting's offset"})
    ends_at = DateTime(allow_none=True)
    venue = ma.fields.String()
    cancelled = ma.fields.Boolean()
    moved = ma.fields.Boolean()
    note = ma.fields.String()


class OccurrenceListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(OccurrenceSchema))
    total = Integer()


class OccurrenceArgs(ListArgs):
    from_ = Date(data_key="from", metadata={"description": "Default: today"})
    to = Date(metadata={"description": "Default: a year after from"})


class OccurrenceChangeSchema(ma.Schema):
    cancelled = ma.fields.Boolean(load_default=False, metadata={"description": "true: cancel this occurrence"})
    new_date = Date(allow_none=True, metadata={"description": "Move to this day (31 days at most)"})
    new_start_time = ma.fields.Time(allow_none=True)
    new_end_time = ma.fields.Time(allow_none=True)
    new_venue = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=500))
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=500))


def meeting_data(meeting: Meeting) -> dict[str, Any]:
    programme_url = feed_url = None
    if services.has_public_page(meeting):
        if "agenda.public_programme" in current_app.view_functions:
            programme_url = url_for("agenda.public_programme", code=meeting.public_code, _external=True)
        if "calendars.public_feed" in current_app.view_functions:
            feed_url = url_for("calendars.public_feed", code=meeting.public_code, _external=True)
    return {
        "id": meeting.public_id,
        **{name: getattr(meeting, name) for name in services.MEETING_FIELDS},
        "kind": meeting.kind.value,
        "classification": meeting.classification.value,
        "status": meeting.status.value,
        "presiding_ids": [p.public_id for p in meeting.presiding],
        "secretary_ids": [p.public_id for p in meeting.secretaries],
        "programme_url": programme_url,
        "feed_url": feed_url,
        "version": meeting.version,
        "created_at": meeting.created_at,
        "updated_at": meeting.updated_at,
    }


def room_data(room: Room) -> dict[str, Any]:
    return {"id": room.public_id, "name": room.name, "capacity": room.capacity, "version": room.version}


def occurrence_data(o: Occurrence) -> dict[str, Any]:
    return {"original_date": o.original_date, "date": o.day, "end_date": o.last_day, "start_time": o.start_time,
            "end_time": o.end_time, "starts_at": o.starts_at, "ends_at": o.ends_at, "venue": o.venue,
            "cancelled": o.cancelled, "moved": o.moved, "note": o.note}


def _day(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValidationError(_("Enter a date such as 2026-11-30."), field="original_date") from None
    problem = day_problem(day)
    if problem:
        raise ValidationError(problem, field="original_date")
    return day


@blp.route("/meetings")
class Meetings(MethodView):
    @requires(Permission.view)
    @blp.arguments(MeetingListArgs, location="query")
    @blp.response(200, MeetingListSchema)
    def get(self, args):
        """Meetings the caller may see, newest first; with from/to, those that touch these days."""
        f = services.MeetingFilter(status=args.get("status"), kind=args.get("kind"), start=args.get("from_"),
                                   end=args.get("to"), q=args.get("q"))
        rows, total = services.list_meetings(g.organization, g.api_user, f, limit=args["limit"],
                                             offset=args["offset"])
        return page([meeting_data(m) for m in rows], total)

    @requires(Permission.organize)
    @blp.arguments(MeetingCreateSchema)
    @blp.response(201, MeetingSchema)
    @blp.alt_response(422, description="Invalid data (end before start, unknown time zone, bad RRULE…)")
    def post(self, data):
        """Create a meeting (a draft, or published at once with status=published)."""
        status = data.pop("status", MeetingStatus.draft.value)
        if status not in (MeetingStatus.draft.value, MeetingStatus.published.value):
            raise ValidationError(_("A new meeting starts as a draft or published."), field="status")
        meeting = services.create_meeting(g.organization, g.api_user, **data)
        if status != MeetingStatus.draft.value:
            services.set_status(meeting, status)
        return meeting_data(meeting)


@blp.route("/meetings/<meeting_id>")
class MeetingResource(MethodView):
    @requires(Permission.view)
    @blp.response(200, MeetingSchema)
    def get(self, meeting_id):
        meeting = _meeting(meeting_id)
        services.note_view(meeting)
        return meeting_data(meeting)

    @requires(Permission.organize)
    @blp.arguments(MeetingPatchSchema(partial=True))
    @blp.response(200, MeetingSchema)
    @blp.alt_response(409, description="Changed meanwhile, a refused status move, or the meeting is closed")
    def patch(self, data, meeting_id):
        """Change fields and/or move the status; closed meetings accept only a status move."""
        meeting = _meeting(meeting_id)
        version = data.pop("version", None)
        status = data.pop("status", None)
        if status is not None:
            services.check_transition(meeting, status)
        if data:
            services.update_meeting(meeting, data, user=g.api_user, version=version)
            version = None
        if status is not None:
            services.set_status(meeting, status, version=version)
        return meeting_data(meeting)

    @requires(Permission.organize)
    @blp.response(204)
    @blp.alt_response(409, description="Only a draft meeting can be deleted")
    def delete(self, meeting_id):
        """Delete a draft meeting (published ones go back to draft first; held ones stay on record)."""
        services.delete_meeting(_meeting(meeting_id))


@blp.route("/meetings/<meeting_id>/rooms")
class Rooms(MethodView):
    @requires(Permission.view)
    @blp.response(200, MeetingRoomListSchema)
    def get(self, meeting_id):
        rooms = _meeting(meeting_id).rooms
        return page([room_data(r) for r in rooms], len(rooms))

    @requires(Permission.organize)
    @blp.arguments(MeetingRoomCreateSchema)
    @blp.response(201, MeetingRoomSchema)
    def post(self, data, meeting_id):
        return room_data(services.add_room(_meeting(meeting_id), name=data["name"], capacity=data.get("capacity")))


@blp.route("/meetings/<meeting_id>/rooms/<room_id>")
class RoomResource(MethodView):
    @requires(Permission.view)
    @blp.response(200, MeetingRoomSchema)
    def get(self, meeting_id, room_id):
        return room_data(services.get_room(_meeting(meeting_id), room_id))

    @requires(Permission.organize)
    @blp.arguments(MeetingRoomPatchSchema(partial=True))
    @blp.response(200, MeetingRoomSchema)
    def patch(self, data, meeting_id, room_id):
        room = services.get_room(_meeting(meeting_id), room_id)
        version = data.pop("version", None)
        return room_data(services.update_room(room, data, version=version))

    @requires(Permission.organize)
    @blp.response(200, MeetingRoomDeletedSchema)
    def delete(self, meeting_id, room_id):
        """Delete a room; agenda items in it stay in the programme without a room (their number is answered)."""
        used = services.delete_room(services.get_room(_meeting(meeting_id), room_id))
        return {"agenda_items_without_room": used}


@blp.route("/meetings/<meeting_id>/occurrences")
class Occurrences(MethodView):
    @requires(Permission.view)
    @blp.arguments(OccurrenceArgs, location="query")
    @blp.response(200, OccurrenceListSchema)
    def get(self, args, meeting_id):
        """The occurrences from `from` to `to` (a meeting that does not repeat has one), cancelled ones flagged."""
        meeting = _meeting(meeting_id)
        f = services.MeetingFilter(start=args.get("from_"), end=args.get("to"))
        start, end = f.bounds()
        if end < start:
            raise ValidationError(_("The end of the period is before its start."), field="to")
        found = recurrence.expand(meeting, start, end)
        return listed(found, args, occurrence_data)


@blp.route("/meetings/<meeting_id>/occurrences/<original_date>")
class OccurrenceResource(MethodView):
    @requires(Permission.view)
    @blp.response(200, OccurrenceSchema)
    def get(self, meeting_id, original_date):
        return occurrence_data(services.occurrence(_meeting(meeting_id), _day(original_date)))

    @requires(Permission.organize)
    @blp.arguments(OccurrenceChangeSchema)
    @blp.response(200, OccurrenceSchema)
    def put(self, data, meeting_id, original_date):
        """Cancel (`cancelled: true`) or move one occurrence of a recurring meeting."""
        meeting = _meeting(meeting_id)
        day = _day(original_date)
        if data["cancelled"]:
            services.cancel_occurrence(meeting, day, note=data.get("note") or "")
        else:
            services.move_occurrence(meeting, day, new_date=data.get("new_date"),
                                     new_start_time=data.get("new_start_time"), new_end_time=data.get("new_end_time"),
                                     new_venue=data.get("new_venue"), note=data.get("note") or "")
        return occurrence_data(services.occurrence(meeting, day))

    @requires(Permission.organize)
    @blp.response(204)
    def delete(self, meeting_id, original_date):
        """Restore the occurrence as the rule gives it (undo a cancellation or a move)."""
        services.restore_occurrence(_meeting(meeting_id), _day(original_date))


@blp.route("/meetings/<meeting_id>/exports/<name>", endpoint="export")
@blp.response(200)
@requires(Permission.view)
def export(meeting_id: str, name: str):
    """A file of the meeting from the one exporter registry, with an ETag (If-None-Match answers 304)."""
    return exports.send_named("meeting", name, _meeting(meeting_id), g.api_user)
