"""Dates and times as the office writes them: 17/12/2026 and 24-hour times in Vietnamese pages, the long form
"ngày 17 tháng 12 năm 2026" where a sentence needs it; English pages their own forms, also 24-hour."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from flask import render_template_string
from flask_babel import force_locale

from planner.core.formatting import date_filter, datetime_filter, long_date, short_date, time_filter

DAY = date(2026, 12, 17)
FEBRUARY = date(2023, 2, 1)
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
AFTERNOON = datetime(2026, 12, 17, 14, 5, tzinfo=HANOI)
MORNING = datetime(2026, 7, 5, 8, 0, tzinfo=HANOI)


@pytest.fixture
def vi(app):
    with app.test_request_context(), force_locale("vi"):
        yield


@pytest.fixture
def en(app):
    with app.test_request_context(), force_locale("en"):
        yield


def test_vietnamese_dates_and_times(vi):
    assert date_filter(DAY) == "17/12/2026" and date_filter(DAY, "short") == "17/12/2026"
    assert date_filter(DAY, "long") == "ngày 17 tháng 12 năm 2026"
    assert date_filter(FEBRUARY, "long") == "ngày 01 tháng 02 năm 2023"  # two-digit months for Jan and Feb only
    assert date_filter(date(2023, 7, 5), "long") == "ngày 05 tháng 7 năm 2023"
    assert date_filter(DAY, "full") == "Thứ Năm, ngày 17 tháng 12 năm 2026"
    assert datetime_filter(AFTERNOON) == "17/12/2026 14:05"
    assert datetime_filter(MORNING) == "05/07/2026 08:00"
    assert time_filter(AFTERNOON) == "14:05"
    assert date_filter(DAY, "EEEE dd/MM") == "Thứ Năm 17/12"  # a pattern passes through
    assert short_date(DAY) == "17/12/2026" and long_date(DAY) == "ngày 17 tháng 12 năm 2026"
    assert render_template_string("{{ d|date }} {{ t|datetime }} {{ t|time }}", d=DAY, t=AFTERNOON) == (
        "17/12/2026 17/12/2026 14:05 14:05")


def test_english_dates_and_times_are_24_hour(en):
    assert date_filter(DAY) == "17 Dec 2026"
    assert date_filter(DAY, "short") == "17/12/2026"
    assert date_filter(DAY, "long") == "17 December 2026"
    assert date_filter(DAY, "full") == "Thursday, 17 December 2026"
    assert datetime_filter(AFTERNOON) == "17 Dec 2026, 14:05"
    assert time_filter(AFTERNOON) == "14:05"
    assert "PM" not in datetime_filter(AFTERNOON, "long")
    assert long_date(DAY, weekday=True) == "Thursday, 17 December 2026"
