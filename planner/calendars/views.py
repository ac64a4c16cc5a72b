"""The feeds themselves (plain URLs for calendar apps), single .ics downloads, and the pages where
staff see, create and revoke feed links."""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from planner.accounts.access import can, current_organization, require
from planner.agenda import services as agenda_services
from planner.calendars import cache, links, services
from planner.calendars.forms import ConfirmForm, MeetingFeedForm, PersonalFeedForm, SettingsForm
from planner.calendars.models import CLASSIFIED_MODE_LABELS, FEED_KIND_LABELS, FeedKind
from planner.core import exports
from planner.core.errors import NotFound, PlannerError
from planner.core.permissions import Classification, Permission
from planner.core.web import form_version, submit
from planner.core.web import signed_in_user as _user
from planner.delegates import services as delegate_services
from planner.meetings.models import Meeting
from planner.meetings.tabs import meeting_page, meeting_tabs

bp = Blueprint("calendars", __name__)


PAGE_SIZE = 50
# Feeds are polled by calendar apps and proxies: they may keep a copy but must ask again (304 is cheap).
# A secret link stays out of shared caches; the public feed may sit in them.
TOKEN_CACHE_CONTROL = "private, no-cache"  # noqa: S105 - a header value  # nosec B105
PUBLIC_CACHE_CONTROL = "public, no-cache"


@bp.app_context_processor
def _calendar_globals() -> dict[str, Any]:
    return {"FEED_KIND_LABELS": FEED_KIND_LABELS, "meeting_tabs": meeting_tabs}


# The feeds ------------------------------------------------------------------------------------------

def _nothing() -> Response:
    """Unknown, revoked or not public: 404 with an empty body, the same whatever the reason."""
    return Response(b"", status=404, mimetype="text/plain", headers={"Cache-Control": "no-store"})


def _answer(feed: services.Feed | None, cache_control: str) -> Response:
    if feed is None:
        return _nothing()
    found = services.version(feed)
    services.note_poll(feed)
    return exports.conditional(found.etag, lambda: cache.feed_bytes(feed, found), media_type=services.MEDIA_TYPE,
                               last_modified=found.last_modified, cache_control=cache_control,
                               headers={"X-Content-Type-Options": "nosniff"})


@bp.get("/feeds/<any(m, p, u):kind>/<token>.ics")
def token_feed(kind: str, token: str):
    return _answer(services.resolve_token(kind, token), TOKEN_CACHE_CONTROL)


@bp.get("/feeds/public/<code>.ics")
def public_feed(code: str):
    return _answer(services.resolve_public(code), PUBLIC_CACHE_CONTROL)


def _ics_download(etag_parts: str, build, filename: str, cache_control: str) -> Response:
    return exports.conditional(
        exports.strong_etag(etag_parts), build, media_type=services.MEDIA_TYPE, cache_control=cache_control,
        headers={"Content-Disposition": exports.content_disposition(filename), "X-Content-Type-Options": "nosniff"})


@bp.get("/feeds/public/<code>/<item_id>.ics")
def public_item(code: str, item_id: str):
    """One item of a public programme, to add to a calendar once."""
    feed = services.resolve_public(code)
    if feed is None or feed.meeting is None:
        return _nothing()
    meeting = feed.meeting
    try:
        body = services.item_ics(meeting, item_id, staff=False)
    except NotFound:
        return _nothing()
    return _ics_download(services.item_download_version(meeting, item_id, staff=False), lambda: body,
                         f"{item_id}.ics", PUBLIC_CACHE_CONTROL)


# Single downloads for staff ---------------------------------------------------------------------------

def _filename(meeting: Meeting) -> str:
    if Classification(meeting.classification).is_classified:
        return "calendar.ics"
    return f"{meeting.title[:100]}.ics"


CALENDAR = exports.Exporter(
    name="calendar.ics",
    media_type=services.MEDIA_TYPE,
    build=services.meeting_ics,
    filename=_filename,
    version=services.download_version,
    label=_l("Calendar (iCal)"),
    scope="meeting",
)

# Registered by the package's setup.
EXPORTERS = (CALENDAR,)


@bp.get("/meetings/<meeting_id>/calendar.ics")
@require(Permission.view)
def meeting_download(meeting_id: str):
    return exports.send(CALENDAR, meeting_page(meeting_id), current_user._get_current_object())


@bp.get("/meetings/<meeting_id>/agenda/<item_id>/calendar.ics")
@require(Permission.view)
def item_download(meeting_id: str, item_id: str):
    meeting = meeting_page(meeting_id)
    body = services.item_ics(meeting, item_id, staff=True)  # NotFound (404) when not in the published programme
    return _ics_download(services.item_download_version(meeting, item_id, staff=True), lambda: body,
                         f"{item_id}.ics", "private, no-cache")


# The meeting's Calendar tab ---------------------------------------------------------------------------

def _frame() -> str:
    return "meetings/_meeting.html" if "meetings.detail" in current_app.view_functions else "agenda/_frame.html"


def _participant_choices(meeting: Meeting) -> list[tuple[str, str]]:
    """The meeting's participants in protocol order."""
    return [(p.public_id, p.full_name) for p in agenda_services.presiding_choices(meeting)]


def _render_meeting(meeting: Meeting, *, new_links: links.FeedLinks | None = None, new_label: str = "",
                    link_form: MeetingFeedForm | None = None, personal_form: PersonalFeedForm | None = None,
                    status: int = 200):
    editable = can(Permission.organize)
    personal_form = personal_form or PersonalFeedForm(formdata=None)
    if editable:
        personal_form.participant_id.choices = [("", _("Choose a delegate…")), *_participant_choices(meeting)]
    body = render_template(
        "calendars/meeting_feeds.html", meeting=meeting, meeting_frame=_frame(), editable=editable,
        public=services.public_links(meeting), tokens=services.meeting_tokens(meeting), new_links=new_links,
        new_label=new_label, link_form=link_form or MeetingFeedForm(formdata=None), personal_form=personal_form,
        confirm_form=ConfirmForm(), settings=services.settings_of(meeting.organization_id),
        CLASSIFIED_MODE_LABELS=CLASSIFIED_MODE_LABELS, published=agenda_services.latest_release(meeting) is not None,
        classified=Classification(meeting.classification).is_classified)
    return body, status


@bp.get("/meetings/<meeting_id>/calendar")
@require(Permission.view)
def meeting_feeds(meeting_id: str):
    return _render_meeting(meeting_page(meeting_id))


@bp.post("/meetings/<meeting_id>/calendar/links")
@require(Permission.organize)
def create_meeting_feed(meeting_id: str):
    meeting = meeting_page(meeting_id)
    form = MeetingFeedForm()
    if not form.validate_on_submit():
        return _render_meeting(meeting, link_form=form, status=422)
    try:
        token, secret = services.issue_meeting_feed(meeting, user=_user(), label=form.label.data or "")
    except PlannerError as exc:
        form.label.errors = [*form.label.errors, exc.message]
        return _render_meeting(meeting, link_form=form, status=exc.status)
    return _render_meeting(meeting, new_links=services.feed_links(FeedKind.meeting, secret), new_label=token.label)


@bp.post("/meetings/<meeting_id>/calendar/personal")
@require(Permission.organize)
def create_personal_feed(meeting_id: str):
    meeting = meeting_page(meeting_id)
    form = PersonalFeedForm()
    form.participant_id.choices = _participant_choices(meeting)
    if not form.validate_on_submit():
        return _render_meeting(meeting, personal_form=form, status=422)
    participant = delegate_services.get_participant(current_organization(), form.participant_id.data, user=_user())
    if participant.meeting_id != meeting.id:
        raise NotFound(_("No such participant."))
    _token, secret = services.issue_personal_feed(participant, user=_user())
    return _render_meeting(meeting, new_links=services.feed_links(FeedKind.participant, secret),
                           new_label=participant.full_name)


@bp.post("/meetings/<meeting_id>/calendar/<token_id>/revoke")
@require(Permission.organize)
def revoke_meeting_feed(meeting_id: str, token_id: str):
    meeting = meeting_page(meeting_id)
    if ConfirmForm().validate_on_submit():
        services.revoke(services.get_token(current_organization(), token_id, meeting=meeting))
        flash(_("The feed link was revoked: it no longer works."), "success")
    return redirect(url_for("calendars.meeting_feeds", meeting_id=meeting.public_id))


# The user's own feed and the organization's feeds ----------------------------------------------------

def _render_feeds(*, new_links: links.FeedLinks | None = None, settings_form: SettingsForm | None = None,
                  status: int = 200):
    org = current_organization()
    admin = can(Permission.manage_organization)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    tokens, total = ([], 0)
    settings = services.settings_of(org.id)
    if admin:
        tokens, total = services.organization_tokens(org, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
                                                     user=_user())
        if settings_form is None:
            settings_form = SettingsForm(formdata=None, classified=settings.classified,
                                         refresh_minutes=settings.refresh_minutes, version=settings.version)
    body = render_template(
        "calendars/feeds.html", mine=services.user_feed(_user(), org), new_links=new_links, admin=admin,
        tokens=tokens, total=total, page=page, pages=max(math.ceil(total / PAGE_SIZE), 1),
        settings_form=settings_form, confirm_form=ConfirmForm(), settings=settings,
        CLASSIFIED_MODE_LABELS=CLASSIFIED_MODE_LABELS)
    return body, status


@bp.get("/feeds")
@require(Permission.view)
def feeds():
    return _render_feeds()


@bp.post("/feeds/mine")
@require(Permission.view)
def create_own_feed():
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("calendars.feeds"))
    _token, secret = services.issue_user_feed(_user(), current_organization())
    return _render_feeds(new_links=services.feed_links(FeedKind.user, secret))


@bp.post("/feeds/mine/revoke")
@require(Permission.view)
def revoke_own_feed():
    if ConfirmForm().validate_on_submit() and services.revoke_user_feed(_user(), current_organization()):
        flash(_("Your feed link was revoked: it no longer works."), "success")
    return redirect(url_for("calendars.feeds"))


@bp.post("/feeds/settings")
@require(Permission.manage_organization)
def update_settings():
    form = SettingsForm()
    done = submit(form, lambda: services.update_settings(
        current_organization(), {"classified": form.classified.data, "refresh_minutes": form.refresh_minutes.data},
        version=form_version(form) or None))
    if not done.ok:
        return _render_feeds(settings_form=form, status=done.status)
    flash(_("The feed settings were saved."), "success")
    return redirect(url_for("calendars.feeds"))


@bp.post("/feeds/<token_id>/revoke")
@require(Permission.manage_organization)
def revoke_feed(token_id: str):
    if ConfirmForm().validate_on_submit():
        services.revoke(services.get_token(current_organization(), token_id, user=current_user))
        flash(_("The feed link was revoked: it no longer works."), "success")
    return redirect(url_for("calendars.feeds", page=request.args.get("page", type=int) or None))
