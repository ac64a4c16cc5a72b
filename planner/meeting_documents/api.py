"""JSON routes of the document pack; thin over meeting_documents.services."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import g, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.fields import Upload

from planner.api import DateTime, Integer, ListArgs, changed, found, listed, requires
from planner.core.exports import stored_file
from planner.core.permissions import Classification, Permission
from planner.meeting_documents import services
from planner.meeting_documents.models import Audience, DocumentKind, MeetingDocument
from planner.meetings.tabs import api_meeting as _meeting

blp = Blueprint("meeting_documents_api", __name__,
                description="The document pack of a meeting: reports, draft resolutions, slides and references for "
                            "the delegates, with their versions, audience and read receipts")


class MeetingDocumentVersionSchema(ma.Schema):
    number = Integer(dump_only=True, metadata={"description": "Version 1, 2, …"})
    filename = ma.fields.String(dump_only=True)
    media_type = ma.fields.String(dump_only=True)
    size = Integer(dump_only=True)
    sha256 = ma.fields.String(dump_only=True)
    pages = Integer(dump_only=True, allow_none=True)
    uploaded_at = DateTime(dump_only=True)


class MeetingDocumentFieldsSchema(ma.Schema):
    title = ma.fields.String(validate=ma.validate.Length(max=services.MAX_TITLE))
    kind = ma.fields.String(validate=ma.validate.OneOf([k.value for k in DocumentKind]))
    classification = ma.fields.String(validate=ma.validate.OneOf([c.value for c in Classification]),
                                      metadata={"description": "Above internal (confidential and up), delegates "
                                                               "receive it on paper only, never through a link"})
    agenda_item_id = ma.fields.String(allow_none=True, metadata={"description": "Empty: the whole meeting's"})
    audience = ma.fields.String(validate=ma.validate.OneOf([a.value for a in Audience]),
                                metadata={"description": "delegates (all), delegation (one, named in "
                                                         "`delegation`), named (`participant_ids`), staff"})
    delegation = ma.fields.String(validate=ma.validate.Length(max=255))
    participant_ids = ma.fields.List(ma.fields.String(), metadata={"description": "For the audience named"})


class MeetingDocumentSchema(MeetingDocumentFieldsSchema):
    id = ma.fields.String(dump_only=True)
    meeting_id = ma.fields.String(dump_only=True)
    position = Integer(validate=ma.validate.Range(min=1), metadata={"description": "1 is first in the pack"})
    sent = ma.fields.Boolean(metadata={"description": "Sent to its audience: their links show it from then on"})
    sent_at = DateTime(dump_only=True, allow_none=True)
    version = Integer(dump_only=True, metadata={"description": "The number of the latest version"})
    filename = ma.fields.String(dump_only=True)
    media_type = ma.fields.String(dump_only=True)
    size = Integer(dump_only=True)
    sha256 = ma.fields.String(dump_only=True)
    pages = Integer(dump_only=True, allow_none=True)
    reads = Integer(dump_only=True, metadata={"description": "How many delegates have opened it"})
    file_url = ma.fields.String(dump_only=True)
    versions = ma.fields.List(ma.fields.Nested(MeetingDocumentVersionSchema), dump_only=True)
    revision = Integer(metadata={"description": "Send the revision you read to refuse a stale change (409)"})


class MeetingDocumentPatchSchema(MeetingDocumentSchema):
    """The same fields, each optional."""


FILE_FIELD = {"description": "PDF, DOCX, XLSX or PPTX (the type is read from the content; the name's extension "
                             "must agree). Required: a request without it is refused (422)."}


class MeetingDocumentCreateSchema(MeetingDocumentFieldsSchema):
    """The multipart body: the file and the fields (read from the form; the file from the request's files)."""

    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=services.MAX_TITLE))
    file = Upload(metadata=FILE_FIELD)


class MeetingDocumentVersionFormSchema(ma.Schema):
    revision = Integer(metadata={"description": "The revision you read (optional)"})
    file = Upload(metadata=FILE_FIELD)


class MeetingDocumentListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(MeetingDocumentSchema))
    total = Integer()


class MeetingDocumentFileArgs(ma.Schema):
    version = Integer(validate=ma.validate.Range(min=1), metadata={"description": "Default: the latest"})


def document_data(document: MeetingDocument) -> dict[str, Any]:
    latest = document.latest
    return {
        "id": document.public_id,
        "meeting_id": document.meeting.public_id,
        "agenda_item_id": document.agenda_item.public_id if document.agenda_item else None,
        "title": document.title,
        "kind": DocumentKind(document.kind).value,
        "classification": Classification(document.classification).value,
        "audience": Audience(document.audience).value,
        "delegation": document.delegation,
        "participant_ids": [p.public_id for p in document.recipients],
        "position": document.position,
        "sent": document.sent_at is not None,
        "sent_at": document.sent_at,
        "version": document.number,
        "filename": latest.filename if latest else None,
        "media_type": latest.media_type if latest else None,
        "size": latest.size if latest else None,
        "sha256": latest.sha256 if latest else None,
        "pages": latest.pages if latest else None,
        "reads": services.reads(document),
        "file_url": url_for("meeting_documents_api.DocumentFile", document_id=document.public_id, _external=True),
        "versions": [{"number": f.number, "filename": f.filename, "media_type": f.media_type, "size": f.size,
                      "sha256": f.sha256, "pages": f.pages, "uploaded_at": f.uploaded_at} for f in document.files],
        "revision": document.revision,
    }


def _document(document_id: str) -> MeetingDocument:
    return found(services.get_document, document_id)


def _upload() -> tuple[bytes, str]:
    """The multipart body's file, read up to one byte past the limit (the service refuses what is over it, and
    an absent file as empty)."""
    upload = request.files.get("file")
    if upload is None:
        return b"", ""
    return upload.read(services.max_bytes() + 1), upload.filename or ""


@blp.route("/meetings/<meeting_id>/documents")
class MeetingDocuments(MethodView):
    @requires(Permission.view)
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, MeetingDocumentListSchema)
    def get(self, args, meeting_id: str):
        """The pack in its order: the documents the caller's clearance admits."""
        return listed(services.list_documents(_meeting(meeting_id), g.api_user), args, document_data)

    @requires(Permission.organize)
    @blp.arguments(MeetingDocumentCreateSchema, location="form", content_type="multipart/form-data")
    @blp.response(201, MeetingDocumentSchema)
    @blp.alt_response(422, description="No file, or not a PDF, DOCX, XLSX or PPTX by its content, a name that "
                                       "disagrees, too large, a zip bomb…; nothing was saved")
    @blp.alt_response(409, description="The meeting is closed")
    def post(self, data, meeting_id: str):
        """Add a document (multipart: `file` and the fields) at the end of the pack, not sent yet."""
        data.pop("file", None)
        content, filename = _upload()
        document = services.create_document(_meeting(meeting_id), data, content, filename, user=g.api_user)
        return document_data(document)


@blp.route("/documents/<document_id>")
class DocumentResource(MethodView):
    @requires(Permission.view)
    @blp.response(200, MeetingDocumentSchema)
    def get(self, document_id: str):
        return document_data(_document(document_id))

    @requires(Permission.organize)
    @blp.arguments(MeetingDocumentPatchSchema(partial=True))
    @blp.response(200, MeetingDocumentSchema)
    @blp.alt_response(409, description="Changed meanwhile, or the meeting is closed")
    def patch(self, data, document_id: str):
        """Change its fields or place; `sent: true` sends it to its audience."""
        return document_data(changed(services.update_document, _document(document_id), data, stamp="revision"))

    @requires(Permission.organize)
    @blp.response(204)
    @blp.alt_response(409, description="The meeting is closed")
    def delete(self, document_id: str):
        services.delete_document(_document(document_id), user=g.api_user)


@blp.route("/documents/<document_id>/versions")
class DocumentVersions(MethodView):
    @requires(Permission.organize)
    @blp.arguments(MeetingDocumentVersionFormSchema, location="form", content_type="multipart/form-data")
    @blp.response(201, MeetingDocumentSchema)
    @blp.alt_response(422, description="No file, or the file is refused; nothing was saved")
    def post(self, data, document_id: str):
        """Upload a new version (multipart `file`): the old ones are kept, delegates see the latest."""
        document = _document(document_id)
        content, filename = _upload()
        services.add_version(document, content, filename, user=g.api_user, revision=data.get("revision"))
        return document_data(document)


@blp.route("/documents/<document_id>/file")
class DocumentFile(MethodView):
    @requires(Permission.view)
    @blp.arguments(MeetingDocumentFileArgs, location="query")
    @blp.response(200, description="The file (an attachment)", content_type="application/octet-stream")
    def get(self, args, document_id: str):
        """The latest version's bytes, or those of `version`. A download of classified content is audited."""
        version, data = services.open_file(_document(document_id), user=g.api_user, number=args.get("version"))
        return stored_file(data, media_type=version.media_type, filename=version.filename, etag=version.sha256[:32])
