"""The benchmark harness behind `make bench`: one table of the pages and downloads an office feels.

    .venv/bin/python bench/run.py [--size L] [--runs 15] [--no-server] [--only NAME,...]

1. Builds dataset L (bench/dataset.py, through the services) in a fresh SQLite database in a temporary
   folder, or in a fresh schema of PostgreSQL when PLANNER_BENCH_DATABASE_URL is set (the schema is
   dropped at the end; nothing else in that database is touched).
2. In process, through the Flask test client signed in with the role that uses each page: the median
   and p95 wall time, the median CPU time of this process (steadier than wall time on a shared machine),
   the SQL queries of one request, and the peak of Python allocations during one request
   (tracemalloc: memory allocated by Python code; typst's and libxml's own buffers are not in it).
3. Against gunicorn (2 sync workers, loopback) with 8 concurrent connections (wrk, or a small threaded
   Python client where wrk is missing): requests per second and p95 for the programme page, the meeting
   feed and check-in, each beside the floor (GET /healthz) measured in the same run, as a ratio. Then
   the resident memory (RSS, from /proc) of the largest worker after it has served every page once, and of
   the document renderers beside the workers (documents.render's pool).
4. The task queue: one job worker (`planner worker`, SQLite queue) sends 300 invitation e-mails to a local
   SMTP server (aiosmtpd): e-mails per second; then the worker's RSS, and again after it built the
   congress's booklet and a 3,000-participant dossier in jobs.

Prints one table and writes it as JSON to bench/results/<timestamp>-<db>.json.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import math
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

SECRET_KEY = "bench-secret-key"  # noqa: S105 - a throwaway database
PASSWORD = "bench-password-2026!"  # noqa: S105 - the bench's own throwaway users
ROLES = ("admin", "organizer", "secretary", "viewer")
# Goals of issue 10 (medians on dataset L, in process, milliseconds) and the worker's memory in MB.
WORKER_RSS_GOAL_MB = 250.0
# Issue 19: a job worker is the same app as a web worker, held to the same memory; one worker sends a
# congress's 3,000 invitations within 5 minutes (10 e-mails/s) to a local mail server.
JOB_WORKER_RSS_GOAL_MB = 250.0
QUEUE_RATE_GOAL = 10.0
# Goals of issue 19 (wall-time medians on dataset L, in process, milliseconds): the import of the congress's
# 3,000 delegates from their XLSX, the delegate list's XLSX download, composing the minutes' draft anew.
IMPORT_GOAL_MS = 2000.0
EXPORT_GOAL_MS = 500.0
MINUTES_GOAL_MS = 100.0

_queries = [0]


def _count_queries() -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "before_cursor_execute")
    def _count(*_args: Any) -> None:
        _queries[0] += 1


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def _progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# The database ------------------------------------------------------------------------------------------------

@dataclass
class Database:
    url: str
    kind: str  # sqlite or postgresql
    cleanup: Callable[[], None]


def make_database(workdir: Path, name: str = "bench") -> Database:
    raw = os.environ.get("PLANNER_BENCH_DATABASE_URL", "").strip()
    if not raw:
        return Database(f"sqlite:///{workdir / 'bench.db'}", "sqlite", lambda: None)
    from sqlalchemy import create_engine, text

    from planner.config import database_url

    # A schema of our own: the benchmark never touches what else lives in that database.
    schema = f"{name}_{datetime.now(UTC):%Y%m%d%H%M%S}_{os.getpid()}"
    base = database_url(raw)
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    joiner = "&" if "?" in base else "?"
    url = f"{base}{joiner}options={urllib.parse.quote(f'-csearch_path={schema}')}"

    def drop() -> None:
        engine = create_engine(base)
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()

    return Database(url, "postgresql", drop)


def app_config(db: Database, workdir: Path) -> dict[str, Any]:
    return {"SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": db.url, "INSTANCE_PATH": str(workdir / "instance"),
            # the bench's clients post forms without the CSRF token, and log in more often than a person
            "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "SERVER_NAME": None,
            "PROPAGATE_EXCEPTIONS": True}


# The scene: what the cases need from the dataset -------------------------------------------------------------

@dataclass
class Scene:
    org_id: int
    meeting_id: str               # the congress: agenda, delegates, minutes, booklet
    public_code: str              # its public programme page /p/<code>
    meeting_feed: str             # /feeds/m/<secret>.ics
    personal_feed: str            # /feeds/p/<secret>.ics of a delegate who speaks and presides
    participant_ids: list[str]    # for check-in, in a fixed order
    search_word: str              # a family name that many delegates share
    week_day: date                # a day in a busy week of the work calendar
    sits_on: date                 # a day the congress sits (the check-in day)
    logins: dict[str, tuple[str, str]]  # role -> (e-mail, password) of a user with that role
    api_token: str                # an organizer's API token (imports, downloads)
    feed300: str | None = None    # issue 7's 300-item meeting feed, when built
    notes: list[str] = field(default_factory=list)


def build_scene(app, size: str, seed: int) -> Scene:
    from planner.accounts import services as accounts
    from planner.delegates import services as delegates
    from planner.extensions import db
    from planner.meetings.models import Meeting

    with app.test_request_context():
        try:
            from bench import dataset
        except ImportError:
            return _stand_in_scene(app)
        data = dataset.build(size, seed=seed)
        meeting = db.session.scalar(db.select(Meeting).where(Meeting.public_id == data.congress_public_id))
        organizer = accounts.user_by_email(data.users["organizer"].email)
        org = meeting.organization
        _token, api_token = accounts.issue_api_token(organizer, org, "bench")
        people = delegates.all_participants(meeting)
        today = date.today()
        return Scene(org_id=org.id, meeting_id=meeting.public_id, public_code=data.congress_code,
                     meeting_feed=data.meeting_feed_path, personal_feed=data.personal_feed_path,
                     participant_ids=[p.public_id for p in people], search_word=data.search_term,
                     week_day=data.week_start,
                     sits_on=today if today in data.congress_days else data.congress_days[0],
                     logins={role: (login.email, login.password) for role, login in data.users.items()},
                     api_token=api_token,
                     notes=[f"dataset {size} (seed {seed}) built in {data.seconds:.0f} s: "
                            + ", ".join(f"{k} {v:,}" for k, v in data.counts.items())])


def _stand_in_scene(app) -> Scene:
    """Until bench/dataset.py exists: bench/booklet.py's congress (400 items, 3,000 participants)."""
    import booklet

    from planner.accounts import services as accounts
    from planner.calendars import services as calendars
    from planner.delegates import services as delegates
    from planner.extensions import db
    from planner.meetings import services as meetings
    from planner.meetings.models import Meeting, MeetingStatus

    started = time.perf_counter()
    meeting_public_id, _secret = booklet.setup(app)
    meeting = db.session.scalar(db.select(Meeting).where(Meeting.public_id == meeting_public_id))
    org = meeting.organization
    logins, users = {}, {}
    for role in ROLES:
        email = f"bench-{role}@bench.example.vn"
        users[role], _setup = accounts.create_user(org, by=None, email=email, name=f"Bench {role}", role=role,
                                                   clearance="secret", password=PASSWORD)
        logins[role] = (email, PASSWORD)
    organizer = users["organizer"]
    _token, api_token = accounts.issue_api_token(organizer, org, "bench")
    if meeting.status == MeetingStatus.draft:
        meetings.set_status(meeting, "published")
    _feed, feed_secret = calendars.issue_meeting_feed(meeting, user=organizer, label="bench")
    people = delegates.all_participants(meeting)
    _ptoken, personal_secret = calendars.issue_personal_feed(_busiest(meeting, people))
    family = statistics.mode([p.person.family_name for p in people])
    return Scene(org_id=org.id, meeting_id=meeting.public_id, public_code=meeting.public_code,
                 meeting_feed=f"/feeds/m/{feed_secret}.ics", personal_feed=f"/feeds/p/{personal_secret}.ics",
                 participant_ids=[p.public_id for p in people], search_word=family, week_day=_busiest_week(org),
                 sits_on=meeting.starts_on, logins=logins, api_token=api_token,
                 notes=["bench/dataset.py is missing: bench/booklet.py's congress (400 items, 3,000 participants) "
                        f"stands in, built in {time.perf_counter() - started:.0f} s"])


def _busiest(meeting, people):
    """The participant who presides over or speaks at the most items: the fullest personal feed."""
    from collections import Counter

    from planner.extensions import db
    from planner.speeches.models import Speech

    counts = Counter(db.session.scalars(db.select(Speech.participant_id).where(Speech.meeting_id == meeting.id)))
    by_id = {p.id: p for p in people}
    for participant_id, _n in counts.most_common():
        if participant_id in by_id:
            return by_id[participant_id]
    return people[0]


def _busiest_week(org) -> date:
    from collections import Counter

    from planner.extensions import db
    from planner.meetings.models import Meeting

    starts = db.session.scalars(db.select(Meeting.starts_on).where(Meeting.organization_id == org.id)).all()
    weeks = Counter(d - timedelta(days=d.weekday()) for d in starts)
    return weeks.most_common(1)[0][0] if weeks else date.today()


# Pinning today: check-in works on a day the meeting sits ---------------------------------------------------

def pin_today(day: date) -> None:
    """Make the check-in desk believe it is `day` in the meeting's time zone (the dataset's congress
    need not sit on the day the benchmark runs)."""
    from planner.delegates import services as delegate_services

    delegate_services.local_today = lambda meeting, now=None: day


# In-process cases --------------------------------------------------------------------------------------------

@dataclass
class Case:
    name: str
    run: Callable[[], Any]
    goal_ms: float | None = None
    runs: int | None = None
    before: Callable[[], None] | None = None  # untimed, before each timed run
    note: str = ""
    goal_cpu: bool = False  # the goal is of CPU time (issue 19's goals: steadier on a shared machine)


@dataclass
class Row:
    name: str
    median_ms: float | None = None
    p95_ms: float | None = None
    cpu_ms: float | None = None
    queries: str = ""
    peak_mb: float | None = None
    goal: str = ""
    met: bool | None = None
    ratio: float | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def login(app, email: str, password: str):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, f"login of {email}: {response.status_code}"
    return client


def expect(response, *statuses: int):
    if response.status_code not in (statuses or (200,)):
        body = response.get_data(as_text=True)[:400]
        raise AssertionError(f"{response.request.method} {response.request.path}: {response.status_code} {body}")
    return response


def measure(case: Case, runs: int) -> Row:
    runs = case.runs or runs
    if case.before:
        case.before()
    case.run()  # warm: first-request costs (templates, fonts) are not what a user sees twice
    walls, cpus, queries = [], [], []
    for _ in range(runs):
        if case.before:
            case.before()
        _queries[0] = 0
        wall, cpu = time.perf_counter(), time.process_time()
        case.run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        queries.append(_queries[0])
    if case.before:
        case.before()
    tracemalloc.start()
    tracemalloc.reset_peak()
    case.run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    median = statistics.median(walls) * 1000
    low, high = min(queries), max(queries)
    return Row(name=case.name, median_ms=median, p95_ms=_p95(walls) * 1000, cpu_ms=statistics.median(cpus) * 1000,
               queries=str(low) if low == high else f"{low}-{high}", peak_mb=peak / 2**20,
               goal=(f"< {case.goal_ms:g} ms" + (" CPU" if case.goal_cpu else "")) if case.goal_ms else "",
               met=None if case.goal_ms is None else (statistics.median(cpus) * 1000 if case.goal_cpu else median)
               < case.goal_ms, note=case.note,
               extra={"runs": runs})


def in_process_cases(app, scene: Scene, runs: int) -> list[Case]:
    from planner.calendars import ical

    clients = {role: login(app, *credentials) for role, credentials in scene.logins.items()}
    organizer, secretary, viewer = clients["organizer"], clients["secretary"], clients["viewer"]
    anonymous = app.test_client()
    m = scene.meeting_id
    api = {"Authorization": f"Bearer {scene.api_token}"}
    cases = [
        Case("floor: GET /healthz", lambda: expect(anonymous.get("/healthz"))),
        Case("agenda editor", lambda: expect(organizer.get(f"/meetings/{m}/agenda")), 50, goal_cpu=True),
        Case("delegate list, page 1", lambda: expect(viewer.get(f"/meetings/{m}/participants")), 20),
        Case("delegate search", lambda: expect(viewer.get(
            f"/meetings/{m}/participants?q={urllib.parse.quote(scene.search_word.lower())}")), 20),
        Case("check-in search", lambda: expect(organizer.get(
            f"/meetings/{m}/door/search?q={urllib.parse.quote(scene.search_word[:3].lower())}",
            headers={"Accept": "application/json"})), 20),
    ]
    # The public programme page (issue 19): built after a release (its content kept per release emptied), from
    # the kept content, and answered 304 to a browser that has it.
    from planner.agenda import views as agenda_views

    programme = f"/p/{scene.public_code}"
    pages: dict[str, str] = {}

    def public_page():
        pages["etag"] = expect(anonymous.get(programme)).headers.get("ETag", "")

    def known_page():
        if "etag" not in pages:
            public_page()

    cases[2:2] = [
        Case("programme page (public), built", public_page, 50, goal_cpu=True,
             before=agenda_views.PUBLIC_PAGES.clear, note="as after a release: no kept content"),
        Case("programme page (public)", public_page, 50, goal_cpu=True, note="content kept per release"),
        Case("programme page (public), 304", lambda: expect(anonymous.get(
            programme, headers={"If-None-Match": pages["etag"]}), 304), 5, goal_cpu=True, before=known_page),
    ]
    turn = iter(range(10**9))
    ids = scene.participant_ids

    def check_in():
        participant = ids[next(turn) % len(ids)]
        expect(organizer.post(f"/meetings/{m}/door/check-in", json={"participant_id": participant},
                              headers={"Accept": "application/json"}))

    cases.append(Case("check-in", check_in, 10, note="a new delegate each time"))
    cases.append(Case("personal feed", lambda: expect(anonymous.get(scene.personal_feed))))
    etags: dict[str, str] = {}

    def feed():
        response = expect(anonymous.get(scene.meeting_feed))
        etags["feed"] = response.headers["ETag"]

    def cold() -> None:
        """As after a restart, or on the first poll after a change: no built feed file, no events in this
        process's cache; only what the release keeps (its events' bytes) is there."""
        ical.EVENT_CACHE.clear()
        shutil.rmtree(Path(app.config["STORAGE_PATH"]) / "feeds", ignore_errors=True)

    _run_release_jobs(app)
    cases.append(Case("meeting feed, built (cold)", feed, 40, before=cold, goal_cpu=True,
                      note="no feed file, event cache empty"))
    cases.append(Case("meeting feed, built (warm)", feed, 40, goal_cpu=True, note="events cached"))
    cases.append(Case("meeting feed, 304", lambda: expect(anonymous.get(
        scene.meeting_feed, headers={"If-None-Match": etags["feed"]}), 304), 5, goal_cpu=True))
    if scene.feed300:
        cases.append(Case("300-item feed (issue 7), cold", lambda: expect(anonymous.get(scene.feed300)), 40,
                          before=cold, goal_cpu=True, note="no feed file, event cache empty"))
    cases.append(Case("work calendar week", lambda: expect(viewer.get(
        f"/calendar/week?d={scene.week_day.isoformat()}"))))
    versions = {"minutes": _minutes_version(app, m)}

    def generate():
        response = expect(secretary.post(f"/meetings/{m}/minutes/generate",
                                         data={"version": versions["minutes"]}), 302)
        assert "minutes" in response.headers["Location"]
        versions["minutes"] = _minutes_version(app, m)

    cases.append(Case("minutes generation", generate, MINUTES_GOAL_MS))
    cases.append(Case("minutes DOCX", lambda: expect(secretary.get(f"/meetings/{m}/exports/minutes.docx"))))
    cases.append(Case("minutes PDF", lambda: expect(secretary.get(f"/meetings/{m}/exports/minutes.pdf")),
                      runs=max(5, runs // 2)))
    booklet_url = f"/api/v1/meetings/{m}/exports/booklet.pdf"
    cases.append(Case("booklet, built", lambda: expect(anonymous.get(booklet_url, headers=api)), 3000,
                      runs=max(3, runs // 4), before=lambda: _touch_booklet(app, scene),
                      note="a delegate's title changed before each build"))
    cases.append(Case("booklet, cached", lambda: expect(anonymous.get(booklet_url, headers=api)), 50))
    export_url = f"/meetings/{m}/participants/export.xlsx"
    cases.append(Case("XLSX export (all delegates)", lambda: expect(viewer.get(export_url)), EXPORT_GOAL_MS,
                      runs=max(5, runs // 2), before=lambda: _touch_export(app, scene)))
    workbook = _workbook(viewer, export_url)
    empty: dict[str, str] = {}

    def new_meeting():
        empty["id"] = _empty_meeting(app, scene)

    def import_into(meeting: str, token: str) -> None:
        response = expect(anonymous.post(f"/api/v1/meetings/{meeting}/participants/import",
                                         headers={"Authorization": f"Bearer {token}"},
                                         data={"file": (io.BytesIO(workbook), "dai-bieu.xlsx")},
                                         content_type="multipart/form-data"))
        assert response.json["created"] == len(scene.participant_ids), response.json

    def import_rows():
        import_into(empty["id"], scene.api_token)

    cases.append(Case(f"XLSX import ({len(scene.participant_ids):,} rows)", import_rows, IMPORT_GOAL_MS,
                      runs=max(3, runs // 4), before=new_meeting, note="into an empty meeting"))
    office: dict[str, str] = {}

    def new_office():
        office["meeting"], office["token"] = _new_office(app)

    def import_new_people():
        import_into(office["meeting"], office["token"])

    cases.append(Case(f"XLSX import, {len(scene.participant_ids):,} new people", import_new_people, IMPORT_GOAL_MS,
                      runs=max(3, runs // 4), before=new_office,
                      note="a new office's first list: empty directory"))
    return cases


def _run_release_jobs(app) -> None:
    """The jobs a release enqueues for the calendars (its events' bytes kept with it) run in production's job
    worker soon after it; the bench's in-process app queues them without a worker, so it runs them here."""
    from sqlalchemy import select

    from planner.core import queue

    with app.app_context():
        waiting = db_session().scalars(select(queue.Job.public_id).where(
            queue.Job.kind == "calendars.freeze", queue.Job.state == queue.JobState.queued)).all()
        for public_id in waiting:
            queue.run_now(public_id)


def _minutes_version(app, meeting_id: str) -> int | str:
    from planner.extensions import db
    from planner.meetings.models import Meeting
    from planner.minutes import services as minutes

    with app.app_context():
        meeting = db.session.scalar(db.select(Meeting).where(Meeting.public_id == meeting_id))
        current = minutes.current(meeting)
        return current.version if current is not None else ""


def _touch_booklet(app, scene: Scene) -> None:
    """Change one delegate's title: the booklet's content, and so its cache key, change."""
    _touch_participant(app, scene, 1500)


def _touch_export(app, scene: Scene) -> None:
    _touch_participant(app, scene, 1499)


_touches = iter(range(10**9))


def _touch_participant(app, scene: Scene, index: int) -> None:
    from planner.delegates import services as delegates
    from planner.extensions import db
    from planner.meetings.models import Meeting

    with app.test_request_context():
        meeting = db.session.scalar(db.select(Meeting).where(Meeting.public_id == scene.meeting_id))
        participant = delegates.all_participants(meeting)[index % len(scene.participant_ids)]
        delegates.update_participant(participant, {"title": f"Bí thư Đảng ủy xã (lần {next(_touches)})"})


def _workbook(client, url: str) -> bytes:
    response = expect(client.get(url))
    return response.data


def _empty_meeting(app, scene: Scene) -> str:
    from planner.accounts.models import Organization
    from planner.extensions import db
    from planner.meetings import services as meetings

    with app.test_request_context():
        org = db.session.get(Organization, scene.org_id)
        meeting = meetings.create_meeting(org, None, title=f"Hội nghị nhập danh sách {next(_touches)}",
                                          kind="conference", starts_on=date(2027, 3, 1), ends_on=date(2027, 3, 1))
        return meeting.public_id


def _new_office(app) -> tuple[str, str]:
    """A new organization (its directory empty), an organizer with an API token, and an empty meeting: the
    congress's list imported there makes every person anew. Made before each run, outside its time."""
    from planner.accounts import services as accounts
    from planner.meetings import services as meetings

    with app.test_request_context():
        number = next(_touches)
        org = accounts.create_organization(name=f"Văn phòng mới {number}", city="Vinh", document_profile="party",
                                           timezone="Asia/Ho_Chi_Minh", language="vi")
        user, _setup = accounts.create_user(org, by=None, email=f"organizer-{number}@new-office.bench.example.vn",
                                            name="Bench organizer", role="organizer", clearance="secret")
        _token, secret = accounts.issue_api_token(user, org, "bench")
        meeting = meetings.create_meeting(org, None, title=f"Hội nghị đầu tiên {number}", kind="conference",
                                          starts_on=date(2027, 3, 1), ends_on=date(2027, 3, 1))
        return meeting.public_id, secret


def full_booklet_rows(workdir: Path, runs: int) -> list[Row]:
    """bench/booklet.py's booklet with every section (the delegate list of 3,000 by delegation among
    them), in a database of its own: its first build, a build after a change, cached, and 304."""
    import booklet

    _progress("in process: the full booklet (bench/booklet.py, its own scene)")
    db = make_database(workdir, "bench_booklet")
    try:
        found = booklet.measure(max(3, runs // 4), None if db.kind == "sqlite" else db.url)
    finally:
        db.cleanup()
    rows = []
    for row in found:
        goal = row.get("goal_ms")
        rows.append(Row(name=f"full booklet: {row['name'].removeprefix('booklet ')}", median_ms=row["median_ms"],
                        p95_ms=row["p95_ms"], cpu_ms=row.get("cpu_median_ms"), queries=str(row["queries"]),
                        goal=f"< {goal:g} ms" if goal else "", met=row["median_ms"] < goal if goal else None,
                        note="bench/booklet.py: every section, A5"))
    return rows


# Against gunicorn -------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(p) for p in path.read_text().split()] if path.exists() else []

    def worker_rss_mb(self) -> list[float]:
        return [size for pid in self.worker_pids() if (size := rss_mb(pid)) is not None]

    def renderer_rss_mb(self) -> list[float]:
        """The document renderers beside each worker (documents.render's pool), each recycled after N PDFs."""
        return [size for pid in self.worker_pids() for child in children(pid) if (size := rss_mb(child)) is not None]


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    with contextlib.suppress(OSError):
        return [int(p) for p in path.read_text().split()]
    return []


def rss_mb(pid: int) -> float | None:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


def start_server(db: Database, workdir: Path, today: date) -> Server:
    port = free_port()
    log = workdir / "gunicorn.log"
    env = {**os.environ, "SECRET_KEY": SECRET_KEY, "DATABASE_URL": db.url, "PLANNER_ENV": "production",
           "PLANNER_INSTANCE_PATH": str(workdir / "instance"), "PLANNER_WTF_CSRF_ENABLED": "false",
           "PLANNER_RATELIMIT_ENABLED": "false", "PLANNER_BENCH_TODAY": today.isoformat(),
           "PYTHONPATH": f"{BENCH}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    env.pop("PLANNER_REDIS_URL", None)
    command = [str(Path(sys.executable).parent / "gunicorn"), "--no-control-socket", "--workers", "2",
               "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--error-logfile", str(log),
               "--chdir", str(ROOT), "serve:app"]
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,  # noqa: S603
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped: {log.read_text()[-2000:]}")
        with contextlib.suppress(OSError):
            conn = HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200 and len(Server(process, port, log).worker_pids()) >= 2:
                # both workers answer: the app is loaded in each (no preload, as in production)
                return Server(process, port, log)
        time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(20)
    except subprocess.TimeoutExpired:
        server.process.kill()


def http_login(port: int, email: str, password: str) -> str:
    conn = HTTPConnection("127.0.0.1", port, timeout=30)
    body = urllib.parse.urlencode({"email": email, "password": password})
    conn.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    assert response.status == 302, f"login over HTTP: {response.status}"
    cookie = response.getheader("Set-Cookie") or ""
    return cookie.split(";", 1)[0]


def http_get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    conn = HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    return response.status, response.read()


WRK_DONE = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH {\\"requests\\": %d, \\"seconds\\": %f, \\"p95_us\\": %f, \\"p50_us\\": %f, "
    .. "\\"errors\\": %d, \\"non2xx\\": %d}\\n", summary.requests, summary.duration / 1e6,
    latency:percentile(95), latency:percentile(50),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


def wrk_script(workdir: Path, name: str, *, method: str = "GET", headers: dict[str, str] | None = None,
               bodies: list[str] | None = None) -> Path:
    lines = []
    for key, value in (headers or {}).items():
        lines.append(f"wrk.headers[{json.dumps(key)}] = {json.dumps(value)}")
    lines.append(f'wrk.method = "{method}"')
    if bodies:
        lines.append("local bodies = {" + ",".join(json.dumps(b) for b in bodies) + "}")
        lines.append("local n = 0")
        lines.append("request = function()\n  n = n + 1\n"
                     "  return wrk.format(nil, nil, nil, bodies[(n % #bodies) + 1])\nend")
    path = workdir / f"{name}.lua"
    path.write_text("\n".join(lines) + "\n" + WRK_DONE)
    return path


def load(port: int, path: str, seconds: float, workdir: Path, name: str, *, method: str = "GET",
         headers: dict[str, str] | None = None, bodies: list[str] | None = None) -> dict[str, float]:
    """8 connections for `seconds`: requests per second, p50 and p95 in ms, errors and non-2xx/3xx."""
    if shutil.which("wrk"):
        script = wrk_script(workdir, name, method=method, headers=headers, bodies=bodies)
        out = subprocess.run(["wrk", "-t2", "-c8", f"-d{seconds:g}s", "-s", str(script),  # noqa: S603,S607
                              f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True).stdout
        found = json.loads(next(line for line in out.splitlines() if line.startswith("BENCH "))[6:])
        return {"rps": found["requests"] / found["seconds"], "p50_ms": found["p50_us"] / 1000,
                "p95_ms": found["p95_us"] / 1000, "errors": found["errors"] + found["non2xx"],
                "requests": found["requests"], "client": "wrk"}
    return python_load(port, path, seconds, method=method, headers=headers, bodies=bodies)


def python_load(port: int, path: str, seconds: float, *, method: str = "GET", headers: dict[str, str] | None = None,
                bodies: list[str] | None = None) -> dict[str, float]:
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    counter = iter(range(10**9))

    def client() -> None:
        conn = HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        while time.monotonic() < stop:
            body = bodies[next(counter) % len(bodies)] if bodies else None
            start = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers or {})
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    errors[0] += 1
            except OSError:
                errors[0] += 1
                conn = HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            mine.append(time.perf_counter() - start)
        with lock:
            times.extend(mine)

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {"rps": len(times) / elapsed, "p50_ms": statistics.median(times) * 1000,
            "p95_ms": _p95(times) * 1000, "errors": errors[0], "requests": len(times), "client": "python"}


def server_rows(db: Database, workdir: Path, scene: Scene, seconds: float) -> tuple[list[Row], dict[str, Any]]:
    server = start_server(db, workdir, scene.sits_on)
    try:
        port = server.port
        cookies = {role: http_login(port, *credentials) for role, credentials in scene.logins.items()}
        m = scene.meeting_id
        # Every page once, so that the worker's memory below is what it is after all of it.
        tour = [("viewer", f"/meetings/{m}/agenda"), (None, f"/p/{scene.public_code}"),
                ("viewer", f"/meetings/{m}/participants"), ("viewer", f"/meetings/{m}/participants?q=a"),
                (None, scene.personal_feed), (None, scene.meeting_feed),
                ("viewer", f"/calendar/week?d={scene.week_day.isoformat()}"),
                ("secretary", f"/meetings/{m}/exports/minutes.docx"),
                ("secretary", f"/meetings/{m}/exports/minutes.pdf"),
                ("viewer", f"/meetings/{m}/participants/export.xlsx"),
                ("organizer", f"/meetings/{m}/door/search?q=ng")]
        api = {"Authorization": f"Bearer {scene.api_token}"}
        for _ in range(2):  # both workers, most likely
            for role, path in tour:
                status, _body = http_get(port, path, {"Cookie": cookies[role]} if role else {})
                assert status == 200, f"{path}: {status}"
            status, _body = http_get(port, f"/api/v1/meetings/{m}/exports/booklet.pdf", api)
            assert status == 200, f"booklet over HTTP: {status}"
        targets = [
            ("floor: GET /healthz", "/healthz", {}, "GET", None),
            ("programme page (public)", f"/p/{scene.public_code}", {}, "GET", None),
            ("meeting feed (warm)", scene.meeting_feed, {}, "GET", None),
            ("check-in", f"/meetings/{m}/door/check-in",
             {"Cookie": cookies["organizer"], "Content-Type": "application/json", "Accept": "application/json"},
             "POST", [json.dumps({"participant_id": p}) for p in scene.participant_ids]),
        ]
        results = {}
        for name, path, headers, method, bodies in targets:
            _progress(f"gunicorn: {name}, {seconds:g} s with 8 connections")
            results[name] = load(port, path, seconds, workdir, re.sub(r"\W+", "-", name), method=method,
                                 headers=headers, bodies=bodies)
        rss = server.worker_rss_mb()
        renderers = server.renderer_rss_mb()
    finally:
        stop_server(server)
    floor = results["floor: GET /healthz"]
    rows = []
    for name, found in results.items():
        rows.append(Row(name=f"gunicorn x8: {name}", median_ms=found["p50_ms"], p95_ms=found["p95_ms"],
                        ratio=floor["rps"] / found["rps"],
                        note=f"{found['rps']:.0f} req/s" + (f", {found['errors']} errors" if found["errors"] else ""),
                        extra=found))
    worst = max(rss) if rss else None
    each = ", ".join(f"{size:.0f}" for size in sorted(rss, reverse=True))
    rows.append(Row(name="gunicorn worker RSS after all", peak_mb=worst, goal=f"< {WORKER_RSS_GOAL_MB:g} MB",
                    met=None if worst is None else worst < WORKER_RSS_GOAL_MB,
                    note=f"the larger of {len(rss)} workers; each: {each} MB (/proc)", extra={"workers_mb": rss}))
    rows.append(Row(name="document renderers beside them (RSS)", peak_mb=max(renderers) if renderers else None,
                    note=f"{len(renderers)} renderer process(es) alive, each replaced after RENDER_DOCUMENTS PDFs",
                    extra={"renderers_mb": renderers}))
    return rows, {"client": floor["client"], "seconds": seconds}


# The task queue: a job worker sending invitations to a test SMTP server -------------------------------------

QUEUE_RECIPIENTS = 300


def queue_rows(app, db: Database, workdir: Path, scene: Scene) -> list[Row]:
    """Throughput of the invitations job (e-mails per second accepted by a local SMTP server, aiosmtpd, from
    one `planner worker` on the SQLite queue) and the job worker's RSS after it, after building the
    congress's booklet in a job and after building a 3,000-participant dossier in a job (bench/dossier.py's
    congress)."""
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        return [Row(name="queue: invitations e-mails/s", note="aiosmtpd not installed (make test installs it)")]
    from sqlalchemy import select

    from planner.accounts.models import User
    from planner.core import queue
    from planner.delegates import services as delegates
    from planner.invitations import services as invitations
    from planner.meetings import services as meetings
    from planner.meetings.models import Meeting

    class Box:
        count = 0

        async def handle_DATA(self, server, session, envelope):
            Box.count += 1
            return "250 OK"

    smtp_port = free_port()
    controller = Controller(Box(), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    mail = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_port, "MAIL_FROM": "bench@planner.example.vn"}
    app.config.update(mail, QUEUE_IMMEDIATE=False)
    queue.init_app(app)
    env = {**os.environ, "SECRET_KEY": SECRET_KEY, "DATABASE_URL": db.url, "PLANNER_ENV": "production",
           "PLANNER_INSTANCE_PATH": str(workdir / "instance"), **{f"PLANNER_{k}": str(v) for k, v in mail.items()}}
    env.pop("PLANNER_REDIS_URL", None)
    with app.test_request_context():
        user = db_session().scalar(select(User).where(User.email == scene.logins["organizer"][0]))
        congress = db_session().scalar(select(Meeting).where(Meeting.public_id == scene.meeting_id))
        meeting = meetings.create_meeting(congress.organization, user, title="Hội nghị đo hàng đợi",
                                          kind="conference", starts_on=congress.starts_on, ends_on=congress.ends_on,
                                          venue="Hội trường", city="Đà Nẵng", language="vi")
        for k in range(QUEUE_RECIPIENTS):
            delegates.add_participant(meeting, {"family_name": "Lê", "middle_name": "Văn", "given_name": f"Đo {k:03d}",
                                                "email": f"do{k:03d}@example.vn"}, allow_duplicate=True)
        batch = invitations.start_batch(meeting, audience="all", user=user)
        user_id = user.id
        sending = queue.enqueue("invitations.send", batch.id, user.id, subject=batch.public_id,
                                organization_id=meeting.organization_id, meeting_id=meeting.id, user=user).public_id
    log = (workdir / "worker.log").open("wb")
    worker = subprocess.Popen([str(Path(sys.executable).parent / "flask"), "--app", "planner", "planner", "worker",  # noqa: S603
                               "--threads", "2"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        job = _wait_job(app, sending)
        seconds = (job.finished_at - job.started_at).total_seconds()
        after_mail = rss_mb(worker.pid)
        with app.test_request_context():
            congress = db_session().scalar(select(Meeting).where(Meeting.public_id == scene.meeting_id))
            booklet = queue.enqueue("booklets.build", congress.id, user_id, [], 8, subject="bench",
                                    organization_id=congress.organization_id, meeting_id=congress.id).public_id
        built = _wait_job(app, booklet, seconds=600)
        after_booklet = rss_mb(worker.pid)
        dossier_job = _dossier_job(app)
        archived = _wait_job(app, dossier_job, seconds=600)
        after_dossier = rss_mb(worker.pid)
    finally:
        worker.terminate()
        worker.wait(30)
        log.close()
        controller.stop()
        app.config["QUEUE_IMMEDIATE"] = True
    rate = job.done / seconds if seconds else None

    def worker_rss(name: str, size: float | None, note: str) -> Row:
        return Row(name=name, peak_mb=size, goal=f"< {JOB_WORKER_RSS_GOAL_MB:g} MB",
                   met=None if size is None else size < JOB_WORKER_RSS_GOAL_MB, note=note)

    def took(found) -> str:
        return f"{(found.finished_at - found.started_at).total_seconds():.1f} s, {found.state.value}"

    return [
        Row(name="queue: invitations e-mails/s", goal=f">= {QUEUE_RATE_GOAL:g}/s",
            met=None if rate is None else rate >= QUEUE_RATE_GOAL,
            note=f"{rate:.0f} e-mails/s: {job.done} in {seconds:.1f} s, "
            f"{Box.count} accepted by the test SMTP server, 1 worker (2 threads), SQLite queue",
            extra={"emails_per_s": rate, "emails": job.done, "seconds": seconds, "accepted": Box.count}),
        worker_rss("job worker RSS after the e-mails", after_mail, "flask planner worker (/proc)"),
        worker_rss("job worker RSS after the booklet job", after_booklet,
                   f"booklet of the congress built in {took(built)} in the worker's renderer pool"),
        worker_rss("job worker RSS after the dossier job", after_dossier,
                   f"dossier of 3,000 participants (bench/dossier.py) built into the file cache in {took(archived)}"),
    ]


DOSSIER_USER = "dossier-bench@example.vn"


def _dossier_job(app) -> str:
    """bench/dossier.py's congress (closed, minutes approved), and its dossier asked of the job worker."""
    import dossier
    from sqlalchemy import select

    from planner.accounts.models import User
    from planner.archive import services as archive
    from planner.core import queue
    from planner.meetings.models import Meeting

    meeting_id, _token = dossier.setup(app, email=DOSSIER_USER, office="Văn phòng Tỉnh ủy (hồ sơ, bench)")
    with app.test_request_context():
        meeting = db_session().scalar(select(Meeting).where(Meeting.public_id == meeting_id))
        user = db_session().scalar(select(User).where(User.email == DOSSIER_USER))
        found = queue.enqueue(archive.JOB, meeting.id, user.id, subject=archive.job_subject(meeting, user),
                              organization_id=meeting.organization_id, meeting_id=meeting.id, user=user)
        db_session().commit()
        return found.public_id


def db_session():
    from planner.extensions import db as sqla

    return sqla.session


def _wait_job(app, public_id: str, seconds: float = 300):
    from sqlalchemy import select

    from planner.core.queue import Job

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with app.app_context():
            job = db_session().scalar(select(Job).where(Job.public_id == public_id))
            if job is not None and job.finished:
                db_session().expunge(job)
                return job
        time.sleep(0.2)
    raise SystemExit(f"job {public_id} did not finish within {seconds} s")


# The table --------------------------------------------------------------------------------------------------

def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None:
        return ""
    if value >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def table(rows: list[Row]) -> str:
    header = ["name", "median ms", "p95 ms", "cpu ms", "queries", "peak MB", "goal", "met?", "x floor", "note"]
    lines = [[r.name, _fmt(r.median_ms), _fmt(r.p95_ms), _fmt(r.cpu_ms), r.queries, _fmt(r.peak_mb),
              r.goal, "" if r.met is None else ("yes" if r.met else "NO"), _fmt(r.ratio), r.note] for r in rows]
    widths = [max(len(header[i]), *(len(line[i]) for line in lines)) for i in range(len(header))]
    left = {0, 6, 9}

    def fmt(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths,
                                                                                                strict=True))).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(header), rule, *(fmt(line) for line in lines)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default=os.environ.get("PLANNER_BENCH_SIZE", "L"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=int(os.environ.get("PLANNER_BENCH_RUNS", "15")))
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each load against gunicorn")
    parser.add_argument("--no-server", action="store_true", help="in process only")
    parser.add_argument("--only", default="", help="comma-separated substrings of case names")
    args = parser.parse_args()

    from flask_migrate import upgrade

    from planner import create_app
    from planner.extensions import db as sqla

    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="planner-bench-"))
    db = make_database(workdir)
    _progress(f"database: {db.kind}; work folder {workdir}")
    try:
        app = create_app(app_config(db, workdir))
        with app.app_context():
            logging.disable(logging.INFO)  # alembic's env.py sets its own loggers up
            upgrade()
            logging.disable(logging.NOTSET)
        _progress(f"building dataset {args.size} …")
        scene = build_scene(app, args.size, args.seed)
        import calendar_feed  # issue 7's own scene: a 300-item, 3-day, 5-room meeting

        _meeting, scene.feed300 = calendar_feed.setup(app)
        for note in scene.notes:
            _progress(note)
        pin_today(scene.sits_on)
        _count_queries()
        rows: list[Row] = []
        only = [s.strip().lower() for s in args.only.split(",") if s.strip()]
        for case in in_process_cases(app, scene, args.runs):
            if only and not case.name.startswith("floor") and not any(s in case.name.lower() for s in only):
                continue
            _progress(f"in process: {case.name}")
            rows.append(measure(case, args.runs))
        if not only or "booklet" in only:
            rows.extend(full_booklet_rows(workdir, args.runs))
        floor = rows[0]
        for row in rows[1:]:
            row.ratio = row.median_ms / floor.median_ms if floor.median_ms else None
        with app.app_context():
            sqla.engine.dispose()
        server_meta: dict[str, Any] = {}
        if not args.no_server:
            more, server_meta = server_rows(db, workdir, scene, args.seconds)
            rows.extend(more)
            _progress("queue: a job worker sends invitations and builds the booklet")
            rows.extend(queue_rows(app, db, workdir, scene))
    finally:
        db.cleanup()
        shutil.rmtree(workdir, ignore_errors=True)
    elapsed = time.perf_counter() - started
    print()
    print(f"Planner benchmark, dataset {args.size}, {db.kind}, {datetime.now():%Y-%m-%d %H:%M}, "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; {elapsed:.0f} s in all")
    print(table(rows))
    print("In process: median and p95 of wall time, median CPU time of this process, SQL queries of one request, "
          "peak of Python allocations (tracemalloc) in one request; x floor = median / the floor's median.")
    if server_meta:
        print(f"gunicorn (2 workers, {server_meta['client']}, 8 connections, {server_meta['seconds']:g} s each): "
              "median and p95 latency; x floor = the floor's req/s / this req/s.")
    results = BENCH / "results"
    results.mkdir(exist_ok=True)
    out = results / f"{datetime.now():%Y%m%d-%H%M%S}-{db.kind}.json"
    out.write_text(json.dumps({
        "size": args.size, "database": db.kind, "when": datetime.now(UTC).isoformat(), "seconds": elapsed,
        "machine": {"cores": os.cpu_count(), "load": os.getloadavg(), "python": platform.python_version()},
        "notes": scene.notes, "server": server_meta,
        "rows": [{k: v for k, v in vars(r).items()} for r in rows],
    }, indent=1, default=str))
    print(f"Written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
