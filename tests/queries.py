"""Counting the SQL statements a page, a feed or a service runs: the one helper for query budgets.

    with QueryCounter(db.engine) as counter:   # an engine at hand
        ...
    counter.count, counter.statements

    with counting(app) as statements:          # from a test that holds only the app
        client.get(url)
    len(statements)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine


class QueryCounter:
    """Records every statement sent to the database through ``engine`` while the block runs."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.statements: list[str] = []

    def _count(self, _conn, _cursor, statement, *_args) -> None:
        self.statements.append(statement)

    def __enter__(self) -> QueryCounter:
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._count)

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def counting(app: Flask) -> Iterator[list[str]]:
    """The statements of the app's engine while the block runs (a list, filled as they are sent)."""
    from planner.extensions import db

    with app.app_context():
        engine = db.engine
    with QueryCounter(engine) as counter:
        yield counter.statements
