"""Organizations, users, memberships with their role and clearance, sign-in and API tokens."""

from __future__ import annotations

from typing import Any

from flask import Flask


def setup(app: Flask) -> None:
    """The sign-in and administration pages, the organization's API routes, the API's bearer-token check
    and the templates' ``can``."""
    from planner import api as api_frame
    from planner.accounts import api, services, views
    from planner.accounts.access import can
    from planner.accounts.models import LANGUAGE_LABELS

    app.register_blueprint(views.bp)
    api_frame.register_blueprint(api.blp)
    api_frame.TOKEN_CHECKS.add(services.authenticate_api_token)
    from planner.core import queue

    queue.ACTORS.add(services.active_user)

    @app.context_processor
    def account_globals() -> dict[str, Any]:
        return {"can": can, "LANGUAGE_LABELS": LANGUAGE_LABELS}
