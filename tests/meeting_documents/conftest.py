"""The document pack's test data: the speeches' hall (a one-day conference on Thursday 3/12/2026, five
delegates in two delegations) and real files of each kind."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.speeches.conftest import EXECUTABLE, Hall, docx_bytes, make_hall  # noqa: F401


def pdf_bytes(*pages: str) -> bytes:
    """A real PDF (typst) with one page per text, the second one landscape."""
    import json

    import typst

    from planner.documents.render import FONTS

    pages = pages or ("Báo cáo tình hình kinh tế - xã hội", "Phụ lục số liệu")
    source = ('#let d = json(bytes(sys.inputs.data))\n#set text(font: "Liberation Serif")\n'
              '#for (i, p) in d.enumerate() { if i > 0 { pagebreak() }; '
              'if i == 1 { set page(flipped: true); p } else { p } }\n')
    return typst.compile(source.encode(), font_paths=[str(FONTS)], ignore_system_fonts=True,
                         sys_inputs={"data": json.dumps(list(pages), ensure_ascii=False)})


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "Số liệu"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pptx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://'
                                                'schemas.openxmlformats.org/package/2006/content-types"/>')
        archive.writestr("ppt/presentation.xml", '<?xml version="1.0" encoding="UTF-8"?><p:presentation xmlns:p='
                                                 '"http://schemas.openxmlformats.org/presentationml/2006/main"/>')
    return out.getvalue()


def zip_bomb() -> bytes:
    """A DOCX whose document part unpacks to 8 MB of zeros from a few kilobytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w/>" + b"\x00" * (8 * 1024 * 1024))
    return out.getvalue()


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes("Mật khẩu"))))
    writer.encrypt("secret-password")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def hall(ctx) -> Hall:
    return make_hall()
