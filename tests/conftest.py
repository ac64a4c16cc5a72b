"""Fixtures: one migrated database per run (SQLite, or PostgreSQL via PLANNER_TEST_DATABASE_URL),
wiped after every test that used it, an app, a client that speaks CSRF, and factories."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import create_engine, text

from planner import create_app
from planner.extensions import db, limiter
from tests import factories
from tests.factories import PASSWORD

PG_URL = os.environ.get("PLANNER_TEST_DATABASE_URL")
# CI sets this so that a missing tool (Chromium, poppler, a font, PostgreSQL) fails the run instead of
# skipping tests quietly; on a developer's machine such tests skip and say why.
REQUIRE_ALL_TOOLS = os.environ.get("PLANNER_REQUIRE_ALL_TOOLS", "") not in ("", "0")
POSTGRES_ONLY = "needs PostgreSQL: set PLANNER_TEST_DATABASE_URL (make test runs it in its PostgreSQL pass)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if PG_URL:
        return
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(pytest.mark.skip(reason=POSTGRES_ONLY))


def _skip_reason(longrepr: Any) -> str:
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def _expected_skip(item: pytest.Item) -> bool:
    """Tests marked `postgres` skip in the SQLite pass of `make test`; the PostgreSQL pass runs them."""
    return not PG_URL and item.get_closest_marker("postgres") is not None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    if REQUIRE_ALL_TOOLS and report.skipped and not hasattr(report, "wasxfail") and not _expected_skip(item):
        report.outcome = "failed"
        report.longrepr = (f"skipped, but PLANNER_REQUIRE_ALL_TOOLS=1 forbids skips: "
                           f"{_skip_reason(report.longrepr)}")
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    report = yield
    if REQUIRE_ALL_TOOLS and report.skipped:
        report.outcome = "failed"
        report.longrepr = (f"{collector.nodeid} skipped at collection, but PLANNER_REQUIRE_ALL_TOOLS=1 forbids "
                           f"skips: {_skip_reason(report.longrepr)}")
    return report


def _reset_postgres(url: str) -> None:
    from planner.config import database_url

    engine = create_engine(database_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if PG_URL:
        _reset_postgres(PG_URL)
        return PG_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'planner-test.db'}"


@pytest.fixture(scope="session")
def app_config(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
        # The sources, served by Flask: tests/core/test_assets.py builds and checks the compressed copies.
        "STATIC_BUILD_PATH": str(tmp_path_factory.mktemp("no-static-build")),
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": None,
    }


@pytest.fixture(scope="session")
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(app_config)
    app.test_client_class = Client
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def wipe(app: Flask) -> None:
    """Empty every table (but alembic's): fast, and it works across threads and server processes."""
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in db.metadata.sorted_tables]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for name in reversed(tables):
                    conn.execute(text(f"DELETE FROM {name}"))


@pytest.fixture(autouse=True)
def _isolated(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "app" in request.fixturenames:
        application = request.getfixturevalue("app")
        wipe(application)
        with application.app_context():
            limiter.reset()


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """A request context for calling services directly, as a view would."""
    with app.test_request_context():
        yield
        db.session.remove()


class Client(FlaskClient):
    """A test client that sends the CSRF token forms carry, and signs in."""

    def csrf_token(self) -> str:
        with self.session_transaction() as sess:
            raw = sess.setdefault("csrf_token", secrets.token_hex(20))
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)

    def post_form(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any):
        payload = {"csrf_token": self.csrf_token(), **(data or {})}
        return self.post(url, data=payload, **kwargs)

    def login(self, email: str, password: str = PASSWORD):
        response = self.post_form("/login", {"email": email, "password": password})
        assert response.status_code == 302, f"login of {email} failed: {response.status_code}"
        return response

    def logout(self):
        return self.post_form("/logout")


@pytest.fixture
def client(app: Flask) -> Client:
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


class Factory:
    """Organizations, users and API tokens made in a request context of their own (tests through the test
    client must not share one with their requests), answered as plain handles. The models and everything
    else come from tests/factories.py, called inside a context."""

    def __init__(self, app: Flask):
        self.app = app
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def organization(self, **data: Any):
        with self.app.test_request_context():
            data.setdefault("name", f"Văn phòng số {self._next()}")
            org = factories.organization(**data)
            return _OrgRef(org.id, org.public_id, org.name)

    def user(self, org=None, role: str = "viewer", clearance: str = "internal", email: str | None = None,
             name: str | None = None, password: str | None = PASSWORD, language: str = "vi"):
        from planner.accounts.models import Organization

        with self.app.test_request_context():
            org = db.session.get(Organization, org.id) if org is not None else None
            if org is None:
                org = factories.organization(name=f"Văn phòng số {self._next()}", city="Huế")
            n = self._next()
            user = factories.user(org, role=role, clearance=clearance, email=email or f"user{n}@example.vn",
                                  name=name or f"Người dùng {n}", password=password, language=language)
            return _Ref(user.id, user.email, org.id, user.public_id)

    def token(self, user_ref) -> str:
        from planner.accounts import services
        from planner.accounts.models import Organization, User

        with self.app.test_request_context():
            user = db.session.get(User, user_ref.id)
            org = db.session.get(Organization, user_ref.organization_id)
            _token, secret = services.issue_api_token(user, org, "test")
            return secret


class _OrgRef:
    def __init__(self, id: int, public_id: str, name: str):
        self.id = id
        self.public_id = public_id
        self.name = name


class _Ref:
    """A plain handle on a created user: ids survive the session that made them."""

    def __init__(self, id: int, email: str, organization_id: int, public_id: str):
        self.id = id
        self.email = email
        self.organization_id = organization_id
        self.public_id = public_id


@pytest.fixture
def factory(app: Flask) -> Factory:
    return Factory(app)


def meta_csrf(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)
