"""Planner: plans and runs the meetings and conferences of an organizing office."""

from __future__ import annotations

import os
import zoneinfo
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, has_request_context, request, session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine

from planner import config as config_module

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class PlannerFlask(Flask):
    """Flask whose every request is one unit of work (core.db.request_unit): the services a view calls
    stage their changes, and the request commits them once, or rolls them all back."""

    def dispatch_request(self) -> Any:
        from planner.core.db import request_unit

        return request_unit(super().dispatch_request)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    instance_path = (config or {}).get("INSTANCE_PATH") or os.environ.get("PLANNER_INSTANCE_PATH")
    app = PlannerFlask(__name__, instance_relative_config=True, instance_path=instance_path)
    config_module.load(app, config)
    _trust_proxies(app)

    from planner.extensions import babel, csrf, db, limiter, migrate

    _import_models()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=_select_locale, timezone_selector=_select_timezone)
    _init_login(app)
    from planner.core import queue

    queue.init_app(app)
    for package in _packages():
        package.setup(app)

    from planner.cli import register as register_cli

    register_cli(app)
    return app


def _packages() -> tuple[Any, ...]:
    """Every package with something to register, in the order of DESIGN.md's layers: core and the API frame,
    the domains, then the products and faces. Each package's setup registers all it offers (pages, API
    routes, tabs, downloads, the hooks of the packages below it); nothing registers itself on import."""
    from planner import (
        accounts,
        agenda,
        api,
        archive,
        booklets,
        calendars,
        consultations,
        core,
        delegates,
        elections,
        home,
        invitations,
        meeting_documents,
        meetings,
        minutes,
        portal,
        reports,
        speeches,
        votes,
    )

    return (core, api, accounts, meetings, delegates, agenda, speeches, minutes, votes, elections, meeting_documents,
            consultations, calendars, booklets, reports, invitations, archive, portal, home)


def _trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client's address, scheme and host from their
    X-Forwarded-* headers (so that login limits count clients, not the proxy); never without the setting,
    or anyone could claim any address."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def _import_models() -> None:
    """Every model must be known to the metadata that migrations compare against."""
    import planner.accounts.models
    import planner.agenda.models
    import planner.booklets.models
    import planner.calendars.models
    import planner.consultations.models
    import planner.core.audit
    import planner.core.queue
    import planner.delegates.models
    import planner.documents.models
    import planner.elections.models
    import planner.invitations.models
    import planner.meeting_documents.models
    import planner.meetings.models
    import planner.minutes.models
    import planner.portal.models
    import planner.reports.models
    import planner.speeches.models
    import planner.votes.models  # noqa: F401


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """SQLite enforces foreign keys only when asked, and waits for locks instead of failing. Write-ahead
    logging lets readers go on while one writes (several workers, the door at 7:30) and makes a commit one
    append instead of several syncs: synchronous=NORMAL is the safe setting in that mode."""
    module = type(dbapi_connection).__module__
    if module.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")  # an in-memory database answers "memory" and stays so
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _init_login(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from planner.accounts.access import load_request_organization
    from planner.accounts.services import load_user
    from planner.extensions import login_manager

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)

    @app.before_request
    def _organization_and_zone() -> None:
        if not request.path.startswith("/api/") and not request.path.startswith("/static/"):
            load_request_organization()
        org = getattr(g, "organization", None)
        g.timezone = zoneinfo.ZoneInfo(org.timezone if org else app.config["BABEL_DEFAULT_TIMEZONE"])


def _select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.path.startswith("/api/"):
        user = getattr(g, "api_user", None)
        if request.accept_languages:
            return request.accept_languages.best_match(languages) or (user.language if user else "vi")
        return user.language if user else current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    chosen = session.get("language")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _select_timezone() -> str:
    org = getattr(g, "organization", None)
    return org.timezone if org else current_app.config["BABEL_DEFAULT_TIMEZONE"]
