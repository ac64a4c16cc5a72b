"""The minutes pages: generate, edit section by section, a stale save shown with both texts, workflow,
revisions, downloads with an ETag, the invitation letter, document settings and the home page warning."""

import io
import re

import pytest
from docx import Document
from sqlalchemy import select

from planner.core.audit import AuditEntry
from planner.extensions import db
from tests.minutes.conftest import build_scene


@pytest.fixture
def site(app, factory):
    return build_scene(app, factory, logins=True)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_a_secretary_generates_and_edits_the_minutes(client, site):
    base = f"/meetings/{site.meeting_id}/minutes"
    client.login(site.secretary.email)
    html = page(client, base)
    assert "Generate draft" in html or "Tạo dự thảo" in html
    response = client.post_form(f"{base}/generate")
    assert response.status_code == 302
    html = page(client, base)
    assert "Hội nghị kết thúc vào 11 giờ 30" in html
    assert f'action="/meetings/{site.meeting_id}/minutes/sections"' in html, "one form for every section"
    response = client.post_form(f"{base}/sections/closing", {
        "s-closing-version": "1", "s-closing-heading": "",
        "s-closing-text": "Hội nghị kết thúc vào 11 giờ 45, ngày 19 tháng 11 năm 2026./."})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#s-closing")
    assert "11 giờ 45" in page(client, base)


def test_a_stale_save_shows_both_texts_and_loses_neither(client, site):
    base = f"/meetings/{site.meeting_id}/minutes"
    client.login(site.secretary.email)
    client.post_form(f"{base}/generate")
    first = client.post_form(f"{base}/sections/closing", {"s-closing-version": "1",
                                                          "s-closing-text": "Văn bản của thư ký thứ nhất."})
    assert first.status_code == 302
    second = client.post_form(f"{base}/sections/closing", {"s-closing-version": "1",
                                                           "s-closing-text": "Văn bản của thư ký thứ hai."})
    assert second.status_code == 409
    html = second.get_data(as_text=True)
    assert "Văn bản của thư ký thứ nhất." in html and "Văn bản của thư ký thứ hai." in html
    # the form now carries the current version, so merging and saving again succeeds
    assert re.search(r'name="s-closing-version"[^>]*value="2"', html)
    third = client.post_form(f"{base}/sections/closing", {"s-closing-version": "2",
                                                          "s-closing-text": "Văn bản đã hợp nhất."})
    assert third.status_code == 302
    history = page(client, f"{base}/revisions")
    assert history.count("<tr") >= 5  # header + generated, saved, conflict, saved


def test_workflow_buttons_and_approval(client, site):
    base = f"/meetings/{site.meeting_id}/minutes"
    client.login(site.secretary.email)
    client.post_form(f"{base}/generate")
    html = page(client, base)
    assert 'name="status" value="submitted"' in html and 'name="status" value="approved"' not in html
    client.post_form(f"{base}/status", {"version": "1", "status": "submitted"})
    client.logout()
    client.login(site.admin.email)
    html = page(client, base)
    assert 'name="status" value="approved"' in html
    response = client.post_form(f"{base}/status", {"version": "2", "status": "approved"})
    assert response.status_code == 302
    html = page(client, base)
    assert "Số 01-BB/VPTU" in html
    assert "cấp số 01-BB/VPTU." in html and "cấp số Số" not in html  # the flash says "số" once
    assert f'action="/meetings/{site.meeting_id}/minutes/sections"' not in html, "approved: locked"


def test_viewer_reads_but_cannot_write(client, site, app):
    base = f"/meetings/{site.meeting_id}/minutes"
    client.login(site.viewer.email)
    html = page(client, base)
    assert "/generate" not in html
    assert client.post_form(f"{base}/generate").status_code == 403


def test_downloads_answer_with_an_etag_and_304(client, site):
    base = f"/meetings/{site.meeting_id}"
    client.login(site.secretary.email)
    assert client.get(f"{base}/exports/minutes.pdf").status_code == 404, "no minutes yet"
    client.post_form(f"{base}/minutes/generate")
    for name, media in (("minutes.pdf", "application/pdf"), ("minutes.docx", "wordprocessingml"),
                        ("programme.pdf", "application/pdf")):
        response = client.get(f"{base}/exports/{name}")
        assert response.status_code == 200, name
        assert media in response.headers["Content-Type"]
        etag = response.headers["ETag"]
        again = client.get(f"{base}/exports/{name}", headers={"If-None-Match": etag})
        assert again.status_code == 304
    assert client.get(f"{base}/exports/invitations.pdf").status_code == 403, "letters are the organizers'"
    assert client.get(f"{base}/exports/nothing.pdf").status_code == 404
    etag = client.get(f"{base}/exports/minutes.pdf").headers["ETag"]
    client.post_form(f"{base}/minutes/sections/closing", {"s-closing-version": "1", "s-closing-text": "Khác."})
    assert client.get(f"{base}/exports/minutes.pdf", headers={"If-None-Match": etag}).status_code == 200


def test_a_classified_meetings_downloads_are_audited(client, app, factory):
    scene = build_scene(app, factory, classification="confidential", logins=True)
    client.login(scene.organizer.email)
    assert client.get(f"/meetings/{scene.meeting_id}/exports/programme.pdf").status_code == 200
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.summary).where(AuditEntry.action == "export.downloaded")).all()
    assert "programme.pdf" in actions


def test_invitation_letter_page(client, site):
    url = f"/meetings/{site.meeting_id}/invitation"
    client.login(site.organizer.email)
    html = page(client, url)
    assert "8" in html
    response = client.post_form(url, {"mode": "all", "addressee": "Các đồng chí Thành ủy viên",
                                       "content": "", "preparation": "Tài liệu gửi kèm", "contact": "Lê Thị Mai",
                                       "version": ""})
    assert response.status_code == 302
    pdf = client.get(f"/meetings/{site.meeting_id}/exports/invitations.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    docx = client.get(f"/meetings/{site.meeting_id}/exports/invitations.docx")
    assert "Các đồng chí Thành ủy viên" in " ".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    client.logout()
    client.login(site.secretary.email)
    assert client.get(url).status_code == 403


def test_notice_page_shows_its_due_date(client, site):
    client.login(site.secretary.email)
    html = page(client, f"/meetings/{site.meeting_id}/notice")
    assert "26" in html and ("2026" in html)


def test_document_settings_page(client, site):
    client.login(site.admin.email)
    html = page(client, "/admin/documents")
    assert "2026-09-02" in html, "the default holidays are listed"
    response = client.post_form("/admin/documents", {
        "version": "", "numbering_period": "term", "term_label": "2025-2030", "issuer_line": "Văn phòng",
        "superior_line": "", "number_format": "", "recipients_last": "- Lưu VP.",
        "notice_right_name": "Nguyễn Đình Vĩnh", "holidays": "2026-11-24"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    html = page(client, "/admin/documents")
    assert "2025-2030" in html and "Nguyễn Đình Vĩnh" in html
    version = re.search(r'name="version" type="hidden" value="(\d+)"|name="version" value="(\d+)"', html)
    version = next(v for v in version.groups() if v) if version else "1"
    bad = client.post_form("/admin/documents", {"version": version, "numbering_period": "year",
                                                "holidays": "hôm nay"})
    assert bad.status_code == 422
    sample = client.get("/admin/documents/sample.pdf")
    assert sample.status_code == 200 and sample.data.startswith(b"%PDF")
    refused = client.post_form("/admin/documents/letterhead",
                               {"letterhead": (io.BytesIO(b"%PDF-1.4 not word"), "mau.docx")},
                               content_type="multipart/form-data")
    assert refused.status_code == 422   # the settings page again, the reason under the file field
    html = refused.get_data(as_text=True)
    assert "not a Word document" in html or "không phải văn bản Word" in html
    assert 'aria-invalid="true" id="letterhead"' in html
    client.logout()
    client.login(site.secretary.email)
    assert client.get("/admin/documents").status_code == 403


def test_home_page_warns_of_overdue_notices(client, app, factory, monkeypatch):
    from datetime import date

    from planner.minutes import services

    scene = build_scene(app, factory, logins=True)
    original = services.notices_due
    monkeypatch.setattr(services, "notices_due",
                        lambda org, user, **kw: original(org, user, today=date(2026, 11, 30)))
    client.login(scene.secretary.email)
    html = page(client, "/")
    assert "Hội nghị Ban Chấp hành Đảng bộ thành phố lần thứ 12" in html
    assert "home-todos" in html and "is-overdue" in html


def test_revisions_compare_and_restore(client, site):
    base = f"/meetings/{site.meeting_id}/minutes"
    client.login(site.secretary.email)
    client.post_form(f"{base}/generate")
    client.post_form(f"{base}/sections/closing", {"s-closing-version": "1", "s-closing-text": "Kết thúc sớm."})
    html = page(client, f"{base}/revisions?a=1&b=2")
    assert "<ins>Kết thúc sớm.</ins>" in html or "<ins>" in html
    response = client.post_form(f"{base}/revisions/1/restore", {"version": "2"})
    assert response.status_code == 302
    assert "Hội nghị kết thúc vào 11 giờ 30" in page(client, base)
