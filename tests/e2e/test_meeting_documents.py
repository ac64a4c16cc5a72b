"""The delegate's journey of issue 21 in a real Chromium on a phone: a delegate opens their link, finds the
report under its agenda item, reads it (the vendored PDF.js draws its pages: no CDN, within the CSP), keeps
a private note on it, answers a written consultation through its link and sends a written contribution to
the discussion; staff, on a desktop, then see the read receipt, the consultation's result and the
contribution, and never the note. Screenshots in tests/artifacts/."""

from __future__ import annotations

import pytest

from planner.extensions import db
from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE
from tests.e2e.portal import send_contribution
from tests.e2e.test_smoke import assert_no_sideways_scroll
from tests.invitations.scene import make_scene
from tests.meeting_documents.conftest import pdf_bytes

pytestmark = pytest.mark.e2e


def test_a_delegate_reads_notes_answers_and_contributes_on_a_phone_and_staff_see_it(
        app, browser, page, live_server, factory, screenshot, artifacts, tmp_path):
    from datetime import UTC, datetime, timedelta

    from playwright.sync_api import expect

    from planner.accounts.models import User
    from planner.agenda.models import AgendaItem
    from planner.consultations import services as consultations
    from planner.meeting_documents import services

    # A coming conference (the personal page takes contributions only before an item ends).
    scene = make_scene(app)
    link = scene.link("An")
    with scene.open() as s:
        office = db.session.get(User, factory.user(s.org, role="organizer", clearance="secret",
                                                   email="vanphong@example.vn", password=PASSWORD).id)
        report = db.session.scalar(db.select(AgendaItem).where(AgendaItem.public_id == scene.items["report"]))
        document = services.create_document(
            s.meeting, {"title": "Báo cáo chính trị trình Hội nghị", "kind": "report",
                        "classification": "internal", "agenda_item_id": report.public_id},
            pdf_bytes("Báo cáo tình hình kinh tế - xã hội năm 2026", "Phụ lục: số liệu thu ngân sách"),
            "bao-cao.pdf", user=office)
        services.update_document(document, {"sent": True}, user=office)
        consultation = consultations.create_consultation(s.org, {
            "title": "Dự thảo Quy chế làm việc nhiệm kỳ 2025-2030",
            "question": "Đồng chí có đồng ý thông qua dự thảo Quy chế làm việc không?",
            "deadline": datetime.now(UTC) + timedelta(days=3)}, user=office)
        consultations.add_meeting_delegates(consultation, s.meeting.public_id, user=office)
        consultations.send(consultation, user=office)
        member = next(m for m in consultation.members if m.full_name == "Nguyễn Văn An")
        ids = {"meeting": s.meeting.public_id, "document": document.public_id,
               "discussion": scene.items["discussion"], "consultation": consultation.public_id,
               "consultation_link": consultations.link_secret(member)}
        db.session.commit()

    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size(PHONE)
    page.goto(f"/d/{link}")
    documents = page.locator("#documents")
    expect(documents).to_contain_text("Báo cáo chính trị trình Hội nghị")
    expect(documents).to_contain_text("Chưa đọc")
    assert_no_sideways_scroll(page)
    screenshot("meeting-documents-delegate-phone")
    documents.locator("a.doc-title", has_text="Báo cáo chính trị trình Hội nghị").click()
    expect(page.locator(".reader-page[data-drawn=true]").first).to_be_visible(timeout=20_000)
    expect(page.locator(".pdf-reader")).to_have_attribute("data-pages", "2")
    canvas = page.locator(".reader-page").first
    box = canvas.bounding_box()
    assert box and box["width"] > 300 and box["height"] > box["width"]     # a portrait A4 page, full width
    painted = page.evaluate("""() => {
        const canvas = document.querySelector('.reader-page[data-drawn=true]');
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let dark = 0;
        for (let i = 0; i < data.length; i += 4) { if (data[i + 3] > 0 && data[i] < 200) dark += 1; }
        return dark;
    }""")
    assert painted > 100, "the page was drawn blank"
    assert_no_sideways_scroll(page)
    screenshot("meeting-documents-reader-phone", full_page=False)
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors

    # A private note on the report, back on the personal page.
    page.goto(f"/d/{link}")
    note = page.locator("#documents details.dp-note").first
    note.get_by_text("Ghi chú riêng của tôi").click()
    note.locator("textarea").fill("Hỏi thêm về số liệu thu ngân sách quý IV.")
    note.get_by_role("button", name="Lưu ghi chú").click()
    expect(page.locator(".flashes")).to_contain_text("Đã lưu ghi chú")
    expect(page.locator("#documents details.dp-note textarea").first).to_have_value(
        "Hỏi thêm về số liệu thu ngân sách quý IV.")

    # The written consultation, through its own link.
    page.goto(f"/c/{ids['consultation_link']}")
    expect(page.locator("h1")).to_have_text("Dự thảo Quy chế làm việc nhiệm kỳ 2025-2030")
    page.get_by_label("Ý kiến khác").check()
    page.get_by_label("Nội dung ý kiến").fill("Đề nghị bổ sung quy định về làm việc trực tuyến.")
    page.get_by_role("button", name="Gửi ý kiến").click()
    expect(page.locator(".flashes")).to_contain_text("ý kiến đã được ghi nhận")
    assert_no_sideways_scroll(page)

    # A written contribution to the discussion, from the personal page.
    send_contribution(page, link, ids["discussion"], tmp_path)
    assert_no_sideways_scroll(page)
    screenshot("delegate-journey-phone")

    staff = browser.new_context(base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    office = staff.new_page()
    office.goto("/login")
    office.fill("input[name=email]", "vanphong@example.vn")
    office.fill("input[name=password]", PASSWORD)
    office.locator("main form button[type=submit]").click()
    office.goto(f"/meetings/{ids['meeting']}/documents/{ids['document']}")
    row = office.locator("#receipts tr", has_text="Nguyễn Văn An")
    expect(row).to_contain_text("01")
    expect(row).not_to_contain_text("chưa mở")
    expect(office.locator("#receipts tr", has_text="Trần Thị Bình")).to_contain_text("chưa mở")
    office.screenshot(path=str(artifacts / "meeting-documents-receipts-desktop.png"), full_page=True)
    office.goto(f"/meetings/{ids['meeting']}/documents")
    expect(office.locator(".pack-table tbody tr").first.locator("td").nth(6)).to_have_text("1")
    office.goto(f"/consultations/{ids['consultation']}")
    expect(office.locator("#members")).to_contain_text("Đề nghị bổ sung quy định về làm việc trực tuyến.")
    expect(office.locator(".result-counts")).to_contain_text("Ý kiến khác")
    office.goto(f"/meetings/{ids['meeting']}/speakers/contributions")
    expect(office.locator("main")).to_contain_text("Tham luận về chuyển đổi số trong cơ quan Đảng")
    office.get_by_role("button", name="Nhận").click()
    expect(office.locator(".flashes")).to_be_visible()
    office.screenshot(path=str(artifacts / "delegate-journey-staff-desktop.png"), full_page=True)
    for path in (f"/meetings/{ids['meeting']}/documents/{ids['document']}", f"/meetings/{ids['meeting']}/participants"):
        office.goto(path)
        expect(office.locator("main")).not_to_contain_text("Hỏi thêm về số liệu thu ngân sách quý IV.")
    staff.close()
