"""Real servers for the operations tests: gunicorn instances on free ports, a browser-like client that signs in
with the login form and sends CSRF tokens, and a TCP proxy that can be cut to simulate an outage."""

from __future__ import annotations

import contextlib
import html
import os
import re
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
SECRET = "ops-test-secret-key"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def terminate(process: subprocess.Popen, seconds: float) -> None:
    """SIGTERM, and SIGKILL if the process has not ended after ``seconds``."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


class Server:
    """One app instance: ``gunicorn --no-control-socket -w N`` on a free port, as in production."""

    def __init__(self, database_url: str, instance_path: str, *, workers: int = 2, redis_url: str | None = None,
                 extra_env: dict[str, str] | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("PLANNER_")}
        env.update({"PLANNER_ENV": "production", "SECRET_KEY": SECRET, "DATABASE_URL": database_url,
                    "PLANNER_INSTANCE_PATH": instance_path, "PYTHONUNBUFFERED": "1",
                    "PLANNER_LOGIN_FAILURES_PER_MINUTE": "1000"})
        if redis_url:
            env["PLANNER_REDIS_URL"] = redis_url
        env.update(extra_env or {})
        self.log = Path(instance_path) / f"gunicorn-{self.port}.log"
        self._log_file = self.log.open("wb")
        self.process = subprocess.Popen(
            [str(GUNICORN), "--no-control-socket", "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
             "--timeout", "60", "--graceful-timeout", "5", "planner:create_app()"],
            cwd=ROOT, env=env, stdout=self._log_file, stderr=subprocess.STDOUT)
        self._wait()

    def _wait(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                if requests.get(self.url + "/login", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {seconds} s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        terminate(self.process, 15)
        self._log_file.close()

    def errors(self) -> list[str]:
        """Tracebacks the instance logged (an unexpected 500 leaves one)."""
        return re.findall(r"Traceback[\s\S]+?\n\S[^\n]*", self.log.read_text(errors="replace"))


_INPUT = re.compile(r"<(input|textarea|select)\b([^>]*)>", re.I)
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')


def form_fields(page: str, action: str) -> dict[str, str]:
    """The named fields of the form whose action ends with ``action`` (``""``: the form that posts back to
    the page itself), with their current values."""
    for match in re.finditer(r"<form\b([^>]*)>([\s\S]*?)</form>", page, re.I):
        attrs = dict(_ATTR.findall(match.group(1)))
        target = html.unescape(attrs.get("action", ""))
        if (target or action) and not (action and target.endswith(action)):
            continue
        fields: dict[str, str] = {}
        body = match.group(2)
        for tag in _INPUT.finditer(body):
            kind, tag_attrs = tag.group(1).lower(), dict(_ATTR.findall(tag.group(2)))
            name = tag_attrs.get("name")
            if not name or tag_attrs.get("type") in ("submit", "button", "file"):
                continue
            if kind == "textarea":
                end = body.find("</textarea>", tag.end())
                fields[name] = html.unescape(body[tag.end():end]).removeprefix("\n")
            elif kind == "select":
                end = body.find("</select>", tag.end())
                options = body[tag.end():end]
                chosen = re.search(r'<option[^>]*value="([^"]*)"[^>]*selected', options) or \
                    re.search(r'<option[^>]*value="([^"]*)"', options)
                fields[name] = html.unescape(chosen.group(1)) if chosen else ""
            elif tag_attrs.get("type") in ("checkbox", "radio"):
                if "checked" in tag.group(2):
                    fields[name] = html.unescape(tag_attrs.get("value", "y"))
            else:
                fields[name] = html.unescape(tag_attrs.get("value", ""))
        return fields
    raise AssertionError(f"no form posting to …{action} on the page")


class Browser:
    """A signed-in person: one cookie jar used against every instance (the session cookie is signed, not stored)."""

    def __init__(self, email: str, password: str, base: str):
        self.http = requests.Session()
        page = self.http.get(base + "/login", timeout=30).text
        fields = form_fields(page, "/login")
        fields.update({"email": email, "password": password})
        response = self.http.post(base + "/login", data=fields, allow_redirects=False, timeout=30)
        assert response.status_code == 302, f"login of {email} failed: {response.status_code}"

    def csrf(self, base: str, path: str = "/") -> str:
        match = re.search(r'name="csrf-token" content="([^"]+)"', self.http.get(base + path, timeout=30).text)
        assert match, "the page has no CSRF token"
        return match.group(1)

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        return self.http.get(url, timeout=60, **kwargs)

    def post(self, url: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        return self.http.post(url, timeout=60, **kwargs)


class Proxy:
    """A TCP relay in front of PostgreSQL or Redis. ``cut()`` closes the listening socket and every relayed
    connection (the server looks gone: new connections are refused); ``restore()`` listens again."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._stop = threading.Event()
        # When the client sends bytes containing this, everything is cut before they reach the server:
        # an outage in the middle of a transaction, at a chosen statement.
        self.cut_when: bytes | None = None
        self.cuts = 0
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        self.cuts += 1
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def close(self) -> None:
        self._stop.set()
        self.cut()

    def _accept(self, listener: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                client, _address = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:  # cut meanwhile
                    client.close()
                    upstream.close()
                    return
                self._sockets.update((client, upstream))
            threading.Thread(target=self._relay, args=(client, upstream), daemon=True).start()

    def _relay(self, a: socket.socket, b: socket.socket) -> None:
        pair = {a: b, b: a}
        try:
            while True:
                readable, _w, _x = select.select([a, b], [], [], 1.0)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    if sock is a and self.cut_when is not None and self.cut_when in data:
                        self.cut_when = None
                        self.cut()
                        return
                    pair[sock].sendall(data)
        except (OSError, ValueError):
            return
        finally:
            for sock in (a, b):
                with contextlib.suppress(OSError):
                    sock.close()
            with self._lock:
                self._sockets.discard(a)
                self._sockets.discard(b)


@contextlib.contextmanager
def servers(count: int, database_url: str, instance_path: str, **kwargs: Any) -> Iterator[list[Server]]:
    started: list[Server] = []
    try:
        for _ in range(count):
            started.append(Server(database_url, instance_path, **kwargs))
        yield started
    finally:
        for server in started:
            server.stop()


FLASK = Path(sys.executable).with_name("flask")


class Worker:
    """A job worker (``flask planner worker``) as in production, on the test's database and queue storage."""

    def __init__(self, database_url: str, instance_path: str, *, redis_url: str | None = None,
                 queue_path: str | None = None, threads: int = 2, extra_env: dict[str, str] | None = None):
        env = {k: v for k, v in os.environ.items() if not k.startswith("PLANNER_")}
        env.update({"PLANNER_ENV": "production", "SECRET_KEY": SECRET, "DATABASE_URL": database_url,
                    "PLANNER_INSTANCE_PATH": instance_path, "PYTHONUNBUFFERED": "1",
                    "PLANNER_JOB_STALE_SECONDS": "8"})
        if redis_url:
            env["PLANNER_REDIS_URL"] = redis_url
        if queue_path:
            env["PLANNER_QUEUE_PATH"] = queue_path
        env.update(extra_env or {})
        self.log = Path(instance_path) / f"worker-{time.monotonic_ns()}.log"
        self._log_file = self.log.open("wb")
        self.process = subprocess.Popen(
            [str(FLASK), "--app", "planner", "planner", "worker", "--threads", str(threads)],
            cwd=ROOT, env=env, stdout=self._log_file, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        """Killed without warning (SIGKILL): what it was running is left as it was."""
        self.process.kill()
        self.process.wait(10)
        self._log_file.close()

    def stop(self) -> None:
        """Stopped as a service manager does (SIGTERM): running jobs are handed back to the queue."""
        terminate(self.process, 30)
        self._log_file.close()

    def errors(self) -> list[str]:
        return re.findall(r"Traceback[\s\S]+?\n\S[^\n]*", self.log.read_text(errors="replace"))
