"""The WSGI app that bench/run.py starts under gunicorn: the ordinary app, with today pinned to
PLANNER_BENCH_TODAY (ISO date) so that the check-in desk works on a day the dataset's congress sits."""

from __future__ import annotations

import os
from datetime import date

from planner import create_app

app = create_app()

if os.environ.get("PLANNER_BENCH_TODAY"):
    from planner.delegates import services as _delegate_services

    _today = date.fromisoformat(os.environ["PLANNER_BENCH_TODAY"])
    _delegate_services.local_today = lambda meeting, now=None: _today
