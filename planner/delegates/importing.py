"""Reading a delegate list from an XLSX or CSV file: file checks, the table, the column mapping and the
rows' values. Pure logic: nothing here touches the database (services.plan_import matches the rows
with the directory and the meeting, services.commit_import saves them).

Error messages are translated when made, so call these inside a request (or test request) context.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from defusedxml import DefusedXmlException
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from planner.core.text import fold, normalize, split_full_name
from planner.core.zipfiles import OfficeFileRefused, check_office_file, markup_message
from planner.delegates.models import ParticipantCategory

MAX_ROWS = 20_000
MAX_UNCOMPRESSED = 100 * 1024 * 1024   # an XLSX unpacks to at most this (refuses zip bombs)
MAX_CELL = 2_000                       # characters in one cell
HEADER_SEARCH_ROWS = 15                # a title line or two may stand above the header row
EMPTY_ROWS_ENOUGH = 1_000              # so many empty rows in a row: the data has ended

# What a column can hold; the order is the order of the mapping form.
FIELDS: dict[str, Any] = {
    "full_name": _l("Full name, to be split"),
    "family_name": _l("Family name"),
    "middle_name": _l("Middle name"),
    "given_name": _l("Given name"),
    "honorific": _l("Honorific"),
    "title": _l("Position"),
    "unit": _l("Unit"),
    "delegation": _l("Delegation"),
    "category": _l("Category"),
    "precedence": _l("Precedence"),
    "seat": _l("Seat"),
    "email": _l("E-mail"),
    "phone": _l("Phone"),
    "note": _l("Note"),
}

MAX_LENGTHS = {
    "family_name": 120, "middle_name": 120, "given_name": 120, "honorific": 40, "unit": 500,
    "delegation": 255, "email": 255, "phone": 64, "seat": 32, "title": MAX_CELL, "note": MAX_CELL,
}

# Headers as offices write them, folded (see core.text.fold); Vietnamese and English.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "full_name": ("ho va ten", "ho ten", "ho va ten dai bieu", "ho ten dai bieu", "ten dai bieu", "full name",
                  "name", "fullname"),
    "family_name": ("ho", "family name", "last name", "surname"),
    "middle_name": ("ten dem", "ten lot", "middle name"),
    "given_name": ("ten", "given name", "first name"),
    "honorific": ("xung ho", "danh xung", "honorific", "salutation"),
    "title": ("chuc vu", "chuc danh", "title", "position", "job title"),
    "unit": ("don vi", "co quan", "don vi cong tac", "co quan don vi", "unit", "organization", "organisation"),
    "delegation": ("doan", "doan dai bieu", "delegation"),
    "category": ("thanh phan", "loai", "loai dai bieu", "category"),
    "precedence": ("thu tu", "thu tu nghi le", "thu tu uu tien", "uu tien", "precedence", "rank"),
    "seat": ("ghe", "so ghe", "cho ngoi", "vi tri ghe", "seat"),
    "email": ("email", "e-mail", "thu dien tu", "dia chi email", "e mail"),
    "phone": ("dien thoai", "so dien thoai", "sdt", "dt", "phone", "telephone", "mobile"),
    "note": ("ghi chu", "note", "notes", "remarks"),
}
# The API's own field names (family_name, given_name…) are headers too: a list exported from another tool
# that speaks the API imports without a mapping step.
_ALIAS_TO_FIELD = {**{name: name for name in FIELDS}, **{name.replace("_", " "): name for name in FIELDS},
                   **{alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases}}

# Category values as written in lists, folded.
CATEGORY_ALIASES: dict[str, ParticipantCategory] = {
    **{a: ParticipantCategory.guest for a in ("khach moi", "khach", "guest", "guests")},
    **{a: ParticipantCategory.leader for a in ("lanh dao", "leader", "leaders", "leadership")},
    **{a: ParticipantCategory.delegate for a in ("dai bieu", "delegate", "delegates")},
    **{a: ParticipantCategory.press for a in ("bao chi", "phong vien", "phong vien bao chi", "press")},
    **{a: ParticipantCategory.staff for a in ("phuc vu", "can bo phuc vu", "nhan vien phuc vu", "staff")},
    **{a: ParticipantCategory.observer for a in ("quan sat", "quan sat vien", "du thinh", "dai bieu du thinh",
                                                   "observer", "observers")},
}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NEUTRALISED = re.compile(r"^'(?=[=+\-@\t\r])")


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is for the user."""

    def __init__(self, message: Any):
        super().__init__(str(message))
        self.message = str(message)


@dataclass(frozen=True)
class RowError:
    row: int            # the row number as the spreadsheet shows it (1 = the first line of the file)
    column: str         # the column's header (or letter) as in the file, "" for the row as a whole
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "detail": self.detail}


@dataclass
class Table:
    kind: str                        # "xlsx" or "csv"
    encoding: str | None             # for CSV: "utf-8" or "cp1258"
    header_row: int
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number, cells), empty rows left out

    def column_label(self, index: int) -> str:
        header = self.headers[index] if index < len(self.headers) else ""
        return header or column_letter(index)


@dataclass
class ImportRow:
    row: int
    values: dict[str, Any] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)   # field -> column label, for messages

    @property
    def full_name(self) -> str:
        return " ".join(self.values.get(k, "") for k in ("family_name", "middle_name", "given_name")
                        if self.values.get(k))


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# Reading the file ---------------------------------------------------------------------------------

def detect_kind(data: bytes) -> str:
    """'xlsx' or 'csv' by the content, whatever the file is called; anything else is refused."""
    if not data or not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        try:
            check_office_file(data, required=("[Content_Types].xml", "xl/workbook.xml"), parse=("xl/workbook.xml",),
                              max_unpacked=MAX_UNCOMPRESSED)
        except OfficeFileRefused as exc:
            if exc.reason == "parts_missing":
                raise ImportFileError(_("This is not an Excel workbook. Upload an XLSX or CSV file.")) from None
            if exc.reason == "too_large":
                raise ImportFileError(_("The workbook unpacks to more data than allowed. Remove what is not the "
                                        "list (other sheets, pictures) and upload it again.")) from None
            if exc.reason == "markup":
                raise ImportFileError(markup_message("xlsx")) from None
            raise ImportFileError(_("The file is damaged: it cannot be opened as an Excel workbook.")) from None
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("This is an old Excel file (XLS). Open it in Excel and save it as XLSX, then "
                                "upload it again."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(_("This text file is in UTF-16. Save it as \"CSV UTF-8\" and upload it again."))
    if b"\x00" in data[:8192] or data.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8", b"GIF8")):
        raise ImportFileError(_("This kind of file cannot be imported. Upload an XLSX or CSV file."))
    return "csv"


def decode_text(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM), else Windows-1258 as older Vietnamese Excel writes it."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1258"), "cp1258"
    except UnicodeDecodeError:
        raise ImportFileError(_("The file's text encoding is not recognised. Save it as \"CSV UTF-8\" "
                                "(or as XLSX) and upload it again.")) from None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    text = normalize(str(value))
    return _NEUTRALISED.sub("", text)  # our own export's guard against formulas comes off


def _rows_of_csv(data: bytes) -> tuple[str, list[list[str]]]:
    text, encoding = decode_text(data)
    try:
        rows = list(_limited(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))))
    except csv.Error:
        raise ImportFileError(_("The CSV file cannot be read: check that it is a plain list with one person "
                                "per line.")) from None
    return encoding, rows


def _delimiter(text: str) -> str:
    """Comma, semicolon (Excel in many locales) or tab: the one the top lines hold most of."""
    lines = text[:16384].splitlines()[:HEADER_SEARCH_ROWS]
    best = max(",;\t", key=lambda d: max((line.count(d) for line in lines), default=0))
    return best if any(best in line for line in lines) else ","


def _limited(rows: Any):
    """Stop at the row limit (with an error) and after a long run of empty rows (formatted, unused)."""
    filled = empty_run = 0
    for row in rows:
        cells = list(row)
        if any(c not in (None, "") for c in cells):
            empty_run = 0
            filled += 1
            if filled > MAX_ROWS + 1:  # the header row and MAX_ROWS people
                raise ImportFileError(_("The file has more than %(n)d rows. Split it into smaller files.",
                                        n=MAX_ROWS))
        else:
            empty_run += 1
            if empty_run >= EMPTY_ROWS_ENOUGH:
                return
        yield cells


def _rows_of_xlsx(data: bytes) -> list[list[Any]]:
    # detect_kind has checked the archive (parts, unpacked size, ratio) before this reads it.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise _unreadable(exc) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise ImportFileError(_("The workbook has no sheet."))
        # The sheet is parsed while its rows are read: a broken one (an undefined entity, say) fails here.
        return list(_limited(_sheet_values(workbook, sheet)))
    except ImportFileError:
        raise
    except Exception as exc:  # the same many kinds, met in the sheet
        raise _unreadable(exc) from None
    finally:
        workbook.close()


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _VALUE, _INLINE, _TEXT, _RUN = (f"{_MAIN}{tag}" for tag in ("row", "c", "v", "is", "t", "r"))
_DIGITS = "0123456789"


def _sheet_values(workbook: Any, sheet: Any) -> Iterator[list[Any]]:
    """The sheet's rows as lists of values, as openpyxl's read-only ``iter_rows(values_only=True)`` gives them
    (a missing row is an empty one, a missing cell None; numbers, dates by their style, booleans, shared and
    inline text), read by lxml's parser in C. openpyxl's own reader built an object for every inline text
    and spent 0.5 s of CPU on the 48,000 cells of 3,000 delegates; this takes a third of that. The workbook's
    parts (the sheets, shared text, styles) are still openpyxl's reading. The file has passed the Office
    checks (no DTD anywhere), and the parser resolves no entity and fetches nothing."""
    from lxml import etree
    from openpyxl.utils.cell import column_index_from_string
    from openpyxl.utils.datetime import from_excel, from_ISO8601

    shared = workbook.shared_strings
    dates, durations, epoch = workbook._date_formats, workbook._timedelta_formats, workbook.epoch

    def value_of(cell: Any) -> Any:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            inline = cell.find(_INLINE)
            if inline is None:
                return None
            runs = [inline.findtext(_TEXT)] + [run.findtext(_TEXT) for run in inline.iterchildren(_RUN)]
            return "".join(text for text in runs if text is not None)
        value = cell.findtext(_VALUE) or None
        if value is None:
            return None
        if kind == "n":
            number = float(value) if "." in value or "e" in value or "E" in value else int(value)
            style = int(cell.get("s") or 0)
            if style in dates:
                try:
                    return from_excel(number, epoch, timedelta=style in durations)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "s":
            return shared[int(value)]
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return from_ISO8601(value)
        return value  # "str" (a formula's text) and "e" (an error such as #N/A)

    expected = 1
    with workbook._archive.open(sheet._worksheet_path) as source:
        for _event, row in etree.iterparse(source, tag=_ROW, resolve_entities=False, no_network=True,
                                           load_dtd=False, huge_tree=False):
            number = int(row.get("r") or expected)
            if number < expected:  # a row out of order is dropped, as openpyxl drops it
                continue
            while expected < number:
                expected += 1
                yield []
            values: list[Any] = []
            for cell in row.iterchildren(_CELL):
                reference = cell.get("r")
                column = column_index_from_string(reference.rstrip(_DIGITS)) if reference else len(values) + 1
                if column > len(values):
                    values.extend([None] * (column - len(values)))
                values[column - 1] = value_of(cell)
            expected += 1
            row.clear()
            while row.getprevious() is not None:  # keep no tree behind: memory stays flat
                del row.getparent()[0]
            yield values


def _unreadable(exc: BaseException) -> ImportFileError:
    """Why openpyxl could not read the workbook: defusedxml refused its markup (openpyxl may wrap that in
    a ValueError of its own), or it is damaged."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return ImportFileError(markup_message("xlsx"))
        cause = cause.__cause__ or cause.__context__
    return ImportFileError(_("The file is damaged: it cannot be opened as an Excel workbook."))


def read_table(data: bytes, filename: str = "") -> Table:
    """The list in the file: its header row and its data rows, numbered as the spreadsheet shows them."""
    kind = detect_kind(data)
    encoding = None
    if kind == "xlsx":
        raw_rows = _rows_of_xlsx(data)
    else:
        encoding, raw_rows = _rows_of_csv(data)
    rows = [[_cell_text(c) for c in row] for row in raw_rows]
    numbered = [(i + 1, cells) for i, cells in enumerate(rows) if any(cells)]
    if not numbered:
        raise ImportFileError(_("The file is empty."))
    header_at = _header_index(numbered)
    header_row, headers = numbered[header_at]
    data_rows = numbered[header_at + 1:]
    if not data_rows:
        raise ImportFileError(_("The file has a header row but no one in it."))
    width = max(len(headers), *(len(cells) for _n, cells in data_rows))
    headers = headers + [""] * (width - len(headers))
    data_rows = [(n, cells + [""] * (width - len(cells))) for n, cells in data_rows]
    return Table(kind=kind, encoding=encoding, header_row=header_row, headers=headers, rows=data_rows)


def _header_index(numbered: list[tuple[int, list[str]]]) -> int:
    """The header row: the first near the top naming at least two known columns, else the first row."""
    for index, (_n, cells) in enumerate(numbered[:HEADER_SEARCH_ROWS]):
        if sum(1 for c in cells if header_field(c)) >= 2:
            return index
    return 0


# The mapping ------------------------------------------------------------------------------------------

def header_field(header: str) -> str | None:
    key = fold(header).strip(" :*.")
    key = re.sub(r"\s*\(.*\)$", "", key)  # "Họ và tên (*)", "Email (nếu có)"
    return _ALIAS_TO_FIELD.get(key)


def guess_mapping(headers: list[str]) -> list[str | None]:
    """A field for each column from its header; a field is taken by its first column only."""
    taken: set[str] = set()
    mapping: list[str | None] = []
    for header in headers:
        name = header_field(header)
        if name in taken:
            name = None
        if name:
            taken.add(name)
        mapping.append(name)
    return mapping


def check_mapping(mapping: list[str | None]) -> list[str]:
    """What is wrong with a mapping as a whole (translated messages; empty when it can be used)."""
    problems = []
    chosen = [m for m in mapping if m]
    unknown = sorted({m for m in chosen if m not in FIELDS})
    if unknown:
        problems.append(_("Unknown field: %(fields)s.", fields=", ".join(unknown)))
    twice = sorted({m for m in chosen if chosen.count(m) > 1 and m in FIELDS})
    for name in twice:
        problems.append(_("Two columns are mapped to \"%(field)s\"; choose one.", field=FIELDS[name]))
    if "full_name" not in chosen and "given_name" not in chosen:
        problems.append(_("Choose the column that holds the name (full name, or given name)."))
    return problems


# The rows' values -------------------------------------------------------------------------------------

def parse_rows(table: Table, mapping: list[str | None]) -> tuple[list[ImportRow], list[RowError]]:
    """Each data row's values by field, and what is wrong with each row (all of it, not the first only)."""
    rows: list[ImportRow] = []
    errors: list[RowError] = []
    for number, cells in table.rows:
        row = ImportRow(row=number)
        raw: dict[str, str] = {}
        for index, name in enumerate(mapping):
            if name and index < len(cells):
                raw[name] = cells[index]
                row.columns[name] = table.column_label(index)
        row_errors = _parse_row(row, raw)
        errors.extend(RowError(number, column, detail) for column, detail in row_errors)
        rows.append(row)
    return rows, errors


def _parse_row(row: ImportRow, raw: dict[str, str]) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    values = row.values

    def column(name: str) -> str:
        return row.columns.get(name, "")

    parts = [raw.get(k, "") for k in ("family_name", "middle_name", "given_name")]
    if any(parts):
        values["family_name"], values["middle_name"], values["given_name"] = parts
    elif raw.get("full_name"):
        values["family_name"], values["middle_name"], values["given_name"] = split_full_name(raw["full_name"])
    if not values.get("given_name"):
        name_column = column("given_name") or column("full_name")
        errors.append((name_column, _("The name is missing.")))

    for name in ("honorific", "title", "unit", "delegation", "seat", "phone", "note"):
        if raw.get(name):
            values[name] = raw[name]
    if raw.get("email"):
        email = raw["email"].strip().lower()
        if not _EMAIL.match(email):
            errors.append((column("email"), _("\"%(value)s\" is not an e-mail address.", value=raw["email"])))
        values["email"] = email
    if raw.get("category"):
        category = CATEGORY_ALIASES.get(fold(raw["category"]).strip(" ."))
        if category is None:
            try:
                category = ParticipantCategory(raw["category"].strip().lower())
            except ValueError:
                errors.append((column("category"), _(
                    "Unknown category \"%(value)s\": write khách mời, lãnh đạo, đại biểu, báo chí, phục vụ or "
                    "quan sát.", value=raw["category"])))
        if category is not None:
            values["category"] = category
    if raw.get("precedence"):
        try:
            precedence = int(float(raw["precedence"].replace(",", ".")))
            if not 1 <= precedence <= 99_999:
                raise ValueError
            values["precedence"] = precedence
        except ValueError:
            errors.append((column("precedence"), _(
                "\"%(value)s\" is not a precedence: write a whole number from 1 (the highest rank).",
                value=raw["precedence"])))
    for name, limit in MAX_LENGTHS.items():
        value = values.get(name)
        if isinstance(value, str) and len(value) > limit:
            errors.append((column(name) or column("full_name"), _(
                "Too long: at most %(n)d characters.", n=limit)))
    return errors
