"""Background jobs in the browser tests: a page's request enqueues its job as in production, and the test is
the worker. In the test app a job runs at once when its request commits (QUEUE_IMMEDIATE), so a page would
only ever show a finished job; ``held_jobs`` keeps each job's message instead, and ``HeldJobs.run`` works on
it in a thread of its own, like a worker beside the web server, optionally pausing once the job has told a
given progress, so that the page can be seen while its job waits, runs, fails and ends."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from planner.core import queue
from planner.extensions import db

WAIT = 120   # seconds: a dossier or booklet of a few hundred names is laid out by typst in the meantime
DESKTOP = {"width": 1366, "height": 900}


class HeldJobs:
    """Jobs of the kinds named by ``hold`` wait for the test; every other job runs at once as before (the
    calendar's freeze after a release, say)."""

    def __init__(self, app: Flask, monkeypatch: pytest.MonkeyPatch):
        self.app = app
        self.kinds: set[str] = set()
        self.sent: list[str] = []          # the held jobs' messages, oldest first
        self._pause_at: int | None = None
        self.paused = threading.Event()    # set when the running job has reached the pause
        self._go_on = threading.Event()
        self._thread: threading.Thread | None = None
        real_progress, real_send = queue.progress, queue._send

        def progress(done: int, total: int | None = None) -> None:
            real_progress(done, total)     # committed: the page's next poll reads it
            if self._pause_at is not None and done >= self._pause_at and not self._go_on.is_set():
                self.paused.set()
                assert self._go_on.wait(WAIT), "the test never let the job go on"

        def send(public_id: str, delay: float | None = None) -> None:
            # Called once a unit of work has committed, when its session may not read: a connection of its own.
            with db.engine.connect() as connection:
                kind = connection.scalar(select(queue.Job.kind).where(queue.Job.public_id == public_id))
            if kind in self.kinds:
                self.sent.append(public_id)
            else:
                real_send(public_id, delay)

        monkeypatch.setattr(queue, "_send", send)
        monkeypatch.setattr(queue, "progress", progress)

    def hold(self, *kinds: str) -> HeldJobs:
        self.kinds.update(kinds)
        return self

    def jobs(self, kind: str) -> list[queue.Job]:
        with self.app.app_context():
            return list(db.session.scalars(select(queue.Job).where(queue.Job.kind == kind).order_by(queue.Job.id)))

    def run(self, public_id: str, *, pause_at: int | None = None) -> None:
        """Work on the job in a thread (returns at once); with ``pause_at`` it waits once its progress has
        reached that many units, until ``go_on``."""
        self._pause_at = pause_at
        self.paused.clear()
        self._go_on.clear()

        def work() -> None:
            with self.app.app_context():
                try:
                    queue.run_now(public_id)
                finally:
                    db.session.remove()

        self._thread = threading.Thread(target=work, name=f"job-{public_id}", daemon=True)
        self._thread.start()

    def go_on(self) -> None:
        self._go_on.set()

    def finish(self) -> None:
        """Wait for the job run last to end (done, retrying or failed)."""
        self.go_on()
        if self._thread is not None:
            self._thread.join(WAIT)
            assert not self._thread.is_alive(), "the job did not end"

    def run_to_end(self, public_id: str) -> queue.JobState:
        self.run(public_id)
        self.finish()
        with self.app.app_context():
            return db.session.scalar(select(queue.Job.state).where(queue.Job.public_id == public_id))


def post_from_page(page: Any, path: str) -> Any:
    """A form POST from the signed-in page (its CSRF token), as a hostile or stale page would send it."""
    token = page.locator("meta[name=csrf-token]").get_attribute("content")
    return page.request.post(path, form={"csrf_token": token}, max_redirects=0)


def desktop_and_phone(page: Any, screenshot: Any, name: str, part: str) -> None:
    """Screenshots of the page as it is now on a desktop and on a phone (``<name>-desktop.png``,
    ``<name>-phone.png``, full pages; ``…-card.png``: the part that shows the job alone, to read it closely),
    neither scrolling sideways; then back at desktop size."""
    from tests.e2e.conftest import PHONE
    from tests.e2e.test_smoke import assert_no_sideways_scroll

    for size, label in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(size)
        assert_no_sideways_scroll(page)
        path = screenshot(f"{name}-{label}")
        page.locator(part).screenshot(path=str(path.with_name(f"{name}-{label}-card.png")))
    page.set_viewport_size(DESKTOP)
