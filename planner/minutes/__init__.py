"""Minutes and conclusion notices: draft, revisions, approval; the official documents of a meeting."""

from __future__ import annotations

from flask import Flask


def setup(app: Flask) -> None:
    """The minutes' pages and API routes and the meeting's official documents (downloads through meetings)."""
    from flask_babel import lazy_pgettext as pgettext

    from planner import api as api_frame
    from planner.core import exports as core_exports
    from planner.meetings.tabs import register_tab
    from planner.minutes import api, checks, exports, views

    app.register_blueprint(views.bp)
    api_frame.register_blueprint(api.blp)
    register_tab("minutes.edit", pgettext("document", "Minutes"), 60)
    checks.register(*checks.MINUTES_CHECKS)   # what approval checks first (others add theirs in their setup)
    for exporter in exports.EXPORTERS:
        core_exports.register(exporter.scope, exporter)
