"""The programme table built from a snapshot: days, parts of the day, sessions as groups, numbering."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from planner.agenda import programme
from planner.agenda.releases import entry

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def e(title, start, end, *, day=3, kind="report", parent=None, status="scheduled", classification="none",
      presiding=(), performer="", position=0):
    # UTC hours: local time is seven hours later.
    return entry(title=title, kind=kind, starts_at=datetime(2026, 12, day, *start, tzinfo=UTC),
                 ends_at=datetime(2026, 12, day, *end, tzinfo=UTC), room=None, room_id=None,
                 presiding=list(presiding), status=status, parent=parent, classification=classification,
                 performer=performer, position=position)


SNAPSHOT = {
    "s1": e("Phiên khai mạc", (1, 0), (4, 30), kind="session", presiding=["Nguyễn Văn An"]),
    "a": e("Chào cờ", (1, 0), (1, 5), parent="s1", kind="ceremony", performer="Ban Tổ chức"),
    "b": e("Tuyên bố lý do", (1, 0), (1, 5), parent="s1", kind="ceremony", position=1),
    "c": e("Báo cáo", (1, 5), (2, 0), parent="s1", presiding=["Trần Thị Bình"]),
    "p": e("Giải lao", (2, 0), (2, 15), parent="s1", kind="break"),
    "x": e("Đã hủy", (2, 15), (2, 30), parent="s1", status="cancelled"),
    "i": e("Nội bộ", (2, 30), (3, 0), parent="s1", classification="internal"),
    "s2": e("Phiên mật", (6, 30), (9, 0), kind="session", classification="confidential"),
    "m": e("Trong phiên mật", (6, 30), (7, 0), parent="s2"),
    "d": e("Bế mạc", (9, 0), (9, 30), day=4, kind="closing"),
}


def test_days_parts_and_numbers_for_the_public():
    days = programme.build(SNAPSHOT, ZONE, levels=["none"], days=[date(2026, 12, 3), date(2026, 12, 4)])
    assert [d.day for d in days] == [date(2026, 12, 3), date(2026, 12, 4)]
    first = days[0]
    assert [p.name for p in first.parts] == ["morning"]
    rows = first.rows
    assert [r.title for r in rows] == ["Phiên khai mạc", "Chào cờ", "Tuyên bố lý do", "Báo cáo", "Giải lao", "Đã hủy"]
    assert [r.number for r in rows] == [None, 1, 2, 3, None, None]
    assert rows[0].is_session and rows[0].presiding == ["Nguyễn Văn An"]
    assert rows[1].performer == "Ban Tổ chức" and rows[3].performer == "Trần Thị Bình"
    assert rows[5].cancelled
    assert programme.span(rows[1].starts_at, rows[1].ends_at, "vi") == "8h00 – 8h05"
    assert programme.span(rows[1].starts_at, rows[1].ends_at, "en") == "08:00 – 08:05"
    assert [r.title for r in days[1].rows] == ["Bế mạc"] and days[1].parts[0].name == "afternoon"


def test_staff_with_clearance_see_internal_and_classified_groups():
    days = programme.build(SNAPSHOT, ZONE, levels=["none", "internal", "confidential"])
    titles = [r.title for r in days[0].rows]
    assert "Nội bộ" in titles and "Phiên mật" in titles and "Trong phiên mật" in titles
    assert [p.name for p in days[0].parts] == ["morning", "afternoon"]
    internal_only = programme.build(SNAPSHOT, ZONE, levels=["none", "internal"])
    assert "Trong phiên mật" not in [r.title for r in internal_only[0].rows]  # goes with its session


def test_sessions_held_at_the_same_time_are_parallel():
    def session(title, start, end, room, day=3, status="scheduled"):
        made = e(title, start, end, kind="session", day=day, status=status)
        return {**made, "room": room}

    snapshot = {
        "open": session("Phiên toàn thể", (1, 0), (4, 0), "Hội trường A"),
        "t1": session("Chuyên đề 1", (6, 30), (8, 30), "Hội trường A"),
        "t2": session("Chuyên đề 2", (6, 30), (8, 30), "Phòng họp 1"),
        "t3": session("Chuyên đề 3", (7, 0), (9, 0), "Phòng họp 2"),
        "off": session("Chuyên đề hoãn", (6, 30), (8, 30), "Phòng họp 3", status="cancelled"),
        "next": session("Chuyên đề 1", (6, 30), (8, 30), "Hội trường A", day=4),
    }
    days = programme.build(snapshot, ZONE, levels=["none"])
    assert programme.parallel_sessions(days) == {"t1", "t2", "t3"}, "the plenary, a cancelled one, another day: no"


def test_the_printed_programme_names_the_rooms_of_parallel_sessions(app, factory):
    from planner.agenda import services as agenda
    from planner.meetings.models import Room
    from planner.minutes import documents
    from tests.minutes.conftest import build_scene

    scene = build_scene(app, factory, status="published", attendance=False)
    with app.test_request_context():
        from planner.extensions import db

        meeting, admin = scene.meeting(), scene.user(scene.admin)
        rooms = [Room(meeting_id=meeting.id, name=name) for name in ("Phòng họp số 1", "Phòng họp số 2")]
        db.session.add_all(rooms)
        db.session.commit()
        day = meeting.starts_on
        for n, room in enumerate(rooms, start=1):
            session = agenda.create_item(meeting, {
                "title": f"Chuyên đề {n}", "kind": "session", "room_id": room.public_id,
                "starts_at": datetime(day.year, day.month, day.day, 7, 0, tzinfo=UTC),
                "ends_at": datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)}, user=admin)
            agenda.create_item(meeting, {
                "title": f"Trao đổi chuyên đề {n}", "kind": "discussion", "parent_id": session.public_id,
                "room_id": room.public_id,
                "starts_at": datetime(day.year, day.month, day.day, 7, 0, tzinfo=UTC),
                "ends_at": datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC)}, user=admin)
        document = documents.programme_document(scene.meeting(), admin)
    groups = ["".join(r.text for r in row.group) for block in document.body if getattr(block, "rows", None)
              for row in block.rows if row.group]
    assert "CHUYÊN ĐỀ 1 — Phòng họp số 1" in groups and "CHUYÊN ĐỀ 2 — Phòng họp số 2" in groups
    assert not any("Hội trường" in g for g in groups), "a session alone at its time names no room"
    cells = ["".join(r.text for r in cell) for block in document.body if getattr(block, "rows", None)
             for row in block.rows for cell in (row.cells or [])]
    assert "Trao đổi chuyên đề 1" in cells, "the item held in its session's room does not repeat it"
