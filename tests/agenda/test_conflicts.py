"""Conflict warnings: every kind, and the cases that must stay silent."""

from __future__ import annotations

from datetime import UTC, datetime

from planner.agenda.conflicts import (
    BREAK,
    OUTSIDE_SESSION,
    PERSON,
    ROOM,
    Slot,
    as_records,
    by_item,
    describe,
    find_conflicts,
)


def t(hour: int, minute: int = 0, day: int = 3) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)


def slot(id_: str, start: datetime, end: datetime, **kw) -> Slot:
    kw.setdefault("kind", "report")
    kw.setdefault("title", id_)
    return Slot(id=id_, starts_at=start, ends_at=end, **kw)


def kinds(conflicts) -> list[tuple[str, tuple[str, ...]]]:
    return [(c.kind, c.item_ids) for c in conflicts]


def test_same_room_overlapping_is_a_room_conflict():
    a = slot("a", t(8), t(9), room_id="r1", room_name="Hội trường A")
    b = slot("b", t(8, 30), t(9, 30), room_id="r1", room_name="Hội trường A")
    found = find_conflicts([b, a])
    assert kinds(found) == [(ROOM, ("a", "b"))]
    assert found[0].room_name == "Hội trường A"


def test_touching_items_and_other_rooms_do_not_clash():
    a = slot("a", t(8), t(9), room_id="r1")
    b = slot("b", t(9), t(10), room_id="r1")        # starts when a ends
    c = slot("c", t(8), t(9), room_id="r2")         # same time, other room
    assert find_conflicts([a, b, c]) == []


def test_two_items_without_rooms_share_the_main_hall():
    a = slot("a", t(8), t(9))
    b = slot("b", t(8, 45), t(9, 30))
    assert kinds(find_conflicts([a, b])) == [(ROOM, ("a", "b"))]


def test_cancelled_items_and_items_of_a_cancelled_session_take_no_room():
    a = slot("a", t(8), t(9), room_id="r1")
    b = slot("b", t(8), t(9), room_id="r1", status="cancelled")
    s = slot("s", t(8), t(12), kind="session", room_id="r1", status="cancelled")
    c = slot("c", t(8), t(9), parent_id="s")
    assert find_conflicts([a, b, s, c]) == []


def test_a_session_and_its_own_items_do_not_clash():
    s = slot("s", t(8), t(11), kind="session", room_id="r1", presiding=frozenset({1}))
    a = slot("a", t(8), t(9), parent_id="s", presiding=frozenset({1}))
    b = slot("b", t(9), t(10), parent_id="s", room_id="r1")
    assert find_conflicts([s, a, b]) == []


def test_items_of_one_session_overlapping_in_its_room():
    s = slot("s", t(8), t(11), kind="session", room_id="r1", room_name="A")
    a = slot("a", t(8), t(9, 30), parent_id="s")
    b = slot("b", t(9), t(10), parent_id="s")
    assert kinds(find_conflicts([s, a, b])) == [(ROOM, ("a", "b"))]


def test_two_sessions_in_one_room_are_said_once_not_for_each_item():
    s1 = slot("s1", t(13), t(17), kind="session", room_id="r1", room_name="A")
    s2 = slot("s2", t(14), t(16), kind="session", room_id="r1", room_name="A")
    a = slot("a", t(13), t(15), parent_id="s1")
    b = slot("b", t(14), t(15), parent_id="s2")
    assert kinds(find_conflicts([s1, s2, a, b])) == [(ROOM, ("s1", "s2"))]


def test_parallel_sessions_in_three_rooms_are_fine():
    sessions = [slot(f"s{n}", t(13, 30), t(17), kind="session", room_id=f"r{n}") for n in range(3)]
    items = [slot(f"i{n}", t(13, 30), t(15), parent_id=f"s{n}") for n in range(3)]
    assert find_conflicts(sessions + items) == []


def test_a_person_presiding_two_overlapping_items():
    a = slot("a", t(8), t(9), room_id="r1", presiding=frozenset({7, 8}))
    b = slot("b", t(8, 30), t(9, 30), room_id="r2", presiding=frozenset({8}))
    found = find_conflicts([a, b], names={8: "Trần Văn Bình"})
    assert kinds(found) == [(PERSON, ("a", "b"))]
    assert found[0].person_id == 8
    assert found[0].person_name == "Trần Văn Bình"


def test_a_person_speaking_in_one_and_presiding_another():
    a = slot("a", t(8), t(9), room_id="r1", speakers=frozenset({5}))
    b = slot("b", t(8), t(9), room_id="r2", presiding=frozenset({5}))
    assert kinds(find_conflicts([a, b])) == [(PERSON, ("a", "b"))]


def test_an_item_outside_its_session():
    s = slot("s", t(8), t(10), kind="session", room_id="r1")
    early = slot("early", t(7, 30), t(8, 30), parent_id="s")
    late = slot("late", t(9, 30), t(10, 15), parent_id="s")
    inside = slot("inside", t(8, 30), t(9, 30), parent_id="s")
    found = [c for c in find_conflicts([s, early, late, inside]) if c.kind == OUTSIDE_SESSION]
    assert [c.item_ids for c in found] == [("early", "s"), ("late", "s")]


def test_a_break_overlapping_an_item_in_its_room():
    pause = slot("pause", t(9, 30), t(9, 45), kind="break", room_id="r1", room_name="A")
    talk = slot("talk", t(9), t(9, 40), room_id="r1")
    elsewhere = slot("elsewhere", t(9, 30), t(10), room_id="r2")
    found = find_conflicts([pause, talk, elsewhere])
    assert kinds(found) == [(BREAK, ("pause", "talk"))]


def test_a_break_without_a_room_is_everyones_pause():
    pause = slot("pause", t(9, 30), t(9, 45), kind="break")
    talk = slot("talk", t(9, 35), t(10), room_id="r2")
    assert kinds(find_conflicts([pause, talk])) == [(BREAK, ("pause", "talk"))]


def test_a_break_inside_a_session_does_not_clash_with_the_session():
    s = slot("s", t(8), t(11), kind="session", room_id="r1")
    pause = slot("pause", t(9, 30), t(9, 45), kind="break", parent_id="s")
    other_session = slot("s2", t(8), t(11), kind="session", room_id="r2")
    assert find_conflicts([s, pause, other_session]) == []


def test_warnings_by_item_and_records(app):
    a = slot("a", t(8), t(9), room_id="r1", room_name="Phòng 1", title="Báo cáo chính trị")
    b = slot("b", t(8, 30), t(9, 30), room_id="r1", room_name="Phòng 1", title="Tham luận")
    found = find_conflicts([a, b])
    index = by_item(found)
    assert set(index) == {"a", "b"}
    with app.test_request_context("/api/v1/", headers={"Accept-Language": "en"}):
        assert describe(found[0], about="a") == "Room Phòng 1 is also used by “Tham luận” at the same time."
        records = as_records(found)
    assert records == [{"kind": ROOM, "agenda_item_ids": ["a", "b"],
                        "detail": "“Báo cáo chính trị” and “Tham luận” use room Phòng 1 at the same time."}]


def test_many_items_are_checked_quickly():
    import time

    items = [slot(f"i{n}", t(8 + n % 9), t(9 + n % 9), room_id=f"r{n % 40}") for n in range(400)]
    started = time.perf_counter()
    find_conflicts(items)
    assert time.perf_counter() - started < 2


def test_items_sharing_one_slot_are_its_parts_not_a_clash():
    s = slot("s", t(8), t(11), kind="session", room_id="r1", presiding=frozenset({1}))
    flag = slot("flag", t(8), t(8, 10), parent_id="s", kind="ceremony", presiding=frozenset({2}))
    purpose = slot("purpose", t(8), t(8, 10), parent_id="s", kind="ceremony", presiding=frozenset({2}))
    longer = slot("longer", t(8), t(8, 20), parent_id="s")
    found = find_conflicts([s, flag, purpose, longer])
    assert kinds(found) == [(ROOM, ("flag", "longer")), (ROOM, ("purpose", "longer"))]
    elsewhere = slot("elsewhere", t(8), t(8, 10), room_id="r2", presiding=frozenset({2}))
    assert (PERSON, ("elsewhere", "flag")) in kinds(find_conflicts([s, flag, elsewhere]))
