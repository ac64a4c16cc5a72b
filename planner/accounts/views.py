"""Sign-in, the user's own account, and the administration of the organization."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from planner.accounts import services, throttle
from planner.accounts.access import SESSION_ORG_KEY, current_organization, require
from planner.accounts.forms import (
    ApiTokenForm,
    InviteUserForm,
    LanguageForm,
    LoginForm,
    MemberForm,
    OrganizationForm,
    PasswordChangeForm,
    SetupForm,
    clearance_choices,
)
from planner.accounts.models import User
from planner.core import audit
from planner.core.errors import PlannerError
from planner.core.inputs import parse_day
from planner.core.permissions import Permission
from planner.core.web import form_error, form_version, safe_next, submit
from planner.extensions import limiter

bp = Blueprint("accounts", __name__)


def _login_failures() -> str:
    return f"{current_app.config['LOGIN_FAILURES_PER_MINUTE']}/minute"


def _failed_login(response) -> bool:
    """A wrong password (the form again, 200); not a try refused for waiting (429), which counts nothing."""
    return response.status_code == 200


# Failed sign-ins are limited per address and per account by a growing delay counted in the database
# (accounts.throttle); the per-minute limit per address is a coarse guard against floods, in Redis when
# PLANNER_REDIS_URL is set.
@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_failures, methods=["POST"], key_func=get_remote_address,
               deduct_when=_failed_login, scope="login-address")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        address = get_remote_address()
        seconds = throttle.wait(form.email.data, address)
        if seconds:
            form.password.errors = [_("Too many failed sign-ins from this address or for this account. Try again "
                                      "in %(time)s.", time=format_timedelta(timedelta(seconds=seconds),
                                                                            threshold=1))]
            return render_template("accounts/login.html", form=form), 429, {"Retry-After": str(seconds)}
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            throttle.succeeded(form.email.data, address)
            session.clear()  # a fresh session at login: nothing from before survives (fixation)
            login_user(user)
            session["language"] = user.language
            return redirect(safe_next(form.next.data) or url_for("home.index"))
        throttle.failed(form.email.data, address)
        form.password.errors = [_("Wrong e-mail address or password, or the account is not active.")]
    return render_template("accounts/login.html", form=form), 200


@bp.post("/logout")
@login_required
def logout():
    user = current_user._get_current_object()
    logout_user()
    session.clear()
    # A copy of the cookie (a shared computer, a stolen one) must not sign in again: the session's nonce
    # changes, which also signs this user out in their other browsers.
    services.end_all_sessions(user)
    flash(_("You have signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if form.validate_on_submit() and form.language.data in current_app.config["LANGUAGES"]:
        session["language"] = form.language.data
        if current_user.is_authenticated:
            services.set_language(current_user, form.language.data)
    return redirect(safe_next(form.next.data) or url_for("home.index"))


@bp.post("/organization/switch")
@login_required
def switch_organization():
    target = request.form.get("organization", "")
    if not any(m.organization.public_id == target for m in current_user.memberships):
        abort(404)
    session[SESSION_ORG_KEY] = target
    return redirect(url_for("home.index"))


@bp.route("/setup/<token>", methods=["GET", "POST"])
@limiter.limit("30/minute")
def setup(token: str):
    user = services.user_for_setup_token(token)
    if user is None:
        return render_template("accounts/setup_invalid.html"), 404
    form = SetupForm()
    if form.validate_on_submit():
        try:
            services.complete_setup(user, form.password.data)
        except PlannerError as exc:
            form_error(form, exc)
        else:
            flash(_("Your password is set. Sign in with your e-mail address and the new password."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/setup.html", form=form, user=user)


# The user's own account --------------------------------------------------------------------------

@bp.route("/account", methods=["GET"])
@require(Permission.view)
def account():
    org = current_organization()
    return render_template(
        "accounts/account.html",
        password_form=PasswordChangeForm(),
        token_form=ApiTokenForm(),
        tokens=services.api_tokens(current_user, org),
        new_token=session.pop("new_api_token", None),
    )


@bp.post("/account/password")
@require(Permission.view)
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_password(user, form.current_password.data, form.password.data)
        except PlannerError as exc:
            form_error(form, exc)
        else:
            login_user(user)  # the nonce changed: renew this browser's cookie, end the others
            flash(_("Your password has been changed. Other sessions have been signed out."), "success")
            return redirect(url_for("accounts.account"))
    org = current_organization()
    return render_template("accounts/account.html", password_form=form, token_form=ApiTokenForm(),
                           tokens=services.api_tokens(current_user, org), new_token=None), 422


@bp.post("/account/tokens")
@require(Permission.view)
def create_token():
    form = ApiTokenForm()
    if form.validate_on_submit():
        _token, secret = services.issue_api_token(current_user, current_organization(), form.name.data)
        # Shown once, on the next page, then forgotten.
        session["new_api_token"] = secret
        flash(_("A new API token has been created. Copy it now: it will not be shown again."), "success")
    else:
        flash(_("Name the token to create it."), "error")
    return redirect(url_for("accounts.account"))


@bp.post("/account/tokens/<public_id>/revoke")
@require(Permission.view)
def revoke_token(public_id: str):
    services.revoke_api_token(services.api_token(current_user, current_organization(), public_id))
    flash(_("The token has been revoked."), "success")
    return redirect(url_for("accounts.account"))


# Administration ----------------------------------------------------------------------------------

def _admin() -> User:
    return current_user._get_current_object()  # type: ignore[attr-defined]


@bp.route("/admin/users", methods=["GET", "POST"])
@require(Permission.manage_organization)
def users():
    org = current_organization()
    form = InviteUserForm()
    levels = services.grantable_levels(org, _admin())
    form.clearance.choices = clearance_choices(levels)
    if request.method == "GET" and form.clearance.data not in {level.value for level in levels}:
        form.clearance.data = levels[-1].value   # an admin below "internal" invites at their own level
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                user, setup_token = services.create_user(
                    org, by=_admin(), email=form.email.data, name=form.name.data, role=form.role.data,
                    clearance=form.clearance.data, language=form.language.data)
            except PlannerError as exc:
                form_error(form, exc)
                status = 422
            else:
                session["invitation_link"] = url_for("accounts.setup", token=setup_token, _external=True)
                session["invited_user"] = user.name
                return redirect(url_for("accounts.users"))
        else:
            status = 422
    return render_template(
        "accounts/users.html",
        form=form,
        memberships=services.members(org),
        invitation_link=session.pop("invitation_link", None),
        invited_user=session.pop("invited_user", None),
    ), status


@bp.route("/admin/users/<public_id>", methods=["GET", "POST"])
@require(Permission.manage_organization)
def edit_user(public_id: str):
    org = current_organization()
    membership = services.member(org, public_id)
    form = MemberForm(obj=membership.user) if request.method == "GET" else MemberForm()
    # One's own clearance, or one above one's own, is shown but not offered (the service refuses anyway).
    clearance_offered = services.may_change_clearance(org, _admin(), membership)
    if clearance_offered:
        form.clearance.choices = clearance_choices(services.grantable_levels(org, _admin()))
    else:
        del form.clearance
    if request.method == "GET":
        form.role.data = membership.role.value
        if clearance_offered:
            form.clearance.data = membership.clearance.value
    status = 200
    if form.validate_on_submit():
        try:
            services.update_member(org, membership, by=_admin(), role=form.role.data,
                                   clearance=form.clearance.data if clearance_offered
                                   else request.form.get("clearance") or None,
                                   active=form.active.data, name=form.name.data)
        except PlannerError as exc:
            form_error(form, exc)
            status = 422
        else:
            flash(_("The changes to %(name)s have been saved.", name=membership.user.name), "success")
            return redirect(url_for("accounts.users"))
    elif request.method == "POST":
        status = 422
    return render_template("accounts/user_edit.html", form=form, membership=membership,
                           own=membership.user_id == current_user.id), status


@bp.post("/admin/users/<public_id>/invitation")
@require(Permission.manage_organization)
def renew_invitation(public_id: str):
    org = current_organization()
    membership = services.member(org, public_id)
    if membership.user.has_password:
        flash(_("This user has set a password already."), "info")
        return redirect(url_for("accounts.users"))
    token = services.renew_invitation(org, membership)
    session["invitation_link"] = url_for("accounts.setup", token=token, _external=True)
    session["invited_user"] = membership.user.name
    return redirect(url_for("accounts.users"))


@bp.route("/admin/organization", methods=["GET", "POST"])
@require(Permission.manage_organization)
def organization():
    org = current_organization()
    form = OrganizationForm(obj=org) if request.method == "GET" else OrganizationForm()
    if request.method == "GET":
        form.document_profile.data = org.document_profile.value
        form.version.data = str(org.version)
    status = 200
    if request.method == "POST":
        data = {name: getattr(form, name).data for name in services.ORGANIZATION_FIELDS}
        done = submit(form, lambda: services.update_organization(org, data, version=form_version(form)))
        if done.ok:
            flash(_("The organization's settings have been saved."), "success")
            return redirect(url_for("accounts.organization"))
        status = done.form_status
    return render_template("accounts/organization.html", form=form, org=org), status




@bp.get("/admin/audit")
@require(Permission.manage_organization)
def audit_log():
    org = current_organization()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    per_page = 50
    day_from = parse_day(request.args.get("from"))
    day_to = parse_day(request.args.get("to"))
    tz = g.timezone
    entries, total = audit.entries(
        org.id,
        action=request.args.get("action") or None,
        actor=request.args.get("actor") or None,
        since=datetime.combine(day_from, time.min, tz) if day_from else None,
        until=datetime.combine(day_to, time.max, tz) if day_to else None,
        limit=per_page,
        offset=(page - 1) * per_page,
        clearance=g.membership.clearance,
    )
    return render_template("accounts/audit.html", entries=entries, total=total, page=page,
                           pages=max((total + per_page - 1) // per_page, 1), actions=audit.actions(org.id))
