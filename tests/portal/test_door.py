"""The check-in desk: folded search as one types, check-in by tap or typed badge code (twice from two
stations counts once, each audited with the station's user), undo, and the counts of the day."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from planner.extensions import db
from tests.delegates.conftest import Delegates, QueryCounter
from tests.invitations.scene import make_scene


@pytest.fixture
def today_scene(app):
    today = Delegates.today()
    return make_scene(app, with_agenda=False, starts_on=today, ends_on=today + timedelta(days=1))


def _json(client, url: str, payload: dict):
    return client.post(url, json=payload, headers={"Accept": "application/json", "X-CSRFToken": client.csrf_token()})


def _code(scene, name: str) -> str:
    with scene.open() as s:
        return s.people[name].badge_code


def test_search_ignores_diacritics_and_case_and_finds_badge_codes(client, today_scene):
    client.login(today_scene.email)
    url = f"/meetings/{today_scene.meeting_id}/door/search"
    names = lambda q: [i["name"] for i in client.get(url, query_string={"q": q}).get_json()["items"]]  # noqa: E731
    assert names("nguyen van an") == ["Nguyễn Văn An"]
    assert names("NGUYEN") == ["Nguyễn Văn An"]
    assert names("dung") == ["Phạm Minh Dũng"]
    assert names("d") == ["Phạm Minh Dũng"]        # d finds đ and d at a word's start
    assert names("xyz") == [] and names("") == []
    code = _code(today_scene, "Cường")
    assert names(code.lower()) == ["Lê Quốc Cường"]
    assert names(f"{code[:4]} {code[4:]}") == ["Lê Quốc Cường"]   # as printed under the QR code


def test_search_runs_the_same_number_of_queries_whatever_the_list(app, client, today_scene):
    from planner.delegates import services as delegates

    client.login(today_scene.email)
    url = f"/meetings/{today_scene.meeting_id}/door/search"

    def count() -> int:
        with app.app_context():
            engine = db.engine
        with QueryCounter(engine) as counter:
            assert client.get(url, query_string={"q": "dai bieu"}).status_code == 200
        return counter.count

    with today_scene.open() as s:
        for n in range(3):
            delegates.add_participant(s.meeting, {"full_name": f"Đại Biểu Số {n}"})
    few = count()
    with today_scene.open() as s:
        for n in range(3, 40):
            delegates.add_participant(s.meeting, {"full_name": f"Đại Biểu Số {n}"})
    assert count() == few


def test_checking_in_twice_from_two_stations_counts_once(client, app, factory, today_scene):
    from planner.core.audit import AuditEntry
    from planner.delegates.models import ParticipantAttendance

    second_user = factory.user(SimpleNamespace(id=today_scene.org_id), role="organizer", clearance="secret",
                               email="cua2@example.vn")
    other = app.test_client()
    client.login(today_scene.email)
    other.login(second_user.email)
    url = f"/meetings/{today_scene.meeting_id}/door/check-in"
    an = today_scene.people["An"]

    first = _json(client, url, {"participant_id": an})
    assert first.status_code == 200
    assert first.get_json()["participant"]["present"] is True
    assert first.get_json()["message"] == "Đã điểm danh Nguyễn Văn An."
    assert first.get_json()["counts"]["present"] == 1
    again = _json(other, url, {"code": _code(today_scene, "An")})
    assert again.status_code == 200
    assert "đã được điểm danh trước đó" in again.get_json()["message"]
    assert again.get_json()["counts"]["present"] == 1

    with today_scene.open():
        assert db.session.scalar(select(func.count(ParticipantAttendance.id))) == 1
        entries = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "participant.checked_in")))
        assert len(entries) == 1 and entries[0].actor_label == today_scene.email
    # The second station's own check-in is audited with its user.
    _json(other, url, {"participant_id": today_scene.people["Bình"]})
    with today_scene.open():
        actors = list(db.session.scalars(select(AuditEntry.actor_label).where(
            AuditEntry.action == "participant.checked_in").order_by(AuditEntry.id)))
        assert actors == [today_scene.email, "cua2@example.vn"]


def test_undo_takes_back_todays_check_in(client, today_scene):
    from planner.core.audit import AuditEntry
    from planner.delegates.models import ParticipantAttendance

    client.login(today_scene.email)
    base = f"/meetings/{today_scene.meeting_id}/door"
    an = today_scene.people["An"]
    _json(client, f"{base}/check-in", {"participant_id": an})
    undo = _json(client, f"{base}/undo", {"participant_id": an})
    assert undo.status_code == 200
    assert undo.get_json()["participant"]["present"] is False
    assert undo.get_json()["counts"]["present"] == 0
    assert "Đã hủy điểm danh" in undo.get_json()["message"]
    again = _json(client, f"{base}/undo", {"participant_id": an})
    assert "chưa được điểm danh" in again.get_json()["message"]
    with today_scene.open():
        assert db.session.scalar(select(func.count(ParticipantAttendance.id))) == 0
        undone = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "participant.check_in_undone"))
        assert undone.actor_label == today_scene.email
    # Checked in again after the undo: counts once more.
    assert _json(client, f"{base}/check-in", {"participant_id": an}).get_json()["counts"]["present"] == 1


def test_counts_are_present_over_expected_by_category(client, today_scene):
    from planner.delegates import services as delegates

    with today_scene.open() as s:
        delegates.set_rsvp(s.people["Dũng"], "declined")
    client.login(today_scene.email)
    base = f"/meetings/{today_scene.meeting_id}/door"
    _json(client, f"{base}/check-in", {"participant_id": today_scene.people["Bình"]})
    _json(client, f"{base}/check-in", {"participant_id": today_scene.people["An"]})
    counts = client.get(f"{base}/counts").get_json()
    assert (counts["present"], counts["expected"]) == (2, 3)   # Dũng declined: not expected
    by_category = {c["category"]: (c["present"], c["expected"]) for c in counts["categories"]}
    assert by_category == {"guest": (1, 1), "delegate": (1, 2)}
    assert {c["label"] for c in counts["categories"]} == {"Khách mời", "Đại biểu"}


def test_a_wrong_code_or_a_day_without_the_meeting_is_refused(app, client, today_scene):
    client.login(today_scene.email)
    url = f"/meetings/{today_scene.meeting_id}/door/check-in"
    wrong = _json(client, url, {"code": "ZZZZ2222"})
    assert wrong.status_code == 404 and "ZZZZ2222" in wrong.get_json()["error"]
    assert _json(client, url, {}).status_code == 422
    later = make_scene(app, with_agenda=False, org_name="Văn phòng Thành ủy Đà Nẵng",
                       starts_on=Delegates.today() + timedelta(days=10),
                       ends_on=Delegates.today() + timedelta(days=10))
    client.logout()
    client.login(later.email)
    response = _json(client, f"/meetings/{later.meeting_id}/door/check-in", {"participant_id": later.people["An"]})
    assert response.status_code == 409
    page = client.get(f"/meetings/{later.meeting_id}/door").get_data(as_text=True)
    assert "Hôm nay không có phiên họp" in page


def test_the_desk_works_without_javascript(client, today_scene):
    client.login(today_scene.email)
    base = f"/meetings/{today_scene.meeting_id}/door"
    page = client.get(base, query_string={"q": "binh"}).get_data(as_text=True)
    assert "Trần Thị Bình" in page and "Nguyễn Văn An" not in page
    response = client.post_form(f"{base}/check-in", {"participant_id": today_scene.people["Bình"], "q": "binh"})
    assert response.status_code == 302 and "q=binh" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã điểm danh Trần Thị Bình." in page
    assert 'data-count="present">1<' in page
    # A POST without the CSRF token is refused.
    assert client.post(f"{base}/check-in", data={"participant_id": today_scene.people["An"]}).status_code == 400
