"""Fixtures of the operations tests that send e-mail from a real job worker."""

from __future__ import annotations

import pytest


@pytest.fixture
def mailbox(app, monkeypatch):
    """A real SMTP server (tests/invitations/scene.py) and the environment that points a worker at it."""
    from tests.invitations.scene import serve_smtp

    for box in serve_smtp(app, monkeypatch):
        box.delay = 0.03          # a mail server that takes its time: the batch lasts a few seconds
        box.env = {f"PLANNER_{key}": str(app.config[key]) for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_FROM")}
        yield box
