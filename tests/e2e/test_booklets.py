"""The Print tab in a real Chromium: choose the booklet's sections and see its pages, give out the
seats and move one, on a desktop and a phone. Screenshots, and the PDFs' first pages as PNG, go to
tests/artifacts/."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.booklets.conftest import Site
from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE
from tests.e2e.jobs import DESKTOP, desktop_and_phone
from tests.e2e.test_meetings import sign_in
from tests.e2e.test_smoke import assert_no_sideways_scroll

pytestmark = pytest.mark.e2e


def _pdf_pages_as_png(pdf: bytes, name: str, artifacts, last: int = 2) -> None:
    if shutil.which("pdftoppm") is None:
        return
    path = artifacts / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", str(last), str(path), str(artifacts / name)],
                   check=True)


def test_choose_the_booklet_and_give_out_the_seats(app, page, live_server, factory, screenshot, artifacts):
    from playwright.sync_api import expect

    site = Site(app, factory)
    page.goto("/login")
    page.fill("input[name=email]", site.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".main-nav")).to_be_visible()

    # The Print tab: every document of the meeting.
    page.goto(site.url("/print"))
    expect(page.locator(".meeting-tabs a[aria-current=page]")).to_have_text("In")
    expect(page.locator(".print-cards .card")).to_have_count(6)
    screenshot("booklets-print-desktop")

    # The booklet: A4, with the delegate list; the saved settings show the new pages.
    page.locator(".print-cards a", has_text="Chọn nội dung và xem trước").click()
    page.check("input[name=paper][value=a4]")
    page.locator(".booklet-form label", has_text="Danh sách đại biểu theo đoàn").click()
    page.locator(".booklet-form label", has_text="Bản dự thảo").click()
    page.fill("#practical_info", "- Xe đưa đón khởi hành lúc 6 giờ 30.\n- Ăn trưa tại Nhà khách Tỉnh ủy.")
    page.locator(".booklet-form button[type=submit]").click()
    expect(page.locator(".flashes")).to_contain_text("Đã lưu thiết lập tài liệu chương trình")
    expect(page.locator("input[name=paper][value=a4]")).to_be_checked()
    expect(page.locator(".booklet-pages img").first).to_be_visible()
    assert page.locator(".booklet-pages img").count() >= 6
    page.locator(".booklet-pages img").last.scroll_into_view_if_needed()
    # Every preview image loaded (asked property by property: the CSP forbids wait_for_function's eval).
    images = page.locator(".booklet-pages img")
    for index in range(images.count()):
        expect(images.nth(index)).to_have_js_property("complete", True)
        assert images.nth(index).evaluate("image => image.naturalWidth") > 0
    screenshot("booklets-booklet-desktop")
    booklet = page.request.get(live_server(site.export("booklet.pdf")))
    assert booklet.ok and booklet.headers["content-type"] == "application/pdf"
    _pdf_pages_as_png(booklet.body(), "booklets-booklet-a4", artifacts, last=4)

    # The seats: given out by protocol, then one moved by clicking its seat in the chart.
    page.goto(site.url("/print/seating"))
    page.fill("#rows", "3")
    page.fill("#seats_per_row", "6")
    page.fill("#presidium_size", "3")
    page.locator(".seating-plan button[type=submit]").click()
    expect(page.locator(".flashes")).to_contain_text("Đã lưu sơ đồ hội trường")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[action$='/print/seating/assign'] button").click()
    expect(page.locator(".flashes")).to_contain_text("2 ghế đoàn chủ tịch, 4 ghế trong hội trường")
    expect(page.locator(".presidium-seat.taken")).to_have_count(2)
    page.locator(".hall-grid td[title='B-1'] a").click()
    expect(page.locator("#seat")).to_have_value("B-1")
    page.select_option("#participant", site.people["Võ Thị Ê"])
    page.locator("#seat-form button[type=submit]").click()
    expect(page.locator(".flashes")).to_contain_text("Võ Thị Ê ngồi ghế B-1.")
    expect(page.locator(".hall-grid td[title='B-1: Võ Thị Ê']")).to_be_visible()
    screenshot("booklets-seating-desktop")
    chart = page.request.get(live_server(site.export("seating-chart.pdf")))
    _pdf_pages_as_png(chart.body(), "booklets-seating-chart", artifacts, last=1)
    for name in ("badges", "place-cards", "attendance-sheet"):
        response = page.request.get(live_server(site.export(f"{name}.pdf")))
        assert response.ok, name
        _pdf_pages_as_png(response.body(), f"booklets-{name}", artifacts, last=1)

    # A phone: the cards stack, the hall scrolls inside its own box.
    page.set_viewport_size(PHONE)
    for path, name in (("/print", "booklets-print-phone"), ("/print/seating", "booklets-seating-phone")):
        page.goto(site.url(path))
        assert_no_sideways_scroll(page)
        screenshot(name)


def test_a_big_booklet_is_built_by_a_job_the_preview_follows(app, page, factory, screenshot, held_jobs, monkeypatch):
    """The job path of the booklet (BOOKLET_SYNC_LIMIT): the preview waits for its job, follows its progress,
    shows the pages when it is done; a job that failed says why and offers to try again, as the dossier's
    job does (the one box, templates/_job.html)."""
    from playwright.sync_api import expect

    from planner.booklets import services
    from planner.documents.render import RenderError

    monkeypatch.setitem(app.config, "BOOKLET_SYNC_LIMIT", 3)
    site = Site(app, factory)
    held_jobs.hold("booklets.build")
    page.set_viewport_size(DESKTOP)
    sign_in(page, site.email)
    real = services.booklet_path

    def out_of_paper(*_args, **_kwargs):
        raise RenderError("typst template booklet.typ failed: out of paper")

    monkeypatch.setattr(services, "booklet_path", out_of_paper)
    page.goto(site.url("/print/booklet"))
    box = page.locator("#preview .job")
    expect(box).to_have_attribute("data-state", "queued")
    expect(box.locator(".job-note")).to_contain_text("Trang này tự cập nhật")
    [job] = held_jobs.jobs("booklets.build")
    desktop_and_phone(page, screenshot, "booklets-job-queued", "#preview")
    while held_jobs.run_to_end(job.public_id) == "retrying":
        pass
    retry = box.locator(".job-retry button")     # a POST: following a link starts nothing
    expect(retry).to_have_text("Thử lại", timeout=20_000)              # the page reloaded itself
    expect(box.locator(".job-state")).to_contain_text("Không thành công")
    expect(box.locator(".job-error")).to_contain_text("Công việc bị dừng do lỗi kỹ thuật")
    desktop_and_phone(page, screenshot, "booklets-job-failed", "#preview")

    expect(page.locator("#booklet-download-waits")).to_be_visible()   # no download before it is built
    monkeypatch.setattr(services, "booklet_path", real)
    with page.expect_navigation():
        retry.click()
    again = held_jobs.jobs("booklets.build")[-1]
    assert again.public_id != job.public_id
    held_jobs.run(again.public_id, pause_at=1)
    assert held_jobs.paused.wait(120)
    expect(box).to_have_attribute("data-state", "running", timeout=20_000)
    expect(box.locator(".job-state")).to_contain_text("Đang chạy — 1/2 bước")
    desktop_and_phone(page, screenshot, "booklets-job-running", "#preview")
    held_jobs.finish()
    expect(page.locator(".booklet-pages img").first).to_be_visible(timeout=20_000)
    expect(page.locator("#preview .job")).to_have_count(0)
    expect(page.locator("#booklet-download-waits")).to_have_count(0)   # built: the download is offered
    desktop_and_phone(page, screenshot, "booklets-job-done", "#preview")
