"""Where things stand on the page: the classification stamp, the copies line, signature blocks that never
stand alone, page numbers of a batch of letters, the fonts and sizes of each profile."""

import io
import re
import shutil
import subprocess
from dataclasses import replace

import pytest
from docx import Document
from docx.oxml.ns import qn

from planner.documents.model import Signature
from planner.documents.profiles import PARTY, STATE, profile_for
from planner.documents.render import header_widths, official_docx, official_docx_many, official_pdf, official_pdf_many
from tests.documents.sample import sample_document

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdftotext) is not installed")

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def words(pdf: bytes) -> list[list[tuple[float, float, float, float, str]]]:
    """Every word of every page with its box (points, from the top left)."""
    out = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    pages = []
    for page in out.decode("utf-8").split("<page ")[1:]:
        pages.append([(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in WORD.findall(page)])
    return pages


def page_texts(pdf: bytes) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return [p for p in text.decode("utf-8").split("\f") if p.strip()]


def find(page, text: str):
    return next((w for w in page if w[4] == text), None)


# The classification stamp ------------------------------------------------------------------------------

@needs_poppler
@pytest.mark.parametrize(("profile", "number"), [("party", "12-BB/VPTU"), ("state", "12/BB-VPTU")])
def test_classification_stamp_under_the_number_on_page_one_and_at_the_top_of_every_later_page(profile, number):
    pdf = official_pdf(sample_document(profile, classification="TỐI MẬT", body_paragraphs=20))
    pages = words(pdf)
    assert len(pages) >= 3
    first = pages[0]
    num = find(first, number)
    marks = [w for w in first if w[4] == "MẬT"]
    assert num is not None and len(marks) == 1, "page one carries the stamp once, in the header block"
    mark = marks[0]
    assert mark[1] > num[3], "the stamp stands below the number and symbol"
    assert mark[1] - num[3] < 30, "… just below it (ô 10a), not further down the page"
    number_centre, mark_centre = (num[0] + num[2]) / 2, (mark[0] + mark[2]) / 2
    assert abs(number_centre - mark_centre) < 25, "centred under the number in the left block"
    title = find(first, "BIÊN")
    assert mark[3] < title[1], "above the title"
    for n, page in enumerate(pages[1:], start=2):
        on_top = [w for w in page if w[4] == "MẬT" and w[3] < 60]
        assert on_top, f"page {n} has no stamp at its top"


def test_docx_stamp_is_red_bold_double_bordered_under_the_number_and_on_later_pages():
    doc = Document(io.BytesIO(official_docx(sample_document("party", classification="MẬT", draft=True))))
    left = doc.tables[0].rows[0].cells[0]
    texts = [p.text for p in left.paragraphs]
    assert texts.index("MẬT") == texts.index("Số 12-BB/VPTU") + 1
    run = left.paragraphs[texts.index("MẬT")].runs[0]
    border = run._r.rPr.find(qn("w:bdr"))
    assert border is not None and border.get(qn("w:val")) == "double"
    assert run.bold and str(run.font.color.rgb) == PARTY.mark_color
    section = doc.sections[0]
    later = section.header.paragraphs[0]
    stamp = next(r for r in later.runs if r.text == "MẬT")
    assert stamp._r.rPr.find(qn("w:bdr")).get(qn("w:val")) == "double"
    assert "MẬT" not in section.first_page_header.paragraphs[0].text, "page one has it under the number"
    assert "DỰ THẢO" in section.first_page_header.paragraphs[0].text


# The copies line ---------------------------------------------------------------------------------------

def test_archive_line_states_the_drafter_and_the_copies():
    assert STATE.archive_line("vi", drafter="P1", copies=5) == "- Lưu: VT, P1 (05 bản)."
    assert PARTY.archive_line("vi", drafter="P1", copies=12) == "- Lưu Văn phòng, P1 (12 bản)."
    assert STATE.archive_line("vi") == "- Lưu: VT."
    assert STATE.archive_line("vi", copies=3) == "- Lưu: VT (03 bản)."


@needs_poppler
def test_copies_line_is_the_last_line_of_the_recipients():
    line = STATE.archive_line("vi", drafter="P1", copies=5)
    pdf = official_pdf(sample_document("state", classification="MẬT", recipients=["- Như trên,", line]))
    last = page_texts(pdf)[-1].strip().splitlines()[-1].strip()
    assert last == "- Lưu: VT, P1 (05 bản)."
    doc = Document(io.BytesIO(official_docx(sample_document("state", recipients=["- Như trên,", line]))))
    # under the two signatures, in the same table's second row (it goes with them to the page)
    signatures = doc.tables[-1]
    assert len(signatures.rows) == 2
    assert signatures.rows[1]._tr.trPr.find(qn("w:cantSplit")) is not None
    cell = signatures.rows[1].cells[0]
    assert cell.paragraphs[0].text == "Nơi nhận:"
    assert [p.text for p in cell.paragraphs][-1] == "- Lưu: VT, P1 (05 bản)."
    assert all(p.paragraph_format.keep_with_next for c in signatures.rows[0].cells for p in c.paragraphs)


# Signature blocks never alone -----------------------------------------------------------------------------

@needs_poppler
@pytest.mark.parametrize("table", [False, True])
@pytest.mark.parametrize("profile", ["party", "state"])
def test_no_page_holds_only_the_signatures(profile, table):
    seen = set()
    for paragraphs in range(0, 40):
        pdf = official_pdf(sample_document(profile, body_paragraphs=paragraphs, table=table))
        pages = page_texts(pdf)
        seen.add(len(pages))
        if len(pages) > 5:
            break
        signed = next(i for i, page in enumerate(pages) if "Nguyễn Văn Quảng" in page)
        before = pages[signed].split("THƯ KÝ")[0]
        body = "Hội nghị kết thúc" in before or "Đồng chí" in before or "Giải lao" in before
        assert body, f"{paragraphs} paragraphs: the signatures stand alone on page {signed + 1}"
    assert {1, 2, 3, 4, 5} <= seen


def test_docx_signature_row_does_not_split_and_the_last_paragraph_keeps_with_it():
    doc = Document(io.BytesIO(official_docx(sample_document("party", table=False))))
    body = list(doc.element.body.iterchildren())
    signatures = next(t for t in doc.tables if "Nguyễn Văn Quảng" in "".join(c.text for c in t.rows[0].cells))
    index = body.index(signatures._tbl)
    before = body[index - 1]
    assert before.tag == qn("w:p") and before.find(qn("w:pPr")).find(qn("w:keepNext")) is not None
    assert signatures.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
    # and a table that ends the body keeps its last row with the signatures
    doc = Document(io.BytesIO(official_docx(sample_document("party", table=True))))
    programme = doc.tables[1]
    assert programme.rows[-1]._tr.trPr.find(qn("w:cantSplit")) is not None


def test_signature_block_leaves_room_to_sign_and_seal():
    pdf_signed = official_pdf(sample_document("party"))
    assert pdf_signed
    for profile in (PARTY, STATE):
        assert 25 <= profile.signature_space_mm <= 35


# Page numbers of a batch ------------------------------------------------------------------------------------

def _letter(n: int):
    doc = sample_document("party", body_paragraphs=n, table=False)
    doc.signatures = [Signature("right", "T/L BAN THƯỜNG VỤ", "CHÁNH VĂN PHÒNG", "Trần Văn Minh")]
    return doc


@needs_poppler
def test_page_numbers_restart_for_each_letter_of_a_batch():
    letters = [_letter(n) for n in (12, 1, 22)]
    counts = [len(page_texts(official_pdf(doc))) for doc in letters]
    assert counts[0] >= 2 and counts[1] == 1 and counts[2] >= 3
    pages = words(official_pdf_many(letters, title="Giấy mời"))
    assert len(pages) == sum(counts)
    expected = [n for count in counts for n in range(1, count + 1)]
    for index, (page, number) in enumerate(zip(pages, expected, strict=True)):
        top = [w[4] for w in page if w[3] < 45 and w[4].isdigit()]
        if number == 1:
            assert top == [], f"page {index + 1} is a letter's first page: no number"
        else:
            assert top == [str(number)], f"page {index + 1} should be numbered {number}: {top}"


def test_docx_batch_numbers_each_letter_from_one():
    doc = Document(io.BytesIO(official_docx_many([_letter(2), _letter(1), _letter(3)])))
    assert len(doc.sections) == 3
    for section in doc.sections:
        assert section._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
        assert section.different_first_page_header_footer


# Fonts and sizes ------------------------------------------------------------------------------------------

def test_docx_declares_times_new_roman():
    for code in ("party", "state", "plain"):
        doc = Document(io.BytesIO(official_docx(sample_document(code))))
        normal = doc.styles["Normal"]
        assert normal.font.name == "Times New Roman"
        fonts = normal.element.rPr.find(qn("w:rFonts"))
        assert {fonts.get(qn(a)) for a in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia")} == {"Times New Roman"}


def test_party_sizes_follow_huong_dan_36():
    sizes = profile_for("party").sizes
    assert sizes.national == 15 and 15 <= sizes.title <= 16
    assert sizes.recipients_label == 14 and sizes.recipients == 12
    docx = Document(io.BytesIO(official_docx(sample_document("party"))))
    right = docx.tables[0].rows[0].cells[1]
    heading = right.paragraphs[0].runs[0]
    assert heading.text == "ĐẢNG CỘNG SẢN VIỆT NAM" and heading.font.size.pt == 15
    title = next(p for p in docx.paragraphs if p.text == "BIÊN BẢN")
    assert title.runs[0].font.size.pt == 16


def test_state_sizes_follow_nghi_dinh_30():
    sizes = profile_for("state").sizes
    assert 12 <= STATE.national_lines[0].size <= 13 and 13 <= STATE.national_lines[1].size <= 14
    assert sizes.recipients_label == 12 and sizes.recipients == 11
    assert 13 <= sizes.body <= 14 and 13 <= sizes.title <= 14


# The header column ------------------------------------------------------------------------------------------

@needs_poppler
def test_a_long_body_name_is_never_broken_inside_a_word():
    doc = sample_document("state")
    doc.superior = "Ủy ban nhân dân thành phố Đà Nẵng"
    doc.issuer = "Sở Khoa học và Công nghệ"
    pages = words(official_pdf(doc))
    header = [w[4] for w in pages[0] if w[3] < 140]
    for word in ("ỦY", "BAN", "NHÂN", "DÂN", "THÀNH", "PHỐ", "ĐÀ", "NẴNG", "KHOA", "HỌC", "CÔNG", "NGHỆ"):
        assert word in header, f"{word!r} broken or missing in {header}"
    left, right = header_widths(doc, 165)
    assert left + right == pytest.approx(165)
    assert right >= 80, "the national heading keeps its room"


@needs_poppler
def test_manual_break_between_words_from_the_settings():
    doc = replace(sample_document("party"), issuer="Ban Tuyên giáo\nThành ủy")
    texts = page_texts(official_pdf(doc))[0]
    lines = [line.strip() for line in texts.splitlines()]
    assert any(line.startswith("BAN TUYÊN GIÁO") and "THÀNH ỦY" not in line for line in lines)
