"""The votes' JSON API (DESIGN.md "Stable interfaces"): list, create, read, open, count, close, correct;
problem+json errors, 404 across organizations, 409 on a stale version."""

from __future__ import annotations

import pytest

from tests.votes.conftest import make_congress, today


class _Ref:
    def __init__(self, id: int, organization_id: int):
        self.id = id
        self.organization_id = organization_id


@pytest.fixture
def api(app, factory):
    with app.test_request_context():
        congress = make_congress(day=today())
        ids = {"item": congress.resolution.public_id, "session": congress.session.public_id,
               "delegates": [p.public_id for p in congress.delegates]}
        owner = _Ref(congress.user.id, congress.org.id)
        other = make_congress(day=today())
        other_owner = _Ref(other.user.id, other.org.id)
        viewer = factory.user(type("Org", (), {"id": congress.org.id})(), role="viewer")
    headers = {"Authorization": f"Bearer {factory.token(owner)}"}
    return app.test_client(), headers, ids, {"Authorization": f"Bearer {factory.token(other_owner)}"}, \
        {"Authorization": f"Bearer {factory.token(viewer)}"}


def test_a_vote_from_draft_to_closed_and_corrected(api):
    client, headers, ids, _other, _viewer = api
    url = f"/api/v1/agenda-items/{ids['item']}/votes"
    assert client.get(url, headers=headers).json == {"items": [], "total": 0}
    created = client.post(url, headers=headers, json={"title": "Thông qua Nghị quyết Đại hội",
                                                      "majority": "two_thirds"})
    assert created.status_code == 201
    body = created.json
    assert (body["status"], body["method"], body["base"], body["majority"]) == ("draft", "show_of_hands", "present",
                                                                                "two_thirds")
    assert body["id"] and body["present"] is None and body["adopted"] is None
    vote_url = f"/api/v1/votes/{body['id']}"

    opened = client.patch(vote_url, headers=headers, json={"status": "open", "version": body["version"]})
    assert opened.status_code == 200, opened.json
    assert (opened.json["status"], opened.json["present"], opened.json["base_count"]) == ("open", 8, 8)
    assert opened.json["opened_at"].endswith("+07:00")

    too_many = client.patch(vote_url, headers=headers, json={"yes": 6, "no": 2, "abstain": 1})
    assert too_many.status_code == 422
    assert too_many.headers["Content-Type"].startswith("application/problem+json")
    assert "8" in too_many.json["detail"]

    closed = client.patch(vote_url, headers=headers, json={"yes": 6, "no": 1, "abstain": 0, "status": "closed",
                                                           "version": opened.json["version"]})
    assert closed.status_code == 200
    assert {k: closed.json[k] for k in ("yes", "no", "abstain", "not_voting", "adopted", "percent")} == {
        "yes": 6, "no": 1, "abstain": 0, "not_voting": 1, "adopted": True, "percent": 75.0}

    refused = client.patch(vote_url, headers=headers, json={"yes": 4})
    assert refused.status_code == 422   # a closed vote changes only with the reason of the correction
    corrected = client.patch(vote_url, headers=headers, json={"yes": 5, "no": 2, "reason": "Đếm lại"})
    assert corrected.status_code == 200 and corrected.json["adopted"] is False
    assert corrected.json["corrections"][0]["before"]["yes"] == 6
    assert client.patch(vote_url, headers=headers, json={"status": "open"}).status_code == 409
    listed = client.get(url, headers=headers).json
    assert listed["total"] == 1 and listed["items"][0]["id"] == body["id"]


def test_two_clerks_saving_the_same_vote_at_once(api):
    client, headers, ids, _other, _viewer = api
    vote = client.post(f"/api/v1/agenda-items/{ids['item']}/votes", headers=headers,
                       json={"title": "Thông qua Quy chế"}).json
    url = f"/api/v1/votes/{vote['id']}"
    opened = client.patch(url, headers=headers, json={"status": "open"}).json
    first = client.patch(url, headers=headers, json={"yes": 7, "no": 1, "version": opened["version"]})
    second = client.patch(url, headers=headers, json={"yes": 2, "no": 6, "version": opened["version"]})
    assert first.status_code == 200 and second.status_code == 409
    assert second.headers["Content-Type"].startswith("application/problem+json")
    assert client.get(url, headers=headers).json["yes"] == 7


def test_bad_input_other_organizations_and_roles(api):
    client, headers, ids, other, viewer = api
    url = f"/api/v1/agenda-items/{ids['item']}/votes"
    for bad in ({}, {"title": ""}, {"title": "x", "method": "shouting"}, {"title": "x", "majority": "most"},
                {"title": "x", "base": "everyone"}, {"title": "x", "yes": 3}, {"title": "x" * 1001}):
        answer = client.post(url, headers=headers, json=bad)
        assert answer.status_code == 422, bad
    assert client.post(f"/api/v1/agenda-items/{ids['session']}/votes", headers=headers,
                       json={"title": "x"}).status_code == 422
    vote = client.post(url, headers=headers, json={"title": "Thông qua"}).json
    assert client.get(f"/api/v1/votes/{vote['id']}", headers=other).status_code == 404
    assert client.patch(f"/api/v1/votes/{vote['id']}", headers=other, json={"status": "open"}).status_code == 404
    assert client.get(url, headers=other).status_code == 404
    assert client.get(f"/api/v1/votes/{vote['id']}", headers=viewer).status_code == 200
    assert client.patch(f"/api/v1/votes/{vote['id']}", headers=viewer, json={"status": "open"}).status_code == 403
    assert client.patch(f"/api/v1/votes/{vote['id']}", headers=headers, json={"yes": -1}).status_code == 422
    named = client.post(url, headers=headers, json={"title": "Biểu quyết từng người", "method": "named"}).json
    opened = client.patch(f"/api/v1/votes/{named['id']}", headers=headers, json={"status": "open"})
    assert client.patch(f"/api/v1/votes/{named['id']}", headers=headers, json={"yes": 1}).status_code == 422
    assert opened.json["voted"] == 0


def test_the_openapi_document_names_the_routes(api):
    client, *_ = api
    spec = client.get("/api/v1/openapi.json").json
    assert {"get", "post"} <= set(spec["paths"]["/api/v1/agenda-items/{item_id}/votes"])
    assert {"get", "patch"} <= set(spec["paths"]["/api/v1/votes/{vote_id}"])
