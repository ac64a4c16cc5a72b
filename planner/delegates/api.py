"""JSON routes of the delegates: participants, their import and check-in; thin over delegates.services."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import abort, current_app, g, request
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.fields import Upload

from planner.api import Date, DateTime, Integer, ListArgs, page, requires
from planner.core.permissions import Permission
from planner.delegates import services
from planner.delegates.models import AttendanceStatus, ParticipantCategory, Rsvp
from planner.delegates.protocol import Order
from planner.meetings.tabs import api_meeting as _meeting

blp = Blueprint("delegates_api", __name__, description="The delegates of a meeting: list, import, check-in")


class AttendanceDaySchema(ma.Schema):
    day = Date()
    status = ma.fields.String()
    absence_reason = ma.fields.String()
    checked_in_at = DateTime(allow_none=True)


class ParticipantSchema(ma.Schema):
    id = ma.fields.String(dump_only=True)
    meeting_id = ma.fields.String(dump_only=True)
    person_id = ma.fields.String(metadata={"description": "The person of the directory (to add someone known)"})
    full_name = ma.fields.String(validate=ma.validate.Length(max=400),
                                 metadata={"description": "Split into family, middle and given name when those "
                                                          "are not given"})
    family_name = ma.fields.String(validate=ma.validate.Length(max=120))
    middle_name = ma.fields.String(validate=ma.validate.Length(max=120))
    given_name = ma.fields.String(validate=ma.validate.Length(max=120))
    honorific = ma.fields.String(validate=ma.validate.Length(max=40), metadata={"description": "đồng chí, ông, bà…"})
    title = ma.fields.String(validate=ma.validate.Length(max=2000),
                             metadata={"description": "Position (chức vụ) as of this meeting"})
    unit = ma.fields.String(validate=ma.validate.Length(max=500))
    category = ma.fields.String(validate=ma.validate.OneOf([c.value for c in ParticipantCategory]))
    delegation = ma.fields.String(validate=ma.validate.Length(max=255))
    precedence = Integer(allow_none=True, validate=ma.validate.Range(min=1, max=99_999),
                         metadata={"description": "1 is the highest rank; null takes the default"})
    seat = ma.fields.String(validate=ma.validate.Length(max=32))
    email = ma.fields.String(validate=ma.validate.Length(max=255))
    phone = ma.fields.String(validate=ma.validate.Length(max=64))
    rsvp = ma.fields.String(validate=ma.validate.OneOf([r.value for r in Rsvp]))
    note = ma.fields.String(validate=ma.validate.Length(max=4000))
    badge_code = ma.fields.String(dump_only=True)
    day = Date(metadata={"description": "The meeting day that attendance and absence_reason are of "
                                                  "(default: today, or the nearest day of the meeting)"})
    attendance = ma.fields.String(allow_none=True,
                                  validate=ma.validate.OneOf([s.value for s in AttendanceStatus]),
                                  metadata={"description": "present, excused or absent on `day`; null clears it"})
    absence_reason = ma.fields.String(validate=ma.validate.Length(max=1000))
    attendance_days = ma.fields.List(ma.fields.Nested(AttendanceDaySchema), dump_only=True)
    version = Integer(metadata={"description": "Send the version you read to refuse a stale update (409)"})


class ParticipantCreateSchema(ParticipantSchema):
    class Meta:
        exclude = ("version", "day", "attendance", "absence_reason")


class ParticipantPatchSchema(ParticipantSchema):
    class Meta:
        exclude = ("person_id",)


class ParticipantListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ParticipantSchema))
    total = Integer()


class ParticipantListArgs(ListArgs):
    order = ma.fields.String(load_default=Order.protocol.value, validate=ma.validate.OneOf([o.value for o in Order]),
                             metadata={"description": "protocol (precedence, then name), name (given name, "
                                                      "family name, middle name) or unit"})
    q = ma.fields.String(load_default="", metadata={"description": "Search name, position and unit; diacritics "
                                                                   "and case are ignored"})
    category = ma.fields.String(validate=ma.validate.OneOf([c.value for c in ParticipantCategory]))


class ImportArgs(ma.Schema):
    dry_run = ma.fields.Boolean(load_default=False, metadata={
        "description": "Check only; save nothing (also accepted as a form field of the multipart body)"})


class ImportFileSchema(ma.Schema):
    file = Upload(required=True, metadata={"description": "XLSX or CSV (UTF-8 or Windows-1258)"})


class ImportResultSchema(ma.Schema):
    created = Integer()
    updated = Integer()
    unchanged = Integer()
    dry_run = ma.fields.Boolean()
    mapping = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(allow_none=True),
                             metadata={"description": "What each header of the file was read as"})


class CheckInCodeSchema(ma.Schema):
    code = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200),
                            metadata={"description": "The badge code (as printed, or read from its QR code)"})


class CheckInSchema(ma.Schema):
    participant = ma.fields.Nested(ParticipantSchema)
    day = Date()
    already = ma.fields.Boolean(metadata={"description": "True when the participant had been checked in already"})
    checked_in_at = DateTime()


def _participant(participant_id: str):
    return services.get_participant(g.organization, participant_id, user=g.api_user)


@blp.route("/meetings/<meeting_id>/participants")
class Participants(MethodView):
    @requires(Permission.view)
    @blp.arguments(ParticipantListArgs, location="query")
    @blp.response(200, ParticipantListSchema)
    def get(self, args, meeting_id: str):
        """The participants in protocol, name or unit order, searched without regard to diacritics."""
        meeting = _meeting(meeting_id)
        items, total = services.list_participants(meeting, order=args["order"], q=args["q"],
                                                  category=args.get("category"), limit=args["limit"],
                                                  offset=args["offset"])
        day = services.reference_day(meeting)
        return page([services.participant_data(p, meeting, day) for p in items], total)

    @requires(Permission.organize)
    @blp.arguments(ParticipantCreateSchema)
    @blp.response(201, ParticipantSchema)
    @blp.alt_response(409, description="Already on the list, or the meeting is closed")
    @blp.alt_response(422, description="No name, bad e-mail, unknown category…")
    def post(self, data, meeting_id: str):
        """Add someone: a person of the directory (person_id), or by name. A name matching someone in the
        directory (same name and unit, or e-mail) adds that person rather than a duplicate."""
        meeting = _meeting(meeting_id)
        person_id = data.pop("person_id", None)
        person = services.get_person(g.organization, person_id) if person_id else None
        participant = services.add_participant(meeting, data, person=person, reuse_person=True)
        return services.participant_data(participant, meeting)


@blp.route("/participants/<participant_id>")
class ParticipantResource(MethodView):
    @requires(Permission.view)
    @blp.response(200, ParticipantSchema)
    def get(self, participant_id: str):
        return services.participant_data(_participant(participant_id))

    @requires(Permission.take_minutes)
    @blp.arguments(ParticipantPatchSchema(partial=True))
    @blp.response(200, ParticipantSchema)
    @blp.alt_response(409, description="Changed meanwhile by someone else, or the meeting is closed")
    def patch(self, data, participant_id: str):
        """Change a participant. Attendance (attendance, absence_reason, day) needs the minute-taking
        permission and stays open once the meeting is closed; everything else needs organize."""
        participant = _participant(participant_id)
        version = data.pop("version", None)
        if any(k not in services.ATTENDANCE_FIELDS for k in data) and not g.api_user.can(
                Permission.organize, g.organization.id):
            abort(403)
        services.update_participant(participant, data, version=version, user=g.api_user)
        return services.participant_data(participant)

    @requires(Permission.organize)
    @blp.response(204)
    @blp.alt_response(409, description="The meeting is closed")
    def delete(self, participant_id: str):
        services.remove_participant(_participant(participant_id))


@blp.route("/meetings/<meeting_id>/participants/import")
class ParticipantImport(MethodView):
    @requires(Permission.organize)
    @blp.arguments(ImportArgs, location="query")
    @blp.arguments(ImportFileSchema, location="files")
    @blp.response(200, ImportResultSchema)
    @blp.alt_response(422, description="Row errors as errors: [{row, column, detail}]; nothing was saved")
    def post(self, args: dict[str, Any], files: dict[str, Any], meeting_id: str):
        """Import an XLSX or CSV delegate list; headers are recognised in Vietnamese and English. All rows
        are saved or none; re-importing the same file updates and creates nobody twice."""
        meeting = _meeting(meeting_id)
        upload = files["file"]
        limit = int(current_app.config.get("IMPORT_MAX_BYTES", 5 * 1024 * 1024))
        data = upload.read(limit + 1)
        dry_run = args["dry_run"] or request.form.get("dry_run", "").strip().lower() in ("1", "true", "yes", "on")
        result = services.import_file(meeting, data, upload.filename or "", dry_run=dry_run, max_bytes=limit)
        mapping = {result.table.column_label(i): name for i, name in enumerate(result.mapping)}
        return {"created": result.plan.created, "updated": result.plan.updated,
                "unchanged": result.plan.unchanged, "dry_run": dry_run, "mapping": mapping}


def _check_in_data(result: services.CheckIn) -> dict[str, Any]:
    meeting = result.participant.meeting
    return {"participant": services.participant_data(result.participant, meeting, day=result.day),
            "day": result.day, "already": not result.new,
            "checked_in_at": services.local_time(meeting, result.attendance.checked_in_at)}


@blp.route("/participants/<participant_id>/check-in")
class ParticipantCheckIn(MethodView):
    @requires(Permission.organize)
    @blp.response(200, CheckInSchema)
    @blp.alt_response(409, description="The meeting does not sit today")
    def post(self, participant_id: str):
        """Check the participant in for today's day of the meeting; again is harmless (already: true)."""
        participant = _participant(participant_id)
        return _check_in_data(services.check_in(participant, user=g.api_user))


@blp.route("/meetings/<meeting_id>/check-in")
class MeetingCheckIn(MethodView):
    @requires(Permission.organize)
    @blp.arguments(CheckInCodeSchema)
    @blp.response(200, CheckInSchema)
    @blp.alt_response(404, description="No participant of the meeting has this badge code")
    @blp.alt_response(409, description="The meeting does not sit today")
    def post(self, data, meeting_id: str):
        """Check in by badge code for today's day of the meeting; idempotent."""
        meeting = _meeting(meeting_id)
        return _check_in_data(services.check_in_by_code(meeting, data["code"], user=g.api_user))

