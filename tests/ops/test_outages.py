"""Outages, for real: the database or Redis goes away under a running instance (a TCP proxy between them is
cut), and comes back. Pages answer a friendly, translated 503 with Retry-After (problem+json on the API), a
write cut in the middle leaves nothing behind, the service recovers by itself within seconds (pool
pre-ping), and login rate limiting falls back to per-process counting while Redis is away."""

from __future__ import annotations

import io
import os
import secrets
import shutil
import time
from pathlib import Path

import pytest
import requests
from flask_migrate import upgrade
from redis import Redis
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from planner import create_app
from planner.extensions import db
from tests.conftest import PASSWORD, Client
from tests.ops.live import Browser, Proxy, Server

REDIS_URL = os.environ.get("PLANNER_TEST_REDIS_URL")
IMPORT_ROWS = 12


def wait_until_up(check, seconds: float = 20) -> float:
    """Seconds until ``check()`` is true; fails after ``seconds``."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if check():
            return time.monotonic() - started
        time.sleep(0.25)
    raise AssertionError(f"not back after {seconds} s")


def delegate_list() -> bytes:
    rows = ["Họ và tên,Chức vụ,Đơn vị"]
    rows += [f"Lê Văn Mất Điện {k:02d},Chuyên viên,Sở Tư pháp" for k in range(IMPORT_ROWS)]
    return ("\n".join(rows) + "\n").encode()


def assert_friendly_503(response: requests.Response) -> None:
    assert response.status_code == 503, response.status_code
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Tạm thời gián đoạn" in response.text  # translated (Vietnamese is the default language)
    assert "Traceback" not in response.text and "psycopg" not in response.text


def assert_problem_503(response: requests.Response) -> None:
    assert response.status_code == 503, response.status_code
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 503 and body["detail"]


@pytest.mark.postgres
def test_database_cut_mid_run_answers_503_keeps_nothing_half_written_and_recovers(app, app_config, factory):
    from planner.delegates.models import Participant, Person
    from tests.delegates.conftest import Delegates

    org = factory.organization(name="Văn phòng mất điện")
    organizer = factory.user(org, role="organizer", email="organizer@outage.vn")
    meeting_id = Delegates(app, factory).meeting(org, title="Hội nghị trong lúc mất kết nối")
    token = factory.token(organizer)
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    proxy = Proxy(url.host or "127.0.0.1", url.port or 5432)
    server = Server(url.set(port=proxy.port).render_as_string(hide_password=False), app_config["INSTANCE_PATH"])
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {token}"
    try:
        browser = Browser("organizer@outage.vn", PASSWORD, server.url)
        page = f"{server.url}/meetings/{meeting_id}/participants"
        list_api = f"{server.url}/api/v1/meetings/{meeting_id}/participants"
        assert browser.get(page).status_code == 200
        assert api.get(list_api, timeout=30).status_code == 200

        # An import cut at its last statement (the audit entry), after the people and participants were sent.
        proxy.cut_when = b"INSERT INTO audit_entries"
        answer = api.post(f"{server.url}/api/v1/meetings/{meeting_id}/participants/import",
                          files={"file": ("danh-sach.csv", io.BytesIO(delegate_list()))}, timeout=60)
        assert proxy.cuts == 1, "the import never reached its audit entry"
        assert_problem_503(answer)

        # The database is away: every kind of request says so kindly.
        assert_friendly_503(browser.get(page))
        assert_problem_503(api.get(list_api, timeout=30))
        assert requests.get(f"{server.url}/healthz", timeout=30).status_code == 503
        anonymous = requests.post(f"{server.url}/login", data={"email": "x@y.vn", "password": "x"}, timeout=30)
        assert anonymous.status_code in (400, 503)  # no CSRF token: refused before or at the database

        proxy.restore()
        seconds = wait_until_up(lambda: api.get(list_api, timeout=30).status_code == 200)
        assert browser.get(page).status_code == 200  # the same session still works: nothing was lost
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Person)
                                     .where(Person.name_folded.like("le van mat dien%"))) == 0
        answer = api.post(f"{server.url}/api/v1/meetings/{meeting_id}/participants/import",
                          files={"file": ("danh-sach.csv", io.BytesIO(delegate_list()))}, timeout=60)
        assert answer.status_code == 200, answer.text
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Participant)
                                     .join(Person).where(Person.name_folded.like("le van mat dien%"))) == IMPORT_ROWS
        print(f"\ndatabase outage: 503 with Retry-After on pages, API and /healthz; back {seconds:.1f} s after "
              f"the database returned; the import cut mid-transaction left 0 of {IMPORT_ROWS} rows")
        assert not server.errors(), server.errors()
    finally:
        server.stop()
        proxy.close()


def test_sqlite_database_unavailable_answers_503_and_recovers(tmp_path: Path):
    """SQLite: the database file cannot be opened (its volume is gone); the same answers, then recovery."""
    folder = tmp_path / "volume"
    app = create_app({"TESTING": True, "SECRET_KEY": "outage", "INSTANCE_PATH": str(tmp_path / "instance"),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'planner.db'}",
                      "RATELIMIT_STORAGE_URI": "memory://"})
    app.test_client_class = Client
    client = app.test_client()
    page = client.get("/healthz")
    assert page.status_code == 503 and int(page.headers["Retry-After"]) > 0
    answer = client.get("/api/v1/meetings", headers={"Authorization": "Bearer planner_abc"})
    assert answer.status_code == 503 and answer.mimetype == "application/problem+json"
    assert answer.headers["Retry-After"]
    page = client.post_form("/login", {"email": "thu.ky@example.vn", "password": PASSWORD})
    assert page.status_code == 503 and page.headers["Retry-After"]
    assert "Tạm thời gián đoạn" in page.get_data(as_text=True)
    folder.mkdir()
    with app.app_context():
        upgrade()
    assert client.get("/healthz").status_code == 200
    shutil.rmtree(folder)


@pytest.mark.skipif(not REDIS_URL, reason="needs Redis: set PLANNER_TEST_REDIS_URL (CI sets it)")
def test_redis_cut_rate_limiting_falls_back_to_memory(app, app_config, factory):
    org = factory.organization(name="Văn phòng Redis")
    factory.user(org, role="viewer", email="viewer@redis.vn")
    redis = make_url(REDIS_URL.replace("redis://", "postgresql://"))  # only to read host, port and db number
    proxy = Proxy(redis.host or "127.0.0.1", redis.port or 6379)
    prefix = f"ops-{secrets.token_hex(4)}"  # this run's counters only (the address is 127.0.0.1 every time)
    server = Server(app.config["SQLALCHEMY_DATABASE_URI"], app_config["INSTANCE_PATH"], workers=1,
                    redis_url=f"redis://127.0.0.1:{proxy.port}/{redis.database or 0}",
                    extra_env={"PLANNER_LOGIN_FAILURES_PER_MINUTE": "3", "PLANNER_RATELIMIT_KEY_PREFIX": prefix})
    try:
        def failed_login(email: str) -> int:
            client = requests.Session()
            fields = {"csrf_token": _csrf(client, server.url), "email": email, "password": "wrong password 1"}
            return client.post(f"{server.url}/login", data=fields, allow_redirects=False, timeout=30).status_code

        # Redis up: failures counted there, the fourth answered 429.
        statuses = [failed_login("nobody-1@redis.vn") for _ in range(4)]
        assert statuses[:3] == [200, 200, 200] and statuses[3] == 429, statuses
        store = Redis.from_url(REDIS_URL)
        assert store.keys(f"*{prefix}*"), "the failures were not counted in Redis"

        proxy.cut()
        # Redis away: the app stays up, a good password still signs in, failures are counted in memory.
        assert requests.get(f"{server.url}/login", timeout=30).status_code == 200
        Browser("viewer@redis.vn", PASSWORD, server.url)
        statuses = [failed_login("nobody-2@redis.vn") for _ in range(6)]
        assert 429 in statuses and set(statuses) <= {200, 429}, statuses
        assert statuses[:3] == [200, 200, 200], statuses

        proxy.restore()
        assert requests.get(f"{server.url}/login", timeout=30).status_code == 200
        assert failed_login("nobody-1@redis.vn") == 429  # Redis still remembers this minute's failures
        store.delete(*store.keys(f"*{prefix}*"))
        assert not server.errors(), server.errors()
    finally:
        server.stop()
        proxy.close()


def test_redis_not_there_at_all_does_not_stop_the_app(app, app_config, factory):
    """An instance started while Redis answers nowhere (a dead port) serves and limits logins anyway."""
    org = factory.organization(name="Văn phòng không Redis")
    factory.user(org, role="viewer", email="viewer@noredis.vn")
    dead = Proxy("127.0.0.1", 9)  # listens on a free port, then is cut: nothing answers there
    dead.close()
    server = Server(app.config["SQLALCHEMY_DATABASE_URI"], app_config["INSTANCE_PATH"], workers=1,
                    redis_url=f"redis://127.0.0.1:{dead.port}/0", extra_env={"PLANNER_LOGIN_FAILURES_PER_MINUTE": "2"})
    try:
        Browser("viewer@noredis.vn", PASSWORD, server.url)
        client = requests.Session()
        statuses = []
        for _ in range(5):
            fields = {"csrf_token": _csrf(client, server.url), "email": "nobody@noredis.vn", "password": "wrong 1"}
            statuses.append(client.post(f"{server.url}/login", data=fields, allow_redirects=False,
                                        timeout=30).status_code)
        assert statuses[:2] == [200, 200] and 429 in statuses, statuses
        assert not server.errors(), server.errors()
    finally:
        server.stop()


def _csrf(client: requests.Session, base: str) -> str:
    import re

    page = client.get(f"{base}/login", timeout=30).text
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    assert match, "the login form has no CSRF token"
    return match.group(1)
