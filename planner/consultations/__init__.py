"""Written consultation (lấy ý kiến bằng văn bản): questions put to members in writing between meetings."""

from __future__ import annotations

from flask import Flask


def setup(app: Flask) -> None:
    """The consultation pages and the members' links, the downloads of the result, the reminder command."""
    from planner.consultations import cli, exports, views

    app.register_blueprint(views.bp)
    exports.register()
    app.extensions.setdefault("planner.commands", {})["consultations"] = cli.consultations_cli
