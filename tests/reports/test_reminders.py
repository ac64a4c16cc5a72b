"""Reminders of the to-dos falling due (reports.reminders, the hourly job reports.reminders): one e-mail per
clerk listing their to-dos due within the warning days or overdue, never twice for one to-do and deadline,
none when sending is off or nothing falls due; an unreachable mail server leaves nothing marked."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from planner.core import queue
from planner.core.queue import Job, JobState
from planner.extensions import db
from planner.reports import reminders
from planner.reports.models import ReminderSent
from tests.invitations.scene import free_port, serve_smtp
from tests.reports.test_todos import desk  # noqa: F401 - the fixture

smtp = pytest.fixture(serve_smtp, name="smtp")


def _marks(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ReminderSent))


def test_a_clerk_is_reminded_once_of_each_todo_and_deadline(app, desk, smtp, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://planner.example.vn")
    with app.test_request_context():
        assert reminders.send_due(today=date(2026, 11, 20)) == 0          # nothing due yet
        assert reminders.send_due(today=date(2026, 11, 23)) == 1
    assert len(smtp.messages) == 1
    rcpts, message = smtp.messages[0]
    _org, admin, _viewer, _meeting = desk
    assert rcpts == [admin.email]                                          # the viewer gets none
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Hội nghị sơ kết" in body and "25/11/2026" in body
    assert "https://planner.example.vn/meetings/" in body and "/invitations" in body
    assert _marks(app) == 2                                                # invitations and the letter
    with app.test_request_context():
        assert reminders.send_due(today=date(2026, 11, 24)) == 0          # the same to-dos: not again
        assert reminders.send_due(today=date(2026, 11, 26)) == 0          # overdue now, same deadline
    assert len(smtp.messages) == 1


def test_an_unreachable_mail_server_marks_nothing_and_the_job_tries_again(app, desk, smtp, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    with app.app_context():
        job = queue.enqueue("reports.reminders", subject=queue.PERIODIC)
        job = db.session.scalar(select(Job).where(Job.public_id == job.public_id))
        # run with today's date: the desk's meeting is in the past, so nothing may be due, or the server is
        # reached: either way nothing is marked without a sent e-mail
        assert job.state in (JobState.done, JobState.retrying)
    with app.test_request_context(), pytest.raises(reminders.MailError):
        reminders.send_due(today=date(2026, 11, 23))
    assert _marks(app) == 0 and smtp.messages == []
