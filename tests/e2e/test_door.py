"""The check-in desk in a real Chromium on a phone (390×844): a list imported through the import steps,
a search as one types (without diacritics), a tap to check in, a badge code typed and Enter, undo, and
the counts following; screenshots in tests/artifacts/."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from planner.extensions import db
from tests.conftest import PASSWORD
from tests.delegates.conftest import Delegates
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_smoke import assert_no_sideways_scroll

pytestmark = pytest.mark.e2e


def _workbook(path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Thành phần", "Email"])
    sheet.append([1, "Nguyễn Văn Nên", "Ủy viên Bộ Chính trị, Bí thư Thành ủy", "Thành ủy", "Khách mời", ""])
    sheet.append([2, "Đặng Thị Ước", "Chủ tịch UBND tỉnh", "UBND tỉnh", "Khách mời", "uoc@example.vn"])
    sheet.append([3, "Hồ Đức Phớc", "Giám đốc Sở Tài chính", "Sở Tài chính", "Đại biểu", ""])
    for n in range(4, 41):
        sheet.append([n, f"Trần Văn Đại Biểu {n}", "Chuyên viên", f"Sở số {n % 5}", "Đại biểu", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())


def test_import_search_and_check_in_at_the_door_on_a_phone(app, page, live_server, factory, screenshot, tmp_path):
    from playwright.sync_api import expect

    from planner.delegates.models import Participant

    delegates = Delegates(app, factory)
    org = factory.organization(name="Văn phòng Tỉnh ủy Quảng Nam", city="Tam Kỳ")
    user = factory.user(org, role="organizer", clearance="secret", email="cuavao@example.vn")
    today = Delegates.today()
    meeting = delegates.meeting(org, starts_on=today, days=2, title="Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 5")

    page.goto("/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()

    # The list comes in through the import steps that exist (upload, columns, check, confirm).
    xlsx = tmp_path / "danh-sach.xlsx"
    _workbook(xlsx)
    page.goto(f"/meetings/{meeting}/participants/import")
    page.set_input_files("input[type=file]", str(xlsx))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#col_1")).to_have_value("full_name")
    page.locator("main form button.primary").click()
    expect(page.locator(".import-summary")).to_contain_text("40")
    page.locator(".confirm-import button.primary").click()
    expect(page.locator(".flashes")).to_contain_text("thêm 40")

    with app.app_context():
        code = db.session.scalar(select(Participant.badge_code).where(Participant.title == "Giám đốc Sở Tài chính"))

    # At the door, on a phone.
    page.set_viewport_size(PHONE)
    page.goto(f"/meetings/{meeting}/door")
    expect(page.locator('[data-count="present"]')).to_have_text("0")
    expect(page.locator('[data-count="expected"]')).to_have_text("40")
    assert_no_sideways_scroll(page)
    screenshot("door-empty-phone", full_page=False)

    # Search as one types, without diacritics: no Enter needed.
    page.locator("#door-q").press_sequentially("dang thi uoc", delay=30)
    results = page.locator(".door-results .door-person")
    expect(results).to_have_count(1)
    expect(results.first.locator(".door-name")).to_contain_text("Đặng Thị Ước")
    screenshot("door-search-phone", full_page=False)

    # One tap.
    results.first.locator("button.door-tap").click()
    expect(page.locator(".door-message")).to_contain_text("Đã điểm danh Đặng Thị Ước.")
    expect(results.first).to_have_class("door-person is-present")
    expect(page.locator('[data-count="present"]')).to_have_text("1")

    # A badge code typed (as printed, with its space) and Enter: checked in at once.
    page.fill("#door-q", f"{code[:4]} {code[4:]}")
    page.locator("#door-q").press("Enter")
    expect(page.locator(".door-message")).to_contain_text("Đã điểm danh Hồ Đức Phớc.")
    expect(page.locator('[data-count="present"]')).to_have_text("2")
    expect(page.locator(".door-categories")).to_contain_text("Đại biểu 1/38")
    assert_no_sideways_scroll(page)
    screenshot("door-checked-in-phone", full_page=False)

    # Typed again at another moment: it counts once.
    page.fill("#door-q", code)
    page.locator("#door-q").press("Enter")
    expect(page.locator(".door-message")).to_contain_text("đã được điểm danh trước đó")
    expect(page.locator('[data-count="present"]')).to_have_text("2")

    # Undo from the message.
    page.locator(".door-message .door-undo").click()
    expect(page.locator(".door-message")).to_contain_text("Đã hủy điểm danh Hồ Đức Phớc.")
    expect(page.locator('[data-count="present"]')).to_have_text("1")

    # A check-in from another desk shows up here by itself (the counts are polled).
    with app.test_request_context():
        from planner.delegates import services

        nen = db.session.scalar(select(Participant).where(Participant.title.like("Ủy viên Bộ Chính trị%")))
        services.check_in(nen)
        db.session.remove()
    expect(page.locator('[data-count="present"]')).to_have_text("2", timeout=12_000)
    screenshot("door-after-undo-phone", full_page=False)

    page.set_viewport_size(DESKTOP)
    page.goto(f"/meetings/{meeting}/door?q=tran+van")
    expect(page.locator(".door-results .door-person")).to_have_count(20)
    screenshot("door-desktop", full_page=False)
