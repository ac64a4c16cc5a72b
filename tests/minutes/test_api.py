"""The JSON API of the minutes: generate, read, save with the version read (409 when stale, with both
texts), move the status (approval assigns the number), and the meeting's downloads with an ETag."""

import threading

import pytest

from tests.minutes.conftest import build_scene


@pytest.fixture
def api(app, factory):
    scene = build_scene(app, factory)
    tokens = {role: factory.token(getattr(scene, role)) for role in ("admin", "secretary", "viewer")}
    return scene, tokens


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_generate_read_save_and_approve(client, api):
    scene, tokens = api
    url = f"/api/v1/meetings/{scene.meeting_id}/minutes"
    secretary, admin = auth(tokens["secretary"]), auth(tokens["admin"])
    assert client.get(url, headers=secretary).status_code == 404
    created = client.post(url, json={}, headers=secretary)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["status"] == "draft" and body["version"] == 1 and body["number"] is None
    assert [s["key"] for s in body["sections"]][:3] == ["time_place", "participants", "content"]
    assert client.post(url, json={}, headers=secretary).status_code == 409, "exists: send the version"

    saved = client.patch(url, json={"version": 1, "sections": [{"key": "closing", "text": "Kết thúc lúc 11 giờ."}]},
                         headers=secretary)
    assert saved.status_code == 200 and saved.get_json()["version"] == 2
    stale = client.patch(url, json={"version": 1, "sections": {"closing": {"text": "Bản của người thứ hai."}}},
                         headers=auth(tokens["admin"]))
    assert stale.status_code == 409
    problem = stale.get_json()
    assert stale.headers["Content-Type"].startswith("application/problem+json")
    assert problem["current_version"] == 2 and problem["revision"] == 3
    assert problem["errors"][0]["section"] == "closing"
    assert problem["errors"][0]["current"]["text"] == "Kết thúc lúc 11 giờ."
    assert problem["errors"][0]["yours"]["text"] == "Bản của người thứ hai."
    revisions = client.get(f"{url}/revisions", headers=secretary).get_json()
    assert [(r["number"], r["kind"]) for r in revisions["items"]] == [(3, "conflict"), (2, "saved"), (1, "generated")]

    assert client.patch(url, json={"version": 2, "status": "approved"}, headers=secretary).status_code == 403
    submitted = client.patch(url, json={"version": 2, "status": "submitted"}, headers=secretary)
    assert submitted.get_json()["status"] == "submitted"
    approved = client.patch(url, json={"version": 3, "status": "approved"}, headers=admin)
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["number"] == "Số 01-BB/VPTU" and approved.get_json()["status"] == "approved"
    locked = client.patch(url, json={"version": 4, "sections": {"closing": {"text": "x"}}}, headers=admin)
    assert locked.status_code == 409
    correction = client.post(f"{url}/correction", headers=admin)
    assert correction.status_code == 201 and correction.get_json()["edition"] == 2
    assert correction.get_json()["corrects_id"] == approved.get_json()["id"]


def test_bad_requests_are_explained(client, api):
    scene, tokens = api
    url = f"/api/v1/meetings/{scene.meeting_id}/minutes"
    headers = auth(tokens["secretary"])
    client.post(url, json={}, headers=headers)
    missing = client.patch(url, json={"sections": {}}, headers=headers)
    assert missing.status_code == 422
    unknown = client.patch(url, json={"version": 1, "sections": {"nope": {"text": "x"}}}, headers=headers)
    assert unknown.status_code == 422 and "nope" in unknown.get_json()["detail"]
    assert client.patch(url, json={"version": 1, "status": "published"}, headers=headers).status_code == 422
    assert client.post(url, json={}, headers=auth(tokens["viewer"])).status_code == 403
    assert client.get("/api/v1/meetings/nope/minutes", headers=headers).status_code == 404


def test_notice_and_exports_through_the_api(client, api):
    scene, tokens = api
    headers = auth(tokens["secretary"])
    notice = client.post(f"/api/v1/meetings/{scene.meeting_id}/notice", json={}, headers=headers)
    assert notice.status_code == 201 and notice.get_json()["kind"] == "notice"
    assert notice.get_json()["notice_due"] == "2026-11-26"
    response = client.get(f"/api/v1/meetings/{scene.meeting_id}/exports/notice.pdf", headers=headers)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    again = client.get(f"/api/v1/meetings/{scene.meeting_id}/exports/notice.pdf",
                       headers={**headers, "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    docx = client.get(f"/api/v1/meetings/{scene.meeting_id}/exports/notice.docx", headers=headers)
    assert docx.status_code == 200 and docx.data.startswith(b"PK")


@pytest.mark.postgres
def test_two_approvals_at_once_get_two_numbers_on_postgresql(app, factory, monkeypatch):
    """Two meetings' minutes approved at the same moment by two workers: distinct numbers, no gap. (The
    clerk's check before approval has its own tests; here the second meeting is bare, so it is passed over.)"""
    from planner.accounts.models import User
    from planner.extensions import db
    from planner.minutes import services

    monkeypatch.setattr(services, "ensure_approvable", lambda minutes, **_kw: [])
    scene = build_scene(app, factory)
    with app.test_request_context():
        from planner.meetings import services as meetings

        first = scene.meeting()
        org = first.organization
        admin = db.session.get(User, scene.admin.id)
        # The same presiding person and secretary, so that the minutes have their signers.
        people = {"presiding_ids": [f"person:{p.person.public_id}" for p in first.presiding],
                  "secretary_ids": [f"person:{p.person.public_id}" for p in first.secretaries]}
        second = meetings.create_meeting(org, admin, title="Cuộc họp Thường trực", kind="meeting",
                                         starts_on=first.starts_on, ends_on=first.starts_on, **people)
        ids = [first.public_id, second.public_id]
        for meeting in (first, second):
            services.generate(meeting, user=admin)
    barrier = threading.Barrier(2)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def approve(public_id: str) -> None:
        try:
            with app.test_request_context():
                from planner.meetings import services as meetings

                user = db.session.get(User, scene.admin.id)
                meeting = meetings.get_meeting(user.memberships[0].organization, public_id, user=user)
                minutes = services.require_current(meeting)
                barrier.wait()
                services.set_status(minutes, "approved", user=user, version=minutes.version)
                numbers.append(minutes.number)
                db.session.remove()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=approve, args=(public_id,)) for public_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(numbers) == ["Số 01-BB/VPTU", "Số 02-BB/VPTU"]


@pytest.mark.postgres
def test_two_secretaries_saving_at_once_on_postgresql(app, factory):
    """Both read version 1 and save at the same moment: one is saved, the other is a conflict, both texts kept."""
    from sqlalchemy import select

    from planner.accounts.models import User
    from planner.extensions import db
    from planner.minutes import services
    from planner.minutes.models import MinutesRevision

    scene = build_scene(app, factory)
    with app.test_request_context():
        minutes_id = services.generate(scene.meeting(), user=scene.user(scene.secretary)).id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def save(user_id: int, text: str) -> None:
        try:
            with app.test_request_context():
                minutes = services.require_current(scene.meeting())
                user = db.session.get(User, user_id)
                barrier.wait()
                try:
                    services.save(minutes, {"closing": {"text": text}}, user=user, version=1)
                    outcomes.append("saved")
                except services.MinutesConflict:
                    outcomes.append("conflict")
                db.session.remove()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(scene.secretary.id, "Văn bản A")),
               threading.Thread(target=save, args=(scene.organizer.id, "Văn bản B"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(outcomes) == ["conflict", "saved"]
    with app.test_request_context():
        texts = {r.sections[-3]["text"] for r in db.session.scalars(
            select(MinutesRevision).where(MinutesRevision.minutes_id == minutes_id))}
        assert {"Văn bản A", "Văn bản B"} <= texts
