"""Driving the agenda's timetable in a real Chromium: reusable steps for the e2e tests (an organizer's
journey builds its agenda with them). Times are local "HH:MM"; a room is a column's heading."""

from __future__ import annotations

import re

PX_PER_MINUTE = 2   # static/js/timetable.js: 120 px an hour
GRID_VIEWPORT = {"width": 1366, "height": 1800}   # a whole day of the grid (07:00-18:00) in the window


def open_grid(page, meeting_id: str, day: str | None = None) -> None:
    """The timetable of the meeting (on ``day``, ISO), laid out by its script."""
    from playwright.sync_api import expect

    page.goto(f"/meetings/{meeting_id}/agenda/timetable" + (f"?day={day}" if day else ""))
    expect(page.locator(".timetable.tt-ready")).to_be_visible()


def column(page, room: str):
    return page.locator(".tt-column", has=page.locator(".tt-head", has_text=room)).first


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def point(page, room: str, clock: str, *, x: float = 0.5) -> tuple[float, float]:
    """Where on the screen ``clock`` is in the room's column: the window is scrolled to put that time in
    its middle; the grid's own box scrolls sideways only when the column is out of sight (a phone shows a
    column and a half), and a point past the window's edge is taken at the edge's column part."""
    body = column(page, room).locator(".tt-body")
    first = int(page.locator("#timetable").get_attribute("data-first"))
    offset = (_minutes(clock) - first) * PX_PER_MINUTE + 3
    scroller = page.locator(".timetable-scroll").bounding_box()
    width = min(page.viewport_size["width"], scroller["x"] + scroller["width"])   # the grid's visible right
    box = body.bounding_box()
    if box["x"] >= width - 24 or box["x"] + box["width"] <= scroller["x"] + 24:
        body.evaluate("el => el.scrollIntoView({block: 'nearest', inline: 'nearest'})")
    page.evaluate("([el, y]) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY + y"
                  " - window.innerHeight / 2)", [body.element_handle(), offset])
    box = body.bounding_box()
    left = max(box["x"] + 6, min(box["x"] + box["width"] * x, width - 8))
    return left, box["y"] + offset


def block(page, title: str):
    return page.locator(".tt-block", has=page.locator(":scope > .tt-title", has_text=title)).first


def grid_day(page, day: str) -> None:
    """Show ``day`` (ISO) of the meeting, by the day switcher when the grid shows another."""
    from playwright.sync_api import expect

    if page.locator("#timetable").get_attribute("data-day") != day:
        with page.expect_navigation():
            page.locator(f".timetable-days a[href$='day={day}']").click()
    expect(page.locator(f"#timetable.tt-ready[data-day='{day}']")).to_be_visible()


def grid_add_item(page, day: str, room: str, start: str, title: str, *, end: str | None = None,
                  kind: str | None = None, presiding: list[str] = (), session: str | None = None) -> None:
    """Click the empty place of ``room`` at ``start`` on ``day``, fill the form it opens (day, room and
    start come prefilled; inside a session's time, the session too: ``session`` checks it is that one) and
    save: back on the timetable."""
    from playwright.sync_api import expect

    from tests.e2e.test_agenda import fill_item

    grid_day(page, day)
    x, y = point(page, room, start, x=0.9)
    page.mouse.move(x, y)
    with page.expect_navigation():
        page.mouse.click(x, y)
    expect(page.locator("#start")).to_have_value(start)
    expect(page.locator("#day")).to_have_value(day)
    if session:
        expect(page.locator("#parent_id option:checked")).to_have_text(re.compile(re.escape(session) + "$"))
    else:
        expect(page.locator("#parent_id")).to_have_value("")
    fill_item(page, kind=kind, title=title, start=start, end=end or page.input_value("#end"), presiding=presiding)
    expect(page.locator(".timetable.tt-ready")).to_be_visible()
    expect(block(page, title)).to_be_visible()


def _settled(page) -> None:
    """The grid was saved and fetched again (timetable.js swaps it in and reads the change out)."""
    page.wait_for_function("() => document.getElementById('timetable-live').textContent.trim() !== ''"
                           " && !document.querySelector('#timetable-page[aria-busy=true]')")
    page.locator(".timetable.tt-ready").wait_for()


def grid_drag(page, title: str, room: str, start: str) -> None:
    """Drag the block ``title`` so that it starts at ``start`` in the column of ``room``."""
    item = block(page, title)
    x, y = point(page, room, start)
    grab = item.locator(":scope > .tt-block-head .tt-time").bounding_box()
    top = item.bounding_box()["y"]
    grab_x, grab_y = grab["x"] + 5, grab["y"] + 3
    page.evaluate("() => { document.getElementById('timetable-live').textContent = ''; }")
    page.mouse.move(grab_x, grab_y)
    page.mouse.down()
    page.mouse.move(grab_x + 10, grab_y + 10, steps=3)
    target = y - 3 + (grab_y - top)   # point() aims 3 px below the minute's line
    page.mouse.move(x, target, steps=8)
    # The block shows the time it would take while it is dragged: aim again until it says ``start``
    # (whatever moved the page meanwhile: a message above, a scroll).
    shown = item.locator(":scope > .tt-block-head .tt-time")
    for _ in range(5):
        have = _minutes(shown.text_content().split("–")[0])   # a short block on a phone hides it
        if have == _minutes(start):
            break
        target += (_minutes(start) - have) * PX_PER_MINUTE
        page.mouse.move(x, target, steps=2)
    page.mouse.up()
    _settled(page)


def grid_stretch(page, title: str, end: str) -> None:
    """Drag the lower edge of ``title`` so that it ends at ``end``."""
    item = block(page, title)
    handle = item.locator(":scope > .tt-stretch")
    handle.evaluate("el => el.scrollIntoView({block: 'center', inline: 'nearest'})")
    box = handle.bounding_box()
    item_end = int(item.get_attribute("data-end"))
    dy = (_minutes(end) - item_end) * PX_PER_MINUTE
    page.evaluate("() => { document.getElementById('timetable-live').textContent = ''; }")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2 + dy / 2, steps=4)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2 + dy, steps=4)
    page.mouse.up()
    _settled(page)


def grid_key(page, title: str, key: str) -> None:
    """Press ``key`` (e.g. "ArrowDown", "Shift+ArrowUp", "ArrowRight") on the block ``title``."""
    page.evaluate("() => { document.getElementById('timetable-live').textContent = ''; }")
    block(page, title).locator(":scope > .tt-title").focus()
    page.keyboard.press(key)
    _settled(page)
