"""Calendar feeds (a meeting's, a delegate's, a staff user's) and single iCal downloads."""

from __future__ import annotations

from flask import Flask


def setup(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from planner import api as api_frame
    from planner.calendars import api, views
    from planner.core import exports
    from planner.meetings.tabs import register_tab

    app.register_blueprint(views.bp)
    api_frame.register_blueprint(api.blp)
    register_tab("calendars.meeting_feeds", _l("Calendar"), 70)
    for exporter in views.EXPORTERS:
        exports.register(exporter.scope, exporter)
