"""Leaving a page in the browser tests. Several pages change themselves: the speakers' control page and
a job's box reload when what they show has moved on, the hall display polls. A test leaves such a page
(to ``about:blank``) before the database changes under it or is wiped; that goto can meet the page's
own reload, which Chromium reports as an interrupted navigation (or net::ERR_ABORTED), so ``leave``
lets the page's navigation finish and tries again."""

from __future__ import annotations

from typing import Any

INTERRUPTED = ("interrupted by another navigation", "net::ERR_ABORTED")


def leave(page: Any, *, attempts: int = 5) -> None:
    """Bring ``page`` to about:blank, so that nothing on it polls or reloads any more."""
    from playwright.sync_api import Error

    for attempt in range(attempts):
        try:
            page.goto("about:blank")
            return
        except Error as error:
            if attempt == attempts - 1 or not any(sign in str(error) for sign in INTERRUPTED):
                raise
            page.wait_for_load_state()
