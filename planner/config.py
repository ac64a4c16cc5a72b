"""Configuration: defaults, then the instance folder, then the environment.

The environment wins so that one image can run anywhere: ``SECRET_KEY``, ``DATABASE_URL``,
``PLANNER_REDIS_URL`` and any ``PLANNER_<NAME>`` (which sets ``<NAME>``).
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

DEFAULTS: dict[str, Any] = {
    # "development" lets the app invent a secret key; anything else demands one.
    "ENV": "production",
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SQLALCHEMY_RECORD_QUERIES": False,
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "SESSION_COOKIE_NAME": "planner_session",
    "PERMANENT_SESSION_LIFETIME": 12 * 3600,
    # HSTS only where TLS is terminated in front of us (see README, Security and operations).
    "HSTS_SECONDS": 0,
    # How many reverse proxies in front set X-Forwarded-For/-Proto/-Host; 0: those headers are ignored.
    "TRUSTED_PROXIES": 0,
    "WTF_CSRF_TIME_LIMIT": 12 * 3600,
    "BABEL_DEFAULT_LOCALE": "vi",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
    "LANGUAGES": ["vi", "en"],
    "REDIS_URL": None,
    "RATELIMIT_STORAGE_URI": "memory://",
    # Off: its after-request hook would overwrite the Retry-After of other answers (503).
    "RATELIMIT_HEADERS_ENABLED": False,
    # A Redis outage must not take the app down: fall back to per-process counting.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_SWALLOW_ERRORS": True,
    # Failed sign-ins (accounts.throttle): free ones per address and per account, then a wait of 1, 2, 4 …
    # seconds up to LOGIN_MAX_DELAY; forgotten after LOGIN_FORGET_AFTER seconds without a failure.
    "LOGIN_FREE_FAILURES": 5,
    "LOGIN_FREE_FAILURES_PER_ACCOUNT": 20,
    "LOGIN_MAX_DELAY": 15 * 60,
    "LOGIN_FORGET_AFTER": 3600,
    # A coarse guard against floods: failed sign-ins per address and minute (in Redis when configured).
    "LOGIN_FAILURES_PER_MINUTE": 30,
    # PASSWORD_MIN_LENGTH: below, with MAIL_PASSWORD
    "INVITATION_VALID_DAYS": 7,
    # Delegates' invitations by e-mail (invitations.services). An empty MAIL_SERVER turns sending off:
    # the invitations page then offers the personal links to copy and print instead.
    "MAIL_SERVER": "localhost",
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,   # STARTTLS after connecting (port 587)
    "MAIL_USE_SSL": False,   # TLS from the start (port 465)
    "MAIL_USERNAME": "",
    # MAIL_PASSWORD: below (empty; set it in the environment or instance/config.py)
    "MAIL_FROM": "",         # the sender's address; empty: planner@<the server's host name>
    "MAIL_TIMEOUT": 20,
    # The task queue (core.queue): huey on Redis when REDIS_URL is set, else on SQLite at QUEUE_PATH (empty:
    # instance/queue.db). QUEUE_IMMEDIATE runs each job at once in the process that asks (on under TESTING).
    # A job whose worker is silent for JOB_STALE_SECONDS is sent to the queue again (the sweep).
    "QUEUE_PATH": "",
    "JOB_STALE_SECONDS": 300,
    # Documents are rendered (typst) in RENDER_PROCESSES processes beside each worker, each replaced after
    # RENDER_DOCUMENTS documents, so that no web worker keeps typst's memory; 0 renders in the worker (the
    # default under TESTING).
    "RENDER_DOCUMENTS": 25,
    # The Print tab builds the booklet of a meeting with more participants than this in a job.
    "BOOKLET_SYNC_LIMIT": 300,
    # The Dossier tab builds the dossier of a meeting with more participants than this in a job.
    "DOSSIER_SYNC_LIMIT": 300,
    "API_TITLE": "Planner API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {"description": "Planner's JSON API. Authenticate with `Authorization: Bearer <token>`."},
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearerAuth": []}],
    },
}
# Named "password" but no secret (a rule; an empty default that the environment fills): on one line, so
# that bandit's answer stays on it.
DEFAULTS.update(PASSWORD_MIN_LENGTH=10, MAIL_PASSWORD="")  # nosec B106


def _coerce(raw: str) -> Any:
    """Environment values are strings; accept JSON for numbers, booleans and lists."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def database_url(raw: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the operator used."""
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def load(app: Flask, overrides: dict[str, Any] | None) -> None:
    app.config.update(DEFAULTS)
    app.config["ENV"] = os.environ.get("PLANNER_ENV", DEFAULTS["ENV"])
    app.config.from_pyfile("config.py", silent=True)

    for key, raw in os.environ.items():
        if key.startswith("PLANNER_") and key not in ("PLANNER_ENV", "PLANNER_REDIS_URL"):
            name = key.removeprefix("PLANNER_")
            if not name.startswith(("TEST_", "BENCH_")):
                app.config[name] = _coerce(raw)
    if os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("PLANNER_REDIS_URL"):
        app.config["REDIS_URL"] = os.environ["PLANNER_REDIS_URL"]

    if overrides:
        app.config.update(overrides)

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.setdefault("STORAGE_PATH", str(instance / "storage"))
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'planner.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config.get("REDIS_URL") and app.config["RATELIMIT_STORAGE_URI"] == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]

    if not app.config.get("SECRET_KEY"):
        if app.config["ENV"] == "development" or app.config.get("TESTING"):
            app.config["SECRET_KEY"] = _development_secret(instance)
        else:
            raise RuntimeError(
                "SECRET_KEY is not set. Set the SECRET_KEY environment variable (for example "
                "`export SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')`) "
                "or put SECRET_KEY in instance/config.py. Only PLANNER_ENV=development may run without one."
            )


def _development_secret(instance: Path) -> str:
    """Keep one random key per development instance so logins survive a restart."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
