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

    from huey import crontab

    from planner.core import queue
    from planner.reports import jobs

    queue.periodic("reports.reminders", jobs.send_reminders, crontab(minute="10"), attempts=4, delay=60)
