"""The elections tab in a real browser: the list of elections and the credentials report, an election with its
list in ballot order and its surplus, a round's tally refused and then closed with a tie at the last seat.
Screenshots (desktop and phone) go to tests/artifacts/."""

from __future__ import annotations

import pytest

from planner.extensions import db
from tests.conftest import PASSWORD
from tests.elections.conftest import make_congress

pytestmark = pytest.mark.e2e


def build(app, factory) -> dict:
    from planner.elections import services

    with app.test_request_context():
        congress = make_congress(delegates=30, checked_in=28)
        election = services.create_election(congress.meeting, {
            "body": "executive_committee", "seats": 9, "title": "Ban Chấp hành Đảng bộ phường khóa XV",
            "seats_decision": "Đại hội biểu quyết 28/28 tán thành"}, user=congress.user)
        for participant in congress.delegates[:11]:
            services.add_candidate(election, {"participant_id": participant.public_id}, user=congress.user)
        services.create_election(congress.meeting, {"body": "secretary", "seats": 1}, user=congress.user)
        data = {"email": congress.user.email, "meeting": congress.meeting.public_id, "election": election.public_id}
        db.session.remove()
    return data


def test_the_elections_pages(app, page, live_server, factory, screenshot):
    from playwright.sync_api import expect

    data = build(app, factory)
    page.goto("/login")
    page.fill("input[name=email]", data["email"])
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.goto(f"/meetings/{data['meeting']}/elections")
    expect(page.get_by_role("link", name="Bầu cử")).to_have_attribute("aria-current", "page")
    screenshot("elections-index")
    page.get_by_role("link", name="Ban Chấp hành Đảng bộ phường khóa XV").click()
    expect(page.locator("table.candidates tbody tr")).to_have_count(11)
    screenshot("elections-election")
    page.get_by_role("button", name="Bắt đầu bầu lần 1 (in phiếu bầu)").click()
    expect(page.locator("table.tally-table tbody tr")).to_have_count(11)
    page.fill("input[name=issued]", "28")
    page.fill("input[name=returned]", "28")
    page.fill("input[name=valid]", "27")
    page.fill("input[name=invalid]", "2")
    votes = [27, 26, 25, 24, 23, 22, 21, 20, 18, 18, 5]
    for field, number in zip(page.locator("input.votes").all(), votes, strict=True):
        field.fill(str(number))
    page.get_by_role("button", name="Lưu số liệu").click()
    expect(page.locator(".flash-error, .error").first).to_contain_text("28")
    screenshot("elections-round-refused")
    page.fill("input[name=invalid]", "1")
    page.get_by_role("button", name="Kết thúc lần bầu và tính kết quả").click()
    expect(page.locator("tr.elected")).to_have_count(8)
    expect(page.locator("tr.tied")).to_have_count(2)
    screenshot("elections-round-closed")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("elections-round-phone")
