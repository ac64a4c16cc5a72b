"""Invitations in a real Chromium: staff send them to a real SMTP server in chunks driven by the page
(n/N shown, no frozen page), then a delegate opens the link from the e-mail on a phone, answers and gets
the calendar feed; screenshots in tests/artifacts/."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_smoke import assert_no_sideways_scroll
from tests.invitations.scene import link_in, make_scene, serve_smtp

pytestmark = pytest.mark.e2e

smtp = pytest.fixture(serve_smtp, name="smtp")


def test_send_invitations_then_answer_from_the_link_on_a_phone(app, browser, page, live_server, smtp,
                                                              screenshot, artifacts):
    from playwright.sync_api import expect

    from planner.delegates import services as delegates

    smtp.delay = 0.05   # slow enough to see the progress between two chunks
    scene = make_scene(app)
    with scene.open() as s:
        for n in range(1, 71):
            delegates.add_participant(s.meeting, {"full_name": f"Trần Văn Khách {n}", "email": f"khach{n}@example.vn",
                                                  "unit": f"Sở số {n % 7}"})

    page.goto("/login")
    page.fill("input[name=email]", scene.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.goto(f"/meetings/{scene.meeting_id}/invitations")
    expect(page.locator(".subnav a[aria-current=page]")).to_have_text("Giấy mời")
    page.locator("input[name=audience][value=all]").check()
    page.locator(".inv-send-form button.primary").click()
    # The sending is a job (invitations.jobs; the test app runs jobs at once, tests/ops runs a real worker):
    # the page returns and shows the sending's log when the job has done.
    expect(page.locator(".inv-log")).to_be_visible(timeout=30_000)
    screenshot("invitations-sending-desktop", full_page=False)
    expect(page.locator(".inv-sending")).to_have_count(0, timeout=30_000)
    assert len(smtp.messages) == 72
    page.goto(f"/meetings/{scene.meeting_id}/invitations")
    expect(page.locator(".inv-summary")).to_contain_text("72")
    expect(page.locator("select[name=category]")).to_be_hidden()
    screenshot("invitations-desktop", full_page=False)

    # Those without e-mail: their links to print.
    page.locator("button[name=which][value=no_email]").click()
    expect(page.locator(".link-slip")).to_have_count(2)
    screenshot("invitations-print-links-desktop", full_page=False)

    # The delegate opens the link from the e-mail on a phone: no sign-in.
    [message] = smtp.to("an@example.vn")
    secret = link_in(message)
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    phone = context.new_page()
    phone.goto(f"/d/{secret}")
    expect(phone.locator("h1")).to_have_text("Hội nghị tổng kết công tác năm 2026")
    expect(phone.locator(".dp-item.is-mine")).to_contain_text("Phiên khai mạc")
    expect(phone.locator(".delegate-programme")).not_to_contain_text("Báo cáo tình hình an ninh")
    assert_no_sideways_scroll(phone)
    phone.screenshot(path=str(artifacts / "portal-delegate-phone.png"), full_page=True)
    phone.fill("#note", "Đến lúc 7 giờ 30")
    phone.locator("button[name=rsvp][value=accepted]").click()
    expect(phone.locator(".flashes")).to_contain_text("đã xác nhận tham dự")
    expect(phone.locator(".rsvp-state")).to_contain_text("đã xác nhận sẽ tham dự")
    phone.locator(".personal-feed button[type=submit]").click()
    expect(phone.locator(".personal-feed .feed-qr")).to_be_visible()
    assert_no_sideways_scroll(phone)
    phone.locator(".personal-feed").screenshot(path=str(artifacts / "portal-delegate-feed-phone.png"))
    context.close()

    page.set_viewport_size(DESKTOP)
    page.goto(f"/meetings/{scene.meeting_id}/invitations?q=nguyen+van+an")
    expect(page.locator(".inv-table")).to_contain_text("Đến lúc 7 giờ 30")
