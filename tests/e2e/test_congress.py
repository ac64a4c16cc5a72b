"""A small delegate congress run in real browsers, as issue 20 asks: the presidium and the counting committee
elected by show of hands, the credentials report adopted and signed, a 9-seat committee elected from 11
candidates with two tied at the last seat (a second round between them), then 30 delegates voting on the
resolution from their phones' personal pages while the hall display shows the result once the vote closes.
Screenshots go to tests/artifacts/."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest

from planner.extensions import db
from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE
from tests.e2e.tabs import leave
from tests.elections.conftest import make_congress

pytestmark = pytest.mark.e2e

PROJECTOR = {"width": 1920, "height": 1080}


def build(app, factory) -> dict:
    from planner.agenda import services as agenda
    from planner.delegates import services as delegate_services
    from planner.invitations import services as invitations
    from planner.speeches import services as speeches
    from planner.votes import services as votes

    with app.test_request_context():
        day = delegate_services.local_today(type("M", (), {"timezone": "Asia/Ho_Chi_Minh"})())
        congress = make_congress(delegates=30, day=day, title="Đại hội đại biểu Đảng bộ phường lần thứ XV")
        meeting, people, user = congress.meeting, congress.delegates, congress.user

        def item(title: str, kind: str, hour: int):
            start = datetime.combine(day, time(hour, 0))
            return agenda.create_item(meeting, {"title": title, "kind": kind, "starts_at": start,
                                                "ends_at": start + timedelta(minutes=50)}, user=user)

        bodies = item("Bầu Đoàn Chủ tịch và Ban Kiểm phiếu", "ceremony", 7)
        credentials = item("Báo cáo thẩm tra tư cách đại biểu", "report", 8)
        item("Bầu cử Ban Chấp hành Đảng bộ khóa XV", "other", 9)
        resolution = item("Thông qua Nghị quyết Đại hội", "other", 10)
        votes.set_body_members(meeting, "presidium", [p.public_id for p in people[:3]], user=user)
        votes.set_body_members(meeting, "counting_committee", [p.public_id for p in people[27:]],
                               {people[27].public_id: "Trưởng ban"}, user=user)
        adopt = votes.create_vote(credentials, {"title": "Thông qua Báo cáo thẩm tra tư cách đại biểu"}, user=user)
        electronic = votes.create_vote(resolution, {"title": "Thông qua Nghị quyết Đại hội đại biểu lần thứ XV",
                                                    "method": "electronic"}, user=user)
        _display, hall = speeches.create_display(meeting, user=user, name="Màn hình hội trường")
        links = [invitations.ensure_link(p, user=user) for p in people]
        data = {"email": user.email, "meeting": meeting.public_id, "bodies_item": bodies.public_id,
                "credentials_vote": adopt.public_id, "resolution_vote": electronic.public_id, "hall": hall,
                "links": links, "candidates": [p.full_name for p in people[3:14]],
                "chair": people[0].full_name}
        db.session.remove()
    return data


def show_of_hands(page, yes: int) -> None:
    """On a vote's page: open it, enter the show of hands, close it; the vote is adopted."""
    from playwright.sync_api import expect

    with page.expect_navigation():
        page.click("#vote-open")
    page.fill("#vote-yes", str(yes))
    page.fill("#vote-no", "0")
    page.fill("#vote-abstain", "0")
    with page.expect_navigation():
        page.click("#vote-count-close")
    expect(page.locator(".vote-result").first).to_have_attribute("data-adopted", "true")


def tally(page, numbers: list[int], returned: int, invalid: int = 0) -> None:
    page.fill("input[name=issued]", str(returned))
    page.fill("input[name=returned]", str(returned))
    page.fill("input[name=valid]", str(returned - invalid))
    page.fill("input[name=invalid]", str(invalid))
    for field, number in zip(page.locator("input.votes").all(), numbers, strict=True):
        field.fill(str(number))
    with page.expect_navigation():
        page.get_by_role("button", name="Kết thúc lần bầu và tính kết quả").click()


def test_a_delegate_congress(app, browser, page, live_server, factory, screenshot, artifacts):
    from playwright.sync_api import expect

    data = build(app, factory)
    m = data["meeting"]
    page.goto("/login")
    page.fill("input[name=email]", data["email"])
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    # The congress bodies, by show of hands.
    for kind in ("presidium", "counting_committee"):
        page.goto(f"/meetings/{m}/bodies")
        page.select_option(f"#body-{kind}-item", data["bodies_item"])
        with page.expect_navigation():
            page.click(f"#body-{kind}-put-to-vote")
        show_of_hands(page, 30)
    page.goto(f"/meetings/{m}/bodies")
    screenshot("congress-bodies")

    # The credentials report: adopted by show of hands, then signed and kept.
    page.goto(f"/meetings/{m}/votes/{data['credentials_vote']}")
    show_of_hands(page, 30)
    page.goto(f"/meetings/{m}/elections")
    page.fill("#signer_name", data["chair"])
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu", exact=True).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Đã ký: lưu giữ nguyên văn").click()
    expect(page.locator("#credentials")).to_contain_text("Đã ký")

    # The executive committee: 9 seats, 11 candidates.
    page.locator("details.new-election summary").click()
    page.select_option("#body", "executive_committee")
    page.fill("#seats", "9")
    page.fill("#title", "Ban Chấp hành Đảng bộ phường khóa XV, nhiệm kỳ 2025 - 2030")
    with page.expect_navigation():
        page.get_by_role("button", name="Tạo cuộc bầu cử").click()
    counting = page.locator("#participant_id option").all_inner_texts()
    assert not set(counting) & {"Trưởng ban"}
    for name in data["candidates"]:
        page.select_option("#participant_id", label=name)
        with page.expect_navigation():
            page.get_by_role("button", name="Thêm vào danh sách").click()
    expect(page.locator("table.candidates tbody tr")).to_have_count(11)
    screenshot("congress-list")
    with page.expect_navigation():
        page.get_by_role("button", name="Bắt đầu bầu lần 1 (in phiếu bầu)").click()
    ballots = page.request.get(page.get_by_role("link", name="Phiếu bầu (PDF)").get_attribute("href"))
    assert ballots.ok and ballots.body().startswith(b"%PDF")
    (artifacts / "congress-ballots.pdf").write_bytes(ballots.body())
    tally(page, [30, 29, 28, 27, 26, 25, 24, 23, 20, 20, 8], returned=30)
    expect(page.locator("tr.elected")).to_have_count(8)
    expect(page.locator("tr.tied")).to_have_count(2)
    screenshot("congress-round-1")
    with page.expect_navigation():
        page.get_by_role("link", name="Bắt đầu lần bầu tiếp theo").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Bắt đầu bầu lần 2").click()
    expect(page.locator("table.tally-table tbody tr")).to_have_count(2)
    tally(page, [19, 10], returned=29, invalid=0)
    expect(page.locator("tr.elected")).to_have_count(1)
    with page.expect_navigation():
        page.get_by_role("button", name="Ban kiểm phiếu đã ký biên bản: lưu giữ nguyên văn").click()
    minutes = page.request.get(page.get_by_role("link", name="Biên bản kiểm phiếu (PDF)").get_attribute("href"))
    assert minutes.ok
    (artifacts / "congress-counting-minutes.pdf").write_bytes(minutes.body())
    page.get_by_role("link", name="Ban Chấp hành Đảng bộ phường khóa XV, nhiệm kỳ 2025 - 2030").first.click()
    expect(page.locator(".election-head")).to_contain_text("Đã kết thúc")
    expect(page.locator("table.candidates .badge-ok")).to_have_count(9)

    # The resolution, voted electronically from the delegates' phones; the hall shows the result when closed.
    hall_context = browser.new_context(viewport=PROJECTOR, base_url=live_server.url, locale="vi-VN",
                                       timezone_id="Asia/Ho_Chi_Minh")
    hall = hall_context.new_page()
    try:
        page.goto(f"/meetings/{m}/votes/{data['resolution_vote']}")
        with page.expect_navigation():
            page.click("#vote-open")
        hall.goto(f"/hall/{data['hall']}")
        expect(hall.locator("[data-field=vote]")).to_be_visible(timeout=15_000)
        phone = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="vi-VN",
                                    timezone_id="Asia/Ho_Chi_Minh", is_mobile=True, has_touch=True)
        delegate = phone.new_page()
        choices = ["yes"] * 27 + ["no"] * 2 + ["abstain"]
        for n, (link, choice) in enumerate(zip(data["links"], choices, strict=True)):
            delegate.goto(f"/d/{link}")
            with delegate.expect_navigation():
                delegate.click(f"#ballot-{data['resolution_vote']}-{choice}")
            expect(delegate.locator(f"#vote-{data['resolution_vote']} [data-field=ballot-state]")).to_contain_text(
                "Đồng chí đã chọn")
            if n == 0:
                delegate.screenshot(path=str(artifacts / "congress-phone-ballot.png"), full_page=True)
        phone.close()
        # The clerk's page, open all along, has followed the ballots without being reloaded.
        expect(page.locator("#vote-voted")).to_have_text(re.compile(rf"^{len(choices)}/"), timeout=10_000)
        expect(page.locator("#vote-roll .badge-ok")).to_have_count(len(choices))
        with page.expect_navigation():
            page.click("#vote-close")
        expect(page.locator(".vote-result").first).to_have_attribute("data-adopted", "true")
        expect(hall.locator("[data-field=vote-verdict]")).to_contain_text("27", timeout=20_000)
        expect(hall.locator("[data-field=vote-yes]")).to_have_text("27")
        hall.screenshot(path=str(artifacts / "congress-hall-result.png"))
    finally:
        leave(hall)
        hall_context.close()
