"""The delegates' JSON API: list with order and search, create, patch, delete, import, check-in."""

from __future__ import annotations

import io
import threading

import pytest

from tests.delegates.conftest import cp1258


@pytest.fixture
def api(client, factory, org):
    user = factory.user(org, role="organizer", clearance="secret")
    token = factory.token(user)

    def call(method: str, url: str, **kwargs):
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        return client.open(f"/api/v1{url}", method=method, headers=headers, **kwargs)

    return call


def test_list_orders_searches_and_pages(api, delegates, org):
    meeting = delegates.meeting(org)
    for name, data in (("Trần Văn Bình", {}), ("Nguyễn Văn Nên", {"title": "Ủy viên Bộ Chính trị"}),
                       ("Lê Thị An", {"unit": "Sở Y tế"}), ("Nguyễn Văn Đức", {"unit": "Ban Tổ chức"})):
        delegates.participant(org, meeting, name, **data)
    body = api("GET", f"/meetings/{meeting}/participants").get_json()
    assert body["total"] == 4
    assert body["items"][0]["full_name"] == "Nguyễn Văn Nên"
    by_name = api("GET", f"/meetings/{meeting}/participants?order=name").get_json()
    assert [p["given_name"] for p in by_name["items"]] == ["An", "Bình", "Đức", "Nên"]
    found = api("GET", f"/meetings/{meeting}/participants?q=nguyen%20van&order=name&limit=1&offset=1").get_json()
    assert found["total"] == 2 and [p["full_name"] for p in found["items"]] == ["Nguyễn Văn Nên"]
    bad = api("GET", f"/meetings/{meeting}/participants?order=random")
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"


def test_create_get_patch_delete(api, delegates, org):
    meeting = delegates.meeting(org)
    created = api("POST", f"/meetings/{meeting}/participants", json={
        "full_name": "Nguyễn Thị Minh Khai", "title": "Bí thư Thành ủy", "category": "guest",
        "email": "Khai@Example.vn"})
    assert created.status_code == 201
    data = created.get_json()
    assert (data["family_name"], data["middle_name"], data["given_name"]) == ("Nguyễn", "Thị Minh", "Khai")
    assert data["precedence"] is None and data["email"] == "khai@example.vn" and data["attendance"] is None
    pid = data["id"]
    # Same person again: already on the list.
    assert api("POST", f"/meetings/{meeting}/participants", json={"full_name": "Nguyễn Thị Minh Khai",
                                                                  "email": "khai@example.vn"}).status_code == 409
    assert api("POST", f"/meetings/{meeting}/participants", json={"title": "x"}).status_code == 422
    patched = api("PATCH", f"/participants/{pid}", json={
        "precedence": 2, "rsvp": "accepted", "attendance": "excused", "absence_reason": "Công tác",
        "version": data["version"]})
    assert patched.status_code == 200
    body = patched.get_json()
    assert (body["precedence"], body["rsvp"], body["attendance"], body["absence_reason"]) == (
        2, "accepted", "excused", "Công tác")
    stale = api("PATCH", f"/participants/{pid}", json={"seat": "A1", "version": data["version"]})
    assert stale.status_code == 409
    assert api("PATCH", f"/participants/{pid}", json={"category": "nobody"}).status_code == 422
    assert api("GET", f"/participants/{pid}").get_json()["attendance_days"][0]["status"] == "excused"
    assert api("DELETE", f"/participants/{pid}").status_code == 204
    assert api("GET", f"/participants/{pid}").status_code == 404


def test_secretary_may_record_attendance_only(client, factory, delegates, org):
    secretary = factory.token(factory.user(org, role="secretary"))
    meeting = delegates.meeting(org)
    pid = delegates.participant(org, meeting, "Trần Văn Bình")
    headers = {"Authorization": f"Bearer {secretary}"}
    ok = client.patch(f"/api/v1/participants/{pid}", json={"attendance": "present"}, headers=headers)
    assert ok.status_code == 200 and ok.get_json()["attendance"] == "present"
    assert client.patch(f"/api/v1/participants/{pid}", json={"title": "x"}, headers=headers).status_code == 403
    assert client.post(f"/api/v1/meetings/{meeting}/participants", json={"full_name": "A B"},
                       headers=headers).status_code == 403


def test_other_organization_is_not_found(api, delegates, factory):
    stranger = factory.organization()
    meeting = delegates.meeting(stranger)
    pid = delegates.participant(stranger, meeting, "Trần Văn Bình")
    assert api("GET", f"/meetings/{meeting}/participants").status_code == 404
    assert api("GET", f"/participants/{pid}").status_code == 404
    assert api("POST", f"/participants/{pid}/check-in").status_code == 404


def _import(api, meeting, data: bytes, name: str, dry_run: bool = False):
    return api("POST", f"/meetings/{meeting}/participants/import",
               data={"file": (io.BytesIO(data), name), "dry_run": "true" if dry_run else "false"},
               content_type="multipart/form-data")


def test_import_dry_run_commit_and_errors(api, delegates, org):
    meeting = delegates.meeting(org)
    text = "Họ và tên,Chức vụ,Đơn vị,Thành phần\r\nNguyễn Thị Thủy,Phó Giám đốc,Sở Văn hóa,Đại biểu\r\n" \
           "Đặng Văn Ước,Chủ tịch UBND huyện,UBND huyện Hòa Vang,Khách mời\r\n"
    dry = _import(api, meeting, cp1258(text), "cu.csv", dry_run=True)
    assert dry.status_code == 200
    assert dry.get_json()["created"] == 2 and dry.get_json()["dry_run"] is True
    in_query = api("POST", f"/meetings/{meeting}/participants/import?dry_run=true",
                   data={"file": (io.BytesIO(cp1258(text)), "cu.csv")}, content_type="multipart/form-data")
    assert in_query.get_json()["dry_run"] is True
    assert api("GET", f"/meetings/{meeting}/participants").get_json()["total"] == 0
    done = _import(api, meeting, cp1258(text), "cu.csv")
    assert (done.get_json()["created"], done.get_json()["updated"]) == (2, 0)
    assert done.get_json()["mapping"]["Họ và tên"] == "full_name"
    again = _import(api, meeting, cp1258(text), "cu.csv")
    assert (again.get_json()["created"], again.get_json()["updated"]) == (0, 0)
    bad = _import(api, meeting, "Họ và tên,Email\nA Văn B,x\n,y@example.vn\n".encode(), "bad.csv")
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    errors = bad.get_json()["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(2, "Email"), (3, "Họ và tên")]
    assert all(e["detail"] for e in errors)
    assert api("GET", f"/meetings/{meeting}/participants").get_json()["total"] == 2
    empty = _import(api, meeting, b"", "empty.csv")
    assert empty.status_code == 422 and empty.get_json()["detail"]
    png = _import(api, meeting, b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "photo.csv")
    assert png.status_code == 422
    missing = api("POST", f"/meetings/{meeting}/participants/import", data={}, content_type="multipart/form-data")
    assert missing.status_code == 422


def test_check_in_by_id_and_code_is_idempotent(api, delegates, org):
    meeting = delegates.meeting(org)
    pid = delegates.participant(org, meeting, "Trần Văn Bình")
    code = api("GET", f"/participants/{pid}").get_json()["badge_code"]
    first = api("POST", f"/participants/{pid}/check-in")
    assert first.status_code == 200 and first.get_json()["already"] is False
    assert first.get_json()["participant"]["attendance"] == "present"
    assert first.get_json()["checked_in_at"].endswith("+07:00")
    again = api("POST", f"/meetings/{meeting}/check-in", json={"code": f" {code[:4]}-{code[4:].lower()} "})
    assert again.status_code == 200 and again.get_json()["already"] is True
    assert api("POST", f"/meetings/{meeting}/check-in", json={"code": "ZZZZ9999"}).status_code == 404
    assert api("POST", f"/meetings/{meeting}/check-in", json={}).status_code == 422


def test_check_in_outside_the_meeting_days_is_a_conflict(api, delegates, org):
    from datetime import timedelta

    meeting = delegates.meeting(org, starts_on=delegates.today() + timedelta(days=5))
    pid = delegates.participant(org, meeting, "Trần Văn Bình")
    response = api("POST", f"/participants/{pid}/check-in")
    assert response.status_code == 409 and response.get_json()["detail"]


def test_many_simultaneous_check_ins_over_http_count_once(app, factory, delegates, org):
    """Eight doors post the same check-in at once, each in its own thread and database session."""
    from sqlalchemy import func, select

    from planner.delegates.models import ParticipantAttendance
    from planner.extensions import db

    token = factory.token(factory.user(org, role="organizer"))
    meeting = delegates.meeting(org)
    pid = delegates.participant(org, meeting, "Trần Văn Bình")
    doors = 8
    start = threading.Barrier(doors, timeout=10)
    answers: list = []

    def door():
        client = app.test_client()
        start.wait()
        response = client.post(f"/api/v1/participants/{pid}/check-in", headers={"Authorization": f"Bearer {token}"})
        answers.append((response.status_code, (response.get_json() or {}).get("already")))

    threads = [threading.Thread(target=door) for _ in range(doors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answers) == [(200, False)] + [(200, True)] * (doors - 1)
    with app.app_context():
        assert db.session.scalar(select(func.count(ParticipantAttendance.id))) == 1
