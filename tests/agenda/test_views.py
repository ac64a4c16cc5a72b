"""The agenda pages: the editor, its forms, drag and drop, the releases and the programme pages."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from planner.agenda import services
from planner.agenda.models import AgendaItem
from planner.extensions import db
from tests.agenda.conftest import local
from tests.conftest import meta_csrf
from tests.minutes.conftest import pdf_text


def english(client, site):
    client.login(site.email)
    client.post_form("/language", {"language": "en"})
    return client


def item_state(site, public_id: str) -> dict | None:
    with site.open() as conf:
        item = db.session.scalar(select(AgendaItem).where(AgendaItem.public_id == public_id))
        if item is None:
            return None
        return {"title": item.title, "parent": item.parent.public_id if item.parent else None,
                "start": services.local(conf.meeting, item.starts_at), "status": item.status.value}


def titles(site) -> list[str]:
    with site.open() as conf:
        return [i.title for i in services.list_items(conf.meeting, conf.user)]


def form_fields(html: str) -> dict[str, object]:
    """The fields of the item form as the browser would send them back."""
    form = html[html.index('class="card agenda-form"'):]
    data: dict[str, object] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and name.group(1) not in ("csrf_token", "presiding_ids") and value:
            data[name.group(1)] = value.group(1)
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', body)
        if chosen:
            data[name] = chosen.group(1) or chosen.group(2)
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[name] = body.strip()
    picker = re.search(r'<select[^>]*name="presiding_ids"[^>]*>(.*?)</select>', form, re.S)
    data["presiding_ids"] = [a or b for a, b in re.findall(
        r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', picker.group(1) if picker else "")]
    return data


def test_editor_shows_days_sessions_items_and_warnings(client, site):
    with site.open() as conf:
        session = conf.session("Phiên khai mạc", "08:00", "11:30", room=conf.rooms[0], presiding=[conf.people[0]])
        conf.item("Báo cáo chính trị", "08:30", "09:30", session=session)
        conf.item("Họp báo", "09:00", "10:00", room=conf.rooms[1], presiding=[conf.people[0]])
        conf.item("Bế mạc", "16:00", "16:30", day=2)
        session_id = session.public_id
    html = english(client, site).get(site.editor).get_data(as_text=True)
    assert html.count('class="agenda-day"') == 2
    assert "Phiên khai mạc" in html and "Báo cáo chính trị" in html and "Bế mạc" in html
    assert re.search(r'class="agenda-list agenda-children" data-parent="' + session_id, html)
    assert "Nguyễn Văn An" in html
    assert html.count('class="agenda-warnings"') == 2  # the session and the press briefing share a chair
    assert "Nguyễn Văn An is also needed in “Họp báo” at the same time." in html
    assert "08:00 – 11:30" in html
    assert "Sortable.min.js" in html and 'data-reorder-url="' in html
    assert "Not published yet" in html


def test_a_viewer_reads_the_agenda_without_edit_controls(client, site, factory):
    with site.open() as conf:
        conf.item("Báo cáo", "08:00", "09:00")
    viewer = factory.user(type("O", (), {"id": site.org_id})(), role="viewer", clearance="internal")
    client.login(viewer.email)
    html = client.get(site.editor).get_data(as_text=True)
    assert "Báo cáo" in html
    assert "/agenda/new" not in html and "Sortable.min.js" not in html
    assert client.get(f"{site.editor}/new").status_code == 403


def test_add_an_item_through_the_form(client, site):
    english(client, site)
    url = f"{site.editor}/new"
    fields = form_fields(client.get(url).get_data(as_text=True))
    assert fields["day"] == "2026-12-03" and fields["start"] == "08:00" and fields["end"] == "08:30"
    response = client.post_form(url, {**fields, "kind": "opening", "title": "Khai mạc hội nghị",
                                      "room_id": site.room_ids[0], "presiding_ids": [site.people_ids[1]]})
    assert response.status_code == 302
    with site.open():
        item = db.session.scalar(select(AgendaItem))
        assert item.title == "Khai mạc hội nghị"
        assert [p.public_id for p in item.presiding] == [site.people_ids[1]]
    assert "“Khai mạc hội nghị” was added." in client.get(response.location).get_data(as_text=True)
    # the next new item starts where this one ends
    assert form_fields(client.get(url).get_data(as_text=True))["start"] == "08:30"


def test_co_presiding_keep_the_order_chosen(client, site):
    """Two presiding persons sent second-then-first (the picker sends its chips' order) keep that order,
    and the edit form draws them in it, so sending it back unchanged keeps it."""
    english(client, site)
    url = f"{site.editor}/new"
    chosen = [site.people_ids[1], site.people_ids[0]]
    response = client.post_form(url, {**form_fields(client.get(url).get_data(as_text=True)), "kind": "opening",
                                      "title": "Khai mạc", "room_id": site.room_ids[0], "presiding_ids": chosen})
    assert response.status_code == 302
    with site.open():
        item = db.session.scalar(select(AgendaItem))
        assert [p.public_id for p in item.presiding] == chosen
        edit = f"{site.editor}/{item.public_id}/edit"
    assert form_fields(client.get(edit).get_data(as_text=True))["presiding_ids"] == chosen


def test_bad_input_in_the_form_gets_a_message_and_saves_nothing(client, site):
    english(client, site)
    url = f"{site.editor}/new"
    base = {"kind": "report", "title": "Báo cáo", "parent_id": "", "day": "2026-12-03", "start": "09:00",
            "end": "10:00", "room_id": "", "classification": "none", "status": "scheduled"}
    cases = [
        ({"end": "08:00"}, "The item must end after it starts."),
        ({"room_id": "forged-room"}, "Not a valid choice"),
        ({"day": "2026-12-24"}, "Not a valid choice"),
        ({"title": ""}, "This field is required."),
        ({"start": "late"}, "Write the time as hh:mm on the 24-hour clock"),
        ({"start": "2:30 PM"}, "Write the time as hh:mm on the 24-hour clock"),
        ({"presiding_ids": ["forged"]}, "not a valid choice"),
    ]
    for change, words in cases:
        response = client.post_form(url, {**base, **change})
        assert response.status_code == 200, change
        html = response.get_data(as_text=True)
        assert words in html, change
        assert 'value="Báo cáo"' in html or change == {"title": ""}  # what was typed stays
    assert titles(site) == []


def test_an_item_outside_its_session_is_refused_in_the_form(client, site):
    with site.open() as conf:
        session_id = conf.session("Phiên 1", "08:00", "10:00").public_id
    response = english(client, site).post_form(f"{site.editor}/new", {
        "kind": "report", "title": "Quá giờ", "parent_id": session_id, "day": "2026-12-03",
        "start": "09:30", "end": "10:30", "room_id": "", "classification": "none", "status": "scheduled"})
    assert response.status_code == 200
    assert "The item lies outside its session “Phiên 1” (08:00–10:00)." in response.get_data(as_text=True)
    assert titles(site) == ["Phiên 1"]


def test_a_stale_edit_shows_both_versions_and_loses_nothing(client, site):
    with site.open() as conf:
        item_id = conf.item("Báo cáo", "08:00", "09:00").public_id
    url = f"{site.editor}/{item_id}/edit"
    mine = form_fields(english(client, site).get(url).get_data(as_text=True))
    assert mine["version"] == "1"
    with site.open() as conf:  # someone else saves first
        services.update_item(services.get_meeting_item(conf.meeting, item_id, user=conf.user),
                             {"title": "Báo cáo của người khác"}, user=conf.user)
    mine["title"] = "Báo cáo của tôi"
    response = client.post_form(url, mine)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone else saved this item meanwhile" in html
    assert "Báo cáo của người khác" in html            # what is saved, shown
    assert 'value="Báo cáo của tôi"' in html            # what I typed, kept in the form
    assert item_state(site, item_id)["title"] == "Báo cáo của người khác"
    again = client.post_form(url, form_fields(html))    # saving again overwrites, knowingly
    assert again.status_code == 302
    assert item_state(site, item_id)["title"] == "Báo cáo của tôi"


def test_deleting_a_session_asks_about_its_items(client, site):
    with site.open() as conf:
        session = conf.session("Phiên 1", "08:00", "10:00")
        conf.item("Báo cáo", "08:00", "09:00", session=session)
        session_id, version = session.public_id, session.version
    url = f"{site.editor}/{session_id}/delete"
    page = english(client, site).get(url).get_data(as_text=True)
    assert "This session holds 1 item:" in page
    refused = client.post_form(url, {"version": str(version)})
    assert refused.status_code == 200
    assert "Confirm that it goes with the session" in refused.get_data(as_text=True)
    assert titles(site) == ["Phiên 1", "Báo cáo"]
    done = client.post_form(url, {"version": str(version), "with_items": "y"})
    assert done.status_code == 302
    assert titles(site) == []


def test_move_buttons_shift_and_move_session(client, site):
    with site.open() as conf:
        a = conf.item("Chào cờ", "08:00", "08:10", kind="ceremony").public_id
        b = conf.item("Tuyên bố lý do", "08:00", "08:10", kind="ceremony").public_id
        session = conf.session("Phiên chiều", "13:30", "17:00").public_id
    english(client, site)
    assert client.post_form(f"{site.editor}/{b}/move", {"direction": "up"}).status_code == 302
    assert titles(site)[:2] == ["Tuyên bố lý do", "Chào cờ"]
    first = client.post_form(f"{site.editor}/{b}/move", {"direction": "up"})
    assert "Only items that start at the same time" in client.get(first.location).get_data(as_text=True)
    shifted = client.post_form(f"{site.editor}/{a}/shift", {"minutes": "10"})
    assert "items moved by 10 minutes" in client.get(shifted.location).get_data(as_text=True)
    client.post_form(f"{site.editor}/{session}/day", {"day": "2026-12-04"})
    assert item_state(site, a)["start"].strftime("%H:%M") == "08:10"
    assert item_state(site, session)["start"].date() == date(2026, 12, 4)
    client.post_form(f"{site.editor}/{a}/status", {"status": "cancelled"})
    assert item_state(site, a)["status"] == "cancelled"


def test_drag_and_drop_posts_json_with_the_csrf_header(client, site):
    with site.open() as conf:
        session = conf.session("Phiên 1", "08:00", "11:00").public_id
        item = conf.item("Báo cáo", "09:00", "10:00").public_id
        late = conf.item("Bế mạc", "11:30", "12:00").public_id
    english(client, site)
    token = meta_csrf(client.get(site.editor).get_data(as_text=True))
    url = f"{site.editor}/reorder"
    body = {"item": item, "parent": session, "order": [item]}
    assert client.post(url, json=body).status_code == 400  # no CSRF token
    ok = client.post(url, json=body, headers={"X-CSRFToken": token})
    assert ok.status_code == 200 and ok.get_json() == {"ok": True}
    assert item_state(site, item)["parent"] == session
    refused = client.post(url, json={"item": late, "parent": session, "order": [item, late]},
                          headers={"X-CSRFToken": token})
    assert refused.status_code == 422 and refused.get_json()["ok"] is False
    assert "outside its session" in client.get(site.editor).get_data(as_text=True)  # flashed for the reload
    with site.open() as conf:
        session_item = services.get_meeting_item(conf.meeting, session, user=conf.user)
        first = conf.item("Chào cờ", "08:00", "08:10", session=session_item).public_id
        second = conf.item("Tuyên bố lý do", "08:00", "08:10", session=session_item).public_id
    swapped = client.post(url, json={"item": second, "parent": session, "order": [second, first, item]},
                          headers={"X-CSRFToken": token})
    assert swapped.status_code == 200
    assert titles(site)[1:3] == ["Tuyên bố lý do", "Chào cờ"]


def test_copy_from_another_meeting(client, site):
    from planner.meetings import services as meetings

    with site.open() as conf:
        conf.item("Báo cáo", "08:00", "09:00", room=conf.rooms[0])
        target = meetings.create_meeting(conf.org, conf.user, title="Hội nghị sơ kết", kind="conference",
                                         starts_on=date(2027, 6, 1), ends_on=date(2027, 6, 2)).public_id
    url = f"/meetings/{target}/agenda/copy"
    assert "Hội nghị tổng kết công tác năm 2026" in english(client, site).get(url).get_data(as_text=True)
    assert client.post_form(url, {"source": site.meeting_id}).status_code == 302
    again = client.post_form(url, {"source": site.meeting_id})
    assert "has 1 agenda item already" in again.get_data(as_text=True)


def test_publish_and_view_releases(client, site):
    with site.open() as conf:
        item = conf.item("Báo cáo", "08:00", "09:00").public_id
    english(client, site)
    url = f"/meetings/{site.meeting_id}/releases"
    assert "Added: “Báo cáo”." in client.get(url).get_data(as_text=True)
    response = client.post_form(url, {"note": "Gửi đại biểu"})
    assert response.status_code == 302 and response.location.endswith("/releases/1")
    with site.open() as conf:
        services.update_item(services.get_meeting_item(conf.meeting, item, user=conf.user),
                             {"starts_at": local(1, "08:30"), "ends_at": local(1, "09:30")}, user=conf.user)
    html = client.get(site.editor).get_data(as_text=True)
    assert "Changes since version 1" in html
    assert "“Báo cáo” moved from 08:00–09:00 to 08:30–09:30." in html
    client.post_form(url, {"note": ""})
    page = client.get(f"{url}/2").get_data(as_text=True)
    assert "Version 2" in page and "“Báo cáo” moved from 08:00–09:00 to 08:30–09:30." in page
    assert "Gửi đại biểu" in client.get(url).get_data(as_text=True)
    refused = client.post_form(url, {"note": ""})
    assert "Nothing has changed since version 2" in refused.get_data(as_text=True)
    assert client.get(f"{url}/9").status_code == 404


def make_public(site, code="hn2026", **changes):
    from planner.meetings.models import MeetingStatus

    with site.open() as conf:
        conf.meeting.status = changes.pop("status", MeetingStatus.published)
        conf.meeting.public_code = code
        for key, value in changes.items():
            setattr(conf.meeting, key, value)
        db.session.commit()


def test_public_programme_shows_the_published_version_to_anyone(client, site):
    with site.open() as conf:
        session = conf.session("Phiên khai mạc", "08:00", "11:30", room=conf.rooms[0], presiding=[conf.people[0]])
        conf.item("Báo cáo chính trị", "08:30", "09:30", session=session, performer="Lãnh đạo Văn phòng")
        conf.item("Nội dung nội bộ", "09:30", "10:00", session=session, classification="internal")
        conf.item("Nội dung mật", "10:00", "10:30", session=session, classification="confidential")
        conf.item("Giải lao", "15:00", "15:15", kind="break")
    assert client.get("/p/hn2026").status_code == 404
    make_public(site)
    html = client.get("/p/hn2026").get_data(as_text=True)
    assert "Báo cáo chính trị" not in html  # nothing published yet
    with site.open() as conf:
        services.publish(conf.meeting, user=conf.user)
        conf.item("Chưa công bố", "16:00", "16:30")
    html = client.get("/p/hn2026").get_data(as_text=True)
    assert "Báo cáo chính trị" in html and "Lãnh đạo Văn phòng" in html and "Phiên khai mạc" in html
    assert "Nguyễn Văn An" in html and "Hội trường A" in html
    assert "Nội dung nội bộ" not in html and "Nội dung mật" not in html
    assert "Chưa công bố" not in html
    main = html.split("<main")[1]
    assert "<script" not in main and "<form" not in main.split("</main>")[0]  # complete without JavaScript


def test_public_programme_names_the_office_and_offers_the_calendar_and_the_pdf(client, site):
    with site.open() as conf:
        conf.meeting.organization.parent_name = "Tỉnh ủy Đà Nẵng"
        conf.item("Báo cáo chính trị", "08:30", "09:30")
        conf.item("Nội dung mật", "10:00", "10:30", classification="confidential")
        db.session.commit()
    make_public(site)
    assert client.get("/p/hn2026/programme.pdf").status_code == 404  # nothing published yet
    with site.open() as conf:
        services.publish(conf.meeting, user=conf.user)
        conf.item("Chưa công bố", "16:00", "16:30")
        office = conf.meeting.organization.name
    html = client.get("/p/hn2026").get_data(as_text=True)
    assert "Tỉnh ủy Đà Nẵng" in html and office in html
    assert 'href="webcal://localhost/feeds/public/hn2026.ics"' in html
    assert 'value="http://localhost/feeds/public/hn2026.ics"' in html
    assert 'class="feed-qr"' in html and "<svg" in html  # drawn on the server
    assert 'href="/p/hn2026/programme.pdf"' in html
    pdf = client.get("/p/hn2026/programme.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert client.get("/p/hn2026/programme.pdf", headers={"If-None-Match": pdf.headers["ETag"]}).status_code == 304
    text = pdf_text(pdf.data)
    assert "Báo cáo chính trị" in text
    assert "Chưa công bố" not in text and "Nội dung mật" not in text  # the published version, public items only


def test_public_programme_answers_304_until_a_new_release_or_a_change_of_the_page(client, site, app):
    from planner.agenda import views

    with site.open() as conf:
        conf.item("Báo cáo chính trị", "08:30", "09:30")
        services.publish(conf.meeting, user=conf.user)
    make_public(site)
    first = client.get("/p/hn2026")
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag.startswith('"') and "no-cache" in first.headers["Cache-Control"]
    assert "private" in first.headers["Cache-Control"]      # the frame holds the visitor's CSRF token
    again = client.get("/p/hn2026", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag and not again.data
    # The content is kept per release: served again without building the programme.
    built = []
    real = views.programme_rules.build
    views.programme_rules.build = lambda *a, **k: built.append(1) or real(*a, **k)
    try:
        assert client.get("/p/hn2026").get_data(as_text=True) == first.get_data(as_text=True)
        assert built == []
        with site.open() as conf:
            conf.item("Bế mạc", "16:00", "16:30")
            services.publish(conf.meeting, user=conf.user)
        changed = client.get("/p/hn2026", headers={"If-None-Match": etag})
        assert changed.status_code == 200 and changed.headers["ETag"] != etag and "Bế mạc" in changed.get_data(
            as_text=True) and built == [1]
    finally:
        views.programme_rules.build = real
    etag = changed.headers["ETag"]
    make_public(site, venue="Hội trường mới")        # a change of the meeting is a new page
    moved = client.get("/p/hn2026", headers={"If-None-Match": etag})
    assert moved.status_code == 200 and "Hội trường mới" in moved.get_data(as_text=True)
    client.post_form("/language", {"language": "en"})   # another language is another page
    english_page = client.get("/p/hn2026", headers={"If-None-Match": moved.headers["ETag"]})
    assert english_page.status_code == 200 and '<html lang="en">' in english_page.get_data(as_text=True)
    # Each visitor's copy holds their own session's CSRF token: another session, another ETag.
    other = app.test_client().get("/p/hn2026")
    assert other.status_code == 200 and other.headers["ETag"] != english_page.headers["ETag"]


def test_public_programme_has_no_etag_for_a_signed_in_user(client, site):
    with site.open() as conf:
        conf.item("Báo cáo chính trị", "08:30", "09:30")
        services.publish(conf.meeting, user=conf.user)
    make_public(site)
    client.login(site.email)
    response = client.get("/p/hn2026")
    assert response.status_code == 200 and "ETag" not in response.headers   # their frame is theirs


def test_the_print_view_shows_the_published_version_once_there_is_one(client, site):
    with site.open() as conf:
        conf.item("Báo cáo chính trị", "08:30", "09:30")
    client.login(site.email)
    url = f"/meetings/{site.meeting_id}/programme"
    draft = client.get(url).get_data(as_text=True)
    assert "programme-draft" in draft  # before the first publication: the working draft
    with site.open() as conf:
        services.publish(conf.meeting, user=conf.user)
        conf.item("Chưa công bố", "16:00", "16:30")
    printed = client.get(url).get_data(as_text=True)
    assert "Báo cáo chính trị" in printed and "Chưa công bố" not in printed and "programme-draft" not in printed
    assert "Bản 1, công bố lúc" in printed
    working = client.get(url + "?draft=1").get_data(as_text=True)
    assert "Chưa công bố" in working and "programme-draft" in working


def test_public_programme_is_not_there_for_drafts_or_classified_meetings(client, site):
    from planner.meetings.models import MeetingStatus

    with site.open() as conf:
        conf.item("Báo cáo", "08:00", "09:00")
        services.publish(conf.meeting, user=conf.user)
    make_public(site)
    assert client.get("/p/hn2026").status_code == 200
    make_public(site, classification="internal")
    assert client.get("/p/hn2026").status_code == 404
    make_public(site, classification="none", status=MeetingStatus.draft)
    assert client.get("/p/hn2026").status_code == 404
    assert client.get("/p/nothing").status_code == 404


def test_staff_programme_shows_what_their_clearance_admits(client, site, factory):
    with site.open() as conf:
        conf.item("Công khai", "08:00", "09:00")
        conf.item("Nội bộ", "09:00", "10:00", classification="internal")
        conf.item("Tuyệt đối mật", "10:00", "11:00", classification="confidential")
    url = f"/meetings/{site.meeting_id}/programme"
    html = english(client, site).get(url).get_data(as_text=True)
    assert "Công khai" in html and "Nội bộ" in html and "Tuyệt đối mật" in html
    assert "Working draft" in html
    client.logout()
    low = factory.user(type("O", (), {"id": site.org_id})(), role="viewer", clearance="internal")
    client.login(low.email)
    html = client.get(url).get_data(as_text=True)
    assert "Công khai" in html and "Nội bộ" in html and "Tuyệt đối mật" not in html


def test_classified_views_are_audited(client, site):
    from planner.core.audit import AuditEntry

    with site.open() as conf:
        conf.item("Mật", "10:00", "11:00", classification="confidential")
    english(client, site).get(site.editor)
    with site.open():
        assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "agenda.viewed"))


def test_another_organizations_meeting_is_not_found(client, site, factory):
    other = factory.user(role="admin", clearance="secret")
    client.login(other.email)
    assert client.get(site.editor).status_code == 404
    assert client.get(f"/meetings/{site.meeting_id}/programme").status_code == 404


def test_without_participants_the_presiding_field_points_to_the_delegates(client, site):
    from planner.delegates.models import Participant

    with site.open() as conf:
        for participant in db.session.scalars(select(Participant).where(Participant.meeting_id == conf.meeting.id)):
            db.session.delete(participant)
        db.session.commit()
    html = english(client, site).get(f"{site.editor}/new").get_data(as_text=True)
    assert "This meeting has no participants yet" in html
    assert 'name="presiding_ids"' not in html


def test_row_buttons_submit_the_pages_one_action_form_to_their_own_address(client, site):
    """The ↑ ↓ and cancel buttons of a row have no form of their own: what a browser sends when one is
    pressed (the action form's fields, the button's name and value, to its formaction) does the change."""
    import lxml.html

    with site.open() as conf:
        a = conf.item("Chào cờ", "08:00", "08:10", kind="ceremony").public_id
        b = conf.item("Tuyên bố lý do", "08:00", "08:10", kind="ceremony").public_id
    english(client, site)
    html = lxml.html.fromstring(client.get(site.editor).get_data(as_text=True))
    [form] = html.xpath('//form[@id="agenda-action"]')
    fields = {i.get("name"): i.get("value") for i in form.xpath(".//input")}
    assert fields.keys() == {"csrf_token"} and fields["csrf_token"]

    def press(item_id: str, value: str):
        [button] = html.xpath(f'//li[@id="item-{item_id}"]//button[@value="{value}"]')
        assert button.get("form") == "agenda-action" and button.get("disabled") is None
        return client.post(button.get("formaction"), data={**fields, button.get("name"): value})

    assert press(b, "up").status_code == 302
    assert titles(site)[:2] == ["Tuyên bố lý do", "Chào cờ"]
    assert press(a, "cancelled").status_code == 302
    assert item_state(site, a)["status"] == "cancelled"


def test_each_rows_buttons_carry_its_own_address_title_and_day(client, site):
    """The row buttons are rendered once per shape and stamped with each row's id and title
    (core/stamps.py): every row still has its own addresses, its title escaped, its state and, for a
    session, its own day chosen."""
    import lxml.html

    odd = 'Tọa đàm <b>"mở"</b> & \'tự do\''
    with site.open() as conf:
        first = conf.session("Phiên thứ nhất", "08:00", "11:00").public_id
        second = conf.session("Phiên thứ hai", "08:00", "11:00", day=2).public_id
        plain = conf.item(odd, "13:30", "14:00").public_id
        cancelled = conf.item("Họp báo", "14:00", "14:30")
        services.update_item(cancelled, {"status": "cancelled"}, user=conf.user)
        cancelled = cancelled.public_id
    english(client, site)
    text = client.get(site.editor).get_data(as_text=True)
    assert "<b>" not in text and "Tọa đàm &lt;b&gt;&#34;mở&#34;&lt;/b&gt; &amp; &#39;tự do&#39;" in text
    html = lxml.html.fromstring(text)

    def row(item_id: str):
        [li] = html.xpath(f'//li[@id="item-{item_id}"]')
        return li

    for item_id in (first, second, plain, cancelled):
        actions = row(item_id).xpath('./div[@class="agenda-row" or starts-with(@class, "agenda-row ")]'
                                     '/div[@class="agenda-actions"]')[0]
        assert actions.xpath(".//a")[0].get("href") == f"{site.editor}/{item_id}/edit"
        assert actions.xpath(".//form")[0].get("action") == f"{site.editor}/{item_id}/shift"
        assert actions.xpath(".//input[@name='minutes']")[0].get("id") == f"shift-{item_id}"
        assert {b.get("formaction") for b in actions.xpath(".//button[@name='status']")} == {
            f"{site.editor}/{item_id}/status"}
    assert row(plain).xpath('.//a[contains(@href, "/edit")]/span')[0].text_content() == f" {odd}"
    assert row(cancelled).xpath(".//button[@name='status']")[0].get("value") == "scheduled"
    assert row(plain).xpath(".//button[@name='status']")[0].get("value") == "cancelled"
    assert [o.get("value") for o in row(first).xpath(f'.//select[@id="day-{first}"]/option[@selected]')] == [
        "2026-12-03"]
    assert [o.get("value") for o in row(second).xpath(f'.//select[@id="day-{second}"]/option[@selected]')] == [
        "2026-12-04"]
    assert not row(plain).xpath(".//select")
