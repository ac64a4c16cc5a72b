"""Sending invitations is a job (invitations.jobs, run at once in tests): the page starts it and returns,
the job sends the whole batch, one sent mark per recipient; a mail server that cannot be reached leaves
the batch running and nobody marked, the job retrying and then failed with its reason on the tab, from
which sending is resumed; every e-mail of one sending to one person carries the same Message-ID."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from planner.core import queue
from planner.core.queue import Job, JobState
from planner.extensions import db
from tests.invitations.scene import free_port, make_scene, serve_smtp

smtp = pytest.fixture(serve_smtp, name="smtp")


@pytest.fixture
def scene(app):
    return make_scene(app)


def _job(app) -> Job:
    with app.app_context():
        job = db.session.scalar(select(Job).where(Job.kind == "invitations.send").order_by(Job.id.desc()))
        db.session.expunge(job)
        return job


def test_the_page_starts_a_job_that_sends_every_invitation_once(app, client, scene, smtp):
    client.login(scene.email)
    url = f"/meetings/{scene.meeting_id}/invitations"
    response = client.post_form(f"{url}/send", {"audience": "all"})
    assert response.status_code == 302
    job = _job(app)
    assert job.state == JobState.done and job.attempts == 1 and job.result.startswith("2 sent")
    assert sorted(r[0] for r, _m in smtp.messages) == ["an@example.vn", "binh@example.vn"]
    ids = {m["Message-ID"] for _r, m in smtp.messages}
    assert len(ids) == 2 and all(i.startswith("<inv.") for i in ids)
    html = client.get(url).get_data(as_text=True)
    assert "inv-sending" not in html          # finished: no sending left running
    # Sending the unsent again finds nobody: nothing goes twice.
    again = client.post_form(f"{url}/send", {"audience": "unsent"})
    assert again.status_code == 422 and len(smtp.messages) == 2


def test_an_unreachable_mail_server_is_retried_then_the_job_fails_visibly_and_is_resumed(
        app, client, scene, smtp, monkeypatch):
    working = app.config["MAIL_PORT"]
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())        # nothing listens there
    client.login(scene.email)
    url = f"/meetings/{scene.meeting_id}/invitations"
    assert client.post_form(f"{url}/send", {"audience": "all"}).status_code == 302
    job = _job(app)
    assert job.state == JobState.retrying and "Không kết nối được máy chủ thư" in job.error
    with app.app_context():
        while queue.run_now(job.public_id) == JobState.retrying:
            pass
    job = _job(app)
    assert job.state == JobState.failed and job.attempts == 5
    page = client.get(url).get_data(as_text=True)
    assert "inv-sending" in page and "Không kết nối được máy chủ thư" in page     # the batch is still to finish
    batch_id = page.split("/invitations/batches/")[1].split('"')[0].split("/")[0]
    status = client.get(f"{url}/batches/{batch_id}").get_json()
    assert (status["sent"], status["failed"]) == (0, 0) and status["job"]["state"] == "failed" \
        and "Không kết nối được máy chủ thư" in status["error"]
    assert smtp.messages == []
    monkeypatch.setitem(app.config, "MAIL_PORT", working)           # the server is back: resume
    assert client.post_form(f"{url}/batches/{batch_id}/continue").status_code == 302
    status = client.get(f"{url}/batches/{batch_id}").get_json()
    assert status["finished"] and status["sent"] == 2 and status["job"]["state"] == "done"
    assert len(smtp.messages) == 2
