"""Date and time inputs read dd/mm/yyyy and the 24-hour clock whatever the browser's locale (plain text
inputs read on the server), and ISO dates as links send them."""

from __future__ import annotations

from datetime import date, time

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from planner.core.fields import ClockField, DayField, parse_clock, parse_day


def test_parse_day_and_clock():
    assert parse_day("17/12/2026") == parse_day("17.12.2026") == parse_day("2026-12-17") == date(2026, 12, 17)
    assert parse_day(" 7/1/2027 ") == date(2027, 1, 7)
    assert parse_day("12/17/2026") is None and parse_day("31/02/2026") is None and parse_day("mai") is None
    assert parse_clock("14:30") == parse_clock("14h30") == parse_clock("14.30") == parse_clock("1430") == time(14, 30)
    assert parse_clock("8:05") == time(8, 5) and parse_clock("8 giờ 05") == time(8, 5)
    assert parse_clock("2:30 PM") is None and parse_clock("24:00") is None and parse_clock("") is None


class _Form(FlaskForm):
    class Meta:
        csrf = False

    day = DayField("Day")
    clock = ClockField("Clock")


def test_fields_show_and_read_the_office_format(app):
    with app.test_request_context(), app.app_context():
        shown = _Form(data={"day": date(2026, 12, 17), "clock": time(8, 0)})
        html = str(shown.day) + str(shown.clock)
        assert 'value="17/12/2026"' in html and 'value="08:00"' in html
        assert 'type="text"' in html and 'type="date"' not in html and 'type="time"' not in html
        assert 'placeholder="dd/mm/yyyy"' in html and 'inputmode="numeric"' in html
        typed = _Form(formdata=MultiDict({"day": "03/12/2026", "clock": "7h30"}))
        assert typed.validate() and typed.day.data == date(2026, 12, 3) and typed.clock.data == time(7, 30)
        wrong = _Form(formdata=MultiDict({"day": "12/31/2026", "clock": "7:30 PM"}))
        assert not wrong.validate()
        assert "dd/mm/yyyy" in wrong.errors["day"][0] and "14:30" in wrong.errors["clock"][0]
        assert str(wrong.day).count('value="12/31/2026"') == 1  # what was typed stays to be corrected
