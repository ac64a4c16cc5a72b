import pytest

from planner import create_app


def test_security_headers_and_cookie_flags(client, factory):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    user = factory.user()
    client.login(user.email)
    assert client.get("/account").headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_script(client, factory):
    user = factory.user(role="admin")
    client.login(user.email)
    for url in ("/", "/account", "/admin/users", "/admin/organization", "/admin/audit"):
        html = client.get(url).text
        assert "<script>" not in html and "onclick=" not in html and "style=" not in html, url


def test_friendly_translated_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.text
    assert "Traceback" not in response.text


def test_request_too_large_is_413(app_config, tmp_path):
    app = create_app({**app_config, "MAX_CONTENT_LENGTH": 100, "INSTANCE_PATH": str(tmp_path)})
    response = app.test_client().post("/login", data={"email": "x" * 500})
    assert response.status_code == 413
    assert "Tệp quá lớn" in response.text


@pytest.fixture
def broken_app(app_config, tmp_path):
    app = create_app({**app_config, "INSTANCE_PATH": str(tmp_path), "PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    app.testing = False
    return app


def test_unexpected_error_is_a_friendly_500_without_details(broken_app):
    response = broken_app.test_client().get("/boom")
    assert response.status_code == 500
    assert "secret internals" not in response.text
    assert "Đã có lỗi" in response.text


def test_database_outage_is_503_with_retry_after(app_config, tmp_path):
    # Nothing listens on port 1: every query fails as it does when PostgreSQL is stopped.
    app = create_app({**app_config, "INSTANCE_PATH": str(tmp_path), "PROPAGATE_EXCEPTIONS": False,
                      "SQLALCHEMY_DATABASE_URI": "postgresql://nobody@127.0.0.1:1/none",
                      "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "connect_args": {"connect_timeout": 2}}})
    app.testing = False
    client = app.test_client()
    api = client.get("/api/v1/organization", headers={"Authorization": "Bearer pl_x"})
    assert api.status_code == 503
    assert api.mimetype == "application/problem+json"
    assert api.headers["Retry-After"] == "5"
    html = client.get("/setup/some-token")
    assert html.status_code == 503
    assert html.headers["Retry-After"] == "5"
    assert "tạm thời" in html.text.lower()
