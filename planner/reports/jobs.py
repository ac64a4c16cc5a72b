"""The reports' background job: the reminders of to-dos falling due (reports.reminders), every hour."""

from __future__ import annotations

from flask import current_app

from planner.core import public_urls
from planner.reports import reminders


def send_reminders() -> str:
    """A periodic job: the links in the e-mails name the configured public address (PUBLIC_BASE_URL)."""
    base = public_urls.base_url() or "http://localhost"
    with current_app.test_request_context("/", base_url=base + "/"):
        return f"{reminders.send_due()} reminder(s) sent"
