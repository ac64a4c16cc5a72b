"""Calendar feeds in a real Chromium: the meeting's Calendar tab (public feed with its QR code, a new
secret link shown once, revocation), the /feeds page on a phone, and the delegate's fragment.
Screenshots go to tests/artifacts/."""

from __future__ import annotations

import pytest

from tests.calendars.conftest import Scene
from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE
from tests.e2e.test_smoke import assert_no_sideways_scroll

pytestmark = pytest.mark.e2e


def test_calendar_tab_and_feeds_page(app, page, live_server, factory, screenshot):
    from playwright.sync_api import expect

    scene = Scene(app, factory)
    m = scene.conference()
    an = scene.delegate(m, "Nguyễn Văn An")
    scene.item(m, "Khai mạc hội nghị", "08:00", "08:30", room="Hội trường A", presiding=(an,))
    scene.publish(m)
    page.goto("/login")
    page.fill("input[name=email]", scene.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()

    page.goto(f"/meetings/{m}/calendar")
    expect(page.locator(".meeting-tabs [aria-current=page]")).to_have_text("Lịch")
    expect(page.locator("#public-feed-url")).to_have_value(live_server(f"/feeds/public/{scene.public_code(m)}.ics"))
    expect(page.locator("svg.feed-qr").first).to_be_visible()
    screenshot("calendars-meeting-tab-desktop")

    page.fill("#label", "Báo chí")
    page.get_by_role("button", name="Tạo đường dẫn lịch").click()
    expect(page.locator("#new-feed-title")).to_contain_text("Báo chí")
    secret_url = page.locator("#new-feed-url").input_value()
    assert "/feeds/m/f_" in secret_url
    assert page.locator("#new-feed-webcal").input_value().startswith("webcal://")
    screenshot("calendars-new-link-desktop")
    feed = page.request.get(secret_url)
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")

    page.goto(f"/meetings/{m}/calendar")
    assert secret_url not in page.content()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(".table .link-button.danger").first.click()
    expect(page.locator(".flashes")).to_contain_text("Đã thu hồi")
    assert page.request.get(secret_url).status == 404

    page.set_viewport_size(PHONE)
    page.goto("/feeds")
    page.get_by_role("button", name="Tạo đường dẫn lịch của tôi").click()
    expect(page.locator("#own-feed-webcal")).to_be_visible()
    assert page.locator("#own-feed-webcal").input_value().startswith("webcal://")
    assert_no_sideways_scroll(page)
    screenshot("calendars-feeds-phone")


def test_delegate_fragment_renders(app, page, live_server, factory, screenshot):
    """The fragment the delegate's personal page includes, rendered on a phone (through a throwaway route)."""
    from flask import render_template_string

    scene = Scene(app, factory)
    m = scene.conference()
    an = scene.delegate(m, "Nguyễn Văn An")
    from planner.calendars import services
    from planner.delegates import services as delegates

    template = ('{% extends "base.html" %}{% from "calendars/_personal_feed.html" import personal_feed %}'
                '{% block content %}{{ personal_feed(status, links, "/nowhere") }}{% endblock %}')
    with scene.open() as (org, user), app.test_request_context("/"):
        participant = delegates.get_participant(org, an, user=user)
        found = services.reset_personal_feed(participant)
        html = render_template_string(template, status=services.personal_feed_status(participant), links=found)
        again = render_template_string(template, status=services.personal_feed_status(participant), links=None)
    assert found.url in html and found.url not in again and "Tạo đường dẫn lịch mới" in again
    page.set_viewport_size(PHONE)
    page.set_content(html.replace('href="/static', f'href="{live_server.url}/static'))
    assert_no_sideways_scroll(page)
    screenshot("calendars-delegate-fragment-phone")
