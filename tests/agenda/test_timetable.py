"""The timetable grid (issue 17): a day as a time grid with a column per room, sessions holding their
items, parallel sessions side by side, conflicts written on the blocks; blocks moved and stretched
through ``place``, saved by the item form's service."""

from __future__ import annotations

import re

from sqlalchemy import select

from planner.agenda import services
from planner.agenda.models import AgendaItem
from planner.agenda.services.timetable import Block, lanes
from planner.extensions import db
from tests.agenda.test_views import english
from tests.conftest import meta_csrf


def build(site) -> dict[str, str]:
    """Two days, two rooms in use: parallel sessions on day 1, a clash in room A, an item without a
    room, and an afternoon on day 2."""
    with site.open() as conf:
        a, b = conf.rooms[0], conf.rooms[1]
        plenary = conf.session("Phiên toàn thể", "08:00", "11:30", room=a, presiding=[conf.people[0]])
        opening = conf.item("Khai mạc", "08:00", "08:30", session=plenary)
        report = conf.item("Báo cáo chính trị", "08:30", "10:00", session=plenary)
        parallel = conf.session("Phiên chuyên đề", "08:00", "11:30", room=b)
        workshop = conf.item("Tham luận chuyên đề", "09:00", "10:00", session=parallel)
        press = conf.item("Họp báo", "13:30", "14:30", room=a)
        clash = conf.item("Gặp mặt đại biểu", "14:00", "15:00", room=a)
        lunch = conf.item("Ăn trưa", "11:30", "13:00", kind="break")
        closing = conf.item("Bế mạc", "15:00", "16:00", day=2, room=a)
        secret = conf.item("Báo cáo nhân sự", "16:00", "16:30", day=2, room=b, classification="secret")
        db.session.commit()
        return {name: item.public_id for name, item in locals().items() if isinstance(item, AgendaItem)}


def column_of(html: str, block_id: str) -> str:
    """The room id of the column that holds the block."""
    at = html.index(f'id="block-{block_id}"')
    return re.findall(r'<section class="tt-column[^"]*" data-room="([^"]*)"', html[:at])[-1]


def attributes(html: str, block_id: str) -> dict[str, str]:
    tag = re.search(rf'<li class="([^"]*)"\s+id="block-{block_id}"([^>]*)>', html)
    found = dict(re.findall(r'data-([a-z]+)="([^"]*)"', tag.group(2)))
    found["class"] = tag.group(1)
    return found


def test_the_grid_puts_each_item_in_its_room_and_its_time(client, site):
    ids = build(site)
    english(client, site)
    html = client.get(f"{site.editor}/timetable?day=2026-12-03").get_data(as_text=True)
    assert column_of(html, ids["plenary"]) == site.room_ids[0]
    assert column_of(html, ids["parallel"]) == site.room_ids[1], "parallel sessions side by side, a room each"
    assert column_of(html, ids["press"]) == site.room_ids[0]
    assert column_of(html, ids["lunch"]) == "", "no room: the column of the venue"
    plenary = attributes(html, ids["plenary"])
    assert (plenary["start"], plenary["end"], plenary["kind"]) == ("480", "690", "session")
    report = attributes(html, ids["report"])
    assert (report["start"], report["end"], report["parent"]) == ("510", "600", ids["plenary"])
    # the session's items are drawn inside it
    session_html = html[html.index(f'id="block-{ids["plenary"]}"'):html.index(f'id="block-{ids["parallel"]}"')]
    assert f'id="block-{ids["opening"]}"' in session_html and f'id="block-{ids["report"]}"' in session_html
    assert "08:30–10:00" in html and "Bế mạc" not in html, "day 1 only, times in 24 h"
    assert 'data-minute="420">07:00<' in html, "the axis starts at 07:00"
    # the day switcher leads to day 2
    assert 'aria-current="date"' in html and "?day=2026-12-04" in html.replace("&amp;", "&")
    day2 = client.get(f"{site.editor}/timetable?day=2026-12-04").get_data(as_text=True)
    assert column_of(day2, ids["closing"]) == site.room_ids[0] and "Khai mạc" not in day2


def test_conflicts_are_written_on_their_blocks(client, site):
    ids = build(site)
    english(client, site)
    html = client.get(f"{site.editor}/timetable").get_data(as_text=True)
    press, clash = attributes(html, ids["press"]), attributes(html, ids["clash"])
    assert "has-warnings" in press["class"] and "has-warnings" in clash["class"]
    assert (press["lane"], clash["lane"], press["lanes"], clash["lanes"]) == ("0", "1", "2", "2"), "side by side"
    warning = html[html.index(f'id="warn-{ids["press"]}"'):]
    assert "Room Hội trường A is also used by “Gặp mặt đại biểu” at the same time." in warning[:600]
    assert "Warning: " in warning[:600], "told in words, not by colour alone"
    assert "has-warnings" not in attributes(html, ids["workshop"])["class"]


def test_readers_see_it_without_controls_and_classified_items_follow_the_clearance(client, site, factory):
    ids = build(site)
    with site.open() as conf:
        viewer = factory.user(type("Org", (), {"id": conf.org.id})(), role="viewer", clearance="none")
    client.login(viewer.email)
    html = client.get(f"{site.editor}/timetable?day=2026-12-04").get_data(as_text=True)
    assert "Bế mạc" in html and "Báo cáo nhân sự" not in html
    assert "data-place-url" not in html and "tt-slot" not in html and "/agenda/new" not in html
    moved = client.post(f"{site.editor}/{ids['closing']}/place", json={"starts_at": "2026-12-04T15:30"},
                        headers={"X-CSRFToken": meta_csrf(html)})
    assert moved.status_code == 403


def place(client, site, item_id: str, csrf: str, **body):
    return client.post(f"{site.editor}/{item_id}/place", json=body, headers={"X-CSRFToken": csrf})


def version(site, item_id: str) -> int:
    with site.open():
        return db.session.scalar(select(AgendaItem.version).where(AgendaItem.public_id == item_id))


def test_a_block_moved_and_stretched_is_saved_by_the_service(client, site):
    ids = build(site)
    english(client, site)
    csrf = meta_csrf(client.get(f"{site.editor}/timetable").get_data(as_text=True))
    answer = place(client, site, ids["press"], csrf, starts_at="2026-12-03T15:05", ends_at="2026-12-03T16:05",
                   room_id=site.room_ids[1], version=version(site, ids["press"]))
    assert answer.status_code == 200 and answer.json["ok"]
    assert answer.json["message"] == "“Họp báo”: 15:05–16:05, Phòng họp B. Saved."
    # into a session by its time and room: it takes the session's room
    answer = place(client, site, ids["clash"], csrf, starts_at="2026-12-03T10:00", ends_at="2026-12-03T11:00",
                   parent_id=ids["parallel"], version=version(site, ids["clash"]))
    assert answer.status_code == 200
    with site.open() as conf:
        press = db.session.scalar(select(AgendaItem).where(AgendaItem.public_id == ids["press"]))
        clash = db.session.scalar(select(AgendaItem).where(AgendaItem.public_id == ids["clash"]))
        assert services.local(conf.meeting, press.starts_at).strftime("%H:%M") == "15:05"
        assert press.room.public_id == site.room_ids[1]
        assert clash.parent.public_id == ids["parallel"] and clash.room.public_id == site.room_ids[1]
    # a stale version: 409 and the message; a refusal: 422 and the service's message
    stale = place(client, site, ids["press"], csrf, ends_at="2026-12-03T16:30", version=1)
    assert stale.status_code == 409 and "Someone else saved this item meanwhile" in stale.json["detail"]
    refused = place(client, site, ids["press"], csrf, ends_at="2026-12-03T15:00", version=version(site, ids["press"]))
    assert refused.status_code == 422 and refused.json["detail"] == "The item must end after it starts."
    outside = place(client, site, ids["press"], csrf, starts_at="2026-12-09T08:00", ends_at="2026-12-09T09:00")
    assert outside.status_code == 422 and "outside the meeting's days" in outside.json["detail"]
    assert place(client, site, ids["press"], "", ends_at="2026-12-03T16:30").status_code == 400, "CSRF"


def test_the_service_message_is_in_the_users_language(client, site):
    ids = build(site)
    client.login(site.email)
    csrf = meta_csrf(client.get(f"{site.editor}/timetable").get_data(as_text=True))
    refused = place(client, site, ids["press"], csrf, ends_at="2026-12-03T13:00")
    assert refused.status_code == 422 and refused.json["detail"] == "Giờ kết thúc phải sau giờ bắt đầu."


def test_an_empty_slot_opens_the_form_with_its_day_room_and_time(client, site):
    ids = build(site)
    english(client, site)
    html = client.get(f"{site.editor}/timetable?day=2026-12-04").get_data(as_text=True)
    link = f"/agenda/new?day=2026-12-04&room={site.room_ids[1]}&start=09:30&view=timetable"
    assert link in html.replace("&amp;", "&")
    form = client.get(f"{site.editor}{link[7:]}").get_data(as_text=True)
    assert 'value="09:30"' in form and 'value="10:00"' in form
    assert re.search(rf'<option selected value="{site.room_ids[1]}"|<option value="{site.room_ids[1]}" selected', form)
    assert re.search(r'<option selected value="2026-12-04"|<option value="2026-12-04" selected', form)
    assert 'name="view" type="hidden" value="timetable"' in form or 'value="timetable"' in form
    # in a session: the session's room
    form = client.get(f"{site.editor}/new?parent={ids['parallel']}&start=10:30&view=timetable").get_data(as_text=True)
    assert re.search(rf'<option selected value="{site.room_ids[1]}"|<option value="{site.room_ids[1]}" selected', form)


def test_lanes_put_overlapping_blocks_side_by_side():
    def block(name, start, end):
        return Block(name, name, "report", start, end, "", "", "", "", 1, False, "none")

    blocks = [block("a", 0, 60), block("b", 30, 90), block("c", 60, 120), block("d", 200, 230),
              block("flag", 300, 305), block("purpose", 305, 315), block("speech", 320, 360)]
    lanes(blocks)
    assert [(b.lane, b.lanes) for b in blocks] == [(0, 2), (1, 2), (0, 2), (0, 1), (0, 2), (1, 2), (0, 1)], \
        "a five-minute item is drawn 15 minutes long: the next ones stand beside it"


def test_hostile_place_bodies_are_refused_with_a_message(client, site):
    ids = build(site)
    english(client, site)
    csrf = meta_csrf(client.get(f"{site.editor}/timetable").get_data(as_text=True))
    url = f"{site.editor}/{ids['press']}/place"
    for body in ([1, 2], "x", {"starts_at": 5}, {"starts_at": "2026-12-03T25:99"}, {"room_id": "\x00"},
                 {"parent_id": ids["press"]}, {"ends_at": "9" * 5000}, {"version": "1"}, {"title": "x"},
                 {"parent_id": ids["clash"]}):
        answer = client.post(url, json=body, headers={"X-CSRFToken": csrf})
        assert answer.status_code < 500, body
        print(body if len(str(body)) < 80 else "long", answer.status_code, answer.get_data(as_text=True)[:200])
        # the service's refusals come as JSON with their message; the app's input gate (a NUL) as its page
        assert answer.status_code == 200 or (answer.json or {}).get("detail") or body == {"room_id": "\x00"}, body
    answer = client.post(url, data="{", headers={"X-CSRFToken": csrf, "Content-Type": "application/json"})
    assert answer.status_code < 500
