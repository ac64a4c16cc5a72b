"""JSON routes of the minutes and the conclusion notice, and the one download route of a meeting's files;
thin over minutes.services (the same services as the pages)."""

from __future__ import annotations

import json
from typing import Any

import marshmallow as ma
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from planner.api import Date, DateTime, Integer, requires
from planner.core.permissions import Permission
from planner.core.web import problem
from planner.meetings.models import Meeting
from planner.meetings.tabs import api_meeting as _meeting
from planner.minutes import exports, services
from planner.minutes.models import MinutesKind, MinutesStatus

blp = Blueprint("minutes_api", __name__, description="Minutes and conclusion notices: draft, revisions, approval")


class DecisionSchema(ma.Schema):
    text = ma.fields.String()
    for_ = Integer(data_key="for", allow_none=True)
    against = Integer(allow_none=True)
    abstain = Integer(allow_none=True)
    percent = ma.fields.Float(allow_none=True, validate=ma.validate.Range(min=0, max=100),
                              metadata={"description": "The share of the vote's base in favour, in percent"})


class MinutesSchema(ma.Schema):
    id = ma.fields.String()
    meeting_id = ma.fields.String()
    kind = ma.fields.String(metadata={"description": "minutes or notice"})
    edition = Integer(metadata={"description": "1; a correction after approval is 2, 3…"})
    corrects_id = ma.fields.String(allow_none=True, metadata={"description": "The approved document corrected"})
    status = ma.fields.String(metadata={"description": "draft, submitted or approved"})
    number = ma.fields.String(allow_none=True, metadata={"description": "Given at approval, e.g. Số 12-BB/VPTU"})
    document_date = Date(allow_none=True)
    version = Integer(metadata={"description": "Send it back with a change; a stale one answers 409"})
    sections = ma.fields.List(ma.fields.Dict(), metadata={
        "description": "In document order: {key, kind, heading, text}; items add discussion, conclusion and "
                       "decisions [{text, for, against, abstain}]; signatures have left/right "
                       "{authority, position, name} and signer_id; recipients have text (one a line), drafter "
                       "(the drafter's code) and copies (the number of copies)"})
    signer_id = ma.fields.String(allow_none=True, metadata={
        "description": "Minutes: the presiding person who signs (a participant's id)"})
    approved_at = DateTime(allow_none=True)
    approved_by = ma.fields.String(allow_none=True)
    submitted_at = DateTime(allow_none=True)
    created_at = DateTime()
    updated_at = DateTime()
    notice_due = Date(allow_none=True, metadata={"description": "Notice: 5 working days after the meeting"})
    pdf_sha256 = ma.fields.String(allow_none=True, metadata={
        "description": "Approved: the SHA-256 of the PDF rendered at approval, served unchanged from then on"})
    docx_sha256 = ma.fields.String(allow_none=True, metadata={
        "description": "Approved: the SHA-256 of the DOCX rendered at approval, served unchanged from then on"})


class GenerateSchema(ma.Schema):
    version = Integer(metadata={"description": "To compose an existing draft anew: the version read"})


class PatchSchema(ma.Schema):
    version = Integer(required=True, metadata={"description": "The version you read"})
    sections = ma.fields.Raw(metadata={
        "description": "The changed sections: a list of {key, field: value…} or an object {key: {field: value}}"})
    status = ma.fields.String(validate=ma.validate.OneOf([s.value for s in MinutesStatus]),
                              metadata={"description": "submitted, approved (assigns the number and locks) or "
                                                       "draft (back from submitted)"})
    note = ma.fields.String(validate=ma.validate.Length(max=500))
    signer_id = ma.fields.String(validate=ma.validate.Length(max=64), metadata={
        "description": "Minutes: the presiding person (a participant's id, one of the meeting's presiding_ids) who "
                       "signs on the right; with several co-chairs, the one chosen"})


class RevisionSchema(ma.Schema):
    number = Integer()
    kind = ma.fields.String(metadata={"description": "generated, saved, conflict (a stale save kept), restored"})
    author = ma.fields.String(attribute="author_label")
    created_at = DateTime()
    based_on_version = Integer(allow_none=True)
    note = ma.fields.String()
    sections = ma.fields.List(ma.fields.Dict())


class RevisionListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(RevisionSchema))
    total = Integer()


def _document_meeting(meeting_id: str) -> Meeting:
    """The meeting of a minutes or notice route: its documents need clearance for all of its items."""
    meeting = _meeting(meeting_id)
    services.ensure_readable(meeting, g.api_user)
    return meeting


def _conflict_response(exc: services.MinutesConflict):
    """409 with both texts: the current one (and its version) and the refused one (kept as a revision)."""
    response = problem(409, exc.message, errors=[
        {"section": c["key"], "detail": exc.message, "current": c["current"], "yours": c["yours"]}
        for c in exc.sections()])
    body = response.get_json()
    body.update({"current_version": exc.current_version, "revision": exc.revision})
    response.set_data(json.dumps(body, ensure_ascii=False, default=str))
    return response


def _routes(kind: MinutesKind, path: str) -> None:
    name = kind.value

    class Document(MethodView):
        @blp.response(200, MinutesSchema)
        @requires(Permission.view)
        def get(self, meeting_id: str) -> dict[str, Any]:
            meeting = _document_meeting(meeting_id)
            minutes = services.require_current(meeting, kind)
            services.note_classified(meeting, f"{name}.api")
            return services.minutes_data(minutes)

        @blp.arguments(GenerateSchema)
        @blp.response(201, MinutesSchema)
        @blp.alt_response(200, schema=MinutesSchema, description="The draft existed and was composed anew")
        @requires(Permission.take_minutes)
        def post(self, data: dict[str, Any], meeting_id: str) -> Any:
            """Generate the draft from the meeting (201); with the version of a draft, compose it anew (200)."""
            meeting = _document_meeting(meeting_id)
            existed = services.current(meeting, kind) is not None
            minutes = services.generate(meeting, kind, user=g.api_user, version=data.get("version"))
            return services.minutes_data(minutes), 200 if existed else 201

        @blp.arguments(PatchSchema)
        @blp.response(200, MinutesSchema)
        @requires(Permission.take_minutes)
        def patch(self, data: dict[str, Any], meeting_id: str) -> Any:
            """Save changed sections as a revision, and/or move the status (approval needs `approve`)."""
            meeting = _document_meeting(meeting_id)
            minutes = services.require_current(meeting, kind)
            version = data["version"]
            if data.get("sections") is not None:
                try:
                    minutes = services.save(minutes, data["sections"], user=g.api_user, version=version,
                                            note=data.get("note", ""))
                except services.MinutesConflict as exc:
                    return _conflict_response(exc)
                version = minutes.version
            if data.get("signer_id"):
                try:
                    minutes = services.choose_signer(minutes, data["signer_id"], user=g.api_user, version=version)
                except services.MinutesConflict as exc:
                    return _conflict_response(exc)
                version = minutes.version
            if data.get("status"):
                minutes = services.set_status(minutes, data["status"], user=g.api_user, version=version)
            return services.minutes_data(minutes)

    Document.__name__ = f"{name.title()}Document"
    blp.route(f"/meetings/<meeting_id>/{path}", endpoint=name)(Document)

    @blp.route(f"/meetings/<meeting_id>/{path}/revisions", endpoint=f"{name}_revisions")
    @blp.response(200, RevisionListSchema)
    @requires(Permission.view)
    def list_revisions(meeting_id: str) -> dict[str, Any]:
        meeting = _document_meeting(meeting_id)
        history = services.revisions(services.require_current(meeting, kind))
        return {"items": history, "total": len(history)}

    @blp.route(f"/meetings/<meeting_id>/{path}/correction", methods=["POST"], endpoint=f"{name}_correction")
    @blp.response(201, MinutesSchema)
    @requires(Permission.take_minutes)
    def start_correction(meeting_id: str) -> dict[str, Any]:
        """A correction of the approved document: a new draft linked to it."""
        meeting = _document_meeting(meeting_id)
        return services.minutes_data(services.correct(services.require_current(meeting, kind), user=g.api_user))


    @blp.route(f"/meetings/<meeting_id>/{path}/editions/<int:edition>.<any(pdf, docx):fmt>",
               endpoint=f"{name}_edition_file")
    @blp.response(200)
    @requires(Permission.view)
    def edition_file(meeting_id: str, edition: int, fmt: str):
        """An approved edition's file exactly as approved (ETag: its SHA-256); corrected editions stay."""
        return exports.send_edition(_meeting(meeting_id), name, edition, fmt, g.api_user)


_routes(MinutesKind.minutes, "minutes")
_routes(MinutesKind.notice, "notice")
