"""The scale-out of issue 19 as it runs in production: two web instances (gunicorn) and one job worker (`flask
planner worker`) on one PostgreSQL database and one Redis. 500 invitations are sent from instance A while
instance B takes edits of the agenda; the worker is killed (SIGKILL) in the middle of the batch and a new
one started. Every recipient gets the invitation once (nothing lost, nothing twice), every edit is saved,
and the sending ends done with its counts on the page that polls it."""

from __future__ import annotations

import os
import threading
import time
from types import SimpleNamespace

import pytest
import requests
from sqlalchemy import select

from planner.extensions import db
from tests.conftest import PASSWORD, PG_URL
from tests.ops.live import Browser, Worker, form_fields, servers

REDIS_URL = os.environ.get("PLANNER_TEST_REDIS_URL")
RECIPIENTS = 500
STALE_SECONDS = 8          # the workers' JOB_STALE_SECONDS (tests/ops/live.py)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL or not REDIS_URL,
                       reason="the scale-out runs on PostgreSQL and Redis: set PLANNER_TEST_DATABASE_URL and "
                              "PLANNER_TEST_REDIS_URL (CI sets both)"),
]


def _until(condition, seconds: float, what: str, logs=lambda: "") -> None:
    """Poll ``condition`` (a slow, loaded machine may take its time; nothing here sleeps a fixed delay)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {seconds} s\n{logs()}")
        time.sleep(0.1)


def _big_meeting(app):
    """The invitations' conference (tests/invitations/scene.py) and RECIPIENTS more delegates with e-mail."""
    from planner.delegates import services as delegates
    from tests.invitations.scene import make_scene

    scene = make_scene(app)
    rows = ["Họ và tên,Chức vụ,Đơn vị,Email"]
    rows += [f"Nguyễn Thị Khách {k:03d},Chuyên viên,Sở Nội vụ,khach{k:03d}@example.vn" for k in range(RECIPIENTS)]
    with scene.open() as s:       # one import, as an office brings a list: quicker than 500 additions
        delegates.import_file(s.meeting, ("\n".join(rows) + "\n").encode("utf-8"), "khach-moi.csv")
        db.session.commit()
    return scene


def test_two_instances_and_a_worker_killed_mid_batch_deliver_every_invitation_once(app, factory, app_config,
                                                                                 mailbox, tmp_path):
    from redis import Redis

    from planner.agenda.models import AgendaItem
    from planner.core.queue import Job, JobState
    from planner.invitations.models import BatchState, InvitationBatch

    Redis.from_url(REDIS_URL).flushdb()
    mailbox.delay = 0.01          # 500 e-mails: a quicker server still outlasts the worker's killing
    scene = _big_meeting(app)
    token = factory.token(SimpleNamespace(id=scene.user_id, organization_id=scene.org_id))
    wanted = {f"khach{k:03d}@example.vn" for k in range(RECIPIENTS)} | {"an@example.vn", "binh@example.vn"}
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    instance = str(tmp_path)
    env = {"PLANNER_STORAGE_PATH": app.config["STORAGE_PATH"], **mailbox.env}
    workers: list[Worker] = []

    def worker() -> Worker:
        started = Worker(database, instance, redis_url=REDIS_URL, extra_env=env)
        workers.append(started)
        return started

    def logs() -> str:
        found = job()
        state = found.status() if found is not None else None
        return (f"{len(mailbox.messages)} e-mails arrived; the job: {state}\n"
                + "\n".join(w.log.read_text(errors="replace")[-3000:] for w in workers))

    def job() -> Job | None:
        with app.app_context():
            found = db.session.scalar(select(Job).where(Job.kind == "invitations.send").order_by(Job.id.desc()))
            if found is not None:
                db.session.expunge(found)
            return found

    with servers(2, database, instance, workers=1, redis_url=REDIS_URL, extra_env=env) as (a, b):
        first = worker()
        # Instance A: the organizer sends the invitations from the Invitations tab (the job is queued in Redis).
        sender = Browser(scene.email, PASSWORD, a.url)
        page = sender.get(f"{a.url}/meetings/{scene.meeting_id}/invitations").text
        fields = form_fields(page, "/invitations/send")
        fields["audience"] = "all"
        answer = sender.post(f"{a.url}/meetings/{scene.meeting_id}/invitations/send", data=fields)
        assert answer.status_code == 302, answer.text[-2000:]

        # Instance B, meanwhile: edits of the agenda through the API, each read back as saved.
        api = requests.Session()
        api.headers["Authorization"] = f"Bearer {token}"
        saved: list[tuple[str, str]] = []
        failures: list[str] = []
        sending_over = threading.Event()

        def edit() -> None:
            items = [scene.items["report"], scene.items["discussion"]]
            n = 0
            while not sending_over.is_set() and n < 400:
                item = items[n % 2]
                try:
                    current = api.get(f"{b.url}/api/v1/agenda-items/{item}", timeout=60).json()
                    title = f"Mục sửa lần {n}"
                    response = api.patch(f"{b.url}/api/v1/agenda-items/{item}", timeout=60,
                                         json={"title": title, "version": current["version"]})
                    if response.status_code != 200:
                        failures.append(f"{response.status_code} {response.text[:300]}")
                    elif api.get(f"{b.url}/api/v1/agenda-items/{item}", timeout=60).json()["title"] != title:
                        failures.append(f"edit {n} not saved")
                    else:
                        saved.append((item, title))
                except requests.RequestException as exc:
                    failures.append(repr(exc))
                n += 1
                sending_over.wait(0.2)     # an editor's pace, not a flood: the worker shares the machine

        editor = threading.Thread(target=edit, daemon=True)
        editor.start()
        try:
            # The worker is killed after some e-mails and before all of them.
            _until(lambda: len(mailbox.messages) >= 80, 180, "80 e-mails", logs)
            first.kill()
            killed_at = len(mailbox.messages)
            assert killed_at < len(wanted), "the batch was over before the worker was killed: nothing was tested"
            # Its job is left running; a worker started once it is silent takes it up at its start (the sweep).
            _until(lambda: (j := job()) is not None and j.state == JobState.running and
                   time.time() - j.heartbeat_at.timestamp() > STALE_SECONDS, 60, "the killed worker's job gone silent")
            worker()
            _until(lambda: (j := job()) is not None and j.finished, 240, "the end of the sending", logs)
        finally:
            sending_over.set()
            editor.join(90)
            for started in workers:
                if started.process.poll() is None:
                    started.stop()

        done = job()
        assert done.state == JobState.done, done.error
        # Every delegate is counted: the scene's two without e-mail are skipped, the others sent to.
        assert done.attempts >= 2 and done.done == done.total == len(wanted) + 2
        # Every recipient has the invitation once: one sending to one person is one Message-ID. Only a kill
        # between the server's acceptance and the sent mark may deliver the one e-mail in flight again, under
        # the same Message-ID (mail programs show it once).
        per_recipient: dict[str, set[str]] = {}
        for recipients, message in mailbox.messages:
            for recipient in recipients:
                per_recipient.setdefault(recipient, set()).add(message["Message-ID"])
        assert set(per_recipient) == wanted                                  # none lost
        assert all(len(ids) == 1 for ids in per_recipient.values())          # none twice
        assert len(mailbox.messages) - len(wanted) <= 1
        # The sending's counts, as the Invitations tab polls them from either instance.
        with app.app_context():
            batch = db.session.scalar(select(InvitationBatch).order_by(InvitationBatch.id.desc()))
            assert batch.state == BatchState.finished
            batch_id = batch.public_id
        status = sender.get(f"{b.url}/meetings/{scene.meeting_id}/invitations/batches/{batch_id}").json()
        assert (status["sent"], status["failed"], status["skipped"]) == (len(wanted), 0, 2)
        assert status["job"]["state"] == "done" and status["job"]["percent"] == 100
        assert f"{len(wanted)} sent" in status["job"]["result"]

        # Every edit B accepted is saved: the last title of each item is the last one B answered 200 to.
        assert not failures, failures[:5]
        assert len(saved) >= 5, "instance B took too few edits while the invitations went out"
        last = {item: title for item, title in saved}
        with app.app_context():
            for item, title in last.items():
                assert db.session.scalar(select(AgendaItem.title).where(AgendaItem.public_id == item)) == title
        for server in (a, b):
            assert not server.errors(), f"instance on {server.url} logged errors:\n" + "\n".join(server.errors())
        assert not [e for w in workers for e in w.errors()], logs()
