"""The consultation pages (staff) and the member's page (``/c/<secret>``, no sign-in): thin, every change
through the services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from functools import wraps
from typing import Any

from flask import Blueprint, Response, abort, g, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from planner.accounts.access import can, current_organization, require
from planner.consultations import services
from planner.consultations.forms import (
    AnswerForm,
    ConfirmForm,
    ConsultationForm,
    DocumentForm,
    MeetingMembersForm,
    PeopleForm,
)
from planner.consultations.models import (
    ANSWER_LABELS,
    CONSULTATION_STATUS_LABELS,
    Consultation,
    ConsultationMember,
    ConsultationStatus,
)
from planner.core import exports, public_urls
from planner.core.errors import NotFound
from planner.core.exports import stored_file
from planner.core.permissions import CLASSIFICATION_LABELS, CLASSIFICATION_MARKS, Permission
from planner.core.posts import press, submit
from planner.core.web import signed_in_user as _user

bp = Blueprint("consultations", __name__)

SCOPE = "consultation"


@bp.context_processor
def _globals() -> dict[str, Any]:
    return {"ANSWER_LABELS": ANSWER_LABELS, "CONSULTATION_STATUS_LABELS": CONSULTATION_STATUS_LABELS,
            "CLASSIFICATION_LABELS": CLASSIFICATION_LABELS, "CLASSIFICATION_MARKS": CLASSIFICATION_MARKS,
            "ConsultationStatus": ConsultationStatus, "deadline_text": services.deadline_text,
            "answered_when": services.answered_when}


@bp.after_request
def _private(response: Response) -> Response:
    """The member's secret is in the URL, and staff pages show the links: no Referer, no cache."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    if request.endpoint and request.endpoint.startswith("consultations.member"):
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


# Staff ----------------------------------------------------------------------------------------------------

def _consultation(consultation_id: str) -> Consultation:
    return services.get_consultation(current_organization(), consultation_id, user=_user())


def _detail_url(consultation: Consultation, anchor: str | None = None) -> str:
    return url_for("consultations.detail", consultation_id=consultation.public_id, _anchor=anchor)


def link_url(secret: str) -> str:
    return public_urls.url("consultations.member", token=secret) or url_for("consultations.member", token=secret,
                                                                            _external=True)


@bp.get("/consultations")
@require(Permission.view)
def index():
    org = current_organization()
    return render_template("consultations/index.html", consultations=services.list_consultations(org, _user()),
                           results=services.results)


def _form_data(form: ConsultationForm) -> dict[str, Any]:
    deadline = None
    if form.deadline_day.data is not None:
        deadline = datetime.combine(form.deadline_day.data, form.deadline_time.data or time(17, 0))
    return {"title": form.title.data, "question": form.question.data, "classification": form.classification.data,
            "deadline": deadline, "remind_hours": form.remind_hours.data}


FIELD_NAMES = {"deadline": "deadline_day"}


@bp.route("/consultations/new", methods=["GET", "POST"])
@require(Permission.organize)
def new():
    org = current_organization()
    form = ConsultationForm()
    if request.method == "GET":
        return _form_page(form, None)
    return submit(form, lambda: services.create_consultation(org, _form_data(form), user=_user()),
                  again=lambda status: _form_page(form, None, status), names=FIELD_NAMES,
                  done=_("The consultation is prepared: add its documents and members, then send it."),
                  then=_detail_url)


def _form_page(form: ConsultationForm, consultation: Consultation | None, status: int = 200):
    return render_template("consultations/form.html", form=form, consultation=consultation), status


@bp.route("/consultations/<consultation_id>/edit", methods=["GET", "POST"])
@require(Permission.organize)
def edit(consultation_id: str):
    consultation = _consultation(consultation_id)
    if request.method == "GET":
        deadline = services.local(consultation, consultation.deadline)
        form = ConsultationForm(obj=consultation, deadline_day=deadline.date() if deadline else None,
                                deadline_time=deadline.time() if deadline else None,
                                classification=consultation.classification.value)
        form.version.data = str(consultation.version)
        return _form_page(form, consultation)
    form = ConsultationForm()
    return submit(form, lambda: services.update_consultation(consultation, _form_data(form), user=_user(),
                                                             version=form.version.data),
                  again=lambda status: _form_page(form, consultation, status), names=FIELD_NAMES,
                  done=_("Saved."), then=_detail_url(consultation))


def _render_detail(consultation: Consultation, *, people_form: PeopleForm | None = None,
                   document_form: DocumentForm | None = None, status: int = 200):
    org = current_organization()
    organize = can(Permission.organize)
    people_form = people_form or PeopleForm()
    meeting_form = MeetingMembersForm()
    if organize and consultation.status is ConsultationStatus.draft:
        people_form.person_ids.choices = services.people_choices(consultation)
        meeting_form.meeting_id.choices = services.meeting_choices(org, _user())
    links = {}
    if organize and consultation.status is ConsultationStatus.open:
        for member in consultation.members:
            secret = services.link_secret(member)
            links[member.id] = link_url(secret) if secret else None
    services.note_view(consultation)
    return render_template(
        "consultations/detail.html", consultation=consultation, results=services.results(consultation),
        organize=organize, people_form=people_form, meeting_form=meeting_form,
        document_form=document_form or DocumentForm(), confirm=ConfirmForm(version=str(consultation.version)),
        links=links, downloads=exports.exporters(SCOPE), past_deadline=services.is_past_deadline(consultation),
    ), status


@bp.get("/consultations/<consultation_id>")
@require(Permission.view)
def detail(consultation_id: str):
    return _render_detail(_consultation(consultation_id))


def _confirmed(form: Any = None) -> Any:
    """The form sent with a button of the page, checked (a forged or expired one is a bad request)."""
    form = form if form is not None else ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    return form


def _act(consultation: Consultation, change: Callable[[], Any], done: str, anchor: str | None = None) -> Response:
    """Run a button's change; a refusal is shown on the consultation's page (nothing was changed)."""
    return press(None, change, done=done, then=_detail_url(consultation, anchor))


def _added(count: int) -> str:
    return _("%(num)d members added.", num=count)


@bp.post("/consultations/<consultation_id>/members")
@require(Permission.organize)
def add_people(consultation_id: str):
    consultation = _consultation(consultation_id)
    form = _confirmed(PeopleForm())
    return press(None, lambda: services.add_people(consultation, form.person_ids.data or [], user=_user()),
                 done=_added, then=_detail_url(consultation, "members"),
                 again=lambda status: _render_detail(consultation, people_form=form, status=status))


@bp.post("/consultations/<consultation_id>/members/meeting")
@require(Permission.organize)
def add_meeting(consultation_id: str):
    consultation = _consultation(consultation_id)
    form = _confirmed(MeetingMembersForm())
    return press(None, lambda: services.add_meeting_delegates(consultation, form.meeting_id.data or "", user=_user()),
                 done=_added, then=_detail_url(consultation, "members"),
                 again=lambda status: _render_detail(consultation, status=status))


def _on_member(consultation_id: str, member_id: str, change: Callable[..., Any],
               done: Callable[[ConsultationMember], str], anchor: str | None = None) -> Response:
    """A button on a member's row: ``change(consultation, member, user=)``; the page goes back to the row."""
    consultation = _consultation(consultation_id)
    _confirmed()
    member = services.get_member(consultation, member_id)
    return _act(consultation, lambda: change(consultation, member, user=_user()), done(member),
                anchor or f"m-{member.public_id}")


@bp.post("/consultations/<consultation_id>/members/<member_id>/delete")
@require(Permission.organize)
def remove_member(consultation_id: str, member_id: str):
    return _on_member(consultation_id, member_id, services.remove_member,
                      lambda member: _("%(name)s is no longer asked.", name=member.full_name), "members")


@bp.post("/consultations/<consultation_id>/members/<member_id>/link")
@require(Permission.organize)
def rotate_link(consultation_id: str, member_id: str):
    return _on_member(consultation_id, member_id, services.rotate_link, lambda member: _(
        "%(name)s has a new personal link; the earlier one no longer works.", name=member.full_name))


@bp.post("/consultations/<consultation_id>/members/<member_id>/revoke")
@require(Permission.organize)
def revoke_link(consultation_id: str, member_id: str):
    return _on_member(consultation_id, member_id, services.revoke_link,
                      lambda member: _("The personal link of %(name)s no longer works.", name=member.full_name))


@bp.post("/consultations/<consultation_id>/documents")
@require(Permission.organize)
def add_document(consultation_id: str):
    consultation = _consultation(consultation_id)
    form = DocumentForm()
    return submit(form, lambda: services.add_document(consultation, form.file.data.read(),
                                                      form.file.data.filename or "", title=form.title.data or "",
                                                      user=_user()),
                  again=lambda status: _render_detail(consultation, document_form=form, status=status),
                  done=_("The document is attached."), then=_detail_url(consultation, "documents"))


@bp.get("/consultations/<consultation_id>/documents/<document_id>")
@require(Permission.view)
def document(consultation_id: str, document_id: str):
    consultation = _consultation(consultation_id)
    found = services.get_document(consultation, document_id)
    data = services.open_document(consultation, found)
    return stored_file(data, media_type=found.media_type, filename=found.filename, etag=found.sha256[:32])


@bp.post("/consultations/<consultation_id>/documents/<document_id>/delete")
@require(Permission.organize)
def remove_document(consultation_id: str, document_id: str):
    consultation = _consultation(consultation_id)
    _confirmed()
    found = services.get_document(consultation, document_id)
    return _act(consultation, lambda: services.remove_document(consultation, found, user=_user()),
                _("The document is removed."), "documents")


@bp.post("/consultations/<consultation_id>/send")
@require(Permission.organize)
def send(consultation_id: str):
    return _on_version(consultation_id, services.send, "members", _(
        "The consultation is open: each member answers through their personal link until the deadline."))


@bp.post("/consultations/<consultation_id>/close")
@require(Permission.organize)
def close(consultation_id: str):
    return _on_version(consultation_id, services.close, "result",
                       _("The consultation is closed; its result is kept as it is now."))


def _on_version(consultation_id: str, change: Callable[..., Any], anchor: str, done: str) -> Response:
    """A button that moves the consultation on: ``change(consultation, user=, version=)`` with the version the
    page showed (a change made meanwhile refuses it)."""
    consultation = _consultation(consultation_id)
    form = _confirmed()
    return _act(consultation, lambda: change(consultation, user=_user(), version=form.version.data), done, anchor)


@bp.post("/consultations/<consultation_id>/delete")
@require(Permission.organize)
def delete(consultation_id: str):
    consultation = _consultation(consultation_id)
    form = _confirmed()
    return press(None, lambda: services.delete_consultation(consultation, user=_user(), version=form.version.data),
                 done=_("The draft consultation is deleted."), then=url_for("consultations.index"),
                 back=_detail_url(consultation))


@bp.get("/consultations/<consultation_id>/exports/<name>")
@require(Permission.view)
def download(consultation_id: str, name: str):
    consultation = _consultation(consultation_id)
    exporter = exports.exporter(SCOPE, name)
    if exporter is None:
        raise NotFound(_("No such download."))
    return exports.send(exporter, consultation, _user())


# The member's page ----------------------------------------------------------------------------------------

def member_view(view: Callable[..., Any]) -> Callable[..., Any]:
    """Resolve the link (else the plain 404 page) and answer in the organization's language and zone."""

    @wraps(view)
    def wrapped(token: str, **kwargs: Any) -> Any:
        member = services.resolve(token)
        if member is None:
            abort(404)
        consultation = member.consultation
        g.timezone = services.zone(consultation)
        services.note_use(member)
        language = consultation.organization.language or "vi"
        with force_locale(language if language in ("vi", "en") else "vi"):
            return view(token, member, **kwargs)

    return wrapped


def _render_member(token: str, member: ConsultationMember, form: AnswerForm | None = None, status: int = 200):
    consultation = member.consultation
    if form is None:
        form = AnswerForm(answer=member.answer.value if member.answer else None, opinion=member.opinion)
    return render_template(
        "consultations/member.html", token=token, member=member, consultation=consultation,
        organization=consultation.organization, hidden=services.withheld(consultation), form=form,
        open=consultation.status is ConsultationStatus.open and not services.is_past_deadline(consultation),
    ), status


@bp.get("/c/<token>")
@member_view
def member(token: str, member: ConsultationMember):
    return _render_member(token, member)


@bp.post("/c/<token>/answer")
@member_view
def member_answer(token: str, member: ConsultationMember):
    form = AnswerForm()
    return submit(form, lambda: services.answer(member, form.answer.data, form.opinion.data),
                  again=lambda status: _render_member(token, member, form, status),
                  done=_("Thank you: your answer is recorded. You may change it until the deadline."),
                  then=url_for("consultations.member", token=token) + "#answer")


@bp.get("/c/<token>/documents/<document_id>")
@member_view
def member_document(token: str, member: ConsultationMember, document_id: str):
    """A document sent with the question; never one of a classified consultation (those go on paper)."""
    consultation = member.consultation
    if services.withheld(consultation):
        abort(404)
    found = services.get_document(consultation, document_id)
    return stored_file(services.document_bytes(found), media_type=found.media_type, filename=found.filename,
                       etag=found.sha256[:32])

