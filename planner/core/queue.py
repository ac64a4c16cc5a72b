"""Jobs: long or heavy work (e-mail, big PDFs and dossiers, cache warming, reminders) off the web request.

huey carries the work (``extensions.queue``): its storage is a SQLite file in the instance folder when the
app runs alone, Redis when ``PLANNER_REDIS_URL`` is set, and memory in tests, where jobs run at once
(``QUEUE_IMMEDIATE``, on under ``TESTING``). The truth about a job is its row here (``Job``): what it is,
its arguments, its state (queued, running, retrying, done, failed), its progress and the reason of its last
failure; huey's message only names the row. So a message lost with a killed worker loses nothing: the
sweep (a periodic job, and each worker's start) sends again every job whose worker went silent.

A package offers jobs in its ``jobs.py`` and wires them in its ``setup(app)``::

    queue.register("booklets.build", jobs.build_booklet, attempts=3)
    queue.periodic("reports.reminders", jobs.send_reminders, crontab(minute="5"))

and a view or service asks for one with ``queue.enqueue("booklets.build", meeting.public_id, ...)``: the
job's row joins the caller's unit of work and its message is sent when that unit commits (a request that
fails enqueues nothing). A job function runs in an app context with the job's arguments (plain JSON
values) and commits through ``core.db.atomic``; it tells its progress with ``progress(done, total)`` and,
when it is long, calls ``checkpoint()`` between units of work so that a stopping worker hands it back
to the queue there. A ``PlannerError`` fails a job at once with its message; any other error is retried
after a delay that doubles each time, then the job ends ``failed`` with the reason.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, and_, delete, event, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from planner.core.db import atomic
from planner.core.errors import PlannerError
from planner.core.hooks import Hook
from planner.core.models import Base, IdMixin, PublicIdMixin, UTCDateTime, enum_column, utcnow
from planner.extensions import db, queue

log = logging.getLogger(__name__)

_PENDING = "planner_jobs_pending"
PERIODIC = "periodic"
KEEP_PERIODIC = timedelta(days=2)     # finished runs of periodic jobs are forgotten after this
KEEP_FINISHED = timedelta(days=90)    # and every other finished job after this
_TASK_NAME = "planner.run_job"


class JobState(StrEnum):
    queued = "queued"
    running = "running"
    retrying = "retrying"
    done = "done"
    failed = "failed"


JOB_STATE_LABELS = {
    JobState.queued: _l("Waiting"),
    JobState.running: _l("Running"),
    JobState.retrying: _l("Waiting to try again"),
    JobState.done: _l("Done"),
    # Its own context: the invitations' "Failed" says "could not be sent".
    JobState.failed: lazy_pgettext("job", "Failed"),
}
# What the state means for the person watching it: a job waiting or running is alive, and the page follows it.
JOB_STATE_NOTES = {
    JobState.queued: _l("In the queue: it starts as soon as a worker is free. This page follows it by itself; "
                        "you may leave it and come back."),
    JobState.running: _l("This page follows the work by itself; you may leave it and come back."),
    JobState.retrying: _l("The last try did not succeed: it is tried again by itself in a moment."),
    JobState.done: "",
    JobState.failed: _l("It could not be finished. Try again; if it fails again, tell the administrator."),
}
OPEN_STATES = (JobState.queued, JobState.running, JobState.retrying)


class Job(IdMixin, PublicIdMixin, Base):
    """One piece of background work and what became of it; the row outlives huey's message."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_kind_subject", "kind", "subject"),
        Index("ix_jobs_state_heartbeat", "state", "heartbeat_at"),
    )

    kind: Mapped[str] = mapped_column(String(64))
    # What the job works on, to find it again ("<meeting>:booklet:<version>", an invitation batch's id).
    subject: Mapped[str] = mapped_column(String(160), default="")
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"),
                                                        index=True)
    # Plain id, as in the audit log: a job's row may outlive its meeting.
    meeting_id: Mapped[int | None] = mapped_column(Integer, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    arguments: Mapped[list[Any]] = mapped_column(JSON, default=list)
    state: Mapped[JobState] = enum_column(JobState, default=JobState.queued)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")       # the reason of the last failure
    result: Mapped[str] = mapped_column(String(255), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Touched when the job is sent, starts and tells progress: a silent job is sent again (sweep).
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    run_after: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The address the person who asked for it used: links the job writes (e-mails, feeds) name it.
    base_url: Mapped[str] = mapped_column(String(255), default="")

    @property
    def finished(self) -> bool:
        return self.state in (JobState.done, JobState.failed)

    def status(self) -> dict[str, Any]:
        """What a page shows and polls: plain values, labels in the reader's language."""
        percent = round(100 * self.done / self.total) if self.total else (100 if self.state == JobState.done else 0)
        return {"id": self.public_id, "kind": self.kind, "state": self.state.value,
                "label": str(JOB_STATE_LABELS[self.state]), "note": str(JOB_STATE_NOTES[self.state]),
                "done": self.done, "total": self.total,
                "percent": min(percent, 100), "error": self.error, "result": self.result,
                "attempts": self.attempts, "finished": self.finished}


@dataclass(frozen=True)
class Kind:
    name: str
    function: Callable[..., Any]
    attempts: int          # tries in all, the first included
    delay: float           # seconds before the second try; doubled before each next one


# accounts fills it: a user's row id -> the user (active), whom a job asked for by them acts as.
ACTORS = Hook("core.job_actors", "a user's row id -> the active user a job acts for, or None")

_KINDS: dict[str, Kind] = {}
_PERIODIC: dict[str, Callable[..., Any]] = {}
_STATE: dict[str, Any] = {"app": None, "task": None, "listening": False, "stopping": None}
_CURRENT: contextvars.ContextVar[int | None] = contextvars.ContextVar("planner_job", default=None)


# Wiring (setup(app) of each package) --------------------------------------------------------------------

def register(name: str, function: Callable[..., Any], *, attempts: int = 4, delay: float = 10) -> None:
    """Offer a job: ``function(*arguments)`` runs in an app context for each ``enqueue(name, ...)``."""
    _KINDS[name] = Kind(name, function, max(1, attempts), delay)


def periodic(name: str, function: Callable[[], Any], schedule: Callable[[datetime], bool], *,
             attempts: int = 2, delay: float = 60, recorded: bool = True) -> None:
    """A job enqueued by the worker's scheduler whenever ``schedule`` (a huey ``crontab``) says so. Run
    the scheduler on one worker of a deployment (``planner worker``; the others ``--no-periodic``); a
    periodic job must be idempotent all the same. ``recorded=False`` runs the function straight away,
    without a job row (the sweep itself)."""
    register(name, function, attempts=attempts, delay=delay)
    if name in _PERIODIC:
        return

    def tick() -> None:
        with _STATE["app"].app_context():
            if recorded:
                enqueue(name, subject=PERIODIC)
            else:
                _KINDS[name].function()

    _PERIODIC[name] = queue.periodic_task(schedule, name=name)(tick)


def kinds() -> dict[str, Kind]:
    return dict(_KINDS)


def init_app(app: Flask) -> None:
    """Point the queue at its storage and listen for commits. Called by create_app; the last app made in a
    process is the one the worker's jobs run in."""
    _STATE["app"] = app
    immediate = bool(app.config.get("QUEUE_IMMEDIATE", app.config.get("TESTING", False)))
    app.config["QUEUE_IMMEDIATE"] = immediate
    if not immediate:     # one huey per process: an app that runs its jobs at once leaves it alone
        from huey.storage import RedisStorage, SqliteStorage

        if app.config.get("REDIS_URL"):
            queue.storage_class = RedisStorage
            queue.storage_kwargs = {"url": app.config["REDIS_URL"]}
        else:
            path = Path(app.config.get("QUEUE_PATH") or Path(app.instance_path) / "queue.db")
            queue.storage_class = SqliteStorage
            queue.storage_kwargs = {"filename": str(path)}
        queue.immediate = False
        queue.storage = queue.create_storage()
    if _STATE["task"] is None:
        _STATE["task"] = queue.task(name=_TASK_NAME)(_run_message)
    if not _STATE["listening"]:
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
        _STATE["listening"] = True
    periodic("core.sweep", sweep, _every_minute, recorded=False)


def _every_minute(_moment: datetime) -> bool:
    return True


# Asking for a job ---------------------------------------------------------------------------------------

def enqueue(name: str, *arguments: Any, subject: str = "", organization_id: int | None = None,
            meeting_id: int | None = None, user: Any = None, total: int = 0) -> Job:
    """A new job of this kind; it is sent to the queue when the caller's unit of work commits."""
    if name not in _KINDS:
        raise KeyError(f"no job {name!r} is registered")
    with atomic() as session:
        job = Job(kind=name, subject=subject[:160], organization_id=organization_id, meeting_id=meeting_id,
                  created_by_id=getattr(user, "id", None), arguments=list(arguments), total=total,
                  state=JobState.queued, base_url=_asking_address())
        session.add(job)
        session.flush()
        session.info.setdefault(_PENDING, []).append(job.public_id)
    return job


def _asking_address() -> str:
    from flask import has_request_context, request

    return request.url_root[:255] if has_request_context() else ""


def latest(kind: str, subject: str) -> Job | None:
    """The newest job of this kind on this subject, whatever its state."""
    return db.session.scalar(select(Job).where(Job.kind == kind, Job.subject == subject)
                             .order_by(Job.id.desc()).limit(1))


def open_job(kind: str, subject: str) -> Job | None:
    """A job of this kind on this subject still to finish: asking twice starts one job, not two."""
    job = latest(kind, subject)
    return job if job is not None and job.state in OPEN_STATES else None


def get(public_id: str, *, organization_id: int | None) -> Job | None:
    """A job of this organization (another's is unknown)."""
    return db.session.scalar(select(Job).where(Job.public_id == public_id,
                                               Job.organization_id == organization_id))


def _after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    for public_id in pending or ():
        _send(public_id)


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _send(public_id: str, delay: float | None = None) -> None:
    """Hand a job to the queue; in immediate mode run it now, in an app context of its own (its own
    session, the caller's unit of work being over)."""
    app = current_app._get_current_object() if _has_app() else _STATE["app"]
    if app.config.get("QUEUE_IMMEDIATE"):
        if delay:
            return  # a retry in tests waits for run_now()
        with app.app_context():
            run_now(public_id)
        return
    try:
        if delay:
            _STATE["task"].schedule(args=(public_id,), delay=delay)
        else:
            _STATE["task"](public_id)
    except Exception:  # the storage is unreachable: the row stays queued and the sweep sends it again
        log.exception("job %s could not be sent to the queue", public_id)


def _has_app() -> bool:
    from flask import has_app_context

    return has_app_context()


# Running ------------------------------------------------------------------------------------------------

def _run_message(public_id: str) -> None:
    """huey's task: the message names a job row, run in the worker's app. A stopping worker takes no new
    job: a thread still waiting on the queue may receive the job another thread has just handed back, and
    it goes back unclaimed, for the next worker."""
    stopping = _STATE["stopping"]
    with _STATE["app"].app_context():
        if stopping is not None and stopping.is_set():
            _send(public_id)
            return
        run_now(public_id)


def _stale_seconds() -> float:
    return float(current_app.config.get("JOB_STALE_SECONDS", 300))


def run_now(public_id: str) -> JobState | None:
    """Run the job if nobody else is running it (a row claimed by one update: duplicates of a message, or
    a sweep that sent a job again, run it once). Answers the state it ended in, or None if not run."""
    now = utcnow()
    stale = now - timedelta(seconds=_stale_seconds())
    claimed = db.session.execute(
        update(Job)
        .where(Job.public_id == public_id,
               or_(Job.state.in_([JobState.queued, JobState.retrying]),
                   and_(Job.state == JobState.running, Job.heartbeat_at < stale)))
        .values(state=JobState.running, attempts=Job.attempts + 1, started_at=now, heartbeat_at=now,
                run_after=None)
        .execution_options(synchronize_session=False))
    db.session.commit()
    if claimed.rowcount != 1:
        return None
    job = db.session.scalar(select(Job).where(Job.public_id == public_id))
    assert job is not None
    job_id, arguments, kind = job.id, list(job.arguments or []), _KINDS.get(job.kind)
    token = _CURRENT.set(job_id)
    try:
        if kind is None:
            raise PlannerError(f"no job {job.kind!r} is registered")
        with _acting_for(job):
            result = kind.function(*arguments)
    except _HandBack:
        db.session.rollback()
        _finish(job_id, JobState.queued)
        _send(public_id)
        return JobState.queued
    except Exception as exc:
        db.session.rollback()
        return _failed(job_id, public_id, exc, kind, _reason_for(job, exc))
    finally:
        _CURRENT.reset(token)
    return _finish(job_id, JobState.done, result=str(result)[:255] if result is not None else "")


@contextlib.contextmanager
def _acting_for(job: Job) -> Any:
    """A job asked for from a page runs as in a request from that page's address by the person who asked:
    the links it writes name that address, the audit entries that person. Other jobs run bare."""
    if not job.base_url:
        yield
        return
    from flask import g

    with current_app.test_request_context("/", base_url=job.base_url):
        if job.created_by_id is not None:
            for load in ACTORS:
                user = load(job.created_by_id)
                if user is not None:
                    g._login_user = user    # flask_login's current_user
                    break
        yield


def _finish(job_id: int, state: JobState, **values: Any) -> JobState:
    with atomic() as session:
        job = session.get(Job, job_id)
        if job is not None:
            job.state = state
            job.heartbeat_at = utcnow()
            if state == JobState.done:
                job.finished_at = job.heartbeat_at
                job.error = ""
                if job.total and job.done < job.total:
                    job.done = job.total
            for key, value in values.items():
                setattr(job, key, value)
    return state


def reason(exc: BaseException) -> str:
    """What a failure says on the page: the message meant for people when the error has one; otherwise a
    sentence in the reader's language, with the technical detail for the administrator after it."""
    if isinstance(exc, PlannerError) or isinstance(getattr(exc, "message", None), str):
        return str(exc.message)  # type: ignore[attr-defined]
    text = str(exc).strip()
    detail = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return _("A technical error stopped the work (for the administrator: %(detail)s).", detail=detail)


def _reason_for(job: Job, exc: BaseException) -> str:
    """The reason in the language of who asked, as a refusal's own message is (the job ran for them)."""
    try:
        with _acting_for(job):
            return reason(exc)
    except Exception:  # the database that failed the job cannot name who asked: the default language
        return reason(exc)


def _failed(job_id: int, public_id: str, exc: BaseException, kind: Kind | None, text: str) -> JobState:
    job = db.session.get(Job, job_id)
    attempts = job.attempts if job is not None else 1
    final = kind is None or isinstance(exc, PlannerError) or attempts >= kind.attempts
    if final:
        log.warning("job %s failed for good after %s attempts: %r", public_id, attempts, exc)
        return _finish(job_id, JobState.failed, error=text[:2000], finished_at=utcnow())
    assert kind is not None
    wait = kind.delay * (2 ** (attempts - 1))
    log.info("job %s failed (attempt %s), again in %ss: %r", public_id, attempts, wait, exc)
    _finish(job_id, JobState.retrying, error=text[:2000], run_after=utcnow() + timedelta(seconds=wait))
    _send(public_id, delay=wait)
    return JobState.retrying


class _HandBack(Exception):
    pass


def current() -> Job | None:
    job_id = _CURRENT.get()
    return db.session.get(Job, job_id) if job_id is not None else None


def progress(done: int, total: int | None = None) -> None:
    """The running job's progress (also its heartbeat); nothing outside a job. Joins the caller's unit of
    work, so that progress and the work it counts are committed together."""
    job_id = _CURRENT.get()
    if job_id is None:
        return
    with atomic() as session:
        session.execute(update(Job).where(Job.id == job_id)
                        .values(done=done, heartbeat_at=utcnow(), **({"total": total} if total is not None else {}))
                        .execution_options(synchronize_session=False))


def checkpoint() -> None:
    """Between two units of work of a long job: when the worker is stopping, hand the job back to the queue
    (it goes on from here in the next worker) instead of holding the shutdown."""
    stopping = _STATE["stopping"]
    if _CURRENT.get() is not None and stopping is not None and stopping.is_set():
        raise _HandBack


# The sweep ----------------------------------------------------------------------------------------------

def sweep() -> int:
    """Send again every job whose worker went silent (killed, restarted) or whose message was lost: it is
    queued again (a job must be idempotent: it goes on from its last committed unit of work). A job's
    progress is its heartbeat, so a job alive is never taken for silent unless one of its steps outlasts
    JOB_STALE_SECONDS. Answers how many were sent."""
    now = utcnow()
    stale = now - timedelta(seconds=_stale_seconds())
    rows = db.session.execute(
        select(Job.id, Job.public_id).where(or_(
            and_(Job.state.in_([JobState.queued, JobState.running]), Job.heartbeat_at < stale),
            and_(Job.state == JobState.retrying, Job.run_after < stale)))
        .limit(500)).all()
    current_id = _CURRENT.get()
    ids = [public_id for job_id, public_id in rows if job_id != current_id]
    if ids:
        with atomic() as session:
            session.execute(update(Job).where(Job.public_id.in_(ids))
                            .values(heartbeat_at=now, state=JobState.queued, run_after=None)
                            .execution_options(synchronize_session=False))
        for public_id in ids:
            _send(public_id)
        log.info("sweep sent %s silent jobs again", len(ids))
    _forget_finished(now)
    return len(ids)


def _forget_finished(now: datetime) -> None:
    with atomic() as session:
        session.execute(delete(Job).where(Job.state.in_([JobState.done, JobState.failed]), or_(
            and_(Job.subject == PERIODIC, Job.finished_at < now - KEEP_PERIODIC),
            Job.finished_at < now - KEEP_FINISHED)).execution_options(synchronize_session=False))


# The worker ---------------------------------------------------------------------------------------------

def worker(app: Flask, *, threads: int = 2, periodic_jobs: bool = True) -> None:
    """Run a huey consumer in this process until SIGTERM or Ctrl-C; jobs run in ``app``'s context."""
    if app.config.get("QUEUE_IMMEDIATE"):
        raise PlannerError(_("Jobs run at once in this configuration (QUEUE_IMMEDIATE): there is no queue to "
                             "work on."))
    _STATE["app"] = app
    consumer = queue.create_consumer(workers=threads, worker_type="thread", periodic=periodic_jobs,
                                     check_worker_health=True, graceful_signal="TERM", initial_delay=0.1,
                                     max_delay=1.0)
    _STATE["stopping"] = consumer.stop_flag
    with app.app_context(), contextlib.suppress(Exception):
        sweep()
    consumer.run()


def stop_event() -> threading.Event | None:
    return _STATE["stopping"]
