"""Date and time form fields that read and show the office's way in every browser: ``17/12/2026`` and
``14:30``, whatever the browser's own locale (``<input type=date>`` shows 12/17/2026 in an American Chrome
and ``type=time`` 2:30 PM). Plain text inputs with a pattern and a placeholder, read on the server; ISO
dates (``2026-12-17``, what links and older forms send) are read too. The API keeps ISO 8601."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field, SelectMultipleField
from wtforms.widgets import TextInput

DAY_PATTERN = r"\s*(\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}|\d{4}-\d{1,2}-\d{1,2})\s*"
CLOCK_PATTERN = r"\s*([01]?\d|2[0-3])\s*([:.hHgG]|giờ)?\s*[0-5]\d\s*"
_DAY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_CLOCK = re.compile(r"^\s*([01]?\d|2[0-3])\s*(?:[:.hHgG]|giờ)?\s*([0-5]\d)\s*$")


def parse_day(text: str | None) -> date | None:
    """``17/12/2026``, ``17.12.2026``, ``7-1-2027`` or ISO ``2026-12-17`` -> a date; None when it is none."""
    if not text:
        return None
    if match := _DAY.match(text):
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO_DAY.match(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_clock(text: str | None) -> time | None:
    """``14:30``, ``8:00``, ``8h00``, ``14.30``, ``0830`` -> a time (24-hour); None when it is none."""
    match = _CLOCK.match(text or "")
    return time(int(match.group(1)), int(match.group(2))) if match else None


def show_day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def show_clock(value: time | None) -> str:
    return value.strftime("%H:%M") if value else ""


class _TypedField(Field):
    """A text input read on the server: its pattern, placeholder and size say how to type the value;
    what was typed is shown again as typed, a stored value as ``show`` writes it."""

    widget = TextInput()
    input_kw: dict[str, Any] = {}
    wrong: Any = ""
    # Each kind says how a stored value is written (``show``) and how typed text is read (``parse``:
    # None when it is not a value of the kind).
    show: Callable[[Any], str]
    parse: Callable[[str], Any]

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any):
        render_kw = {"inputmode": "numeric", "autocomplete": "off", **self.input_kw,
                     **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.show(self.data)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        self.data = self.parse(str(valuelist[0]))
        if self.data is None:
            raise ValueError(self.wrong)


class DayField(_TypedField):
    """A day typed as dd/mm/yyyy (the placeholder says so), shown the same way in every browser."""

    input_kw = {"placeholder": _l("dd/mm/yyyy"), "pattern": DAY_PATTERN, "class": "day-input", "size": 10}
    wrong = _l("Write the day as dd/mm/yyyy, e.g. 17/12/2026.")

    show = staticmethod(show_day)
    parse = staticmethod(parse_day)

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        from planner.core.inputs import day_problem  # the days the app works with (its input gate)

        problem = day_problem(self.data)
        if problem:
            self.data = None
            raise ValueError(problem)


class ClockField(_TypedField):
    """A time of day typed as hh:mm on the 24-hour clock, in every browser."""

    input_kw = {"placeholder": _l("hh:mm"), "pattern": CLOCK_PATTERN, "class": "clock-input", "size": 5}
    wrong = _l("Write the time as hh:mm on the 24-hour clock, e.g. 14:30.")

    show = staticmethod(show_clock)
    parse = staticmethod(parse_clock)


class OrderedSelectMultipleField(SelectMultipleField):
    """A multiple select whose order is the user's: the request's values are kept in the order sent
    (WTForms' ``process_formdata``), and the chosen options are drawn first, in the order of ``data``,
    so a form sent back without JavaScript keeps it (a browser sends a multiple select in option order).
    The people picker (static/js/people-picker.js) keeps the options in the order of its chips."""

    def iter_choices(self) -> list[Any]:
        choices = super().iter_choices()
        order = {value: i for i, value in enumerate(self.data or ())}
        chosen = sorted((c for c in choices if c.selected), key=lambda c: order.get(self.coerce(c.value), 0))
        return [*chosen, *(c for c in choices if not c.selected)]
