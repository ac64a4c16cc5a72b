"""The minutes pages: the section editor of the minutes and of the conclusion notice, their workflow and
revisions, the invitation letter, the editions of approved documents, and the organization's document
settings in the administration."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from planner.accounts.access import current_organization, require
from planner.accounts.models import DOCUMENT_PROFILE_LABELS
from planner.agenda import services as agenda_services
from planner.core import exports as core_exports
from planner.core import public_urls
from planner.core.errors import PlannerError
from planner.core.permissions import CLASSIFICATION_MARKS, Permission
from planner.core.web import form_version, submit
from planner.core.web import signed_in_user as _user
from planner.documents import services as document_services
from planner.documents.profiles import bare_number
from planner.documents.render import official_docx, official_pdf
from planner.meetings.models import Meeting
from planner.meetings.tabs import meeting_page, meeting_tabs
from planner.minutes import compose, documents, exports, services
from planner.minutes.forms import (
    DocumentSettingsForm,
    GenerateForm,
    HeadingSectionForm,
    ItemSectionForm,
    LetterheadForm,
    RecipientsForm,
    RemoveLetterheadForm,
    RestoreForm,
    SignaturesForm,
    SignerForm,
    StatusForm,
    TextSectionForm,
)
from planner.minutes.models import (
    MINUTES_KIND_LABELS,
    MINUTES_STATUS_LABELS,
    STATUS_TRANSITIONS,
    Minutes,
    MinutesKind,
    MinutesStatus,
)

bp = Blueprint("minutes", __name__)


KINDS = "any(minutes, notice)"
# Titles of the sections that have no heading of their own in the document.
SECTION_TITLES = {
    "time_place": _l("Time and place"),
    "intro": _l("Introduction"),
    "closing": _l("End of the meeting"),
    "signatures": _l("Signatures"),
    "recipients": _l("Recipients"),
}
REVISION_KIND_LABELS = {
    "generated": _l("Generated"),
    "saved": _l("Saved"),
    "conflict": _l("Not applied (conflict)"),
    "restored": _l("Restored"),
}


@bp.context_processor
def _minutes_globals() -> dict[str, Any]:
    return {
        "meeting_tabs": meeting_tabs,
        "CLASSIFICATION_MARKS": CLASSIFICATION_MARKS,
        "MINUTES_STATUS_LABELS": MINUTES_STATUS_LABELS,
        "MINUTES_KIND_LABELS": MINUTES_KIND_LABELS,
        "REVISION_KIND_LABELS": REVISION_KIND_LABELS,
        "MinutesStatus": MinutesStatus,
    }


def _document_meeting(meeting_id: str) -> Meeting:
    """The meeting of a minutes or notice route: its documents need clearance for all of its items."""
    meeting = meeting_page(meeting_id)
    services.ensure_readable(meeting, _user())
    return meeting


# The section editor ------------------------------------------------------------------------------------------

def _prefix(section: dict[str, Any]) -> str:
    return "s-" + "".join(ch if ch.isalnum() else "-" for ch in section["key"])


def _section_form(section: dict[str, Any], version: int, formdata: Any = None):
    """The form of one section, filled from the section (or from the posted data)."""
    kind = section.get("kind")
    prefix = _prefix(section)
    if kind == "item":
        decisions = [{"text": d.get("text", ""), "votes_for": d.get("for"), "votes_against": d.get("against"),
                      "votes_abstain": d.get("abstain"), "votes_percent": d.get("percent")}
                     for d in section.get("decisions") or []]
        data = {"heading": section.get("heading", ""), "text": section.get("text", ""),
                "discussion": section.get("discussion", ""), "conclusion": section.get("conclusion", ""),
                "decisions": [*decisions, {}]}
        form = ItemSectionForm(formdata=formdata, prefix=prefix, data=data)
    elif kind == "signatures":
        data = {f"{side}_{f}": (section.get(side) or {}).get(f, "") for side in ("left", "right")
                for f in ("authority", "position", "name")}
        form = SignaturesForm(formdata=formdata, prefix=prefix, data=data)
    elif kind == "recipients":
        form = RecipientsForm(formdata=formdata, prefix=prefix, data={
            "text": section.get("text", ""), "drafter": section.get("drafter") or "",
            "copies": section.get("copies")})
    elif kind == "heading":
        form = HeadingSectionForm(formdata=formdata, prefix=prefix, data={"heading": section.get("heading", "")})
    else:
        form = TextSectionForm(formdata=formdata, prefix=prefix,
                               data={"heading": section.get("heading", ""), "text": section.get("text", "")})
    if formdata is None:
        form.version.data = str(version)
    return form


def _changes(section: dict[str, Any], form) -> dict[str, Any]:
    """The posted form as the service's section fields."""
    kind = section.get("kind")
    if kind == "signatures":
        return {side: {f: getattr(form, f"{side}_{f}").data or "" for f in ("authority", "position", "name")}
                for side in ("left", "right")}
    fields = {name: getattr(form, name).data or "" for name in ("heading", "text", "discussion", "conclusion")
              if hasattr(form, name)}
    if kind == "recipients":
        fields["drafter"] = form.drafter.data or ""
        fields["copies"] = form.copies.data
    if kind == "item":
        fields["decisions"] = [{"text": entry.form.text.data or "", "for": entry.form.votes_for.data,
                                "against": entry.form.votes_against.data, "abstain": entry.form.votes_abstain.data,
                                "percent": entry.form.votes_percent.data}
                               for entry in form.decisions]
    return fields


def _page(meeting: Meeting, kind: MinutesKind, *, minutes: Minutes | None = None, forms: dict[str, Any] | None = None,
          conflict: services.MinutesConflict | None = None, status: int = 200):
    minutes = minutes if minutes is not None else services.current(meeting, kind)
    user = _user()
    section_forms = {}
    if minutes is not None:
        services.note_classified(meeting, f"{kind.value}.viewed")
        for section in minutes.sections:
            section_forms[section["key"]] = _section_form(section, minutes.version)
        section_forms.update(forms or {})
    editable = minutes is not None and minutes.status is MinutesStatus.draft and services.can_write(user, meeting)
    moves = [s for s in STATUS_TRANSITIONS[minutes.status]] if minutes is not None else []
    allowed = [s for s in moves if (services.can_approve(user, meeting) if s is MinutesStatus.approved
                                    else services.can_write(user, meeting))]
    conflicts = {c["key"]: c for c in conflict.sections()} if conflict is not None else {}
    other_editions = [m for m in services.editions(meeting, kind) if minutes is None or m.id != minutes.id]
    due = services.notice_due(meeting) if kind is MinutesKind.notice else None
    findings = services.approval_findings(minutes) if minutes is not None and minutes.status is not \
        MinutesStatus.approved and services.can_write(user, meeting) else []
    return render_template(
        "minutes/edit.html", meeting=meeting, kind=kind, minutes=minutes, section_forms=section_forms,
        editable=editable, allowed=allowed, conflicts=conflicts, conflict=conflict, other_editions=other_editions,
        status_form=StatusForm(), generate_form=GenerateForm(), due=due, today=services.local_today(meeting),
        can_write=services.can_write(user, meeting), section_text=services.section_text,
        decision_lines=lambda s: compose.decision_lines(s.get("decisions") or [], meeting.language),
        active_tab="minutes.edit", downloads=_downloads(meeting, kind),
        anchors={s["key"]: _prefix(s) for s in (minutes.sections if minutes is not None else [])},
        section_titles=SECTION_TITLES, signer_form=_signer_form(meeting, kind, minutes),
        findings=findings, blocking=[f for f in findings if f.blocking],
    ), status


def _signer_form(meeting: Meeting, kind: MinutesKind, minutes: Minutes | None) -> SignerForm | None:
    """With two or more presiding persons, the choice of the one who signs the minutes."""
    if kind is not MinutesKind.minutes or minutes is None:
        return None
    choices = services.signer_choices(meeting)
    if len(choices) < 2:
        return None
    form = SignerForm(formdata=None)
    form.signer_id.choices = [(p.public_id, p.full_name) for p in choices]
    section = next((s for s in minutes.sections if s.get("kind") == "signatures"), {})
    form.signer_id.data = section.get("signer_id") or next(
        (p.public_id for p in choices if p.full_name == (section.get("right") or {}).get("name")), None)
    form.version.data = str(minutes.version)
    return form


def _downloads(meeting: Meeting, kind: MinutesKind) -> list[tuple[Any, str]]:
    names = (f"{kind.value}.pdf", f"{kind.value}.docx")
    return [(core_exports.exporter("meeting", n).label, url_for("meetings.download", meeting_id=meeting.public_id,
                                                                name=n)) for n in names]


# Decorators apply from the bottom: the minutes' rule is registered first, so that an address built without a kind
# (the meeting's tab) is the minutes', not the notice's (tests/minutes/test_tabs.py).
@bp.get("/meetings/<meeting_id>/notice", defaults={"kind": "notice"})
@bp.get("/meetings/<meeting_id>/minutes", defaults={"kind": "minutes"})
@require(Permission.view)
def edit(meeting_id: str, kind: str):
    meeting = _document_meeting(meeting_id)
    return _page(meeting, MinutesKind(kind))


@bp.post(f"/meetings/<meeting_id>/<{KINDS}:kind>/generate")
@require(Permission.take_minutes)
def generate(meeting_id: str, kind: str):
    meeting = _document_meeting(meeting_id)
    kind_ = MinutesKind(kind)
    form = GenerateForm()
    if not form.validate_on_submit():
        flash(_("The form has expired. Please try again."), "error")
        return redirect(url_for("minutes.edit", meeting_id=meeting.public_id, kind=kind))
    try:
        services.generate(meeting, kind_, user=_user(), version=form.version.data or None)
    except PlannerError as exc:
        flash(exc.message, "error")
    else:
        flash(_("The draft has been composed from the meeting. Edit it section by section."), "success")
    return redirect(url_for("minutes.edit", meeting_id=meeting.public_id, kind=kind))


@bp.post(f"/meetings/<meeting_id>/<{KINDS}:kind>/sections/<key>")
@require(Permission.take_minutes)
def save_section(meeting_id: str, kind: str, key: str):
    meeting = _document_meeting(meeting_id)
    kind_ = MinutesKind(kind)
    minutes = services.require_current(meeting, kind_)
    section = next((s for s in minutes.sections if s["key"] == key), None)
    if section is None:
        flash(_("This section does not exist (any more): %(key)s", key=key), "error")
        return redirect(url_for("minutes.edit", meeting_id=meeting.public_id, kind=kind))
    form = _section_form(section, minutes.version, formdata=request.form)
    if not form.validate_on_submit():
        return _page(meeting, kind_, minutes=minutes, forms={key: form}, status=422)
    try:
        services.save(minutes, {key: _changes(section, form)}, user=_user(), version=form.version.data)
    except services.MinutesConflict as exc:
        form.version.data = str(exc.current_version)
        return _page(meeting, kind_, minutes=exc.minutes, forms={key: form}, conflict=exc, status=409)
    except PlannerError as exc:
        flash(exc.message, "error")
        return _page(meeting, kind_, minutes=minutes, forms={key: form},
                     status=exc.status if exc.status in (403, 409, 422) else 422)
    flash(_("Saved."), "success")
    return redirect(url_for("minutes.edit", meeting_id=meeting.public_id, kind=kind, _anchor=_prefix(section)))


@bp.post("/meetings/<meeting_id>/minutes/signer")
@require(Permission.take_minutes)
def choose_signer(meeting_id: str):
    """Which of the co-chairs signs the minutes."""
    meeting = _document_meeting(meeting_id)
    minutes = services.require_current(meeting, MinutesKind.minutes)
    form = SignerForm()
    if form.validate_on_submit():
        try:
            services.choose_signer(minutes, form.signer_id.data, user=_user(), version=form.version.data)
        except services.MinutesConflict as exc:
            flash(exc.message, "error")
        except PlannerError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Saved."), "success")
    return redirect(url_for("minutes.edit", meeting_id=meeting.public_id, kind="minutes", _anchor="s-signatures"))


@bp.post(f"/meetings/<meeting_id>/<{KINDS}:kind>/sections")
@require(Permission.take_minutes)
def save_all(meeting_id: str, kind: str):
    """The page's one form: every section posted is saved at once (one revision, the changed sections), so text
    typed in one section is never lost by saving another. A refused save shows every section as typed."""
    meeting = _document_meeting(meeting_id)
    kind_ = MinutesKind(kind)
    minutes = services.require_current(meeting, kind_)
    sections = {s["key"]: s for s in minutes.sections}
    posted = {key: _section_form(section, minutes.version, formdata=request.form)
              for key, section in sections.items() if f"{_prefix(section)}-version" in request.form}
    if not posted:
        flash(_("The form has expired. Please try again."), "error")
        return redirect(url_for("minutes.edit", meeting_id=meeting.public_id, kind=kind))
    if not all([form.validate_on_submit() for form in posted.values()]):
        return _page(meeting, kind_, minutes=minutes, forms=posted, status=422)
    version = next(iter(posted.values())).version.data
    try:
        services.save(minutes, {key: _changes(sections[key], form) for key, form in posted.items()}, user=_user(),
                      version=version)
    except services.MinutesConflict as exc:
        for form in posted.values():
            form.version.data = str(exc.current_version)
        return _page(meeting, kind_, minutes=exc.minutes, forms=posted, conflict=exc, status=409)
    except PlannerError as exc:
        flash(exc.message, "error")
        return _page(meeting, kind_, minutes=minutes, forms=posted,
                     status=exc.status if exc.status in (403, 409, 422) else 422)
    flash(_("Saved."), "success")
    anchors = {_prefix(section) for section in sections.values()}
    anchor = request.form.get("anchor", "")
    return redirect(url_for("minutes.edit", meeting_id=meeting.public_id, kind=kind,
                            _anchor=anchor if anchor in anchors else None))


@bp.post(f"/meetings/<meeting_id>/<{KINDS}:kind>/status")
@require(Permission.take_minutes)
def change_status(meeting_id: str, kind: str):
    meeting = _document_meeting(meeting_id)
    minutes = services.require_current(meeting, MinutesKind(kind))
    form = StatusForm()
    if form.validate_on_submit():
        try:
            services.set_status(minutes, form.status.data, user=_user(), version=form.version.data)
        except PlannerError as exc:
            flash(exc.message, "error")
        else:
            messages = {
                MinutesStatus.submitted: _("Submitted for approval."),
                MinutesStatus.draft: _("Returned to draft; it can be edited again."),
                MinutesStatus.approved: _("Approved as %(number)s. The text is now locked.",
                                                     number=bare_number(minutes.number)),
            }
            flash(messages[minutes.status], "success")
    return redirect(url_for("minutes.edit", meeting_id=meeting.public_id, kind=kind))


@bp.post(f"/meetings/<meeting_id>/<{KINDS}:kind>/correction")
@require(Permission.take_minutes)
def correction(meeting_id: str, kind: str):
    meeting = _document_meeting(meeting_id)
    minutes = services.require_current(meeting, MinutesKind(kind))
    if GenerateForm().validate_on_submit():
        try:
            services.correct(minutes, user=_user())
        except PlannerError as exc:
            flash(exc.message, "error")
        else:
            flash(_("A correction has been started as a new draft linked to %(number)s.", number=minutes.number),
                  "success")
    return redirect(url_for("minutes.edit", meeting_id=meeting.public_id, kind=kind))


# Revisions ---------------------------------------------------------------------------------------------------

@bp.get(f"/meetings/<meeting_id>/<{KINDS}:kind>/revisions")
@require(Permission.view)
def revisions(meeting_id: str, kind: str):
    meeting = _document_meeting(meeting_id)
    minutes = services.require_current(meeting, MinutesKind(kind))
    history = services.revisions(minutes)
    diff = None
    older = newer = None
    if len(history) >= 2 or request.args.get("a"):
        a = request.args.get("a", type=int) or history[1].number
        b = request.args.get("b", type=int) or history[0].number
        try:
            older, newer = services.revision(minutes, min(a, b)), services.revision(minutes, max(a, b))
        except PlannerError as exc:
            flash(exc.message, "error")
        else:
            diff = services.compare(older.sections, newer.sections)
    services.note_classified(meeting, f"{kind}.revisions")
    return render_template("minutes/revisions.html", meeting=meeting, kind=MinutesKind(kind), minutes=minutes,
                           history=history, diff=diff, older=older, newer=newer, diff_html=services.diff_html,
                           restore_form=RestoreForm(), can_write=services.can_write(_user(), meeting),
                           active_tab="minutes.edit")


@bp.post(f"/meetings/<meeting_id>/<{KINDS}:kind>/revisions/<int:number>/restore")
@require(Permission.take_minutes)
def restore(meeting_id: str, kind: str, number: int):
    meeting = _document_meeting(meeting_id)
    minutes = services.require_current(meeting, MinutesKind(kind))
    form = RestoreForm()
    if form.validate_on_submit():
        try:
            services.restore(minutes, number, user=_user(), version=form.version.data)
        except PlannerError as exc:
            flash(exc.message, "error")
            return redirect(url_for("minutes.revisions", meeting_id=meeting.public_id, kind=kind))
        flash(_("Revision %(n)d is the current text again (saved as a new revision).", n=number), "success")
    return redirect(url_for("minutes.edit", meeting_id=meeting.public_id, kind=kind))


@bp.get("/p/<code>/programme.pdf")
def public_programme_pdf(code: str):
    """The printed programme of a public programme page: its latest published version, unclassified items
    only, in the organization's document layout. No sign-in, as the page itself."""
    meeting = agenda_services.public_meeting(code)
    release = agenda_services.latest_release(meeting) if meeting is not None else None
    if meeting is None or release is None:
        abort(404)
    org = meeting.organization
    etag = core_exports.strong_etag("public-programme", meeting.public_code, release.number, meeting.version,
                                    org.version, services.local_today(meeting))

    def build() -> bytes:
        with force_locale(meeting.language or "vi"):
            return official_pdf(documents.programme_document(meeting, None, release=release))

    filename = f"chuong-trinh-{release.number}.pdf" if (meeting.language or "vi").startswith("vi") \
        else f"programme-{release.number}.pdf"
    return core_exports.conditional(etag, build, media_type="application/pdf", cache_control="public, no-cache",
                                    headers={"Content-Disposition": f'inline; filename="{filename}"',
                                             "X-Robots-Tag": "noindex"})


@bp.get(f"/meetings/<meeting_id>/<{KINDS}:kind>/editions/<int:edition>.<any(pdf, docx):fmt>")
@require(Permission.view)
def edition_file(meeting_id: str, kind: str, edition: int, fmt: str) -> Response:
    """An approved edition exactly as approved (a corrected one stays downloadable)."""
    meeting = meeting_page(meeting_id)
    return exports.send_edition(meeting, kind, edition, fmt, _user())


# The organization's document settings -----------------------------------------------------------------------------

SIGNATURE_FORM_FIELDS = (
    ("minutes", "left", ("authority", "position")),
    ("minutes", "right", ("authority", "position")),
    ("notice", "right", ("position", "name")),
    ("invitation", "right", ("position", "name")),
)
ISSUER_FORM_FIELDS = ("body", "authority", "name", "code")


def _settings_form(org, *, stored: bool | None = None) -> DocumentSettingsForm:
    """The settings form: the stored values (on GET, or when asked), else what was posted."""
    current = document_services.settings(org)
    form = DocumentSettingsForm(formdata=None) if stored else DocumentSettingsForm()
    if stored or (stored is None and request.method == "GET"):
        overrides = current.profile_overrides or {}
        form.numbering_period.data = current.numbering_period.value
        form.term_label.data = current.term_label
        for name in document_services.OVERRIDE_FIELDS:
            getattr(form, name).data = overrides.get(name, "")
        signatures = current.signatures or {}
        for document_type, side, fields in SIGNATURE_FORM_FIELDS:
            line = (signatures.get(document_type) or {}).get(side) or {}
            for f in fields:
                getattr(form, f"{document_type}_{side}_{f}").data = line.get(f, "")
        for document_type in ("notice", "invitation"):
            getattr(form, f"{document_type}_recipients").data = "\n".join(
                (signatures.get(document_type) or {}).get("recipients") or [])
            chosen = (current.issuers or {}).get(document_type) or {}
            for f in ISSUER_FORM_FIELDS:
                getattr(form, f"{document_type}_issuer_{f}").data = chosen.get(f, "own" if f == "body" else "")
        form.holidays.data = "\n".join(d.isoformat() for d in document_services.holidays(org, current))
        form.invitation_lead_days.data = current.invitation_lead_days or 3
        form.documents_lead_days.data = current.documents_lead_days or 3
        form.version.data = str(current.version or "")
    return form


def _settings_data(form: DocumentSettingsForm) -> dict[str, Any]:
    signatures: dict[str, Any] = {}
    for document_type, side, fields in SIGNATURE_FORM_FIELDS:
        signatures.setdefault(document_type, {})[side] = {
            f: getattr(form, f"{document_type}_{side}_{f}").data or "" for f in fields}
    for document_type in ("notice", "invitation"):
        signatures[document_type]["recipients"] = (getattr(form, f"{document_type}_recipients").data or "")
    issuers = {document_type: {f: getattr(form, f"{document_type}_issuer_{f}").data or "" for f in ISSUER_FORM_FIELDS}
               for document_type in ("notice", "invitation")}
    return {
        "numbering_period": form.numbering_period.data,
        "term_label": form.term_label.data or "",
        "profile_overrides": {name: getattr(form, name).data or "" for name in document_services.OVERRIDE_FIELDS},
        "signatures": signatures,
        "issuers": issuers,
        "holidays": form.holidays.data or "",
        "invitation_lead_days": form.invitation_lead_days.data,
        "documents_lead_days": form.documents_lead_days.data,
    }


@bp.route("/admin/documents", methods=["GET", "POST"])
@require(Permission.manage_organization)
def settings():
    org = current_organization()
    form = _settings_form(org)
    status = 200
    if request.method == "POST":
        done = submit(form, lambda: document_services.update_settings(org, _settings_data(form),
                                                                      version=form_version(form)))
        if done.ok:
            flash(_("The document settings have been saved."), "success")
            return redirect(url_for("minutes.settings"))
        status = done.form_status
    return _settings_page(org, form, status)


def _settings_page(org, form: DocumentSettingsForm, status: int, letterhead_form: LetterheadForm | None = None):
    current = document_services.settings(org)
    profile = document_services.profile(org, current)
    _show_defaults(form, profile, org)
    return render_template("minutes/settings.html", form=form, org=org, current=current, profile=profile,
                           profile_label=DOCUMENT_PROFILE_LABELS[org.document_profile],
                           letterhead_form=letterhead_form or LetterheadForm(), remove_form=RemoveLetterheadForm(),
                           sample_number=profile.number(12, "minutes", org.body_code or "…"),
                           no_public_url=public_urls.problem(),
                           sample_date=compose.day_text(date.today(), "vi")), status


def _show_defaults(form: DocumentSettingsForm, profile, org) -> None:
    """The profile's own values as the placeholders of the fields left empty."""
    defaults = {"number_format": profile.number_format, "recipients_last": profile.recipients_last,
                "issuer_line": org.name, "superior_line": org.parent_name}
    for document_type, side, fields in SIGNATURE_FORM_FIELDS:
        line = profile.signature_lines(document_type).get(side)
        for f in fields:
            value = getattr(line, f, "") if line is not None else ""
            defaults[f"{document_type}_{side}_{f}"] = value
    for name, value in defaults.items():
        if value:
            field = getattr(form, name)
            field.render_kw = {**(field.render_kw or {}), "placeholder": value}


@bp.post("/admin/documents/letterhead")
@require(Permission.manage_organization)
def upload_letterhead():
    org = current_organization()
    form = LetterheadForm()
    if form.validate_on_submit():
        upload = request.files.get("letterhead")
        data = upload.read(document_services.MAX_LETTERHEAD_BYTES + 1) if upload else b""
        try:
            document_services.store_letterhead(org, data, upload.filename if upload else "")
        except PlannerError as exc:
            # The settings page again, the reason under the file field: a refused file answers 422.
            form.letterhead.errors = [exc.message]
            return _settings_page(org, _settings_form(org, stored=True), 422, letterhead_form=form)
        else:
            flash(_("The letterhead has been saved; Word downloads use it from now on."), "success")
    return redirect(url_for("minutes.settings"))


@bp.post("/admin/documents/letterhead/remove")
@require(Permission.manage_organization)
def remove_letterhead():
    org = current_organization()
    if RemoveLetterheadForm().validate_on_submit():
        document_services.remove_letterhead(org)
        flash(_("The letterhead has been removed."), "success")
    return redirect(url_for("minutes.settings"))


@bp.get("/admin/documents/sample.<any(pdf, docx):fmt>")
@require(Permission.manage_organization)
def sample(fmt: str) -> Response:
    """A sample of the organization's minutes in its current settings, to check them before real use."""
    org = current_organization()
    document = documents.sample_document(org)
    if fmt == "pdf":
        body, media = official_pdf(document), exports.PDF
    else:
        body, media = official_docx(document, document_services.letterhead(org)), exports.DOCX
    response = Response(body, mimetype=media)
    response.headers["Content-Disposition"] = core_exports.content_disposition(f"sample.{fmt}", fmt == "pdf")
    response.headers["Cache-Control"] = "private, no-store"
    return response
