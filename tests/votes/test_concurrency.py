"""Two counting clerks (threads with their own sessions stand for two workers) save the same vote at once from
the same page: one is saved, the other refused as stale (409), never a silent overwrite; and two taps of the
same delegate's ballot at once count once."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from planner.core.errors import Conflict
from planner.extensions import db
from planner.votes import services
from planner.votes.models import Vote, VoteBallot, VoteRoll
from tests.votes.conftest import make_congress, today


def at_once(app, actions) -> list[str]:
    barrier = threading.Barrier(len(actions))
    results: list[str] = []

    def worker(action):
        with app.test_request_context():
            try:
                action(barrier)
                results.append("ok")
            except Conflict:
                results.append("conflict")
            except Exception as exc:  # reported, so that the test shows what broke
                results.append(f"error: {exc!r}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_clerks_saving_the_same_vote_at_once(app):
    with app.test_request_context():
        congress = make_congress(day=today())
        vote = congress.vote()
        services.open_vote(vote, user=congress.user)
        vote_id, version = vote.id, vote.version
        db.session.remove()

    def clerk(counts):
        def save(barrier):
            found = db.session.get(Vote, vote_id)   # both read the same version
            barrier.wait(timeout=10)
            services.set_counts(found, counts, user=None, version=version)
        return save

    results = at_once(app, [clerk({"yes": 7, "no": 1}), clerk({"yes": 2, "no": 6})])
    assert sorted(results) == ["conflict", "ok"], results
    with app.app_context():
        saved = db.session.get(Vote, vote_id)
        assert (saved.yes, saved.no) in ((7, 1), (2, 6)) and saved.version == version + 1


def test_two_taps_of_one_ballot_count_once(app):
    from planner.delegates.models import Participant

    with app.test_request_context():
        congress = make_congress(day=today())
        vote = congress.vote(method="electronic")
        services.open_vote(vote, user=congress.user)
        vote_id, participant_id = vote.id, congress.delegates[0].id
        db.session.remove()

    def tap(choice):
        def cast(barrier):
            found = db.session.get(Vote, vote_id)
            participant = db.session.get(Participant, participant_id)
            barrier.wait(timeout=10)
            services.cast_ballot(found, participant, choice, "the-same-link-secret")
        return cast

    results = at_once(app, [tap("yes"), tap("no")])
    assert all(r in ("ok", "conflict") for r in results), results
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(VoteBallot)) == 1
        assert db.session.scalar(select(func.count()).where(VoteRoll.vote_id == vote_id,
                                                            VoteRoll.voted.is_(True))) == 1
