"""Each release keeps its events' bytes (calendars.services.freezing, a job run at once in tests): a feed
built cold takes them instead of building its events again, and answers byte for byte what building every
event gives; an event whose data differ from what was kept (a speakers list changed since) is built."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import func, select

from planner.calendars import ical
from planner.calendars.models import ReleaseEvent
from planner.core.queue import Job, JobState
from planner.extensions import db
from tests.calendars.test_feeds import conference_with_agenda


def _cold(app) -> None:
    """No built feed file, nothing in this process's event cache: a worker just started."""
    ical.EVENT_CACHE.clear()
    shutil.rmtree(Path(app.config["STORAGE_PATH"]) / "feeds", ignore_errors=True)


def _counting_builds(monkeypatch) -> list[int]:
    built: list[int] = []
    real = ical.render_event
    monkeypatch.setattr(ical, "render_event", lambda data: built.append(1) or real(data))
    return built


def _kept(app) -> list[tuple[int, int]]:
    with app.app_context():
        return db.session.execute(select(ReleaseEvent.release_id, func.count()).group_by(ReleaseEvent.release_id)
                                  ).all()


def test_a_cold_feed_takes_the_events_kept_with_the_release(app, scene, client, monkeypatch):
    m, _an, binh, _ids = conference_with_agenda(scene)
    with app.app_context():
        job = db.session.scalar(select(Job).where(Job.kind == "calendars.freeze"))
        assert job.state == JobState.done and job.subject.endswith(":events")
    # 4 items, as delegates see them and as staff do (their events link the staff's pages).
    assert [count for _release, count in _kept(app)] == [8]
    paths = [f"/feeds/public/{scene.public_code(m)}.ics", scene.meeting_feed(m), scene.personal_feed(binh)]
    built_first = {}
    for path in paths:
        _cold(app)
        built_first[path] = client.get(path).data
    # The reference: every event built by the library, nothing kept.
    with app.app_context():
        db.session.execute(ReleaseEvent.__table__.delete())
        db.session.commit()
    for path in paths:
        _cold(app)
        assert client.get(path).data == built_first[path], path

    scene.item(m, "Bế mạc", "11:00", "11:30", kind="closing")
    scene.publish(m)
    # The new release keeps its own (the previous release's are dropped: feeds read the latest only).
    assert [count for _release, count in _kept(app)] == [10]
    built = _counting_builds(monkeypatch)
    for path in paths:
        _cold(app)
        assert client.get(path).status_code == 200
    assert built == []              # every event of every feed taken from the release


def test_an_unchanged_item_is_not_serialized_again_by_the_next_release(app, scene, monkeypatch):
    m, *_ = conference_with_agenda(scene)
    built = _counting_builds(monkeypatch)
    scene.item(m, "Bế mạc", "11:00", "11:30", kind="closing")
    scene.publish(m)
    assert len(built) == 2          # the new item only, as delegates and as staff see it


def test_an_event_changed_since_the_release_is_built_and_the_others_are_taken(app, scene, client, monkeypatch):
    m, an, _binh, ids = conference_with_agenda(scene)
    path = f"/feeds/public/{scene.public_code(m)}.ics"
    scene.speech(ids["report_b"], an)     # after the release: that item's event (its stamp) is not the one kept
    built = _counting_builds(monkeypatch)
    _cold(app)
    response = client.get(path)
    assert response.status_code == 200 and response.data.count(b"BEGIN:VEVENT") == 4
    assert len(built) == 1


def test_an_old_release_without_kept_events_builds_them(app, scene, client):
    m, *_ = conference_with_agenda(scene)
    path = f"/feeds/public/{scene.public_code(m)}.ics"
    _cold(app)
    expected = client.get(path).data
    with app.app_context():
        db.session.execute(ReleaseEvent.__table__.delete())
        db.session.commit()
    _cold(app)
    assert client.get(path).data == expected
