"""Template filters: dates and times shown in local time and the user's language.

Named formats are the office's, not the locale's defaults (Babel's ``vi`` short date has a two-digit year,
its medium one reads ``17 thg 12, 2026``; its ``en`` times are 12-hour): Vietnamese pages show
``17/12/2026`` and, where a sentence needs the long form, ``ngày 17 tháng 12 năm 2026``; English pages
``17 Dec 2026`` and ``17 December 2026``; times are 24-hour (``14:30``) in both.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, g
from flask_babel import format_date, format_datetime, get_locale

from planner.core.text import date_line, position_line, position_parts

DATE_FORMATS = {
    "vi": {"short": "dd/MM/yyyy", "medium": "dd/MM/yyyy"},
    "en": {"short": "dd/MM/yyyy", "medium": "d MMM yyyy", "long": "d MMMM yyyy", "full": "EEEE, d MMMM yyyy"},
}
DATETIME_FORMATS = {
    "vi": {"short": "dd/MM/yyyy HH:mm", "medium": "dd/MM/yyyy HH:mm", "long": "HH:mm, dd/MM/yyyy",
           "full": "HH:mm, EEEE dd/MM/yyyy"},
    "en": {"short": "d MMM yyyy, HH:mm", "medium": "d MMM yyyy, HH:mm", "long": "d MMMM yyyy, HH:mm",
           "full": "EEEE, d MMMM yyyy, HH:mm"},
}
TIME_FORMAT = "HH:mm"


def _language(language: str | None = None) -> str:
    code = language or str(get_locale() or "vi")
    return "vi" if code.startswith("vi") else "en"


def long_date(day: date | datetime, language: str | None = None, *, weekday: bool = False) -> str:
    """``ngày 17 tháng 12 năm 2026`` (the official line's rule: the month in two digits for January and
    February only), ``Thứ Năm, ngày 17 tháng 12 năm 2026`` with the weekday; ``17 December 2026`` in English."""
    language = _language(language)
    if language == "en":
        return format_date(day, DATE_FORMATS["en"]["full" if weekday else "long"])
    text = date_line(None, day.date() if isinstance(day, datetime) else day, "vi")
    text = text[0].lower() + text[1:]
    return f"{format_date(day, 'EEEE')}, {text}" if weekday else text


def short_date(day: date | datetime | None, language: str | None = None) -> str:
    """``17/12/2026``."""
    return format_date(day, DATE_FORMATS[_language(language)]["short"]) if day is not None else ""


def local(value: datetime | None) -> datetime | None:
    """A stored UTC time in the zone of the request (the meeting's or the organization's)."""
    if value is None:
        return None
    return value.astimezone(getattr(g, "timezone", None))


def datetime_filter(value: datetime | None, fmt: str = "short") -> str:
    """A named format (short, medium, long, full) as the office writes it, else a Babel pattern."""
    if value is None:
        return ""
    return format_datetime(value, DATETIME_FORMATS[_language()].get(fmt, fmt))


def date_filter(value: date | datetime | None, fmt: str = "medium") -> str:
    """A named format as the office writes it (``17/12/2026``; long and full in words), else a pattern."""
    if value is None:
        return ""
    language = _language()
    if fmt in ("long", "full") and language == "vi":
        return long_date(value, language, weekday=fmt == "full")
    return format_date(value, DATE_FORMATS[language].get(fmt, fmt))


def time_filter(value: datetime | None) -> str:
    """``14:30`` in every language."""
    return format_datetime(value, TIME_FORMAT) if value is not None else ""


def register_filters(app: Flask) -> None:
    app.add_template_filter(datetime_filter, "datetime")
    app.add_template_filter(date_filter, "date")
    app.add_template_filter(time_filter, "time")
    app.add_template_filter(local, "local")
    app.add_template_global(date_line, "date_line")
    app.add_template_global(position_parts, "position_parts")
    app.add_template_global(position_line, "position_line")
    app.add_template_global(now_local, "now_local")


def now_local() -> datetime:
    return datetime.now(getattr(g, "timezone", None))
