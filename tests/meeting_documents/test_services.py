"""The document pack: what a file is (by its content), versions, who sees what (one rule), the delegate's
stamped copy and its read receipt, and the sending rule over weekends and holidays."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from planner.core.audit import AuditEntry
from planner.core.errors import NotFound, ValidationError
from planner.extensions import db
from planner.meeting_documents import files, services
from planner.meeting_documents.models import MeetingDocument, MeetingDocumentFile
from planner.meeting_documents.services import Reach
from tests.meeting_documents.conftest import (
    EXECUTABLE,
    docx_bytes,
    encrypted_pdf,
    pdf_bytes,
    pptx_bytes,
    xlsx_bytes,
    zip_bomb,
)


def _add(hall, title="Báo cáo chính trị", data=None, name="bao-cao.pdf", **fields):
    fields.setdefault("kind", "report")
    return services.create_document(hall.meeting, {"title": title, **fields}, data or pdf_bytes(), name,
                                    user=hall.user)


def _sent(hall, **fields):
    document = _add(hall, **fields)
    return services.update_document(document, {"sent": True}, user=hall.user)


# What a file is --------------------------------------------------------------------------------------------

def test_each_kind_is_read_from_its_content():
    assert files.check(pdf_bytes(), "a.pdf", max_bytes=10**7).media_type == files.PDF
    assert files.check(pdf_bytes(), "a.pdf", max_bytes=10**7).pages == 2
    assert files.check(docx_bytes(), "a.docx", max_bytes=10**7).media_type == files.DOCX
    assert files.check(xlsx_bytes(), "a.xlsx", max_bytes=10**7).media_type == files.XLSX
    assert files.check(pptx_bytes(), "a.pptx", max_bytes=10**7).media_type == files.PPTX


@pytest.mark.parametrize(("make", "name", "reason"), [
    (lambda: EXECUTABLE, "bao-cao.pdf", "type"),            # a program renamed .pdf
    (lambda: EXECUTABLE, "bao-cao.exe", "type"),
    (pdf_bytes, "bao-cao.docx", "mismatch"),                # a PDF renamed .docx
    (xlsx_bytes, "so-lieu.docx", "mismatch"),
    (zip_bomb, "bom.docx", "type"),                         # 8 MB of zeros in a few kilobytes
    (encrypted_pdf, "mat-khau.pdf", "encrypted"),
    (lambda: b"%PDF-1.7\n garbage that is no PDF", "hong.pdf", "damaged"),
    (lambda: b"", "trong.pdf", "empty"),
])
def test_hostile_files_are_refused(make, name, reason):
    with pytest.raises(files.FileRefused) as exc:
        files.check(make(), name, max_bytes=10**7)
    assert exc.value.reason == reason


def test_a_huge_file_is_refused_before_anything_reads_it(hall):
    hall.meeting.organization  # noqa: B018
    with pytest.raises(ValidationError) as exc:
        _add(hall, data=pdf_bytes() + b"\0" * (services.max_bytes() + 1))
    assert exc.value.field == "file" and "MB" in exc.value.message
    assert db.session.scalar(select(func.count(MeetingDocument.id))) == 0


def test_a_refused_upload_saves_nothing_and_says_why(hall):
    for data, name, words in ((EXECUTABLE, "virus.pdf", "PDF, DOCX"), (pdf_bytes(), "bao-cao.docx", "PDF"),
                              (zip_bomb(), "bom.docx", "PDF, DOCX")):
        with pytest.raises(ValidationError) as exc:
            _add(hall, data=data, name=name)
        assert words in exc.value.message
    assert db.session.scalar(select(func.count(MeetingDocument.id))) == 0
    assert db.session.scalar(select(func.count(MeetingDocumentFile.id))) == 0


# Versions ----------------------------------------------------------------------------------------------------

def test_a_new_version_keeps_the_old_ones_in_the_content_store(hall, app):
    document = _add(hall)
    first = document.latest
    second = services.add_version(document, pdf_bytes("Bản sửa đổi"), "Báo cáo (sửa).pdf", user=hall.user,
                                  revision=document.revision)
    db.session.expire_all()
    document = db.session.get(MeetingDocument, document.id)
    assert [(f.number, f.filename) for f in document.files] == [(1, "bao-cao.pdf"), (2, "Báo cáo (sửa).pdf")]
    assert document.number == 2 and document.latest.sha256 == second.sha256 != first.sha256
    storage = Path(app.config["STORAGE_PATH"]).resolve()
    for version in document.files:
        path = storage / services.SUBFOLDER / version.sha256[:2] / version.sha256
        assert path.is_file() and path.stat().st_size == version.size
    assert services.open_file(document, user=hall.user, number=1)[1] == services._bytes(document.files[0])
    with pytest.raises(NotFound):
        services.version_of(document, 3)


def test_a_stale_revision_is_refused(hall):
    document = _add(hall)
    stale = document.revision
    services.update_document(document, {"title": "Báo cáo (dự thảo 2)"}, user=hall.user, revision=stale)
    with pytest.raises(Exception) as exc:
        services.update_document(document, {"title": "Ghi đè"}, user=hall.user, revision=stale)
    assert getattr(exc.value, "status", None) == 409
    assert db.session.get(MeetingDocument, document.id).title == "Báo cáo (dự thảo 2)"


def test_every_change_is_audited(hall):
    document = _add(hall)
    services.update_document(document, {"sent": True}, user=hall.user)
    services.add_version(document, pdf_bytes("v2"), "v2.pdf", user=hall.user)
    services.delete_document(document, user=hall.user)
    actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "meeting_document")
                                      .order_by(AuditEntry.id)))
    assert actions == ["meeting_document.created", "meeting_document.updated", "meeting_document.version_added",
                       "meeting_document.deleted"]


def test_the_pack_keeps_its_order(hall):
    a, b, c = (_add(hall, title=t) for t in ("A", "B", "C"))
    services.move(c, "up", user=hall.user)
    assert [d.title for d in services.list_documents(hall.meeting, hall.user)] == ["A", "C", "B"]
    services.update_document(a, {"position": 3}, user=hall.user)
    assert [d.title for d in services.list_documents(hall.meeting, hall.user)] == ["C", "B", "A"]
    services.delete_document(b, user=hall.user)
    assert [(d.title, d.position) for d in services.list_documents(hall.meeting, hall.user)] == [("C", 1), ("A", 2)]


# Who sees what -----------------------------------------------------------------------------------------------

def test_staff_see_what_their_clearance_admits(hall, factory):
    from planner.accounts.models import User

    _add(hall, title="Thường")
    _add(hall, title="Nội bộ", classification="internal")
    _add(hall, title="Mật", classification="confidential")
    reader = db.session.get(User, factory.user(hall.org, role="viewer", clearance="internal").id)
    assert [d.title for d in services.list_documents(hall.meeting, reader)] == ["Thường", "Nội bộ"]
    secret = services.list_documents(hall.meeting, hall.user)[2]
    with pytest.raises(NotFound):
        services.get_document(hall.org, secret.public_id, user=reader)
    with pytest.raises(ValidationError):   # nobody classifies above their own clearance
        _add(hall, title="Tuyệt mật", classification="top_secret")


def test_a_document_under_a_classified_item_takes_the_items_level(hall):
    from planner.agenda import services as agenda

    agenda.update_item(hall.report, {"classification": "confidential"}, user=hall.user)
    document = _sent(hall, agenda_item_id=hall.report.public_id)
    assert services.level(document).value == "confidential"
    assert services.reach(document, participant=hall.people[0]) is Reach.paper


def test_the_audience_decides_which_delegates_a_document_reaches(hall):
    an, binh, cuong = hall.people[0], hall.people[1], hall.people[2]
    everyone = _add(hall, title="Tất cả")
    assert services.reach(everyone, participant=an) is Reach.hidden          # not sent yet
    services.update_document(everyone, {"sent": True}, user=hall.user)
    assert services.reach(everyone, participant=an) is Reach.link
    delegation = _sent(hall, title="Đoàn Sơn Trà", audience="delegation", delegation="đoàn sơn trà")
    assert [services.reach(delegation, participant=p) for p in (an, cuong)] == [Reach.hidden, Reach.link]
    named = _sent(hall, title="Riêng", audience="named", participant_ids=[binh.public_id])
    assert [services.reach(named, participant=p) for p in (an, binh)] == [Reach.hidden, Reach.link]
    staff = _sent(hall, title="Nội bộ văn phòng", audience="staff")
    assert services.reach(staff, participant=an) is Reach.hidden
    paper = _sent(hall, title="Đề án mật", classification="confidential")
    assert services.reach(paper, participant=an) is Reach.paper
    assert [d.title for d in services.delegate_documents(an)] == ["Tất cả", "Đề án mật"]
    with pytest.raises(ValidationError) as exc:
        _add(hall, title="Không ai", audience="named")
    assert exc.value.field == "participant_ids"


def test_a_classified_meeting_sends_nothing_through_links(hall):
    from planner.meetings import services as meetings

    document = _sent(hall)
    meetings.update_meeting(hall.meeting, {"classification": "confidential"}, user=hall.user)
    assert services.reach(document, participant=hall.people[0]) is Reach.hidden


def test_an_internal_document_for_delegates_must_be_a_pdf(hall):
    with pytest.raises(ValidationError) as exc:
        _add(hall, data=docx_bytes(), name="du-thao.docx", classification="internal")
    assert "PDF" in exc.value.message
    kept = _add(hall, data=docx_bytes(), name="du-thao.docx", classification="internal", audience="staff")
    assert kept.latest.media_type == files.DOCX


# The delegate's copy ----------------------------------------------------------------------------------------

def test_an_internal_pdf_is_stamped_with_the_delegates_name_and_copy_on_every_page(hall, app):
    document = _sent(hall, classification="internal")
    an, binh = hall.people[0], hall.people[1]
    _version, data = services.open_for_delegate(an, document.public_id)
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) == 2
    for page in pages:
        text = page.extract_text()
        assert "Nguyễn Văn An" in text and "Bản số 01" in text
    _version, other = services.open_for_delegate(binh, document.public_id)
    assert all("Trần Thị Bình" in p.extract_text() and "Bản số 02" in p.extract_text()
               for p in PdfReader(io.BytesIO(other)).pages)
    folder = Path(app.config["STORAGE_PATH"]) / services.MARKED_SUBFOLDER
    before = {p for p in folder.rglob("*") if p.is_file()}
    again = services.open_for_delegate(an, document.public_id)[1]
    assert again == data                                               # the cached copy, nothing made anew
    assert {p for p in folder.rglob("*") if p.is_file()} == before


def test_an_unclassified_document_is_served_as_uploaded(hall):
    source = pdf_bytes("Tài liệu tham khảo")
    document = _sent(hall, data=source, kind="reference")
    assert services.open_for_delegate(hall.people[0], document.public_id)[1] == source
    slides = _sent(hall, data=pptx_bytes(), name="trinh-chieu.pptx", kind="slides")
    assert services.open_for_delegate(hall.people[0], slides.public_id)[0].media_type == files.PPTX


def test_classified_unsent_and_foreign_documents_never_open_through_a_link(hall):
    from tests.speeches.conftest import make_hall

    paper = _sent(hall, classification="confidential")
    unsent = _add(hall)
    other = make_hall()
    for document in (paper, unsent):
        with pytest.raises(NotFound):
            services.open_for_delegate(hall.people[0], document.public_id)
    foreign = _sent(other)
    with pytest.raises(NotFound):
        services.open_for_delegate(hall.people[0], foreign.public_id)


def test_read_receipts_and_changed_since_read(hall):
    document = _sent(hall, classification="internal")
    an = hall.people[0]
    assert [r.first_opened_at for r in services.receipts(document)] == [None] * 5
    services.open_for_delegate(an, document.public_id)
    document = db.session.get(MeetingDocument, document.id)
    first = next(r for r in services.receipts(document) if r.participant.id == an.id)
    assert first.first_opened_at is not None and first.number == 1 and first.opened_number == 1
    assert services.reads(document) == 1 and not services.changed_since_read(document, an)
    services.add_version(document, pdf_bytes("Bản sửa"), "v2.pdf", user=hall.user)
    assert services.changed_since_read(document, an)
    services.open_for_delegate(an, document.public_id)
    again = next(r for r in services.receipts(document) if r.participant.id == an.id)
    assert again.first_opened_at == first.first_opened_at and again.opened_number == 2


def test_paper_copies_are_numbered_once_per_delegate(hall):
    paper = _sent(hall, classification="confidential")
    numbers = services.number_copies(paper, hall.people[:3])
    assert list(numbers.values()) == [1, 2, 3]
    assert services.paper_copies(hall.people[1], [paper]) == {paper.id: 2}


# The sending rule -------------------------------------------------------------------------------------------

def test_the_pack_is_due_three_working_days_before_across_a_weekend_and_a_holiday(hall):
    from planner.documents import services as document_services

    holidays = document_services.holidays(hall.org)
    hall.meeting.starts_on = date(2026, 12, 3)           # Thursday
    assert services.due(hall.meeting, holidays, 3) == date(2026, 11, 30)   # Monday
    hall.meeting.starts_on = date(2026, 12, 1)           # Tuesday: back over the weekend
    assert services.due(hall.meeting, holidays, 3) == date(2026, 11, 26)   # Thursday
    hall.meeting.starts_on = date(2026, 9, 4)            # Friday after Quốc khánh (1–2/9 off)
    assert services.due(hall.meeting, holidays, 3) == date(2026, 8, 28)    # Thursday 3/9, Monday 31/8, Friday 28/8
    document_services.update_settings(hall.org, {"documents_lead_days": 5})
    assert services.lead_days(hall.org) == 5
