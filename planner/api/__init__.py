"""The JSON API under /api/v1: bearer authentication, permission check, problem+json, OpenAPI.

Each domain keeps its routes in its own ``api.py`` as a flask-smorest Blueprint, which its setup attaches
with ``register_blueprint``; this package authenticates every request (through the token check that
accounts puts in ``TOKEN_CHECKS``) and serves the OpenAPI document generated from the routes.
"""

from __future__ import annotations

import http
from collections.abc import Callable, Mapping, Sequence
from functools import wraps
from typing import Any, TypeVar

import marshmallow as ma
from apispec import BasePlugin
from flask import Flask, abort, g, request
from flask_babel import gettext as _
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from planner.core.hooks import Hook
from planner.core.inputs import day_problem
from planner.core.permissions import Permission
from planner.extensions import csrf

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")
PREFIX = "/api/v1"


class Integer(ma.fields.Integer):
    """A whole number: 7 in JSON or "7" in a query string, never 1.75 silently cut down to 1, and never
    beyond what a database integer holds (an offset of 10**26 was a 500 on SQLite)."""

    LIMIT = 2**31  # beyond it: "Not a valid whole number.", translated like marshmallow's other messages

    def _validated(self, value: Any) -> int:
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        number = super()._validated(value)
        if not -self.LIMIT <= number < self.LIMIT:
            raise self.make_error("invalid", input=value)
        return number


class _WithinTheDays:
    """A day, or a moment whose day as written, within the days the app works with (core.inputs):
    ``to=9999-12-31`` overflowed as soon as a year of span was added (a 500)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        found = super()._deserialize(value, attr, data, **kwargs)  # type: ignore[misc]
        problem = day_problem(found)
        if problem:
            raise ma.ValidationError(problem)
        return found


class Date(_WithinTheDays, ma.fields.Date):
    pass


class DateTime(_WithinTheDays, ma.fields.DateTime):
    pass


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, the one error format of the API. Some problems carry extension
    members (a minutes conflict adds ``current_version`` and ``revision``), as the RFC allows."""

    class Meta:
        unknown = ma.INCLUDE

    type = ma.fields.String()
    title = ma.fields.String()
    status = Integer()
    detail = ma.fields.String(metadata={"description": "What went wrong, for a person to read"})
    errors = ma.fields.List(ma.fields.Dict(), metadata={"description": "[{field, detail}] or [{row, column, detail}]"})


PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_CONTENT = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}


class ProblemResponsesPlugin(BasePlugin):
    """Every documented error answer is a problem+json document, as core.web sends it: an error
    response that a route documents with a description only gets the Problem body."""

    def operation_helper(self, path=None, operations=None, **kwargs: Any) -> None:
        for operation in (operations or {}).values():
            for status, response in operation.get("responses", {}).items():
                is_error = status == "default" or str(status)[:1] in ("4", "5")
                if is_error and isinstance(response, dict) and "content" not in response:
                    response["content"] = PROBLEM_CONTENT


class PlannerApi(Api):
    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        """core.web answers every error, as problem+json under /api/."""

    def _register_responses(self) -> None:
        """flask-smorest documents its shared error responses as application/json; ours are problem+json."""
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_MEDIA_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_MEDIA_TYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


api = PlannerApi(spec_kwargs={"extra_plugins": [ProblemResponsesPlugin()]})


class ListArgs(ma.Schema):
    limit = Integer(load_default=50, validate=ma.validate.Range(min=1, max=500))
    offset = Integer(load_default=0, validate=ma.validate.Range(min=0))


# check(secret) -> the API token it names (with .user and .organization) or None; accounts fills it.
TOKEN_CHECKS = Hook("api.token_checks", "a bearer secret -> its API token, or None")


def page(items: list[Any], total: int) -> dict[str, Any]:
    return {"items": items, "total": total}


def listed(rows: Sequence[T], args: Mapping[str, Any], data: Callable[[T], Any]) -> dict[str, Any]:
    """A list route's answer from the list the service read whole (an item's votes, a meeting's pack): the
    rows from ``offset``, at most ``limit`` of them, each as ``data`` gives it, and the total."""
    start = args["offset"]
    return page([data(row) for row in rows[start:start + args["limit"]]], len(rows))


def found(get: Callable[..., T], public_id: str) -> T:
    """The record a route's URL names, read by the service's ``get(organization, public_id, user=)`` for the
    token's organization and user: another organization's, or one above the caller's clearance, is not found
    (404), exactly as one that does not exist."""
    return get(g.organization, public_id, user=g.api_user)


def changed(update: Callable[..., T], record: Any, data: dict[str, Any], *, stamp: str = "version",
            **extra: Any) -> T:
    """A PATCH made by the service's ``update(record, data, user=, version=)`` for the token's user: the
    ``version`` the caller read (``stamp`` names it where the record calls it otherwise, e.g. ``revision``)
    is taken out of the fields and handed over, so that a change based on an older one is refused (409)."""
    return update(record, data, user=g.api_user, **{stamp: data.pop(stamp, None)}, **extra)


def _authenticate() -> None:
    """before_request for the API: a bearer token, never a session cookie (so no CSRF exposure)."""
    if not request.path.startswith(PREFIX + "/") or request.path == f"{PREFIX}/openapi.json":
        return
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        abort(401)
    token = next((t for check in TOKEN_CHECKS if (t := check(secret.strip())) is not None), None)
    if token is None:
        abort(401)
    g.api_token = token
    g.api_user = token.user
    g.organization = token.organization
    g.membership = token.user.membership_in(token.organization_id)
    # The role is checked before the body is read: a caller without the permission gets 403 whatever
    # it sends, not a 422 that tells it the route's schema (the view's own check stays, for direct calls).
    permission = _required_permission()
    if permission is not None and not token.user.can(permission, token.organization_id):
        abort(403)


def _required_permission() -> Permission | None:
    """The permission that `requires` put on the view (or on the method of a MethodView) of this request."""
    from flask import current_app

    view = current_app.view_functions.get(request.endpoint or "")
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        view = getattr(view_class, request.method.lower(), None)
    while view is not None:
        permission = getattr(view, "required_permission", None)
        if permission is not None:
            return permission
        view = getattr(view, "__wrapped__", None)
    return None


def requires(permission: Permission) -> Callable[[F], F]:
    """The API's twin of accounts.access.require: the token's user must hold the permission."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = getattr(g, "api_user", None)
            if user is None:
                abort(401)
            if not user.can(permission, g.organization.id):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_permission = permission  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def setup(app: Flask) -> None:
    """The API frame on this app; the domains' setups attach their routes with register_blueprint."""
    api.init_app(app)
    app.before_request(_authenticate)


def register_blueprint(blp: Any) -> None:
    """Attach a domain's API routes under /api/v1 (bearer tokens, so no CSRF token)."""
    csrf.exempt(blp)
    api.register_blueprint(blp, url_prefix=f"{PREFIX}{blp.url_prefix or ''}")


def not_found() -> None:
    abort(404, description=_("Not found."))
