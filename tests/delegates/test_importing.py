"""Reading delegate lists from files: types by content, encodings, headers, values and row errors."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from planner.delegates import importing
from planner.delegates.importing import ImportFileError, guess_mapping, parse_rows, read_table
from tests.delegates.conftest import cp1258


def xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HEADER_VI = ["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Thành phần", "Thứ tự", "Email", "Điện thoại"]


def test_xlsx_with_a_title_row_above_the_vietnamese_header(ctx):
    data = xlsx([
        ["DANH SÁCH ĐẠI BIỂU DỰ HỘI NGHỊ"],
        [],
        HEADER_VI,
        [1, "Nguyễn Văn An", "Bí thư Thành ủy", "Thành ủy Đà Nẵng", "Khách mời", 1, "an@example.vn", 905123456],
        [2, "Trần Thị Bình", "Chuyên viên", "Văn phòng", "Đại biểu", None, None, "0905 111 222"],
    ])
    table = read_table(data, "list.xlsx")
    assert table.kind == "xlsx"
    assert table.header_row == 3
    assert [n for n, _cells in table.rows] == [4, 5]
    mapping = guess_mapping(table.headers)
    assert mapping == [None, "full_name", "title", "unit", "category", "precedence", "email", "phone"]
    rows, errors = parse_rows(table, mapping)
    assert errors == []
    assert rows[0].values["family_name"] == "Nguyễn"
    assert rows[0].values["middle_name"] == "Văn"
    assert rows[0].values["given_name"] == "An"
    assert rows[0].values["category"] == "guest"
    assert rows[0].values["precedence"] == 1
    assert rows[0].values["phone"] == "905123456"
    assert rows[1].values["category"] == "delegate"
    assert "precedence" not in rows[1].values


def test_english_headers_and_separate_name_columns(ctx):
    data = "Family name,Middle name,Given name,Title,Unit,Category\nNguyễn,Thị Minh,Khai,Director,Dept,guest\n"
    table = read_table(data.encode())
    mapping = guess_mapping(table.headers)
    assert mapping == ["family_name", "middle_name", "given_name", "title", "unit", "category"]
    rows, errors = parse_rows(table, mapping)
    assert errors == []
    assert rows[0].full_name == "Nguyễn Thị Minh Khai"


def test_utf8_with_and_without_bom_and_semicolons(ctx):
    text = "Họ và tên;Đơn vị\nLê Văn Thái;Sở Nội vụ\n"
    for data in (text.encode("utf-8"), text.encode("utf-8-sig")):
        table = read_table(data)
        assert table.encoding == "utf-8"
        assert table.headers == ["Họ và tên", "Đơn vị"]
        assert table.rows[0][1] == ["Lê Văn Thái", "Sở Nội vụ"]


def test_cp1258_file_is_decoded_and_composed(ctx):
    text = "Họ và tên,Chức vụ,Đơn vị\r\nNguyễn Thị Thủy,Phó Giám đốc,Sở Văn hóa\r\nĐặng Văn Ước,Ủy viên,Ưng Hòa\r\n"
    data = cp1258(text)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    table = read_table(data)
    assert table.encoding == "cp1258"
    assert table.headers == ["Họ và tên", "Chức vụ", "Đơn vị"]
    assert table.rows[0][1] == ["Nguyễn Thị Thủy", "Phó Giám đốc", "Sở Văn hóa"]
    assert table.rows[1][1][0] == "Đặng Văn Ước"


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b"   \r\n", "empty"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "XLS"),
    ("Họ và tên\n".encode("utf-16"), "UTF-16"),
    (b"%PDF-1.7 something", "cannot be imported"),
    (b"Ho va ten\nA\x81\x8aB\n", "encoding"),
    (b"Ho va ten\n", "no one"),
])
def test_refused_files_say_why(en, data, message):
    with pytest.raises(ImportFileError) as info:
        read_table(data)
    assert message in info.value.message


def test_zip_that_is_not_a_workbook(en):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(ImportFileError, match="not an Excel workbook"):
        read_table(buffer.getvalue())


def test_zip_bomb_is_refused_before_unpacking(en, monkeypatch):
    monkeypatch.setattr(importing, "MAX_UNCOMPRESSED", 50_000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", "A" * 10_000_000)
    data = buffer.getvalue()
    assert len(data) < 30_000
    with pytest.raises(ImportFileError, match="unpacks to more"):
        read_table(data)


def test_row_limit(en, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 10)
    data = ("Họ và tên\n" + "".join(f"Người Số {i}\n" for i in range(11))).encode()
    with pytest.raises(ImportFileError, match="more than 10 rows"):
        read_table(data)
    assert len(read_table(("Họ và tên\n" + "".join(f"Người Số {i}\n" for i in range(10))).encode()).rows) == 10


def test_row_errors_name_row_column_and_reason_in_the_users_language(app):
    data = ("Họ và tên,Email,Thành phần,Thứ tự\n"
            "Nguyễn Văn An,an@example.vn,khách mời,3\n"
            ",b@example.vn,đại biểu,\n"
            "Lê Thị Cúc,not-an-email,tham quan,abc\n").encode()
    for language, expected in (("vi", "Thiếu họ tên"), ("en", "The name is missing")):
        with app.test_request_context(headers={"Accept-Language": language}):
            from flask_babel import force_locale

            with force_locale(language):
                table = read_table(data)
                _rows, errors = parse_rows(table, guess_mapping(table.headers))
        assert [(e.row, e.column) for e in errors] == [
            (3, "Họ và tên"), (4, "Email"), (4, "Thành phần"), (4, "Thứ tự")]
        if language == "en":
            assert errors[0].detail == "The name is missing."
            assert "tham quan" in errors[2].detail
        else:
            assert errors[0].detail.startswith(expected)


def test_mapping_problems(ctx):
    assert importing.check_mapping(["full_name", "unit"]) == []
    assert importing.check_mapping(["given_name"]) == []
    assert importing.check_mapping(["unit", "title"])  # no name
    assert importing.check_mapping(["full_name", "unit", "unit"])  # twice
    assert guess_mapping(["Họ tên", "Đơn vị", "Don vi"]) == ["full_name", "unit", None]
    assert guess_mapping(["Họ và tên (*)", "Email (nếu có)", "SĐT"]) == ["full_name", "email", "phone"]


def test_our_formula_guard_comes_off_on_import(ctx):
    table = read_table("Họ và tên,Điện thoại\nNguyễn Văn An,'+84 905 123 456\n".encode())
    assert table.rows[0][1] == ["Nguyễn Văn An", "+84 905 123 456"]


def test_the_api_field_names_are_headers_too():
    headers = ["family_name", "middle_name", "given_name", "honorific", "title", "unit", "delegation", "category",
               "precedence", "seat", "email", "phone", "note", "full_name"]
    assert guess_mapping(headers) == headers
    assert guess_mapping(["Family_Name", "GIVEN_NAME", "Họ", "Tên đệm", "Given name"]) == [
        "family_name", "given_name", None, "middle_name", None]
    table = read_table(b"family_name,middle_name,given_name,title,category\r\n"
                       b"Nguy\xe1\xbb\x85n,V\xc4\x83n,An,Chuy\xc3\xaan vi\xc3\xaan,delegate\r\n", "ds.csv")
    rows, errors = parse_rows(table, guess_mapping(table.headers))
    assert not errors
    assert (rows[0].values["family_name"], rows[0].values["given_name"]) == ("Nguyễn", "An")


def test_the_sheet_reads_as_openpyxl_reads_it(ctx):
    """The rows are read by lxml (issue 19), value for value as openpyxl's read-only iter_rows gives them:
    shared and inline text (rich text runs joined), numbers, booleans, dates by their style, a formula's
    cached value, missing rows and cells, a workbook written in openpyxl's streaming mode."""
    import datetime

    from openpyxl import load_workbook
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    workbook = Workbook()
    sheet = workbook.active
    sheet["C3"], sheet["D3"], sheet["E3"], sheet["F3"], sheet["G3"] = "Họ và tên", "Ngày", 12, 1.5, True
    sheet["C5"], sheet["D5"] = datetime.datetime(2026, 3, 1, 8, 30), datetime.date(2026, 3, 2)
    sheet["A7"], sheet["B7"], sheet["Z9"], sheet["A10"], sheet["C10"] = "  lead", "x\ny", "far", 1e20, "#N/A"
    sheet["A12"] = CellRichText(["Nguyễn ", TextBlock(InlineFont(b=True), "Văn"), " A"])
    streamed = Workbook(write_only=True)
    rows = streamed.create_sheet("S")
    for row in (["Họ tên", "Đơn vị"], [], ["A", None, 3], [None, "B <&>"]):
        rows.append(row)

    def trimmed(values):
        out = [list(row) for row in values]
        for row in out:
            while row and row[-1] is None:
                row.pop()
        while out and not out[-1]:
            out.pop()
        return out

    for book in (workbook, streamed):
        buffer = io.BytesIO()
        book.save(buffer)
        read = load_workbook(io.BytesIO(buffer.getvalue()), read_only=True, data_only=True)
        expected = trimmed(read.worksheets[0].iter_rows(values_only=True))
        assert trimmed(importing._sheet_values(read, read.worksheets[0])) == expected
        assert len(expected) > 3
