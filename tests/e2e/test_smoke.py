"""A walk through the app in a real Chromium: sign in, the home page, both languages, the
administration, sign out; screenshots of the main pages at desktop and phone size go to
tests/artifacts/ for a person to look at."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.e2e


def assert_no_sideways_scroll(page) -> None:
    """Nothing may be wider than the screen: wide tables scroll inside their own box."""
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    width = page.viewport_size["width"]
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px on a {width}px wide screen"


def test_sign_in_switch_language_administer_and_sign_out(page, live_server, factory, screenshot):
    from playwright.sync_api import expect

    org = factory.organization(name="Văn phòng Tỉnh ủy Thừa Thiên Huế", parent_name="Tỉnh ủy Thừa Thiên Huế",
                               city="Huế")
    admin = factory.user(org, role="admin", email="quantri@example.vn", name="Nguyễn Thị Thu Hà")
    factory.user(org, role="secretary", email="thuky@example.vn", name="Lê Thị Mai")

    # The home page sends strangers to the login page, in Vietnamese by default.
    page.goto("/")
    expect(page).to_have_url(live_server("/login"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    screenshot("login-desktop")

    # A wrong password keeps us on the form with a message.
    page.fill("input[name=email]", admin.email)
    page.fill("input[name=password]", "not-the-password")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(live_server("/login"))
    expect(page.locator("main form")).to_contain_text("Sai")
    screenshot("login-error-desktop")

    page.fill("input[name=email]", admin.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(live_server("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Nguyễn Thị Thu Hà")
    expect(page.locator("main")).to_contain_text("Văn phòng Tỉnh ủy Thừa Thiên Huế")
    expect(page.locator("main")).to_contain_text("Huế, ngày")
    screenshot("home-desktop")

    # English, from the button in the top bar; the page we were on comes back.
    page.locator(".lang-switch button[value=en]").click()
    expect(page).to_have_url(live_server("/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Good day, Nguyễn Thị Thu Hà")
    expect(page.locator(".topbar")).to_contain_text("Sign out")
    expect(page.locator(".lang-switch button[value=en]")).to_have_attribute("aria-pressed", "true")
    screenshot("home-desktop-en")

    page.locator(".lang-switch button[value=vi]").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Nguyễn Thị Thu Hà")
    expect(page.locator(".topbar")).to_contain_text("Đăng xuất")

    # The administration, from the top bar.
    page.locator("#main-nav").get_by_role("link", name="Quản trị").click()
    expect(page).to_have_url(live_server("/admin/users"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Người dùng và vai trò")
    table = page.locator("table")
    expect(table).to_contain_text("Nguyễn Thị Thu Hà")
    expect(table).to_contain_text("Lê Thị Mai")
    expect(table).to_contain_text("thuky@example.vn")
    screenshot("users-desktop")

    # The same page on a phone: the menu folds behind a button.
    page.set_viewport_size(PHONE)
    assert_no_sideways_scroll(page)
    screenshot("users-phone")
    toggle = page.locator(".nav-toggle")
    expect(toggle).to_be_visible()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#main-nav").get_by_role("link", name="Quản trị")).to_be_visible()
    screenshot("users-phone-menu")
    page.set_viewport_size(DESKTOP)

    page.locator(".nav-user").get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(live_server("/login"))
    expect(page.locator(".flashes")).to_contain_text("Bạn đã đăng xuất.")
    page.goto("/admin/users")
    expect(page).to_have_url(live_server("/login?next=%2Fadmin%2Fusers"))


def test_login_page_on_a_phone(page, live_server, screenshot):
    page.set_viewport_size(PHONE)
    page.goto("/login")
    heading = page.get_by_role("heading", name="Đăng nhập")
    assert heading.is_visible()
    assert_no_sideways_scroll(page)
    box = page.locator("main form button[type=submit]").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    screenshot("login-phone")
