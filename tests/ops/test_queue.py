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


# Invitations sent by a real worker that is killed, or stopped, in the middle of the batch ---------------------

RECIPIENTS = 120


def _big_batch(app, factory) -> tuple[str, str]:
    """A meeting with RECIPIENTS delegates with e-mail, and a sending of their invitations asked for (its job
    queued, not run here). Answers the job's and the batch's public ids."""
    from planner.accounts.models import User
    from planner.delegates import services as delegates
    from planner.invitations import services as invitations
    from tests.invitations.scene import make_scene

    scene = make_scene(app)
    with scene.open() as s:
        for k in range(RECIPIENTS):
            delegates.add_participant(s.meeting, {"family_name": "Lê", "middle_name": "Văn",
                                                  "given_name": f"Khách {k:03d}", "email": f"khach{k:03d}@example.vn"},
                                      allow_duplicate=True)
        batch = invitations.start_batch(s.meeting, audience="all", user=s.user)
        user = db.session.get(User, s.user.id)
        job = queue.enqueue("invitations.send", batch.id, user.id, subject=batch.public_id,
                            organization_id=s.meeting.organization_id, meeting_id=s.meeting.id, user=user)
        assert job.state == JobState.queued
        return job.public_id, batch.public_id


def _wait_for_mail(box, count: int, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while len(box.messages) < count:
        assert time.monotonic() < deadline, f"only {len(box.messages)} e-mails arrived"
        time.sleep(0.05)


def _delivered(box) -> tuple[int, set[str], set[str]]:
    """How many e-mails arrived, their distinct Message-IDs and their distinct recipients."""
    ids = {m["Message-ID"] for _r, m in box.messages}
    recipients = {r for rcpts, _m in box.messages for r in rcpts}
    return len(box.messages), ids, recipients


@pytest.mark.parametrize("how", ["killed", "stopped"])
def test_a_worker_gone_mid_batch_loses_no_invitation_and_sends_none_twice(app, factory, live_queue, mailbox, how):
    from planner.invitations.models import BatchState, InvitationBatch

    env = {"PLANNER_PUBLIC_BASE_URL": PUBLIC, "PLANNER_STORAGE_PATH": app.config["STORAGE_PATH"], **mailbox.env}
    job_id, batch_id = _big_batch(app, factory)
    first = live_queue.worker(extra_env=env)
    _wait_for_mail(mailbox, 30)
    if how == "killed":
        first.kill()                     # SIGKILL: the job is left running, its message gone with the worker
        time.sleep(8.5)                  # JOB_STALE_SECONDS of the workers: 8
    else:
        first.stop()                     # SIGTERM: the job is handed back at its next e-mail
        with app.app_context():
            assert db.session.scalar(select(Job.state).where(Job.public_id == job_id)) == JobState.queued
    arrived_before = len(mailbox.messages)
    assert arrived_before < RECIPIENTS + 2, "the batch was over before the worker went: nothing was tested"
    live_queue.worker(extra_env=env)
    done = live_queue.wait(job_id, seconds=120)
    assert done.state == JobState.done, done.error
    # Taken up again after the first worker went (a SIGTERM'd worker's other thread may also take the handed-back
    # job once before it exits: each taking is exclusive and resumes from the last committed mark, so what is
    # held to is below: nothing lost, nothing sent twice).
    assert done.attempts >= 2
    total, ids, recipients = _delivered(mailbox)
    wanted = {f"khach{k:03d}@example.vn" for k in range(RECIPIENTS)} | {"an@example.vn", "binh@example.vn"}
    assert recipients == wanted          # nothing lost
    assert len(ids) == len(wanted)       # one sending to one person: one Message-ID
    # Nothing sent twice; only a SIGKILL between the server's acceptance and the sent mark may repeat the
    # one e-mail in flight, under the same Message-ID.
    assert total - len(ids) <= (1 if how == "killed" else 0)
    with app.app_context():
        batch = db.session.scalar(select(InvitationBatch).where(InvitationBatch.public_id == batch_id))
        assert batch.state == BatchState.finished
