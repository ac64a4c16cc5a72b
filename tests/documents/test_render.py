"""The official-document frame in every profile: elements in order, fonts embedded, marks on every page."""

import io
import shutil
import subprocess

import pytest
from docx import Document

from planner.documents.render import official_docx, official_pdf
from tests.documents.sample import sample_document

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdftotext, pdffonts) is not installed")


def pdf_pages(pdf: bytes) -> list[str]:
    # -raw keeps the content stream's order: the left header block, then the right one, then the body.
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return text.decode("utf-8").split("\f")


def assert_in_order(text: str, parts: list[str]) -> None:
    position = 0
    flat = " ".join(text.split())
    for part in parts:
        found = flat.find(part, position)
        assert found >= 0, f"{part!r} missing after position {position} in: {flat[position:position + 300]!r}"
        position = found + len(part)


# Left header block, then right header block, then the page from the title down.
PARTY_ORDER = ["THÀNH ỦY ĐÀ NẴNG", "VĂN PHÒNG", "*", "Số 12-BB/VPTU", "ĐẢNG CỘNG SẢN VIỆT NAM",
               "Đà Nẵng, ngày 05 tháng 7 năm 2026", "BIÊN BẢN", "Hội nghị Ban Chấp hành",
               "Thời gian:", "I. NỘI DUNG", "Đồng chí Nguyễn Văn Nên", "PHIÊN KHAI MẠC",
               "THƯ KÝ", "Lê Thị Mai", "T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Nguyễn Văn Quảng",
               "Nơi nhận:", "- Ban Thường vụ Thành ủy,", "- Lưu Văn phòng."]
STATE_ORDER = ["THÀNH ỦY ĐÀ NẴNG", "VĂN PHÒNG", "Số: 12/BB-VPTU", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
               "Độc lập - Tự do - Hạnh phúc", "Đà Nẵng, ngày 05 tháng 7 năm 2026", "BIÊN BẢN",
               "Thời gian:", "THƯ KÝ", "Lê Thị Mai", "T/M BAN THƯỜNG VỤ", "Nguyễn Văn Quảng", "Nơi nhận:",
               "- Lưu: VT."]


@needs_poppler
@pytest.mark.parametrize(("profile", "order"), [("party", PARTY_ORDER), ("state", STATE_ORDER)])
def test_pdf_has_every_element_in_order(profile, order):
    pages = pdf_pages(official_pdf(sample_document(profile)))
    assert_in_order("\n".join(pages), order)


@needs_poppler
@pytest.mark.parametrize("profile", ["party", "state"])
def test_minute_taker_signs_left_presiding_right_names_on_one_line(profile):
    pdf = official_pdf(sample_document(profile))
    layout = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    lines = layout.stdout.decode().splitlines()
    names = [line for line in lines if "Lê Thị Mai" in line]
    assert len(names) == 1 and "Nguyễn Văn Quảng" in names[0], "the two names must stand on one line"
    assert names[0].index("Lê Thị Mai") < names[0].index("Nguyễn Văn Quảng")
    titles = next(line for line in lines if "THƯ KÝ" in line)
    assert titles.index("THƯ KÝ") < titles.index("T/M BAN THƯỜNG VỤ")


@needs_poppler
def test_plain_profile_has_no_national_heading():
    text = "\n".join(pdf_pages(official_pdf(sample_document("plain"))))
    assert "ĐẢNG CỘNG SẢN" not in text and "CỘNG HÒA" not in text
    assert_in_order(text, ["VĂN PHÒNG", "Đà Nẵng, ngày 05 tháng 7 năm 2026", "BIÊN BẢN", "Nơi nhận:"])


@needs_poppler
def test_fonts_are_embedded():
    pdf = official_pdf(sample_document("party"))
    listing = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    rows = [line.split() for line in listing.splitlines()[2:] if line.strip()]
    assert rows, listing
    assert all("Liberation" in row[0] for row in rows)
    assert all(row[-5] == "yes" for row in rows), listing  # the "emb" column


@needs_poppler
def test_classification_and_draft_marks_on_every_page_and_numbers_from_page_two():
    pdf = official_pdf(sample_document("party", classification="TỐI MẬT", draft=True, body_paragraphs=25))
    pages = [p for p in pdf_pages(pdf) if p.strip()]
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        head = " ".join(page.strip().splitlines()[:3])
        assert "DỰ THẢO" in head, f"page {number}: {head!r}"
        # page one carries the classification under the number (test_layout checks the position)
        assert "TỐI MẬT" in (head if number > 1 else page), f"page {number}: {head!r}"
        if number > 1:
            assert f" {number} " in f" {head} ", f"page {number} has no number: {head!r}"
        else:
            assert " 1 " not in f" {head} "


@needs_poppler
def test_user_text_cannot_inject_layout():
    hostile = '#set page(width: 1cm) ]  #pagebreak() *bold* $x^2$ <label> @ref \\ "quote"'
    pdf = official_pdf(sample_document("party", extra=hostile))
    text = " ".join("\n".join(pdf_pages(pdf)).split())
    assert "#set page(width: 1cm) ]" in text
    assert "*bold* $x^2$ <label> @ref" in text


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts: list[str] = []
    for element in doc.element.body.iterchildren():
        parts.extend(t.text for t in element.iter() if t.tag.endswith("}t") and t.text)
    return " ".join(parts)


@pytest.mark.parametrize(("profile", "order"), [("party", PARTY_ORDER), ("state", STATE_ORDER)])
def test_docx_has_every_element_in_order(profile, order):
    assert_in_order(docx_text(official_docx(sample_document(profile))), order)


def test_docx_page_setup_and_marks():
    doc = Document(io.BytesIO(official_docx(sample_document("party", classification="MẬT", draft=True))))
    section = doc.sections[0]
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    assert round(section.top_margin.mm) == 20 and round(section.page_width.mm) == 210
    assert section.different_first_page_header_footer
    later = section.header.paragraphs[0]
    assert "MẬT" in later.text and "DỰ THẢO" in later.text
    assert "PAGE" in later._p.xml
    assert "DỰ THẢO" in section.first_page_header.paragraphs[0].text
    assert "PAGE" not in section.first_page_header.paragraphs[0]._p.xml
    assert doc.styles["Normal"].font.name == "Times New Roman"


def test_docx_refuses_nothing_but_drops_control_characters():
    data = official_docx(sample_document("party", extra="A\x00B\x07C\u200bD"))
    assert "ABC\u200bD" in docx_text(data)
