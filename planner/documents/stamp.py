"""A reader's mark on every page of a PDF: plain data in (the PDF's bytes, the lines of the mark), PDF out.

The mark is text (typst sets it in the app's fonts, so it is in the page's text layer and a copy found
anywhere names its reader), laid over each page: a line at the top, one at the bottom and a faint diagonal
watermark. A page turned by /Rotate has its rotation moved into its content first, so the mark reads
upright where the page does. Pages keep their links, annotations and size.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from planner.documents.render import render_pdf


@dataclass(frozen=True)
class Mark:
    top: str
    bottom: str
    watermark: str


def stamp(data: bytes, mark: Mark) -> bytes:
    """The PDF with the mark on every page (pypdf; the overlay pages are rendered once per page size)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    sizes: list[tuple[float, float]] = []
    for page in writer.pages:
        if page.rotation:
            page.transfer_rotation_to_content()
        size = (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2))
        if size not in sizes:
            sizes.append(size)
    overlay = PdfReader(io.BytesIO(render_pdf("mark.typ", {
        "sizes": [list(s) for s in sizes], "top": mark.top, "bottom": mark.bottom, "watermark": mark.watermark,
    }, tagged=False)))
    for page in writer.pages:
        size = (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2))
        over = overlay.pages[sizes.index(size)]
        left, bottom = float(page.mediabox.left), float(page.mediabox.bottom)
        if left or bottom:
            from pypdf import Transformation

            page.merge_transformed_page(over, Transformation().translate(left, bottom))
        else:
            page.merge_page(over)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
