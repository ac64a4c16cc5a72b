"""The changelog between two published snapshots, and the sequences calendars will use."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from planner.agenda import releases as r


def e(title="Báo cáo", start=(8, 0), end=(9, 0), *, day=3, room="Hội trường A", room_id="r1",
      presiding=("Trần Văn Bình",), status="scheduled", kind="report", parent=None, classification="none",
      sequence=0):
    return r.entry(title=title, kind=kind, starts_at=datetime(2026, 12, day, *start, tzinfo=UTC),
                   ends_at=datetime(2026, 12, day, *end, tzinfo=UTC), room=room, room_id=room_id,
                   presiding=list(presiding), status=status, parent=parent, classification=classification,
                   sequence=sequence)


def test_first_release_adds_everything():
    changes = r.diff({}, {"a": e("Khai mạc"), "b": e("Bế mạc", (10, 0), (11, 0))})
    assert [(c["change"], c["item"], c["title"]) for c in changes] == [
        ("added", "a", "Khai mạc"), ("added", "b", "Bế mạc")]


def test_nothing_changed_means_no_changes():
    snap = {"a": e()}
    assert r.diff(snap, {"a": e()}) == []


def test_retimed_moved_room_renamed_presiding_changed():
    old = {"a": e()}
    new = {"a": e("Báo cáo tổng kết", (8, 30), (9, 30), room="Phòng B", room_id="r2",
                  presiding=("Trần Văn Bình", "Lê Thị Mai"))}
    changes = r.diff(old, new)
    by_kind = {c["change"]: c for c in changes}
    assert list(by_kind) == ["retimed", "moved_room", "renamed", "presiding_changed"]
    assert by_kind["retimed"]["from"] == [old["a"]["starts_at"], old["a"]["ends_at"]]
    assert by_kind["retimed"]["to"] == [new["a"]["starts_at"], new["a"]["ends_at"]]
    assert (by_kind["moved_room"]["from"], by_kind["moved_room"]["to"]) == ("Hội trường A", "Phòng B")
    assert (by_kind["renamed"]["from"], by_kind["renamed"]["to"]) == ("Báo cáo", "Báo cáo tổng kết")
    assert by_kind["presiding_changed"]["to"] == ["Trần Văn Bình", "Lê Thị Mai"]


def test_cancelled_says_only_cancelled_and_restored_comes_back():
    old = {"a": e()}
    cancelled = {"a": e(start=(9, 0), end=(10, 0), status="cancelled")}
    assert [c["change"] for c in r.diff(old, cancelled)] == ["cancelled"]
    assert [c["change"] for c in r.diff(cancelled, old)] == ["restored", "retimed"]


def test_removed_and_other_details():
    old = {"a": e(), "b": e("Thảo luận", kind="discussion")}
    new = {"b": e("Thảo luận", kind="directive_speech", parent="s1")}
    changes = r.diff(old, new)
    assert [(c["change"], c["item"]) for c in changes] == [("removed", "a"), ("updated", "b")]
    assert changes[1]["fields"] == ["kind", "parent"]


def test_sequences_count_the_releases_that_changed_an_item():
    v1 = r.with_sequences({}, {"a": e(), "b": e("B")}, r.diff({}, {"a": e(), "b": e("B")}))
    assert (v1["a"]["sequence"], v1["b"]["sequence"]) == (0, 0)
    new = {"a": e(start=(8, 15), end=(9, 15)), "b": e("B"), "c": e("C")}
    v2 = r.with_sequences(v1, new, r.diff(v1, new))
    assert (v2["a"]["sequence"], v2["b"]["sequence"], v2["c"]["sequence"]) == (1, 0, 0)
    newer = {**{k: {**v} for k, v in v2.items()}}
    newer["a"]["status"] = "cancelled"
    v3 = r.with_sequences(v2, newer, r.diff(v2, newer))
    assert v3["a"]["sequence"] == 2
    assert v3["a"]["status"] == "cancelled"


def test_classified_changes_are_filtered_for_readers():
    changes = r.diff({}, {"a": e(), "b": e("Mật", classification="confidential"), "c": e("Nội bộ",
                                                                                         classification="internal")})
    assert [c["item"] for c in r.visible_changes(changes, ["none"])] == ["a"]
    assert len(r.visible_changes(changes, ["none", "internal", "confidential"])) == 3


def test_change_text_in_both_languages(app):
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    old = {"a": e()}
    new = {"a": e(start=(2, 30), end=(3, 30))}  # 08:00 UTC+7 is 01:00 UTC; here 09:30–10:30 local
    change = r.diff(old, new)[0]
    with app.test_request_context("/api/v1/", headers={"Accept-Language": "en"}):
        assert r.change_text(change, zone) == "“Báo cáo” moved from 15:00–16:00 to 09:30–10:30."
    with app.test_request_context("/api/v1/", headers={"Accept-Language": "vi"}):
        text = r.change_text(change, zone)
    assert "15:00–16:00" in text and "09:30–10:30" in text and "Báo cáo" in text
    moved_day = r.diff(old, {"a": e(day=4)})[0]
    with app.test_request_context("/api/v1/", headers={"Accept-Language": "en"}):
        assert r.change_text(moved_day, zone) == "“Báo cáo” moved from Thu 03/12 15:00–16:00 to Fri 04/12 15:00–16:00."
