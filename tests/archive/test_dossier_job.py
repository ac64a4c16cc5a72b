"""The dossier of a big meeting is built by a job: the Dossier tab asks for it, shows its progress (the one job
box, static/js/jobs.js) and then offers the file, kept by content hash so that asking again for the same
content answers from the file without a job. The job builds with the clearance of who asked, and nobody
downloads a copy built for someone else. A failed build shows its reason and a way to try again."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from planner.core.queue import Job, JobState
from planner.extensions import db
from tests.archive.conftest import audit_actions, dossier_scene, read_zip


@pytest.fixture
def big(app, monkeypatch):
    monkeypatch.setitem(app.config, "DOSSIER_SYNC_LIMIT", 0)   # every meeting counts as big


def _jobs(app) -> list[Job]:
    with app.app_context():
        return list(db.session.scalars(select(Job).where(Job.kind == "archive.dossier").order_by(Job.id)))


def _page(client, scene) -> str:
    return client.get(f"/meetings/{scene.meeting_id}/dossier").get_data(as_text=True)


def _build(client, scene):
    return client.post_form(f"/meetings/{scene.meeting_id}/dossier/build")


def _file(client, scene):
    return client.get(f"/meetings/{scene.meeting_id}/dossier/dossier.zip")


def test_a_big_dossier_is_built_by_a_job_then_served_from_the_cache(app, client, dossier, big):
    client.login(dossier.organizer.email)
    html = _page(client, dossier)
    assert "/dossier/build" in html and 'class="dossier-build' not in html and not _jobs(app)
    assert _file(client, dossier).status_code == 404          # nothing built yet, nothing to download
    response = _build(client, dossier)
    assert response.status_code == 302
    jobs = _jobs(app)
    assert len(jobs) == 1 and jobs[0].state == JobState.done, jobs[0].error
    # The job ran when the request committed (at once in tests): the box polls its status.
    status = client.get(f"/meetings/{dossier.meeting_id}/jobs/{jobs[0].public_id}").json
    assert status["percent"] == 100 and status["done"] == status["total"] > 5
    assert status["result"].endswith(".zip")
    html = _page(client, dossier)
    assert "/dossier/dossier.zip" in html and "/dossier/build" not in html
    download = _file(client, dossier)
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert download.headers["Cache-Control"] == "private, no-store"
    names = read_zip(download.data).namelist()
    assert "00-muc-luc-ho-so.json" in names and any(n.endswith("bien-ban.pdf") for n in names)
    # Asked again for the same content: the file answers, no job; every build and download is audited.
    assert _build(client, dossier).status_code == 302 and len(_jobs(app)) == 1
    assert _file(client, dossier).status_code == 200
    with app.app_context():
        entries = audit_actions(dossier.meeting().id)
        assert [bool((e.changes or {}).get("from_cache")) for e in entries] == [False, True, True]
        assert {e.actor_id for e in entries} == {dossier.organizer.id}


def test_a_change_of_the_documents_needs_a_new_build(app, client, dossier, big):
    from planner.delegates.models import Participant

    client.login(dossier.organizer.email)
    _build(client, dossier)
    with app.app_context():      # a delegate's unit corrected after the meeting, say
        participant = db.session.scalars(select(Participant).where(Participant.meeting_id == dossier.meeting().id)
                                         .order_by(Participant.id)).first()
        participant.unit = "Sở Nội vụ (sửa)"
        db.session.commit()
    assert _file(client, dossier).status_code == 404
    assert "/dossier/build" in _page(client, dossier)
    _build(client, dossier)
    assert [j.state for j in _jobs(app)] == [JobState.done, JobState.done]
    assert _file(client, dossier).status_code == 200


def test_a_build_of_unchanged_documents_keeps_the_file_built_before(app, client, dossier, big):
    """The meeting's row touched (its version moves, what the dossier holds does not): the tab asks for a new
    build, and its files come out byte for byte as before (no creation time in the PDFs and the workbook), so
    the content hash names the first ZIP and the download answers it."""
    import time
    from datetime import timedelta

    client.login(dossier.organizer.email)
    _build(client, dossier)
    first = _file(client, dossier).data
    time.sleep(2.1)         # past the 2-second steps of a ZIP entry's time and the second of a PDF's
    with app.app_context():
        meeting = dossier.meeting()
        meeting.updated_at = meeting.updated_at + timedelta(seconds=1)
        db.session.commit()
    assert _file(client, dossier).status_code == 404 and "/dossier/build" in _page(client, dossier)
    _build(client, dossier)
    jobs = _jobs(app)
    assert [j.state for j in jobs] == [JobState.done, JobState.done] and jobs[0].result == jobs[1].result
    assert _file(client, dossier).data == first


def test_the_job_builds_with_the_clearance_of_who_asked(app, factory, client, big):
    """An unclassified meeting with a secret item: the cleared organizer's job puts its speech text in the
    dossier; a lower-clearance organizer gets no dossier at all (the minutes record every item), told why
    before anything is built, and neither they nor another cleared organizer download the first one's copy."""
    from planner.agenda.models import AgendaItem
    from planner.archive import jobs
    from planner.core.errors import Forbidden
    from planner.speeches.models import Speech

    scene = dossier_scene(app, factory, logins=True)
    lower = factory.user(scene.org, role="organizer", clearance="confidential", email="thap@example.vn")
    other = factory.user(scene.org, role="admin", clearance="top_secret", email="khac@example.vn")
    with app.app_context():
        speech = db.session.scalars(select(Speech).where(Speech.meeting_id == scene.meeting().id)
                                    .order_by(Speech.id)).all()[1]
        item = db.session.get(AgendaItem, speech.agenda_item_id)
        item.classification = "secret"
        db.session.commit()

    client.login(scene.organizer.email)
    _build(client, scene)
    built = _file(client, scene)
    assert built.status_code == 200, [(j.state, j.error) for j in _jobs(app)]
    assert len([n for n in read_zip(built.data).namelist() if "phat-bieu" in n]) == 2
    client.logout()

    client.login(lower.email)
    assert "người được tiếp cận mọi nội dung" in _page(client, scene)      # why, in their language
    assert _build(client, scene).status_code == 403
    assert _file(client, scene).status_code == 403
    client.logout()
    # Their clearance lowered after they asked: the job fails with the reason instead of building.
    with app.test_request_context(), pytest.raises(Forbidden, match=r"cleared for every item|tiếp cận mọi nội dung"):
        jobs.build_dossier(scene.meeting().id, lower.id)

    client.login(other.email)          # cleared, yet the copy is the first organizer's: theirs is built anew
    assert _file(client, scene).status_code == 404
    client.logout()
    assert [j.created_by_id for j in _jobs(app)] == [scene.organizer.id]


def test_a_failed_build_shows_its_reason_and_tries_again(app, client, dossier, big, monkeypatch):
    from planner.archive.services import building

    def broken(*_a, **_k):
        raise RuntimeError("typst ran out of paper")

    real = building.write
    monkeypatch.setattr(building, "write", broken)
    client.login(dossier.organizer.email)
    _build(client, dossier)
    job = _jobs(app)[0]
    assert job.state == JobState.retrying and "out of paper" in job.error
    with app.app_context():
        from planner.core import queue

        queue.run_now(job.public_id)
        assert queue.run_now(job.public_id) == JobState.failed
    html = _page(client, dossier)
    assert "out of paper" in html and 'data-state="failed"' in html and "/dossier/build" in html
    monkeypatch.setattr(building, "write", real)
    _build(client, dossier)
    assert [j.state for j in _jobs(app)] == [JobState.failed, JobState.done]
    assert _file(client, dossier).status_code == 200


def test_a_small_dossier_still_streams_while_it_is_built(app, client, dossier):
    client.login(dossier.organizer.email)
    html = _page(client, dossier)
    assert 'class="dossier-build' in html and "/dossier/build" not in html
