"""The work calendar: the week in mornings and afternoons, the month grid, the print view, and a fixed
number of SQL queries whatever the number of meetings."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

from planner.extensions import db
from planner.meetings import calendar, recurrence, services
from tests.meetings.conftest import MONDAY, QueryCounter, make_site, open_office


def _day(html: str, day: str) -> str:
    """The rows of one day of the week (by its dd/MM/yyyy)."""
    for body in re.findall(r"<tbody[^>]*>.*?</tbody>", html, flags=re.S):
        if f'<span class="cal-date">{day}</span>' in body:
            return body
    raise AssertionError(f"no rows for {day}")


def _halves(body: str) -> tuple[str, str]:
    """The entries of the morning and of the afternoon of a day's rows."""
    rows = re.findall(r'<tr class="week-entry-row[^"]*">(.*?)</tr>', body, flags=re.S)
    morning = "".join(r for r in rows if '<span class="week-half">Buổi sáng</span>' in r)
    afternoon = "".join(r for r in rows if '<span class="week-half">Buổi chiều</span>' in r)
    return morning, afternoon


def test_the_week_has_the_columns_offices_print_and_fills_each_half(client, app):
    site = make_site(app)
    with app.test_request_context():
        office = open_office(site)
        conference = office.meeting(title="Hội nghị tổng kết", starts_on=MONDAY + timedelta(days=3),
                                    ends_on=MONDAY + timedelta(days=4), start_time=time(7, 30), end_time=time(17),
                                    venue="Hội trường Thành ủy")
        chair = office.participant(conference, "Nguyễn", "Văn", "Quảng", 1)
        services.set_presiding(conference, [chair.public_id])
        briefing = office.briefing()
        services.move_occurrence(briefing, MONDAY + timedelta(weeks=1), new_date=MONDAY + timedelta(weeks=1, days=1),
                                 new_start_time=time(14), new_end_time=time(16))
        office.meeting(title="Họp chi bộ", starts_on=MONDAY + timedelta(days=2), start_time=time(12, 0))
    client.login(site.email)
    html = client.get("/calendar/week?d=2026-11-25").text
    assert "23/11/2026 – 29/11/2026" in html
    head = re.search(r"<thead>(.*?)</thead>", html, flags=re.S).group(1)
    assert re.findall(r'<th scope="col">([^<]+)</th>', head) == [
        "Thời gian", "Nội dung", "Chủ trì", "Thành phần", "Địa điểm"]
    monday_morning, monday_afternoon = _halves(_day(html, "23/11/2026"))
    assert "Giao ban Văn phòng" in monday_morning and "08:00–10:00" in monday_morning
    assert "Phòng họp số 1" in monday_morning and not monday_afternoon
    for day in ("26/11/2026", "27/11/2026"):  # a two-day conference fills both days, morning and afternoon
        for half in _halves(_day(html, day)):
            assert "Hội nghị tổng kết" in half and "Nguyễn Văn Quảng" in half and "Hội trường Thành ủy" in half
            assert "1 participant" in half or "1 người tham dự" in half
    wednesday_morning, wednesday_afternoon = _halves(_day(html, "25/11/2026"))
    assert "Họp chi bộ" in wednesday_afternoon and "Họp chi bộ" not in wednesday_morning  # 12:00 is afternoon
    assert 'href="/calendar/week?d=2026-11-16"' in html and 'href="/calendar/week?d=2026-11-30"' in html
    next_week = client.get("/calendar/week?d=2026-11-30").text
    _morning, tuesday_afternoon = _halves(_day(next_week, "01/12/2026"))
    assert "Giao ban Văn phòng" in tuesday_afternoon and "14:00–16:00" in tuesday_afternoon
    assert "Giao ban Văn phòng" not in _day(next_week, "30/11/2026")


def test_which_halves_a_meeting_takes():
    def occurrence(first, last, start, end):
        return recurrence.Occurrence(meeting=None, original_date=first, day=first, last_day=last, start_time=start,
                                     end_time=end, venue="")

    day1, day2, day3 = date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)
    conference = occurrence(day1, day3, time(13, 30), time(11, 30))
    assert [calendar.halves(conference, d) for d in (day1, day2, day3)] == [(False, True), (True, True), (True, False)]
    assert calendar.halves(occurrence(day1, day1, time(7, 30), time(17)), day1) == (True, True)
    assert calendar.halves(occurrence(day1, day1, time(8), time(11, 30)), day1) == (True, False)
    assert calendar.halves(occurrence(day1, day1, time(14), None), day1) == (False, True)
    assert calendar.halves(occurrence(day1, day1, None, None), day1) == (True, False)


def test_the_month_is_a_grid_of_whole_weeks(client, app):
    site = make_site(app)
    with app.test_request_context():
        open_office(site).briefing()
    client.login(site.email)
    html = client.get("/calendar/month?m=2026-12").text
    rows = re.findall(r"<tr>\s*<td.*?</tr>", html, flags=re.S)
    assert len(rows) == 5 and all(row.count('<td class="month-day') == 7 for row in rows)
    assert html.count("is-other-month") == 4  # 30 Nov before, 1–3 Jan after
    assert html.count("</span> Giao ban Văn phòng</a>") == 5  # every Monday of December 2026
    assert 'href="/calendar/month?m=2026-11"' in html and 'href="/calendar/month?m=2027-01"' in html
    assert client.get("/calendar/month?m=2026-13").status_code == 200  # nonsense: this month


def test_month_grid_helper():
    month = calendar.month(date(2027, 2, 1), [])
    assert month.start == date(2027, 2, 1) and month.end == date(2027, 2, 28) and len(month.weeks) == 4
    assert (month.previous, month.next) == (date(2027, 1, 1), date(2027, 3, 1))


def test_print_view_has_the_official_header_and_the_week(client, app):
    site = make_site(app, name="Văn phòng Tỉnh ủy", parent_name="Tỉnh ủy Quảng Nam", city="Tam Kỳ")
    with app.test_request_context():
        open_office(site).briefing()
    client.login(site.email)
    html = client.get("/calendar/week/print?d=2026-11-23").text
    assert "TỈNH ỦY QUẢNG NAM" in html and "VĂN PHÒNG TỈNH ỦY" in html
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in html and "Tam Kỳ, ngày" in html
    assert "Giao ban Văn phòng" in html and "23/11/2026" in html
    assert 'class="week-sheet"' in html and "<script>" not in html


def _meetings(app, site, n: int) -> None:
    with app.test_request_context():
        office = open_office(site)
        for i in range(n):
            meeting = office.meeting(title=f"Cuộc họp {i}", kind="meeting", starts_on=MONDAY + timedelta(days=i % 7),
                                     start_time=time(8 + i % 9), venue=f"Phòng {i}")
            for j in range(2):
                person = office.participant(meeting, "Nguyễn", "Văn", f"Người{i}x{j}")
                services.set_presiding(meeting, [p.public_id for p in meeting.presiding] + [person.public_id])
            if i % 5 == 0:
                briefing = office.briefing(title=f"Giao ban {i}")
                services.cancel_occurrence(briefing, MONDAY + timedelta(weeks=1))
                services.add_room(meeting, name="Hội trường")


def _count(client, app, path: str) -> int:
    with app.app_context():
        engine = db.engine
    client.get(path)  # warm up (session, translations)
    with QueryCounter(engine) as counter:
        response = client.get(path)
    assert response.status_code == 200
    return counter.count


def test_calendar_and_list_run_a_fixed_number_of_queries(client, app):
    site = make_site(app)
    client.login(site.email)
    _meetings(app, site, 5)
    paths = ("/calendar/week?d=2026-11-23", "/calendar/month?m=2026-11", "/calendar/week/print?d=2026-11-23",
             "/meetings", "/meetings?from=2026-11-23&to=2026-12-31")
    few = {path: _count(client, app, path) for path in paths}
    _meetings(app, site, 45)
    many = {path: _count(client, app, path) for path in paths}
    week = client.get("/calendar/week?d=2026-11-23").text
    assert len(re.findall(r'<tr class="week-entry-row(?! is-empty)', week)) == 50 + 10
    assert many == few


def test_expand_all_orders_by_day_and_time(ctx, office):
    office.meeting(title="B", starts_on=MONDAY, start_time=time(14))
    office.meeting(title="A", starts_on=MONDAY, start_time=time(8))
    office.briefing(title="C")
    found = services.calendar_occurrences(office.org, office.user, MONDAY, MONDAY)
    assert [o.meeting.title for o in found] == ["A", "C", "B"]
    week = calendar.week(MONDAY, found)
    assert [o.meeting.title for o in week.days[0].morning] == ["A", "C"]
    assert [o.meeting.title for o in week.days[0].afternoon] == ["B"]
    assert recurrence.expand_all([], MONDAY, MONDAY) == []


def test_the_print_view_shrinks_its_type_as_the_week_fills():
    from types import SimpleNamespace

    from planner.meetings.recurrence import Occurrence

    def busy(n: int):
        found = []
        for i in range(n):
            meeting = SimpleNamespace(title=f"Cuộc họp chuyên đề số {i} về công tác tham mưu tổng hợp", presiding=[],
                                      id=i, timezone="Asia/Ho_Chi_Minh")
            day = MONDAY + timedelta(days=i % 7)
            found.append(Occurrence(meeting=meeting, original_date=day, day=day, last_day=day,
                                    start_time=time(8 + (i * 5) % 9), end_time=None, venue="Phòng họp số 1"))
        return calendar.week(MONDAY, found)

    levels = [busy(n).print_density() for n in (0, 10, 20, 40, 70, 85)]
    order = [name for name, *_ in calendar.PRINT_LEVELS]
    assert levels[0] == "" and levels[-1] == "tiny" and len(set(levels)) >= 3
    assert [order.index(level) for level in levels] == sorted(order.index(level) for level in levels)
    # The real page counts of Chromium's print are in tests/e2e/test_week_print_estimate.py.
    assert busy(80).fits_one_page() and not busy(100).fits_one_page()
    # A long letterhead (a name on two lines) leaves less room for the table.
    long_name = ["Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh Thừa Thiên Huế"]
    assert busy(82).fits_one_page() and not busy(82).fits_one_page(long_name)


def test_the_print_estimate_wraps_words_as_a_browser_does():
    """A line breaks between words: a word that does not fit goes whole to the next line."""
    assert calendar.text_lines("", 10) == 1
    assert calendar.text_lines("aaaa aaaa", 4 * 0.444 * 2 + 0.25) == 1  # both fit, with the space
    assert calendar.text_lines("aaaa aaaa", 4 * 0.444 * 2 + 0.2) == 2
    assert calendar.text_lines("m" * 30, 0.778 * 10) == 3  # a word wider than the column breaks where it must
    assert calendar.text_lines("Nguyễn Văn Đức", 100) == calendar.text_lines("Nguyen Van Duc", 100) == 1
