"""Properties of recurring meetings (planner/meetings/recurrence.py): the rules the form can make read
back to the same fields and the same text, and the expansion of a series stays within the asked days,
in order, without the cancelled occurrences when asked, with moved ones on their new day."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from planner.meetings import recurrence
from planner.meetings.recurrence import RecurrenceError, RuleFields
from tests.meetings.test_recurrence import Change, Series  # plain stand-ins for a Meeting
from tests.properties.strategies import bounded

pytestmark = pytest.mark.usefixtures("ctx")

ZONES = ["Asia/Ho_Chi_Minh", "UTC", "Europe/Berlin", "America/New_York", "Pacific/Kiritimati"]
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
rule_fields = st.builds(
    RuleFields,
    freq=st.sampled_from(["weekly", "monthly"]),
    interval=st.integers(min_value=1, max_value=recurrence.MAX_INTERVAL),
    weekdays=st.lists(st.sampled_from(recurrence.WEEKDAYS), min_size=1, max_size=7, unique=True),
    nth=st.sampled_from(recurrence.ORDINALS),
    weekday=st.sampled_from(recurrence.WEEKDAYS),
    until=st.none() | days,
    count=st.none() | st.integers(min_value=1, max_value=60),
).filter(lambda f: f.until is None or f.count is None)


@given(rule_fields, st.sampled_from(ZONES))
@bounded(200)
def test_a_rule_reads_back_to_its_fields_and_its_text(fields, zone):
    rule = recurrence.build_rule(fields, zone)
    back = recurrence.parse_rule(rule, zone)
    assert back.freq == fields.freq and back.interval == fields.interval
    assert back.until == fields.until and back.count == fields.count
    if fields.freq == "weekly":
        assert sorted(back.weekdays) == sorted(fields.weekdays)
    else:
        assert (back.nth, back.weekday) == (fields.nth, fields.weekday)
    assert recurrence.build_rule(back, zone) == rule
    assert recurrence.parse_rule("RRULE:" + rule.lower(), zone) == back


@given(st.text(max_size=80), days, st.sampled_from(ZONES))
@bounded(200)
def test_any_text_as_a_rule_is_stored_canonically_or_refused_with_a_message(text, starts_on, zone):
    try:
        rule = recurrence.normalize_rule(text, starts_on=starts_on, start_time=time(8, 0), timezone=zone)
    except RecurrenceError as exc:
        assert exc.message.strip()
        return
    if rule is not None:
        assert recurrence.normalize_rule(rule, starts_on=starts_on, start_time=time(8, 0), timezone=zone) == rule


@st.composite
def series(draw) -> Series:
    fields = draw(rule_fields)
    zone = draw(st.sampled_from(ZONES))
    rule = recurrence.build_rule(fields, zone)
    first = draw(days)
    length = draw(st.integers(min_value=0, max_value=2))
    start = recurrence._rrule(rule, first, time(8, 0), zone)
    starts_on = next(iter(start), None)
    assume(starts_on is not None)
    starts_on = starts_on.date()
    assume(fields.until is None or fields.until >= starts_on)
    meeting = Series(recurrence=rule, starts_on=starts_on, ends_on=starts_on + timedelta(days=length), timezone=zone)
    originals = recurrence.original_dates(meeting, starts_on, starts_on + timedelta(days=400))[:20]
    for original in draw(st.lists(st.sampled_from(originals), unique=True, max_size=4)) if originals else []:
        if draw(st.booleans()):
            meeting.occurrence_changes.append(Change(original, cancelled=True))
        else:
            moved = original + timedelta(days=draw(st.integers(min_value=-20, max_value=20)))
            meeting.occurrence_changes.append(Change(original, new_date=moved, new_start_time=time(14, 0)))
    return meeting


@given(series(), st.integers(min_value=-30, max_value=400), st.integers(min_value=0, max_value=120))
@bounded(150)
def test_expansion_stays_in_range_in_order_and_honours_the_changes(meeting, offset, span):
    start = meeting.starts_on + timedelta(days=offset)
    end = start + timedelta(days=span)
    found = recurrence.expand(meeting, start, end)
    assert all(o.day <= end and o.last_day >= start for o in found)
    assert [o.sort_key() for o in found] == sorted(o.sort_key() for o in found)
    assert len({o.original_date for o in found}) == len(found)
    changes = {c.original_date: c for c in meeting.occurrence_changes}
    originals = set(recurrence.original_dates(meeting, start - (meeting.ends_on - meeting.starts_on), end))
    for occurrence in found:
        change = changes.get(occurrence.original_date)
        assert recurrence.is_occurrence(meeting, occurrence.original_date)
        if change is None:
            assert occurrence.day == occurrence.original_date and not occurrence.moved
        elif change.cancelled:
            assert occurrence.cancelled and occurrence.day == occurrence.original_date
        else:
            assert occurrence.moved and occurrence.day == change.new_date and occurrence.start_time == time(14, 0)
    # Nothing is lost: every unchanged occurrence of the rule in range is listed.
    listed = {o.original_date for o in found}
    for original in originals:
        if original not in changes and original <= end and original + (meeting.ends_on - meeting.starts_on) >= start:
            assert original in listed
    without = recurrence.expand(meeting, start, end, include_cancelled=False)
    assert [o for o in found if not o.cancelled] == without


@given(series(), st.integers(min_value=0, max_value=200), st.integers(min_value=1, max_value=12))
@bounded(100)
def test_the_next_occurrences_follow_the_rule(meeting, offset, count):
    after = meeting.starts_on + timedelta(days=offset)
    days_ = recurrence.original_dates(meeting, after, date(9999, 12, 31))[:count]
    assert days_ == sorted(days_) and all(d >= after for d in days_)
    assert all(recurrence.is_occurrence(meeting, d) for d in days_)
