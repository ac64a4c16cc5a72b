"""``wsgi.py`` at the top of the project exposes ``app``, and ``gunicorn wsgi:app`` serves it (DESIGN.md, stable
interfaces)."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parents[1]


def _environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANNER_") and k != "DATABASE_URL"}
    env.update({"PLANNER_ENV": "production", "SECRET_KEY": "wsgi-test-secret",
                "PLANNER_INSTANCE_PATH": str(tmp_path / "instance"),
                "DATABASE_URL": f"sqlite:///{tmp_path / 'wsgi.db'}"})
    return env


def test_wsgi_module_exposes_the_app(tmp_path, monkeypatch):
    for key, value in _environment(tmp_path).items():
        monkeypatch.setenv(key, value)
    spec = importlib.util.spec_from_file_location("wsgi_under_test", ROOT / "wsgi.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert isinstance(module.app, Flask)
    assert module.app.import_name == "planner"
    assert module.app.config["SECRET_KEY"] == "wsgi-test-secret"


def test_gunicorn_serves_wsgi_app(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen([str(gunicorn), "--no-control-socket", "-w", "1", "-b", f"127.0.0.1:{port}",
                                "wsgi:app"], cwd=ROOT, env=_environment(tmp_path), stdout=log,
                               stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                # The first request imports and warms the app in the worker: on a busy machine that takes
                # seconds, so a slow answer is waited for, not taken for a failure.
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=20) as response:
                    status = response.status
                    body = response.read().decode()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        assert status == 200, (tmp_path / "gunicorn.log").read_text()[-3000:]
        assert "<form" in body
    finally:
        process.terminate()
        process.wait(15)
        log.close()
