"""The elections' JSON API as DESIGN.md describes it: elections, candidates in ballot order, rounds with the
tally, 409 for a stale tally, 422 with every problem named, corrections, and other organizations' 404."""

from __future__ import annotations

import pytest

from tests.elections.conftest import make_congress


class _Ref:
    def __init__(self, id: int, organization_id: int):
        self.id = id
        self.organization_id = organization_id


@pytest.fixture
def api(app, factory, committee):
    with app.test_request_context():
        congress = make_congress(delegates=12)
        ids = {"meeting": congress.meeting.public_id, "people": [p.public_id for p in congress.delegates],
               "org": congress.org.id}
        owner = _Ref(congress.user.id, congress.org.id)
    token = factory.token(owner)
    return app.test_client(), {"Authorization": f"Bearer {token}"}, ids


def test_an_election_from_list_to_result(api):
    client, headers, ids = api
    created = client.post(f"/api/v1/meetings/{ids['meeting']}/elections", headers=headers,
                          json={"body": "executive_committee", "seats": 3, "title": "Bầu Ban Chấp hành",
                                "seats_decision": "Đại hội biểu quyết 12/12 tán thành"})
    assert created.status_code == 201, created.json
    election = created.json
    assert election["status"] == "preparing" and election["base_count"] == 12 and election["surplus_warning"]
    url = f"/api/v1/elections/{election['id']}"
    for person in ids["people"][:4]:
        added = client.post(f"{url}/candidates", headers=headers, json={"participant_id": person})
        assert added.status_code == 201, added.json
    listed = client.get(f"{url}/candidates", headers=headers).json
    assert listed["total"] == 4 and [c["position"] for c in listed["items"]] == [1, 2, 3, 4]
    assert client.get(url, headers=headers).json["surplus_warning"] is None
    started = client.post(f"{url}/rounds", headers=headers, json={})
    assert started.status_code == 201, started.json
    held = started.json
    assert held["number"] == 1 and held["base_count"] == 12 and held["printed"] == 22
    round_url = f"/api/v1/rounds/{held['id']}"
    votes = [{"candidate_id": c, "votes": n} for c, n in zip(held["candidate_ids"], [11, 10, 7, 4], strict=True)]
    tally = client.patch(round_url, headers=headers, json={
        "issued": 12, "returned": 12, "valid": 11, "invalid": 1, "invalid_reasons": {"all_struck": 1},
        "votes": votes, "status": "counting", "version": held["version"]})
    assert tally.status_code == 200, tally.json
    # a second clerk with the version read before: refused
    stale = client.patch(round_url, headers=headers, json={"valid": 12, "invalid": 0, "version": held["version"]})
    assert stale.status_code == 409 and stale.mimetype == "application/problem+json"
    closed = client.patch(round_url, headers=headers, json={"status": "closed", "version": tally.json["version"]})
    assert closed.status_code == 200, closed.json
    result = closed.json
    assert [r["elected"] for r in result["results"]] == [True, True, True, False]
    assert result["results"][0]["percent"] == 91.67 and not result["another_round_needed"]
    assert client.get(url, headers=headers).json["status"] == "closed"
    again = client.patch(round_url, headers=headers, json={"valid": 10, "invalid": 2})
    assert again.status_code == 409
    corrected = client.patch(round_url, headers=headers, json={
        "valid": 10, "invalid": 2, "invalid_reasons": {"all_struck": 2},
        "votes": [{"candidate_id": held["candidate_ids"][0], "votes": 10},
                  {"candidate_id": held["candidate_ids"][2], "votes": 6}],
        "correction_reason": "Kiểm lại theo đề nghị của Đoàn Chủ tịch"})
    assert corrected.status_code == 200, corrected.json
    assert corrected.json["corrections"][0]["reason"].startswith("Kiểm lại")
    assert [r["elected"] for r in corrected.json["results"]] == [True, True, False, False]
    assert corrected.json["another_round_needed"]
    rounds = client.get(f"{url}/rounds", headers=headers).json
    assert rounds["total"] == 1


def test_figures_that_do_not_add_up_answer_422_with_each_problem(api):
    client, headers, ids = api
    election = client.post(f"/api/v1/meetings/{ids['meeting']}/elections", headers=headers,
                           json={"body": "secretary", "seats": 1}).json
    url = f"/api/v1/elections/{election['id']}"
    client.post(f"{url}/candidates", headers=headers, json={"participant_id": ids["people"][0]})
    held = client.post(f"{url}/rounds", headers=headers, json={}).json
    answer = client.patch(f"/api/v1/rounds/{held['id']}", headers=headers, json={
        "issued": 10, "returned": 11, "valid": 9, "invalid": 1,
        "votes": [{"candidate_id": held["candidate_ids"][0], "votes": 10}]})
    assert answer.status_code == 422
    fields = {e["field"] for e in answer.json["errors"]}
    assert {"returned", "votes"} <= fields
    assert client.get(f"/api/v1/rounds/{held['id']}", headers=headers).json["issued"] == 0


def test_a_floor_nomination_below_the_threshold_is_refused(api):
    client, headers, ids = api
    election = client.post(f"/api/v1/meetings/{ids['meeting']}/elections", headers=headers,
                           json={"body": "executive_committee", "seats": 3}).json
    answer = client.post(f"/api/v1/elections/{election['id']}/candidates", headers=headers,
                         json={"participant_id": ids["people"][0], "nominated_by": "floor", "agreeing": 3,
                               "present": 12})
    assert answer.status_code == 422 and answer.json["errors"][0]["field"] == "agreeing"
    named = client.post(f"/api/v1/elections/{election['id']}/candidates", headers=headers,
                        json={"full_name": "Hoàng Văn Thụ", "nominated_by": "floor", "agreeing": 4, "present": 12})
    assert named.status_code == 201 and named.json["participant_id"] is None
    assert client.delete(f"/api/v1/candidates/{named.json['id']}", headers=headers).status_code == 204


def test_other_organizations_find_nothing(api, app, factory):
    client, headers, ids = api
    election = client.post(f"/api/v1/meetings/{ids['meeting']}/elections", headers=headers,
                           json={"body": "secretary", "seats": 1}).json
    other = factory.user(factory.organization(), role="admin", clearance="top_secret")
    foreign = {"Authorization": f"Bearer {factory.token(other)}"}
    assert client.get(f"/api/v1/elections/{election['id']}", headers=foreign).status_code == 404
    assert client.get(f"/api/v1/meetings/{ids['meeting']}/elections", headers=foreign).status_code == 404
    assert client.post(f"/api/v1/elections/{election['id']}/candidates", headers=foreign,
                       json={"full_name": "Nguyễn Văn A"}).status_code == 404


def test_openapi_documents_the_routes(api):
    client, _headers, _ids = api
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"/api/v1/meetings/{meeting_id}/elections", "/api/v1/elections/{election_id}",
            "/api/v1/elections/{election_id}/candidates", "/api/v1/candidates/{candidate_id}",
            "/api/v1/elections/{election_id}/rounds", "/api/v1/rounds/{round_id}"} <= set(paths)


def test_the_list_of_elections_reads_no_more_for_more_elections(app, api):
    """The list names each election's seats vote and counts: read for all at once, not once per election."""
    from tests.queries import counting

    client, headers, ids = api
    url = f"/api/v1/meetings/{ids['meeting']}/elections"

    def add(n: int) -> None:
        for i in range(n):
            made = client.post(url, headers=headers, json={
                "body": "executive_committee", "seats": 3, "title": f"Bầu cử {i}",
                "seats_decision": "Đại hội biểu quyết 12/12 tán thành"})
            assert made.status_code == 201, made.json

    def statements() -> int:
        with counting(app) as seen:
            assert client.get(url, headers=headers).status_code == 200
        return len(seen)

    add(1)
    one = statements()
    add(3)
    assert statements() == one
