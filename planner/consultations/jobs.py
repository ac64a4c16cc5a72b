"""The consultations' background job: the reminders due, every quarter of an hour (a periodic job)."""

from __future__ import annotations

from planner.consultations import reminders


class ReminderError(RuntimeError):
    """The mail server could not take the reminders: the job is tried again later."""


def remind() -> str:
    """Send the reminders due now. With e-mail turned off or no public address there is nothing to send:
    the job ends with that said (the next run tries again); a mail server that fails makes it retry."""
    outcome = reminders.send_due()
    summary = f"{outcome.sent} sent, {outcome.failed} failed, {outcome.skipped} skipped"
    if outcome.error and not outcome.sent and outcome.failed:
        raise ReminderError(f"{summary}: {outcome.error}")
    return f"{summary}. {outcome.error}".strip()
