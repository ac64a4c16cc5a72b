"""Template filters: dates and times shown in local time and the user's language."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, g
from flask_babel import format_date, format_datetime

from planner.core.text import date_line


def local(value: datetime | None) -> datetime | None:
    """A stored UTC time in the zone of the request (the meeting's or the organization's)."""
    if value is None:
        return None
    return value.astimezone(getattr(g, "timezone", None))


def datetime_filter(value: datetime | None, fmt: str = "short") -> str:
    if value is None:
        return ""
    return format_datetime(value, fmt)


def date_filter(value: date | datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return format_date(value, fmt)


def register_filters(app: Flask) -> None:
    app.add_template_filter(datetime_filter, "datetime")
    app.add_template_filter(date_filter, "date")
    app.add_template_filter(local, "local")
    app.add_template_global(date_line, "date_line")
    app.add_template_global(now_local, "now_local")


def now_local() -> datetime:
    return datetime.now(getattr(g, "timezone", None))
