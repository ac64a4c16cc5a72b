"""The votes pages through HTTP: prepare, open, count, close and correct a vote; a named vote; the congress
bodies; permissions; and a query count that does not grow with the congress."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.votes.models import Vote, VoteStatus
from tests.conftest import PASSWORD
from tests.queries import counting
from tests.votes.conftest import make_congress, today


def build(app, factory, **kwargs):
    with app.test_request_context():
        congress = make_congress(day=today(), **kwargs)
        viewer = factory.user(type("Org", (), {"id": congress.org.id})(), role="viewer")
        return {"meeting": congress.meeting.public_id, "item": congress.resolution.public_id,
                "opening": congress.opening.public_id, "email": congress.user.email, "viewer": viewer.email,
                "delegates": [p.public_id for p in congress.delegates], "org": congress.org.id}


@pytest.fixture
def site(app, factory):
    return build(app, factory)


def signed_in(app, email):
    client = app.test_client()
    client.login(email, PASSWORD)
    return client


def vote_row(app, public_id=None):
    with app.app_context():
        query = select(Vote).order_by(Vote.id.desc())
        if public_id:
            query = query.where(Vote.public_id == public_id)
        found = db.session.scalar(query)
        db.session.expunge(found)
        return found


def test_a_show_of_hands_from_the_page(app, site):
    client = signed_in(app, site["email"])
    base = f"/meetings/{site['meeting']}/votes"
    page = client.get(base)
    assert page.status_code == 200 and 'id="vote-create"' in page.text and "8" in page.text
    made = client.post_form(base, {"item_id": site["item"], "title": "Thông qua Nghị quyết Đại hội",
                                   "method": "show_of_hands", "majority": "more_than_half", "base": "present"})
    assert made.status_code == 302
    vote = vote_row(app)
    url = f"{base}/{vote.public_id}"
    assert made.headers["Location"].endswith(url)
    page = client.get(url)
    assert 'id="vote-open"' in page.text
    assert client.post_form(f"{url}/open", {"version": vote.version}).status_code == 302
    vote = vote_row(app, vote.public_id)
    assert vote.status is VoteStatus.open and vote.present == 8
    page = client.get(url)
    assert 'id="vote-yes"' in page.text and 'id="vote-count-close"' in page.text
    refused = client.post_form(f"{url}/counts", {"yes": 7, "no": 2, "abstain": 0, "version": vote.version})
    assert refused.status_code == 422 and "vote-yes-error" in refused.text
    done = client.post_form(f"{url}/counts", {"yes": 7, "no": 1, "abstain": 0, "version": vote.version,
                                              "then": "close"})
    assert done.status_code == 302
    page = client.get(url)
    assert 'data-adopted="true"' in page.text and 'id="vote-verdict"' in page.text and "87,5" in page.text
    vote = vote_row(app, vote.public_id)
    corrected = client.post_form(f"{url}/correction", {"yes": 4, "no": 4, "abstain": 0, "reason": "Đếm lại",
                                                       "version": vote.version})
    assert corrected.status_code == 302
    page = client.get(url)
    assert 'data-adopted="false"' in page.text and "Đếm lại" in page.text
    listing = client.get(base)
    assert "Thông qua Nghị quyết Đại hội" in listing.text


def test_a_stale_save_from_the_page_is_a_conflict(app, site):
    client = signed_in(app, site["email"])
    base = f"/meetings/{site['meeting']}/votes"
    client.post_form(base, {"item_id": site["item"], "title": "Thông qua", "method": "show_of_hands",
                            "majority": "more_than_half", "base": "present"})
    vote = vote_row(app)
    url = f"{base}/{vote.public_id}"
    client.post_form(f"{url}/open", {"version": vote.version})
    vote = vote_row(app, vote.public_id)
    assert client.post_form(f"{url}/counts", {"yes": 5, "no": 1, "version": vote.version}).status_code == 302
    stale = client.post_form(f"{url}/counts", {"yes": 1, "no": 5, "version": vote.version})
    assert stale.status_code == 409
    assert vote_row(app, vote.public_id).yes == 5


def test_a_named_vote_from_the_page(app, site):
    client = signed_in(app, site["email"])
    base = f"/meetings/{site['meeting']}/votes"
    client.post_form(base, {"item_id": site["item"], "title": "Biểu quyết từng người", "method": "named",
                            "majority": "more_than_half", "base": "present"})
    vote = vote_row(app)
    url = f"{base}/{vote.public_id}"
    client.post_form(f"{url}/open", {"version": vote.version})
    first = site["delegates"][0]
    assert client.post_form(f"{url}/choices", {"participant_id": first, "choice": "yes"}).status_code == 302
    page = client.get(url)
    assert re.search(r'choice-yes" aria-pressed="true"', page.text)
    absent = client.post_form(f"{url}/choices", {"participant_id": site["delegates"][9], "choice": "yes"})
    assert absent.status_code == 400


def test_the_congress_bodies_page(app, site):
    client = signed_in(app, site["email"])
    url = f"/meetings/{site['meeting']}/bodies"
    page = client.get(url)
    assert page.status_code == 200 and 'id="body-counting_committee-members"' in page.text
    saved = client.post_form(f"{url}/counting_committee", {"participant_ids": site["delegates"][:3]})
    assert saved.status_code == 302
    page = client.get(url)
    assert 'id="body-counting_committee-put-to-vote"' in page.text
    put = client.post_form(f"{url}/counting_committee/vote", {"item_id": site["opening"]})
    assert put.status_code == 302 and "/votes/" in put.headers["Location"]
    assert "Ban Kiểm phiếu" in vote_row(app).title


def test_a_viewer_reads_but_changes_nothing(app, site):
    client = signed_in(app, site["viewer"])
    base = f"/meetings/{site['meeting']}/votes"
    page = client.get(base)
    assert page.status_code == 200 and 'id="vote-create"' not in page.text
    assert client.post_form(base, {"item_id": site["item"], "title": "x"}).status_code == 403
    assert client.get(f"/meetings/{site['meeting']}/bodies").status_code == 200


def page_queries(app, factory, size: int) -> dict[str, int]:
    from planner.votes import services

    with app.test_request_context():
        congress = make_congress(day=today(), delegates=size, present=size - 2)
        for n in range(4):
            vote = congress.vote(title=f"Biểu quyết {n}", method="named" if n % 2 else "show_of_hands")
            services.open_vote(vote, user=congress.user)
            if vote.method.value == "named":
                for p in congress.delegates[:size - 2]:
                    services.record_choice(vote, p, "yes", user=congress.user)
        services.set_body_members(congress.meeting, "presidium", [p.public_id for p in congress.delegates[:5]],
                                  user=congress.user)
        ids = {"meeting": congress.meeting.public_id, "vote": vote.public_id, "email": congress.user.email}
    client = signed_in(app, ids["email"])
    counts = {}
    for name, url in (("list", f"/meetings/{ids['meeting']}/votes"),
                      ("vote", f"/meetings/{ids['meeting']}/votes/{ids['vote']}"),
                      ("bodies", f"/meetings/{ids['meeting']}/bodies")):
        client.get(url)
        with counting(app) as statements:
            page = client.get(url)
            assert page.status_code == 200
        counts[name] = len(statements)
    return counts


def test_the_pages_run_a_fixed_number_of_queries(app, factory):
    small, large = page_queries(app, factory, 6), page_queries(app, factory, 40)
    assert small == large
    assert all(number <= 25 for number in small.values()), small


def open_vote(client, site, method):
    base = f"/meetings/{site['meeting']}/votes"
    client.post_form(base, {"item_id": site["item"], "title": f"Biểu quyết {method}", "method": method,
                            "majority": "more_than_half", "base": "present"})
    vote = vote_row(app_of(client))
    url = f"{base}/{vote.public_id}"
    assert client.post_form(f"{url}/open", {"version": vote.version}).status_code == 302
    return url


def app_of(client):
    return client.application


def test_a_named_choice_sent_by_the_page_script_is_answered_with_the_progress(app, site):
    """The roll is called without reloading the page: the answer carries the count said in the user's words and
    each recorded choice; the page is no longer refreshed by a meta tag that reloaded it under the clerk."""
    client = signed_in(app, site["email"])
    url = open_vote(client, site, "named")
    assert 'http-equiv="refresh"' not in client.get(url).text
    first, second = site["delegates"][:2]
    answer = client.post_form(f"{url}/choices", {"participant_id": first, "choice": "yes"},
                              headers={"Accept": "application/json"})
    assert answer.status_code == 200
    assert answer.json["ok"] is True and answer.json["marks"] == {first: "yes"}
    assert answer.json["voted"] == 1 and answer.json["present"] == 8
    assert answer.json["progress"] == "1/8 đại biểu đã biểu quyết."
    client.post_form(f"{url}/choices", {"participant_id": second, "choice": "no"})
    state = client.get(f"{url}/progress").json
    assert state["status"] == "open" and state["marks"] == {first: "yes", second: "no"} and state["voted"] == 2
    assert state["numbers"] == {"yes": "1", "no": "1", "abstain": "0", "not_voting": "6", "percent": "12,5%"}


def test_a_refused_choice_is_said_in_words_and_nothing_is_recorded(app, site):
    client = signed_in(app, site["email"])
    url = open_vote(client, site, "named")
    absent = site["delegates"][9]  # not checked in when the vote opened
    refused = client.post_form(f"{url}/choices", {"participant_id": absent, "choice": "yes"},
                               headers={"Accept": "application/json"})
    assert refused.status_code == 400 and refused.json["ok"] is False
    assert refused.json["detail"] == "Đại biểu này không có mặt khi bắt đầu biểu quyết."
    vote = vote_row(app)
    client.post_form(f"{url}/close", {"version": vote.version})
    late = client.post_form(f"{url}/choices", {"participant_id": site["delegates"][0], "choice": "yes"},
                            headers={"Accept": "application/json"})
    assert late.status_code == 409 and late.json["detail"]
    assert client.get(f"{url}/progress").json["marks"] == {}
    expired = client.post(f"{url}/choices", data={"participant_id": site["delegates"][0], "choice": "yes"},
                          headers={"Accept": "application/json"})
    assert expired.status_code == 400 and expired.json["detail"].startswith("Biểu mẫu đã hết hạn")


def test_an_electronic_vote_shows_who_has_voted_never_their_choice(app, site):
    from planner.delegates.models import Participant
    from planner.votes import services

    client = signed_in(app, site["email"])
    url = open_vote(client, site, "electronic")
    vote = vote_row(app)
    with app.test_request_context():
        found = db.session.get(Vote, vote.id)
        person = db.session.scalar(select(Participant).where(Participant.public_id == site["delegates"][0]))
        services.cast_ballot(found, person, "no", "a-link-secret")
        db.session.commit()
    state = client.get(f"{url}/progress").json
    assert state["marks"] == {site["delegates"][0]: "voted"} and state["voted"] == 1
    assert state["numbers"] == {}   # an electronic vote's tallies are not shown before it closes
    viewer = signed_in(app, site["viewer"])
    assert viewer.get(f"{url}/progress").json["voted"] == 1
