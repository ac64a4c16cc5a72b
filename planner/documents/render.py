"""Renderers: plain document data in, PDF (typst) or DOCX (python-docx) bytes out.

They take plain data, never a session or a model, so every document renders alike in each format.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, is_dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import typst
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor
from flask import current_app, has_app_context

from planner.documents.model import OfficialDocument, Paragraph, QrCode, Run, Table, qr_png

HERE = Path(__file__).resolve().parent
FONTS = HERE / "fonts"
TYPST = HERE / "typst"


class RenderError(RuntimeError):
    """A template failed to compile: a programming error, never the user's data."""


def render_pdf(template: str, data: dict[str, Any] | Any, *, tagged: bool = True) -> bytes:
    """Compile typst/<template> with the data as JSON (read by the template via sys.inputs.data).

    ``tagged=False`` leaves out the PDF's structure tags: long lists (a booklet with thousands of names)
    come out ten times smaller and faster, at the cost of the tags' help to screen readers."""
    return _compile(template, data, pdf_tags=tagged)


def render_png(template: str, data: dict[str, Any] | Any, *, ppi: float = 72) -> list[bytes]:
    """The pages as PNG images (previews), from the same template and data as the PDF."""
    pages = _compile(template, data, format="png", ppi=ppi)
    return pages if isinstance(pages, list) else [pages]


def _compile(template: str, data: dict[str, Any] | Any, **options: Any) -> Any:
    if is_dataclass(data):
        data = data.as_data() if hasattr(data, "as_data") else asdict(data)
    payload = json.dumps(data, ensure_ascii=False, default=_json_default)
    return _typst("compile", str(TYPST / template), payload, options)


def _typst_call(call: str, source: str | bytes, payload: str, options: dict[str, Any]) -> Any:
    """One typst compile or query, where it runs (this process or a renderer of the pool)."""
    try:
        if call == "query":
            return typst.query(source, *options.pop("query"), font_paths=[str(FONTS)], ignore_system_fonts=True,
                               sys_inputs={"data": payload}, **options)
        return typst.compile(source, root=str(TYPST), font_paths=[str(FONTS)], ignore_system_fonts=True,
                             sys_inputs={"data": payload}, **options)
    except typst.TypstError as exc:
        raise RenderError(f"typst {call} of {source if isinstance(source, str) else 'a query'} failed: {exc}") from None


# The renderers' pool ---------------------------------------------------------------------------------------
# typst keeps what it loaded (fonts, layouts, caches) for the life of its process: a web worker that rendered
# one big booklet stays big. So documents are rendered in a small pool of processes beside the worker
# (RENDER_PROCESSES, 1 by default; 0 renders in the worker itself, as tests do), each replaced after
# RENDER_DOCUMENTS documents, which bounds the memory they hold. Payloads and PDFs cross as bytes.

_POOL: dict[str, Any] = {"executor": None, "pid": None, "size": None}
_POOL_LOCK = threading.Lock()


def _pool_settings() -> tuple[int, int]:
    if has_app_context():
        config = current_app.config
        default = 0 if config.get("TESTING") else 1
        return int(config.get("RENDER_PROCESSES", default)), int(config.get("RENDER_DOCUMENTS", 25))
    return 0, 25


def _executor(processes: int, documents: int) -> ProcessPoolExecutor:
    with _POOL_LOCK:
        pool = _POOL["executor"]
        if pool is None or _POOL["pid"] != os.getpid() or _POOL["size"] != (processes, documents):
            # spawn: a fresh interpreter, not a fork of a worker holding sockets, sessions and threads
            if pool is not None and _POOL["pid"] == os.getpid():
                pool.shutdown(wait=False)
            pool = ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("spawn"),
                                       max_tasks_per_child=documents)
            _POOL.update(executor=pool, pid=os.getpid(), size=(processes, documents))
        return pool


def _typst(call: str, source: str | bytes, payload: str, options: dict[str, Any]) -> Any:
    processes, documents = _pool_settings()
    if processes <= 0:
        return _typst_call(call, source, payload, options)
    for attempt in (1, 2):
        try:
            return _executor(processes, documents).submit(_typst_call, call, source, payload, options).result()
        except BrokenProcessPool:   # a renderer died (killed for its memory): a new pool, once
            with _POOL_LOCK:
                _POOL["executor"] = None
            if attempt == 2:
                raise RenderError(f"the renderer of {call} stopped unexpectedly") from None
    raise AssertionError("unreachable")


def shutdown_renderers() -> None:
    with _POOL_LOCK:
        pool, _POOL["executor"] = _POOL["executor"], None
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if is_dataclass(value):
        return asdict(value)
    return str(value)


_MEASURE = b"""
#let items = json(bytes(sys.inputs.data))
#context [#metadata(items.map(i => measure(text(font: i.font, size: i.size * 1pt,
  weight: if i.bold { "bold" } else { "regular" }, i.text)).width.mm())) <widths>]
"""


def text_widths(items: list[tuple[str, float, bool]], font: str) -> list[float]:
    """The printed widths (millimetres) of lines of text in the profile's face, measured by typst with the
    same metrics as the PDF (Liberation Serif is metric-compatible with the Times New Roman of the DOCX)."""
    if not items:
        return []
    data = json.dumps([{"text": t, "size": size, "bold": bold, "font": font} for t, size, bold in items],
                      ensure_ascii=False)
    answer = _typst("query", _MEASURE, data, {"query": ("<widths>",), "field": "value", "one": True})
    return [float(w) for w in json.loads(answer)]


def official_pdf(document: OfficialDocument) -> bytes:
    return render_pdf("official.typ", document.as_data())


def official_pdf_many(documents: list[OfficialDocument], *, title: str = "", author: str = "") -> bytes:
    """Several documents in one PDF (the letters of a meeting), each from a new page, numbered anew."""
    data = {"title": title, "author": author, "documents": [d.as_data() for d in documents]}
    return render_pdf("batch.typ", data)


# DOCX ---------------------------------------------------------------------------------------------

_ALIGN = {
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}


def official_docx(document: OfficialDocument, template: bytes | None = None) -> bytes:
    """The same document as an editable Word file; an organization's own template supplies styles.

    With a template (the organization's letterhead .docx), its styles, page setup and headers are
    kept and the document's content fills it: in place of a paragraph that reads ``{{content}}``, or
    after the template's own content.
    """
    return official_docx_many([document], template, title=document.document_title, author=document.issuer)


def official_docx_many(documents: list[OfficialDocument], template: bytes | None = None, *, title: str = "",
                       author: str = "") -> bytes:
    """Several documents in one Word file, each in a section of its own (new page, page numbers from 1)."""
    if not documents:
        raise ValueError("no documents to render")
    first = documents[0]
    profile = first.profile
    doc = Document(io.BytesIO(template)) if template else Document()
    sizes = profile.sizes
    section = doc.sections[0]
    if template is None:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(profile.margins.top), Mm(profile.margins.bottom)
        section.left_margin, section.right_margin = Mm(profile.margins.left), Mm(profile.margins.right)
        section.header_distance = Mm(8)
        if profile.two_sided:
            doc.settings.odd_and_even_pages_header_footer = False
            _mirror_margins(doc)
        normal = doc.styles["Normal"]
        normal.font.name = profile.docx_font
        normal.font.size = Pt(sizes.body)
        _east_asian_font(normal, profile.docx_font)
        normal.paragraph_format.space_after = Pt(profile.paragraph_spacing_pt)
        normal.paragraph_format.space_before = Pt(0)
    anchor = _content_anchor(doc) if template else None
    usable = section.page_width - section.left_margin - section.right_margin
    _page_header(section, first, usable)
    _restart_page_numbers(section)

    body_start = len(doc.element.body)
    for index, document in enumerate(documents):
        if index > 0:
            section = doc.add_section(WD_SECTION.NEW_PAGE)
            section.different_first_page_header_footer = profile.page_numbers_from > 1
            _restart_page_numbers(section)
        usable = section.page_width - section.left_margin - section.right_margin
        _write_document(doc, document, usable)

    if anchor is not None:
        _move_content_to(doc, anchor, body_start)
    doc.core_properties.title = title
    doc.core_properties.author = author
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _write_document(doc, document: OfficialDocument, usable) -> None:
    profile = document.profile
    sizes = profile.sizes
    _header_blocks(doc, document, usable)
    _title_block(doc, document)
    for line in document.addressee:
        para = doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.paragraph_format.space_after = Pt(0)
        para.add_run(_docx_text(line))
    if document.addressee:
        doc.paragraphs[-1].paragraph_format.space_after = Pt(profile.paragraph_spacing_pt)
    for index, block in enumerate(document.body):
        last = index == len(document.body) - 1
        if isinstance(block, Paragraph):
            para = doc.add_paragraph()
            para.alignment = _ALIGN[block.align]
            if block.indent:
                para.paragraph_format.first_line_indent = Mm(profile.first_line_indent_mm)
            # The last lines of the body go with the signatures: a signature never stands alone on a page.
            para.paragraph_format.keep_with_next = last or None
            para.paragraph_format.widow_control = True
            _add_runs(para, block.runs)
        elif isinstance(block, Table):
            _table(doc, block, sizes.table, usable, keep_with_next=last)
        elif isinstance(block, QrCode):
            _qr(doc, block, sizes.recipients)
        else:  # Heading (level 0: centred)
            para = doc.add_paragraph()
            if block.level == 0:
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            para.paragraph_format.keep_with_next = True
            para.paragraph_format.space_before = Pt(6)
            para.add_run(_docx_text(block.text)).bold = True
    _signatures(doc, document, usable)


def _restart_page_numbers(section) -> None:
    sect_pr = section._sectPr
    element = sect_pr.find(qn("w:pgNumType"))
    if element is None:
        element = OxmlElement("w:pgNumType")
        sect_pr.append(element)
    element.set(qn("w:start"), "1")


CONTENT_MARK = "{{content}}"


def _content_anchor(doc):
    """The template's ``{{content}}`` paragraph, if it has one."""
    for para in doc.paragraphs:
        if para.text.replace(" ", "") == CONTENT_MARK:
            return para._p
    return None


def _move_content_to(doc, anchor, body_start: int) -> None:
    """Move what was written after the template's content to the ``{{content}}`` paragraph's place."""
    body = doc.element.body
    written = [el for el in list(body)[body_start:] if el.tag != qn("w:sectPr")]
    for element in written:
        anchor.addprevious(element)
    anchor.getparent().remove(anchor)


def _qr(doc, block: QrCode, size: float) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    image_cell, text_cell = table.rows[0].cells
    _set_widths(table, [Mm(32), Mm(120)])
    para = image_cell.paragraphs[0]
    para.paragraph_format.first_line_indent = Mm(0)
    para.add_run().add_picture(io.BytesIO(qr_png(block.link)), width=Mm(28))
    caption = text_cell.paragraphs[0]
    caption.paragraph_format.first_line_indent = Mm(0)
    caption.add_run(_docx_text(block.caption)).font.size = Pt(size)
    link = text_cell.add_paragraph()
    link.paragraph_format.first_line_indent = Mm(0)
    link.add_run(_docx_text(block.link)).font.size = Pt(size)


def _add_runs(paragraph, runs: list[Run], size: float | None = None) -> None:
    for item in runs:
        run = paragraph.add_run(_docx_text(item.text))
        run.bold = item.bold or None
        run.italic = item.italic or None
        if size:
            run.font.size = Pt(size)


def _docx_text(text: str) -> str:
    """Word refuses XML control characters; drop them rather than fail."""
    return "".join(ch for ch in text if ch in "\t\n" or ord(ch) >= 32)


def _east_asian_font(style, name: str) -> None:
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), name)


def _mirror_margins(doc) -> None:
    settings = doc.settings.element
    if settings.find(qn("w:mirrorMargins")) is None:
        settings.append(OxmlElement("w:mirrorMargins"))


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE): begin, instruction, end."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _stamp(run, color: str, *, double: bool = True) -> None:
    """A border around the run's text, red ink: the classification stamp (double border) or the urgency
    mark (single), as character borders that Word and LibreOffice both draw."""
    run.bold = True
    run.font.color.rgb = RGBColor.from_string(color)
    border = OxmlElement("w:bdr")
    for key, value in (("w:val", "double" if double else "single"), ("w:sz", "6"), ("w:space", "1"),
                       ("w:color", color)):
        border.set(qn(key), value)
    run._r.get_or_add_rPr().append(border)


def _page_header(section, document: OfficialDocument, usable) -> None:
    """Page number from page 2, centred at the top; the classification stamp at the left of every later page
    (the first carries it under the number), the draft mark at the right of every page."""
    profile = document.profile
    section.different_first_page_header_footer = profile.page_numbers_from > 1
    headers = [section.header]
    if profile.page_numbers_from > 1:
        headers.append(section.first_page_header)
    draft = ("DỰ THẢO" if document.language == "vi" else "DRAFT") if document.marks.draft else None
    for index, header in enumerate(headers):
        para = header.paragraphs[0]
        para.alignment = WD_ALIGN_PARAGRAPH.LEFT
        stops = para.paragraph_format.tab_stops
        stops.add_tab_stop(int(usable / 2), WD_TAB_ALIGNMENT.CENTER)
        stops.add_tab_stop(int(usable), WD_TAB_ALIGNMENT.RIGHT)
        later = index == 0
        if later and document.marks.classification:
            run = para.add_run(document.marks.classification)
            run.font.size = Pt(profile.sizes.mark)
            _stamp(run, profile.mark_color)
        para.add_run("\t")
        if later:
            run = para.add_run()
            run.font.size = Pt(profile.sizes.page_number)
            _field(para, "PAGE")
        para.add_run("\t")
        if draft:
            run = para.add_run(draft)
            run.bold = True
            run.font.size = Pt(profile.sizes.mark)


def _cell_paragraph(cell, text: str = "", bold: bool = False, italic: bool = False, size: float | None = None,
                    first: bool = False):
    para = cell.paragraphs[0] if first else cell.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.space_after = Pt(0)
    para.paragraph_format.first_line_indent = Mm(0)
    if text:
        run = para.add_run(_docx_text(text))
        run.bold = bold or None
        run.italic = italic or None
        if size:
            run.font.size = Pt(size)
    return para


def _underline_paragraph(paragraph) -> None:
    """A bottom border under the paragraph: the rule under a heading line."""
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    ppr.append(border)


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _lines(text: str) -> list[str]:
    """A body name with its manual line breaks (set between words in the settings)."""
    return [line.strip() for line in (text or "").split("\n") if line.strip()]


def header_widths(document: OfficialDocument, usable_mm: float) -> tuple[float, float]:
    """(left, right) column widths in millimetres: the left as wide as its longest line, within what the
    national heading leaves, so that a body name breaks only where it must (and then between words)."""
    profile = document.profile
    sizes = profile.sizes
    left = [(line.upper(), sizes.superior, False) for line in _lines(document.superior)]
    left += [(line.upper(), sizes.issuer, True) for line in _lines(document.issuer)]
    if document.number:
        left.append((document.number, sizes.number, False))
    right = [(line.text, line.size or sizes.national, line.bold) for line in profile.national_lines]
    right.append((document.place_date, sizes.date, False))
    widths = text_widths(left + right, profile.font)
    left_need = max(widths[:len(left)], default=0) + 8
    right_room = max(widths[len(left):], default=0) + 6 if profile.national_lines else 0
    width = max(min(left_need, usable_mm - right_room - 2), usable_mm * 0.3)
    if not profile.national_lines:
        width = usable_mm * 0.6
    return width, usable_mm - width


def _header_blocks(doc, document: OfficialDocument, usable) -> None:
    profile = document.profile
    sizes = profile.sizes
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    has_national = bool(profile.national_lines)
    left_mm, _right_mm = header_widths(document, Emu(usable).mm)
    _set_widths(table, [Mm(left_mm), usable - Mm(left_mm)])
    first = True
    for line in _lines(document.superior):
        _cell_paragraph(left, line.upper(), size=sizes.superior, first=first)
        first = False
    issuer = None
    for line in _lines(document.issuer):
        issuer = _cell_paragraph(left, line.upper(), bold=True, size=sizes.issuer, first=first)
        first = False
    if profile.issuer_mark == "star":
        _cell_paragraph(left, "*", size=sizes.issuer)
    elif profile.issuer_mark == "rule" and issuer is not None:
        _underline_paragraph(issuer)
    if document.number:
        _cell_paragraph(left, document.number, size=sizes.number).paragraph_format.space_before = Pt(4)
    if document.marks.classification:
        # The stamp under the number and symbol (ô 10a, Phụ lục I of Nghị định 30/2020/NĐ-CP).
        para = _cell_paragraph(left)
        para.paragraph_format.space_before = Pt(6)
        run = para.add_run(document.marks.classification)
        run.font.size = Pt(sizes.mark)
        _stamp(run, profile.mark_color)
    if document.marks.urgency:
        para = _cell_paragraph(left)
        para.paragraph_format.space_before = Pt(4)
        run = para.add_run(document.marks.urgency)
        run.font.size = Pt(sizes.mark)
        _stamp(run, profile.mark_color, double=False)

    first = True
    for line in profile.national_lines:
        para = _cell_paragraph(right, line.text, bold=line.bold, size=line.size or sizes.national, first=first)
        first = False
        if line.underline:
            for run in para.runs:
                run.underline = True
    date_para = _cell_paragraph(right, document.place_date, italic=True, size=sizes.date, first=first)
    if has_national:
        date_para.paragraph_format.space_before = Pt(6)
    else:
        date_para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if document.marks.circulation:
        doc.add_paragraph().add_run(document.marks.circulation).bold = True


def _title_block(doc, document: OfficialDocument) -> None:
    sizes = document.profile.sizes
    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.space_before = Pt(12)
    para.paragraph_format.space_after = Pt(0)
    run = para.add_run(document.title)
    run.bold = True
    run.font.size = Pt(sizes.title)
    for line in document.summary:
        para = doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.paragraph_format.space_after = Pt(0)
        run = para.add_run(_docx_text(line))
        run.bold = True
        run.font.size = Pt(sizes.summary)
    rule = doc.add_paragraph()
    rule.alignment = WD_ALIGN_PARAGRAPH.CENTER
    rule.add_run("-----")
    rule.paragraph_format.space_after = Pt(6)


def _table(doc, block: Table, size: float, usable: int, *, keep_with_next: bool = False) -> None:
    table = doc.add_table(rows=1, cols=len(block.columns))
    table.style = "Table Grid"
    total = sum(c.width for c in block.columns)
    for cell, column in zip(table.rows[0].cells, block.columns, strict=True):
        para = cell.paragraphs[0]
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = para.add_run(column.label)
        run.bold = True
        run.font.size = Pt(size)
    _repeat_header(table.rows[0])
    widths = [int(usable * column.width / total) for column in block.columns]
    for row in block.rows:
        cells = table.add_row().cells
        if row.group is not None:
            merged = cells[0].merge(cells[-1])
            para = merged.paragraphs[0]
            para.paragraph_format.first_line_indent = Mm(0)
            _add_runs(para, row.group, size)
            _shade(merged, "EBEBEB")
            continue
        for cell, content, column in zip(cells, row.cells, block.columns, strict=True):
            para = cell.paragraphs[0]
            para.paragraph_format.first_line_indent = Mm(0)
            para.paragraph_format.space_after = Pt(0)
            para.alignment = _ALIGN[column.align]
            _add_runs(para, content, size)
            if row.muted:
                for run in para.runs:
                    run.font.strike = True
                    run.font.color.rgb = RGBColor(0x6E, 0x6E, 0x6E)
    _set_widths(table, widths)
    if keep_with_next:  # the table's last row goes with the signatures
        _cant_split(table.rows[-1])
        for cell in table.rows[-1].cells:
            for para in cell.paragraphs:
                para.paragraph_format.keep_with_next = True
    spacer = doc.add_paragraph()
    spacer.paragraph_format.keep_with_next = keep_with_next or None


def _cant_split(row) -> None:
    """A table row that Word never breaks across pages."""
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:cantSplit")) is None:
        tr_pr.append(OxmlElement("w:cantSplit"))


def _set_widths(table, widths: list[int]) -> None:
    """Column widths that Word and LibreOffice both honour: the grid's and every cell's, fixed layout."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        spans: dict[int, tuple[Any, int]] = {}
        for cell, width in zip(row.cells, widths, strict=False):
            key = id(cell._tc)
            spans[key] = (cell, spans.get(key, (cell, 0))[1] + width)
        for cell, width in spans.values():
            cell.width = width


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    tr_pr.append(element)


def _shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), fill)
    tc_pr.append(shading)


def _signatures(doc, document: OfficialDocument, usable) -> None:
    sizes = document.profile.sizes
    left_sig = next((s for s in document.signatures if s.side == "left"), None)
    right_sig = next((s for s in document.signatures if s.side == "right"), None)
    profile = document.profile
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _cant_split(table.rows[0])
    left, right = table.rows[0].cells
    _set_widths(table, [int(usable / 2), usable - int(usable / 2)])
    two = left_sig is not None and right_sig is not None

    def signature(cell, sig) -> None:
        """The authority line, the position in capitals, about 30 mm to sign and seal, the name in bold.
        Side by side, both blocks keep the same rows so that the names stand on one line."""
        first = True
        for line in (sig.authority, sig.position):
            if line or two:
                para = _cell_paragraph(cell, line.upper(), bold=True, size=sizes.signature, first=first)
                para.paragraph_format.keep_with_next = True
                first = False
        signed = "(Đã ký)" if document.language == "vi" else "(Signed)"
        space = _cell_paragraph(cell, signed if sig.signed else "", italic=True, first=first)
        space.paragraph_format.space_before = Pt(6) if sig.signed else Mm(profile.signature_space_mm - 6)
        space.paragraph_format.keep_with_next = True
        name = _cell_paragraph(cell, sig.name, bold=True, size=sizes.signature_name)
        name.paragraph_format.space_before = Pt(6)

    def recipients(cell, first: bool) -> None:
        label = cell.paragraphs[0] if first else cell.add_paragraph()
        label.paragraph_format.first_line_indent = Mm(0)
        label.paragraph_format.space_after = Pt(0)
        run = label.add_run(document.recipients_label)
        run.bold = True
        run.font.size = Pt(sizes.recipients_label)
        if document.profile.recipients_label_style == "underline":
            run.underline = True
        else:
            run.italic = True
        for item in document.recipients:
            para = cell.add_paragraph()
            para.paragraph_format.first_line_indent = Mm(0)
            para.paragraph_format.space_after = Pt(0)
            para.add_run(_docx_text(item)).font.size = Pt(sizes.recipients)

    if left_sig:
        signature(left, left_sig)
    elif document.recipients:
        recipients(left, first=True)
    if right_sig:
        signature(right, right_sig)
    if left_sig and document.recipients:
        # The recipients under both signatures, in a second row of the same table that goes with the first
        # (its paragraphs keep with the next): "Nơi nhận" never stands alone on a page either.
        for cell in (left, right):
            for para in cell.paragraphs:
                para.paragraph_format.keep_with_next = True
        row = table.add_row()
        _cant_split(row)
        cell = row.cells[0].merge(row.cells[1])
        cell.paragraphs[0].paragraph_format.space_before = Pt(12)
        recipients(cell, first=True)

