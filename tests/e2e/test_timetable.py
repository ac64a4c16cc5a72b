"""The agenda's timetable in a real Chromium (issue 17): add an item by clicking an empty place, drag an
item to another time and room, stretch one, move one by keyboard, and read the saved times back from
the database. Screenshots of the grid on a desktop and a phone go to tests/artifacts/ (and into the folder
PLANNER_GRID_SHOTS names, for a person to look at)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.agenda.conftest import Site
from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE
from tests.e2e.grid import GRID_VIEWPORT, block, grid_add_item, grid_drag, grid_key, grid_stretch, open_grid
from tests.e2e.test_smoke import assert_no_sideways_scroll

pytestmark = pytest.mark.e2e


def saved(site, title: str) -> tuple[str, str, str]:
    """(start, end, room) of the item as saved."""
    from planner.agenda import services
    from planner.agenda.models import AgendaItem
    from planner.extensions import db

    with site.open() as conf:
        item = db.session.scalar(select(AgendaItem).where(AgendaItem.title == title))
        start, end = services.local(conf.meeting, item.starts_at), services.local(conf.meeting, item.ends_at)
        return f"{start:%d/%m %H:%M}", f"{end:%H:%M}", item.room.name if item.room else ""


def test_build_drag_stretch_and_move_by_keyboard(app, page, screenshot, artifacts):
    from playwright.sync_api import expect

    site = Site(app, org_name="Văn phòng Tỉnh ủy Quảng Nam")
    with site.open() as conf:
        plenary = conf.session("Phiên toàn thể", "08:00", "11:30", room=conf.rooms[0], presiding=[conf.people[0]])
        conf.item("Khai mạc", "08:00", "08:30", session=plenary)
        conf.item("Báo cáo chính trị", "08:30", "10:00", session=plenary, presiding=[conf.people[1]])
        themed = conf.session("Phiên chuyên đề", "08:00", "11:30", room=conf.rooms[1])
        conf.item("Tham luận chuyên đề", "09:00", "10:00", session=themed, presiding=[conf.people[1]])
        conf.item("Ăn trưa", "11:30", "13:00", kind="break")
        conf.item("Họp báo", "13:30", "14:30", room=conf.rooms[0])
        conf.item("Gặp mặt đại biểu", "14:00", "15:00", room=conf.rooms[0])
        conf.item("Bế mạc", "15:00", "16:00", day=2, room=conf.rooms[0])
        from planner.extensions import db

        db.session.commit()
    page.set_viewport_size(GRID_VIEWPORT)
    page.goto("/login")
    page.fill("input[name=email]", site.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()

    page.goto(site.editor)
    page.locator(".agenda-views a", has_text="Lưới thời gian").click()
    expect(page.locator(".timetable.tt-ready")).to_be_visible()
    expect(page.locator(".tt-column .tt-head").first).to_contain_text("Hội trường A")
    expect(block(page, "Gặp mặt đại biểu").locator(".tt-warnings")).to_contain_text("Hội trường A")
    expect(block(page, "Tham luận chuyên đề").locator(".tt-warnings")).to_contain_text("Trần Thị Bình")

    # An empty place of room C at 16:00: the form comes with the day, the room and the time.
    grid_add_item(page, "2026-12-03", "Phòng họp C", "16:00", "Họp tổ biên tập")
    assert saved(site, "Họp tổ biên tập") == ("03/12 16:00", "16:30", "Phòng họp C")

    # Drag the clashing meeting to room B at 15:00; stretch the press briefing to 15:10.
    grid_drag(page, "Gặp mặt đại biểu", "Phòng họp B", "15:00")
    assert saved(site, "Gặp mặt đại biểu") == ("03/12 15:00", "16:00", "Phòng họp B")
    expect(page.locator("#timetable-live")).to_contain_text("Đã lưu")
    expect(block(page, "Gặp mặt đại biểu")).not_to_have_class("has-warnings")
    grid_stretch(page, "Họp báo", "15:10")
    assert saved(site, "Họp báo") == ("03/12 13:30", "15:10", "Hội trường A")

    # The keyboard: ↓ moves by 5 minutes, Shift+↑ ends 5 minutes earlier, → goes to the next room.
    grid_key(page, "Họp báo", "ArrowDown")
    assert saved(site, "Họp báo") == ("03/12 13:35", "15:15", "Hội trường A")
    expect(block(page, "Họp báo").locator(":scope > .tt-title")).to_be_focused()
    grid_key(page, "Họp báo", "Shift+ArrowUp")
    assert saved(site, "Họp báo") == ("03/12 13:35", "15:10", "Hội trường A")
    grid_key(page, "Họp báo", "ArrowRight")
    assert saved(site, "Họp báo") == ("03/12 13:35", "15:10", "Phòng họp B")
    expect(page.locator("#timetable-live")).to_contain_text("Phòng họp B")

    # Refused by the service: the block goes back, the message is the service's, in Vietnamese.
    grid_key(page, "Khai mạc", "ArrowUp")
    expect(page.locator("#timetable-alert")).to_contain_text("nằm ngoài thời gian của phiên “Phiên toàn thể”")
    assert saved(site, "Khai mạc") == ("03/12 08:00", "08:30", "Hội trường A")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.evaluate("() => window.scrollTo(0, 0)")
    shots = [screenshot("grid-desktop")]
    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.locator(".timetable.tt-ready")).to_be_visible()
    assert_no_sideways_scroll(page)
    shots.append(screenshot("grid-phone"))
    # Day 2, through the day switcher: an item added in an empty slot of room B.
    open_grid(page, site.meeting_id)
    grid_add_item(page, "2026-12-04", "Phòng họp B", "09:00", "Tọa đàm", end="10:15")
    assert saved(site, "Tọa đàm") == ("04/12 09:00", "10:15", "Phòng họp B")
    expect(page.locator(".tt-block")).to_have_count(2)
    if os.environ.get("PLANNER_GRID_SHOTS"):   # a folder where a person looks at them
        for shot in shots:
            shutil.copy(shot, Path(os.environ["PLANNER_GRID_SHOTS"]) / shot.name)
