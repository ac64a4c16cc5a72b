"""The unit of work: where a change is committed, and where a concurrent change becomes a Conflict.

Editable records carry a version counter (core.models.VersionMixin): a save based on a stale read makes
SQLAlchemy raise StaleDataError at the flush, and a row taken meanwhile (a unique number, a check-in at
the same moment) an IntegrityError. Either rolls the whole unit back and becomes the app's Conflict (or
the error the caller names) here, in this one place, instead of in a copy per service.

- ``check_version(record, version, message)``: the version the user read must still be the record's;
- ``commit_or_conflict(stale)``: commit the session now;
- ``atomic(stale)``: a block whose changes are committed together at its end; blocks nest, and only the
  outermost commits (an inner one flushes, so its errors show where they happen). An error leaving any
  block rolls the whole unit back at once: nothing a refused operation staged can be committed later;
- ``request_unit(view)``: the request's boundary (``PlannerFlask.dispatch_request``): a view or API route
  runs as the outermost block, so the services it calls stage and the request commits once, when the view
  answers below 400; an error answer rolls back. A CLI command or a job is its own boundary the same way,
  through ``atomic``;
- ``independent()``: a separate unit for what must be kept whatever the request's fate (a failed login
  counted by the throttle), on its own session.

Services stage through ``atomic`` and never commit or roll back themselves (DESIGN.md, Architecture).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from planner.core.errors import Conflict, PlannerError
from planner.extensions import db

_DEPTH = "planner_atomic_depth"

Clash = PlannerError | type[PlannerError]


def stale_message() -> str:
    return _("Someone else changed this meanwhile. Reload the page to see the current version.")


def clash_message() -> str:
    return _("These values clash with existing data.")


def _error(exc: Exception, stale: str | None, clash: Clash | None) -> PlannerError:
    if isinstance(exc, StaleDataError):
        return Conflict(stale or stale_message())
    if isinstance(clash, PlannerError):
        return clash
    return (clash or Conflict)(clash_message())


def check_version(record: Any, version: Any, message: str) -> None:
    """The version a user read (a form's hidden field, the API's ``version``) must be the record's, or
    someone saved meanwhile: the unit of work is rolled back (any row lock taken is let go) and the save
    refused with ``message``. No version given, or a record not stored yet, checks nothing."""
    if version in (None, "") or getattr(record, "id", None) is None:
        return
    try:
        read = int(version)
    except (TypeError, ValueError):
        read = None
    if read != record.version:
        db.session.rollback()
        raise Conflict(message)


def commit_or_conflict(stale: str | None = None, *, clash: Clash | None = None) -> None:
    """Commit the session. A stale version becomes Conflict(stale), an integrity error ``clash`` (an error
    or an error class given the standard message; a Conflict by default), the session rolled back. Inside
    an ``atomic`` block the commit waits for the block's end."""
    if db.session.info.get(_DEPTH):
        try:
            db.session.flush()
        except (StaleDataError, IntegrityError) as exc:
            raise _error(exc, stale, clash) from None
        return
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError) as exc:
        db.session.rollback()
        raise _error(exc, stale, clash) from None


@contextmanager
def atomic(stale: str | None = None, *, clash: Clash | None = None) -> Iterator[Any]:
    """``with atomic(): ...``: the block's changes are committed together when it ends, or none of them
    (any error rolls everything back). Nested blocks join the outermost one."""
    session = db.session
    depth = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = depth + 1
    try:
        yield session
        if depth == 0:
            session.info[_DEPTH] = 0
            session.commit()
        else:
            session.flush()
    except (StaleDataError, IntegrityError) as exc:
        session.info[_DEPTH] = depth
        session.rollback()
        raise _error(exc, stale, clash) from None
    except BaseException:
        # A refused or failed operation leaves nothing staged behind it, whatever the depth: the caller
        # that catches the refusal (a view showing the form again) must not commit half of it.
        session.info[_DEPTH] = depth
        session.rollback()
        raise
    finally:
        session.info[_DEPTH] = depth


def request_unit(view: Callable[[], Any]) -> Any:
    """Run a view as the request's unit of work: it commits once, if the answer is below 400; an error
    answer or an exception rolls back. A stale version or a clash found at the commit becomes Conflict,
    which the app's error handlers answer (a page or problem+json, 409)."""
    from flask import current_app

    session = db.session()
    session.info[_DEPTH] = 1
    try:
        response = current_app.make_response(view())
    except BaseException:
        session.info[_DEPTH] = 0
        session.rollback()
        raise
    session.info[_DEPTH] = 0
    if not session.in_transaction():
        return response
    if response.status_code >= 400:
        session.rollback()
        return response
    try:
        session.commit()
    except (StaleDataError, IntegrityError) as exc:
        session.rollback()
        raise _error(exc, None, None) from None
    return response


@contextmanager
def independent() -> Iterator[Session]:
    """A unit of its own, committed at the block's end whatever becomes of the request's (a failed login
    must stay counted when the login page answers 401). Objects loaded here belong to this session."""
    session = Session(bind=db.engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def note_time(row: Any, column: str, now: datetime, every: timedelta) -> None:
    """Record ``now`` in the row's ``column`` (when a personal link was last opened, a feed last fetched) at
    most once per ``every``: reading a page must not write on every request. The conditional UPDATE writes
    once however many requests arrive together, in an atomic block of its own."""
    last = getattr(row, column)
    if last is not None and now - last < every:
        return
    model = type(row)
    stamp = getattr(model, column)
    with atomic():
        db.session.execute(update(model).where(model.id == row.id, stamp.is_(None) | (stamp < now - every))
                           .values({column: now}).execution_options(synchronize_session=False))
