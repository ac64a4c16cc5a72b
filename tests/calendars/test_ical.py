from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import recurring_ical_events
from icalendar import Calendar

from planner.calendars.ical import Attendee, CalendarData, EventData, build_calendar

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
STAMP = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def event(**kw) -> EventData:
    base = {"uid": "item-1@planner", "summary": "Khai mạc hội nghị", "start": datetime(2026, 12, 1, 8, 0, tzinfo=HCM),
            "end": datetime(2026, 12, 1, 9, 0, tzinfo=HCM), "tzid": "Asia/Ho_Chi_Minh", "dtstamp": STAMP}
    base.update(kw)
    return EventData(**base)


def test_times_zone_and_metadata():
    raw = build_calendar(CalendarData("Hội nghị", "Asia/Ho_Chi_Minh", [event(location="Hội trường A")]))
    cal = Calendar.from_ical(raw)
    assert cal["X-WR-CALNAME"] == "Hội nghị" and cal["X-WR-TIMEZONE"] == "Asia/Ho_Chi_Minh"
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in raw.decode()
    assert "X-PUBLISHED-TTL:PT1H" in raw.decode()
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]
    ev = cal.walk("VEVENT")[0]
    assert ev.decoded("dtstart").astimezone(UTC) == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    assert "DTSTART;TZID=Asia/Ho_Chi_Minh:20261201T080000" in raw.decode()
    assert ev["LOCATION"] == "Hội trường A"


def test_every_zone_used_gets_a_vtimezone_and_output_is_deterministic():
    events = [event(), event(uid="item-2@planner", tzid="Europe/Berlin",
                             start=datetime(2026, 12, 1, 8, 0, tzinfo=ZoneInfo("Europe/Berlin")),
                             end=datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")))]
    data = CalendarData("X", "Asia/Ho_Chi_Minh", events)
    raw = build_calendar(data)
    assert raw == build_calendar(CalendarData("X", "Asia/Ho_Chi_Minh", list(reversed(events))))
    zones = [tz["TZID"] for tz in Calendar.from_ical(raw).walk("VTIMEZONE")]
    assert zones == ["Asia/Ho_Chi_Minh", "Europe/Berlin"]
    berlin = next(e for e in Calendar.from_ical(raw).walk("VEVENT") if e["UID"] == "item-2@planner")
    assert berlin.decoded("dtstart").astimezone(UTC) == datetime(2026, 12, 1, 7, 0, tzinfo=UTC)


def test_line_injection_is_escaped():
    raw = build_calendar(CalendarData("X", "Asia/Ho_Chi_Minh", [event(summary="A\r\nEND:VEVENT\r\nBEGIN:VEVENT")]))
    cal = Calendar.from_ical(raw)
    assert len(cal.walk("VEVENT")) == 1
    assert cal.walk("VEVENT")[0]["SUMMARY"] == "A\nEND:VEVENT\nBEGIN:VEVENT"


def test_weekly_series_with_a_cancelled_and_a_moved_occurrence_expands_right():
    series = event(uid="briefing@planner", summary="Giao ban", rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=5",
                   start=datetime(2026, 11, 2, 8, 0, tzinfo=HCM), end=datetime(2026, 11, 2, 10, 0, tzinfo=HCM),
                   exdates=[datetime(2026, 11, 9, 8, 0, tzinfo=HCM)])
    moved = event(uid="briefing@planner", summary="Giao ban", recurrence_id=datetime(2026, 11, 16, 8, 0, tzinfo=HCM),
                  start=datetime(2026, 11, 17, 14, 0, tzinfo=HCM), end=datetime(2026, 11, 17, 16, 0, tzinfo=HCM),
                  sequence=1)
    cal = Calendar.from_ical(build_calendar(CalendarData("Giao ban", "Asia/Ho_Chi_Minh", [moved, series])))
    occurrences = recurring_ical_events.of(cal).between(date(2026, 11, 1), date(2026, 12, 31))
    starts = [e.decoded("dtstart") for e in occurrences]
    local = sorted(s.astimezone(HCM).strftime("%Y-%m-%d %H:%M") for s in starts)
    assert local == ["2026-11-02 08:00", "2026-11-17 14:00", "2026-11-23 08:00", "2026-11-30 08:00"]


def test_invitation_request_with_organizer_and_attendee():
    ev = event(organizer=Attendee("vanphong@example.vn", "Văn phòng Thành ủy"),
               attendees=[Attendee("an@example.vn", "Nguyễn Văn An")])
    raw = build_calendar(CalendarData("Giấy mời", "Asia/Ho_Chi_Minh", [ev], method="REQUEST", refresh_minutes=None))
    cal = Calendar.from_ical(raw)
    assert cal["METHOD"] == "REQUEST"
    vevent = cal.walk("VEVENT")[0]
    assert str(vevent["ORGANIZER"]) == "mailto:vanphong@example.vn"
    assert vevent["ATTENDEE"].params["CN"] == "Nguyễn Văn An"
    assert "REFRESH-INTERVAL" not in raw.decode()


def test_cached_fast_output_is_byte_for_byte_what_icalendar_writes():
    from planner.calendars import ical

    long_text = "Báo cáo chính trị của Ban Chấp hành Đảng bộ tỉnh khóa XXI; tham luận \\ ^ , ; " * 3
    events = [
        event(uid=f"item-{n}@planner", summary=long_text[: 20 + n * 7], description=long_text * (n % 3),
              location="Hội trường A, Trung tâm Hội nghị tỉnh", categories=["Báo cáo"], sequence=n,
              last_modified=STAMP, tzid="Europe/Berlin" if n % 4 == 0 else "Asia/Ho_Chi_Minh",
              start=datetime(2026, 12, 1, 8, n, tzinfo=HCM), end=datetime(2026, 12, 1, 9, n, tzinfo=HCM))
        for n in range(40)
    ]
    events.append(event(uid="allday@planner", start=date(2026, 12, 1), end=date(2026, 12, 3)))
    data = CalendarData("Hội nghị Ban Chấp hành", "Asia/Ho_Chi_Minh", events)
    ical.EVENT_CACHE.clear()
    cold = build_calendar(data)
    warm = build_calendar(data)
    assert cold == warm == ical.build_calendar_plain(data)
    # the same instant written in another zone is another event, not a cache hit
    moved = [event(start=datetime(2026, 12, 1, 1, 0, tzinfo=UTC), end=datetime(2026, 12, 1, 2, 0, tzinfo=UTC))]
    assert build_calendar(CalendarData("X", "Asia/Ho_Chi_Minh", moved)) == ical.build_calendar_plain(
        CalendarData("X", "Asia/Ho_Chi_Minh", moved))


def test_daylight_saving_onsets_are_one_rdate_a_line():
    """ical.js reads only the first value of an RDATE: each onset must stand on its own line."""
    raw = build_calendar(CalendarData("X", "America/New_York", [])).decode()
    rdates = [line for line in raw.split("\r\n") if line.startswith("RDATE")]
    assert "RDATE:20261101T020000" in rdates and "RDATE:20260308T030000" in rdates
    assert all("," not in line for line in rdates)
    zone = Calendar.from_ical(raw.encode()).walk("VTIMEZONE")[0]
    assert zone.to_tz().utcoffset(datetime(2026, 10, 30, 9, 0)).total_seconds() == -4 * 3600
