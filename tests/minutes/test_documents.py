"""The documents of a meeting in every profile: every required element in order in the PDF and the DOCX,
fonts embedded, marks on every page, the Word file opened by LibreOffice, letters and the programme."""

import io
import subprocess
from datetime import date

import pytest
from docx import Document

from planner.documents import links
from planner.documents import services as document_services
from planner.documents.render import official_docx, official_docx_many, official_pdf, official_pdf_many
from planner.minutes import documents, services
from planner.minutes.models import MinutesKind
from tests.minutes.conftest import (
    assert_in_order,
    build_scene,
    docx_text,
    flat,
    needs_poppler,
    needs_soffice,
    pdf_fonts,
    pdf_text,
)

TITLE = "Hội nghị Ban Chấp hành Đảng bộ thành phố lần thứ 12"
BODY = ["Thời gian", "8 giờ 00, ngày 05 tháng 01 năm 2026.", "Địa điểm: Hội trường A",
        "Thành phần tham dự", "Chủ trì", "Thư ký", "Có mặt 6/8 đại biểu được triệu tập.",
        "Đến dự có đồng chí Nguyễn Văn Quảng", "đồng chí Trần Lưu Hải", "Vắng mặt:", "NỘI DUNG", "PHIÊN KHAI MẠC",
        "1. Khai mạc hội nghị", "2. Báo cáo kết quả thực hiện nhiệm vụ năm 2026",
        "Đồng chí Đinh Thế Huynh - Trưởng Ban Tuyên giáo Thành ủy trình bày",
        "3. Thảo luận về dự thảo kế hoạch năm 2027", "Đồng chí Nguyễn Văn Nên", "Đồng chí Tô Huy Rứa",
        "Kết luận của chủ trì: Giao Ban Thường vụ", "Thông qua kế hoạch năm 2027.", "Kết quả biểu quyết: 5 tán thành",
        "4. Kết luận hội nghị", "Hội nghị kết thúc vào 11 giờ 30, ngày 05 tháng 01 năm 2026./."]
PROFILES = {
    "party": {
        "header": ["THÀNH ỦY ĐÀ NẴNG", "VĂN PHÒNG", "*", "Số 01-BB/VPTU", "ĐẢNG CỘNG SẢN VIỆT NAM",
                   "Đà Nẵng, ngày 05 tháng 01 năm 2026"],
        "end": ["THƯ KÝ", "Lê Thị Mai", "CHỦ TRÌ", "Nguyễn Văn Quảng", "Nơi nhận:", "- Thường trực Thành ủy,",
                "- Lưu Văn phòng."],
        "sides": ("THƯ KÝ", "CHỦ TRÌ"),
    },
    "state": {
        "header": ["THÀNH ỦY ĐÀ NẴNG", "VĂN PHÒNG", "Số: 01/BB-VPTU", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                   "Độc lập - Tự do - Hạnh phúc", "Đà Nẵng, ngày 05 tháng 01 năm 2026"],
        "end": ["THƯ KÝ", "Lê Thị Mai", "CHỦ TỌA", "Nguyễn Văn Quảng", "Nơi nhận:", "- Thường trực Thành ủy,",
                "- Lưu: VT."],
        "sides": ("THƯ KÝ", "CHỦ TỌA"),
    },
    "plain": {
        "header": ["THÀNH ỦY ĐÀ NẴNG", "VĂN PHÒNG", "Số: 01/BB-VPTU", "Đà Nẵng, ngày 05 tháng 01 năm 2026"],
        "end": ["THƯ KÝ", "Lê Thị Mai", "CHỦ TRÌ", "Nguyễn Văn Quảng", "Nơi nhận:", "- Thường trực Thành ủy,",
                "- Lưu."],
        "sides": ("THƯ KÝ", "CHỦ TRÌ"),
    },
}


def approved_minutes(app, factory, profile: str, **kw):
    """Minutes of the conference held on 5 January 2026 (the date line pads the month), edited and approved."""
    scene = build_scene(app, factory, profile=profile, day=date(2026, 1, 5), **kw)
    with app.test_request_context():
        meeting, admin = scene.meeting(), scene.user(scene.admin)
        document_services.update_settings(meeting.organization, {"profile_overrides": {"issuer_line": "Văn phòng"}})
        minutes = services.generate(meeting, user=admin)
        key = next(s["key"] for s in minutes.sections if s.get("heading", "").startswith("3. "))
        services.save(minutes, {key: {"decisions": [{"text": "Thông qua kế hoạch năm 2027", "for": 5, "against": 0,
                                                     "abstain": 1}]},
                                "recipients": {"text": "- Thường trực Thành ủy,"}}, user=admin, version=1)
        services.set_status(minutes, "approved", user=admin, version=minutes.version)
        return scene, minutes.id


def render(app, scene, kind=MinutesKind.minutes):
    with app.test_request_context():
        minutes = services.require_current(scene.meeting(), kind)
        document = documents.record_document(minutes)
        return official_pdf(document), official_docx(document)


@needs_poppler
@pytest.mark.parametrize("profile", ["party", "state", "plain"])
def test_minutes_have_every_element_in_order_in_pdf_and_docx(app, factory, profile):
    scene, _id = approved_minutes(app, factory, profile)
    pdf, docx = render(app, scene)
    expected = PROFILES[profile]
    order = [*expected["header"], "BIÊN BẢN", TITLE, *BODY, *expected["end"]]
    assert_in_order(pdf_text(pdf), order)
    assert_in_order(docx_text(docx), order)
    if profile == "plain":
        assert "CỘNG HÒA" not in pdf_text(pdf) and "ĐẢNG CỘNG SẢN" not in pdf_text(pdf)
    # the minute-taker signs on the left, the presiding person on the right, the names on one line
    lines = pdf_text(pdf, layout=True).splitlines()
    left, right = expected["sides"]
    titles = next(line for line in lines if left in line and right in line)
    assert titles.index(left) < titles.index(right)
    names = next(line for line in lines if "Lê Thị Mai" in line and "Nguyễn Văn Quảng" in line)
    assert names.index("Lê Thị Mai") < names.index("Nguyễn Văn Quảng")
    assert names.index("Nguyễn Văn Quảng") > len(names) // 2
    # approved: no draft mark
    assert "DỰ THẢO" not in pdf_text(pdf) and "DỰ THẢO" not in docx_text(docx)


@needs_poppler
def test_fonts_are_embedded_in_every_document(app, factory):
    scene = build_scene(app, factory)
    links.register_personal_link(_link)
    try:
        with app.test_request_context():
            meeting, admin = scene.meeting(), scene.user(scene.admin)
            minutes = services.generate(meeting, user=admin)
            notice = services.generate(meeting, MinutesKind.notice, user=admin)
            pdfs = [official_pdf(documents.record_document(minutes)), official_pdf(documents.record_document(notice)),
                    official_pdf_many(documents.invitation_documents(meeting, admin)),
                    official_pdf(documents.programme_document(meeting, admin))]
    finally:
        links.unregister_personal_link(_link)
    for pdf in pdfs:
        rows = pdf_fonts(pdf)
        assert rows and all("Liberation" in row[0] for row in rows)
        assert all(row[-5] == "yes" for row in rows), rows


@needs_poppler
def test_classified_draft_carries_both_marks_on_every_page(app, factory):
    scene = build_scene(app, factory, classification="secret", items=14)
    with app.test_request_context():
        minutes = services.generate(scene.meeting(), user=scene.user(scene.admin))
        pdf = official_pdf(documents.record_document(minutes))
        docx = official_docx(documents.record_document(minutes))
    pages = [p for p in pdf_text(pdf).split("\f") if p.strip()]
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        head = " ".join(page.strip().splitlines()[:3])
        assert "DỰ THẢO" in head, f"page {number}: {head!r}"
        # the first page carries the stamp under the number (tests/documents/test_layout.py: its position)
        assert "TỐI MẬT" in (head if number > 1 else page), f"page {number}: {head!r}"
    word = Document(io.BytesIO(docx))
    section = word.sections[0]
    assert "TỐI MẬT" in section.header.paragraphs[0].text and "DỰ THẢO" in section.header.paragraphs[0].text
    assert "DỰ THẢO" in section.first_page_header.paragraphs[0].text
    assert "TỐI MẬT" in [p.text for p in word.tables[0].rows[0].cells[0].paragraphs]
    assert "Số -BB/VPTU" in flat(pdf_text(pdf)), "a draft leaves the number blank for the clerk"


@needs_poppler
def test_user_text_cannot_change_the_layout(app, factory):
    scene = build_scene(app, factory)
    hostile = '#set page(width: 1cm) ] #pagebreak() *bold* $x^2$ <b>html</b> {{content}} \\ "q"'
    with app.test_request_context():
        minutes = services.generate(scene.meeting(), user=scene.user(scene.admin))
        services.save(minutes, {"closing": {"text": hostile}}, user=scene.user(scene.admin), version=1)
        document = documents.record_document(minutes)
        pdf, docx = official_pdf(document), official_docx(document)
    assert flat(hostile) in flat(pdf_text(pdf))
    assert flat(hostile) in flat(docx_text(docx))


def _link(participant):
    return f"https://planner.example.vn/d/{participant.public_id}"


@needs_poppler
def test_one_invitation_per_participant_with_their_personal_link(app, factory):
    scene = build_scene(app, factory, status="published")
    links.register_personal_link(_link)
    try:
        with app.test_request_context():
            meeting, organizer = scene.meeting(), scene.user(scene.organizer)
            services.save_invitation_letter(meeting, {"preparation": "Nghiên cứu trước các dự thảo văn kiện",
                                                      "contact": "Đồng chí Lê Thị Mai, 0236 3822 123"},
                                            user=organizer)
            letters = documents.invitation_documents(meeting, organizer, today=date(2026, 11, 10))
            pdf, docx = official_pdf_many(letters), official_docx_many(letters)
    finally:
        links.unregister_personal_link(_link)
    assert len(letters) == 8, "the three guests and five delegates; the staff secretary gets none"
    pages = [p for p in pdf_text(pdf).split("\f") if p.strip()]
    assert len(pages) == 8
    first = pages[0]
    assert_in_order(first, ["VĂN PHÒNG", "Số", "-GM/VPTU", "ĐẢNG CỘNG SẢN VIỆT NAM",
                            "Đà Nẵng, ngày 10 tháng 11 năm 2026",
                            "GIẤY MỜI", "Kính gửi: Đồng chí Nguyễn Văn Quảng - Ủy viên Trung ương Đảng",
                            "trân trọng kính mời đồng chí dự hội nghị Ban Chấp hành",
                            "Chủ trì: Đồng chí Nguyễn Văn Quảng",
                            "Thời gian: 8 giờ 00, thứ Năm, ngày 19 tháng 11 năm 2026",
                            "Địa điểm: Hội trường A", "Nội dung: Đánh giá kết quả",
                            "Đề nghị đồng chí chuẩn bị: Nghiên cứu trước", "Liên hệ: Đồng chí Lê Thị Mai",
                            "https://planner.example.vn/d/",
                            # the recipients on the left, the signature on the right of the same row; the
                            # office issues it (-GM/VPTU), so its head signs in its name, without T/L
                            "Nơi nhận:", "- Như trên,", "- Lưu Văn phòng.", "CHÁNH VĂN PHÒNG"])
    assert "T/L" not in flat(first)
    row = next(line for line in pdf_text(pdf, layout=True).splitlines() if "CHÁNH VĂN PHÒNG" in line)
    assert row.index("Nơi nhận:") < row.index("CHÁNH VĂN PHÒNG")
    assert "Kính gửi: Đồng chí Trần Lưu Hải" in flat(pages[1]), "letters in protocol order"
    assert all(f"https://planner.example.vn/d/{pid}" in flat(pdf_text(pdf)) for pid in [scene.people["Tô Huy Rứa"]])
    word = Document(io.BytesIO(docx))
    assert len(word.sections) == 8 and len(word.inline_shapes) == 8, "a section and a QR picture per letter"


@needs_poppler
def test_without_a_link_service_letters_have_no_qr_and_one_for_all_lists_the_invitees(app, factory, monkeypatch):
    monkeypatch.setattr(links, "_PROVIDERS", [])  # as before the delegates' link service registers
    scene = build_scene(app, factory, status="published")
    with app.test_request_context():
        meeting, organizer = scene.meeting(), scene.user(scene.organizer)
        assert not links.has_provider()
        letters = documents.invitation_documents(meeting, organizer)
        assert all(not any(b.kind == "qr" for b in letter.body) for letter in letters)
        services.save_invitation_letter(meeting, {"mode": "all", "addressee": "Các đồng chí Ủy viên Ban Chấp hành"},
                                        user=organizer)
        (letter,) = documents.invitation_documents(meeting, organizer)
        text = pdf_text(official_pdf(letter))
    assert_in_order(text, ["GIẤY MỜI", "Kính gửi: Các đồng chí Ủy viên Ban Chấp hành",
                           "trân trọng kính mời các đồng chí dự", "DANH SÁCH KHÁCH MỜI", "STT", "Họ và tên",
                           "1", "Đồng chí Nguyễn Văn Quảng", "Ủy viên Trung ương Đảng, Bí thư Thành ủy",
                           "2", "Đồng chí Trần Lưu Hải", "Nơi nhận:"])


@needs_poppler
def test_programme_document_in_the_profile_layout(app, factory):
    scene = build_scene(app, factory, profile="state", status="draft")
    with app.test_request_context():
        pdf = official_pdf(documents.programme_document(scene.meeting(), scene.user(scene.admin)))
    text = pdf_text(pdf)
    assert_in_order(text, ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CHƯƠNG TRÌNH", TITLE,
                           "Thứ Năm, ngày 19 tháng 11 năm 2026", "STT", "Thời gian", "Nội dung", "Người thực hiện",
                           "BUỔI SÁNG", "PHIÊN KHAI MẠC — Chủ trì: Đồng chí Nguyễn Văn Quảng", "1", "8h00 – 8h15",
                           "Khai mạc hội nghị", "Đồng chí Lương Nguyễn Minh Triết", "2", "8h15 – 9h00",
                           "Báo cáo kết quả thực hiện", "Đồng chí Đinh Thế Huynh", "Giải lao",
                           "Thảo luận về dự thảo kế hoạch năm 2027",
                           "Các đồng chí Nguyễn Văn Nên, Tô Huy Rứa và Nguyễn Văn Quảng",
                           "Thông qua quy chế làm việc (hoãn)",
                           "Kết luận hội nghị"])
    assert "DỰ THẢO" in text, "the programme of a meeting still in draft is a draft"


@needs_poppler
@needs_soffice
def test_libreoffice_opens_the_word_files(app, factory, tmp_path):
    scene, _id = approved_minutes(app, factory, "party")
    links.register_personal_link(_link)
    try:
        with app.test_request_context():
            meeting, admin = scene.meeting(), scene.user(scene.admin)
            minutes = services.require_current(meeting)
            files = {"minutes.docx": official_docx(documents.record_document(minutes)),
                     "invitations.docx": official_docx_many(documents.invitation_documents(meeting, admin))}
    finally:
        links.unregister_personal_link(_link)
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    profile = tmp_path / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), *(str(tmp_path / n) for n in files)],
                   check=True, capture_output=True, timeout=180)
    converted = (tmp_path / "minutes.pdf").read_bytes()
    assert_in_order(pdf_text(converted), [*PROFILES["party"]["header"], "BIÊN BẢN", TITLE, *BODY,
                                          *PROFILES["party"]["end"]])
    letters = pdf_text((tmp_path / "invitations.pdf").read_bytes())
    assert flat(letters).count("GIẤY MỜI") == 8


def _letterhead() -> bytes:
    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "LOGO - VĂN PHÒNG THÀNH ỦY ĐÀ NẴNG"
    doc.add_paragraph("Mẫu của Văn phòng")
    doc.add_paragraph("{{ content }}")
    doc.add_paragraph("Chân trang của mẫu")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_an_organizations_letterhead_is_filled_with_the_document(app, factory):
    scene, _id = approved_minutes(app, factory, "party")
    with app.test_request_context():
        meeting = scene.meeting()
        document_services.store_letterhead(meeting.organization, _letterhead(), "mẫu.docx")
        minutes = services.require_current(meeting)
        data = official_docx(documents.record_document(minutes), document_services.letterhead(meeting.organization))
    word = Document(io.BytesIO(data))
    assert "LOGO - VĂN PHÒNG THÀNH ỦY ĐÀ NẴNG" in word.sections[0].header.paragraphs[0].text
    text = docx_text(data)
    assert "{{" not in text
    assert_in_order(text, ["Mẫu của Văn phòng", "BIÊN BẢN", "Hội nghị kết thúc", "Nơi nhận:", "Chân trang của mẫu"])


@needs_poppler
def test_a_300_participant_60_item_conference_renders_whole(app):
    """The largest record an office writes renders to PDF and DOCX with every item and every absentee (its
    speed is measured by `make bench`, "minutes PDF/DOCX", not asserted here)."""
    document = large_document(app)
    pdf = pdf_text(official_pdf(document))
    word = docx_text(official_docx(document))
    for text in (" ".join(pdf.split()), " ".join(word.split())):  # lines wrap inside names
        assert "Thảo luận chuyên đề số 60" in text
        assert "Phạm Văn Đại Biểu 299" in text
        assert_in_order(text, ["BIÊN BẢN", "Thảo luận chuyên đề số 1", "Thảo luận chuyên đề số 60"])


def large_document(app):
    from datetime import datetime, timedelta

    from planner.documents.model import Marks, OfficialDocument, Signature
    from planner.documents.profiles import profile_for
    from planner.minutes import compose

    people = [compose.Person(f"Phạm Văn Đại Biểu {n:03d}", f"Ủy viên Ban Chấp hành, đơn vị {n}", "đồng chí")
              for n in range(300)]
    start = datetime(2026, 11, 19, 7, 30)
    items = []
    for n in range(60):
        speeches = [compose.SpeechFacts(people[(n * 3 + k) % 300], "discussion",
                                        summary=f"Ý kiến về nội dung {n + 1}: thống nhất với dự thảo; đề nghị bổ sung "
                                                "giải pháp, nguồn lực và lộ trình thực hiện cụ thể hơn.")
                    for k in range(3)]
        items.append(compose.ItemFacts(f"i{n}", f"Thảo luận chuyên đề số {n + 1}", "discussion",
                                       start + timedelta(minutes=8 * n), start + timedelta(minutes=8 * n + 8),
                                       speeches=speeches))
    facts = compose.MeetingFacts(
        title="Đại hội đại biểu Đảng bộ thành phố", kind="congress", language="vi", profile="party",
        venue="Trung tâm Hội nghị", city="Đà Nẵng", starts_at=start, ends_at=start + timedelta(hours=9),
        first_day=start.date(), presiding=people[:5], secretaries=people[5:7], expected=300, present=287,
        attendance="Đến dự có " + "; ".join(compose.person_text(p, "vi") for p in people[:20]) + "; cùng 267 đại biểu.",
        absentees=[compose.Absentee(p, "bận công tác") for p in people[287:]], items=items,
        signatures={"left": {"authority": "THƯ KÝ", "name": "Lê Thị Mai"},
                    "right": {"authority": "T/M ĐOÀN CHỦ TỊCH", "name": "Nguyễn Văn Quảng"}})
    sections = compose.minutes_sections(facts)
    with app.test_request_context():
        body = documents.section_blocks(sections, "vi")
    profile = profile_for("party")
    return OfficialDocument(
        profile=profile, language="vi", superior="Thành ủy Đà Nẵng", issuer="Văn phòng",
        number=profile.number(12, "minutes", "ĐH"), place_date="Đà Nẵng, ngày 19 tháng 11 năm 2026",
        title="BIÊN BẢN", summary=[facts.title], body=body,
        signatures=[Signature("left", "THƯ KÝ", "", "Lê Thị Mai"),
                    Signature("right", "T/M ĐOÀN CHỦ TỊCH", "", "Nguyễn Văn Quảng")],
        recipients=["- Lưu Văn phòng."], marks=Marks(classification="MẬT", draft=True), document_title="Biên bản")
