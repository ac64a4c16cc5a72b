"""The pack's pages for staff: the list with its upload form, one document with its versions and read
receipts, and the downloads. Thin: every change goes through meeting_documents.services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from planner.accounts.access import require
from planner.agenda import services as agenda_services
from planner.core.exports import stored_file
from planner.core.permissions import CLASSIFICATION_MARKS, Permission
from planner.core.posts import press, submit
from planner.core.web import signed_in_user as _user
from planner.delegates import services as delegate_services
from planner.meeting_documents import files, services
from planner.meeting_documents.forms import ActionForm, DocumentFieldsForm, UploadForm, VersionForm
from planner.meeting_documents.models import AUDIENCE_LABELS, DOCUMENT_KIND_LABELS, Audience, MeetingDocument
from planner.meetings.models import Meeting
from planner.meetings.tabs import meeting_editable, meeting_page, meeting_tabs

bp = Blueprint("meeting_documents", __name__)


@bp.context_processor
def _globals() -> dict[str, Any]:
    return {"meeting_tabs": meeting_tabs, "CLASSIFICATION_MARKS": CLASSIFICATION_MARKS,
            "DOCUMENT_KIND_LABELS": DOCUMENT_KIND_LABELS, "AUDIENCE_LABELS": AUDIENCE_LABELS,
            "MEDIA_NAMES": files.NAMES, "document_level": services.level}


def _choices(form: DocumentFieldsForm, meeting: Meeting) -> None:
    items = agenda_services.list_items(meeting, _user())
    form.agenda_item_id.choices = [("", _("The whole meeting"))] + [
        (i.public_id, ("— " if i.parent_id else "") + i.title) for i in items if i.kind.value != "break"]
    form.participant_ids.choices = [(p.public_id, p.full_name) for p in delegate_services.all_participants(meeting)]


def _data(form: DocumentFieldsForm) -> dict[str, Any]:
    return {"title": form.title.data, "kind": form.kind.data, "classification": form.classification.data,
            "agenda_item_id": form.agenda_item_id.data or None, "audience": form.audience.data,
            "delegation": form.delegation.data or "", "participant_ids": form.participant_ids.data or []}


def _list_page(meeting: Meeting, form: UploadForm | None = None, status: int = 200):
    editable = meeting_editable(meeting)
    if form is None and editable:
        form = UploadForm(formdata=None)
    if form is not None:
        _choices(form, meeting)
    documents = services.list_documents(meeting, _user())
    return render_template("meeting_documents/list.html", meeting=meeting, documents=documents, form=form,
                           editable=editable, action=ActionForm(), pack=services.pack_status(meeting),
                           classified=any(services.level(d).is_classified for d in documents),
                           unsent=sum(1 for d in documents if d.sent_at is None
                                      and Audience(d.audience) is not Audience.staff)), status


@bp.get("/meetings/<meeting_id>/documents")
@require(Permission.view)
def index(meeting_id: str):
    return _list_page(meeting_page(meeting_id))


@bp.post("/meetings/<meeting_id>/documents")
@require(Permission.organize)
def upload(meeting_id: str):
    meeting = meeting_page(meeting_id)
    form = UploadForm()
    _choices(form, meeting)
    return submit(form, lambda: services.create_document(meeting, _data(form), *_upload(form), user=_user()),
                  again=lambda status: _list_page(meeting, form, status),
                  done=lambda document: _("“%(title)s” is in the pack. Send it when the pack is ready.",
                                          title=document.title),
                  then=url_for("meeting_documents.index", meeting_id=meeting.public_id))


def _upload(form: UploadForm | VersionForm) -> tuple[bytes, str]:
    """The file sent with the form, read one byte past the limit so that the service can tell it is too large."""
    upload_file = form.file.data
    return upload_file.read(services.max_bytes() + 1), upload_file.filename or ""


@bp.post("/meetings/<meeting_id>/documents/send")
@require(Permission.organize)
def send(meeting_id: str):
    meeting = meeting_page(meeting_id)
    form = ActionForm()
    if form.validate_on_submit():
        count = services.send_pack(meeting, user=_user())
        if count:
            flash(ngettext("%(num)d document sent to the delegates.", "%(num)d documents sent to the delegates.",
                           count), "success")
        else:
            flash(_("Every document of the pack had been sent already."), "info")
    return redirect(url_for("meeting_documents.index", meeting_id=meeting.public_id))


def _document(meeting: Meeting, document_id: str) -> MeetingDocument:
    return services.get_meeting_document(meeting, document_id, user=_user())


def _document_page(meeting: Meeting, document: MeetingDocument, form: DocumentFieldsForm | None = None,
                   version_form: VersionForm | None = None, status: int = 200):
    editable = meeting_editable(meeting)
    if editable and form is None:
        form = DocumentFieldsForm(formdata=None, data={
            "title": document.title, "kind": document.kind.value, "classification": document.classification.value,
            "agenda_item_id": document.agenda_item.public_id if document.agenda_item else "",
            "audience": document.audience.value, "delegation": document.delegation,
            "participant_ids": [p.public_id for p in document.recipients], "revision": str(document.revision)})
    if form is not None:
        _choices(form, meeting)
    if editable and version_form is None:
        version_form = VersionForm(formdata=None, data={"revision": str(document.revision)})
    return render_template("meeting_documents/document.html", meeting=meeting, document=document, form=form,
                           version_form=version_form, editable=editable, action=ActionForm(),
                           receipts=services.receipts(document), level=services.level(document),
                           classified=services.level(document).is_classified,
                           active_tab="meeting_documents.index"), status


@bp.get("/meetings/<meeting_id>/documents/<document_id>")
@require(Permission.view)
def document(meeting_id: str, document_id: str):
    meeting = meeting_page(meeting_id)
    return _document_page(meeting, _document(meeting, document_id))


@bp.post("/meetings/<meeting_id>/documents/<document_id>")
@require(Permission.organize)
def edit(meeting_id: str, document_id: str):
    meeting = meeting_page(meeting_id)
    found = _document(meeting, document_id)
    form = DocumentFieldsForm()
    _choices(form, meeting)
    return submit(form, lambda: services.update_document(found, _data(form), user=_user(), revision=form.revision.data),
                  again=_again(meeting, document_id, form=form), done=_("Saved."),
                  then=_document_url(meeting, document_id))


def _again(meeting: Meeting, document_id: str, **forms: Any) -> Callable[[int], Any]:
    """The document's page shown again with the form sent, the document read anew (a refusal changed nothing)."""
    return lambda status: _document_page(meeting, _document(meeting, document_id), status=status, **forms)


def _document_url(meeting: Meeting, document_id: str) -> str:
    return url_for("meeting_documents.document", meeting_id=meeting.public_id, document_id=document_id)


@bp.post("/meetings/<meeting_id>/documents/<document_id>/versions")
@require(Permission.organize)
def new_version(meeting_id: str, document_id: str):
    meeting = meeting_page(meeting_id)
    found = _document(meeting, document_id)
    form = VersionForm()
    return submit(form, lambda: services.add_version(found, *_upload(form), user=_user(), revision=form.revision.data),
                  again=_again(meeting, document_id, version_form=form),
                  done=lambda version: _("Version %(n)d is saved; the delegates see it from now on.", n=version.number)
                  if found.sent_at else _("Version %(n)d is saved.", n=version.number),
                  then=_document_url(meeting, document_id))


@bp.get("/meetings/<meeting_id>/documents/<document_id>/file")
@require(Permission.view)
def download(meeting_id: str, document_id: str):
    meeting = meeting_page(meeting_id)
    version, data = services.open_file(_document(meeting, document_id), user=_user(),
                                       number=request.args.get("version"))
    return stored_file(data, media_type=version.media_type, filename=version.filename, etag=version.sha256[:32])


@bp.post("/meetings/<meeting_id>/documents/<document_id>/move")
@require(Permission.organize)
def move(meeting_id: str, document_id: str):
    meeting = meeting_page(meeting_id)
    found = _document(meeting, document_id)
    form = ActionForm()
    return press(form, lambda: services.move(found, form.direction.data or "down", user=_user()), done=None,
                 then=url_for("meeting_documents.index", meeting_id=meeting.public_id,
                              _anchor=f"document-{document_id}"))


@bp.post("/meetings/<meeting_id>/documents/<document_id>/delete")
@require(Permission.organize)
def delete(meeting_id: str, document_id: str):
    meeting = meeting_page(meeting_id)
    found = _document(meeting, document_id)
    form = ActionForm()
    title = found.title
    return press(form, lambda: services.delete_document(found, user=_user(), revision=form.revision.data),
                 done=_("“%(title)s” is removed from the pack.", title=title),
                 then=url_for("meeting_documents.index", meeting_id=meeting.public_id))
