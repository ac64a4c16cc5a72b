from planner.accounts.models import User
from planner.extensions import db
from tests.conftest import PASSWORD


def test_login_page_and_successful_login(client, factory):
    user = factory.user(role="viewer")
    page = client.get("/login")
    assert page.status_code == 200
    assert 'name="csrf_token"' in page.text
    response = client.login(user.email)
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Người dùng" in home.text


def test_wrong_password_is_refused_with_a_message(client, factory):
    user = factory.user()
    response = client.post_form("/login", {"email": user.email, "password": "not-the-password"})
    assert response.status_code == 200
    assert "Sai địa chỉ e-mail hoặc mật khẩu" in response.text
    assert client.get("/").status_code == 302


def test_post_without_csrf_token_is_400(client, factory):
    user = factory.user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Biểu mẫu đã hết hạn" in response.text


def test_eleventh_failed_login_in_a_minute_is_429_per_account(client, factory):
    user = factory.user()
    for _ in range(10):
        assert client.post_form("/login", {"email": user.email, "password": "wrong"}).status_code == 200
    blocked = client.post_form("/login", {"email": user.email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Retry-After" in blocked.headers


def test_failed_logins_are_limited_per_address_across_accounts(client, factory):
    for n in range(10):
        client.post_form("/login", {"email": f"nobody{n}@example.vn", "password": "wrong"})
    user = factory.user()
    assert client.post_form("/login", {"email": user.email, "password": PASSWORD}).status_code == 429


def test_successful_logins_do_not_count_as_failures(client, factory):
    user = factory.user()
    for _ in range(12):
        client.login(user.email)
        client.logout()


def test_deactivated_user_cannot_sign_in(client, factory, app):
    user = factory.user()
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert client.post_form("/login", {"email": user.email, "password": PASSWORD}).status_code == 200
    assert client.get("/").status_code == 302


def test_logout_ends_the_session(client, factory):
    user = factory.user()
    client.login(user.email)
    assert client.get("/account").status_code == 200
    assert client.logout().status_code == 302
    assert client.get("/account").status_code == 302


def test_login_rotates_the_session(client, factory):
    user = factory.user()
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    client.login(user.email)
    with client.session_transaction() as sess:
        assert "planted" not in sess


def test_next_parameter_only_allows_local_paths(client, factory):
    user = factory.user()
    response = client.post_form("/login", {"email": user.email, "password": PASSWORD, "next": "//evil.example/x"})
    assert response.headers["Location"] == "/"
    client.logout()
    response = client.post_form("/login", {"email": user.email, "password": PASSWORD, "next": "/account"})
    assert response.headers["Location"] == "/account"


def test_protected_page_redirects_anonymous_to_login(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_language_switch(client, factory):
    page = client.get("/login")
    assert "Đăng nhập" in page.text
    client.post_form("/language", {"language": "en", "next": "/login"})
    assert "Sign in" in client.get("/login").text
    user = factory.user(language="vi")
    client.login(user.email)
    # The user's own preference wins once signed in; switching updates it.
    assert "Trang chủ" in client.get("/").text
    client.post_form("/language", {"language": "en", "next": "/"})
    assert "Home" in client.get("/").text
