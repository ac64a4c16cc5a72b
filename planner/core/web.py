"""What every response shares: error pages and problem+json, security headers, the 503 of an outage; and
what every page's view uses: the signed-in user, a service's refusal shown on its form field."""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, flash, g, jsonify, render_template, request, session
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf
from sqlalchemy.exc import DataError, DisconnectionError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from planner.core.errors import PlannerError
from planner.core.exports import strong_etag
from planner.core.inputs import check_request
from planner.core.stamps import stamp

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 5

# What the error page says, in the user's language; the detail of an exception is never shown.
ERROR_TEXTS: dict[int, tuple[Any, Any]] = {
    401: (_l("Sign-in needed"), _l("You need to sign in to use this.")),
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (_l("Not allowed"), _l("Your role does not allow this. Ask an administrator of your organization.")),
    404: (_l("Not found"), _l("There is nothing here. The link may be old or mistyped.")),
    405: (_l("Not allowed"), _l("This address does not accept this kind of request.")),
    409: (_l("Conflict"), _l("Someone else changed this meanwhile. Reload the page to see the current version.")),
    413: (_l("File too large"), _l("The file is larger than the allowed size. Send a smaller file.")),
    415: (_l("Unsupported file type"), _l("This kind of file is not accepted here.")),
    422: (_l("Invalid data"), _l("Some of the data is not valid.")),
    429: (_l("Too many attempts"), _l("Too many attempts in a short time. Wait a minute and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error happened. It has been logged; please try again.")),
    503: (
        _l("Temporarily unavailable"),
        _l("The service is briefly unavailable. It will come back by itself; try again in a few seconds."),
    ),
}


def signed_in_user() -> Any:
    """The user of this request itself (not flask-login's proxy), to hand to a service."""
    return current_user._get_current_object()  # type: ignore[attr-defined]


def request_user() -> Any:
    """Who asks, on a page or through the API (the token's user), or None: for code both share, such as
    the builders of downloads."""
    user = getattr(g, "api_user", None)
    if user is not None:
        return user
    return current_user._get_current_object() if current_user and current_user.is_authenticated else None


def visitor_page_etag(*parts: object) -> str | None:
    """A strong ETag for a page read without an account, from ``parts`` (what its content depends on), or None
    where the frame is one person's: a signed-in user's (their name, organizations, menu) or one showing a
    message. The frame also holds the request's address (the language switch returns to it), the language and
    the session's CSRF token (the language switch posts it): the ETag names them, and the half of the token's
    lifetime it was signed in, so that a copy the browser keeps never holds an expired token."""
    if current_user.is_authenticated or session.get("_flashes"):
        return None
    generate_csrf()   # the session's token exists from here on, as the page will print it
    raw = str(session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), ""))
    limit = current_app.config.get("WTF_CSRF_TIME_LIMIT") or 0
    period = int(time.time() // (limit / 2)) if limit else 0
    return strong_etag(*parts, request.full_path, str(get_locale() or ""),
                       hashlib.sha256(raw.encode()).hexdigest(), period)


def form_error(form: Any, exc: PlannerError, names: Mapping[str, str] | None = None) -> None:
    """Show a service's refusal beside the form field it names (``names`` maps a service's field name to the
    form's where they differ), or as a message at the top of the page."""
    name = (names or {}).get(exc.field or "", exc.field or "")
    target = getattr(form, name, None) if name else None
    if target is not None and hasattr(target, "errors"):
        target.errors = [*list(target.errors or []), exc.message]
    else:
        flash(exc.message, "error")


def form_version(form: Any) -> int | None:
    """The version a form was read at (its hidden ``version`` field), for the service's stale-save check;
    None when the form carries none."""
    try:
        return int(form.version.data) if form.version.data else None
    except (TypeError, ValueError):
        return None


class Outcome(NamedTuple):
    """What a page's service call came to: ``ok`` with the service's answer in ``value``, or not, with the
    ``status`` to show the page again with and, where the service refused, its ``refusal``."""

    ok: bool
    value: Any = None
    status: int = 200
    refusal: PlannerError | None = None

    @property
    def form_status(self) -> int:
        """The status of a settings form shown again: 409 for a stale save, else 422 (a refusal of another
        kind is still the form's data at fault)."""
        return self.status if self.status in (409, 422) else 422


def attempt(action: Callable[[], Any], *, form: Any = None, names: Mapping[str, str] | None = None,
            passes: tuple[type[PlannerError], ...] = ()) -> Outcome:
    """Run a page's service call; a refusal is shown beside ``form``'s field it names (see form_error), or
    as an error message when there is no form, and its status is kept for the page shown again. Refusals
    of the kinds in ``passes`` are not caught (a button naming what is gone answers 404, as a link would)."""
    try:
        return Outcome(True, action())
    except passes:
        raise
    except PlannerError as exc:
        if form is not None:
            form_error(form, exc, names)
        else:
            flash(exc.message, "error")
        return Outcome(False, status=exc.status, refusal=exc)


def submit(form: Any, action: Callable[[], Any], names: Mapping[str, str] | None = None) -> Outcome:
    """A posted form: when it validates, run the service call as attempt() does; when it does not, 422
    (the fields carry their own messages)."""
    if not form.validate_on_submit():
        return Outcome(False, status=422)
    return attempt(action, form=form, names=names)


def safe_next(target: str | None) -> str | None:
    """A ``next`` address to go back to after a form, if it is a path on this site, else None: a link
    must not bounce users to another site. Browsers read a backslash as a slash (``/\\evil.example`` is
    ``//evil.example``) and drop tabs and line breaks inside a URL, so those are refused too."""
    if not target or "\\" in target or any(ch < " " or ch == "\x7f" for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def page_number() -> int:
    """The ``page`` asked for in the query string (1-based), 1 when absent or not a number."""
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


def wants_json() -> bool:
    """Whether the caller (a page's script) asks for JSON rather than a page."""
    return request.accept_mimetypes.best == "application/json" or request.is_json


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def problem(status: int, detail: str, *, title: str | None = None, errors: list[dict] | None = None,
            headers: dict[str, str] | None = None) -> Response:
    """An RFC 9457 problem document, the API's one error format."""
    body: dict[str, Any] = {"type": "about:blank", "title": title or _title(status), "status": status,
                            "detail": detail}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _title(status: int) -> str:
    return str(ERROR_TEXTS.get(status, (str(status),))[0])


def error_page(status: int, detail: str | None = None, headers: dict[str, str] | None = None) -> Response:
    title, default = ERROR_TEXTS.get(status, (str(status), ""))
    body = render_template("errors/error.html", status=status, title=title, detail=detail or default)
    response = Response(body, status=status, mimetype="text/html")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _validation_errors(exc: HTTPException) -> list[dict]:
    """webargs puts marshmallow's messages in exc.data; flatten them to [{field, detail}]."""
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") or data.get("errors") or {}
    flat: list[dict] = []

    def walk(node: Any, path: list[str]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, [*path, str(key)] if key not in ("json", "form", "query", "files") else path)
        elif isinstance(node, list) and all(isinstance(v, str) for v in node):
            flat.extend({"field": ".".join(path), "detail": _translated(v)} for v in node)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, [*path, str(i)])
        else:
            flat.append({"field": ".".join(path), "detail": _translated(str(node))})

    walk(messages, [])
    return flat


# marshmallow's own messages, as the API's user reads them (the rest pass through unchanged).
_SCHEMA_MESSAGES: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"^Length must be between (?P<min>\d+) and (?P<max>\d+)\.$"),
     _l("Length must be between %(min)s and %(max)s characters.")),
    (re.compile(r"^Longer than maximum length (?P<max>\d+)\.$"), _l("At most %(max)s characters.")),
    (re.compile(r"^Shorter than minimum length (?P<min>\d+)\.$"), _l("At least %(min)s characters.")),
    (re.compile(r"^Unknown field\.$"), _l("Unknown field.")),
    (re.compile(r"^Missing data for required field\.$"), _l("This field is required.")),
    (re.compile(r"^Field may not be null\.$"), _l("This field may not be empty (null).")),
    (re.compile(r"^Not a valid string\.$"), _l("Not a valid text.")),
    (re.compile(r"^Not a valid integer\.$"), _l("Not a valid whole number.")),
    (re.compile(r"^Not a valid (?:date|datetime)\.$"), _l("Not a valid date or time.")),
    (re.compile(r"^Must be one of: (?P<choices>.*)\.$"), _l("Must be one of: %(choices)s.")),
]


def _translated(message: str) -> str:
    for pattern, text in _SCHEMA_MESSAGES:
        match = pattern.match(message)
        if match:
            return str(text) % match.groupdict() if match.groupdict() else str(text)
    return message


def handle_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    headers = dict(getattr(exc, "data", {}).get("headers", {}) or {}) if getattr(exc, "data", None) else {}
    if status == 429:
        window = getattr(getattr(exc, "limit", None), "limit", None)
        headers["Retry-After"] = str(window.get_expiry() if window is not None else 60)
    if isinstance(exc, CSRFError):
        detail = _("The form has expired or was sent from elsewhere. Reload the page and send it again.")
    elif status == 422:
        detail = _("Some of the data is not valid.")
    else:
        detail = str(ERROR_TEXTS.get(status, ("", exc.description or ""))[1])
    if is_api_request() or wants_json():  # a page's script reads the reason as the API's clients do
        errors = _validation_errors(exc) if status == 422 else None
        if status == 401:
            headers.setdefault("WWW-Authenticate", 'Bearer realm="planner"')
            detail = _("A valid API token is needed: send it as 'Authorization: Bearer <token>'.")
        return problem(status, detail, errors=errors, headers=headers)
    return error_page(status, detail, headers)


def handle_planner_error(exc: PlannerError) -> Response:
    if is_api_request() or wants_json():
        errors = exc.errors or ([{"field": exc.field, "detail": exc.message}] if exc.field else None)
        return problem(exc.status, exc.message, errors=errors)
    return error_page(exc.status, exc.message)


def handle_database_outage(exc: Exception) -> Response:
    """The database is away: say so kindly; the pool's pre-ping reconnects once it returns."""
    log.warning("database unavailable: %s", exc)
    from planner.extensions import db, login_manager

    try:
        db.session.rollback()
    except Exception:  # the rollback itself may fail on a dead connection; the session is reset anyway
        db.session.remove()
    # The page must not need the database: the signed-in user cannot be loaded now, so it is drawn as for
    # a visitor (and kept out of caches all the same).
    g._login_user = login_manager.anonymous_user()
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if is_api_request():
        return problem(503, str(ERROR_TEXTS[503][1]), headers=headers)
    try:
        return error_page(503, headers=headers)
    except Exception:  # something else on the page wanted the database: say it in plain text
        log.warning("the 503 page could not be drawn", exc_info=True)
        db.session.remove()
        title, detail = ERROR_TEXTS[503]
        return Response(f"{title}\n\n{detail}\n", status=503, mimetype="text/plain", headers=headers)


def _rollback() -> None:
    from planner.extensions import db

    try:
        db.session.rollback()
    except Exception:  # a dead connection: the session is reset anyway
        db.session.remove()


def handle_unstorable_value(exc: DataError) -> Response:
    """The database refused a value (too long for its column, say) that a form or schema let through:
    a gap in validation to close, but the user gets a clear 422 and nothing is half-saved."""
    log.exception("the database refused a value on %s %s", request.method, request.path)
    _rollback()
    detail = _("A value is too long or not valid for storage. Shorten the longest texts and send again.")
    return problem(422, detail) if is_api_request() else error_page(422, detail)


def handle_unexpected(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        return handle_http_exception(exc)
    log.exception("unhandled error on %s %s", request.method, request.path)
    _rollback()  # else the error page's own queries fail on the broken transaction
    return handle_http_exception(InternalServerError())


def security_headers(response: Response) -> Response:
    csp = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        "font-src 'self'; connect-src 'self'; media-src 'self' blob:; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
    headers = response.headers
    headers.setdefault("Content-Security-Policy", csp)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    # The check-in desk scans badges with the camera; nothing else needs a device.
    headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
    hsts = current_app.config.get("HSTS_SECONDS") or 0
    if hsts:
        headers.setdefault("Strict-Transport-Security", f"max-age={int(hsts)}; includeSubDomains")
    # Pages of a signed-in user may hold internal or classified content: keep them out of caches.
    signed_in = getattr(g, "api_user", None) is not None or current_user.is_authenticated
    if signed_in and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    return response


def _translations() -> Any:
    """The request's translations for the templates' _() and ngettext().

    flask_babel's get_translations() walks g, the domain and the locale on every call (about 10 µs);
    the agenda editor of a congress calls it thousands of times. The answer is kept on flask_babel's
    own per-request namespace, next to the locale it was made for, so force_locale() (a delegate's page
    in the meeting's language) and refresh() still take effect.
    """
    from flask_babel import get_translations

    ctx = g.get("_flask_babel")
    locale = getattr(ctx, "babel_locale", None)
    if locale is not None:
        cached = getattr(ctx, "planner_translations", None)
        if cached is not None and cached[0] is locale:
            return cached[1]
    translations = get_translations()
    ctx = g.get("_flask_babel")
    locale = getattr(ctx, "babel_locale", None)
    if locale is not None:
        ctx.planner_translations = (locale, translations)
    return translations


def register(app: Flask) -> None:
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.add_template_global(stamp, "stamp")
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(PlannerError, handle_planner_error)
    for exc_type in (OperationalError, DisconnectionError, InterfaceError):
        app.register_error_handler(exc_type, handle_database_outage)
    app.register_error_handler(DataError, handle_unstorable_value)
    app.register_error_handler(Exception, handle_unexpected)
    app.before_request(check_request)
    app.after_request(security_headers)
