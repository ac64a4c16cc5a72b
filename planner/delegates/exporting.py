"""The delegate list as XLSX and CSV, in the order given (protocol order from the service).

Every text cell that a spreadsheet could take for a formula (= + - @, or a tab or carriage return in
front) is prefixed with an apostrophe, so that a name such as ``=HYPERLINK(…)`` stays text in Excel,
LibreOffice and whatever opens the CSV. The import takes that apostrophe off again.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from math import isinf, isnan
from typing import Any
from xml.sax.saxutils import escape  # escapes the text this writes; nothing is parsed  # nosec B406

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from planner.delegates.models import PARTICIPANT_CATEGORY_LABELS, RSVP_LABELS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# (header, width in characters); the headers are recognised again by the import, in both languages.
COLUMNS: tuple[tuple[Any, int], ...] = (
    (_l("No."), 6),
    (_l("Family name"), 12),
    (_l("Middle name"), 14),
    (_l("Given name"), 10),
    (_l("Honorific"), 10),
    (_l("Position"), 48),
    (_l("Unit"), 36),
    (_l("Delegation"), 20),
    (_l("Category"), 14),
    (_l("Precedence"), 10),
    (_l("Seat"), 8),
    (_l("E-mail"), 28),
    (_l("Phone"), 16),
    (_l("RSVP"), 14),
    (_l("Badge code"), 12),
    (_l("Note"), 30),
)


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula becomes inert text; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def headers() -> list[str]:
    return [str(label) for label, _width in COLUMNS]


def participant_rows(participants: Iterable[Any]) -> list[list[Any]]:
    """One row per participant, in the order given."""
    # Each label translated once, not once a row (3,000 rows made 6,000 gettext calls).
    categories = {key: str(label) for key, label in PARTICIPANT_CATEGORY_LABELS.items()}
    replies = {key: str(label) for key, label in RSVP_LABELS.items()}
    rows = []
    for number, p in enumerate(participants, start=1):
        person = p.person
        rows.append([
            number, person.family_name, person.middle_name, person.given_name, person.honorific,
            p.title, p.unit, p.delegation, categories[p.category], p.precedence or "", p.seat,
            person.email, person.phone, replies[p.rsvp], p.badge_code, p.note,
        ])
    return rows


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a BOM, so that Excel shows Vietnamese letters right when the file is opened directly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet_title: str | None = None,
            widths: Sequence[int] | None = None) -> bytes:
    """A one-sheet workbook: the header in bold, every text cell wrapped at the top and kept as text, the
    columns' widths, the header row frozen.

    openpyxl writes the workbook with its header (the parts, styles, widths and pane as ever); the data
    rows are then written into its sheet as the same XML openpyxl writes for them. openpyxl spent 1.4 s on
    the 48,000 cells of 3,000 delegates (a cell object, a style lookup and an XML element each); the rows
    as text take a tenth of that. The sheet also states its size (<dimension>), which Excel writes and
    openpyxl's reader looks for first: without it a read-only reader parses the whole sheet once more.
    """
    import zipfile

    rows = [list(row) for row in rows]
    skeleton, sheet_path, text_style = _xlsx_skeleton(header, sheet_title, widths)
    width = max((len(row) for row in rows), default=0)
    width = max(width, len(header), 1)
    body = "".join(_row_xml(number, row, text_style) for number, row in enumerate(rows, start=2))
    dimension = f'<dimension ref="A1:{_column_letters(width)[-1]}{len(rows) + 1}"/>'
    source = zipfile.ZipFile(io.BytesIO(skeleton))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == sheet_path:
                sheet = data.decode("utf-8")
                if sheet.count("</sheetPr>") != 1 or sheet.count("</sheetData>") != 1:
                    raise RuntimeError("openpyxl wrote the sheet in a shape this writer does not know")
                sheet = sheet.replace("</sheetPr>", "</sheetPr>" + dimension).replace("</sheetData>",
                                                                                    body + "</sheetData>")
                data = sheet.encode("utf-8")
                body = ""
            elif info.filename == "docProps/core.xml":
                data = _SAVED_AT.sub(b"", data)
            # Dated by nothing but the rows: the same list gives the same bytes, so that a dossier built again
            # from unchanged documents has the content hash of the first (archive.services.building).
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.external_attr = info.external_attr
            target.writestr(fixed, data, compress_type=zipfile.ZIP_DEFLATED)
    if body:
        raise RuntimeError(f"openpyxl wrote no {sheet_path}")
    return buffer.getvalue()


# When openpyxl made and saved the workbook (optional properties of the package), left out.
_SAVED_AT = re.compile(rb"<dcterms:(created|modified)\b[^>]*>[^<]*</dcterms:\1>")


def _xlsx_skeleton(header: Sequence[str], sheet_title: str | None,
                   widths: Sequence[int] | None) -> tuple[bytes, str, int]:
    """openpyxl's workbook with the header row only: its bytes, the sheet's part name and the style id of
    a text cell (wrapped, at the top)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(sheet_title or _("Delegates")))
    for index, width in enumerate(widths or [w for _label, w in COLUMNS][: len(header)], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    heading = []
    for label in header:
        cell = WriteOnlyCell(sheet, value=neutralise(label))
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    text = WriteOnlyCell(sheet, value="")
    text.alignment = Alignment(wrap_text=True, vertical="top")
    text_style = text.style_id  # asking for the id registers the style with the workbook, before it is saved
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), "xl/worksheets/sheet1.xml", text_style


_COLUMN_LETTERS: list[str] = []


def _column_letters(count: int) -> list[str]:
    from openpyxl.utils import get_column_letter

    while len(_COLUMN_LETTERS) < count:
        _COLUMN_LETTERS.append(get_column_letter(len(_COLUMN_LETTERS) + 1))
    return _COLUMN_LETTERS[:count]


def _row_xml(number: int, row: Sequence[Any], text_style: int) -> str:
    """One row as openpyxl writes it: text inline, wrapped and never a formula; numbers as numbers; an empty
    cell (None) left out."""
    cells = []
    for letter, value in zip(_column_letters(len(row)), row, strict=True):
        ref = f"{letter}{number}"
        if isinstance(value, str):
            text = _xlsx_text(neutralise(value))
            if not text:
                cells.append(f'<c r="{ref}" s="{text_style}" t="inlineStr"></c>')
            else:
                space = ' xml:space="preserve"' if text.strip() != text else ""
                cells.append(f'<c r="{ref}" s="{text_style}" t="inlineStr"><is><t{space}>{text}</t></is></c>')
        elif value is None:
            continue
        elif isinstance(value, bool):
            cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, int | float | Decimal):
            number_text = "" if isnan(value) or isinf(value) else f"{float(value):.16g}"
            cells.append(f'<c r="{ref}" t="n"><v>{number_text}</v></c>')
        else:
            raise TypeError(f"{value!r} is not a value of a sheet (text, a number or None)")
    return f'<row r="{number}">{"".join(cells)}</row>'


# openpyxl's rule for a text cell (openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE): none of the control characters
# XML refuses; and at most 32,767 characters.
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_MARKUP = re.compile(r"[&<>\r]")
_CR = {"\r": "&#13;"}  # kept as lxml keeps it (an XML reader turns a bare CR into a line feed)


def _xlsx_text(value: str) -> str:
    """The text as the sheet's XML holds it, escaped."""
    value = value[:32767]
    if _ILLEGAL.search(value):
        from openpyxl.utils.exceptions import IllegalCharacterError

        raise IllegalCharacterError(f"{value} cannot be used in worksheets.")
    return escape(value, _CR) if _MARKUP.search(value) else value


def _sheet_title(title: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\."""
    for ch in "[]:*?/\\":
        title = title.replace(ch, " ")
    return title.strip()[:31] or "Sheet1"
