"""Properties of the delegate importers (planner/delegates/importing.py through the import service):
any bytes, as CSV or as XLSX, give either a result or a ValidationError with clear messages (the API's
422), never another exception, and a refused file saves nothing."""

from __future__ import annotations

import functools
import io
import struct
import zipfile

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import func, select

from planner.core.errors import ValidationError
from planner.delegates import services
from planner.delegates.models import Participant, Person
from planner.extensions import db
from tests import factories
from tests.properties.strategies import bounded, field_text

HEADERS = ["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Thành phần", "Thứ tự", "Email", "Điện thoại", "Họ", "Tên"]


@pytest.fixture
def meeting(app, ctx):
    from datetime import date

    return factories.meeting(factories.organization(), None, title="Hội nghị", starts_on=date(2026, 12, 1))


def _counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count(Participant.id))), db.session.scalar(select(func.count(Person.id))))


def _import_checked(meeting, data: bytes, filename: str) -> None:
    before = _counts()
    try:
        result = services.import_file(meeting, data, filename)
    except ValidationError as exc:
        db.session.rollback()
        assert exc.message.strip(), "a refusal without a message"
        for error in exc.errors:
            assert str(error.get("detail", "")).strip(), f"a row error without a message: {error!r}"
        assert _counts() == before, "a refused file saved something"
        return
    db.session.expire_all()
    assert _counts()[0] == before[0] + result.plan.created


cell = st.one_of(field_text, st.integers(min_value=-10**12, max_value=10**12), st.floats(allow_nan=True),
                 st.none(), st.sampled_from(["=1+2", "@SUM(A1)", "Khách mời", "Đại biểu", "x@example.vn", "1"]))
rows = st.lists(st.lists(cell, max_size=len(HEADERS)), max_size=6)


def _csv(header: list[str], body: list[list]) -> str:
    lines = [",".join(header)] + [",".join("" if v is None else str(v).replace(",", " ") for v in row) for row in body]
    return "\n".join(lines)


def _xlsx(header: list[str], body: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in body:
        # Excel cannot hold control characters: a workbook never carries them.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


headers = st.lists(st.sampled_from(HEADERS), min_size=1, max_size=6, unique=True)


@given(st.binary(max_size=600), st.sampled_from(["list.csv", "list.xlsx", "", "list.xls", "ảnh.png"]))
@example(b"", "list.csv")
@example(b"PK\x03\x04", "list.xlsx")
@example(b"\xff\xfeH\x00", "list.csv")
@example(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "list.xls")
@bounded(150)
def test_any_bytes_give_a_result_or_a_clean_refusal(meeting, data, filename):
    _import_checked(meeting, data, filename)


@given(headers, rows, st.sampled_from(["utf-8", "utf-8-sig", "cp1258", "latin-1"]))
@bounded(80)
def test_any_csv_table_gives_a_result_or_a_clean_refusal(meeting, header, body, encoding):
    data = _csv(header, body).encode(encoding, errors="replace")
    _import_checked(meeting, data, "list.csv")


@given(headers, rows)
@bounded(40)
def test_any_workbook_gives_a_result_or_a_clean_refusal(meeting, header, body):
    _import_checked(meeting, _xlsx(header, body), "list.xlsx")


@functools.cache
def _sound_workbook() -> bytes:
    """Made once: a workbook's bytes carry the time it was saved, and the draws below depend on its size."""
    return _xlsx(["Họ và tên", "Chức vụ"], [["Nguyễn Văn An", "Bí thư"], ["Trần Thị Bình", "Phó Bí thư"]])


@given(st.data())
@bounded(60)
def test_damaged_workbooks_are_refused_cleanly(meeting, data):
    """A real workbook with bytes flipped, cut short, or its parts replaced by junk."""
    workbook = _sound_workbook()
    how = data.draw(st.sampled_from(["flip", "cut", "part"]))
    if how == "flip":
        damaged = bytearray(workbook)
        for _ in range(data.draw(st.integers(min_value=1, max_value=8))):
            at = data.draw(st.integers(min_value=0, max_value=len(damaged) - 1))
            damaged[at] = data.draw(st.integers(min_value=0, max_value=255))
        damaged = bytes(damaged)
    elif how == "cut":
        damaged = workbook[: data.draw(st.integers(min_value=4, max_value=len(workbook) - 1))]
    else:
        source = zipfile.ZipFile(io.BytesIO(workbook))
        names = source.namelist()
        victim = data.draw(st.sampled_from(names))
        junk = data.draw(st.binary(max_size=300))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as target:
            for name in names:
                target.writestr(name, junk if name == victim else source.read(name))
        damaged = buffer.getvalue()
    _import_checked(meeting, damaged, "list.xlsx")


def _with_broken_deflate() -> bytes:
    """A workbook whose parts claim deflate but hold stored bytes: reading them raises zlib.error."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook>" + "x" * 200 + "</workbook>")
    data = bytearray(buffer.getvalue())
    for signature, at in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):   # local and central headers
        i = data.find(signature)
        while i >= 0:
            data[i + at:i + at + 2] = struct.pack("<H", zipfile.ZIP_DEFLATED)
            i = data.find(signature, i + 4)
    return bytes(data)


def test_a_broken_deflate_stream_is_refused_cleanly(meeting):
    """Found by the property above in make fuzz: one flipped byte of a workbook escaped as zlib.error (500)."""
    with pytest.raises(ValidationError) as refused:
        services.import_file(meeting, _with_broken_deflate(), "list.xlsx")
    assert refused.value.field == "file" and refused.value.message
