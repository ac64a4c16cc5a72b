"""Properties of the agenda's conflict warnings (planner/agenda/conflicts.py): the warnings do not depend
on the order the items come in, only overlapping items clash, cancelled items clash with nothing, and
an item outside its session is always said so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from planner.agenda.conflicts import BREAK, OUTSIDE_SESSION, PERSON, ROOM, Slot, find_conflicts, overlaps
from tests.properties.strategies import bounded

DAY = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
KINDS = ["report", "discussion", "break", "session", "opening"]


@st.composite
def agendas(draw, *, nested: bool = True) -> list[Slot]:
    n = draw(st.integers(min_value=0, max_value=9))
    slots: list[Slot] = []
    for i in range(n):
        start = DAY + timedelta(minutes=15 * draw(st.integers(min_value=0, max_value=24)))
        length = timedelta(minutes=15 * draw(st.integers(min_value=1, max_value=8)))
        kind = draw(st.sampled_from(KINDS))
        # Sessions hold items and sit at the top: the agenda refuses a session inside a session.
        sessions = [s.id for s in slots if s.kind == "session"] if kind != "session" else []
        parent = draw(st.none() | st.sampled_from(sessions)) if nested and sessions else None
        room = draw(st.none() | st.sampled_from(["r1", "r2"]))
        slots.append(Slot(
            id=f"i{i}", kind=kind, starts_at=start, ends_at=start + length,
            title=f"Mục {i}", room_id=room, room_name={"r1": "Hội trường", "r2": "Phòng 2"}.get(room or "", ""),
            parent_id=parent, presiding=frozenset(draw(st.sets(st.integers(1, 4), max_size=2))),
            speakers=frozenset(draw(st.sets(st.integers(1, 4), max_size=2))),
            status=draw(st.sampled_from(["scheduled", "scheduled", "scheduled", "cancelled"])),
        ))
    return slots


def as_set(conflicts) -> set:
    return {(c.kind, c.item_ids, c.person_id, c.room_name) for c in conflicts}


@given(agendas(), st.randoms(use_true_random=False))
@bounded(150)
def test_warnings_do_not_depend_on_the_order_of_the_items(slots, random):
    shuffled = list(slots)
    random.shuffle(shuffled)
    assert as_set(find_conflicts(slots)) == as_set(find_conflicts(shuffled))


@given(agendas())
@bounded(150)
def test_only_overlapping_items_clash_and_never_with_themselves(slots):
    by_id = {s.id: s for s in slots}
    for conflict in find_conflicts(slots):
        a, b = (by_id[i] for i in conflict.item_ids)
        assert a.id != b.id
        if conflict.kind in (ROOM, PERSON, BREAK):
            assert overlaps(a, b)
            assert a.parent_id != b.id and b.parent_id != a.id  # a session does not clash with its own items
        if conflict.kind == PERSON:
            assert conflict.person_id in a.people & b.people


@given(agendas(nested=False))
@bounded(200)
def test_an_agenda_without_overlaps_has_no_warning(slots):
    # Lay the items end to end: none overlaps another.
    start = DAY
    laid = []
    for slot in slots:
        length = slot.ends_at - slot.starts_at
        laid.append(Slot(**{**slot.__dict__, "starts_at": start, "ends_at": start + length}))
        start += length
    assert find_conflicts(laid) == []


@given(agendas())
@bounded(150)
def test_cancelled_items_clash_with_nothing(slots):
    cancelled = {s.id for s in slots if s.status == "cancelled"}
    cancelled |= {s.id for s in slots if s.parent_id in cancelled}  # a cancelled session takes its items along
    for conflict in find_conflicts(slots):
        assert not cancelled & set(conflict.item_ids)


@given(agendas())
@bounded(150)
def test_an_item_outside_its_session_is_said_so(slots):
    by_id = {s.id: s for s in slots}
    found = {c.item_ids for c in find_conflicts(slots) if c.kind == OUTSIDE_SESSION}
    for slot in slots:
        parent = by_id.get(slot.parent_id) if slot.parent_id else None
        if parent is None or "cancelled" in (slot.status, parent.status):
            continue
        outside = slot.starts_at < parent.starts_at or slot.ends_at > parent.ends_at
        assert ((slot.id, parent.id) in found) == outside


@given(agendas(nested=False))
@bounded(200)
def test_two_overlapping_items_in_one_room_clash(slots):
    """Outside sessions, two overlapping active items in the same room (not a break, not the same slot)
    are always warned about."""
    found = as_set(find_conflicts(slots))
    active = [s for s in slots if s.status != "cancelled" and s.kind not in ("break",)]
    for i, a in enumerate(active):
        for b in active[i + 1:]:
            same_slot = (a.starts_at, a.ends_at) == (b.starts_at, b.ends_at)
            if overlaps(a, b) and a.room_id == b.room_id and not same_slot:
                pair = {(a.id, b.id), (b.id, a.id)}
                assert any(k == ROOM and ids in pair for k, ids, _p, _r in found), (a, b)
