"""The agenda of a meeting: items and sessions, their times and rooms, conflicts, published versions."""

from __future__ import annotations

from flask import Flask


def setup(app: Flask) -> None:
    """The agenda's pages and API routes, its tabs, and the audit of every download of a meeting's files
    that may carry classified items."""
    from flask_babel import lazy_gettext as _l

    from planner import api as api_frame
    from planner.agenda import api, services, views
    from planner.core import exports
    from planner.meetings.tabs import register_tab

    app.register_blueprint(views.bp)
    api_frame.register_blueprint(api.blp)
    register_tab("agenda.editor", _l("Agenda"), 20)
    register_tab("agenda.releases", _l("Published versions"), 30)
    exports.audit_builds("meeting", services.audit_download)
