"""The staff's start page: the meetings of the coming days and what needs doing, each linked."""

from __future__ import annotations

from flask import Blueprint, Flask, g, redirect, render_template, url_for
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
    from planner.reports import services as reports

    user = current_user._get_current_object()
    today = reports.local_today(g.organization)
    return render_template("home.html", today=today, week=reports.this_week(g.organization, user, today=today),
                           todos=reports.todos(g.organization, user, today=today))


def setup(app: Flask) -> None:
    app.register_blueprint(bp)
