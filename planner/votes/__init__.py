"""Votes (biểu quyết) on agenda items, electronic voting from the delegates' pages, and the congress bodies."""

from __future__ import annotations

from flask import Flask


def setup(app: Flask) -> None:
    """The votes pages and API routes, the meeting's "Votes" tab, and the vote results in the minutes draft."""
    from flask_babel import lazy_gettext as _l

    from planner import api as api_frame
    from planner.meetings.tabs import register_tab
    from planner.minutes import services as minutes_services
    from planner.votes import api, services, views

    app.register_blueprint(views.bp)
    api_frame.register_blueprint(api.blp)
    register_tab("votes.index", _l("Votes"), 55)
    minutes_services.VOTE_RESULTS.add(services.minutes_decisions)
