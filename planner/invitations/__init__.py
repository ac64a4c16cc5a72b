"""Invitations: the delegates' personal links, sending the invitation e-mails and the replies."""

from __future__ import annotations

from flask import Flask


def setup(app: Flask) -> None:
    """The invitations page of a meeting (a meeting tab)."""
    from flask_babel import lazy_gettext as _l

    from planner.core.permissions import Permission
    from planner.invitations import views
    from planner.meetings.tabs import register_tab

    app.register_blueprint(views.bp)
    register_tab("invitations.page", _l("Invitations"), 45, Permission.organize)
