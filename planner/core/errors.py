"""Errors that services raise and that both the HTML pages and the JSON API know how to show."""

from __future__ import annotations

from typing import Any


class PlannerError(Exception):
    """A refusal with a message meant for the user (already translated by the service)."""

    status = 400

    def __init__(self, message: Any, *, field: str | None = None, errors: list[dict] | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field
        self.errors = errors or []


class ValidationError(PlannerError):
    status = 422


class Forbidden(PlannerError):
    status = 403


class NotFound(PlannerError):
    status = 404


class Conflict(PlannerError):
    """Someone else saved first, or the state no longer allows the change."""

    status = 409
