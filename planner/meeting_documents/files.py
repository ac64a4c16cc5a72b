"""What an uploaded meeting document really is, read from its bytes, never from its name.

A PDF starts with ``%PDF-`` and must open (pypdf reads its page tree; an encrypted PDF cannot carry a
delegate's mark and is refused). DOCX, XLSX and PPTX are ZIP archives that must pass the one Office-file
check (core.zipfiles: the parts their kind needs, no zip bomb, no DTD) with their main part well-formed.
The name must then agree with the content: a PDF renamed .docx, or a program renamed .pdf, is refused.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass

from planner.core.text import file_extension, safe_filename
from planner.core.zipfiles import OfficeFileRefused, check_office_file

# The refusal of a speech's text, with its reasons (empty, too_large, type, mismatch, markup) and two more of
# a PDF that must open and take a stamp: ``damaged`` and ``encrypted``.
from planner.speeches.files import FileRefused

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", XLSX: ".xlsx", PPTX: ".pptx"}
NAMES = {PDF: "PDF", DOCX: "DOCX", XLSX: "XLSX", PPTX: "PPTX"}
# The main part of each Office kind: it must be there, and it is parsed.
OFFICE_PARTS = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml", PPTX: "ppt/presentation.xml"}
# An Office file whose members would unpack to more than this is a zip bomb, not a meeting document.
MAX_UNPACKED = 300 * 1024 * 1024

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Checked:
    media_type: str
    size: int
    sha256: str
    pages: int | None


def _office_kind(data: bytes) -> str | None:
    """DOCX, XLSX or PPTX by the parts the archive holds; None for another archive (a refused one too)."""
    for media_type, part in OFFICE_PARTS.items():
        try:
            check_office_file(data, required=("[Content_Types].xml", part), parse=(part,),
                              max_unpacked=MAX_UNPACKED)
        except OfficeFileRefused as exc:
            if exc.reason == "markup":
                raise FileRefused("markup") from None
            if exc.reason == "parts_missing":
                continue
            return None
        return media_type
    return None


def pdf_pages(data: bytes) -> int:
    """The number of pages of a PDF, or FileRefused (damaged, encrypted)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise FileRefused("encrypted")
        pages = len(reader.pages)
    except FileRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
            OSError, AssertionError) as exc:
        log.info("a PDF did not open: %s", exc)
        raise FileRefused("damaged") from None
    if pages < 1:
        raise FileRefused("damaged")
    return pages


def sniff(data: bytes) -> str | None:
    """PDF, DOCX, XLSX, PPTX or None, from the content alone (a refused Office file is None)."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        try:
            return _office_kind(data)
        except FileRefused:
            return None
    return None


def check(data: bytes, filename: str, *, max_bytes: int) -> Checked:
    """The file's type, size, digest and pages, or FileRefused with the reason."""
    if not data:
        raise FileRefused("empty")
    if len(data) > max_bytes:
        raise FileRefused("too_large")
    if data.startswith(b"%PDF-"):
        media_type: str | None = PDF
    elif data.startswith(b"PK\x03\x04"):
        media_type = _office_kind(data)
    else:
        media_type = None
    if media_type is None:
        raise FileRefused("type")
    if file_extension(filename) != EXTENSIONS[media_type]:
        raise FileRefused("mismatch", detected=media_type)
    pages = pdf_pages(data) if media_type == PDF else None
    return Checked(media_type, len(data), hashlib.sha256(data).hexdigest(), pages)


def clean_filename(filename: str, media_type: str, fallback: str = "document") -> str:
    """The uploaded name without any folder part or control characters, with the right extension."""
    return safe_filename(filename, EXTENSIONS[media_type], fallback)
