"""Finding a record by its public id within a meeting or an organization: the one way a page or an API
route opens an object named in its URL. Another meeting's or organization's object is not found, exactly
as one that does not exist (a 404 that reveals nothing)."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select

from planner.core.errors import NotFound
from planner.extensions import db

T = TypeVar("T")


def _find(model: type[T], column: str, owner: Any, public_id: str | None, message: str, options: tuple) -> T:
    found = db.session.scalar(select(model).where(getattr(model, column) == owner.id,
                                                  model.public_id == str(public_id or ""))  # type: ignore[attr-defined]
                              .options(*options))
    if found is None:
        raise NotFound(message)
    return found


def in_meeting(model: type[T], meeting: Any, public_id: str | None, message: str, *options: Any) -> T:
    """The ``model`` row (it has ``meeting_id``) of this meeting with this public id, else NotFound(message)."""
    return _find(model, "meeting_id", meeting, public_id, message, options)


def in_organization(model: type[T], organization: Any, public_id: str | None, message: str, *options: Any) -> T:
    """The ``model`` row (it has ``organization_id``) of this organization with this public id, else
    NotFound(message)."""
    return _find(model, "organization_id", organization, public_id, message, options)
