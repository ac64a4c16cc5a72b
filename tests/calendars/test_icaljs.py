"""Every kind of feed read by ical.js, the iCalendar parser of Thunderbird (and of many web calendars),
through tests/calendars/node/expand.mjs: events expanded and converted to UTC by another implementation
than the one that wrote them.

ical.js is installed from tests/calendars/node/package-lock.json by `make test` and .ci/run
(`npm ci --prefix tests/calendars/node`)."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, datetime, time
from pathlib import Path

import pytest

from tests.calendars.conftest import Scene

NODE_DIR = Path(__file__).parent / "node"
SCRIPT = NODE_DIR / "expand.mjs"


@pytest.fixture(scope="module")
def icaljs():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: ical.js cannot be run (apt-get install nodejs)")
    if not (NODE_DIR / "node_modules" / "ical.js" / "package.json").exists():
        pytest.skip("ical.js is not installed: run `npm ci --prefix tests/calendars/node` (make test does)")

    def read(raw: bytes, start: str = "2026-10-01T00:00:00Z", end: str = "2027-03-01T00:00:00Z") -> dict:
        done = subprocess.run([node, str(SCRIPT), start, end], input=raw, capture_output=True, timeout=60,
                              check=False)
        assert done.returncode == 0, done.stderr.decode()
        return json.loads(done.stdout)

    return read


def _by_uid(found: dict) -> dict[str, list[dict]]:
    events: dict[str, list[dict]] = {}
    for event in found["events"]:
        events.setdefault(event["uid"].removesuffix("@planner"), []).append(event)
    return events


def test_meeting_feed_in_ho_chi_minh_time(scene, client, icaljs):
    m = scene.conference()
    opening = scene.item(m, "Khai mạc", "08:00", "08:30", room="Hội trường A")
    late = scene.item(m, "Thảo luận", "14:00", "17:00", day=2, room="Phòng họp B")
    scene.publish(m)
    found = icaljs(client.get(f"/feeds/public/{scene.public_code(m)}.ics").data)
    assert found["calname"] == "Hội nghị tổng kết công tác năm 2026"
    assert found["timezones"] == ["Asia/Ho_Chi_Minh"]
    events = _by_uid(found)
    assert events[opening][0]["start"] == "2026-12-03T01:00:00.000Z"
    assert events[opening][0]["end"] == "2026-12-03T01:30:00.000Z"
    assert events[opening][0]["timezone"] == "Asia/Ho_Chi_Minh"
    assert events[late][0]["start"] == "2026-12-04T07:00:00.000Z"
    assert events[late][0]["location"] == "Phòng họp B, Trung tâm Hội nghị tỉnh"


def test_meeting_feed_in_new_york_time_across_the_dst_change(app, factory, client, icaljs):
    office = Scene(app, factory, timezone="America/New_York")
    m = office.conference(timezone="America/New_York", starts_on=date(2026, 10, 30), ends_on=date(2026, 11, 2))
    before = office.item(m, "Opening", "09:00", "10:00", day=1)    # 30 Oct: EDT, UTC−4
    after = office.item(m, "Closing", "09:00", "10:00", day=4)     # 2 Nov: EST, UTC−5
    office.publish(m)
    events = _by_uid(icaljs(client.get(office.meeting_feed(m)).data))
    assert events[before][0]["start"] == "2026-10-30T13:00:00.000Z"
    assert events[after][0]["start"] == "2026-11-02T14:00:00.000Z"


def test_weekly_briefing_with_a_cancelled_and_a_moved_occurrence(scene, client, icaljs):
    briefing = scene.briefing()
    scene.cancel_occurrence(briefing, date(2026, 11, 9))
    scene.move_occurrence(briefing, date(2026, 11, 16), new_date=date(2026, 11, 17), new_start_time=time(14, 0),
                          new_end_time=time(16, 0))
    events = _by_uid(icaljs(client.get(scene.user_feed()).data))[f"meeting-{briefing}"]
    assert [(e["start"], e["end"]) for e in events] == [
        ("2026-11-02T01:00:00.000Z", "2026-11-02T03:00:00.000Z"),   # Mondays 8:00–10:00 in Hà Nội time
        ("2026-11-17T07:00:00.000Z", "2026-11-17T09:00:00.000Z"),   # the 16th moved to Tuesday 14:00
        ("2026-11-23T01:00:00.000Z", "2026-11-23T03:00:00.000Z"),
        ("2026-11-30T01:00:00.000Z", "2026-11-30T03:00:00.000Z"),   # COUNT=5 minus the cancelled 9th
    ]
    assert events[1]["recurrence_id"] == "2026-11-16T01:00:00.000Z"


def test_retimed_and_cancelled_items_in_the_personal_feed(scene, client, icaljs):
    m = scene.conference()
    an = scene.delegate(m, "Nguyễn Văn An")
    item = scene.item(m, "Báo cáo", "09:00", "10:00", presiding=(an,))
    dropped = scene.item(m, "Tham luận", "10:30", "11:00")
    scene.publish(m)
    url = scene.personal_feed(an)
    first = _by_uid(icaljs(client.get(url).data))
    scene.update_item(item, starts_at=datetime(2026, 12, 3, 9, 15), ends_at=datetime(2026, 12, 3, 10, 15))
    scene.update_item(dropped, status="cancelled")
    scene.publish(m)
    second = _by_uid(icaljs(client.get(url).data))
    assert second[item][0]["start"] == "2026-12-03T02:15:00.000Z"
    assert second[item][0]["sequence"] > first[item][0]["sequence"]
    assert second[dropped][0]["status"] == "CANCELLED"


def test_sequences_of_a_series_rise_with_every_change_of_an_occurrence(scene, client, icaljs):
    """Moved twice, the occurrence's override has a higher SEQUENCE each time; cancelled and restored, the
    series has a higher SEQUENCE each time and the occurrence is back (ical.js, as Thunderbird reads it)."""
    briefing = scene.briefing()
    url = scene.user_feed()

    def read() -> list[dict]:
        return _by_uid(icaljs(client.get(url).data))[f"meeting-{briefing}"]

    def on(found: list[dict], recurrence_id: str) -> dict:
        return next(e for e in found if e["recurrence_id"] == recurrence_id)

    moved = "2026-11-16T01:00:00.000Z"
    scene.move_occurrence(briefing, date(2026, 11, 16), new_date=date(2026, 11, 17))
    first = on(read(), moved)
    scene.move_occurrence(briefing, date(2026, 11, 16), new_date=date(2026, 11, 18))
    second = on(read(), moved)
    assert second["start"] == "2026-11-18T01:00:00.000Z"
    assert second["sequence"] > first["sequence"]

    ninth = "2026-11-09T01:00:00.000Z"
    before = on(read(), ninth)["sequence"]
    scene.cancel_occurrence(briefing, date(2026, 11, 9))
    cancelled = read()
    assert all(e["start"] != ninth for e in cancelled)
    master = cancelled[0]["sequence"]
    assert master > before
    with scene.open():
        from planner.meetings import services as meetings

        meetings.restore_occurrence(scene.meeting_row(briefing), date(2026, 11, 9))
    restored = on(read(), ninth)
    assert restored["sequence"] > master and restored["start"] == ninth
    assert on(read(), moved)["sequence"] >= restored["sequence"]
