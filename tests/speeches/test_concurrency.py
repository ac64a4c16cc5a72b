"""Several staff browsers and app workers at once: the control row's lock and revision keep the
hall's state whole (threads with their own sessions stand for workers), and the page counts its
queries whatever the length of the lists."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event, select

from planner.core.errors import Conflict
from planner.extensions import db
from planner.meetings.models import Meeting
from planner.speeches import services
from planner.speeches.models import Speech, SpeechControl, SpeechStatus
from tests.queries import counting
from tests.speeches.conftest import make_hall

WORKERS = 4


def prepared(app, factory, speakers: int = 4):
    with app.test_request_context():
        hall = make_hall()
        speeches = [hall.speech(person=i) for i in range(speakers)]
        services.call_next(hall.meeting, user=hall.user, item=hall.discussion)
        ids = {"meeting": hall.meeting.id, "revision": services.control_of(hall.meeting).revision,
               "speeches": [s.id for s in speeches]}
        db.session.remove()
    return ids


def at_once(app, action) -> list[str]:
    """Run ``action(meeting)`` in WORKERS threads released together; answer what each got."""
    barrier = threading.Barrier(WORKERS)
    results: list[str] = []

    def worker():
        with app.test_request_context():
            try:
                meeting = db.session.get(Meeting, action.meeting_id)
                barrier.wait(timeout=10)
                action(meeting)
                results.append("ok")
            except Conflict:
                results.append("conflict")
            except Exception as exc:  # reported, so that the test shows what broke
                results.append(f"error: {exc!r}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_simultaneous_next_clicks_on_the_same_page_state_advance_once(app, factory):
    ids = prepared(app, factory)

    def press(meeting):
        services.call_next(meeting, user=None, revision=ids["revision"])

    press.meeting_id = ids["meeting"]
    results = at_once(app, press)
    assert sorted(results) == ["conflict"] * (WORKERS - 1) + ["ok"], results
    with app.app_context():
        control = db.session.scalar(select(SpeechControl).where(SpeechControl.meeting_id == ids["meeting"]))
        assert control.revision == ids["revision"] + 1
        assert control.current_speech_id == ids["speeches"][1]


def test_simultaneous_starts_leave_one_speaker_and_a_whole_revision_count(app, factory):
    """Clicks without a revision (the API) are serialized: each sees the one before."""
    ids = prepared(app, factory)
    targets = iter(ids["speeches"])
    lock = threading.Lock()

    def start(meeting):
        with lock:
            speech_id = next(targets)
        services.start(meeting, db.session.get(Speech, speech_id), user=None)

    start.meeting_id = ids["meeting"]
    results = at_once(app, start)
    assert results == ["ok"] * WORKERS, results
    with app.app_context():
        statuses = [db.session.get(Speech, i).status for i in ids["speeches"]]
        assert statuses.count(SpeechStatus.speaking) == 1
        assert statuses.count(SpeechStatus.done) == WORKERS - 1
        control = db.session.scalar(select(SpeechControl).where(SpeechControl.meeting_id == ids["meeting"]))
        assert control.revision == ids["revision"] + WORKERS      # no update was lost
        speaking = next(i for i, s in zip(ids["speeches"], statuses, strict=True) if s == SpeechStatus.speaking)
        assert control.current_speech_id == speaking


@pytest.mark.postgres
def test_the_control_row_is_locked_with_select_for_update(app, ctx):
    from tests.speeches.conftest import make_hall as build

    hall = build()
    hall.speech(person=0)
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        services.call_next(hall.meeting, user=hall.user, item=hall.discussion)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert any("speech_controls" in s and "FOR UPDATE" in s for s in statements), statements


def test_the_control_page_runs_a_fixed_number_of_queries(app):
    from planner.speeches.models import SpeechText
    from tests.conftest import PASSWORD
    from tests.speeches.conftest import pdf_bytes

    counts = {}
    for n in (2, 12):
        with app.test_request_context():
            hall = make_hall()
            for i in range(n):
                for item in (hall.opening, hall.report, hall.discussion):
                    speech = hall.speech(item, person=i % 5)
                    if i % 3 == 0:
                        services.upload_text(speech, pdf_bytes(), "a.pdf", user=hall.user)
            services.call_next(hall.meeting, user=hall.user, item=hall.discussion)
            url = f"/meetings/{hall.meeting.public_id}/speakers"
            email = hall.user.email
            assert db.session.scalar(select(SpeechText.id)) is not None
            db.session.remove()
        client = app.test_client()
        client.login(email, PASSWORD)
        for path in (url, url + "/summaries", url + "/statistics"):
            client.get(path)
            with counting(app) as statements:
                assert client.get(path).status_code == 200
            counts.setdefault(path.rsplit("/", 1)[-1], []).append(len(statements))
    for page, (small, large) in counts.items():
        assert small == large, f"{page}: {small} queries with 2 speeches per item, {large} with 12"
