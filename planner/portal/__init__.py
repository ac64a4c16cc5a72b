"""The portal: the pages of those who come to a meeting rather than plan it — the delegate's personal page,
the check-in desk at the door and the hall display."""

from __future__ import annotations

from flask import Flask


def setup(app: Flask) -> None:
    """The delegate's page, the check-in desk (a meeting tab) and the hall display."""
    from flask_babel import lazy_gettext as _l

    from planner.core.permissions import Permission
    from planner.meetings.tabs import register_tab
    from planner.portal import views

    app.register_blueprint(views.bp)
    register_tab("portal.desk", _l("Check-in"), 47, Permission.organize)
