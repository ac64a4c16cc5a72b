"""Headers and sessions: every HTML page carries the security headers (CSP without unsafe-inline,
frame-ancestors, nosniff, Referrer-Policy), HSTS only when TLS is configured, a new session at login (a
cookie from before cannot be fixed on a victim), logout ends the cookie for good (replaying it fails),
and the password rules refuse short and common passwords with a clear message."""

from __future__ import annotations

import pytest

from planner import create_app
from planner.accounts import services as accounts
from planner.core.errors import ValidationError
from tests.conftest import PASSWORD
from tests.security.scene import build
from tests.security.test_authorization_matrix import _routes, _url

COOKIE = "planner_session"


def _assert_page_headers(url: str, response) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {d.strip().split(" ")[0]: d.strip() for d in csp.split(";") if d.strip()}
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, f"{url}: {csp}"
    assert directives.get("script-src") == "script-src 'self'", f"{url}: {csp}"
    assert directives.get("frame-ancestors") == "frame-ancestors 'none'", f"{url}: {csp}"
    assert directives.get("object-src") == "object-src 'none'", f"{url}: {csp}"
    assert response.headers.get("X-Frame-Options") == "DENY", url
    assert response.headers.get("X-Content-Type-Options") == "nosniff", url
    assert response.headers.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin"), url
    assert "Strict-Transport-Security" not in response.headers, f"{url}: HSTS without TLS configured"


def test_every_html_page_carries_the_security_headers(app, factory, capsys):
    """Every GET route of the URL map (taken from the map, so a new page cannot escape), as an admin and
    as an anonymous visitor: each HTML answer (pages, error pages, the login page) has the headers."""
    scene = build(app, factory)
    admin, anonymous = app.test_client(), app.test_client()
    admin.login(scene.users["admin"].email)
    pages = 0
    for rule, method in _routes(app, api=False):
        if method != "GET" or rule.endpoint == "static":
            continue
        url = _url(app, rule, "admin", scene)
        for client in (admin, anonymous):
            response = client.get(url)
            if response.mimetype == "text/html":
                _assert_page_headers(url, response)
                pages += 1
            assert response.headers.get("X-Content-Type-Options") == "nosniff", url
    # An error page too (the 404 of an unknown address).
    _assert_page_headers("/no/such/page", anonymous.get("/no/such/page"))
    assert pages >= 60, f"only {pages} HTML answers: the walk did not reach the pages"
    with capsys.disabled():
        print(f"\nsecurity headers: {pages} HTML answers checked")


def test_api_answers_are_not_sniffed_or_framed(app, factory):
    user = factory.user(role="admin")
    headers = {"Authorization": f"Bearer {factory.token(user)}"}
    client = app.test_client()
    for url in ("/api/v1/organization", "/api/v1/meetings", "/api/v1/no-such"):
        response = client.get(url, headers=headers)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["Cache-Control"] == "no-store"


def test_hsts_only_when_tls_is_configured(app_config, tmp_path):
    plain = create_app({**app_config, "INSTANCE_PATH": str(tmp_path / "plain")}).test_client()
    assert "Strict-Transport-Security" not in plain.get("/login").headers
    behind_tls = create_app({**app_config, "INSTANCE_PATH": str(tmp_path / "tls"), "HSTS_SECONDS": 31536000})
    response = behind_tls.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_hsts_can_be_set_from_the_environment(app_config, tmp_path, monkeypatch):
    monkeypatch.setenv("PLANNER_HSTS_SECONDS", "600")
    app = create_app({k: v for k, v in {**app_config, "INSTANCE_PATH": str(tmp_path)}.items()})
    assert app.test_client().get("/login").headers["Strict-Transport-Security"].startswith("max-age=600;")


def _cookie(client) -> str:
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None, "no session cookie"
    return cookie.value


def _replay(app, value: str):
    """A fresh browser that presents a captured cookie."""
    other = app.test_client()
    other.set_cookie(COOKIE, value)
    return other


def test_login_gives_a_new_session_and_a_fixed_cookie_stays_anonymous(app, client, factory):
    user = factory.user()
    client.get("/login")
    client.csrf_token()   # the anonymous session now exists, as an attacker could plant it
    before = _cookie(client)
    client.login(user.email)
    after = _cookie(client)
    assert after != before
    # The victim's pre-login cookie, known to the attacker, does not follow the victim into the account.
    assert _replay(app, before).get("/account").status_code == 302
    assert _replay(app, after).get("/account").status_code == 200


def test_a_cookie_replayed_after_logout_is_refused(app, client, factory):
    user = factory.user()
    client.login(user.email)
    stolen = _cookie(client)
    assert _replay(app, stolen).get("/account").status_code == 200
    client.logout()
    replayed = _replay(app, stolen).get("/account")
    assert replayed.status_code == 302 and replayed.headers["Location"].startswith("/login")
    # Signing in again works, and gives yet another cookie.
    client.login(user.email)
    assert _cookie(client) != stolen and client.get("/account").status_code == 200


def test_session_cookie_flags(client, factory):
    user = factory.user()
    response = client.login(user.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and f"{COOKIE}=" in cookie


@pytest.mark.parametrize(("password", "message"), [
    ("short-1", "ít nhất 10 ký tự"),
    ("1234567890", "quá dễ đoán"),
    ("Password123", "quá dễ đoán"),
    ("matkhau123", "quá dễ đoán"),
    ("aaaaaaaaaaaa", "quá dễ đoán"),
    ("thu.phan-2026!", "không được chứa địa chỉ e-mail"),
])
def test_weak_passwords_are_refused_with_a_clear_message(app, client, factory, password, message):
    user = factory.user(email="thu.phan@example.vn")
    client.login(user.email)
    refused = client.post_form("/account/password", {"current_password": PASSWORD, "password": password,
                                                     "confirm": password})
    assert refused.status_code == 422
    assert message in refused.text
    # Nothing changed: the old password still signs in.
    client.logout()
    client.login(user.email, PASSWORD)


def test_password_rules_speak_english_too(app, factory):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        from flask_babel import force_locale

        with force_locale("en"), pytest.raises(ValidationError) as refused:
            accounts.check_password_rules("short", "x@example.vn")
        assert "at least 10 characters" in refused.value.message and refused.value.field == "password"
        with force_locale("en"), pytest.raises(ValidationError) as common:
            accounts.check_password_rules("qwertyuiop", "x@example.vn")
        assert "too easy to guess" in common.value.message
        accounts.check_password_rules("a-long-and-unusual-passphrase", "x@example.vn")
