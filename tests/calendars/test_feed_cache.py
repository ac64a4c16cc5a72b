"""The shared feed cache: a release enqueues the warming of the meeting's public feed (a job, run at once
in tests), which builds the feed's file; every poll after is answered from that file, byte for byte what
building it gives, and a change makes a new file."""

from __future__ import annotations

from sqlalchemy import select

from planner.calendars import cache, services
from planner.core.queue import Job, JobState
from planner.extensions import db
from tests.calendars.test_feeds import conference_with_agenda


def test_a_release_warms_the_public_feed_and_polls_are_served_from_the_file(app, scene, client, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "http://localhost")   # the host the client asks
    m, *_ = conference_with_agenda(scene)
    code = scene.public_code(m)
    with app.test_request_context():
        job = db.session.scalar(select(Job).where(Job.kind == "calendars.warm"))
        assert job is not None and job.state == JobState.done and job.subject.endswith(":feed")
        feed = services.resolve_public(code)
        assert cache.is_cached(feed)
        expected = services.build(feed)
        assert job.result == services.version(feed).etag

    built = []
    real_build = services.build
    monkeypatch.setattr(services, "build", lambda *a, **k: built.append(1) or real_build(*a, **k))
    response = client.get(f"/feeds/public/{code}.ics")
    assert response.status_code == 200 and response.data == expected
    assert built == []          # warmed: nothing built in the request

    scene.item(m, "Bế mạc", "11:00", "11:30", kind="closing")
    scene.publish(m)            # a new release warms the new version
    changed = client.get(f"/feeds/public/{code}.ics")
    assert changed.status_code == 200 and changed.headers["ETag"] != response.headers["ETag"]
    assert b"B\xe1\xba\xbf m\xe1\xba\xa1c" in changed.data and built == [1]   # warmed by the job's build


def test_without_a_public_address_the_first_poll_builds_the_feed(app, scene, client):
    m, *_ = conference_with_agenda(scene)
    code = scene.public_code(m)
    with app.test_request_context():
        job = db.session.scalar(select(Job).where(Job.kind == "calendars.warm"))
        assert job.state == JobState.done and job.result == ""      # nothing to warm: links name the host
        assert not cache.is_cached(services.resolve_public(code))
    first = client.get(f"/feeds/public/{code}.ics")
    with app.test_request_context():
        assert cache.is_cached(services.resolve_public(code))
    assert client.get(f"/feeds/public/{code}.ics").data == first.data
