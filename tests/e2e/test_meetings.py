"""Meetings and the work calendar in a real Chromium: create a meeting through the form, look at the list
and the overview, then the week calendar (desktop and phone), the month, and the week printed on one
A4 landscape page. Screenshots (and the printed PDF as PNG) go to tests/artifacts/."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import time, timedelta

import pytest

from planner.extensions import db
from tests.conftest import PASSWORD
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_smoke import assert_no_sideways_scroll
from tests.meetings.conftest import MONDAY, make_site, open_office

pytestmark = pytest.mark.e2e


def a_busy_week(app, factory, *, extra: int = 0):
    """An office whose week of MONDAY holds a conference, the weekly briefing, a classified meeting and
    others; next week's briefing moved to Tuesday afternoon, the one after cancelled."""
    from planner.meetings import services

    site = make_site(app, name="Văn phòng Thành ủy Đà Nẵng", parent_name="Thành ủy Đà Nẵng",
                     city="Đà Nẵng")
    with app.test_request_context():
        office = open_office(site)
        conference = office.meeting(
            title="Hội nghị toàn quốc tổng kết công tác văn phòng cấp ủy năm 2026",
            starts_on=MONDAY + timedelta(days=3), ends_on=MONDAY + timedelta(days=4), start_time=time(7, 30),
            end_time=time(17), venue="Trung tâm Hành chính thành phố, 24 Trần Phú")
        chair = office.participant(conference, "Nguyễn", "Văn", "Quảng", 1)
        services.set_presiding(conference, [chair.public_id])
        services.set_status(conference, "published")
        briefing = office.briefing(title="Giao ban Văn phòng Thành ủy", venue="Phòng họp số 1")
        services.set_status(briefing, "published")
        services.move_occurrence(briefing, MONDAY + timedelta(weeks=1), new_date=MONDAY + timedelta(weeks=1, days=1),
                                 new_start_time=time(14), new_end_time=time(16), new_venue="Phòng họp số 2",
                                 note="Lãnh đạo Văn phòng đi công tác.")
        services.cancel_occurrence(briefing, MONDAY + timedelta(weeks=2), note="Trùng Hội nghị Ban Chấp hành.")
        office.meeting(title="Họp Ban Thường vụ Thành ủy (nội dung mật)", kind="meeting",
                       classification="confidential", starts_on=MONDAY + timedelta(days=1), start_time=time(14),
                       end_time=time(17), venue="Phòng họp Ban Thường vụ")
        office.meeting(title="Tập huấn nghiệp vụ văn thư, lưu trữ", kind="training",
                       starts_on=MONDAY + timedelta(days=2), start_time=time(8), end_time=time(11, 30),
                       venue="Hội trường B")
        office.meeting(title="Làm việc với Văn phòng Tỉnh ủy Quảng Nam", kind="meeting",
                       starts_on=MONDAY + timedelta(days=2), start_time=time(14, 30), end_time=time(16, 30),
                       venue="Phòng khách số 1")
        for i in range(extra):
            office.meeting(title=f"Cuộc họp chuyên đề số {i + 1} về công tác tham mưu tổng hợp",
                           kind="meeting", starts_on=MONDAY + timedelta(days=i % 6),
                           start_time=time(7 + (i * 3) % 10, 30), end_time=time(9 + (i * 3) % 10),
                           venue=f"Phòng họp số {i % 4 + 1}, tầng {i % 3 + 2}")
        db.session.remove()
    return site


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/")


def print_week(page, path) -> tuple[int, float, float]:
    """The week's print view as a PDF: (pages, width, height) in points."""
    page.emulate_media(media="print")
    page.pdf(path=str(path), print_background=True, prefer_css_page_size=True)
    page.emulate_media(media="screen")
    data = path.read_bytes()
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
        width, height = (float(v) for v in re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", info, re.M).groups())
    else:
        pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
        width, height = (float(v) for v in re.search(rb"/MediaBox\s*\[0 0 ([\d.]+) ([\d.]+)\]", data).groups())
    return pages, width, height


def to_png(pdf, name: str, artifacts) -> None:
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(artifacts / name)], check=True)


def test_create_a_meeting_and_see_the_list_and_overview(page, live_server, app, factory, screenshot):
    from playwright.sync_api import expect

    site = a_busy_week(app, factory)
    sign_in(page, site.email)
    page.locator("#main-nav").get_by_role("link", name="Cuộc họp").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cuộc họp")
    expect(page.locator("table")).to_contain_text("Giao ban Văn phòng Thành ủy")
    expect(page.locator("table")).to_contain_text("Hằng tuần vào Thứ Hai")
    screenshot("meetings-list-desktop")

    page.get_by_role("link", name="+ Cuộc họp mới").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cuộc họp mới")
    # The repetition fields appear only once a repetition is chosen.
    expect(page.locator("#weekdays")).to_be_hidden()
    page.fill("#title", "Hội nghị sơ kết 6 tháng đầu năm 2027")
    page.select_option("#kind", "conference")
    page.fill("#starts_on", "2027-07-08")
    page.fill("#ends_on", "2027-07-07")  # before the first day: refused, nothing lost
    page.fill("#start_time", "08:00")
    page.fill("#end_time", "11:30")
    page.fill("#venue", "Hội trường Thành ủy")
    page.select_option("#repeat", "monthly")
    expect(page.locator("#month_nth")).to_be_visible()
    page.select_option("#repeat", "")
    screenshot("meetings-form-desktop")
    page.locator(".meeting-form button[type=submit]").click()
    expect(page.locator("#ends_on-error")).to_be_visible()
    expect(page.locator("#title")).to_have_value("Hội nghị sơ kết 6 tháng đầu năm 2027")
    screenshot("meetings-form-error-desktop")
    page.fill("#ends_on", "2027-07-08")
    page.locator(".meeting-form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hội nghị sơ kết 6 tháng đầu năm 2027")
    expect(page.locator(".flashes")).to_contain_text("Đã tạo cuộc họp")
    expect(page.locator(".meeting-tabs a[aria-current=page]")).to_have_text("Tổng quan")
    page.get_by_role("button", name="Công bố").click()
    expect(page.locator(".meeting-head .status")).to_have_text("Đã công bố")
    screenshot("meetings-detail-desktop")

    page.goto("/meetings?q=giao+ban")
    page.get_by_role("link", name="Giao ban Văn phòng Thành ủy").click()
    expect(page.locator(".occurrences")).to_contain_text("Đã hủy")
    screenshot("meetings-detail-recurring-desktop")
    page.set_viewport_size(PHONE)
    assert_no_sideways_scroll(page)
    screenshot("meetings-detail-recurring-phone")


def test_the_week_calendar_on_screen_on_a_phone_and_on_paper(page, live_server, app, factory, screenshot,
                                                             artifacts):
    from playwright.sync_api import expect

    site = a_busy_week(app, factory)
    sign_in(page, site.email)
    page.locator("#main-nav").get_by_role("link", name="Lịch công tác").click()
    page.goto(f"/calendar/week?d={MONDAY.isoformat()}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lịch công tác")
    expect(page.locator(".lead")).to_contain_text("23/11/2026 – 29/11/2026")
    # The week as offices print it: a group per day (weekends only when something happens), each meeting a
    # row of Thời gian, Nội dung, Chủ trì, Thành phần, Địa điểm.
    expect(page.locator(".week-agenda thead")).to_contain_text("Chủ trì")

    def day(offset: int):
        return page.locator(".week-agenda tbody").filter(has_text=f"{MONDAY + timedelta(days=offset):%d/%m/%Y}")

    expect(page.locator(".week-agenda tbody")).to_have_count(5)
    expect(day(0)).to_contain_text("Giao ban Văn phòng Thành ủy")
    expect(day(0).locator(".week-time").first).to_contain_text("08:00")
    expect(day(1)).to_contain_text("Họp Ban Thường vụ")
    expect(day(1)).to_contain_text("MẬT")
    expect(day(2)).to_contain_text("Tập huấn nghiệp vụ")
    expect(day(2)).to_contain_text("Làm việc với Văn phòng Tỉnh ủy Quảng Nam")
    expect(day(3).locator(".week-who").first).to_contain_text("Nguyễn Văn Quảng")
    # The two-day conference fills each of its days, morning and afternoon.
    for offset in (3, 4):
        expect(day(offset).locator(".week-entry-row").filter(has_text="Hội nghị toàn quốc")).to_have_count(2)
    screenshot("meetings-week-desktop")

    page.get_by_role("link", name="Tuần sau →").click()
    expect(page.locator(".week-agenda")).to_contain_text("Đã dời")
    page.get_by_role("link", name="Tuần sau →").click()
    expect(page.locator(".week-agenda")).to_contain_text("Đã hủy")
    page.get_by_role("link", name="← Tuần trước").click()
    screenshot("meetings-week-next-desktop")

    page.goto(f"/calendar/week?d={MONDAY.isoformat()}")
    page.set_viewport_size(PHONE)
    assert_no_sideways_scroll(page)
    expect(page.locator(".week-agenda thead")).to_be_hidden()
    screenshot("meetings-week-phone")
    page.set_viewport_size(DESKTOP)

    page.goto("/calendar/month?m=2026-11")
    expect(page.locator(".month-grid tbody tr")).to_have_count(6)
    expect(page.locator(".month-grid")).to_contain_text("Giao ban Văn phòng Thành ủy")
    screenshot("meetings-month-desktop")
    page.set_viewport_size(PHONE)
    assert_no_sideways_scroll(page)
    screenshot("meetings-month-phone")
    page.set_viewport_size(DESKTOP)

    page.goto(f"/calendar/week/print?d={MONDAY.isoformat()}")
    expect(page.locator(".sheet-title")).to_have_text("LỊCH CÔNG TÁC TUẦN")
    expect(page.locator(".sheet-head")).to_contain_text("ĐẢNG CỘNG SẢN VIỆT NAM")
    screenshot("meetings-week-print-screen")
    pdf = artifacts / "meetings-week-print.pdf"
    pages, width, height = print_week(page, pdf)
    assert pages == 1, f"the week prints on {pages} pages"
    assert (round(width), round(height)) == (842, 595), f"not A4 landscape: {width} x {height} pt"
    to_png(pdf, "meetings-week-print", artifacts)


def test_a_crowded_week_prints_every_meeting_on_one_page(page, live_server, app, factory, artifacts):
    from playwright.sync_api import expect

    site = a_busy_week(app, factory, extra=60)  # 66 meetings in one week
    sign_in(page, site.email)
    page.goto(f"/calendar/week/print?d={MONDAY.isoformat()}")
    # Every meeting is on the sheet; the two-day conference and the day-long ones stand in each half-day.
    expect(page.locator(".sheet-entry").first).to_be_visible()
    entries = " ".join(page.locator(".sheet-entry").all_inner_texts())
    missing = [n for n in range(1, 61) if f"Cuộc họp chuyên đề số {n} về" not in entries]
    assert not missing, f"meetings missing from the printed week: {missing}"
    assert "Hội nghị toàn quốc" in entries and "Giao ban Văn phòng Thành ủy" in entries
    # Every meeting, in the five columns offices print, on one landscape A4 page.
    pdf = artifacts / "meetings-week-print-crowded.pdf"
    pages, width, height = print_week(page, pdf)
    assert pages == 1, f"a crowded week prints on {pages} pages"
    assert width > height
    to_png(pdf, "meetings-week-print-crowded", artifacts)


def test_co_chairs_are_saved_in_the_order_picked(page, live_server, app, screenshot):
    """The meeting form's people picker: two chairs picked B then A (A is first in protocol order) are the
    meeting's presiding persons B, A after saving; the "earlier" button on a chip changes the order."""
    from playwright.sync_api import expect

    from planner.meetings.models import Meeting

    site = make_site(app)
    with app.test_request_context():
        office = open_office(site)
        meeting = office.meeting()
        office.participant(meeting, "Nguyễn", "Văn", "An", 1)
        office.participant(meeting, "Trần", "Thị", "Bình", 2)
        public_id = meeting.public_id
        db.session.remove()

    def presiding() -> list[str]:
        with app.test_request_context():
            saved = db.session.scalar(db.select(Meeting).where(Meeting.public_id == public_id))
            names = [p.full_name for p in saved.presiding]
            db.session.remove()
            return names

    sign_in(page, site.email)
    page.goto(f"/meetings/{public_id}/edit")
    search = page.locator("#presiding_ids-search")
    for name in ("binh", "an"):  # typed without accents: the picker folds them
        search.fill(name)
        search.press("Enter")
    chips = page.locator("#presiding_ids-legend ~ .picker-chips .picker-chip")
    expect(chips).to_have_count(2)
    expect(chips.nth(0)).to_contain_text("Trần Thị Bình")
    expect(chips.nth(1)).to_contain_text("Nguyễn Văn An")
    screenshot("meetings-form-chairs-desktop")
    page.set_viewport_size(PHONE)
    assert_no_sideways_scroll(page)
    screenshot("meetings-form-chairs-phone")
    page.set_viewport_size(DESKTOP)
    page.locator(".meeting-form button[type=submit]").click()
    expect(page.locator(".flashes")).to_be_visible()
    assert presiding() == ["Trần Thị Bình", "Nguyễn Văn An"]

    # Back in the form the saved order is the chips' order; An moved one place earlier is saved first.
    page.goto(f"/meetings/{public_id}/edit")
    expect(chips.nth(0)).to_contain_text("Trần Thị Bình")
    page.get_by_role("button", name="Đưa Nguyễn Văn An lên trước một bậc").click()
    expect(chips.nth(0)).to_contain_text("Nguyễn Văn An")
    expect(page.get_by_role("button", name="Bỏ Nguyễn Văn An", exact=True)).to_be_focused()
    page.locator(".meeting-form button[type=submit]").click()
    expect(page.locator(".flashes")).to_be_visible()
    assert presiding() == ["Nguyễn Văn An", "Trần Thị Bình"]
