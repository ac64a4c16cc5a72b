"""Delegates: people and their participation in a meeting in protocol order, imports, check-in, invitations."""

from __future__ import annotations

from flask import Flask


def setup(app: Flask) -> None:
    """The delegates' pages, their API routes and downloads."""
    from flask_babel import lazy_gettext as _l

    from planner import api as api_frame
    from planner.core import exports
    from planner.delegates import api, services, views
    from planner.meetings.services import register_people_resolver
    from planner.meetings.tabs import register_tab

    app.register_blueprint(views.bp)
    api_frame.register_blueprint(api.blp)
    register_tab("delegates.participants", _l("Delegates"), 40)
    for exporter in views.EXPORTERS:
        exports.register(exporter.scope, exporter)
    # Chairs and secretaries chosen from the directory or the office's staff become participants first.
    register_people_resolver(services.resolve_people)
