"""The meetings API: CRUD, lists with limit/offset, the status workflow, rooms, occurrences, errors as
problem+json, scoping, and the OpenAPI document."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from planner.extensions import db
from tests.meetings.conftest import make_site


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api(client, app, factory):
    site = make_site(app)
    from tests.conftest import _Ref

    token = factory.token(_Ref(site.user_id, site.email, site.org_id, ""))

    class Api:
        def __getattr__(self, method):
            def call(path, **kw):
                return getattr(client, method)(f"/api/v1{path}", headers=auth(token), **kw)
            return call

    Api.site = site
    return Api()


CONFERENCE = {"title": "Hội nghị tổng kết năm 2026", "kind": "conference", "starts_on": "2026-12-03",
              "ends_on": "2026-12-04", "start_time": "07:30", "end_time": "17:00", "venue": "Hội trường A"}


def test_create_read_update_and_list(api):
    created = api.post("/meetings", json=CONFERENCE)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert isinstance(body["id"], str) and len(body["id"]) == 32
    assert body["status"] == "draft" and body["timezone"] == "Asia/Ho_Chi_Minh"
    assert body["start_time"].startswith("07:30") and body["ends_on"] == "2026-12-04"
    assert body["programme_url"] is None and body["feed_url"] is None
    assert body["presiding_ids"] == [] and body["recurrence"] is None
    assert body["created_at"].endswith("+00:00")
    meeting_id = body["id"]
    got = api.get(f"/meetings/{meeting_id}").get_json()
    got["title"] = "Hội nghị sơ kết"
    patched = api.patch(f"/meetings/{meeting_id}", json=got)  # what GET answered can go back as it is
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["title"] == "Hội nghị sơ kết"
    for i in range(3):
        api.post("/meetings", json={"title": f"Cuộc họp {i}", "starts_on": f"2027-01-0{i + 1}"})
    page = api.get("/meetings?limit=2&offset=1").get_json()
    assert page["total"] == 4 and len(page["items"]) == 2
    assert [m["title"] for m in api.get("/meetings?q=so+ket").get_json()["items"]] == ["Hội nghị sơ kết"]
    assert api.get("/meetings?from=2027-01-02&to=2027-01-02").get_json()["total"] == 1
    assert api.get("/meetings?kind=conference").get_json()["total"] == 1
    assert api.get("/meetings?status=bogus").status_code == 422


def test_bad_input_is_a_422_problem(api):
    cases = [
        {**CONFERENCE, "ends_on": "2026-12-01"},
        {**CONFERENCE, "timezone": "Nowhere/City"},
        {**CONFERENCE, "kind": "party"},
        {**CONFERENCE, "recurrence": "FREQ=HOURLY"},
        {**CONFERENCE, "status": "closed"},
        {"title": "Thiếu ngày"},
        {**CONFERENCE, "bogus": 1},
    ]
    for data in cases:
        response = api.post("/meetings", json=data)
        assert response.status_code == 422, data
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["detail"]
    tz = api.post("/meetings", json={**CONFERENCE, "timezone": "Nowhere/City"}).get_json()
    assert "Nowhere/City" in tz["detail"]
    assert api.get("/meetings").get_json()["total"] == 0


def test_status_workflow_and_stale_versions(api, app):
    body = api.post("/meetings", json={**CONFERENCE, "status": "published"}).get_json()
    assert body["status"] == "published"
    meeting_id = body["id"]
    refused = api.patch(f"/meetings/{meeting_id}", json={"status": "archived"})
    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    stale = api.patch(f"/meetings/{meeting_id}", json={"title": "Mới", "version": body["version"] - 1})
    assert stale.status_code == 409
    assert api.get(f"/meetings/{meeting_id}").get_json()["title"] == CONFERENCE["title"]
    # A refused status move changes nothing else of the same request either.
    both = api.patch(f"/meetings/{meeting_id}", json={"title": "Mới", "status": "archived"})
    assert both.status_code == 409
    assert api.get(f"/meetings/{meeting_id}").get_json()["title"] == CONFERENCE["title"]
    for status in ("in_progress", "closed"):
        assert api.patch(f"/meetings/{meeting_id}", json={"status": status}).status_code == 200
    assert api.patch(f"/meetings/{meeting_id}", json={"title": "Sau khi đóng"}).status_code == 409
    assert api.post(f"/meetings/{meeting_id}/rooms", json={"name": "Phòng 1"}).status_code == 409
    assert api.patch(f"/meetings/{meeting_id}", json={"status": "archived"}).get_json()["status"] == "archived"
    assert api.delete(f"/meetings/{meeting_id}").status_code == 409


def test_programme_url_only_for_published_unclassified_meetings(api, app):
    has_page = "agenda.public_programme" in app.view_functions
    draft = api.post("/meetings", json=CONFERENCE).get_json()
    assert draft["programme_url"] is None
    published = api.patch(f"/meetings/{draft['id']}", json={"status": "published"}).get_json()
    if has_page:
        assert published["programme_url"].startswith("http://") and "/" in published["programme_url"]
    else:
        assert published["programme_url"] is None
    internal = api.patch(f"/meetings/{draft['id']}", json={"classification": "internal"}).get_json()
    assert internal["programme_url"] is None


def test_delete_a_draft(api):
    meeting_id = api.post("/meetings", json=CONFERENCE).get_json()["id"]
    assert api.delete(f"/meetings/{meeting_id}").status_code == 204
    assert api.get(f"/meetings/{meeting_id}").status_code == 404


def test_rooms(api):
    meeting_id = api.post("/meetings", json=CONFERENCE).get_json()["id"]
    hall = api.post(f"/meetings/{meeting_id}/rooms", json={"name": "Hội trường A", "capacity": 500})
    assert hall.status_code == 201
    assert api.post(f"/meetings/{meeting_id}/rooms", json={"name": "Hội trường A"}).status_code == 422
    assert api.post(f"/meetings/{meeting_id}/rooms", json={"name": "Phòng", "capacity": 0}).status_code == 422
    api.post(f"/meetings/{meeting_id}/rooms", json={"name": "Phòng họp 1", "capacity": 60})
    rooms = api.get(f"/meetings/{meeting_id}/rooms").get_json()
    assert rooms["total"] == 2 and [r["name"] for r in rooms["items"]] == ["Hội trường A", "Phòng họp 1"]
    room_id = hall.get_json()["id"]
    assert api.patch(f"/meetings/{meeting_id}/rooms/{room_id}", json={"capacity": 450}).get_json()["capacity"] == 450
    assert api.delete(f"/meetings/{meeting_id}/rooms/{room_id}").get_json() == {"agenda_items_without_room": 0}
    assert api.get(f"/meetings/{meeting_id}/rooms/{room_id}").status_code == 404


def test_recurring_meeting_with_a_cancelled_and_a_moved_occurrence(api):
    body = api.post("/meetings", json={"title": "Giao ban", "kind": "briefing", "starts_on": "2026-11-23",
                                       "start_time": "08:00", "end_time": "10:00",
                                       "recurrence": "FREQ=WEEKLY;BYDAY=MO;UNTIL=20261231"}).get_json()
    assert body["recurrence"] == "FREQ=WEEKLY;BYDAY=MO;UNTIL=20261231T165959Z"
    meeting_id = body["id"]
    cancelled = api.put(f"/meetings/{meeting_id}/occurrences/2026-12-07", json={"cancelled": True, "note": "Nghỉ"})
    assert cancelled.status_code == 200 and cancelled.get_json()["cancelled"] is True
    moved = api.put(f"/meetings/{meeting_id}/occurrences/2026-11-30",
                    json={"new_date": "2026-12-01", "new_start_time": "14:00", "new_end_time": "16:00"})
    assert moved.status_code == 200
    assert moved.get_json()["starts_at"] == "2026-12-01T14:00:00+07:00"
    listing = api.get(f"/meetings/{meeting_id}/occurrences?from=2026-11-01&to=2027-03-01").get_json()
    assert listing["total"] == 6  # 23/11 … 28/12, UNTIL 31/12
    assert [(o["date"], o["cancelled"], o["moved"]) for o in listing["items"][:3]] == [
        ("2026-11-23", False, False), ("2026-12-01", False, True), ("2026-12-07", True, False)]
    assert api.put(f"/meetings/{meeting_id}/occurrences/2026-11-24", json={"cancelled": True}).status_code == 404
    assert api.put(f"/meetings/{meeting_id}/occurrences/not-a-day", json={"cancelled": True}).status_code == 422
    assert api.delete(f"/meetings/{meeting_id}/occurrences/2026-12-07").status_code == 204
    assert api.get(f"/meetings/{meeting_id}/occurrences/2026-12-07").get_json()["cancelled"] is False


def test_other_organization_and_classified_are_404(api, client, app, factory):
    mine = api.post("/meetings", json={**CONFERENCE, "classification": "confidential"}).get_json()["id"]
    from tests.conftest import _OrgRef

    viewer = factory.user(_OrgRef(api.site.org_id, "", ""), role="viewer", clearance="internal")
    stranger = factory.user(role="admin", clearance="top_secret")
    for token in (factory.token(viewer), factory.token(stranger)):
        for path in (f"/meetings/{mine}", f"/meetings/{mine}/rooms", f"/meetings/{mine}/occurrences"):
            response = client.get(f"/api/v1{path}", headers=auth(token))
            assert response.status_code == 404 and response.mimetype == "application/problem+json"
        assert client.get("/api/v1/meetings", headers=auth(token)).get_json()["total"] == 0
    viewer_token = factory.token(viewer)
    assert client.post("/api/v1/meetings", json=CONFERENCE, headers=auth(viewer_token)).status_code == 403


def test_presiding_ids_through_the_api(api, app):
    meeting_id = api.post("/meetings", json=CONFERENCE).get_json()["id"]
    with app.test_request_context():
        from planner.meetings.models import Meeting
        from tests.meetings.conftest import open_office

        office = open_office(api.site)
        meeting = db.session.scalar(db.select(Meeting).where(Meeting.public_id == meeting_id))
        a = office.participant(meeting, "Nguyễn", "Văn", "An").public_id
        b = office.participant(meeting, "Trần", "Thị", "Bình").public_id
    body = api.patch(f"/meetings/{meeting_id}", json={"presiding_ids": [b, a], "secretary_ids": [a]}).get_json()
    assert body["presiding_ids"] == [b, a] and body["secretary_ids"] == [a]
    unknown = api.patch(f"/meetings/{meeting_id}", json={"presiding_ids": ["nobody"]})
    assert unknown.status_code == 422 and "nobody" in unknown.get_json()["detail"]


def test_openapi_describes_the_meeting_routes(client):
    from openapi_spec_validator import validate

    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    paths = spec["paths"]
    assert set(paths["/api/v1/meetings"]) >= {"get", "post"}
    assert set(paths["/api/v1/meetings/{meeting_id}"]) >= {"get", "patch", "delete"}
    assert set(paths["/api/v1/meetings/{meeting_id}/rooms"]) >= {"get", "post"}
    assert "/api/v1/meetings/{meeting_id}/occurrences/{original_date}" in paths
    fields = spec["components"]["schemas"]["Meeting"]["properties"]
    assert {"title", "kind", "classification", "status", "timezone", "starts_on", "ends_on", "venue", "city",
            "language", "description", "recurrence", "presiding_ids", "secretary_ids", "programme_url",
            "feed_url"} <= set(fields)
    assert fields["programme_url"]["readOnly"] is True


def test_feed_url_is_the_public_feed_of_a_published_unclassified_meeting(api, client):
    draft = api.post("/meetings", json=CONFERENCE).get_json()
    assert draft["feed_url"] is None  # a draft has no public feed
    published = api.patch(f"/meetings/{draft['id']}", json={"status": "published"}).get_json()
    feed = urlsplit(published["feed_url"])
    assert feed.scheme == "http" and feed.path.endswith(".ics")
    answer = client.get(feed.path)  # no header, no token: as a calendar app polls it
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    assert "Hội nghị tổng kết năm 2026" in answer.get_data(as_text=True).replace("\r\n ", "")
    internal = api.patch(f"/meetings/{draft['id']}", json={"classification": "internal"}).get_json()
    assert internal["feed_url"] is None
    assert client.get(feed.path).status_code == 404


def test_create_with_chairs_from_the_directory(api, app):
    from planner.delegates import services as delegates
    from tests.meetings.conftest import open_office

    with app.test_request_context():
        office = open_office(api.site)
        a = delegates.create_person(office.org, {"full_name": "Nguyễn Văn An", "title": "Bí thư Thành ủy"}).public_id
        b = delegates.create_person(office.org, {"full_name": "Trần Thị Bình"}).public_id
    body = api.post("/meetings", json={**CONFERENCE, "presiding_ids": [f"person:{b}", f"person:{a}"]}).get_json()
    assert len(body["presiding_ids"]) == 2
    listed = api.get(f"/meetings/{body['id']}/participants").get_json()["items"]
    by_id = {p["id"]: p for p in listed}
    assert [by_id[i]["full_name"] for i in body["presiding_ids"]] == ["Trần Thị Bình", "Nguyễn Văn An"]
    assert by_id[body["presiding_ids"][1]]["category"] == "leader"
    refused = api.post("/meetings", json={**CONFERENCE, "presiding_ids": ["person:nobody"]})
    assert refused.status_code == 422


def test_a_meeting_refused_for_its_people_leaves_nothing_behind(api, app):
    """The first presiding person is put on the list before the second is refused: the request rolls the whole
    unit back, so there is no meeting without the people it was asked for, and no stray participant."""
    from sqlalchemy import func, select

    from planner.delegates import services as delegates
    from planner.delegates.models import Participant
    from planner.meetings.models import Meeting
    from tests.meetings.conftest import open_office

    with app.test_request_context():
        office = open_office(api.site)
        a = delegates.create_person(office.org, {"full_name": "Nguyễn Văn An"}).public_id

    def counts() -> tuple[int, int]:
        with app.app_context():
            return (db.session.scalar(select(func.count(Meeting.id))),
                    db.session.scalar(select(func.count(Participant.id))))

    before = counts()
    refused = api.post("/meetings", json={**CONFERENCE, "presiding_ids": [f"person:{a}", "person:nobody"]})
    assert refused.status_code == 422
    assert counts() == before
