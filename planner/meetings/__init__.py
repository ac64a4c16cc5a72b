"""Meetings: their kind, days and hours, recurrence, rooms, status, and the frame of a meeting's pages."""

from __future__ import annotations

from flask import Flask


def setup(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from planner import api as api_frame
    from planner.meetings import api, views
    from planner.meetings.tabs import register_tab

    app.register_blueprint(views.bp)
    api_frame.register_blueprint(api.blp)
    register_tab("meetings.detail", _l("Overview"), 10)
    register_tab("meetings.rooms", _l("Rooms"), 80)
