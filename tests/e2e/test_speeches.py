"""A speakers list run from the control page in one Chromium page while a second page, the hall
display on a 1920×1080 projector, follows it: call, start, pause, resume, overrun in red, next, a
network drop it recovers from. Screenshots of both go to tests/artifacts/."""

from __future__ import annotations

import re

import pytest

from planner.extensions import db
from tests.conftest import PASSWORD
from tests.e2e.tabs import leave
from tests.speeches.conftest import make_hall

pytestmark = pytest.mark.e2e

PROJECTOR = {"width": 1920, "height": 1080}


def build(app, factory) -> dict:
    from planner.speeches import services

    with app.test_request_context():
        hall = make_hall()
        hall.speech(person=0, title="Về phát triển kinh tế biển gắn với bảo vệ môi trường", minutes=7)
        hall.speech(person=2, title="Về chuyển đổi số trong các cơ quan đảng", minutes=5 / 60)   # 5 seconds
        hall.speech(person=1, title="Về cải cách hành chính", minutes=5)
        _display, token = services.create_display(hall.meeting, user=hall.user, name="Máy chiếu hội trường")
        data = {"email": hall.user.email, "meeting": hall.meeting.public_id, "token": token}
        db.session.remove()
    return data


def press(page, action: str) -> None:
    """Click a control button and wait for the page it leads back to (the next click uses its revision)."""
    with page.expect_navigation():
        page.locator(f"button[data-action={action}]").first.click()


def quiet(page) -> None:
    """Stop the page's polling before the database is wiped after the test."""
    leave(page)
    page.wait_for_timeout(300)


def seconds(text: str) -> int:
    sign = -1 if text.startswith("+") else 1
    minutes, secs = text.lstrip("+").split(":")[-2:]
    return sign * (int(minutes) * 60 + int(secs))


def test_run_a_speakers_list_while_the_hall_display_follows(app, page, browser, live_server, factory, artifacts):
    from playwright.sync_api import expect

    data = build(app, factory)
    control_url = f"/meetings/{data['meeting']}/speakers"

    page.set_viewport_size(PROJECTOR)
    page.goto("/login")
    page.fill("input[name=email]", data["email"])
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.goto(control_url)
    expect(page.locator(".live-panel")).to_contain_text("Chưa mời ai phát biểu")

    hall_context = browser.new_context(viewport=PROJECTOR, base_url=live_server.url, locale="vi-VN",
                                       timezone_id="Asia/Ho_Chi_Minh")
    hall_context.set_default_timeout(15_000)
    hall = hall_context.new_page()
    try:
        hall.goto(f"/hall/{data['token']}")
        screen = hall.locator("#hall")
        speaker = hall.locator("[data-field=speaker]")
        clock = hall.locator("[data-field=time]")
        state = hall.locator("[data-field=state]")
        # Before anyone is called: a quiet screen.
        expect(speaker).to_have_text("Xin chờ trong giây lát")

        # Call the first speaker: the hall shows them, with their full time, within about a second.
        press(page, "next")
        expect(page.locator(".live-name")).to_have_text("Nguyễn Văn An")
        expect(speaker).to_have_text("Đồng chí Nguyễn Văn An", timeout=4000)
        expect(hall.locator("[data-field=position]")).to_have_text("Bí thư Quận ủy Hải Châu")
        expect(state).to_have_text("Xin mời phát biểu")
        expect(clock).to_have_text("7:00")
        expect(hall.locator("[data-field=next]")).to_contain_text("Đồng chí Lê Quốc Cường")

        # Start: the clock counts down smoothly between polls.
        press(page, "start")
        expect(state).to_have_text("Đang phát biểu", timeout=4000)
        expect(clock).not_to_have_text("7:00", timeout=4000)
        first = seconds(clock.inner_text())
        hall.wait_for_timeout(2200)
        second = seconds(clock.inner_text())
        assert 1 <= first - second <= 4, (first, second)
        expect(page.locator(".live-remaining")).not_to_have_text("7:00")
        page.screenshot(path=str(artifacts / "speeches-control-1920.png"), full_page=False)
        hall.screenshot(path=str(artifacts / "speeches-hall-1920.png"))

        # Pause: the hall's clock stands still; resume: it runs on.
        press(page, "pause")
        expect(state).to_have_text("Tạm dừng", timeout=4000)
        expect(screen).to_have_class(re.compile(r"hall--paused"))
        frozen = clock.inner_text()
        hall.wait_for_timeout(1500)
        expect(clock).to_have_text(frozen)
        hall.screenshot(path=str(artifacts / "speeches-hall-paused-1920.png"))
        press(page, "resume")
        expect(state).to_have_text("Đang phát biểu", timeout=4000)

        # Next: the first speech ends, the second speaker (five seconds allotted) is called and started.
        press(page, "next")
        expect(speaker).to_have_text("Đồng chí Lê Quốc Cường", timeout=4000)
        press(page, "start")
        expect(state).to_have_text("Đang phát biểu", timeout=4000)
        # Past zero the time turns red and counts the overrun.
        expect(screen).to_have_class(re.compile(r"hall--over"), timeout=9000)
        expect(hall.locator("[data-field=clock-label]")).to_have_text("Quá giờ")
        expect(clock).to_have_text(re.compile(r"^\+0:0\d$"))
        color = clock.evaluate("el => getComputedStyle(el).color")
        assert color == "rgb(255, 69, 58)", color
        hall.screenshot(path=str(artifacts / "speeches-hall-overtime-1920.png"))
        page.reload()
        expect(page.locator(".live-remaining")).to_have_class(re.compile(r"is-over"))
        page.screenshot(path=str(artifacts / "speeches-control-overtime-1920.png"), full_page=False)

        # A network drop: the display marks it discreetly, keeps the clock, and recovers by itself.
        hall_context.set_offline(True)
        expect(hall.locator("[data-field=offline]")).to_be_visible(timeout=8000)
        hall.screenshot(path=str(artifacts / "speeches-hall-reconnecting-1920.png"))
        press(page, "stop")
        hall_context.set_offline(False)
        expect(hall.locator("[data-field=offline]")).to_be_hidden(timeout=12_000)
        expect(state).to_have_text("Đã kết thúc", timeout=4000)
        expect(hall.locator("[data-field=clock-label]")).to_have_text("Thời gian đã phát biểu")

        # The last speaker, then the end of the list.
        press(page, "next")
        expect(speaker).to_have_text("Đồng chí Trần Thị Bình", timeout=4000)
        expect(hall.locator("[data-field=next-wrap]")).to_be_hidden()
        press(page, "start")
        press(page, "next")
        expect(page.locator(".flashes")).to_contain_text("Không còn ai chờ phát biểu")

        # The list as the control page shows it afterwards: everyone delivered, times recorded.
        page.goto(control_url)
        expect(page.locator(".speaker-row.status-done")).to_have_count(3)
        page.screenshot(path=str(artifacts / "speeches-control-done-1920.png"), full_page=True)
    finally:
        hall_context.close()
        quiet(page)


def test_reorder_by_drag_and_by_keyboard(app, page, live_server, factory):
    from playwright.sync_api import expect

    data = build(app, factory)
    page.goto("/login")
    page.fill("input[name=email]", data["email"])
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.goto(f"/meetings/{data['meeting']}/speakers")
    names = page.locator(".speaker-row .speaker-name a")
    expect(names).to_have_text(["Nguyễn Văn An", "Lê Quốc Cường", "Trần Thị Bình"])

    # Drag the third speaker above the first.
    rows = page.locator(".speaker-row")
    expect(page.locator(".speaker-list.sortable-ready")).to_be_visible()
    with page.expect_navigation():   # the page reloads once the server has saved the order
        rows.nth(2).locator(".drag-handle").drag_to(rows.nth(0), target_position={"x": 40, "y": 5})
    expect(names).to_have_text(["Trần Thị Bình", "Nguyễn Văn An", "Lê Quốc Cường"], timeout=6000)

    # Without a mouse: focus the ↓ button of the first row and press Enter.
    page.locator(".speaker-row").nth(0).locator("button[data-action=down]").focus()
    page.keyboard.press("Enter")
    expect(names).to_have_text(["Nguyễn Văn An", "Trần Thị Bình", "Lê Quốc Cường"])
    quiet(page)
