"""The dossier of a meeting for the archive (hồ sơ): see services.py."""

from __future__ import annotations

from flask import Flask


def setup(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from planner.archive import exports, services, views
    from planner.core import exports as core_exports
    from planner.core.permissions import Permission
    from planner.meetings.tabs import register_tab

    app.register_blueprint(views.bp)
    register_tab("archive.dossier", _l("Dossier"), 65, Permission.organize)
    for exporter in exports.EXPORTERS:
        core_exports.register(exporter.scope, exporter)

    from planner.archive import jobs
    from planner.core import queue

    queue.register(services.JOB, jobs.build_dossier, attempts=3, delay=15)
