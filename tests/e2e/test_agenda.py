"""The agenda in a real Chromium: build a small agenda (a session, items, one dragged), publish it, and
look at the editor, the programme, the public page on a phone and the programme printed on A4.
Screenshots (and the PDF with its pages as PNG) go to tests/artifacts/."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.agenda.conftest import Site
from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE
from tests.e2e.test_smoke import assert_no_sideways_scroll

pytestmark = pytest.mark.e2e


def fill_item(page, *, title: str, start: str, end: str, kind: str | None = None, room: str | None = None,
              presiding: list[str] = (), then: str | None = None) -> None:
    if kind:
        page.select_option("#kind", kind)
    page.fill("#title", title)
    page.fill("#start", start)
    page.fill("#end", end)
    if room:
        page.select_option("#room_id", label=room)
    for name in presiding:  # the people picker: type part of the name, pick it from the list
        search = page.locator(".people-picker .picker-input")
        search.fill(name.split()[-1])
        page.locator(".picker-option", has_text=name).first.click()
        from playwright.sync_api import expect

        expect(page.locator(".picker-chip", has_text=name)).to_be_visible()
    if then == "another":
        page.locator("button[name=then][value=another]").click()
    else:
        page.locator(".agenda-form button[type=submit].primary").click()


def session_titles(page) -> list[str]:
    return page.locator(".agenda-children .agenda-title").all_inner_texts()


def test_build_drag_publish_and_print_an_agenda(app, page, live_server, screenshot, artifacts, browser):
    from playwright.sync_api import expect

    site = Site(app, org_name="Văn phòng Tỉnh ủy Quảng Nam")
    page.goto("/login")
    page.fill("input[name=email]", site.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()

    page.goto(site.editor)
    expect(page.locator(".agenda-status")).to_contain_text("Chưa công bố")

    # A session, through its form.
    page.locator(".agenda-toolbar a.button.primary").click()
    expect(page.locator("#kind")).to_have_value("session")
    fill_item(page, title="Phiên khai mạc", start="08:00", end="11:30", room="Hội trường A",
              presiding=["Nguyễn Văn An"])
    expect(page.locator(".flashes")).to_contain_text("Đã thêm “Phiên khai mạc”.")

    # Its items: two ceremonies at the same time, then the report.
    page.locator(".add-in-session a").first.click()
    fill_item(page, kind="ceremony", title="Chào cờ", start="08:00", end="08:10", then="another")
    expect(page.locator("#parent_id option:checked")).to_contain_text("Phiên khai mạc")
    fill_item(page, kind="ceremony", title="Tuyên bố lý do, giới thiệu đại biểu", start="08:00", end="08:10",
              then="another")
    fill_item(page, kind="report", title="Báo cáo tổng kết công tác năm 2026", start="08:10", end="09:30",
              presiding=["Trần Thị Bình"])

    # An item outside the session's time is refused with a message; nothing is lost from the form.
    page.locator(".add-in-session a").first.click()
    fill_item(page, kind="discussion", title="Thảo luận", start="11:00", end="12:00")
    expect(page.locator(".field.has-error")).to_contain_text("nằm ngoài thời gian của phiên “Phiên khai mạc”")
    expect(page.locator("#title")).to_have_value("Thảo luận")
    page.fill("#end", "11:30")
    page.locator(".agenda-form button[type=submit].primary").click()

    # A press briefing at the same time, chaired by the same person: a warning, not a refusal.
    page.locator(".agenda-toolbar a.button", has_text="Thêm nội dung").first.click()
    fill_item(page, kind="other", title="Họp báo", start="09:00", end="09:45", room="Phòng họp B",
              presiding=["Nguyễn Văn An"])
    expect(page.locator(".agenda-conflict-summary")).to_be_visible()
    expect(page.locator("#main .agenda-warnings").first).to_contain_text("Nguyễn Văn An")

    assert session_titles(page) == ["Chào cờ", "Tuyên bố lý do, giới thiệu đại biểu",
                                    "Báo cáo tổng kết công tác năm 2026", "Thảo luận"]

    # Drag the second ceremony above the first (same start time: the manual order changes).
    expect(page.locator(".agenda.sortable-ready")).to_be_visible()
    second = page.locator(".agenda-children > li").nth(1)
    first = page.locator(".agenda-children > li").nth(0)
    with page.expect_navigation():
        second.locator(".drag-handle").drag_to(first.locator(".agenda-row"), target_position={"x": 30, "y": 4})
    expect(page.locator(".agenda-children .agenda-title").first).to_have_text("Tuyên bố lý do, giới thiệu đại biểu")
    assert session_titles(page)[:2] == ["Tuyên bố lý do, giới thiệu đại biểu", "Chào cờ"]

    # The keyboard's way: the ↓ button puts it back.
    page.locator(".agenda-children > li").first.locator("button[value=down]").click()
    assert session_titles(page)[:2] == ["Chào cờ", "Tuyên bố lý do, giới thiệu đại biểu"]
    with page.expect_navigation():
        page.locator(".agenda-children > li").nth(1).locator(".drag-handle").drag_to(
            page.locator(".agenda-children > li").first.locator(".agenda-row"), target_position={"x": 30, "y": 4})
    expect(page.locator(".agenda-children .agenda-title").first).to_have_text("Tuyên bố lý do, giới thiệu đại biểu")
    screenshot("agenda-editor-desktop")

    # Publish version 1.
    page.locator(".meeting-tabs a", has_text="Các bản đã công bố").click()
    expect(page.locator(".change-list")).to_contain_text("Bổ sung: “Phiên khai mạc”.")
    page.fill("#note", "Gửi các đại biểu")
    page.locator("main form button[type=submit].primary").click()
    expect(page.get_by_role("heading", name="Bản 1", exact=True)).to_be_visible()
    screenshot("agenda-release-desktop")

    # The programme as staff see it.
    page.goto(f"/meetings/{site.meeting_id}/programme")
    expect(page.locator(".programme-table").first).to_contain_text("Báo cáo tổng kết công tác năm 2026")
    screenshot("agenda-programme-staff-desktop")

    # The public programme: a published, unclassified meeting, without signing in.
    from planner.extensions import db

    with site.open() as conf:
        conf.meeting.status = "published"
        conf.meeting.public_code = "quangnam2026"
        conf.meeting.venue = "Trung tâm Hội nghị tỉnh"
        db.session.commit()
    anonymous = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url,
                                    locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", java_script_enabled=False)
    public = anonymous.new_page()
    public.goto("/p/quangnam2026")
    expect(public.locator(".programme-kicker")).to_have_text("CHƯƠNG TRÌNH")
    expect(public.locator("thead").first).to_contain_text("STT")
    expect(public.locator("thead").first).to_contain_text("Người thực hiện")
    expect(public.locator(".programme-session").first).to_contain_text("Chủ trì: Nguyễn Văn An")
    public.screenshot(path=str(artifacts / "agenda-programme-public-desktop.png"), full_page=True)
    public.set_viewport_size(PHONE)
    assert_no_sideways_scroll(public)
    public.screenshot(path=str(artifacts / "agenda-programme-public-phone.png"), full_page=True)

    # Printed on A4.
    public.set_viewport_size({"width": 1280, "height": 800})
    public.emulate_media(media="print")
    pdf = artifacts / "agenda-programme.pdf"
    public.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
    anonymous.close()
    assert pdf.stat().st_size > 5000
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf), str(artifacts / "agenda-programme-print")],
                       check=True)
