"""Who signs: the co-chair chosen to sign the minutes (service, page and API), no approval without a signer,
a notice issued by the committee numbered with its code and signed by order, the copies line of a classified
record."""

import pytest

from planner.core.errors import ValidationError
from planner.documents import services as document_services
from planner.documents.render import official_pdf
from planner.extensions import db
from planner.minutes import documents, services
from planner.minutes.models import MinutesKind
from tests.minutes.conftest import build_scene, flat, needs_poppler, pdf_text

QUANG, TRIET = "Nguyễn Văn Quảng", "Lương Nguyễn Minh Triết"


def _co_chairs(scene):
    """Two co-chairs (the meeting is closed: its people are set as the fixture sets them)."""
    from sqlalchemy import insert, select

    from planner.delegates.models import Participant
    from planner.meetings.models import meeting_presiding

    meeting = scene.meeting()
    second = db.session.scalar(select(Participant.id).where(Participant.public_id == scene.people[TRIET]))
    db.session.execute(insert(meeting_presiding).values(meeting_id=meeting.id, participant_id=second, position=1))
    db.session.commit()
    return scene.meeting()


def _signatures(minutes):
    return services.signature_section(minutes.sections)


def test_the_first_presiding_person_signs_until_another_co_chair_is_chosen(scene, ctx):
    meeting = _co_chairs(scene)
    secretary = scene.user(scene.secretary)
    minutes = services.generate(meeting, user=secretary)
    section = _signatures(minutes)
    assert section["left"]["name"] == "Lê Thị Mai" and section["right"]["name"] == QUANG
    assert [p.full_name for p in services.signer_choices(meeting)] == [QUANG, TRIET]
    services.choose_signer(minutes, scene.people[TRIET], user=secretary, version=minutes.version)
    section = _signatures(minutes)
    assert section["right"]["name"] == TRIET and section["signer_id"] == scene.people[TRIET]
    assert section["right"]["authority"] == "CHỦ TRÌ", "the presiding line stays"
    assert services.revisions(minutes)[0].note == "Người ký: " + TRIET
    text = flat(pdf_text(official_pdf(documents.record_document(minutes))))
    assert TRIET in text and QUANG not in text.split("CHỦ TRÌ")[-1]


def test_only_a_presiding_person_may_be_chosen_and_only_for_the_minutes(scene, ctx):
    meeting = _co_chairs(scene)
    admin = scene.user(scene.admin)
    minutes = services.generate(meeting, user=admin)
    with pytest.raises(ValidationError):
        services.choose_signer(minutes, scene.people["Nguyễn Văn Nên"], user=admin, version=minutes.version)
    with pytest.raises(ValidationError):
        services.choose_signer(minutes, "", user=admin, version=minutes.version)
    notice = services.generate(meeting, MinutesKind.notice, user=admin)
    with pytest.raises(ValidationError):
        services.choose_signer(notice, scene.people[TRIET], user=admin, version=notice.version)
    assert _signatures(services.require_current(meeting))["right"]["name"] == QUANG


def test_choose_the_signer_on_the_page_and_through_the_api(app, factory, client):
    scene = build_scene(app, factory, logins=True)
    token = factory.token(scene.secretary)
    with app.test_request_context():
        meeting = _co_chairs(scene)
        minutes = services.generate(meeting, user=scene.user(scene.secretary))
        version = minutes.version
    client.login(scene.secretary.email)
    html = client.get(f"/meetings/{scene.meeting_id}/minutes").get_data(as_text=True)
    assert "minutes-signer" in html and TRIET in html
    response = client.post_form(f"/meetings/{scene.meeting_id}/minutes/signer",
                                {"signer_id": scene.people[TRIET], "version": str(version)})
    assert response.status_code == 302
    with app.test_request_context():
        minutes = services.require_current(scene.meeting())
        assert _signatures(minutes)["right"]["name"] == TRIET
        version = minutes.version
    answer = client.patch(f"/api/v1/meetings/{scene.meeting_id}/minutes", json={
        "version": version, "signer_id": scene.people[QUANG]}, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.get_json()["signer_id"] == scene.people[QUANG]
    wrong = client.patch(f"/api/v1/meetings/{scene.meeting_id}/minutes", json={
        "version": answer.get_json()["version"], "signer_id": scene.people["Tô Huy Rứa"]},
        headers={"Authorization": f"Bearer {token}"})
    assert wrong.status_code == 422


def test_no_approval_without_a_signer(scene, ctx):
    meeting, admin = scene.meeting(), scene.user(scene.admin)
    notice = services.generate(meeting, MinutesKind.notice, user=admin)
    services.save(notice, {"signatures": {"right": {"name": ""}}}, user=admin, version=notice.version)
    with pytest.raises(ValidationError) as refused:
        services.set_status(notice, "approved", user=admin, version=notice.version)
    assert "chưa có người ký" in refused.value.message
    db.session.rollback()
    assert services.require_current(meeting, MinutesKind.notice).number is None
    minutes = services.generate(meeting, user=admin)
    services.save(minutes, {"signatures": {"left": {"name": ""}}}, user=admin, version=minutes.version)
    with pytest.raises(ValidationError) as refused:
        services.set_status(minutes, "approved", user=admin, version=minutes.version)
    assert "thư ký" in refused.value.message


@needs_poppler
def test_a_notice_issued_by_the_committee_is_numbered_with_its_code_and_signed_by_order(scene, ctx):
    meeting, admin = scene.meeting(), scene.user(scene.admin)
    document_services.update_settings(meeting.organization, {
        "profile_overrides": {"issuer_line": "Văn phòng", "superior_code": "TU"},
        "issuers": {"notice": {"body": "superior"}}})
    notice = services.generate(meeting, MinutesKind.notice, user=admin)
    assert _signatures(notice)["right"]["authority"] == "T/L BAN THƯỜNG VỤ"
    draft = flat(pdf_text(official_pdf(documents.record_document(notice))))
    assert "Số -TB/TU" in draft.replace("Số  ", "Số ") or "-TB/TU" in draft
    services.save(notice, {s["key"]: {"text": "Thống nhất thông qua."} for s in notice.sections  # each conclusion
                           if s["key"].startswith("item:")}, user=admin, version=notice.version)
    services.set_status(notice, "approved", user=admin, version=notice.version)
    assert notice.number == "Số 01-TB/TU"
    minutes = services.generate(meeting, user=admin)
    services.set_status(minutes, "approved", user=admin, version=minutes.version)
    assert minutes.number == "Số 01-BB/VPTU", "the minutes stay the office's own record"
    text = flat(pdf_text(official_pdf(documents.record_document(notice))))
    assert "THÀNH ỦY ĐÀ NẴNG" in text and "Số 01-TB/TU" in text and "T/L BAN THƯỜNG VỤ" in text
    assert "VĂN PHÒNG" not in text.split("Số 01-TB/TU")[0], "the header is the committee's"


@needs_poppler
def test_a_classified_record_states_the_drafter_and_the_copies_on_its_last_recipient_line(app, factory):
    scene = build_scene(app, factory, classification="secret")
    with app.test_request_context():
        meeting, admin = scene.meeting(), scene.user(scene.admin)
        minutes = services.generate(meeting, user=admin)
        with pytest.raises(ValidationError):
            services.save(minutes, {"recipients": {"copies": "1000"}}, user=admin, version=minutes.version)
        with pytest.raises(ValidationError):
            services.save(minutes, {"recipients": {"drafter": "P 1"}}, user=admin, version=minutes.version)
        with pytest.raises(ValidationError) as refused:  # no copies stated: not approved
            services.set_status(minutes, "approved", user=admin, version=minutes.version)
        assert "số lượng bản phát hành" in refused.value.message
        db.session.rollback()
        minutes = services.require_current(scene.meeting())
        services.save(minutes, {"recipients": {"drafter": "P1", "copies": "5"}}, user=admin,
                      version=minutes.version)
        pages = [p for p in pdf_text(official_pdf(documents.record_document(minutes)), layout=True).split("\f")
                 if p.strip()]
    last = [line.strip() for line in pages[-1].splitlines() if line.strip()][-1]
    assert last == "- Lưu Văn phòng, P1 (05 bản)."
    with app.test_request_context():
        minutes = services.require_current(scene.meeting())
        services.set_status(minutes, "approved", user=scene.user(scene.admin), version=minutes.version)
        assert minutes.number == "Số 01-BB/VPTU"
