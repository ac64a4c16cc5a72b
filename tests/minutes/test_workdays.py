"""Working days: weekends and public holidays skipped (the conclusion notice is due 5 working days after)."""

from datetime import date

import pytest

from planner.core.workdays import (
    VIETNAM_HOLIDAYS,
    add_working_days,
    is_working_day,
    parse_holidays,
    working_days_between,
)


def test_five_working_days_after_a_thursday_skip_the_weekend():
    assert add_working_days(date(2026, 11, 19), 5, []) == date(2026, 11, 26)


def test_a_meeting_on_friday_is_due_the_next_friday():
    assert add_working_days(date(2026, 11, 20), 5, []) == date(2026, 11, 27)


def test_a_meeting_on_saturday_counts_from_monday():
    assert add_working_days(date(2026, 11, 21), 1, []) == date(2026, 11, 23)


@pytest.mark.parametrize(("meeting", "due"), [
    (date(2026, 4, 24), date(2026, 5, 6)),   # Giỗ Tổ (27/4, compensatory), 30/4 and 1/5 skipped
    (date(2026, 2, 12), date(2026, 2, 26)),  # Tết Nguyên đán: 16–20/2 off
    (date(2026, 8, 31), date(2026, 9, 9)),   # Quốc khánh and the adjacent day (1/9, 2/9)
    (date(2026, 12, 30), date(2027, 1, 7)),  # Tết Dương lịch
])
def test_vietnamese_public_holidays_are_skipped(meeting, due):
    assert add_working_days(meeting, 5) == due


def test_holidays_are_configurable():
    assert add_working_days(date(2026, 11, 19), 5, [date(2026, 11, 24)]) == date(2026, 11, 27)


def test_counting_back_and_between():
    assert add_working_days(date(2026, 11, 26), -5, []) == date(2026, 11, 19)
    assert working_days_between(date(2026, 11, 19), date(2026, 11, 26), []) == 5
    assert working_days_between(date(2026, 11, 26), date(2026, 11, 19), []) == -5
    assert working_days_between(date(2026, 11, 26), date(2026, 11, 26), []) == 0


def test_defaults_cover_2026_and_2027_on_weekdays_only():
    years = {d.year for d in VIETNAM_HOLIDAYS}
    assert years == {2026, 2027}
    assert all(d.weekday() < 5 for d in VIETNAM_HOLIDAYS), "a holiday on a weekend changes nothing"
    assert not is_working_day(date(2026, 9, 2)) and is_working_day(date(2026, 9, 3))


def test_parse_holidays_reads_iso_and_vietnamese_dates_and_reports_the_rest():
    days, bad = parse_holidays("2026-09-02  # Quốc khánh\n03/09/2026\n\n2026-09-02\nngày nghỉ\n31/02/2026")
    assert days == [date(2026, 9, 2), date(2026, 9, 3)]
    assert bad == ["ngày nghỉ", "31/02/2026"]
