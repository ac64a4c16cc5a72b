"""The shared core: knows no domain."""

from __future__ import annotations

from typing import Any

from flask import Flask


def setup(app: Flask) -> None:
    """Error pages and problem+json, the input gate, security headers, template filters and globals, the
    built static files, and the health check."""
    from flask_babel import get_locale

    from planner.core import assets, formatting, web
    from planner.core.permissions import CLASSIFICATION_LABELS, ROLE_LABELS, Permission

    web.register(app)
    formatting.register_filters(app)
    assets.init_app(app)

    @app.context_processor
    def core_globals() -> dict[str, Any]:
        return {
            "Permission": Permission,
            "ROLE_LABELS": ROLE_LABELS,
            "CLASSIFICATION_LABELS": CLASSIFICATION_LABELS,
            "current_language": str(get_locale() or "vi"),
        }

    @app.get("/healthz")
    def healthz():
        from sqlalchemy import text

        from planner.extensions import db

        db.session.execute(text("SELECT 1"))
        return {"status": "ok"}
