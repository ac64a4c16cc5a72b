"""The printed matter of a meeting: the programme booklet, badges, place cards, the seating chart and
the attendance sheet (PDF through typst), and the seats of the hall."""

from __future__ import annotations

from flask import Flask


def setup(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from planner.booklets import exports, services, views
    from planner.core import exports as core_exports
    from planner.meetings.tabs import register_tab

    app.register_blueprint(views.bp)
    register_tab("booklets.print", _l("Print"), 75)
    for exporter in exports.EXPORTERS:
        core_exports.register(exporter.scope, exporter)
    services.remove_files_of_deleted_meetings()

    from planner.booklets import jobs
    from planner.core import queue

    queue.register("booklets.build", jobs.build_booklet, attempts=3, delay=15)
