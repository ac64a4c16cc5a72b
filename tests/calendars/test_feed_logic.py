"""What a feed shows, as pure functions over a release's snapshot (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from planner.agenda.releases import entry
from planner.calendars import feeds

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
STAMP = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
MEETING = feeds.MeetingInfo(public_id="m1", title="Hội nghị", tzid="Asia/Ho_Chi_Minh", venue="Hội trường tỉnh",
                            link="https://planner.example/p/abc")
WORDS = feeds.Words(withheld="Cuộc họp (mật)", session="Phiên", presiding="Chủ trì", performer="Người thực hiện",
                    speakers="Phát biểu", item_kinds={"report": "Báo cáo"})


def at(clock: str, day: int = 3) -> datetime:
    hours, minutes = (int(p) for p in clock.split(":"))
    return datetime(2026, 12, day, hours, minutes, tzinfo=HCM)


def item(title: str, start: str, end: str, *, room: str | None = None, parent: str | None = None,
         status: str = "scheduled", classification: str = "none", kind: str = "report", presiding=(),
         sequence: int = 0, **kw) -> dict:
    return entry(title=title, kind=kind, starts_at=at(start), ends_at=at(end), room=room, room_id=room,
                 presiding=list(presiding), status=status, parent=parent, classification=classification,
                 sequence=sequence, **kw)


def test_plenary_items_are_those_nothing_else_overlaps():
    snapshot = {
        "open": item("Khai mạc", "08:00", "08:30", room="A"),
        "a": item("Tổ 1", "08:30", "09:30", room="A"),
        "b": item("Tổ 2", "09:00", "10:00", room="B"),
        "close": item("Bế mạc", "10:00", "10:30", room="A"),
        "late": item("Hủy", "11:00", "11:30", status="cancelled"),
        "clash": item("Hủy trùng", "10:00", "10:15", status="cancelled"),
    }
    assert feeds.plenary(snapshot) == {"open", "close", "late"}


def test_a_sessions_items_are_its_leaves_and_its_chair_gets_them_all():
    snapshot = {
        "s1": item("Phiên thảo luận tổ 1", "08:00", "10:00", room="A", kind="session", presiding=["An"]),
        "s1a": item("Thảo luận", "08:00", "09:00", parent="s1"),
        "s1b": item("Kết luận", "09:00", "10:00", parent="s1"),
        "s2": item("Phiên thảo luận tổ 2", "08:00", "10:00", room="B", kind="session"),
        "s2a": item("Thảo luận", "08:00", "10:00", parent="s2"),
        "empty": item("Phiên trống", "11:00", "12:00", kind="session"),
    }
    assert feeds.leaves(snapshot) == ["s1a", "s2a", "s1b", "empty"]
    assert feeds.chosen_items(snapshot, presiding={"s1"}) == {"s1a", "s1b", "empty"}
    events = {e.uid: e for e in feeds.item_events(MEETING, snapshot, policy=feeds.Policy(), words=WORDS,
                                                  stamp=STAMP)}
    first = events["s1a@planner"]
    assert first.location == "A, Hội trường tỉnh"           # the session's room
    assert first.description.splitlines()[:2] == ["Phiên: Phiên thảo luận tổ 1", "Chủ trì: An"]
    assert first.description.endswith("https://planner.example/p/abc")


def test_treatment_of_classified_and_internal_content():
    delegate, staff = feeds.Policy(), feeds.Policy(staff=True)
    omit = feeds.Policy(staff=True, classified=feeds.OMIT)
    assert feeds.treatment(["none"], delegate) == feeds.SHOW
    assert feeds.treatment(["internal"], delegate, internal_levels=["internal"]) == feeds.OMIT
    assert feeds.treatment(["internal"], staff, internal_levels=["internal"]) == feeds.SHOW
    assert feeds.treatment(["none", "top_secret"], staff) == feeds.WITHHOLD
    assert feeds.treatment(["confidential"], omit) == feeds.OMIT
    # a meeting's own "internal" does not hide its items from its delegates (it only keeps it off public pages)
    assert feeds.treatment(["none", "internal"], delegate, internal_levels=["none"]) == feeds.SHOW


def test_withheld_items_keep_only_their_time_uid_and_status():
    snapshot = {"x": item("Nhân sự", "14:00", "15:00", room="B", classification="secret", presiding=["An"],
                          description="Danh sách", status="cancelled", sequence=2)}
    (event,) = feeds.item_events(MEETING, snapshot, policy=feeds.Policy(), words=WORDS, stamp=STAMP,
                                 speakers={"x": ["Bình"]})
    assert (event.summary, event.location, event.description, event.categories, event.url) == (
        "Cuộc họp (mật)", "", "", [], "")
    assert (event.uid, event.start, event.status, event.sequence, event.classification) == (
        "x@planner", at("14:00"), "CANCELLED", 2, "CONFIDENTIAL")
    secret_meeting = feeds.MeetingInfo(public_id="m2", title="Mật", tzid="Asia/Ho_Chi_Minh",
                                       classification="confidential")
    (event,) = feeds.item_events(secret_meeting, {"y": item("Khai mạc", "08:00", "09:00")}, policy=feeds.Policy(),
                                 words=WORDS, stamp=STAMP)
    assert event.summary == "Cuộc họp (mật)"


def test_dtstamp_is_the_time_of_the_items_last_change():
    snapshot = {"a": item("A", "08:00", "09:00"), "b": item("B", "09:00", "10:00")}
    later = datetime(2026, 11, 21, tzinfo=UTC)
    speech = datetime(2026, 11, 22, tzinfo=UTC)
    events = {e.uid: e for e in feeds.item_events(MEETING, snapshot, policy=feeds.Policy(), words=WORDS,
                                                  stamp=later, changed={"a": STAMP, "b": later},
                                                  speakers_changed={"a": speech})}
    assert events["a@planner"].dtstamp == events["a@planner"].last_modified == speech
    assert events["b@planner"].dtstamp == later


def test_a_series_with_exceptions():
    times = feeds.MeetingTimes(
        start=at("08:00", 2), end=at("10:00", 2), stamp=STAMP, sequence=3, rrule="FREQ=WEEKLY;BYDAY=MO",
        exdates=(at("08:00", 9),),
        overrides=(feeds.Override(original=at("08:00", 16), start=at("14:00", 17), end=at("16:00", 17),
                                  venue="Phòng 2", note="Dời sang thứ Ba"),))
    series, moved = feeds.meeting_events(MEETING, times, policy=feeds.Policy(), words=WORDS)
    assert series.rrule == "FREQ=WEEKLY;BYDAY=MO" and series.exdates == [at("08:00", 9)]
    assert moved.uid == series.uid == "meeting-m1@planner" and moved.recurrence_id == at("08:00", 16)
    assert moved.location == "Phòng 2" and moved.description.startswith("Dời sang thứ Ba")
    assert moved.sequence > series.sequence
    all_day = feeds.MeetingTimes(start=date(2026, 12, 3), end=date(2026, 12, 5), stamp=STAMP)
    (event,) = feeds.meeting_events(MEETING, all_day, policy=feeds.Policy(), words=WORDS)
    assert event.start == date(2026, 12, 3) and event.end == date(2026, 12, 5)
