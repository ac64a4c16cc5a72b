"""Before approval, a clerk's check: approval refused with each missing element named (service, API, page);
warnings shown but not blocking; the draft's "Chủ trì" and its speeches only as they happened."""

from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select

from planner.core.errors import ValidationError
from planner.delegates import services as delegate_services
from planner.delegates.models import Participant
from planner.extensions import db
from planner.meetings.models import meeting_presiding, meeting_secretaries
from planner.minutes import checks, services
from planner.minutes.models import MinutesKind
from planner.speeches import services as speech_services
from planner.speeches.models import Speech, SpeechStatus
from tests.minutes.conftest import DAY, build_scene


def _codes(exc: pytest.ExceptionInfo) -> list[str]:
    return [e["check"] for e in exc.value.errors]


def _refused(minutes, admin) -> pytest.ExceptionInfo:
    with pytest.raises(ValidationError) as refused:
        services.set_status(minutes, "approved", user=admin, version=minutes.version)
    return refused


def _participant(meeting, name: str) -> Participant:
    return next(p for p in db.session.scalars(select(Participant).where(Participant.meeting_id == meeting.id))
                if p.full_name == name)


def _item_key(minutes, prefix: str) -> str:
    return next(s["key"] for s in minutes.sections if s.get("heading", "").startswith(prefix))


def test_the_complete_minutes_pass_and_are_approved(app, factory):
    scene = build_scene(app, factory)
    with app.test_request_context():
        admin = scene.user(scene.admin)
        minutes = services.generate(scene.meeting(), user=admin)
        findings = services.approval_findings(minutes)
        assert checks.blocking(findings) == []
        services.set_status(minutes, "approved", user=admin, version=minutes.version)
        assert minutes.number == "Số 01-BB/VPTU"


def test_no_presiding_person_nor_secretary(app, factory):
    scene = build_scene(app, factory)
    with app.test_request_context():
        meeting, admin = scene.meeting(), scene.user(scene.admin)
        db.session.execute(delete(meeting_presiding).where(meeting_presiding.c.meeting_id == meeting.id))
        db.session.execute(delete(meeting_secretaries).where(meeting_secretaries.c.meeting_id == meeting.id))
        db.session.commit()
        minutes = services.generate(scene.meeting(), user=admin)
        # the session's chair presides when the meeting names nobody: no refusal for that
        assert "no_presiding" not in _codes(_refused(minutes, admin))
        from planner.agenda.models import AgendaItem, agenda_item_presiding

        sessions = select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id)
        db.session.execute(delete(agenda_item_presiding).where(agenda_item_presiding.c.agenda_item_id.in_(sessions)))
        db.session.commit()
        refused = _refused(services.require_current(scene.meeting()), admin)
    assert _codes(refused) == ["no_presiding", "no_secretary", "no_signer"], "nobody signs on the left either"
    assert "Chưa có người chủ trì" in refused.value.message and "Chưa có thư ký" in refused.value.message
    assert minutes.number is None and minutes.status.value == "draft"


def test_a_meeting_that_has_not_taken_place(app, factory):
    scene = build_scene(app, factory, day=date.today() + timedelta(days=10), status="published",
                        attendance=False)
    with app.test_request_context():
        admin = scene.user(scene.admin)
        minutes = services.generate(scene.meeting(), user=admin)
        assert _codes(_refused(minutes, admin))[0] == "not_held"


def test_an_item_without_content_and_no_conclusion(app, factory):
    scene = build_scene(app, factory)
    with app.test_request_context():
        admin = scene.user(scene.admin)
        minutes = services.generate(scene.meeting(), user=admin)
        report = _item_key(minutes, "2. ")
        empty = {s["key"]: {"text": "", "conclusion": ""} for s in minutes.sections if s["kind"] == "item"
                 and s["key"] != report}
        services.save(minutes, {report: {"text": ""}, **empty}, user=admin, version=minutes.version)
        refused = _refused(minutes, admin)
    codes = _codes(refused)
    assert codes.count("item_empty") == 3 and "no_conclusion" in codes, "the empty opening only warns"
    assert "“2. Báo cáo kết quả thực hiện nhiệm vụ năm 2026” chưa có nội dung" in refused.value.message
    sections = [e["section"] for e in refused.value.errors if e["check"] == "item_empty"]
    assert report in sections


def test_absent_but_spoke_and_a_withdrawn_speech_recorded(app, factory):
    scene = build_scene(app, factory, status="in_progress")
    with app.test_request_context():
        meeting, admin = scene.meeting(), scene.user(scene.admin)
        speaker = _participant(meeting, "Nguyễn Văn Nên")
        delegate_services.set_attendance(speaker, DAY, "absent", "ốm", user=admin)
        withdrawn = db.session.scalar(select(Speech).where(Speech.meeting_id == meeting.id,
                                                           Speech.status == SpeechStatus.requested))
        speech_services.set_status(withdrawn, "withdrawn", user=admin)
        minutes = services.generate(scene.meeting(), user=admin)
        key = _item_key(minutes, "3. ")
        text = next(s for s in minutes.sections if s["key"] == key)["text"]
        assert "Bùi Văn Thạch" not in text, "the draft writes no withdrawn speech"
        services.save(minutes, {key: {"text": text + "\nĐồng chí Bùi Văn Thạch - Giám đốc Sở Nội vụ phát biểu."}},
                      user=admin, version=minutes.version)
        refused = _refused(minutes, admin)
    assert _codes(refused) == ["absent_spoke", "speech_not_held"]
    assert "Nguyễn Văn Nên được ghi vắng mặt nhưng đã phát biểu tại “Thảo luận về dự thảo kế hoạch năm 2027”" \
        in refused.value.message
    assert "Biên bản ghi Bùi Văn Thạch" in refused.value.message


def test_votes_that_do_not_add_up_to_those_present(app, factory):
    scene = build_scene(app, factory)
    with app.test_request_context():
        admin = scene.user(scene.admin)
        minutes = services.generate(scene.meeting(), user=admin)
        key = _item_key(minutes, "3. ")
        services.save(minutes, {key: {"decisions": [{"text": "Thông qua kế hoạch", "for": 45, "against": 1,
                                                     "abstain": 2}]}}, user=admin, version=minutes.version)
        refused = _refused(minutes, admin)
        assert _codes(refused) == ["votes_mismatch"]
        assert "cộng lại là 48, nhưng có 6 người có mặt" in refused.value.message
        services.save(minutes, {key: {"decisions": [{"text": "Thông qua kế hoạch", "for": 5, "against": 0,
                                                     "abstain": 1}]}}, user=admin, version=minutes.version)
        services.set_status(minutes, "approved", user=admin, version=minutes.version)


def test_warnings_are_shown_but_do_not_block(app, factory):
    scene = build_scene(app, factory, attendance=False)
    with app.test_request_context():
        admin = scene.user(scene.admin)
        minutes = services.generate(scene.meeting(), user=admin)
        findings = services.approval_findings(minutes)
        assert [f.code for f in findings] == ["no_attendance"] and not findings[0].blocking
        services.set_status(minutes, "approved", user=admin, version=minutes.version)
        assert minutes.status.value == "approved"


def test_another_package_adds_its_own_check(app, factory, monkeypatch):
    def no_signer(context):
        if context.kind == "minutes":
            yield checks.Finding("no_signer", "No signer chosen.", section="signatures")

    monkeypatch.setattr(checks, "APPROVAL_CHECKS", [*checks.APPROVAL_CHECKS, no_signer])
    scene = build_scene(app, factory)
    with app.test_request_context():
        admin = scene.user(scene.admin)
        minutes = services.generate(scene.meeting(), user=admin)
        assert _codes(_refused(minutes, admin)) == ["no_signer"]


def test_the_api_answers_422_naming_each_missing_element(app, factory, client):
    scene = build_scene(app, factory)
    with app.test_request_context():
        meeting = scene.meeting()
        db.session.execute(delete(meeting_secretaries).where(meeting_secretaries.c.meeting_id == meeting.id))
        db.session.commit()
    token = factory.token(scene.admin)
    auth = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/meetings/{scene.meeting_id}/minutes"
    created = client.post(url, json={}, headers=auth).get_json()
    key = next(s["key"] for s in created["sections"] if s.get("heading", "").startswith("2. "))
    saved = client.patch(url, json={"version": created["version"], "sections": {key: {"text": ""}}},
                         headers=auth).get_json()
    response = client.patch(url, json={"version": saved["version"], "status": "approved"}, headers=auth)
    assert response.status_code == 422
    assert response.headers["Content-Type"].startswith("application/problem+json")
    body = response.get_json()
    assert [(e["check"], e["section"]) for e in body["errors"]] == [
        ("no_secretary", None), ("item_empty", key), ("no_signer", "signatures")]
    assert all(e["detail"] for e in body["errors"])
    assert client.get(url, headers=auth).get_json()["status"] == "draft"


def test_the_page_lists_the_findings_before_the_button(app, factory, client):
    scene = build_scene(app, factory, logins=True)
    with app.test_request_context():
        admin = scene.user(scene.admin)
        minutes = services.generate(scene.meeting(), user=admin)
        key = _item_key(minutes, "2. ")
        services.save(minutes, {key: {"text": ""}}, user=admin, version=minutes.version)
        version = minutes.version
    client.login(scene.admin.email)
    html = client.get(f"/meetings/{scene.meeting_id}/minutes").get_data(as_text=True)
    checks_at = html.index('class="minutes-checks"')
    assert 'data-check="item_empty"' in html
    assert "“2. Báo cáo kết quả thực hiện nhiệm vụ năm 2026”" in html
    button = html.index('name="status" value="approved"')
    assert checks_at < button
    assert "disabled" in html[button:html.index("</form>", button)]
    response = client.post_form(f"/meetings/{scene.meeting_id}/minutes/status",
                                {"version": str(version), "status": "approved"})
    assert response.status_code == 302
    page = client.get(f"/meetings/{scene.meeting_id}/minutes").get_data(as_text=True)
    assert "Văn bản này chưa thể duyệt" in page


def test_the_draft_names_the_session_chairs_when_the_meeting_names_no_presiding_person(app, factory):
    scene = build_scene(app, factory)
    with app.test_request_context():
        meeting, admin = scene.meeting(), scene.user(scene.admin)
        db.session.execute(delete(meeting_presiding).where(meeting_presiding.c.meeting_id == meeting.id))
        db.session.commit()
        minutes = services.generate(scene.meeting(), user=admin)
        participants = next(s for s in minutes.sections if s["key"] == "participants")["text"]
        assert "Chủ trì: đồng chí Nguyễn Văn Quảng - Ủy viên Trung ương Đảng, Bí thư Thành ủy." in participants
        signatures = next(s for s in minutes.sections if s["key"] == "signatures")
        assert signatures["right"]["name"] == "Nguyễn Văn Quảng"
        notice = services.generate(scene.meeting(), MinutesKind.notice, user=admin)
        assert "Nguyễn Văn Quảng" in notice.sections[0]["text"]


def test_the_draft_writes_no_speech_that_did_not_happen(app, factory):
    """Requested, withdrawn, and planned-but-not-delivered speeches are not written as spoken."""
    scene = build_scene(app, factory, delivered_speeches=False)
    with app.test_request_context():
        admin = scene.user(scene.admin)
        minutes = services.generate(scene.meeting(), user=admin)
        text = "\n".join(s.get("text", "") for s in minutes.sections)
        assert "phát biểu" not in text and "trình bày" not in text
        findings = services.approval_findings(minutes)
        unconfirmed = [f for f in findings if f.code == "speech_unconfirmed"]
        assert unconfirmed and not any(f.blocking for f in unconfirmed)
        assert any("Nguyễn Văn Nên dự kiến phát biểu" in f.message for f in unconfirmed)


def test_ceremonies_and_breaks_need_no_content_and_an_empty_opening_only_warns(app, factory):
    """The flag salute, the reception of delegates, a break: nothing to record, nothing to refuse. An opening
    with nothing written is a warning the clerk may accept."""
    from datetime import datetime, time

    from planner.agenda import services as agenda_services

    scene = build_scene(app, factory, status="in_progress")
    with app.test_request_context():
        meeting, admin = scene.meeting(), scene.user(scene.admin)
        for title, start in (("Đón tiếp đại biểu", time(7, 30)), ("Chào cờ", time(7, 55))):
            agenda_services.create_item(meeting, {"title": title, "kind": "ceremony",
                                                  "starts_at": datetime.combine(DAY, start),
                                                  "ends_at": datetime.combine(DAY, start) + timedelta(minutes=5)},
                                        user=admin)
        minutes = services.generate(scene.meeting(), user=admin)
        ceremonies = [s["key"] for s in minutes.sections if s.get("kind") == "item"
                      and ("Chào cờ" in s["heading"] or "Đón tiếp" in s["heading"])]
        opening = next(s["key"] for s in minutes.sections if s.get("heading", "").endswith("Khai mạc hội nghị"))
        services.save(minutes, {key: {"text": "", "conclusion": ""} for key in [*ceremonies, opening]}, user=admin,
                      version=minutes.version)
        findings = services.approval_findings(minutes)
        assert [f.code for f in findings if f.section in ceremonies] == []
        assert [(f.code, f.blocking) for f in findings if f.section == opening] == [("item_formal_empty", False)]
        assert checks.blocking(findings) == []
        services.set_status(minutes, "approved", user=admin, version=minutes.version)
        assert minutes.status.value == "approved"
