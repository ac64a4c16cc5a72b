"""The speakers lists' JSON API: list, create, read, change, delete; the status rules; permissions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.speeches.models import Speech
from tests.speeches.conftest import make_hall


@pytest.fixture
def api(app, factory):
    with app.test_request_context():
        hall = make_hall()
        first = hall.speech(person=0, title="Báo cáo chuyên đề", minutes=10)
        ids = {"meeting": hall.meeting.public_id, "item": hall.discussion.public_id, "report": hall.report.public_id,
               "first": first.public_id, "people": [p.public_id for p in hall.people], "org": hall.org.id}
        owner = _Ref(hall.user.id, hall.org.id)
    token = factory.token(owner)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    return client, headers, ids, factory


class _Ref:
    def __init__(self, id: int, organization_id: int):
        self.id = id
        self.organization_id = organization_id


def token_for(factory, org_id, role, clearance="secret"):
    user = factory.user(type("Org", (), {"id": org_id})(), role=role, clearance=clearance)
    return {"Authorization": f"Bearer {factory.token(user)}"}


def test_list_create_read_update_delete(api):
    client, headers, ids, _factory = api
    url = f"/api/v1/agenda-items/{ids['item']}/speeches"
    listed = client.get(url, headers=headers)
    assert listed.status_code == 200 and listed.json["total"] == 1
    assert listed.json["items"][0]["speaker"] == "Nguyễn Văn An"

    created = client.post(url, headers=headers, json={"participant_id": ids["people"][1], "kind": "discussion",
                                                      "title": "Ý kiến thảo luận", "allotted_seconds": 300,
                                                      "position": 1})
    assert created.status_code == 201
    body = created.json
    assert body["id"] and body["position"] == 1 and body["status"] == "approved" and body["texts"] == []
    assert [s["speaker"] for s in client.get(url, headers=headers).json["items"]] == ["Trần Thị Bình",
                                                                                     "Nguyễn Văn An"]

    one = client.get(f"/api/v1/speeches/{body['id']}", headers=headers)
    assert one.status_code == 200 and one.json["agenda_item_id"] == ids["item"]

    patched = client.patch(f"/api/v1/speeches/{body['id']}", headers=headers,
                           json={"title": "Ý kiến về đô thị", "position": 2, "version": one.json["version"]})
    assert patched.status_code == 200 and patched.json["position"] == 2 and patched.json["title"] == "Ý kiến về đô thị"
    stale = client.patch(f"/api/v1/speeches/{body['id']}", headers=headers,
                         json={"title": "Cũ", "version": one.json["version"]})
    assert stale.status_code == 409 and stale.headers["Content-Type"] == "application/problem+json"

    assert client.delete(f"/api/v1/speeches/{body['id']}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/speeches/{body['id']}", headers=headers).status_code == 404


def test_status_moves_run_the_clock(api):
    client, headers, ids, _factory = api
    url = f"/api/v1/speeches/{ids['first']}"
    started = client.patch(url, headers=headers, json={"status": "speaking"})
    assert started.status_code == 200 and started.json["started_at"] is not None
    assert started.json["started_at"].endswith("+07:00")   # local time with its offset
    refused = client.patch(url, headers=headers, json={"status": "requested"})
    assert refused.status_code == 409 and refused.json["detail"]
    done = client.patch(url, headers=headers, json={"status": "done"})
    assert done.status_code == 200 and done.json["ended_at"] is not None
    assert client.delete(url, headers=headers).status_code == 409   # delivered: stays for the minutes


@pytest.mark.parametrize("payload", [
    {"participant_id": "nobody"},
    {"kind": "discussion"},
    {"participant_id": "X", "allotted_seconds": -1},
    {"participant_id": "X", "status": "done"},
    {"participant_id": "X", "kind": "break"},
])
def test_bad_input_is_a_clear_422(api, payload):
    client, headers, ids, _factory = api
    payload = {k: (ids["people"][0] if v == "X" else v) for k, v in payload.items()}
    response = client.post(f"/api/v1/agenda-items/{ids['item']}/speeches", headers=headers, json=payload)
    assert response.status_code == 422, response.json
    assert response.json["detail"]


def test_secretaries_write_summaries_only(api):
    client, _headers, ids, factory = api
    secretary = token_for(factory, ids["org"], "secretary")
    url = f"/api/v1/speeches/{ids['first']}"
    assert client.patch(url, headers=secretary, json={"summary": "Nội dung chính của tham luận."}).status_code == 200
    assert client.patch(url, headers=secretary, json={"title": "Khác"}).status_code == 403
    assert client.post(f"/api/v1/agenda-items/{ids['item']}/speeches", headers=secretary,
                       json={"participant_id": ids["people"][1]}).status_code == 403
    viewer = token_for(factory, ids["org"], "viewer")
    assert client.get(url, headers=viewer).json["summary"] == "Nội dung chính của tham luận."
    assert client.patch(url, headers=viewer, json={"summary": "x"}).status_code == 403


def test_requests_to_speak(api, app):
    client, headers, ids, _factory = api
    url = f"/api/v1/agenda-items/{ids['item']}/speech-requests"
    response = client.post(url, headers=headers, json={"participant_id": ids["people"][3], "title": "Xin phát biểu"})
    assert response.status_code == 201 and response.json["status"] == "requested"
    assert response.json["requested_by_delegate"] is True
    assert client.post(url, headers=headers, json={"participant_id": ids["people"][3]}).status_code == 409
    report = f"/api/v1/agenda-items/{ids['report']}/speech-requests"
    assert client.post(report, headers=headers, json={"participant_id": ids["people"][2]}).status_code == 403
    assert client.post(url, headers=headers, json={"participant_id": "nobody"}).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(Speech).where(Speech.status == "requested")).title == "Xin phát biểu"


def test_other_organizations_get_404(api):
    client, _headers, ids, factory = api
    stranger = token_for(factory, factory.organization().id, "admin", "top_secret")
    assert client.get(f"/api/v1/speeches/{ids['first']}", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/agenda-items/{ids['item']}/speeches", headers=stranger).status_code == 404


def test_the_openapi_document_describes_the_routes(app):
    client = app.test_client()
    spec = client.get("/api/v1/openapi.json").json
    for path in ("/api/v1/agenda-items/{item_id}/speeches", "/api/v1/speeches/{speech_id}",
                 "/api/v1/agenda-items/{item_id}/speech-requests"):
        assert path in spec["paths"], path
    assert set(spec["paths"]["/api/v1/speeches/{speech_id}"]) >= {"get", "patch", "delete"}
    fields = spec["components"]["schemas"]["Speech"]["properties"]
    assert {"participant_id", "kind", "title", "position", "allotted_seconds", "status", "summary"} <= set(fields)
