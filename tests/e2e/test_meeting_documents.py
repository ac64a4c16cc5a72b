"""The document pack in a real Chromium on a phone: a delegate opens their link, finds the report under its
agenda item, reads it (the vendored PDF.js draws its pages: no CDN, within the CSP), and staff then see the
read receipt on the document's page. Screenshots in tests/artifacts/. (Private notes on a document belong
to the consultation work of issue 21 and are tested with it.)"""

from __future__ import annotations

import pytest

from planner.extensions import db
from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE
from tests.e2e.test_smoke import assert_no_sideways_scroll
from tests.meeting_documents.conftest import pdf_bytes
from tests.speeches.conftest import make_hall

pytestmark = pytest.mark.e2e


def test_a_delegate_reads_the_report_on_a_phone_and_staff_see_the_receipt(app, browser, page, live_server,
                                                                        factory, screenshot, artifacts):
    from playwright.sync_api import expect

    from planner.invitations import services as invitations
    from planner.meeting_documents import services

    with app.test_request_context():
        hall = make_hall(factory, role="organizer", clearance="secret")
        factory.user(hall.org, role="organizer", clearance="secret", email="vanphong@example.vn",
                     password=PASSWORD)
        document = services.create_document(
            hall.meeting, {"title": "Báo cáo chính trị trình Hội nghị", "kind": "report",
                           "classification": "internal", "agenda_item_id": hall.report.public_id},
            pdf_bytes("Báo cáo tình hình kinh tế - xã hội năm 2026", "Phụ lục: số liệu thu ngân sách"),
            "bao-cao.pdf", user=hall.user)
        services.update_document(document, {"sent": True}, user=hall.user)
        link = invitations.ensure_link(hall.people[0])
        ids = {"meeting": hall.meeting.public_id, "document": document.public_id}
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
    staff.close()
