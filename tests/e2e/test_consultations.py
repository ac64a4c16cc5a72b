"""A delegate's journey on a phone, in a real Chromium: they open their consultation link and answer it,
send a written contribution and keep a private note from their personal page; then staff, on a desktop,
see the consultation's result and accept the contribution. Screenshots in tests/artifacts/."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE
from tests.e2e.portal import send_contribution
from tests.e2e.test_smoke import assert_no_sideways_scroll
from tests.invitations.scene import make_scene

pytestmark = pytest.mark.e2e


def test_a_delegate_answers_contributes_and_notes_on_a_phone_and_staff_see_it(app, browser, page, live_server,
                                                                            artifacts, tmp_path):
    from playwright.sync_api import expect

    from planner.consultations import services as consultations

    scene = make_scene(app)
    delegate_link = scene.link("An")
    with scene.open() as s:
        c = consultations.create_consultation(s.org, {
            "title": "Dự thảo Quy chế làm việc nhiệm kỳ 2025-2030",
            "question": "Đồng chí có đồng ý thông qua dự thảo Quy chế làm việc không?",
            "deadline": datetime.now(UTC) + timedelta(days=3)}, user=s.user)
        consultations.add_meeting_delegates(c, s.meeting.public_id, user=s.user)
        consultations.send(c, user=s.user)
        member = next(m for m in c.members if m.full_name == "Nguyễn Văn An")
        consultation_id, consultation_link = c.public_id, consultations.link_secret(member)

    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15_000)
    phone = context.new_page()

    # The consultation, through its own link.
    phone.goto(f"/c/{consultation_link}")
    expect(phone.locator("h1")).to_have_text("Dự thảo Quy chế làm việc nhiệm kỳ 2025-2030")
    assert_no_sideways_scroll(phone)
    phone.get_by_label("Ý kiến khác").check()
    phone.get_by_label("Nội dung ý kiến").fill("Đề nghị bổ sung quy định về làm việc trực tuyến.")
    phone.get_by_role("button", name="Gửi ý kiến").click()
    expect(phone.locator(".flashes")).to_contain_text("ý kiến đã được ghi nhận")
    expect(phone.locator(".member-answer")).to_contain_text("Ý kiến khác")
    assert_no_sideways_scroll(phone)
    phone.screenshot(path=str(artifacts / "consultation-member-phone.png"), full_page=True)

    # A written contribution on the discussion, then a private note on the report, from the personal page.
    send_contribution(phone, delegate_link, scene.items["discussion"], tmp_path)
    report = phone.locator(f"#item-{scene.items['report']}")
    report.get_by_text("Ghi chú riêng của tôi").click()
    report.locator("textarea").fill("Hỏi thêm về số liệu quý IV.")
    report.get_by_role("button", name="Lưu ghi chú").click()
    expect(phone.locator(".flashes")).to_contain_text("Đã lưu ghi chú")
    expect(phone.locator(f"#item-{scene.items['report']} textarea")).to_have_value("Hỏi thêm về số liệu quý IV.")
    assert_no_sideways_scroll(phone)
    phone.screenshot(path=str(artifacts / "portal-contribution-note-phone.png"), full_page=True)
    context.close()

    # Staff see the result and the contribution, and accept it.
    page.goto("/login")
    page.fill("input[name=email]", scene.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.goto(f"/consultations/{consultation_id}")
    expect(page.locator("#members")).to_contain_text("Đề nghị bổ sung quy định về làm việc trực tuyến.")
    expect(page.locator(".result-counts")).to_contain_text("Ý kiến khác")
    page.screenshot(path=str(artifacts / "consultation-staff-desktop.png"), full_page=True)
    page.goto(f"/meetings/{scene.meeting_id}/speakers/contributions")
    expect(page.locator("main")).to_contain_text("Tham luận về chuyển đổi số trong cơ quan Đảng")
    page.get_by_role("button", name="Nhận").click()
    expect(page.locator(".flashes")).to_be_visible()
    page.screenshot(path=str(artifacts / "contributions-staff-desktop.png"), full_page=True)
    # the private note is nowhere on the staff side
    page.goto(f"/meetings/{scene.meeting_id}/participants")
    expect(page.locator("main")).not_to_contain_text("Hỏi thêm về số liệu quý IV.")
