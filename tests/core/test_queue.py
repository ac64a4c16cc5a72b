"""The job frame (core.queue) in immediate mode, as the suite runs every job: a job is sent when its
caller's unit of work commits (never when it rolls back), runs once however often it is sent, tells its
progress, and a failure is retried with a growing delay and ends visible, with its reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from planner.core import queue
from planner.core.db import atomic
from planner.core.errors import PlannerError
from planner.core.queue import Job, JobState
from planner.extensions import db

CALLS: list[tuple] = []


def _record(*arguments):
    CALLS.append(arguments)
    queue.progress(1, 2)
    queue.progress(2)
    return "made:" + "-".join(str(a) for a in arguments)


def _broken(*_arguments):
    CALLS.append(("broken",))
    raise OSError("the mail server does not answer")


def _refused(*_arguments):
    raise PlannerError("The meeting was deleted.")


@pytest.fixture(autouse=True)
def _kinds(app):
    queue.register("test.record", _record)
    queue.register("test.broken", _broken, attempts=3, delay=5)
    queue.register("test.refused", _refused)
    CALLS.clear()
    yield
    CALLS.clear()


def _job(public_id: str) -> Job:
    db.session.expire_all()
    job = db.session.scalar(select(Job).where(Job.public_id == public_id))
    assert job is not None
    return job


def test_a_job_runs_when_its_unit_of_work_commits(app):
    with app.app_context():
        with atomic():
            job = queue.enqueue("test.record", "a", 2, subject="s1", total=0)
            assert CALLS == []            # not before the commit
            public_id = job.public_id
        assert CALLS == [("a", 2)]
        job = _job(public_id)
        assert job.state == JobState.done and job.result == "made:a-2"
        assert (job.done, job.total, job.attempts) == (2, 2, 1)
        assert job.status()["percent"] == 100 and job.status()["finished"]
        assert queue.latest("test.record", "s1").public_id == public_id
        assert queue.open_job("test.record", "s1") is None


def test_a_rolled_back_unit_of_work_enqueues_nothing(app):
    with app.app_context():
        with pytest.raises(RuntimeError), atomic():
            queue.enqueue("test.record", "never")
            raise RuntimeError("the request failed")
        db.session.commit()
        assert CALLS == []
        assert db.session.scalar(select(Job).where(Job.kind == "test.record")) is None


def test_a_job_runs_once_however_often_it_is_sent(app):
    with app.app_context():
        public_id = queue.enqueue("test.record", "once").public_id
        assert queue.run_now(public_id) is None          # done already: a duplicate message does nothing
        assert CALLS == [("once",)]


def test_a_failing_job_is_retried_later_and_ends_failed_with_its_reason(app):
    with app.app_context():
        public_id = queue.enqueue("test.broken").public_id
        job = _job(public_id)
        assert job.state == JobState.retrying and job.attempts == 1
        assert "the mail server does not answer" in job.error
        first_wait = job.run_after - job.heartbeat_at
        assert timedelta(seconds=4) < first_wait <= timedelta(seconds=5)
        assert queue.run_now(public_id) == JobState.retrying
        job = _job(public_id)
        assert timedelta(seconds=9) < job.run_after - job.heartbeat_at <= timedelta(seconds=10)  # doubled
        assert queue.run_now(public_id) == JobState.failed
        job = _job(public_id)
        assert job.state == JobState.failed and job.attempts == 3 and job.finished_at is not None
        # Said in words (the default language here: nobody asked from a page), the detail kept for the admin.
        assert job.status()["error"] == ("Công việc bị dừng do lỗi kỹ thuật (thông tin cho quản trị viên: OSError: "
                                         "the mail server does not answer).")
        assert job.status()["note"].startswith("Không hoàn thành được. Hãy thử lại")
        assert len(CALLS) == 3
        assert queue.run_now(public_id) is None          # failed for good: not run again


def test_a_technical_failure_is_told_in_the_language_of_who_asked(app, factory):
    """A job asked for from a page runs for its author: the reason of its failure is in their language, as a
    refusal's own message is."""
    from planner.accounts.models import User

    org = factory.organization()
    reader = factory.user(org, role="organizer", language="en")
    with app.test_request_context("/meetings"):
        public_id = queue.enqueue("test.broken", user=db.session.get(User, reader.id)).public_id
        db.session.commit()
    with app.app_context():
        assert _job(public_id).error == ("A technical error stopped the work (for the administrator: OSError: the "
                                         "mail server does not answer).")


def test_a_refusal_fails_at_once(app):
    with app.app_context():
        public_id = queue.enqueue("test.refused").public_id
        job = _job(public_id)
        assert job.state == JobState.failed and job.attempts == 1 and job.error == "The meeting was deleted."


def test_the_sweep_sends_again_a_job_whose_worker_went_silent(app):
    with app.app_context():
        public_id = queue.enqueue("test.record", "lost").public_id
        CALLS.clear()
        long_ago = queue.utcnow() - timedelta(hours=1)
        db.session.execute(update(Job).where(Job.public_id == public_id)
                           .values(state=JobState.running, heartbeat_at=long_ago))
        db.session.commit()
        fresh = queue.enqueue("test.broken").public_id      # retrying, not yet due: left alone
        CALLS.clear()
        assert queue.sweep() == 1
        assert CALLS == [("lost",)]
        assert _job(public_id).state == JobState.done and _job(public_id).attempts == 2
        assert _job(fresh).state == JobState.retrying


def test_jobs_of_other_organizations_are_unknown(app, factory):
    org = factory.organization()
    other = factory.organization()
    with app.app_context():
        public_id = queue.enqueue("test.record", organization_id=org.id).public_id
        assert queue.get(public_id, organization_id=org.id) is not None
        assert queue.get(public_id, organization_id=other.id) is None


def test_an_unknown_kind_is_a_programming_error(app):
    with app.app_context(), pytest.raises(KeyError):
        queue.enqueue("test.nothing")
