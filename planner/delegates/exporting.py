"""The delegate list as XLSX and CSV, in the order given (protocol order from the service).

Every text cell that a spreadsheet could take for a formula (= + - @, or a tab or carriage return in
front) is prefixed with an apostrophe, so that a name such as ``=HYPERLINK(…)`` stays text in Excel,
LibreOffice and whatever opens the CSV. The import takes that apostrophe off again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

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
    rows = []
    for number, p in enumerate(participants, start=1):
        person = p.person
        rows.append([
            number, person.family_name, person.middle_name, person.given_name, person.honorific,
            p.title, p.unit, p.delegation, str(PARTICIPANT_CATEGORY_LABELS[p.category]), p.precedence or "", p.seat,
            person.email, person.phone, str(RSVP_LABELS[p.rsvp]), p.badge_code, p.note,
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
    wrap = Alignment(wrap_text=True, vertical="top")
    heading = []
    for label in header:
        cell = WriteOnlyCell(sheet, value=neutralise(label))
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=neutralise(value))
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula, whatever it starts with
                cell.alignment = wrap
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\."""
    for ch in "[]:*?/\\":
        title = title.replace(ch, " ")
    return title.strip()[:31] or "Sheet1"
