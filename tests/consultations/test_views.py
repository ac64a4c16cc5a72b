"""The consultation pages: staff prepare, send and close; a member answers through their link (only their
own consultation; a classified one's question and documents never through it); other organizations find
nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from planner.extensions import db
from tests.consultations.conftest import pdf_bytes

FUTURE = datetime.now(UTC) + timedelta(days=7)


def _staff(client, scene):
    client.login(scene.email)
    return client


def test_staff_prepare_send_and_see_the_answers(client, scene):
    _staff(client, scene)
    response = client.post_form("/consultations/new", {
        "title": "Dự thảo Quy chế làm việc", "question": "Đồng chí có đồng ý thông qua dự thảo không?",
        "classification": "none", "deadline_day": FUTURE.strftime("%d/%m/%Y"), "deadline_time": "17:00",
        "remind_hours": "24"})
    assert response.status_code == 302, response.get_data(as_text=True)
    url = response.headers["Location"]
    cid = url.rstrip("/").split("/")[-1]
    assert client.post_form(f"/consultations/{cid}/members",
                            {"person_ids": [scene.people["An"], scene.people["Bình"]]}).status_code == 302
    upload = {"file": (__import__("io").BytesIO(pdf_bytes()), "du-thao.pdf"), "title": "Dự thảo Quy chế"}
    assert client.post_form(f"/consultations/{cid}/documents", upload,
                            content_type="multipart/form-data").status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Nguyễn Văn An" in page and "Dự thảo Quy chế" in page
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    assert client.post_form(f"/consultations/{cid}/send", {"version": version}).status_code == 302
    page = client.get(url).get_data(as_text=True)
    links = re.findall(r"https?://[^\"]+/c/(c_[A-Za-z0-9_-]{43})", page)
    assert len(set(links)) == 2

    member = client.application.test_client()
    mine = member.get(f"/c/{links[0]}")
    assert mine.status_code == 200
    assert mine.headers["Referrer-Policy"] == "no-referrer" and "no-store" in mine.headers["Cache-Control"]
    text = mine.get_data(as_text=True)
    assert "Đồng chí có đồng ý thông qua dự thảo không?" in text
    doc = re.search(r'href="(/c/c_[^"]+/documents/[0-9a-f]{32})"', text).group(1)
    assert member.get(doc).data.startswith(b"%PDF-")
    answered = member.post_form(f"/c/{links[0]}/answer", {"answer": "other", "opinion": ""})
    assert answered.status_code == 422          # other opinion needs its text: nothing saved
    answered = member.post_form(f"/c/{links[0]}/answer", {"answer": "other", "opinion": "Đề nghị sửa Điều 5."})
    assert answered.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Đề nghị sửa Điều 5." in page

    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    assert client.post_form(f"/consultations/{cid}/close", {"version": version}).status_code == 302
    for name in ("result.pdf", "result.docx", "sheet.xlsx"):
        download = client.get(f"/consultations/{cid}/exports/{name}")
        assert download.status_code == 200 and len(download.data) > 500, name
    closed = member.post_form(f"/c/{links[1]}/answer", {"answer": "agree"})
    assert closed.status_code == 409


def test_an_answer_after_the_deadline_is_refused_with_a_clear_message(client, scene, app):
    from planner.consultations.models import Consultation

    cid = scene.consultation(deadline=FUTURE)
    secret = scene.secret(cid, "An")
    with app.app_context():
        db.session.execute(update(Consultation).where(Consultation.public_id == cid)
                           .values(deadline=datetime.now(UTC) - timedelta(minutes=1)))
        db.session.commit()
    page = client.get(f"/c/{secret}").get_data(as_text=True)
    assert "Hạn trả lời là" in page or "The deadline for answers was" in page
    refused = client.post_form(f"/c/{secret}/answer", {"answer": "agree"})
    assert refused.status_code == 409
    assert "không còn nhận" in refused.get_data(as_text=True)


def test_a_classified_consultation_sends_neither_question_nor_documents_through_the_link(client, scene):
    cid = scene.consultation(classification="confidential", deadline=FUTURE, documents=1,
                             title="Phương án nhân sự ZQXSECRETMARK")
    secret = scene.secret(cid, "An")
    page = client.get(f"/c/{secret}").get_data(as_text=True)
    assert "ZQXSECRETMARK" not in page and "Đồng chí có đồng ý" not in page
    assert "MẬT" in page
    with scene.load(cid) as (c, _user):
        doc = c.documents[0].public_id
    assert client.get(f"/c/{secret}/documents/{doc}").status_code == 404
    assert client.post_form(f"/c/{secret}/answer", {"answer": "agree"}).status_code == 302


def test_unknown_revoked_and_draft_links_answer_404(client, scene):
    cid = scene.consultation(deadline=FUTURE)
    secret = scene.secret(cid, "An")
    draft = scene.consultation(deadline=FUTURE, send=False)
    with scene.load(draft) as (c, _user):
        from planner.consultations import services

        services._issue(c.members[0])   # even a link made on a draft does not open it
        db.session.commit()
        draft_secret = services.link_secret(c.members[0])
    assert client.get(f"/c/{draft_secret}").status_code == 404
    assert client.get("/c/c_" + "A" * 43).status_code == 404
    assert client.get("/c/nonsense").status_code == 404
    with scene.load(cid) as (c, user):
        from planner.consultations import services

        services.revoke_link(c, c.members[0], user=user)
    assert client.get(f"/c/{secret}").status_code == 404


def test_other_organizations_find_nothing(client, scene, factory):
    cid = scene.consultation(deadline=FUTURE)
    other = factory.organization(name="Văn phòng Thành ủy Huế")
    admin = factory.user(other, role="admin", clearance="top_secret", email="hue@example.vn")
    client.login(admin.email)
    assert client.get(f"/consultations/{cid}").status_code == 404
    assert client.get(f"/consultations/{cid}/exports/result.pdf").status_code == 404
    assert "Dự thảo Nghị quyết" not in client.get("/consultations").get_data(as_text=True)


def test_the_remind_command_lists_and_sends(app, scene, runner):
    cid = scene.consultation(deadline=datetime.now(UTC) + timedelta(hours=3))
    assert cid
    listed = runner.invoke(args=["planner", "consultations", "remind", "--dry-run"])
    assert listed.exit_code == 0, listed.output
    assert "4 due." in listed.output and "an@example.vn" in listed.output
    refused = runner.invoke(args=["planner", "consultations", "remind"])
    assert refused.exit_code != 0 and ("MAIL_SERVER" in refused.output or "PUBLIC_BASE_URL" in refused.output)
