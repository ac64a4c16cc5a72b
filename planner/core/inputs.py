"""The one gate every typed value passes before a form or the API sees it.

Some text cannot be stored at all: a NUL character (PostgreSQL refuses it in text columns), a lone
UTF-16 surrogate (it has no UTF-8 form; JSON can carry one as ``\\ud800``), or a value so long that no
field of the app holds it. Each form and schema would have to think of these; instead, one check on
every request refuses them with a clear message in the user's language, before anything is read or
saved. The usual cleaning of stored text (NFC, spacing) stays with ``core.text.normalize``.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from flask import current_app, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from planner.core.errors import ValidationError

# Longer than any field (the longest texts, minutes sections and forewords, stay well under it).
MAX_TEXT_LENGTH = 100_000
_SURROGATES = range(0xD800, 0xE000)
# The days the app works with. Python's run from year 1 to 9999, and a day near either end overflows as
# soon as a year of span or a time zone is added to it; no meeting lies beyond these.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
DATE_MESSAGE = _l("Enter a date such as 2026-11-30.")


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


# Days -------------------------------------------------------------------------------------------------
# The one rule for every day and moment that comes in: the API's Date and DateTime fields, the forms'
# DayField, the pages' filters (parse_day), the path's days, a recurrence's end and the holidays.

def day_problem(value: date | datetime | None) -> str | None:
    """Why this day (or the day of this moment, as written) is beyond the days the app works with, or None."""
    if value is None:
        return None
    day = value.date() if isinstance(value, datetime) else value
    if FIRST_DAY <= day <= LAST_DAY:
        return None
    return _("Enter a date from %(first)s to %(last)s.", first=f"{FIRST_DAY:%d/%m/%Y}", last=f"{LAST_DAY:%d/%m/%Y}")


def parse_day(value: str | None) -> date | None:
    """A page's day (YYYY-MM-DD, or 17/12/2026 as typed) within the range; None when empty, not a day or
    beyond the range: a filter ignores what it cannot use."""
    from planner.core.fields import parse_day as read_day  # ISO, or dd/mm/yyyy as the date inputs show it

    day = read_day(value)
    return None if day_problem(day) else day


# Settings ---------------------------------------------------------------------------------------------

def check_zone_and_language(values: dict[str, Any]) -> None:
    """Refuse an unknown time zone or a language the app is not translated into, where ``values`` (an
    organization's or a meeting's cleaned fields) sets one: both decide how every page and document
    of theirs is written, so neither may be a value nothing can show."""
    if "timezone" in values:
        try:
            zoneinfo.ZoneInfo(values["timezone"])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationError(_("Unknown time zone: %(tz)s", tz=values["timezone"]), field="timezone") from None
    if "language" in values and values["language"] not in current_app.config["LANGUAGES"]:
        raise ValidationError(_("Unknown language."), field="language")


def whole_number(value: Any, field: str, low: int, high: int, *, wrong: str, beyond: str | None = None) -> int:
    """A whole number from a form or JSON, from ``low`` to ``high``, or ValidationError on ``field``: ``wrong``
    when it is not a whole number (text, a fraction, true/false), ``beyond`` (else ``wrong``) when it is
    one outside the range. Each caller keeps its own words; the reading is the same everywhere."""
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValidationError(wrong, field=field)
    try:
        number = int(value) if isinstance(value, int | float) else int(str(value).strip())
    except (TypeError, ValueError, OverflowError):
        raise ValidationError(wrong, field=field) from None
    if not low <= number <= high:
        raise ValidationError(beyond or wrong, field=field)
    return number
