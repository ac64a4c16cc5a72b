"""JSON routes of the agenda: items, conflict warnings and releases; thin over agenda.services."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from planner.agenda import conflicts as conflict_rules
from planner.agenda import releases as release_rules
from planner.agenda import services
from planner.agenda.models import AgendaItem, AgendaItemKind, AgendaItemStatus, AgendaRelease
from planner.api import DateTime, Integer, ListArgs, listed, page, requires
from planner.core.permissions import Classification, Permission
from planner.meetings.models import Meeting
from planner.meetings.tabs import api_meeting as _meeting

blp = Blueprint("agenda_api", __name__, description="The agenda of a meeting: items, conflict warnings, releases")

DATETIME_HELP = ("ISO 8601. Without an offset it is local time in the meeting's time zone; "
                 "answers carry the offset.")


class AgendaItemSchema(ma.Schema):
    id = ma.fields.String(dump_only=True)
    meeting_id = ma.fields.String(dump_only=True)
    parent_id = ma.fields.String(allow_none=True, metadata={"description": "The session holding the item"})
    kind = ma.fields.String(validate=ma.validate.OneOf([k.value for k in AgendaItemKind]))
    title = ma.fields.String(validate=ma.validate.Length(min=1, max=1000))
    description = ma.fields.String()
    performer = ma.fields.String(validate=ma.validate.Length(max=500),
                                 metadata={"description": "“Người thực hiện” as printed in the programme"})
    starts_at = DateTime(metadata={"description": DATETIME_HELP})
    ends_at = DateTime(metadata={"description": DATETIME_HELP})
    room_id = ma.fields.String(allow_none=True)
    presiding_ids = ma.fields.List(ma.fields.String(), metadata={"description": "Participant ids, in order"})
    position = Integer(metadata={"description": "Order among items that start at the same time"})
    status = ma.fields.String(validate=ma.validate.OneOf([s.value for s in AgendaItemStatus]))
    classification = ma.fields.String(validate=ma.validate.OneOf([c.value for c in Classification]))
    version = Integer(metadata={"description": "Send the version you read to refuse a stale update (409)"})
    warnings = ma.fields.List(ma.fields.String(), dump_only=True, metadata={
        "description": "After a create or an update: what was saved but looks wrong (an item of the same "
                       "title at an overlapping time of the same day). Never a refusal"})


class AgendaItemCreateSchema(AgendaItemSchema):
    class Meta:
        exclude = ("version", "warnings")

    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=1000))
    starts_at = DateTime(required=True, metadata={"description": DATETIME_HELP})
    ends_at = DateTime(required=True, metadata={"description": DATETIME_HELP})


class AgendaItemPatchSchema(AgendaItemSchema):
    """The same fields, each optional."""


class AgendaItemListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AgendaItemSchema))
    total = Integer()


class DeleteArgs(ma.Schema):
    with_items = ma.fields.Boolean(load_default=False,
                                   metadata={"description": "Delete a session together with its items"})


class ConflictSchema(ma.Schema):
    kind = ma.fields.String(metadata={"description": "room, person, outside_session or break"})
    agenda_item_ids = ma.fields.List(ma.fields.String())
    detail = ma.fields.String()


class ConflictListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ConflictSchema))
    total = Integer()


class ChangeSchema(ma.Schema):
    change = ma.fields.String(metadata={"description": ", ".join(release_rules.CHANGE_KINDS)})
    item = ma.fields.String(metadata={"description": "The agenda item's id"})
    title = ma.fields.String()
    kind = ma.fields.String()
    starts_at = ma.fields.String()
    text = ma.fields.String(metadata={"description": "The change told in the request's language"})
    from_ = ma.fields.Raw(data_key="from", allow_none=True)
    to = ma.fields.Raw(allow_none=True)
    fields = ma.fields.List(ma.fields.String())


class ReleaseSchema(ma.Schema):
    id = ma.fields.String(dump_only=True)
    number = Integer(dump_only=True)
    created_at = DateTime(dump_only=True)
    note = ma.fields.String()
    changes = ma.fields.List(ma.fields.Nested(ChangeSchema), dump_only=True)


class ReleaseCreateSchema(ma.Schema):
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))
    publish_meeting = ma.fields.Boolean(load_default=False,
                                        metadata={"description": "Also move a draft meeting to published"})


class ReleaseListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ReleaseSchema))
    total = Integer()


def _item_data(meeting: Meeting, item: AgendaItem, public: dict[int, str]) -> dict[str, Any]:
    return {
        "id": item.public_id,
        "meeting_id": meeting.public_id,
        "parent_id": public.get(item.parent_id) if item.parent_id else None,
        "kind": item.kind.value,
        "title": item.title,
        "description": item.description,
        "performer": item.performer,
        "starts_at": services.local(meeting, item.starts_at),
        "ends_at": services.local(meeting, item.ends_at),
        "room_id": item.room.public_id if item.room is not None else None,
        "presiding_ids": [p.public_id for p in item.presiding],
        "position": item.position,
        "status": item.status.value,
        "classification": item.classification.value,
        "version": item.version,
    }


def _one(meeting: Meeting, item: AgendaItem) -> dict[str, Any]:
    public = {item.parent_id: item.parent.public_id} if item.parent is not None else {}
    return _item_data(meeting, item, public)


def _saved(meeting: Meeting, item: AgendaItem) -> dict[str, Any]:
    """The item as saved, with the warnings of what was just saved."""
    return {**_one(meeting, item), "warnings": services.duplicate_warnings(
        meeting, title=item.title, starts_at=item.starts_at, ends_at=item.ends_at, exclude_id=item.id)}


def _release_data(meeting: Meeting, release: AgendaRelease) -> dict[str, Any]:
    zone = services.zone(meeting)
    levels = services.reader_levels(meeting.organization_id, g.api_user)
    changes = release_rules.visible_changes(release.changes, levels)
    return {
        "id": release.public_id,
        "number": release.number,
        "created_at": release.created_at.astimezone(zone),
        "note": release.note,
        "changes": [{**c, "text": release_rules.change_text(c, zone)} for c in changes],
    }


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in services.ITEM_FIELDS}


@blp.route("/meetings/<meeting_id>/agenda-items")
class AgendaItems(MethodView):
    @requires(Permission.view)
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, AgendaItemListSchema)
    def get(self, args, meeting_id: str):
        """The agenda in programme order (time, then position); sessions and items alike."""
        meeting = _meeting(meeting_id)
        items = services.list_items(meeting, g.api_user)
        public = {i.id: i.public_id for i in items}
        return listed(items, args, lambda i: _item_data(meeting, i, public))

    @requires(Permission.organize)
    @blp.arguments(AgendaItemCreateSchema)
    @blp.response(201, AgendaItemSchema)
    @blp.alt_response(422, description="Bad input: end before start, unknown room, outside the meeting…")
    def post(self, data, meeting_id: str):
        meeting = _meeting(meeting_id)
        item = services.create_item(meeting, _fields(data), user=g.api_user)
        return _saved(meeting, item)


@blp.route("/agenda-items/<item_id>")
class AgendaItemResource(MethodView):
    @requires(Permission.view)
    @blp.response(200, AgendaItemSchema)
    def get(self, item_id: str):
        item = services.get_item(g.organization, item_id, user=g.api_user)
        return _one(item.meeting, item)

    @requires(Permission.organize)
    @blp.arguments(AgendaItemPatchSchema(partial=True))
    @blp.response(200, AgendaItemSchema)
    @blp.alt_response(409, description="Changed meanwhile by someone else, or the meeting is closed")
    def patch(self, data, item_id: str):
        item = services.get_item(g.organization, item_id, user=g.api_user)
        version = data.pop("version", None)
        services.update_item(item, _fields(data), user=g.api_user, version=version)
        return _saved(item.meeting, item)

    @requires(Permission.organize)
    @blp.arguments(DeleteArgs, location="query")
    @blp.response(204)
    @blp.alt_response(409, description="A session holding items, without with_items=true")
    def delete(self, args, item_id: str):
        item = services.get_item(g.organization, item_id, user=g.api_user)
        services.delete_item(item, user=g.api_user, with_items=args["with_items"])


@blp.route("/meetings/<meeting_id>/conflicts")
class Conflicts(MethodView):
    @requires(Permission.view)
    @blp.response(200, ConflictListSchema)
    def get(self, meeting_id: str):
        """Warnings about the agenda: the same room or person in overlapping items, an item outside its
        session, a break overlapping an item in its room. They never block saving."""
        meeting = _meeting(meeting_id)
        found = services.find_conflicts(services.list_items(meeting, g.api_user))
        return page(conflict_rules.as_records(found), len(found))


@blp.route("/meetings/<meeting_id>/releases")
class Releases(MethodView):
    @requires(Permission.view)
    @blp.response(200, ReleaseListSchema)
    def get(self, meeting_id: str):
        """The published versions, newest first, each with its changelog against the one before."""
        meeting = _meeting(meeting_id)
        releases = services.releases(meeting)
        return page([_release_data(meeting, r) for r in releases], len(releases))

    @requires(Permission.organize)
    @blp.arguments(ReleaseCreateSchema)
    @blp.response(201, ReleaseSchema)
    @blp.alt_response(409, description="Nothing changed since the latest version")
    def post(self, data, meeting_id: str):
        """Publish the agenda as the next version."""
        meeting = _meeting(meeting_id)
        release = services.publish(meeting, user=g.api_user, note=data["note"],
                                   publish_meeting=data["publish_meeting"])
        return _release_data(meeting, release)
