"""The staff's start page."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, url_for
from flask_login import current_user

from planner.accounts.access import require
from planner.core.permissions import Permission

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    return dashboard()


@require(Permission.view)
def dashboard():
    from planner.minutes import services as minutes_services

    notices = minutes_services.notices_due(g.organization, current_user._get_current_object())
    return render_template("home.html", notices=notices)
