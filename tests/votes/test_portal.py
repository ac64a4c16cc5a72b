"""Electronic voting through the delegates' personal links, and the hall display: the question while a vote is
open, the result once it is closed, nothing of what the screen may not see."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.votes.models import Vote, VoteBallot, VoteChoice, VoteStatus
from tests.votes.conftest import make_congress, today


@pytest.fixture
def hall(app):
    from planner.invitations import services as invitations
    from planner.speeches import services as speeches

    with app.test_request_context():
        congress = make_congress(day=today(), delegates=6, present=5)
        _display, screen = speeches.create_display(congress.meeting, user=congress.user)
        links = [invitations.ensure_link(p, user=congress.user) for p in congress.delegates]
        ids = {"links": links, "screen": screen, "meeting": congress.meeting.id, "user": congress.user.id,
               "item": congress.resolution.id, "opening": congress.opening.id}
    return ids


def _vote(app, ids, **data):
    from planner.accounts.models import User
    from planner.agenda.models import AgendaItem
    from planner.votes import services

    with app.test_request_context():
        user = db.session.get(User, ids["user"])
        item = db.session.get(AgendaItem, data.pop("item", ids["item"]))
        vote = services.create_vote(item, {"title": "Thông qua Nghị quyết Đại hội", **data}, user=user)
        services.open_vote(vote, user=user)
        return vote.public_id


def _act(app, ids, public_id, action, **data):
    from planner.accounts.models import User
    from planner.votes import services

    with app.test_request_context():
        user = db.session.get(User, ids["user"])
        vote = db.session.scalar(select(Vote).where(Vote.public_id == public_id))
        getattr(services, action)(vote, **data, user=user)


def _row(app, public_id):
    with app.app_context():
        vote = db.session.scalar(select(Vote).where(Vote.public_id == public_id))
        db.session.expunge(vote)
        return vote


def test_delegates_vote_from_their_personal_pages(app, hall):
    vote_id = _vote(app, hall, method="electronic")
    choices = ["yes", "yes", "no", "abstain", "yes"]
    for n, choice in enumerate(choices):
        client = app.test_client()
        page = client.get(f"/d/{hall['links'][n]}")
        assert page.status_code == 200 and f'id="ballot-{vote_id}-yes"' in page.text
        answer = client.post_form(f"/d/{hall['links'][n]}/vote/{vote_id}", {"choice": choice})
        assert answer.status_code == 302 and answer.headers["Location"].endswith("#votes")
    # a change of mind, from the same link
    client = app.test_client()
    client.post_form(f"/d/{hall['links'][2]}/vote/{vote_id}", {"choice": "yes"})
    page = client.get(f"/d/{hall['links'][2]}")
    assert re.search(rf'id="ballot-{vote_id}-yes" aria-pressed="true"', page.text)
    # absent when the vote opened: nothing to vote on, and a forged post records nothing
    late = app.test_client()
    assert f"ballot-{vote_id}" not in late.get(f"/d/{hall['links'][5]}").text
    late.post_form(f"/d/{hall['links'][5]}/vote/{vote_id}", {"choice": "no"})
    # without the CSRF token, nothing either
    assert app.test_client().post(f"/d/{hall['links'][0]}/vote/{vote_id}", data={"choice": "no"}).status_code in (
        302, 400)
    _act(app, hall, vote_id, "close_vote")
    vote = _row(app, vote_id)
    assert (vote.yes, vote.no, vote.abstain, vote.adopted) == (4, 0, 1, True)
    with app.app_context():
        assert db.session.scalar(select(VoteChoice.id).where(VoteChoice.vote_id == vote.id)) is None
        assert len(db.session.scalars(select(VoteBallot).where(VoteBallot.vote_id == vote.id)).all()) == 5
    # closed: the page no longer offers it, and a late post is refused
    page = app.test_client().get(f"/d/{hall['links'][0]}")
    assert f"ballot-{vote_id}" not in page.text


def test_a_link_votes_at_a_limited_rate(app, hall):
    vote_id = _vote(app, hall, method="electronic")
    client = app.test_client()
    statuses = [client.post_form(f"/d/{hall['links'][0]}/vote/{vote_id}", {"choice": "yes"}).status_code
                for _ in range(22)]
    assert statuses[0] == 302 and statuses[-1] == 429
    # another delegate on the same address is not held back
    assert app.test_client().post_form(f"/d/{hall['links'][1]}/vote/{vote_id}", {"choice": "no"}).status_code == 302


def test_the_hall_display_shows_the_result_only_when_closed(app, hall):
    client = app.test_client()
    state = client.get(f"/hall/{hall['screen']}/state").json
    assert state["vote"] is None
    vote_id = _vote(app, hall, method="electronic")
    client.post_form(f"/d/{hall['links'][0]}/vote/{vote_id}", {"choice": "yes"})
    state = client.get(f"/hall/{hall['screen']}/state").json
    assert state["vote"]["status"] == "open" and state["vote"]["title"] == "Thông qua Nghị quyết Đại hội"
    assert state["vote"]["voted"] == 1 and state["vote"]["present"] == 5
    assert not {"yes", "no", "abstain", "adopted", "percent"} & set(state["vote"])
    _act(app, hall, vote_id, "close_vote")
    state = client.get(f"/hall/{hall['screen']}/state").json
    assert state["vote"]["status"] == "closed"
    assert {k: state["vote"][k] for k in ("yes", "no", "abstain", "not_voting", "base", "adopted")} == {
        "yes": 1, "no": 0, "abstain": 0, "not_voting": 4, "base": 5, "adopted": False}
    page = client.get(f"/hall/{hall['screen']}")
    assert 'data-field="vote"' in page.text


def test_the_hall_display_shows_nothing_of_a_classified_item_s_vote(app, hall):
    from planner.accounts.models import User
    from planner.agenda import services as agenda
    from planner.agenda.models import AgendaItem

    with app.test_request_context():
        user = db.session.get(User, hall["user"])
        item = db.session.get(AgendaItem, hall["opening"])
        agenda.update_item(item, {"classification": "confidential"}, user=user)
    vote_id = _vote(app, hall, item=hall["opening"])
    _act(app, hall, vote_id, "update_vote", data={"yes": 5, "no": 0, "status": "closed"})
    assert _row(app, vote_id).status is VoteStatus.closed
    state = app.test_client().get(f"/hall/{hall['screen']}/state").json
    assert state["vote"] is None


def test_an_electronic_vote_is_refused_on_classified_content(app, hall):
    from planner.accounts.models import User
    from planner.agenda import services as agenda
    from planner.agenda.models import AgendaItem
    from planner.core.errors import ValidationError

    with app.test_request_context():
        user = db.session.get(User, hall["user"])
        item = db.session.get(AgendaItem, hall["opening"])
        agenda.update_item(item, {"classification": "internal"}, user=user)
    with pytest.raises(ValidationError):
        _vote(app, hall, item=hall["opening"], method="electronic")
