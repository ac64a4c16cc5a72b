"""Above single meetings: the staff's to-do list and the statistics of the meetings held."""

from __future__ import annotations

from flask import Flask


def setup(app: Flask) -> None:
    from planner import api as api_frame
    from planner.core import exports as core_exports
    from planner.reports import api, exports, views

    app.register_blueprint(views.bp)
    api_frame.register_blueprint(api.blp)
    for exporter in exports.EXPORTERS:
        core_exports.register(exporter.scope, exporter)
