"""The rules the timetable grid leans on (issue 17): an item takes its session's room and day, a session
moved whole takes its items, "save and add another" keeps the session without ever putting a session
inside a session, and the same title at an overlapping time of the same day warns without refusing."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from planner.agenda import services
from planner.agenda.models import AgendaItem
from planner.extensions import db
from tests.agenda.conftest import local
from tests.agenda.test_api import auth, token_for
from tests.agenda.test_views import english, form_fields


def clock(conf, item) -> str:
    fresh = db.session.get(AgendaItem, item.id)
    start, end = services.local(conf.meeting, fresh.starts_at), services.local(conf.meeting, fresh.ends_at)
    return f"{start:%d/%m %H:%M}-{end:%H:%M}"


def test_an_item_created_in_a_session_takes_its_room_and_day(conf):
    session = conf.session("Phiên chiều", "13:30", "17:00", day=2, room=conf.rooms[1])
    # The form's day list still said day 1: the session's day wins, at the clock times given.
    item = conf.item("Tham luận", "14:00", "14:30", day=1, session=session)
    assert item.room_id == conf.rooms[1].id
    assert clock(conf, item) == "04/12 14:00-14:30"
    # A room of its own is kept.
    own = conf.item("Tổ thảo luận", "15:00", "16:00", session=session, room=conf.rooms[2])
    assert own.room_id == conf.rooms[2].id


def test_an_item_moved_into_a_session_takes_its_room_and_day(conf):
    session = conf.session("Phiên sáng", "08:00", "11:30", room=conf.rooms[0])
    item = conf.item("Báo cáo", "09:00", "09:30", day=2)
    assert item.room_id is None
    services.update_item(item, {"parent_id": session.public_id}, user=conf.user)
    assert item.room_id == conf.rooms[0].id and item.parent_id == session.id
    assert clock(conf, item) == "03/12 09:00-09:30"
    # An edit that touches neither its session nor its time leaves its room as it is.
    services.update_item(item, {"room_id": conf.rooms[2].public_id}, user=conf.user)
    services.update_item(item, {"title": "Báo cáo chính trị"}, user=conf.user)
    assert item.room_id == conf.rooms[2].id


def test_a_session_moved_whole_takes_its_items_and_its_room(conf):
    session = conf.session("Phiên sáng", "08:00", "11:00", room=conf.rooms[0])
    inside = conf.item("Báo cáo", "08:30", "09:30", session=session)
    elsewhere = conf.item("Tổ 2", "09:30", "10:00", session=session, room=conf.rooms[2])
    services.update_item(session, {"starts_at": local(1, "08:30"), "ends_at": local(1, "11:30"),
                                   "room_id": conf.rooms[1].public_id}, user=conf.user, version=session.version)
    db.session.flush()
    assert clock(conf, inside) == "03/12 09:00-10:00" and clock(conf, elsewhere) == "03/12 10:00-10:30"
    assert inside.room_id == conf.rooms[1].id, "it was in the session's room: it follows"
    assert elsewhere.room_id == conf.rooms[2].id, "its own room stays"
    # Made longer, the session leaves its items where they are.
    services.update_item(session, {"ends_at": local(1, "12:00")}, user=conf.user)
    assert clock(conf, inside) == "03/12 09:00-10:00"


def test_same_title_at_an_overlapping_time_warns(conf):
    first = conf.item("Báo cáo tổng kết", "08:00", "09:00", room=conf.rooms[0])
    warned = services.duplicate_warnings(conf.meeting, title="BAO CAO tong ket ", starts_at=local(1, "08:30"),
                                         ends_at=local(1, "09:30"))
    assert len(warned) == 1 and "Báo cáo tổng kết" in warned[0] and "08:00–09:00" in warned[0]
    assert services.duplicate_warnings(conf.meeting, title="Báo cáo tổng kết", starts_at=local(1, "09:00"),
                                       ends_at=local(1, "10:00")) == [], "after it: not at the same time"
    assert services.duplicate_warnings(conf.meeting, title="Báo cáo tổng kết", starts_at=local(2, "08:00"),
                                       ends_at=local(2, "09:00")) == [], "another day"
    assert services.duplicate_warnings(conf.meeting, title="Báo cáo tổng kết", starts_at=local(1, "08:00"),
                                       ends_at=local(1, "09:00"), exclude_id=first.id) == [], "itself"
    # A warning, not a refusal: the service saves it.
    assert conf.item("Báo cáo Tổng kết", "08:00", "09:00", room=conf.rooms[1]).id


def test_save_and_add_another_keeps_the_session_and_never_nests_a_session(client, site):
    """The bug: after "Save and add another" the form keeps the session; choosing the kind "session" for
    the next entry (the next session of the day) was refused with "Sessions cannot be inside another
    session"."""
    english(client, site)
    url = f"{site.editor}/new"
    fields = form_fields(client.get(f"{url}?kind=session").get_data(as_text=True))
    answer = client.post_form(url, {**fields, "title": "Phiên sáng", "start": "08:00", "end": "11:00",
                                    "room_id": site.room_ids[0], "then": "another"})
    assert answer.status_code == 302
    following = form_fields(client.get(answer.location).get_data(as_text=True))
    with site.open():
        session = db.session.scalar(select(AgendaItem).where(AgendaItem.title == "Phiên sáng"))
        assert following["parent_id"] == session.public_id, "the session just added is kept"
    assert following["kind"] == "report" and following["room_id"] == site.room_ids[0]
    answer = client.post_form(url, {**following, "title": "Báo cáo", "then": "another"})
    assert answer.status_code == 302
    following = form_fields(client.get(answer.location).get_data(as_text=True))
    assert following["parent_id"] == session.public_id and following["start"] == "08:30"
    # The next entry is the afternoon session: the kept session means nothing for it.
    answer = client.post_form(url, {**following, "kind": "session", "title": "Phiên chiều", "start": "13:30",
                                    "end": "17:00", "then": "another"})
    assert answer.status_code == 302, "no “Sessions cannot be inside another session”"
    with site.open():
        afternoon = db.session.scalar(select(AgendaItem).where(AgendaItem.title == "Phiên chiều"))
        item = db.session.scalar(select(AgendaItem).where(AgendaItem.title == "Báo cáo"))
        assert afternoon.parent_id is None and item.parent_id == session.id
        assert item.room_id is not None and item.room.public_id == site.room_ids[0]


def test_the_form_warns_of_the_same_title_and_saves_when_told(client, site):
    english(client, site)
    url = f"{site.editor}/new"
    fields = form_fields(client.get(url).get_data(as_text=True))
    assert client.post_form(url, {**fields, "title": "Khai mạc", "start": "08:00", "end": "08:30"}).status_code == 302
    again = {**fields, "title": "khai mac", "start": "08:15", "end": "08:45"}
    page = client.post_form(url, again)
    assert page.status_code == 200
    assert "“Khai mạc” is already on the agenda at 08:00–08:30" in page.get_data(as_text=True)
    assert [t for t in _titles(site)] == ["Khai mạc"]
    assert client.post_form(url, {**again, "save_anyway": "y"}).status_code == 302
    assert _titles(site) == ["Khai mạc", "khai mac"]


def _titles(site) -> list[str]:
    with site.open() as conf:
        return [i.title for i in services.list_items(conf.meeting, conf.user)]


def test_the_api_answers_the_warning_with_the_saved_item(client, site, factory):
    with site.open() as conf:
        conf.item("Khai mạc", "08:00", "08:30")
    headers = auth(token_for(site, factory))
    answer = client.post(f"/api/v1/meetings/{site.meeting_id}/agenda-items", headers=headers, json={
        "title": "KHAI MẠC", "starts_at": "2026-12-03T08:00:00", "ends_at": "2026-12-03T08:30:00"})
    assert answer.status_code == 201
    assert answer.json["warnings"] and "Khai mạc" in answer.json["warnings"][0]
    assert date.fromisoformat(answer.json["starts_at"][:10]) == date(2026, 12, 3)
    moved = client.patch(f"/api/v1/agenda-items/{answer.json['id']}", headers=headers,
                         json={"starts_at": "2026-12-03T09:00:00", "ends_at": "2026-12-03T09:30:00"})
    assert moved.status_code == 200 and moved.json["warnings"] == []
