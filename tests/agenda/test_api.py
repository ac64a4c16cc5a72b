"""The agenda's JSON API: items, conflicts, releases; errors as problem+json."""

from __future__ import annotations


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


def token_for(site, factory) -> str:
    class Ref:
        id = site.user_id
        organization_id = site.org_id

    return factory.token(Ref())


def test_items_crud_with_local_times(client, site, factory):
    h = auth(token_for(site, factory))
    base = f"/api/v1/meetings/{site.meeting_id}"
    session = client.post(f"{base}/agenda-items", headers=h, json={
        "kind": "session", "title": "Phiên khai mạc", "starts_at": "2026-12-03T08:00:00",
        "ends_at": "2026-12-03T11:30:00", "room_id": site.room_ids[0], "presiding_ids": site.people_ids[:2]})
    assert session.status_code == 201, session.get_json()
    body = session.get_json()
    assert body["starts_at"] == "2026-12-03T08:00:00+07:00"
    assert body["presiding_ids"] == site.people_ids[:2] and body["room_id"] == site.room_ids[0]
    item = client.post(f"{base}/agenda-items", headers=h, json={
        "parent_id": body["id"], "kind": "report", "title": "Báo cáo", "starts_at": "2026-12-03T01:30:00Z",
        "ends_at": "2026-12-03T09:30:00+07:00"}).get_json()
    assert item["starts_at"] == "2026-12-03T08:30:00+07:00" and item["parent_id"] == body["id"]

    listed = client.get(f"{base}/agenda-items", headers=h).get_json()
    assert listed["total"] == 2 and [i["title"] for i in listed["items"]] == ["Phiên khai mạc", "Báo cáo"]
    assert client.get(f"{base}/agenda-items?limit=1&offset=1", headers=h).get_json()["items"][0]["id"] == item["id"]

    patched = client.patch(f"/api/v1/agenda-items/{item['id']}", headers=h,
                           json={"title": "Báo cáo chính trị", "version": item["version"]})
    assert patched.status_code == 200 and patched.get_json()["title"] == "Báo cáo chính trị"
    stale = client.patch(f"/api/v1/agenda-items/{item['id']}", headers=h,
                         json={"title": "Cũ", "version": item["version"]})
    assert stale.status_code == 409 and stale.mimetype == "application/problem+json"
    assert "Someone else saved this item" in stale.get_json()["detail"]

    refused = client.delete(f"/api/v1/agenda-items/{body['id']}", headers=h)
    assert refused.status_code == 409
    assert client.delete(f"/api/v1/agenda-items/{body['id']}?with_items=true", headers=h).status_code == 204
    assert client.get(f"/api/v1/agenda-items/{item['id']}", headers=h).status_code == 404


def test_bad_input_is_a_clear_problem(client, site, factory):
    h = auth(token_for(site, factory))
    url = f"/api/v1/meetings/{site.meeting_id}/agenda-items"
    good = {"title": "Báo cáo", "starts_at": "2026-12-03T09:00:00", "ends_at": "2026-12-03T10:00:00"}
    cases = [
        ({"ends_at": "2026-12-03T08:00:00"}, "ends_at", "The item must end after it starts."),
        ({"room_id": "nope"}, "room_id", "Unknown room"),
        ({"starts_at": "2026-12-24T09:00:00", "ends_at": "2026-12-24T10:00:00"}, "starts_at", "outside the meeting"),
        ({"presiding_ids": ["nobody"]}, "presiding_ids", "participants of this meeting"),
        ({"kind": "party"}, "kind", None),
    ]
    for change, field, words in cases:
        response = client.post(url, headers=h, json={**good, **change})
        assert response.status_code == 422, change
        problem = response.get_json()
        assert response.mimetype == "application/problem+json"
        assert field in {e["field"] for e in problem["errors"]}, problem
        if words:
            assert words in problem["detail"]
    assert client.get(url, headers=h).get_json()["total"] == 0


def test_conflicts_endpoint(client, site, factory):
    h = auth(token_for(site, factory))
    url = f"/api/v1/meetings/{site.meeting_id}/agenda-items"
    a = client.post(url, headers=h, json={"title": "A", "starts_at": "2026-12-03T08:00:00",
                                          "ends_at": "2026-12-03T09:00:00", "room_id": site.room_ids[1]}).get_json()
    b = client.post(url, headers=h, json={"title": "B", "starts_at": "2026-12-03T08:30:00",
                                          "ends_at": "2026-12-03T09:30:00", "room_id": site.room_ids[1]}).get_json()
    body = client.get(f"/api/v1/meetings/{site.meeting_id}/conflicts", headers=h).get_json()
    assert body == {"items": [{"kind": "room", "agenda_item_ids": [a["id"], b["id"]],
                               "detail": "“A” and “B” use room Phòng họp B at the same time."}], "total": 1}


def test_releases_endpoint(client, site, factory):
    h = auth(token_for(site, factory))
    url = f"/api/v1/meetings/{site.meeting_id}/agenda-items"
    item = client.post(url, headers=h, json={"title": "Báo cáo", "starts_at": "2026-12-03T08:00:00",
                                             "ends_at": "2026-12-03T09:00:00"}).get_json()
    releases = f"/api/v1/meetings/{site.meeting_id}/releases"
    first = client.post(releases, headers=h, json={"note": "v1"})
    assert first.status_code == 201
    assert first.get_json()["number"] == 1 and first.get_json()["changes"][0]["change"] == "added"
    client.patch(f"/api/v1/agenda-items/{item['id']}", headers=h, json={"status": "cancelled"})
    second = client.post(releases, headers=h, json={}).get_json()
    assert second["changes"] == [{"change": "cancelled", "item": item["id"], "title": "Báo cáo", "kind": "other",
                                  "starts_at": "2026-12-03T01:00:00+00:00", "text": "Cancelled: “Báo cáo”."}]
    again = client.post(releases, headers=h, json={})
    assert again.status_code == 409
    listed = client.get(releases, headers=h).get_json()
    assert [r["number"] for r in listed["items"]] == [2, 1] and listed["total"] == 2
    assert listed["items"][0]["created_at"].endswith("+07:00")


def test_permissions_and_other_organizations(client, site, factory):
    class OrgRef:
        id = site.org_id

    viewer = factory.token(factory.user(OrgRef(), role="viewer", clearance="internal"))
    outsider = factory.token(factory.user(role="admin", clearance="top_secret"))
    url = f"/api/v1/meetings/{site.meeting_id}/agenda-items"
    item = {"title": "A", "starts_at": "2026-12-03T08:00:00", "ends_at": "2026-12-03T09:00:00"}
    assert client.get(url, headers=auth(viewer)).status_code == 200
    assert client.post(url, headers=auth(viewer), json=item).status_code == 403
    assert client.get(url, headers=auth(outsider)).status_code == 404
    assert client.get(f"/api/v1/meetings/{site.meeting_id}/conflicts", headers=auth(outsider)).status_code == 404


def test_openapi_documents_the_agenda(client):
    spec = client.get("/api/v1/openapi.json").get_json()  # tests/api validates the whole document
    paths = spec["paths"]
    assert set(paths["/api/v1/meetings/{meeting_id}/agenda-items"]) >= {"get", "post"}
    assert set(paths["/api/v1/agenda-items/{item_id}"]) >= {"get", "patch", "delete"}
    assert "get" in paths["/api/v1/meetings/{meeting_id}/conflicts"]
    assert set(paths["/api/v1/meetings/{meeting_id}/releases"]) >= {"get", "post"}
