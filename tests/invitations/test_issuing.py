"""Issuing the invitation letters: the clerk's check (Quyết định 45/2018/QĐ-TTg, Điều 8), a number and a
day of issue, the letters kept byte for byte, a new issue for a change; printed addresses from
PUBLIC_BASE_URL only; the lead time as a setting."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import func, select

from planner.core.audit import AuditEntry
from planner.extensions import db
from tests.minutes.conftest import build_scene, needs_poppler, pdf_text

FUTURE = date(2027, 6, 14)  # a Monday, months after the machine's "today"


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def desk(app, factory):
    return build_scene(app, factory, status="published", day=FUTURE, attendance=False, logins=True)


def ready(scene, *, phone: str = "0236 3822 123") -> None:
    """The letter's contact and the signer's name: what the scene lacks for an issue."""
    from planner.documents import services as document_services
    from planner.minutes import services

    meeting, organizer = scene.meeting(), scene.user(scene.organizer)
    services.save_invitation_letter(meeting, {"contact": "đồng chí Lê Thị Mai - Chuyên viên Văn phòng",
                                              "contact_phone": phone,
                                              "addressee": "Các đồng chí Ủy viên Ban Chấp hành Đảng bộ thành phố"},
                                    user=organizer)
    document_services.update_settings(meeting.organization, {"signatures": {"invitation": {"right": {
        "authority": "T/L BAN THƯỜNG VỤ", "position": "CHÁNH VĂN PHÒNG", "name": "Bùi Công Lực"}}}})


def test_issuing_is_refused_with_the_list_of_what_is_missing_and_saves_nothing(app, desk):
    from planner.agenda.models import agenda_item_presiding
    from planner.core.errors import ValidationError
    from planner.documents.models import IssuedNumber
    from planner.invitations.services import issuing
    from planner.meetings.models import meeting_presiding
    from planner.minutes import documents
    from planner.minutes.models import InvitationIssue

    with app.test_request_context():
        meeting, organizer = desk.meeting(), desk.user(desk.organizer)
        db.session.execute(meeting_presiding.delete().where(meeting_presiding.c.meeting_id == meeting.id))
        db.session.commit()
        # Without presiding persons of its own, the meeting is presided by the chairs of its sessions.
        (letter, *_rest) = documents.invitation_documents(desk.meeting(), organizer, with_links=False)
        lines = ["".join(r.text for r in b.runs) for b in letter.body if getattr(b, "kind", "") == "paragraph"]
        assert any(line.startswith("- Chủ trì: Đồng chí Nguyễn Văn Quảng") for line in lines), lines
        db.session.execute(agenda_item_presiding.delete())
        meeting = desk.meeting()
        meeting.venue = ""
        db.session.commit()
        from planner.documents import services as document_services  # nobody signs invitations

        document_services.update_settings(meeting.organization, {"signatures": {}})
        meeting = desk.meeting()
        with pytest.raises(ValidationError) as refused:
            issuing.issue(meeting, user=organizer)
        problems = [e["detail"] for e in refused.value.errors]
        assert any("Nobody presides" in p or "chủ trì" in p for p in problems)
        assert any("No place" in p or "địa điểm" in p.lower() for p in problems)
        assert any("contact person" in p or "người liên hệ" in p for p in problems)
        assert any("contact phone" in p or "điện thoại" in p for p in problems)
        assert any("signer" in p or "người ký" in p for p in problems)
        assert len(problems) == 5, problems
        assert db.session.scalar(select(func.count()).select_from(InvitationIssue)) == 0
        assert db.session.scalar(select(func.count()).select_from(IssuedNumber)) == 0, "no number spent"


def test_a_past_meeting_and_a_late_issue(app, factory):
    from planner.invitations.services import issuing

    scene = build_scene(app, factory, status="published", attendance=False)  # 19 November 2026: past
    with app.test_request_context():
        ready(scene)
        result = issuing.check(scene.meeting(), scene.user(scene.organizer))
        assert any("taken place" in p or "đã diễn ra" in p for p in result.problems)
        # Issued on Thursday 10 June for Monday 14 June: 2 working days, not 3 — a warning, not a refusal.
        meeting = build_scene(app, factory, status="published", day=FUTURE, attendance=False).meeting()
        assert not any("09/06/2027" in w for w in issuing.check(meeting, None, today=date(2027, 6, 9)).warnings)
        warnings = issuing.check(meeting, None, today=date(2027, 6, 10)).warnings
        assert any("09/06/2027" in w for w in warnings), warnings
        assert issuing.lead_time(meeting, date(2027, 6, 9)).late is False
        assert issuing.lead_time(meeting, date(2027, 6, 10)).late is True


@needs_poppler
def test_issued_letters_are_numbered_dated_and_served_byte_for_byte_whatever_changes(app, client, desk):
    from planner.accounts.models import Organization
    from planner.documents import records
    from planner.invitations.services import issuing
    from planner.minutes import services

    with app.test_request_context():
        ready(desk)
    client.login(desk.organizer.email)
    base = f"/meetings/{desk.meeting_id}"
    draft = client.get(f"{base}/exports/invitations.pdf")
    assert draft.status_code == 200 and "DỰ THẢO" in pdf_text(draft.data), "before issuing: a draft"
    response = client.post_form(f"{base}/invitation/issue")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with app.test_request_context():
        meeting = desk.meeting()
        issue = issuing.current_issue(meeting)
        today = services.local_today(meeting)
        assert issue.number == "Số 01-GM/VPTU" and issue.issued_on == today and issue.letters == 8
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "invitation.issued"))
        assert entry.changes["pdf_sha256"] == [None, issue.pdf_sha256]
        stored = records.open_frozen(records.find("invitation_issue", issue.public_id, "invitation", "pdf"))
    pdf = client.get(f"{base}/exports/invitations.pdf")
    docx = client.get(f"{base}/exports/invitations.docx")
    assert pdf.data == stored and hashlib.sha256(pdf.data).hexdigest() == issue.pdf_sha256
    assert hashlib.sha256(docx.data).hexdigest() == issue.docx_sha256
    text = flat(pdf_text(pdf.data))
    assert "Số 01-GM/VPTU" in text and "DỰ THẢO" not in text
    assert f"ngày {today.day:02d} tháng" in text, "dated the day of issue"
    assert "Thành phần: Các đồng chí Ủy viên Ban Chấp hành" in text
    assert "Chủ trì: Đồng chí Nguyễn Văn Quảng" in text, "“Đồng chí” after a label, as “Kính gửi: Đồng chí …”"
    assert "Liên hệ: Đồng chí Lê Thị Mai - Chuyên viên Văn phòng, điện thoại: 0236 3822 123" in text
    # Issuing again without a change takes no number.
    assert client.post_form(f"{base}/invitation/issue").status_code == 409
    with app.test_request_context():
        assert len(issuing.issues(desk.meeting())) == 1
    assert "Bùi Công Lực" in text
    # The organization changes its name, profile and code: the issued letters do not change.
    with app.test_request_context():
        org = db.session.get(Organization, desk.org.id)
        org.name, org.body_code, org.document_profile = "Văn phòng UBND thành phố", "UBND", "state"
        db.session.commit()
    assert client.get(f"{base}/exports/invitations.pdf").data == pdf.data
    assert client.get(f"{base}/exports/invitations.docx").data == docx.data
    # A change of the letter: the tab says a new issue is owed; issuing again takes a new number.
    with app.test_request_context():
        services.save_invitation_letter(desk.meeting(), {"preparation": "Nghiên cứu trước dự thảo báo cáo"},
                                        user=desk.user(desk.organizer))
    html = client.get(f"{base}/invitation").get_data(as_text=True)
    assert "Số 01-GM/VPTU" in html and ("has changed since" in html or "đã thay đổi" in html)
    assert client.post_form(f"{base}/invitation/issue").status_code == 302
    with app.test_request_context():
        newer, older = issuing.issues(desk.meeting())
    assert older.number == "Số 01-GM/VPTU" and "GM-UBND" in newer.number
    old = client.get(f"{base}/invitation/issues/{older.public_id}.pdf")
    assert old.status_code == 200 and old.data == pdf.data, "the earlier issue stays as it was"
    assert "Nghiên cứu trước dự thảo" in pdf_text(client.get(f"{base}/exports/invitations.pdf").data)
    assert client.get(f"{base}/invitation/issues/nope.pdf").status_code == 404


def test_printed_links_use_the_public_base_url_never_the_request_address(app, factory):
    from planner.documents import links
    from planner.invitations.services import issuing
    from planner.minutes import documents

    scene = build_scene(app, factory, status="published", day=FUTURE, attendance=False)
    with app.test_request_context(base_url="http://10.0.0.5:8000/"):
        ready(scene)
        meeting, organizer = scene.meeting(), scene.user(scene.organizer)
        app.config["PUBLIC_BASE_URL"] = ""
        assert links.has_provider()
        letters = documents.invitation_documents(meeting, organizer)
        assert not any(b.kind == "qr" for letter in letters for b in letter.body), "no base URL: no QR code"
        warnings = issuing.check(meeting, organizer).warnings
        assert any("PUBLIC_BASE_URL" in w for w in warnings)
        app.config["PUBLIC_BASE_URL"] = "https://hop.vptu.example.gov.vn/"
        try:
            letters = documents.invitation_documents(meeting, organizer)
        finally:
            app.config["PUBLIC_BASE_URL"] = ""
    codes = [b.link for letter in letters for b in letter.body if b.kind == "qr"]
    assert len(codes) == 8 and all(c.startswith("https://hop.vptu.example.gov.vn/d/d_") for c in codes)
    assert not any("10.0.0.5" in c for c in codes)


def test_the_settings_page_says_why_there_is_no_qr_code_and_keeps_the_lead_time(app, client, desk):
    from planner.accounts.models import Organization
    from planner.documents import services as document_services

    client.login(desk.admin.email)
    html = client.get("/admin/documents").get_data(as_text=True)
    assert "PUBLIC_BASE_URL" in html
    app.config["PUBLIC_BASE_URL"] = "https://hop.vptu.example.gov.vn"
    try:
        assert "PUBLIC_BASE_URL" not in client.get("/admin/documents").get_data(as_text=True)
        html = client.get(f"/meetings/{desk.meeting_id}/invitations").get_data(as_text=True)
        assert "PUBLIC_BASE_URL" not in html
    finally:
        app.config["PUBLIC_BASE_URL"] = ""
    assert "PUBLIC_BASE_URL" in client.get(f"/meetings/{desk.meeting_id}/invitations").get_data(as_text=True)
    with app.test_request_context():
        org = db.session.get(Organization, desk.org.id)
        from planner.core.errors import ValidationError

        for bad in ("0", "21", "ba", "2.5"):
            with pytest.raises(ValidationError):
                document_services.update_settings(org, {"invitation_lead_days": bad})
        document_services.update_settings(org, {"invitation_lead_days": "5"})
        assert document_services.invitation_lead_days(org) == 5
        assert document_services.invitation_due(org, FUTURE) == date(2027, 6, 7)


def test_contact_phone_is_checked(app, desk):
    from planner.core.errors import ValidationError
    from planner.minutes import services

    with app.test_request_context():
        meeting, organizer = desk.meeting(), desk.user(desk.organizer)
        with pytest.raises(ValidationError):
            services.save_invitation_letter(meeting, {"contact_phone": "gọi cho chị Mai"}, user=organizer)
        letter = services.save_invitation_letter(meeting, {"contact_phone": "(0236) 3.822.123"}, user=organizer)
        assert letter.contact_phone == "(0236) 3.822.123"


def test_lead_time_warning_on_the_invitations_tab(app, client, factory):
    scene = build_scene(app, factory, status="published", day=FUTURE, attendance=False, logins=True)
    client.login(scene.organizer.email)
    html = client.get(f"/meetings/{scene.meeting_id}/invitations").get_data(as_text=True)
    assert "09/06/2027" in html, "3 working days before Monday 14 June 2027"


def test_the_api_issues_with_the_same_check_and_lists_the_issues(app, client, factory):
    scene = build_scene(app, factory, status="published", day=FUTURE, attendance=False)
    headers = {"Authorization": f"Bearer {factory.token(scene.organizer)}"}
    url = f"/api/v1/meetings/{scene.meeting_id}/invitation/issues"
    refused = client.post(url, headers=headers)
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    # contact person, contact phone (the scene's office names who signs its invitations)
    assert len(refused.get_json()["errors"]) == 2, refused.get_json()["errors"]
    with app.test_request_context():
        ready(scene)
    issued = client.post(url, headers=headers)
    assert issued.status_code == 201, issued.get_json()
    body = issued.get_json()
    assert body["number"] == "Số 01-GM/VPTU" and body["letters"] == 8 and len(body["pdf_sha256"]) == 64
    assert client.post(url, headers=headers).status_code == 409, "nothing changed: no new number"
    listed = client.get(url, headers=headers).get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == body["id"]
    pdf = client.get(f"/api/v1/meetings/{scene.meeting_id}/exports/invitations.pdf", headers=headers)
    assert hashlib.sha256(pdf.data).hexdigest() == body["pdf_sha256"]
    viewer = {"Authorization": f"Bearer {factory.token(scene.viewer)}"}
    assert client.get(url, headers=viewer).status_code == 403


@needs_poppler
def test_the_dossier_files_the_copy_kept_at_the_issue(app, factory):
    from planner.archive import services as archive
    from planner.invitations.services import issuing

    scene = build_scene(app, factory, status="published", day=FUTURE, attendance=False)
    with app.test_request_context():
        ready(scene)
        meeting, organizer = scene.meeting(), scene.user(scene.organizer)
        draft = pdf_text(archive.invitation_pdf(meeting, organizer))
        assert "DỰ THẢO" in draft, "before the issue the dossier can only hold the draft"
        issuing.issue(meeting, user=organizer)
        filed = archive.invitation_pdf(scene.meeting(), organizer)
        assert filed == issuing.filed_copy(scene.meeting())
    text = flat(pdf_text(filed))
    assert "Số 01-GM/VPTU" in text and "DANH SÁCH KHÁCH MỜI" in text and "DỰ THẢO" not in text
