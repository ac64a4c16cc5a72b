"""Behind a reverse proxy: X-Forwarded-* are believed only when TRUSTED_PROXIES says how many proxies set them."""

from __future__ import annotations

from flask import request

from planner import create_app

FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "hop.example.vn"}


def _seen(tmp_path, **config) -> str:
    app = create_app({"TESTING": True, "SECRET_KEY": "proxy", "INSTANCE_PATH": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": "sqlite://", **config})
    app.add_url_rule("/_seen", "seen", lambda: f"{request.remote_addr} {request.scheme} {request.host}")
    return app.test_client().get("/_seen", headers=FORWARDED, environ_base={"REMOTE_ADDR": "10.0.0.2"}).text


def test_forwarded_headers_are_ignored_unless_proxies_are_trusted(tmp_path):
    assert _seen(tmp_path) == "10.0.0.2 http localhost"


def test_one_trusted_proxy_gives_the_client_address_scheme_and_host(tmp_path):
    assert _seen(tmp_path, TRUSTED_PROXIES=1) == "203.0.113.7 https hop.example.vn"
