"""The dossier of a meeting: every file its table of contents lists, with matching SHA-256 and pages; refused
while the minutes are not approved (page and API); classified meetings; the streamed answer."""

from __future__ import annotations

import hashlib
import inspect
import json
import subprocess

import pytest

from planner.extensions import db
from tests.archive.conftest import audit_actions, dossier_scene, needs_poppler, pdf_pages, read_zip
from tests.minutes.conftest import pdf_text

TOC_PDF = "00-muc-luc-ho-so.pdf"
TOC_JSON = "00-muc-luc-ho-so.json"


def _url(scene) -> str:
    return f"/meetings/{scene.meeting_id}/exports/dossier.zip"


def _download(client, scene, user=None):
    client.login((user or scene.organizer).email)
    return client.get(_url(scene), buffered=False)


@needs_poppler
def test_the_zip_holds_every_file_its_contents_list_with_matching_checksums_and_pages(dossier, client):
    response = _download(client, dossier)
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    archive = read_zip(b"".join(response.response))
    contents = json.loads(archive.read(TOC_JSON))
    listed = {entry["file"]: entry for entry in contents["files"]}
    assert set(archive.namelist()) == {*listed, TOC_PDF, TOC_JSON}
    keys = [entry["key"] for entry in contents["files"]]
    assert keys[:5] == ["invitations.pdf", "programme.pdf", "programme-changes.pdf", "participants.xlsx",
                        "attendance-sheet.pdf"]
    assert keys[-4:] == ["minutes.pdf", "minutes.docx", "notice.pdf", "notice.docx"]
    assert sum(key.startswith("speech:") for key in keys) == 2
    assert [entry["number"] for entry in contents["files"]] == list(range(1, len(keys) + 1))
    for name, entry in listed.items():
        data = archive.read(name)
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], name
        assert len(data) == entry["size"], name
        if name.endswith(".pdf"):
            assert entry["pages"] == pdf_pages(data), name
        else:  # a Word or Excel file has no pages of its own
            assert entry["pages"] is None, name
    minutes = next(entry for entry in contents["files"] if entry["key"] == "minutes.pdf")
    assert minutes["document_number"] == "Số 01-BB/VPTU"
    assert contents["missing"] == []
    assert contents["counts"]["invited"] == 9 and contents["counts"]["present"] == 6

    toc = archive.read(TOC_PDF)
    assert pdf_pages(toc) >= 1
    text = " ".join(pdf_text(toc).split())
    for entry in contents["files"]:
        assert entry["sha256"][:16] in text  # the checksum is printed, split in lines of 16
    assert "MỤC LỤC HỒ SƠ" in text
    fonts = subprocess.run(["pdffonts", "-"], input=toc, capture_output=True, check=True).stdout.decode()
    assert all(" yes " in line for line in fonts.splitlines()[2:] if line.strip())  # bundled fonts, embedded


def test_the_answer_streams_entry_by_entry(dossier, client):
    response = _download(client, dossier)
    assert response.status_code == 200 and response.is_streamed
    body = response.response
    assert inspect.isgenerator(body) or hasattr(body, "__next__")
    chunks = [chunk for chunk in body if chunk]
    files = len(json.loads(read_zip(b"".join(chunks)).read(TOC_JSON))["files"])
    assert len(chunks) >= files  # one piece per document at least: never the whole ZIP at once
    assert "Content-Length" not in response.headers


def test_refused_with_the_reason_while_the_minutes_are_a_draft(app, factory, client):
    scene = dossier_scene(app, factory, approve=False, notice=False, logins=True, texts=False)
    client.login(scene.organizer.email)
    page = client.get(f"/meetings/{scene.meeting_id}/dossier")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "dossier-refusal" in html and "Biên bản chưa được duyệt" in html
    assert f'href="{_url(scene)}"' not in html  # no build button
    refused = client.get(_url(scene))
    assert refused.status_code == 409
    assert "Biên bản chưa được duyệt" in refused.get_data(as_text=True)

    token = factory.token(scene.organizer)
    api = client.get(f"/api/v1/meetings/{scene.meeting_id}/exports/dossier.zip",
                     headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 409
    assert api.mimetype == "application/problem+json"
    assert "Biên bản chưa được duyệt" in api.get_json()["detail"]
    with app.app_context():
        assert audit_actions(scene.meeting().id) == []


def test_refused_before_the_meeting_is_over(app, factory, ctx):
    from planner.archive import services
    from planner.meetings.models import MeetingStatus

    scene = dossier_scene(app, factory, texts=False)
    meeting = scene.meeting()
    meeting.status, meeting.ends_on = MeetingStatus.in_progress, meeting.ends_on.replace(year=2099)
    db.session.commit()
    assert "Hội nghị chưa kết thúc" in services.refusal(scene.meeting(), scene.user(scene.organizer))


def test_api_twin_builds_the_same_dossier(dossier, client, factory):
    token = factory.token(dossier.organizer)
    response = client.get(f"/api/v1/meetings/{dossier.meeting_id}/exports/dossier.zip",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert "Ho-so" in response.headers["Content-Disposition"]
    assert TOC_JSON in read_zip(response.data).namelist()


def test_a_viewer_may_not_build_it(dossier, client):
    response = _download(client, dossier, dossier.viewer)
    assert response.status_code == 403


@needs_poppler
def test_classified_dossier_carries_the_mark_needs_clearance_and_is_audited(app, factory, client):
    scene = dossier_scene(app, factory, classification="secret", logins=True, texts=False)
    uncleared = factory.user(scene.org, role="organizer", clearance="confidential")
    refused = _download(client, scene, uncleared)
    assert refused.status_code in (403, 404)
    with app.test_request_context():
        from planner.archive import services

        assert "Mức được tiếp cận" in services.refusal(scene.meeting(), scene.user(uncleared))
        assert audit_actions(scene.meeting().id) == []
    client.logout()

    response = _download(client, scene)
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert "T%E1%BB%90I%20M%E1%BA%ACT" in disposition  # filename* = "TỐI MẬT - Hồ sơ - …"
    archive = read_zip(b"".join(response.response))
    assert archive.comment.decode("utf-8").startswith("TỐI MẬT - ")
    toc = archive.read(TOC_PDF)
    pages = pdf_pages(toc)
    for page in range(1, pages + 1):  # the mark on every page
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-", "-"], input=toc,
                              capture_output=True, check=True).stdout.decode()
        assert "TỐI MẬT" in text
    assert json.loads(archive.read(TOC_JSON))["meeting"]["mark"] == "TỐI MẬT"
    with app.app_context():
        entries = audit_actions(scene.meeting().id)
        assert len(entries) == 1
        assert entries[0].actor_id == scene.organizer.id
        assert entries[0].changes["classification"] == "secret"


def test_the_tab_lists_what_goes_in_with_counts_and_what_is_missing(app, factory, client):
    scene = dossier_scene(app, factory, notice=False, logins=True)
    client.login(scene.organizer.email)
    html = client.get(f"/meetings/{scene.meeting_id}/dossier").get_data(as_text=True)
    assert "Hồ sơ" in html
    assert f'href="{_url(scene)}"' in html
    assert "Giấy mời" in html and "Chương trình" in html
    assert "6 có mặt / 9 dự kiến" in html or "6" in html
    assert "Thông báo kết luận chưa được soạn" in html  # missing, with the reason


@pytest.mark.parametrize("data, name, pages", [(b"%PDF-1.7\n1 0 obj << /Type /Pages /Kids [] /Count 3 >>", "a.pdf", 3),
                                                (b"PK", "a.xlsx", None)])
def test_page_count_reads_the_page_tree(data, name, pages):
    from planner.archive.services import page_count

    assert page_count(data, name) == pages
