"""The one gate every typed value passes before a form or the API sees it.

Some text cannot be stored at all: a NUL character (PostgreSQL refuses it in text columns), a lone
UTF-16 surrogate (it has no UTF-8 form; JSON can carry one as ``\\ud800``), or a value so long that no
field of the app holds it. Each form and schema would have to think of these; instead, one check on
every request refuses them with a clear message in the user's language, before anything is read or
saved. The usual cleaning of stored text (NFC, spacing) stays with ``core.text.normalize``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import request
from flask_babel import gettext as _

from planner.core.errors import ValidationError

# Longer than any field (the longest texts, minutes sections and forewords, stay well under it).
MAX_TEXT_LENGTH = 100_000
_SURROGATES = range(0xD800, 0xE000)


def _values(node: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _values(key, path)
            yield from _values(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _values(value, f"{path}.{i}" if path else str(i))


def problem_of(text: str) -> str | None:
    """Why this text cannot be stored, or None."""
    if "\x00" in text:
        return _("The text holds a NUL character, which cannot be stored. Remove it and send again.")
    if any(ord(ch) in _SURROGATES for ch in text):
        return _("The text holds a broken character (a lone surrogate), which cannot be stored. Remove it and "
                 "send again.")
    if len(text) > MAX_TEXT_LENGTH:
        return _("The text is too long: at most %(n)d characters.", n=MAX_TEXT_LENGTH)
    return None


def check_request() -> None:
    """Refuse a request whose query, form fields or JSON body hold text that cannot be stored."""
    sources: list[tuple[str, Any]] = [("", request.args.to_dict(flat=False))]
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.is_json:
            sources.append(("", request.get_json(silent=True)))
        elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            sources.append(("", request.form.to_dict(flat=False)))
    errors = []
    for root, data in sources:
        for path, value in _values(data, root):
            message = problem_of(value)
            if message:
                errors.append({"field": path.rsplit(".", 1)[0] if path[-1:].isdigit() else path,
                               "detail": message})
    if errors:
        raise ValidationError(errors[0]["detail"], field=errors[0]["field"] or None, errors=errors)
