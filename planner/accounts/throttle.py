"""Failed sign-ins, counted in the database where every worker and every instance sees them.

Per address and per account, a delay that grows instead of a lock that a stranger could hold:

- an address has ``LOGIN_FREE_FAILURES`` failures for nothing; from the last of them on, each failure makes
  its next try wait 1, 2, 4 … seconds (doubling, up to ``LOGIN_MAX_DELAY``) after that failure;
- an account counts a failure only from an address still within its free failures, so that one
  stranger's address is held by its own delay long before it could slow the account; several addresses
  together (a distributed guess) bring the account under the same growing delay after
  ``LOGIN_FREE_FAILURES_PER_ACCOUNT``, a delay its owner waits out, never a lock;
- a try refused for waiting counts nothing and moves no deadline; a sign-in clears its account and its
  address; failures are forgotten after ``LOGIN_FORGET_AFTER`` seconds without one.

While a delay runs out, workers take turns: a try claims the slot (the wait its failure would cost) before
the password is checked, so concurrent tries cannot slip through together. A turn taken and a failure
counted are each a unit of their own (``core.db.independent``), committed at once: the other workers must
see them before the slow password check ends, and a failed sign-in stays counted whatever the login page
answers. A sign-in clears the counts in the request's unit: only a sign-in that goes through clears them.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from planner.accounts.models import LoginThrottle
from planner.core.db import atomic, independent
from planner.core.models import utcnow
from planner.extensions import db


def _keys(email: str, address: str) -> tuple[str, str]:
    from planner.accounts.services import normalize_email

    return f"account:{normalize_email(email)}"[:320], f"address:{address or '?'}"[:320]


def _setting(name: str) -> int:
    return int(current_app.config[name])


def _free(key: str) -> int:
    return _setting("LOGIN_FREE_FAILURES_PER_ACCOUNT" if key.startswith("account:") else "LOGIN_FREE_FAILURES")


def delay(failures: int, free: int) -> int:
    """Seconds to wait after the failure numbered ``failures``: none within the free ones, then 1, 2, 4 …"""
    if failures < free:
        return 0
    return min(2 ** min(failures - free, 30), _setting("LOGIN_MAX_DELAY"))


def _current(row: LoginThrottle | None, now: datetime) -> int:
    """The row's failures, forgotten after a quiet while."""
    if row is None or now - row.last_failure_at > timedelta(seconds=_setting("LOGIN_FORGET_AFTER")):
        return 0
    return row.failures


def wait(email: str, address: str) -> int:
    """Seconds this try must wait (0: it may go on, and has taken its turn). Counts nothing."""
    now = utcnow()
    try:
        with independent() as session:
            return _take_turn(session, email, address, now)
    except _TurnTaken:   # another worker's try took this turn: none of ours is kept
        return 1


class _TurnTaken(Exception):
    pass


def _take_turn(session: Session, email: str, address: str, now: datetime) -> int:
    rows = session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(_keys(email, address)))).all()
    waits = [math.ceil((row.blocked_until - now).total_seconds()) for row in rows
             if row.blocked_until is not None and row.blocked_until > now]
    if waits:
        return max(waits)
    turns = [(row.id, delay(_current(row, now) + 1, _free(row.key))) for row in rows
             if _current(row, now) >= _free(row.key)]
    for row_id, turn in turns:   # in one transaction: every turn taken, or none
        claimed = session.execute(
            update(LoginThrottle).where(LoginThrottle.id == row_id, or_(LoginThrottle.blocked_until.is_(None),
                                                                         LoginThrottle.blocked_until <= now))
            .values(blocked_until=now + timedelta(seconds=turn)).execution_options(synchronize_session=False))
        if claimed.rowcount == 0:
            raise _TurnTaken
    return 0


def failed(email: str, address: str) -> None:
    """Count a failed sign-in against its address, and against its account while the address is free."""
    now = utcnow()
    account_key, address_key = _keys(email, address)
    with independent() as session:
        address_failures = _count(session, address_key, now)
        if address_failures <= _free(address_key):
            _count(session, account_key, now)


def _count(session: Session, key: str, now: datetime) -> int:
    row = session.scalar(select(LoginThrottle).where(LoginThrottle.key == key).with_for_update())
    if row is None:
        row = LoginThrottle(key=key, failures=0, last_failure_at=now)
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:   # another worker made it meanwhile
            row = session.scalar(select(LoginThrottle).where(LoginThrottle.key == key).with_for_update())
    row.failures = _current(row, now) + 1
    row.last_failure_at = now
    wait_seconds = delay(row.failures, _free(key))
    row.blocked_until = now + timedelta(seconds=wait_seconds) if wait_seconds else None
    return row.failures


def succeeded(email: str, address: str) -> None:
    """The owner signed in: their account and this address start afresh."""
    with atomic():
        db.session.execute(LoginThrottle.__table__.delete().where(LoginThrottle.key.in_(_keys(email, address))))
