"""Recurrence rules: built from form fields, read back, refused when malformed, expanded with
cancelled and moved occurrences. Pure functions: meetings are plain stand-ins here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

import pytest

from planner.meetings import recurrence
from planner.meetings.recurrence import RecurrenceError, RuleFields

pytestmark = pytest.mark.usefixtures("ctx")


@dataclass
class Change:
    original_date: date
    cancelled: bool = False
    new_date: date | None = None
    new_start_time: time | None = None
    new_end_time: time | None = None
    new_venue: str | None = None
    note: str = ""


@dataclass
class Series:
    """Stands in for a Meeting: only what expansion reads."""

    recurrence: str | None
    starts_on: date = date(2026, 11, 23)
    ends_on: date = date(2026, 11, 23)
    start_time: time | None = time(8, 0)
    end_time: time | None = time(10, 0)
    timezone: str = "Asia/Ho_Chi_Minh"
    venue: str = "Phòng họp số 1"
    title: str = "Giao ban"
    id: int = 1
    occurrence_changes: list[Any] = field(default_factory=list)


def test_weekly_rule_from_fields_and_back():
    fields = RuleFields(freq="weekly", interval=2, weekdays=["TH", "MO"], count=10)
    rule = recurrence.build_rule(fields, "Asia/Ho_Chi_Minh")
    assert rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;COUNT=10"
    back = recurrence.parse_rule(rule, "Asia/Ho_Chi_Minh")
    assert (back.freq, back.interval, back.weekdays, back.count, back.until) == ("weekly", 2, ["MO", "TH"], 10, None)


def test_monthly_nth_weekday_with_until_stored_in_utc_and_read_back_as_the_local_day():
    rule = recurrence.build_rule(RuleFields(freq="monthly", nth=-1, weekday="FR", until=date(2027, 6, 30)),
                                 "Asia/Ho_Chi_Minh")
    # The end of 30 June in Hanoi (UTC+7) is 16:59:59 UTC: RFC 5545 wants UTC with a zoned DTSTART.
    assert rule == "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20270630T165959Z"
    back = recurrence.parse_rule(rule, "Asia/Ho_Chi_Minh")
    assert (back.freq, back.nth, back.weekday, back.until) == ("monthly", -1, "FR", date(2027, 6, 30))


def test_first_monday_of_each_month():
    series = Series("FREQ=MONTHLY;BYDAY=1MO;COUNT=4", starts_on=date(2026, 12, 7), ends_on=date(2026, 12, 7))
    days = [o.day for o in recurrence.expand(series, date(2026, 1, 1), date(2027, 12, 31))]
    assert days == [date(2026, 12, 7), date(2027, 1, 4), date(2027, 2, 1), date(2027, 3, 1)]


@pytest.mark.parametrize("rule", [
    "garbage",
    "FREQ=DAILY",
    "FREQ=YEARLY;BYDAY=MO",
    "FREQ=WEEKLY;INTERVAL=0",
    "FREQ=WEEKLY;INTERVAL=x",
    "FREQ=WEEKLY;BYDAY=XX",
    "FREQ=WEEKLY;BYDAY=1MO",
    "FREQ=MONTHLY;BYDAY=MO",
    "FREQ=MONTHLY;BYDAY=7MO",
    "FREQ=WEEKLY;BYDAY=MO;COUNT=3;UNTIL=20270101",
    "FREQ=WEEKLY;BYDAY=MO;COUNT=0",
    "FREQ=WEEKLY;BYDAY=MO;COUNT=5000",
    "FREQ=WEEKLY;BYDAY=MO;BYHOUR=8",
    "FREQ=WEEKLY;BYDAY=MO;UNTIL=2027-01-01",
    "FREQ=WEEKLY;BYDAY=MO;UNTIL=20271345",
    "FREQ=WEEKLY;FREQ=MONTHLY",
    "DTSTART:20261123T080000\nRRULE:FREQ=WEEKLY",
])
def test_garbage_is_refused_with_a_message(rule):
    with pytest.raises(RecurrenceError) as refused:
        recurrence.normalize_rule(rule, starts_on=date(2026, 11, 23), start_time=time(8), timezone="Asia/Ho_Chi_Minh")
    assert refused.value.message


def test_the_first_day_must_be_an_occurrence():
    with pytest.raises(RecurrenceError) as refused:
        recurrence.normalize_rule("FREQ=WEEKLY;BYDAY=MO", starts_on=date(2026, 11, 24), start_time=None,
                                  timezone="Asia/Ho_Chi_Minh")
    assert "2026-11-30" in refused.value.message  # it names the first occurrence the rule gives
    assert refused.value.field == "starts_on"


def test_the_repetition_cannot_end_before_it_begins():
    with pytest.raises(RecurrenceError):
        recurrence.normalize_rule("FREQ=WEEKLY;BYDAY=MO;UNTIL=20261101", starts_on=date(2026, 11, 23),
                                  start_time=None, timezone="Asia/Ho_Chi_Minh")


def test_normalize_accepts_a_prefix_lower_case_and_a_local_until():
    rule = recurrence.normalize_rule("RRULE:freq=weekly;byday=mo;until=20261231", starts_on=date(2026, 11, 23),
                                     start_time=time(8), timezone="Asia/Ho_Chi_Minh")
    assert rule == "FREQ=WEEKLY;BYDAY=MO;UNTIL=20261231T165959Z"
    assert recurrence.normalize_rule("  ", starts_on=date(2026, 11, 23), start_time=None, timezone="UTC") is None


def test_a_zone_change_keeps_the_last_local_day():
    rule = recurrence.normalize_rule("FREQ=WEEKLY;BYDAY=MO;UNTIL=20261231T165959Z", starts_on=date(2026, 11, 23),
                                     start_time=time(8), timezone="Europe/Paris",
                                     previous_timezone="Asia/Ho_Chi_Minh")
    assert rule == "FREQ=WEEKLY;BYDAY=MO;UNTIL=20261231T225959Z"


def test_expansion_applies_a_cancellation_and_a_move():
    series = Series("FREQ=WEEKLY;BYDAY=MO")
    series.occurrence_changes = [
        Change(date(2026, 11, 30), new_date=date(2026, 12, 1), new_start_time=time(14), new_end_time=time(16),
               new_venue="Phòng họp số 2", note="Lãnh đạo đi công tác"),
        Change(date(2026, 12, 7), cancelled=True, note="Trùng hội nghị"),
    ]
    found = recurrence.expand(series, date(2026, 11, 23), date(2026, 12, 20))
    assert [(o.day, o.start_time, o.cancelled, o.moved) for o in found] == [
        (date(2026, 11, 23), time(8), False, False),
        (date(2026, 12, 1), time(14), False, True),
        (date(2026, 12, 7), time(8), True, False),
        (date(2026, 12, 14), time(8), False, False),
    ]
    moved = found[1]
    assert (moved.original_date, moved.venue, moved.end_time, moved.note) == (
        date(2026, 11, 30), "Phòng họp số 2", time(16), "Lãnh đạo đi công tác")
    assert moved.starts_at.isoformat() == "2026-12-01T14:00:00+07:00"
    live = recurrence.expand(series, date(2026, 11, 23), date(2026, 12, 20), include_cancelled=False)
    assert date(2026, 12, 7) not in [o.day for o in live]


def test_a_moved_occurrence_leaves_its_old_week_and_enters_its_new_one():
    series = Series("FREQ=WEEKLY;BYDAY=MO")
    series.occurrence_changes = [Change(date(2026, 11, 30), new_date=date(2026, 11, 27))]  # back into last week
    last_week = recurrence.expand(series, date(2026, 11, 23), date(2026, 11, 29))
    assert [(o.day, o.original_date) for o in last_week] == [
        (date(2026, 11, 23), date(2026, 11, 23)), (date(2026, 11, 27), date(2026, 11, 30))]
    assert recurrence.expand(series, date(2026, 11, 30), date(2026, 12, 6)) == []


def test_local_time_stays_put_across_a_daylight_saving_change():
    series = Series("FREQ=WEEKLY;BYDAY=MO;COUNT=3", starts_on=date(2026, 10, 19), ends_on=date(2026, 10, 19),
                    timezone="Europe/Berlin")
    found = recurrence.expand(series, date(2026, 10, 1), date(2026, 11, 30))
    assert [o.starts_at.strftime("%H:%M %z") for o in found] == ["08:00 +0200", "08:00 +0100", "08:00 +0100"]


def test_expansion_is_capped():
    series = Series("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU")
    assert len(recurrence.expand(series, date(2026, 1, 1), date(2060, 1, 1))) == recurrence.MAX_OCCURRENCES


def test_a_meeting_that_does_not_repeat_is_one_occurrence_on_each_of_its_days():
    single = Series(None, starts_on=date(2026, 11, 26), ends_on=date(2026, 11, 27))
    [only] = recurrence.expand(single, date(2026, 11, 27), date(2026, 11, 30))
    assert only.days == [date(2026, 11, 26), date(2026, 11, 27)]
    assert recurrence.expand(single, date(2026, 11, 28), date(2026, 11, 30)) == []


def test_describe_in_words():
    assert recurrence.describe("FREQ=WEEKLY;BYDAY=MO", "Asia/Ho_Chi_Minh") == "Hằng tuần vào Thứ Hai"
    assert "cuối cùng" in recurrence.describe("FREQ=MONTHLY;BYDAY=-1FR;COUNT=6", "Asia/Ho_Chi_Minh")
