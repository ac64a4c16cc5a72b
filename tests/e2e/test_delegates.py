"""The delegates in a real Chromium: the participants tab with the one-field name split live, the
import steps (upload, columns, check, confirm), search without diacritics, the directory and the
attendance sheet; at desktop and phone size, with screenshots in tests/artifacts/."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from tests.conftest import PASSWORD
from tests.delegates.conftest import Delegates
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_smoke import assert_no_sideways_scroll

pytestmark = pytest.mark.e2e


@pytest.fixture
def delegates(app, factory) -> Delegates:
    return Delegates(app, factory)


def _workbook(path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["DANH SÁCH ĐẠI BIỂU DỰ HỘI NGHỊ"])
    sheet.append([])
    sheet.append(["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Thành phần", "Email"])
    sheet.append([1, "Nguyễn Văn Nên", "Ủy viên Bộ Chính trị, Bí thư Thành ủy", "Thành ủy", "Khách mời", ""])
    sheet.append([2, "Đặng Thị Ước", "Chủ tịch UBND tỉnh", "UBND tỉnh", "Khách mời", "uoc@example.vn"])
    for n in range(3, 61):
        sheet.append([n, f"Trần Văn Đại Biểu {n}", "Chuyên viên", f"Sở số {n % 5}", "Đại biểu", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())


def test_add_import_search_and_print_delegates(app, page, live_server, factory, delegates, screenshot, tmp_path):
    from playwright.sync_api import expect

    org = factory.organization(name="Văn phòng Tỉnh ủy Quảng Nam", city="Tam Kỳ")
    user = factory.user(org, role="organizer", clearance="secret", email="tochuc@example.vn")
    meeting = delegates.meeting(org, days=2, title="Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 5")
    page.goto("/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()

    tab = f"/meetings/{meeting}/participants"
    page.goto(tab)
    expect(page.locator(".empty-state")).to_contain_text("Chưa có đại biểu")

    # Someone new: the one field is split as it is typed, and the split can be corrected.
    page.locator(".section-head a.button.primary").click()
    page.fill("#full_name", "Tôn Nữ Thị Ninh")
    expect(page.locator("#family_name")).to_have_value("Tôn")
    expect(page.locator("#middle_name")).to_have_value("Nữ Thị")
    expect(page.locator("#given_name")).to_have_value("Ninh")
    page.fill("#family_name", "Tôn Nữ")
    page.fill("#middle_name", "Thị")
    expect(page.locator("#full_name")).to_have_value("Tôn Nữ Thị Ninh")
    page.fill("#title", "Phó Bí thư Tỉnh ủy")
    page.select_option("#category", "leader")
    screenshot("delegates-new-desktop")
    page.locator("form button.primary[type=submit]").click()
    expect(page.locator(".flashes")).to_contain_text("Đã thêm Tôn Nữ Thị Ninh vào danh sách.")

    # Import: upload, the recognised columns, the check, the confirmation.
    xlsx = tmp_path / "danh-sach.xlsx"
    _workbook(xlsx)
    page.locator(".section-head a", has_text="Nhập từ tệp").click()
    page.set_input_files("input[type=file]", str(xlsx))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#col_1")).to_have_value("full_name")
    expect(page.locator("#col_0")).to_have_value("")
    screenshot("delegates-import-columns-desktop")
    page.locator("main form button.primary").click()
    expect(page.locator(".import-summary")).to_contain_text("60")
    screenshot("delegates-import-check-desktop")
    page.locator(".confirm-import button.primary").click()
    expect(page.locator(".flashes")).to_contain_text("thêm 60")

    # Protocol order, then a search without diacritics.
    names = page.locator(".participants-table .name-cell a")
    expect(names.first).to_have_text("Nguyễn Văn Nên")
    expect(names.nth(1)).to_have_text("Tôn Nữ Thị Ninh")
    expect(page.locator(".pager")).to_be_visible()
    screenshot("delegates-list-desktop", full_page=False)
    page.fill("#q", "dang thi uoc")
    page.locator(".filters button[type=submit]").click()
    expect(names).to_have_count(1)
    expect(names.first).to_have_text("Đặng Thị Ước")

    page.set_viewport_size(PHONE)
    page.goto(tab + "?order=name")
    assert_no_sideways_scroll(page)
    screenshot("delegates-list-phone", full_page=False)
    page.goto("/people?q=tran+van")
    assert_no_sideways_scroll(page)
    expect(page.locator(".people-table tbody tr")).to_have_count(50)
    screenshot("delegates-directory-phone", full_page=False)

    page.set_viewport_size(DESKTOP)
    page.goto(tab)
    page.locator(".section-head a", has_text="Danh sách ký tên").click()
    expect(page.locator(".att-title")).to_have_text("DANH SÁCH ĐẠI BIỂU DỰ HỌP")
    expect(page.locator(".att-table tbody tr")).to_have_count(61)
    expect(page.locator(".att-date")).to_contain_text("Tam Kỳ, ngày")
    screenshot("delegates-attendance-sheet-desktop", full_page=False)
