"""The task queue with a real consumer (``flask planner worker`` in its own process), on its two storages:
the SQLite file of one machine and Redis. A job asked for in one process is done by the worker; a worker
killed in the middle of a job leaves it running, and the next worker's sweep takes it up again."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from planner.core import queue
from planner.core.queue import Job, JobState
from planner.extensions import db
from tests.ops.live import Worker

REDIS_URL = os.environ.get("PLANNER_TEST_REDIS_URL")
PUBLIC = "http://planner.test"
STORAGES = ["sqlite", pytest.param("redis", marks=pytest.mark.skipif(
    not REDIS_URL, reason="needs Redis: set PLANNER_TEST_REDIS_URL (CI sets it)"))]


class Queue:
    """The test process enqueues into the same storage as the worker it starts."""

    def __init__(self, app, database_url: str, storage: str, folder: Path):
        self.app = app
        self.database_url = database_url
        self.redis_url = REDIS_URL if storage == "redis" else None
        self.queue_path = str(folder / "queue.db")
        self.instance = str(folder)
        self.workers: list[Worker] = []

    def worker(self, **kwargs) -> Worker:
        # the same public address and stored files as the test's app
        kwargs.setdefault("extra_env", {"PLANNER_PUBLIC_BASE_URL": PUBLIC,
                                        "PLANNER_STORAGE_PATH": self.app.config["STORAGE_PATH"]})
        started = Worker(self.database_url, self.instance, redis_url=self.redis_url, queue_path=self.queue_path,
                         **kwargs)
        self.workers.append(started)
        return started

    def wait(self, public_id: str, states=(JobState.done, JobState.failed), seconds: float = 60) -> Job:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self.app.app_context():
                job = db.session.scalar(select(Job).where(Job.public_id == public_id))
                if job is not None and job.state in states:
                    db.session.expunge(job)
                    return job
            time.sleep(0.2)
        logs = "\n".join(w.log.read_text(errors="replace")[-3000:] for w in self.workers)
        raise AssertionError(f"job {public_id} did not reach {states} within {seconds} s; worker logs:\n{logs}")


@pytest.fixture(params=STORAGES)
def live_queue(request, app, database_url, tmp_path, monkeypatch) -> Iterator[Queue]:
    found = Queue(app, database_url, request.param, tmp_path)
    if found.redis_url:
        from redis import Redis

        Redis.from_url(found.redis_url).flushdb()
        monkeypatch.setitem(app.config, "REDIS_URL", found.redis_url)
    monkeypatch.setitem(app.config, "QUEUE_IMMEDIATE", False)
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", PUBLIC)
    monkeypatch.setitem(app.config, "QUEUE_PATH", found.queue_path)
    queue.init_app(app)
    try:
        yield found
    finally:
        for worker in found.workers:
            worker.stop()
        errors = [e for w in found.workers for e in w.errors()]
        monkeypatch.undo()
        queue.init_app(app)
        assert not errors, "the worker logged tracebacks:\n" + "\n".join(errors)


def test_a_release_is_warmed_by_the_worker(app, factory, live_queue):
    from datetime import date, datetime, time

    from planner.accounts.models import Organization, User
    from planner.agenda import services as agenda
    from planner.calendars import cache, services
    from planner.meetings import services as meetings

    org_ref = factory.organization()
    admin = factory.user(org_ref, role="admin")
    day = date(2026, 12, 10)
    with app.test_request_context():
        org = db.session.get(Organization, org_ref.id)
        user = db.session.get(User, admin.id)
        meeting = meetings.create_meeting(org, user, title="Hội nghị", kind="conference", starts_on=day,
                                          ends_on=day, venue="Hội trường A", city="Đà Nẵng", language="vi")
        agenda.create_item(meeting, {"title": "Khai mạc", "kind": "opening",
                                     "starts_at": datetime.combine(day, time(8, 0)),
                                     "ends_at": datetime.combine(day, time(8, 30))}, user=user)
        agenda.publish(meeting, user=user, publish_meeting=True)
        job = db.session.scalar(select(Job).where(Job.kind == "calendars.warm"))
        assert job.state == JobState.queued         # asked for, not done here
        public_id, code = job.public_id, meeting.public_code
    live_queue.worker()
    done = live_queue.wait(public_id)
    assert done.state == JobState.done and done.attempts == 1, done.error
    with app.test_request_context("/", base_url=PUBLIC + "/"):
        assert cache.is_cached(services.resolve_public(code))
