"""Classification over every route of a document: each route naming a document (web and API, every method)
answers 404 to an admin whose clearance is below the document's — in an unclassified meeting, whether the
document is classified itself or sits under a classified item — and lets a cleared one through; the pack's
lists and ZIP leave it out for the uncleared."""

from __future__ import annotations

import io
import zipfile

import pytest

from planner.extensions import db
from tests.meeting_documents.conftest import pdf_bytes
from tests.speeches.conftest import make_hall


@pytest.fixture
def scene(app, factory):
    with app.app_context():
        hall = make_hall(role="admin", clearance="top_secret")
        from planner.agenda import services as agenda
        from planner.meeting_documents import services

        def add(title, **fields):
            document = services.create_document(hall.meeting, {"title": title, "kind": "report", **fields},
                                                pdf_bytes(title), "tai-lieu.pdf", user=hall.user)
            return document.public_id

        agenda.update_item(hall.discussion, {"classification": "secret"}, user=hall.user)
        ids = {
            "meeting": hall.meeting.public_id,
            "open": add("Tài liệu thường"),
            "classified": add("Đề án nhân sự", classification="confidential"),
            "under_item": add("Phương án", agenda_item_id=hall.discussion.public_id),
        }
        org = hall.org
        uncleared = factory.user(org, role="admin", clearance="internal", email="uncleared@example.vn")
        cleared = factory.user(org, role="viewer", clearance="top_secret", email="cleared@example.vn")
        tokens = {"uncleared": factory.token(uncleared), "cleared": factory.token(cleared)}
        db.session.remove()
    return ids, tokens


def _document_rules(app, api: bool):
    for rule in app.url_map.iter_rules():
        if "<document_id>" in rule.rule and rule.rule.startswith("/api/") == api:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule.rule, method


def _url(rule: str, ids: dict, document_id: str) -> str:
    return rule.replace("<meeting_id>", ids["meeting"]).replace("<document_id>", document_id)


def test_every_document_route_hides_what_the_clearance_does_not_admit(app, scene):
    ids, tokens = scene
    web_rules = list(_document_rules(app, api=False))
    api_rules = list(_document_rules(app, api=True))
    assert len(web_rules) >= 6 and len(api_rules) >= 5
    client = app.test_client()
    client.login("uncleared@example.vn")
    failures = []
    for hidden in (ids["classified"], ids["under_item"]):
        for rule, method in web_rules:
            url = _url(rule, ids, hidden)
            answer = client.get(url) if method == "GET" else client.open(
                url, method=method, data={"csrf_token": client.csrf_token()})
            if answer.status_code != 404:
                failures.append(f"web {method} {rule}: {answer.status_code}")
        for rule, method in api_rules:
            headers = {"Authorization": f"Bearer {tokens['uncleared']}"}
            if method == "POST":    # a valid body: the lookup, not the body's check, must refuse
                answer = client.post(_url(rule, ids, hidden), headers=headers, content_type="multipart/form-data",
                                     data={"file": (io.BytesIO(pdf_bytes()), "tai-lieu.pdf")})
            else:
                answer = client.open(_url(rule, ids, hidden), method=method, headers=headers,
                                     json=None if method in ("GET", "DELETE") else {})
            if answer.status_code != 404:
                failures.append(f"API {method} {rule}: {answer.status_code}")
    assert not failures, "\n".join(failures)
    # the same admin reaches the unclassified document
    assert client.get(_url("/meetings/<meeting_id>/documents/<document_id>", ids, ids["open"])).status_code == 200


def test_lists_and_the_zip_leave_out_what_the_clearance_does_not_admit(app, scene):
    ids, tokens = scene
    client = app.test_client()
    for who, expected in (("uncleared", {ids["open"]}), ("cleared", set(ids.values()) - {ids["meeting"]})):
        headers = {"Authorization": f"Bearer {tokens[who]}"}
        listed = client.get(f"/api/v1/meetings/{ids['meeting']}/documents", headers=headers).get_json()
        assert {d["id"] for d in listed["items"]} == expected, who
        for document_id in expected:
            assert client.get(f"/api/v1/documents/{document_id}/file", headers=headers).status_code == 200
    client.login("uncleared@example.vn")
    page = client.get(f"/meetings/{ids['meeting']}/documents").get_data(as_text=True)
    assert "Tài liệu thường" in page and "Đề án nhân sự" not in page and "Phương án" not in page
    answer = client.get(f"/meetings/{ids['meeting']}/exports/documents.zip")
    with zipfile.ZipFile(io.BytesIO(answer.data)) as archive:
        assert len(archive.namelist()) == 1
