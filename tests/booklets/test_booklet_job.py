"""The booklet of a big meeting is built by a job: the Print tab asks for it and shows its progress (a box
that polls the job), the request does not lay out the booklet, and the next visit shows the pages from
the cache. A booklet that could not be built shows the reason and a way to try again."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from planner.booklets import services
from planner.core.queue import Job, JobState
from planner.extensions import db


@pytest.fixture
def big(app, monkeypatch):
    monkeypatch.setitem(app.config, "BOOKLET_SYNC_LIMIT", 0)   # every meeting counts as big


def _jobs(app) -> list[Job]:
    with app.app_context():
        return list(db.session.scalars(select(Job).where(Job.kind == "booklets.build").order_by(Job.id)))


def test_the_print_tab_builds_a_big_booklet_in_a_job_and_shows_progress(app, client, site, big):
    client.login(site.email)
    page = client.get(site.url("/print/booklet"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'class="booklet-pages"' not in html
    jobs = _jobs(app)
    assert len(jobs) == 1
    assert f'data-job-url="/meetings/{site.meeting_id}/jobs/{jobs[0].public_id}"' in html
    assert "js/jobs.js" in html
    # The job ran when the request committed (at once in tests): its progress is what the box polls.
    status = client.get(f"/meetings/{site.meeting_id}/jobs/{jobs[0].public_id}")
    assert status.status_code == 200 and status.headers["Cache-Control"] == "no-store"
    assert status.json["state"] == "done" and status.json["percent"] == 100 and status.json["result"].endswith(".pdf")
    html = client.get(site.url("/print/booklet")).get_data(as_text=True)
    assert 'class="booklet-pages"' in html and len(_jobs(app)) == 1      # from the cache, no new job
    # Another organization's reader does not learn about the job.
    client.logout()
    client.login(site.user("viewer", clearance="internal").email)
    assert client.get(f"/meetings/{site.meeting_id}/jobs/no-such-job").status_code == 404


def test_a_booklet_that_failed_shows_its_reason_and_tries_again(app, client, site, big, monkeypatch):
    from planner.documents.render import RenderError

    def broken(*_a, **_k):
        raise RenderError("typst template booklet.typ failed: out of paper")

    real = services.booklet_path
    monkeypatch.setattr(services, "booklet_path", broken)
    client.login(site.email)
    client.get(site.url("/print/booklet"))
    job = _jobs(app)[0]
    assert job.state == JobState.retrying and "out of paper" in job.error
    with app.app_context():
        from planner.core import queue

        queue.run_now(job.public_id)
        assert queue.run_now(job.public_id) == JobState.failed
    html = client.get(site.url("/print/booklet")).get_data(as_text=True)
    assert "out of paper" in html and f'action="/meetings/{site.meeting_id}/print/booklet/again"' in html
    monkeypatch.setattr(services, "booklet_path", real)
    client.get(site.url("/print/booklet?again=1"))      # a link (the old way) starts nothing: GET changes nothing
    assert [j.state for j in _jobs(app)] == [JobState.failed]
    again = client.post_form(site.url("/print/booklet/again"), {})
    assert again.status_code == 302 and again.headers["Location"].endswith("/print/booklet#preview")
    assert [j.state for j in _jobs(app)] == [JobState.failed, JobState.done]
    client.post_form(site.url("/print/booklet/again"), {})   # built now: asking again starts nothing
    assert len(_jobs(app)) == 2


def test_a_big_booklet_is_downloaded_once_its_job_has_built_it(app, client, site, big):
    """The page's download of a big booklet not built yet goes to the booklet page (which starts the job)
    instead of laying it out in the request; the page offers no download link while the job works."""
    client.login(site.email)
    for name in ("booklet.pdf", "booklet-folded.pdf"):
        sent = client.get(site.export(name))
        assert sent.status_code == 302 and sent.headers["Location"].endswith("/print/booklet#preview")
    html = client.get(site.url("/print/booklet")).get_data(as_text=True)
    assert 'id="booklet-download-waits"' in html and site.export("booklet.pdf") not in html
    assert len(_jobs(app)) == 1                          # the page asked for the job (run at its commit here)
    html = client.get(site.url("/print/booklet")).get_data(as_text=True)
    assert 'id="booklet-download-waits"' not in html and site.export("booklet.pdf") in html
    built = client.get(site.export("booklet.pdf"))
    assert built.status_code == 200 and built.data.startswith(b"%PDF")
    api = client.get(f"/api/v1/meetings/{site.meeting_id}/exports/booklet-folded.pdf")
    assert api.status_code in (200, 401)                  # the API never redirects to a page
