"""Written consultation (lấy ý kiến bằng văn bản): questions put to members in writing between meetings."""

from __future__ import annotations

from flask import Flask


def setup(app: Flask) -> None:
    """The consultation pages and the members' links, the downloads of the result, the reminders (a periodic
    job, and the command)."""
    from huey import crontab

    from planner.consultations import cli, exports, jobs, views
    from planner.core import queue

    app.register_blueprint(views.bp)
    exports.register()
    queue.periodic("consultations.remind", jobs.remind, crontab(minute="*/15"))
    app.extensions.setdefault("planner.commands", {})["consultations"] = cli.consultations_cli
