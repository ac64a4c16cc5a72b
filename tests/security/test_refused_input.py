"""Text that cannot be stored (NUL, a lone surrogate, longer than any field) is refused with a clear
message in the user's language, by the API and the pages alike, and nothing of the request is saved.
Text merely longer than its field is refused by the field's own rule, never by a database error."""

from __future__ import annotations

import json
import logging

import pytest

from tests.security import hostile

REFUSED = {"nul": hostile.NUL, "surrogate": hostile.LONE_SURROGATE, "over_long": hostile.OVER_LONG}
VI_WORDS = ("không thể lưu", "quá dài")


@pytest.fixture
def site(client, factory):
    org = factory.organization(name="Văn phòng thử", city="Huế")
    user = factory.user(org, role="admin", clearance="top_secret", language="vi")
    headers = {"Authorization": f"Bearer {factory.token(user)}"}
    meeting = client.post("/api/v1/meetings", json={"title": "Họp giao ban", "kind": "meeting",
                                                    "starts_on": "2026-12-03"}, headers=headers).get_json()
    item = client.post(f"/api/v1/meetings/{meeting['id']}/agenda-items", json={
        "kind": "report", "title": "Báo cáo", "starts_at": "2026-12-03T08:00", "ends_at": "2026-12-03T09:00"},
        headers=headers).get_json()
    person = client.post(f"/api/v1/meetings/{meeting['id']}/participants", json={
        "full_name": "Nguyễn Văn An", "title": "Chuyên viên"}, headers=headers).get_json()
    speech = client.post(f"/api/v1/agenda-items/{item['id']}/speeches", json={
        "participant_id": person["id"], "title": "Tham luận"}, headers=headers).get_json()
    client.login(user.email)
    return {"headers": headers, "meeting": meeting["id"], "item": item["id"], "person": person["id"],
            "speech": speech["id"], "email": user.email}


def _api_cases(site):
    m = site["meeting"]
    return [
        ("POST", "/meetings", lambda s: {"title": s, "kind": "meeting", "starts_on": "2026-12-03"}),
        ("PATCH", f"/meetings/{m}", lambda s: {"description": s}),
        ("POST", f"/meetings/{m}/rooms", lambda s: {"name": s}),
        ("POST", f"/meetings/{m}/participants", lambda s: {"full_name": "Lê Văn Bình", "unit": s}),
        ("PATCH", f"/participants/{site['person']}", lambda s: {"title": s}),
        ("POST", f"/meetings/{m}/agenda-items", lambda s: {"kind": "report", "title": "Mục mới", "description": s,
                                                           "starts_at": "2026-12-03T09:00",
                                                           "ends_at": "2026-12-03T10:00"}),
        ("PATCH", f"/agenda-items/{site['item']}", lambda s: {"title": "Báo cáo", "description": s}),
        ("PATCH", f"/speeches/{site['speech']}", lambda s: {"summary": s}),
        ("PATCH", "/organization", lambda s: {"city": s}),
    ]


def _snapshot(client, site) -> str:
    h = site["headers"]
    m = site["meeting"]
    parts = [client.get(u, headers=h).get_json() for u in (
        "/api/v1/meetings", f"/api/v1/meetings/{m}", f"/api/v1/meetings/{m}/rooms",
        f"/api/v1/meetings/{m}/participants", f"/api/v1/meetings/{m}/agenda-items",
        f"/api/v1/speeches/{site['speech']}", "/api/v1/organization")]
    for part in parts:
        for obj in [part, *(part.get("items") or [])]:
            for volatile in ("updated_at",):
                obj.pop(volatile, None)
    return json.dumps(parts, sort_keys=True)


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_the_api_refuses_unstorable_text_and_saves_nothing(client, site, kind):
    before = _snapshot(client, site)
    checked = 0
    for method, url, body in _api_cases(site):
        # ensure_ascii keeps a lone surrogate as the JSON escape \ud800, as a client would send it.
        payload = json.dumps(body(REFUSED[kind]), ensure_ascii=True)
        response = client.open(f"/api/v1{url}", method=method, data=payload, content_type="application/json",
                               headers=site["headers"])
        assert response.status_code == 422, (method, url, response.status_code, response.get_data(True)[:300])
        assert response.mimetype == "application/problem+json"
        problem = response.get_json()
        assert any(word in problem["detail"] for word in VI_WORDS), problem["detail"]
        assert problem["errors"][0]["field"], problem
        checked += 1
    assert _snapshot(client, site) == before
    assert checked == len(_api_cases(site))


def _form_cases(site):
    m = site["meeting"]
    return [
        ("/meetings/new", lambda s: {"title": s, "kind": "meeting", "starts_on": "2026-12-03",
                                     "timezone": "Asia/Ho_Chi_Minh", "language": "vi"}),
        (f"/meetings/{m}/rooms", lambda s: {"name": s}),
        (f"/meetings/{m}/participants/new", lambda s: {"full_name": s, "category": "delegate"}),
        ("/admin/documents", lambda s: {"numbering_period": "year", "issuer_line": s}),
        (f"/meetings/{m}/print/booklet", lambda s: {"paper": "a5", "programme_source": "draft", "foreword": s}),
    ]


@pytest.mark.parametrize("kind", ["nul", "over_long"])   # a browser cannot send a lone surrogate in a form
def test_the_pages_refuse_unstorable_text_with_a_translated_page(client, site, kind):
    before = _snapshot(client, site)
    for url, body in _form_cases(site):
        response = client.post_form(url, body(REFUSED[kind]))
        assert response.status_code == 422, (url, response.status_code)
        html = response.get_data(as_text=True)
        assert any(word in html for word in VI_WORDS), (url, html[:500])
    assert _snapshot(client, site) == before


LONGER_THAN_FIELDS = "Ư" * 5000


def test_text_longer_than_its_field_is_refused_by_the_field_not_the_database(client, site, caplog):
    """Each text field of the forms without an API: refused by its own rule (422), or stored whole;
    never a database error (on PostgreSQL a value longer than its column would be one)."""
    caplog.set_level(logging.ERROR)
    m = site["meeting"]
    fields = {
        "/admin/documents": ("term_label", "superior_line", "issuer_line", "number_format", "recipients_last",
                             "minutes_left_authority", "minutes_left_position", "minutes_right_authority",
                             "minutes_right_position", "notice_right_position", "notice_right_name",
                             "invitation_right_position", "invitation_right_name", "notice_recipients",
                             "invitation_recipients", "superior_code", "drafter_code", "notice_issuer_authority",
                             "notice_issuer_name", "notice_issuer_code", "invitation_issuer_authority",
                             "invitation_issuer_name", "invitation_issuer_code"),
        f"/meetings/{m}/print/booklet": ("foreword_signature",),
        "/admin/organization": ("name", "parent_name", "city", "body_code"),
        f"/meetings/{m}/rooms": ("name",),
        f"/meetings/{m}/participants/new": ("full_name", "title", "unit", "delegation", "email", "phone", "note"),
        f"/meetings/{m}/edit": ("title", "venue", "city"),
    }
    base = {"/admin/documents": {"numbering_period": "year"},
            f"/meetings/{m}/print/booklet": {"paper": "a5", "programme_source": "draft"},
            "/admin/organization": {"name": "Văn phòng thử", "city": "Huế", "document_profile": "party",
                                    "timezone": "Asia/Ho_Chi_Minh", "language": "vi"},
            f"/meetings/{m}/participants/new": {"full_name": "Trần Văn Cường", "category": "delegate"},
            f"/meetings/{m}/edit": {"title": "Họp giao ban", "kind": "meeting", "starts_on": "2026-12-03",
                                    "timezone": "Asia/Ho_Chi_Minh", "language": "vi"}}
    outcomes = []
    for url, names in fields.items():
        for name in names:
            # An issuing body's own name and code are kept only when the document is issued by "another body".
            also = {name.split("_issuer_")[0] + "_issuer_body": "other"} if "_issuer_" in name else {}
            response = client.post_form(url, {**base.get(url, {}), **also, name: LONGER_THAN_FIELDS})
            outcomes.append((url, name, response.status_code))
            assert response.status_code in (302, 409, 422), (url, name, response.status_code)
            if response.status_code == 302:
                page = client.get(url if "/new" not in url else f"/meetings/{m}/participants").get_data(True)
                assert LONGER_THAN_FIELDS in page or url.endswith("/new") or url.endswith("/rooms"), \
                    f"{url} {name}: saved, but not whole"
    refused_by_database = [r.getMessage() for r in caplog.records if "database refused" in r.getMessage()]
    assert not refused_by_database, refused_by_database
    assert len(outcomes) == sum(len(v) for v in fields.values())


def test_a_value_longer_than_its_field_is_refused_in_the_users_language(client, site):
    response = client.post(f"/api/v1/meetings/{site['meeting']}/rooms", json={"name": "Ư" * 256},
                           headers=site["headers"])
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors == [{"field": "name", "detail": "Độ dài phải từ 1 đến 255 ký tự."}], errors
    response = client.post(f"/api/v1/meetings/{site['meeting']}/rooms", json={"name": "Phòng 2", "colour": "đỏ"},
                           headers=site["headers"])
    assert response.get_json()["errors"] == [{"field": "colour", "detail": "Trường không được hỗ trợ."}]
    assert client.get(f"/api/v1/meetings/{site['meeting']}/rooms", headers=site["headers"]).get_json()["total"] == 0


def test_a_search_with_a_nul_answers_422_not_a_database_error(client, site):
    m = site["meeting"]
    page = client.get(f"/meetings/{m}/participants?q=An%00")
    assert page.status_code == 422 and "không thể lưu" in page.get_data(as_text=True)
    api = client.get(f"/api/v1/meetings/{m}/participants?q=An%00", headers=site["headers"])
    assert api.status_code == 422 and api.get_json()["errors"][0]["field"] == "q"
    assert client.get(f"/meetings/{m}/participants?q=An").status_code == 200
