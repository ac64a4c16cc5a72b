"""The pack's pages for staff: upload through the form, the list with its deadline, a document with its
versions and receipts, a refused upload shown on the form, the send button."""

from __future__ import annotations

import io

from sqlalchemy import select

from planner.extensions import db
from planner.meeting_documents.models import MeetingDocument
from tests.meeting_documents.conftest import EXECUTABLE, pdf_bytes
from tests.speeches.conftest import make_hall


def _login(app, factory, client):
    with app.app_context():
        hall = make_hall()
        user = factory.user(hall.org, role="organizer", clearance="secret", email="staff@example.vn")
        ids = {"meeting": hall.meeting.public_id, "item": hall.report.public_id}
    client.login(user.email)
    return ids


def test_upload_list_document_and_send(app, factory, client):
    ids = _login(app, factory, client)
    base = f"/meetings/{ids['meeting']}/documents"
    page = client.get(base)
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.get_data(as_text=True)
    answer = client.post(base, data={
        "csrf_token": client.csrf_token(), "title": "Báo cáo chính trị", "kind": "report",
        "classification": "internal", "agenda_item_id": ids["item"], "audience": "delegates",
        "file": (io.BytesIO(pdf_bytes()), "bao-cao.pdf")}, content_type="multipart/form-data")
    assert answer.status_code == 302, answer.get_data(True)[:2000]
    with app.app_context():
        document = db.session.scalar(select(MeetingDocument))
        document_id = document.public_id
    listing = client.get(base).get_data(as_text=True)
    assert "Báo cáo chính trị" in listing and "documents.zip" in listing
    detail = client.get(f"{base}/{document_id}")
    assert detail.status_code == 200 and "bao-cao.pdf" in detail.get_data(as_text=True)
    sent = client.post(f"{base}/send", data={"csrf_token": client.csrf_token()})
    assert sent.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(MeetingDocument.sent_at)) is not None
    download = client.get(f"{base}/{document_id}/file?version=1")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")


def test_a_refused_upload_is_shown_on_the_form(app, factory, client):
    ids = _login(app, factory, client)
    base = f"/meetings/{ids['meeting']}/documents"
    answer = client.post(base, data={
        "csrf_token": client.csrf_token(), "title": "Chương trình", "kind": "report", "classification": "none",
        "agenda_item_id": "", "audience": "delegates", "file": (io.BytesIO(EXECUTABLE), "chuong-trinh.pdf")},
        content_type="multipart/form-data")
    assert answer.status_code == 422
    assert "chuong-trinh.pdf" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(MeetingDocument.id)) is None
