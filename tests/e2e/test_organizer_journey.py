"""An organizer's whole journey in a real Chromium, once on a desktop window and once on a phone (touch):
create a conference with two co-chairs chosen from the people directory, give it two rooms and a two-day
agenda, add ten people from the directory and find them in protocol order, publish, open the public page
and its subscription links, and print the published programme (issue #17, "Done when").

Only the directory is seeded (as an office keeps it from earlier meetings); everything else goes through
the pages. Screenshots of each main step go to tests/artifacts/journey-<size>-<step>.png and to
/tmp/journey-<size>-<step>.png for a person to look at.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from planner.extensions import db
from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE
from tests.e2e.grid import block, column, grid_add_item, grid_day, grid_drag
from tests.e2e.test_smoke import assert_no_sideways_scroll

pytestmark = pytest.mark.e2e

DESKTOP_WINDOW = {"width": 1366, "height": 900}

# The province's directory: (family, middle, given, title, unit). Fictional people with the offices a
# provincial committee's conference invites.
DIRECTORY = [
    ("Trương", "Quang", "Hải", "Ủy viên Trung ương Đảng, Bí thư Tỉnh ủy", "Tỉnh ủy Quảng Nam"),
    ("Nguyễn", "Thị Thu", "Lan", "Phó Bí thư Thường trực Tỉnh ủy", "Tỉnh ủy Quảng Nam"),
    ("Hồ", "Quang", "Bình", "Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh", "UBND tỉnh Quảng Nam"),
    ("Đinh", "Văn", "Thu", "Phó Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh", "HĐND tỉnh Quảng Nam"),
    ("Võ", "Xuân", "Ca", "Nguyên Phó Bí thư Tỉnh ủy", "Tỉnh ủy Quảng Nam"),
    ("Bùi", "Thị Quỳnh", "Vân", "Ủy viên Ban Thường vụ Tỉnh ủy, Chủ tịch Ủy ban MTTQ Việt Nam tỉnh",
     "Ủy ban MTTQ Việt Nam tỉnh Quảng Nam"),
    ("Phan", "Thái", "Bình", "Ủy viên Ban Thường vụ Tỉnh ủy, Trưởng Ban Tổ chức", "Ban Tổ chức Tỉnh ủy"),
    ("Nguyễn", "Hồng", "Quang", "Tỉnh ủy viên, Chánh Văn phòng Tỉnh ủy", "Văn phòng Tỉnh ủy"),
    ("Lê", "Văn", "Dũng", "Giám đốc Sở Nội vụ", "Sở Nội vụ tỉnh Quảng Nam"),
    ("Trần", "Thị Mỹ", "Hà", "Phó Chánh Văn phòng Tỉnh ủy", "Văn phòng Tỉnh ủy"),
    ("Đoàn", "Văn", "Ánh", "Phó Chánh Văn phòng", "Văn phòng Tỉnh ủy"),
    ("Huỳnh", "Ngọc", "Tùng", "Phóng viên Báo Quảng Nam", "Báo Quảng Nam"),
]
CO_CHAIRS = ["Trương Quang Hải", "Hồ Quang Bình"]  # as picked: the Party secretary, then the chair of the UBND
# The ten others, in the order they are added (not the protocol order).
ADDED = ["Huỳnh Ngọc Tùng", "Lê Văn Dũng", "Trần Thị Mỹ Hà", "Võ Xuân Ca", "Phan Thái Bình",
         "Nguyễn Thị Thu Lan", "Đoàn Văn Ánh", "Bùi Thị Quỳnh Vân", "Nguyễn Hồng Quang", "Đinh Văn Thu"]
# Protocol order worked out by hand from DOMAIN.md's tiers: the Central Committee member first; the
# provincial leaders (the standing deputy secretary, then the deputy secretaries: the one who chairs the
# People's Council before the one who chairs the People's Committee; the former deputy secretary after the
# serving ones; the chair of the Fatherland Front); the standing committee member heading a department;
# the provincial committee member; the heads of departments; their deputies (a tie, ordered by given name:
# Ánh before Hà); the press last.
PROTOCOL_ORDER = [
    "Trương Quang Hải",      # Ủy viên Trung ương Đảng, Bí thư Tỉnh ủy
    "Nguyễn Thị Thu Lan",    # Phó Bí thư Thường trực Tỉnh ủy
    "Đinh Văn Thu",          # Phó Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh
    "Hồ Quang Bình",         # Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh
    "Võ Xuân Ca",            # Nguyên Phó Bí thư Tỉnh ủy
    "Bùi Thị Quỳnh Vân",     # Ủy viên Ban Thường vụ, Chủ tịch Ủy ban MTTQ tỉnh
    "Phan Thái Bình",        # Ủy viên Ban Thường vụ, Trưởng Ban Tổ chức
    "Nguyễn Hồng Quang",     # Tỉnh ủy viên, Chánh Văn phòng Tỉnh ủy
    "Lê Văn Dũng",           # Giám đốc Sở
    "Đoàn Văn Ánh",          # Phó Chánh Văn phòng
    "Trần Thị Mỹ Hà",        # Phó Chánh Văn phòng Tỉnh ủy
    "Huỳnh Ngọc Tùng",       # Phóng viên
]
TITLE = "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 12"
ROOMS = ["Hội trường Tỉnh ủy", "Phòng họp số 2"]
DAY_ONE, DAY_TWO = "2027-01-14", "2027-01-15"
# The agenda: (day, kind, title, start, end, room, parent session, presiding).
AGENDA = [
    (DAY_ONE, "session", "Phiên khai mạc", "08:00", "11:30", ROOMS[0], None, CO_CHAIRS),
    (DAY_ONE, "opening", "Khai mạc hội nghị", "08:00", "08:20", None, "Phiên khai mạc", ()),
    (DAY_ONE, "report", "Báo cáo tình hình kinh tế - xã hội năm 2026", "08:20", "09:30", None, "Phiên khai mạc", ()),
    (DAY_ONE, "discussion", "Thảo luận tổ 1", "14:00", "16:30", ROOMS[0], None, ()),
    (DAY_ONE, "discussion", "Thảo luận tổ 2", "14:00", "16:30", ROOMS[1], None, ()),
    (DAY_TWO, "directive_speech", "Phát biểu chỉ đạo của đồng chí Bí thư Tỉnh ủy", "08:00", "09:00", ROOMS[0], None,
     ()),
    (DAY_TWO, "closing", "Bế mạc hội nghị", "10:30", "11:00", ROOMS[0], None, ()),
]
ORGANIZATION = "Văn phòng Tỉnh ủy Quảng Nam"
SUPERIOR = "Tỉnh ủy Quảng Nam"


def seed_directory(app, factory):
    """The office, its organizer and its people directory."""
    from planner.accounts.models import Organization
    from planner.delegates import services

    org = factory.organization(name=ORGANIZATION, parent_name=SUPERIOR, city="Tam Kỳ", body_code="VPTU")
    user = factory.user(org, role="organizer", clearance="secret", email="tochuc@quangnam.example.vn",
                        name="Nguyễn Thị Minh Thư")
    with app.test_request_context():
        organization = db.session.get(Organization, org.id)
        for family, middle, given, title, unit in DIRECTORY:
            services.create_person(organization, {"family_name": family, "middle_name": middle, "given_name": given,
                                                  "title": title, "unit": unit})
        db.session.commit()
        db.session.remove()
    return user


@pytest.fixture(params=["desktop", "phone"])
def window(request, browser, live_server, artifacts):
    """A browser context for an organizer at one size: a desktop window, or a phone held upright (touch)."""
    if request.param == "desktop":
        context = browser.new_context(viewport=DESKTOP_WINDOW, base_url=live_server.url, locale="vi-VN",
                                      timezone_id="Asia/Ho_Chi_Minh")
    else:
        context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="vi-VN",
                                      timezone_id="Asia/Ho_Chi_Minh", is_mobile=True, has_touch=True,
                                      device_scale_factor=2)
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield request.param, page
    context.close()


def test_an_organizer_prepares_publishes_and_prints_a_conference(app, factory, live_server, window, artifacts):
    from playwright.sync_api import expect

    size, page = window
    phone = size == "phone"
    shots: list[Path] = []

    def shot(step: str, full_page: bool = True) -> None:
        path = artifacts / f"journey-{size}-{step}.png"
        page.screenshot(path=str(path), full_page=full_page)
        shutil.copyfile(path, Path(tempfile.gettempdir()) / path.name)
        shots.append(path)
        if phone:
            assert_no_sideways_scroll(page)
        elif page.locator(".main-nav").count():
            # The top bar keeps one line: the organization's name gives way, the language switch stays.
            brand, switch = (page.locator(s).bounding_box() for s in (".brand", ".lang-switch"))
            assert switch["y"] < brand["y"] + brand["height"], f"{step}: the language switch wrapped"

    user = seed_directory(app, factory)
    page.goto("/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/")

    # 1. The meeting, with two co-chairs from the directory, picked in the order they will be named.
    page.goto("/meetings")
    page.get_by_role("link", name="+ Cuộc họp mới").first.click()
    page.fill("#title", TITLE)
    page.select_option("#kind", "conference")
    page.fill("#starts_on", DAY_ONE)
    page.fill("#ends_on", DAY_TWO)
    page.fill("#start_time", "08:00")
    page.fill("#end_time", "17:00")
    page.fill("#venue", "Hội trường Tỉnh ủy, 02 Hùng Vương")
    search = page.locator("#presiding_ids-search")
    for name in CO_CHAIRS:
        search.fill(name.split()[-1].lower())  # a given name, typed without thinking of accents
        page.locator(".picker-option", has_text=name).first.click()
    chips = page.locator("#presiding_ids-legend ~ .picker-chips .picker-chip")
    expect(chips).to_have_count(2)
    for n, name in enumerate(CO_CHAIRS):
        expect(chips.nth(n)).to_contain_text(name)
    shot("1-meeting-form")
    page.locator(".meeting-form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".flashes")).to_contain_text("Đã tạo cuộc họp")
    presiding = page.locator("dt", has_text="Chủ trì").locator("xpath=following-sibling::dd[1]")
    expect(presiding).to_contain_text(CO_CHAIRS[0])
    assert presiding.inner_text().index(CO_CHAIRS[0]) < presiding.inner_text().index(CO_CHAIRS[1])
    shot("2-meeting-created")
    meeting_url = page.url

    # 2. Two rooms.
    page.locator(".meeting-tabs a", has_text="Phòng họp").click()
    for room in ROOMS:
        page.fill("#name", room)
        page.fill("#capacity", "300" if room == ROOMS[0] else "60")
        page.get_by_role("button", name="Thêm phòng").click()
        expect(page.locator("table")).to_contain_text(room)
    shot("3-rooms")

    # 3. The two-day agenda, built in the timetable: each item added by clicking the empty place of its
    # room at its time (in a session's time, the item goes into the session); the second discussion group,
    # put first in the main hall, is dragged to the second room at the same time.
    page.locator(".meeting-tabs a", has_text="Chương trình").first.click()
    editor_url = page.url
    page.locator(".agenda-views a", has_text="Lưới thời gian").click()
    expect(page.locator(".timetable.tt-ready")).to_be_visible()
    session_rooms = {row[2]: row[5] for row in AGENDA if row[1] == "session"}
    dragged = next(row for row in AGENDA if row[2] == "Thảo luận tổ 2")
    for day, kind, title, start, end, room, parent, chairs in [dragged, *(r for r in AGENDA if r is not dragged)]:
        where = ROOMS[0] if title == dragged[2] else room or session_rooms[parent]
        grid_add_item(page, day, where, start, title, end=end, kind=kind, presiding=chairs, session=parent)
        expect(page.locator(".flashes")).to_contain_text(f"Đã thêm “{title}”.")
        if title == dragged[2]:
            grid_drag(page, title, room, start)
            moved = column(page, room).locator(".tt-block", has_text=title)
            expect(moved.locator(".tt-time")).to_have_text(f"{start}–{end}")
    grid_day(page, DAY_ONE)
    for title, room in (("Thảo luận tổ 1", ROOMS[0]), ("Thảo luận tổ 2", ROOMS[1])):
        expect(column(page, room).locator(".tt-block", has_text=title)).to_be_visible()
    session = block(page, "Phiên khai mạc")
    expect(session.locator(".tt-children")).to_contain_text("Báo cáo tình hình kinh tế - xã hội năm 2026")
    page.evaluate("() => window.scrollTo(0, 0)")
    shot("4-agenda")

    # 4. Ten people from the directory, searched without diacritics; the list is in protocol order.
    page.locator(".meeting-tabs a", has_text="đại biểu").click()
    participants_url = page.url
    page.locator(".section-head a.button.primary").click()
    for name in ADDED:
        page.fill("#people-q", name.lower().replace("đ", "d"))
        page.locator(".from-directory button[type=submit]", has_text="Tìm kiếm").first.click()
        found = page.locator(".people-found li", has_text=name)
        found.get_by_role("button").click()
        expect(page.locator(".flashes")).to_contain_text(f"{name}")
        expect(page.locator(".people-found li", has_text=name)).to_contain_text("Đã có trong danh sách")
    shot("5-add-from-directory")
    page.goto(participants_url)
    names = page.locator(".participants-table .name-cell a")
    expect(names).to_have_count(len(PROTOCOL_ORDER))
    assert names.all_inner_texts() == PROTOCOL_ORDER
    # A unit the title already names is not printed again.
    rows = page.locator(".participants-table tbody tr")
    chanh = rows.filter(has_text="Nguyễn Hồng Quang").locator(".title-cell")
    expect(chanh).to_have_text("Tỉnh ủy viên, Chánh Văn phòng Tỉnh ủy")
    # A position that ends where its unit's name begins reads as one: "Phó Chánh Văn phòng" of "Văn phòng
    # Tỉnh ủy" is the "Phó Chánh Văn phòng Tỉnh ủy".
    expect(rows.filter(has_text="Đoàn Văn Ánh").locator(".title-cell")).to_have_text("Phó Chánh Văn phòng Tỉnh ủy")
    expect(rows.filter(has_text="Lê Văn Dũng").locator(".title-cell")).to_contain_text("Giám đốc Sở Nội vụ")
    shot("6-participants")

    # 5. Publish the agenda as version 1: the meeting is published with it and gets its public page.
    page.locator(".meeting-tabs a", has_text="Các bản đã công bố").click()
    page.fill("#note", "Gửi các đại biểu dự hội nghị")
    page.locator("main form button[type=submit].primary").click()
    expect(page.get_by_role("heading", name="Bản 1", exact=True)).to_be_visible()
    shot("7-released")
    page.goto(meeting_url)
    expect(page.locator(".meeting-head .status")).to_have_text("Đã công bố")
    public_link = page.get_by_role("link", name="Mở trang công khai")
    expect(public_link).to_be_visible()
    shot("8-published")

    # 6. The public page, as anyone opens it: the issuing office, the programme, the ways to follow it.
    public_link.click()
    expect(page.locator(".programme-issuer")).to_contain_text(SUPERIOR, ignore_case=True)
    expect(page.locator(".programme-issuer-main")).to_contain_text(ORGANIZATION, ignore_case=True)
    expect(page.locator(".programme-title")).to_have_text(TITLE)
    expect(page.locator(".programme-session").first).to_contain_text(f"Chủ trì: {', '.join(CO_CHAIRS)}")
    for _day, _kind, title, *_rest in AGENDA:
        expect(page.locator(".programme")).to_contain_text(title)
    # The discussions in parallel, each in its room (the second one dragged there).
    expect(page.locator(".programme tr", has_text="Thảo luận tổ 2")).to_contain_text(ROOMS[1])
    expect(page.locator(".programme tr", has_text="Thảo luận tổ 1")).to_contain_text(ROOMS[0])
    webcal = page.get_by_role("link", name="Theo dõi trên lịch")
    expect(webcal).to_have_attribute("href", re.compile(r"^webcal://"))
    https_feed = page.locator("#feed-https").input_value()
    assert https_feed.startswith("http://") or https_feed.startswith("https://")
    assert webcal.get_attribute("href").removeprefix("webcal://") == https_feed.split("://", 1)[1]
    if phone:
        expect(page.locator(".public-qr")).to_be_hidden()  # a phone subscribes with the button
    else:
        expect(page.locator(".public-qr svg")).to_be_visible()
    feed = page.request.get(https_feed)
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")
    ics = feed.text().replace("\r\n ", "")
    for title in ("Khai mạc hội nghị", "Thảo luận tổ 1", "Thảo luận tổ 2", "Bế mạc hội nghị"):
        assert title in ics, f"{title} is not in the feed"
    pdf_link = page.get_by_role("link", name="Chương trình (PDF)")
    pdf = page.request.get(pdf_link.get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body()[:5] == b"%PDF-"
    shot("9-public-page")

    # 7. The printed programme is the published version, without the working draft's warning.
    page.goto(editor_url)
    page.get_by_role("link", name="Chương trình (bản in)").click()
    expect(page.locator(".programme-version")).to_contain_text("Bản 1")
    expect(page.locator(".programme-draft")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("chưa công bố")
    for _day, _kind, title, *_rest in AGENDA:
        expect(page.locator(".programme")).to_contain_text(title)
    shot("10-printed-programme")
    # On paper (A4, the page's own margins), whatever the window: the table keeps its four columns.
    pdf = artifacts / f"journey-{size}-programme.pdf"
    page.emulate_media(media="print")
    pdf.write_bytes(page.pdf(print_background=True, prefer_css_page_size=True))
    page.emulate_media(media="screen")
    from pypdf import PdfReader

    first_page = PdfReader(io.BytesIO(pdf.read_bytes())).pages[0].extract_text()
    assert any("STT" in line and "Người thực hiện" in line for line in first_page.splitlines()), first_page[:400]
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(artifacts / f"journey-{size}-programme")],
                       check=True)
        for png in artifacts.glob(f"journey-{size}-programme-*.png"):
            shutil.copyfile(png, Path(tempfile.gettempdir()) / png.name)
    assert len(shots) == 10
