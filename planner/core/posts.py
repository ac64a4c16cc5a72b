"""How a page's view answers a form it was sent, in one place, so that every page answers alike: the form
is checked, the service makes the change, and the user either goes on with a message of what was done or
sees the page again with what was refused.

- ``submit``: a form with fields. One that does not validate is shown again with its errors (422); a
  service's refusal goes beside the field it names (``core.web.form_error``) and the page is shown again
  with the refusal's status; success flashes what was done and redirects.
- ``press``: a button (a form of no fields but its CSRF token and the version the page showed). An expired
  form is said and the user sent back; a refusal is flashed and the page shown again (or the user sent
  back); success flashes what was done and redirects.

The page shown again after a refusal is rendered by the caller (``again(status)``): it reads the record
anew, since a refusal leaves nothing changed. Views stay thin: they read the form into the service's plain
data and say where to go. Both are built on ``core.web.submit``/``attempt`` (one rule for running a service
call from a page), adding the answer: the redirect with its message, or the page again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import flash, redirect
from flask_babel import gettext as _

from planner.core.errors import NotFound
from planner.core.web import attempt
from planner.core.web import submit as web_submit

T = TypeVar("T")
# A message or an address, given as it is or computed from what the service returned.
Said = str | Callable[[Any], str]


def _said(value: Said | None, result: Any) -> str | None:
    return value(result) if callable(value) else value


def submit(form: Any, change: Callable[[], T], *, again: Callable[[int], Any], done: Said | None,
           then: Said, names: Mapping[str, str] | None = None) -> Any:
    """Answer a form with fields: ``change()`` calls the service with the form's data; ``again(status)``
    renders the page with this form; ``done`` is the success message and ``then`` where to go (each a
    string or a function of what ``change`` returned); ``names`` maps a service's field names to the
    form's where they differ."""
    outcome = web_submit(form, change, names)
    if not outcome.ok:
        return again(outcome.status)
    return _done(outcome.value, done, then)


def _done(result: Any, done: Said | None, then: Said) -> Any:
    message = _said(done, result)
    if message:
        flash(message, "success")
    return redirect(_said(then, result))


def press(form: Any, change: Callable[[], T], *, done: Said | None, then: Said, back: str | None = None,
          again: Callable[[int], Any] | None = None) -> Any:
    """Answer a button: ``form`` carries the CSRF token (and the version the page showed); ``change()``
    calls the service; a refusal is flashed and the page shown by ``again(status)``, or the user sent
    ``back`` (by default where ``then`` goes when it is a plain address); an expired form sends the
    user ``back`` too. ``done`` and ``then`` as for ``submit``."""
    back = back if back is not None else (then if isinstance(then, str) else None)
    if form is not None and not form.validate_on_submit():
        flash(_("The form has expired. Try again."), "error")
        return redirect(back)
    outcome = attempt(change, passes=(NotFound,))  # what the button names is gone: 404, as for a link to it
    if not outcome.ok:
        return again(outcome.status) if again is not None else redirect(back)
    return _done(outcome.value, done, then)
