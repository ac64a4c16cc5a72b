"""Elections by secret ballot at a congress: lists, ballots, rounds, tallies, results and their documents."""

from __future__ import annotations

from flask import Flask


def setup(app: Flask) -> None:
    """The elections' pages (the meeting's "Elections" tab), API routes and downloads (ballots, counting
    minutes, reports); and the answer to the votes package's question whether a delegate about to join the
    counting committee is on a ballot."""
    from flask_babel import lazy_gettext as _l

    from planner import api as api_frame
    from planner.core import exports as core_exports
    from planner.elections import api, exports, services, views
    from planner.meetings.tabs import register_tab
    from planner.votes import services as vote_services

    app.register_blueprint(views.bp)
    api_frame.register_blueprint(api.blp)
    register_tab("elections.index", _l("Elections"), 66)
    for exporter in exports.EXPORTERS:
        core_exports.register("meeting", exporter)
    vote_services.CANDIDACY.connect(services.candidacy_problem, weak=False)
