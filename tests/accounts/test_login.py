import pytest

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


class Clock:
    """The throttle's clock, moved by hand: waits of seconds to minutes without sleeping."""

    def __init__(self, monkeypatch):
        from datetime import UTC, datetime

        self.now = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
        monkeypatch.setattr("planner.accounts.throttle.utcnow", lambda: self.now)

    def advance(self, seconds: float) -> None:
        from datetime import timedelta

        self.now += timedelta(seconds=seconds)


WRONG = "wrong password 1"


def _try(client, email: str, password: str = WRONG, address: str = "198.51.100.7"):
    return client.post_form("/login", {"email": email, "password": password},
                            environ_base={"REMOTE_ADDR": address})


def test_failed_logins_wait_a_growing_delay_instead_of_a_lock(client, factory, monkeypatch):
    clock = Clock(monkeypatch)
    user = factory.user()
    for _ in range(5):   # the free failures
        assert _try(client, user.email).status_code == 200
    waits = []
    for _ in range(5):
        refused = _try(client, user.email, PASSWORD)
        assert refused.status_code == 429 and "Thử lại sau" in refused.text
        waits.append(int(refused.headers["Retry-After"]))
        clock.advance(waits[-1])
        assert _try(client, user.email).status_code == 200   # its turn: a wrong password again
    assert waits == [1, 2, 4, 8, 16]
    clock.advance(32)
    assert _try(client, user.email, PASSWORD).status_code == 302   # the owner, once the wait is over


def test_refused_tries_count_nothing_and_move_no_deadline(client, factory, monkeypatch):
    clock = Clock(monkeypatch)
    user = factory.user()
    for n in range(7):
        clock.advance(60 if n else 0)
        assert _try(client, user.email).status_code == 200
    # Now 4 s to wait (7th failure); forty refused tries within them change nothing.
    for _ in range(40):
        assert _try(client, user.email).status_code == 429
        clock.advance(0.09)
    clock.advance(4 - 40 * 0.09)
    assert _try(client, user.email, PASSWORD).status_code == 302


def test_the_delay_is_the_same_for_every_worker_and_instance(app, app_config, client, factory, monkeypatch):
    """Two app instances on one database (as two gunicorn workers or two machines): one count. Counted
    in each process, the limit let 17 tries through before the first 429 with two workers."""
    from planner import create_app
    from tests.conftest import Client

    other_app = create_app({**app_config, "INSTANCE_PATH": app_config["INSTANCE_PATH"] + "-other"})
    other_app.test_client_class = Client
    other = other_app.test_client()
    Clock(monkeypatch)
    user = factory.user()
    statuses = [_try(client if n % 2 else other, user.email).status_code for n in range(8)]
    assert statuses == [200] * 5 + [429] * 3, statuses


def test_a_stranger_hammering_an_account_does_not_keep_its_owner_out(client, factory, monkeypatch):
    clock = Clock(monkeypatch)
    user = factory.user()
    failures = 0
    for _ in range(200):   # an hour of a stranger's tries from one address, each as soon as allowed
        response = _try(client, user.email, address="203.0.113.66")
        if response.status_code == 429:
            clock.advance(int(response.headers["Retry-After"]))
        else:
            failures += 1
    assert failures >= 15
    assert _try(client, user.email, address="203.0.113.66").status_code == 429   # the stranger waits
    assert _try(client, user.email, PASSWORD, address="192.0.2.10").status_code == 302   # the owner does not


def test_many_addresses_slow_an_account_down_but_never_lock_it(client, factory, monkeypatch):
    clock = Clock(monkeypatch)
    user = factory.user()
    for n in range(20):   # a distributed guess: four addresses, five free failures each
        assert _try(client, user.email, address=f"203.0.113.{n // 5 + 1}").status_code == 200
    refused = _try(client, user.email, PASSWORD, address="192.0.2.10")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    clock.advance(1)
    assert _try(client, user.email, PASSWORD, address="192.0.2.10").status_code == 302
    client.logout()
    assert _try(client, user.email, address="203.0.113.9").status_code == 200   # the account starts afresh
    assert _try(client, user.email, PASSWORD, address="192.0.2.10").status_code == 302


def test_failed_logins_are_limited_per_address_across_accounts(client, factory, monkeypatch):
    Clock(monkeypatch)
    for n in range(5):
        assert _try(client, f"nobody{n}@example.vn").status_code == 200
    user = factory.user()
    assert _try(client, user.email, PASSWORD).status_code == 429
    assert _try(client, user.email, PASSWORD, address="192.0.2.10").status_code == 302


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


@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example/x", "/\t/evil.example/x",
                                    "https://evil.example/", "javascript:alert(1)"])
def test_next_parameter_only_allows_local_paths(client, factory, target):
    user = factory.user()
    response = client.post_form("/login", {"email": user.email, "password": PASSWORD, "next": target})
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
