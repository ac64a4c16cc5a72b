"""An open vote's page in a browser: a named roll called without the page reloading under the clerk, the count
and the marks kept current from another screen's changes, and the page showing the result by itself once the
vote is closed elsewhere. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import re

import pytest

from planner.extensions import db
from tests.e2e.conftest import PHONE
from tests.e2e.test_meetings import sign_in
from tests.votes.conftest import make_congress, today

pytestmark = pytest.mark.e2e


def build(app) -> dict:
    from planner.votes import services as votes

    with app.test_request_context():
        congress = make_congress(delegates=10, present=8, day=today())
        vote = votes.open_vote(congress.vote(method="named", title="Biểu quyết từng người"), user=congress.user)
        data = {"email": congress.user.email, "meeting": congress.meeting.public_id, "vote": vote.public_id,
                "vote_id": vote.id, "user_id": congress.user.id,
                "delegates": [p.public_id for p in congress.delegates[:8]]}
        db.session.commit()
        db.session.remove()
    return data


def elsewhere(app, data, change) -> None:
    """A change made on another screen: through the services, committed, as another clerk's request would."""
    from planner.accounts.models import User
    from planner.delegates.models import Participant
    from planner.votes import services as votes
    from planner.votes.models import Vote

    with app.test_request_context():
        vote = db.session.get(Vote, data["vote_id"])
        user = db.session.get(User, data["user_id"])
        people = {p.public_id: p for p in db.session.scalars(
            db.select(Participant).where(Participant.public_id.in_(data["delegates"])))}
        change(votes, vote, user, people)
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_named_roll_is_called_without_reloading_and_follows_other_screens(app, browser, live_server, size,
                                                                           artifacts):
    from playwright.sync_api import expect

    data = build(app)
    options = {"viewport": PHONE, "is_mobile": True, "has_touch": True} if size == "phone" else {
        "viewport": {"width": 1366, "height": 900}}
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", **options)
    page = context.new_page()
    try:
        sign_in(page, data["email"])
        page.goto(f"/meetings/{data['meeting']}/votes/{data['vote']}")
        expect(page.locator("#vote-voted")).to_have_text("0/8 đại biểu đã biểu quyết.")
        page.evaluate("window.__samePage = true")   # gone if the page reloads
        last = data["delegates"][7]
        page.locator(f"#roll-{last} .choice-yes").click()
        expect(page.locator(f"#roll-{last} .choice-yes")).to_have_attribute("aria-pressed", "true")
        expect(page.locator("#vote-voted")).to_have_text("1/8 đại biểu đã biểu quyết.")
        assert page.evaluate("window.__samePage === true")
        assert page.evaluate("window.scrollY") > 0 or size == "desktop"   # still down at the last delegate

        # Another clerk records a choice: it appears here within a poll or two.
        first = data["delegates"][0]
        elsewhere(app, data, lambda votes, vote, user, people: votes.record_choice(vote, people[first], "no",
                                                                                   user=user))
        expect(page.locator(f"#roll-{first} .choice-no")).to_have_attribute("aria-pressed", "true", timeout=10_000)
        expect(page.locator("#vote-voted")).to_have_text("2/8 đại biểu đã biểu quyết.")
        expect(page.locator("#vote-numbers [data-field=yes]")).to_have_text("1")
        expect(page.locator("#vote-numbers [data-field=no]")).to_have_text("1")
        expect(page.locator("#vote-numbers [data-field=not_voting]")).to_have_text("6")
        assert page.evaluate("window.__samePage === true")
        page.screenshot(path=str(artifacts / f"vote-named-roll-{size}.png"), full_page=True)

        # The vote is closed on another screen: the page shows the result by itself.
        elsewhere(app, data, lambda votes, vote, user, people: votes.close_vote(vote, user=user))
        expect(page.locator("#vote-verdict")).to_be_visible(timeout=10_000)
        expect(page.locator(".roll-choices")).to_have_count(0)
        assert page.evaluate("window.__samePage === undefined")
        expect(page.locator("#vote-verdict")).to_have_text(re.compile(r"\S"))
    finally:
        context.close()
