"""Submitted texts: the type read from the content, versions, storage, the embargo and clearance."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from planner.core.audit import AuditEntry
from planner.core.errors import Forbidden, NotFound, ValidationError
from planner.extensions import db
from planner.speeches import files, services
from planner.speeches.models import SpeechText
from tests.speeches.conftest import ELF, EXECUTABLE, at, docx_bytes, pdf_bytes, zip_without_document


def test_the_type_is_read_from_the_content():
    assert files.sniff(pdf_bytes()) == files.PDF
    assert files.sniff(docx_bytes()) == files.DOCX
    assert files.sniff(EXECUTABLE) is None
    assert files.sniff(ELF) is None
    assert files.sniff(zip_without_document()) is None
    assert files.sniff(b"PK\x03\x04 not really a zip") is None
    assert files.sniff(b"") is None


@pytest.mark.parametrize(("data", "name", "reason"), [
    (pdf_bytes(), "bai-phat-bieu.docx", "mismatch"),     # a PDF renamed .docx
    (docx_bytes(), "bai-phat-bieu.pdf", "mismatch"),     # a DOCX renamed .pdf
    (EXECUTABLE, "bai-phat-bieu.pdf", "type"),           # a program renamed .pdf
    (ELF, "bai-phat-bieu.docx", "type"),
    (zip_without_document(), "bai-phat-bieu.docx", "type"),
    (pdf_bytes(), "bai-phat-bieu", "mismatch"),          # no extension at all
    (b"", "trong.pdf", "empty"),
])
def test_files_that_are_not_what_their_name_says_are_refused(data, name, reason):
    with pytest.raises(files.FileRefused) as exc:
        files.check(data, name, max_bytes=10_000_000)
    assert exc.value.reason == reason


def test_a_file_over_the_limit_is_refused():
    with pytest.raises(files.FileRefused) as exc:
        files.check(pdf_bytes() + b"0" * 5000, "lon.pdf", max_bytes=4000)
    assert exc.value.reason == "too_large"


def test_the_uploaded_name_is_cleaned():
    assert files.clean_filename("../../etc/Bài phát biểu.PDF", files.PDF) == "Bài phát biểu.pdf"
    assert files.clean_filename('C:\\Users\\x\\"tham luận".docx', files.DOCX) == "tham luận.docx"
    assert files.clean_filename("", files.PDF) == "speech.pdf"


def test_versions_are_kept_under_random_names_in_the_storage(hall, app):
    speech = hall.speech(person=0, title="Báo cáo chính trị")
    first = services.upload_text(speech, pdf_bytes("v1"), "Báo cáo.pdf", user=hall.user)
    second = services.upload_text(speech, docx_bytes("v2"), "Báo cáo (sửa).docx", user=hall.user,
                                  check_against_delivery=False, embargo=False)
    texts = hall.reload(speech).texts
    assert [(t.number, t.filename, t.media_type) for t in texts] == [
        (1, "Báo cáo.pdf", files.PDF), (2, "Báo cáo (sửa).docx", files.DOCX)]
    assert texts[0].check_against_delivery and texts[0].embargo and not texts[1].embargo
    storage = Path(app.config["STORAGE_PATH"]) / "speeches"
    for text in (first, second):
        path = storage / text.stored_name
        assert path.is_file() and "Báo" not in text.stored_name and len(text.stored_name) == 32
        assert text.size == path.stat().st_size
    assert first.sha256 != second.sha256


def test_a_refused_upload_saves_nothing(hall, app):
    speech = hall.speech(person=0)
    before = set((Path(app.config["STORAGE_PATH"]) / "speeches").glob("*")) if (
        Path(app.config["STORAGE_PATH"]) / "speeches").exists() else set()
    for data, name in ((pdf_bytes(), "renamed.docx"), (EXECUTABLE, "virus.pdf")):
        with pytest.raises(ValidationError) as exc:
            services.upload_text(speech, data, name, user=hall.user)
        assert exc.value.field == "file"
    assert db.session.scalar(select(SpeechText.id)) is None
    after = set((Path(app.config["STORAGE_PATH"]) / "speeches").glob("*")) if (
        Path(app.config["STORAGE_PATH"]) / "speeches").exists() else set()
    assert after == before


def test_the_size_limit_comes_from_the_configuration(hall, app):
    speech = hall.speech(person=0)
    app.config["SPEECH_TEXT_MAX_BYTES"] = 1024
    try:
        with pytest.raises(ValidationError) as exc:
            services.upload_text(speech, pdf_bytes() + b"0" * 2048, "lon.pdf", user=hall.user)
    finally:
        app.config.pop("SPEECH_TEXT_MAX_BYTES")
    assert "MB" in exc.value.message


def test_a_delegate_cannot_fetch_an_embargoed_text_until_the_speech_is_delivered(hall):
    speech = hall.speech(person=0)
    text = services.upload_text(speech, pdf_bytes(), "phat-bieu.pdf", user=hall.user)
    delegate = hall.people[3]
    with pytest.raises(Forbidden):
        services.open_text_for_delegate(delegate, text.public_id)
    assert services.delegate_texts(delegate) == []
    # Staff can, and the speaker may read their own text.
    assert services.open_text(text, user=hall.user).is_file()
    assert services.open_text_for_delegate(hall.people[0], text.public_id)[0].id == text.id
    # Delivered: the embargo is lifted.
    services.start(hall.meeting, speech, user=hall.user, now=at(0))
    found, path = services.open_text_for_delegate(delegate, text.public_id)
    assert found.id == text.id and path.read_bytes().startswith(b"%PDF-")
    assert [t.id for t in services.delegate_texts(delegate)] == [text.id]


def test_a_text_without_embargo_is_open_to_delegates_at_once(hall):
    speech = hall.speech(person=0)
    text = services.upload_text(speech, docx_bytes(), "tham-luan.docx", user=hall.user, embargo=False)
    assert services.open_text_for_delegate(hall.people[2], text.public_id)[0].id == text.id
    services.update_text(text, user=hall.user, embargo=True)
    with pytest.raises(Forbidden):
        services.open_text_for_delegate(hall.people[2], text.public_id)


def test_classified_texts_follow_the_clearance_and_their_downloads_are_audited(hall, factory):
    from planner.accounts.models import User
    from planner.agenda import services as agenda

    agenda.update_item(hall.report, {"classification": "confidential"}, user=hall.user)
    speech = hall.speech(hall.report, person=0)
    text = services.upload_text(speech, pdf_bytes(), "mat.pdf", user=hall.user, embargo=False)
    low_ref = factory.user(type("Org", (), {"id": hall.org.id})(), role="organizer", clearance="internal")
    low = db.session.get(User, low_ref.id)
    with pytest.raises(NotFound):
        services.open_text(text, user=low)
    services.open_text(text, user=hall.user)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "speech_text.downloaded"))
    assert entry.object_id == text.public_id and entry.meeting_id == hall.meeting.id
    # Never through a delegate's link, embargo or not.
    with pytest.raises(NotFound):
        services.open_text_for_delegate(hall.people[1], text.public_id)
    assert services.delegate_texts(hall.people[1]) == []


def test_a_delegate_reaches_only_texts_of_their_own_meeting(hall):
    from tests.speeches.conftest import make_hall

    other = make_hall()
    text = services.upload_text(other.speech(person=0), pdf_bytes(), "khac.pdf", user=other.user, embargo=False)
    with pytest.raises(NotFound):
        services.open_text_for_delegate(hall.people[0], text.public_id)


def test_deleting_a_speech_removes_its_files(hall, app):
    speech = hall.speech(person=0)
    text = services.upload_text(speech, pdf_bytes(), "bo.pdf", user=hall.user)
    path = Path(app.config["STORAGE_PATH"]) / "speeches" / text.stored_name
    assert path.exists()
    services.delete_speech(hall.reload(speech), user=hall.user)
    assert not path.exists()


def test_a_delegate_page_lists_the_texts_they_may_read_and_its_links_serve_them(client, hall):
    from planner.invitations import services as invitations

    speech = hall.speech(person=0, title="Tham luận về chuyển đổi số")
    shared = services.upload_text(speech, docx_bytes("Toan van tham luan"), "tham-luan.docx", user=hall.user,
                                  embargo=False)
    held = services.upload_text(hall.speech(hall.report, person=1, title="Báo cáo kinh tế"), pdf_bytes(),
                                "bao-cao.pdf", user=hall.user)
    secret = invitations.ensure_link(hall.people[2], user=hall.user)
    html = client.get(f"/d/{secret}").get_data(as_text=True)
    assert "Tham luận về chuyển đổi số" in html, "the text without embargo is listed"
    assert "Báo cáo kinh tế" not in html, "the embargoed one is not, until the speech is delivered"
    link = f"/d/{secret}/documents/speech/{shared.public_id}"
    assert link in html
    got = client.get(link)
    assert got.status_code == 200 and got.data == services.open_text(shared, user=hall.user).read_bytes()
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert "no-store" in got.headers["Cache-Control"]
    assert client.get(f"/d/{secret}/documents/speech/{held.public_id}").status_code == 403
    assert client.get(f"/d/{secret}/documents/minutes/{shared.public_id}").status_code == 404
    assert client.get(f"/d/not-a-link/documents/speech/{shared.public_id}").status_code == 404
