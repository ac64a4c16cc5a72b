"""A multi-day attendance sheet numbers its pages per day from 1 (each day's sheet is filed on its own)."""

import shutil

import pytest

from planner.booklets.services import ATTENDANCE
from planner.documents.render import render_pdf
from tests.documents.test_layout import words

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")


def _data(people: int, days: int) -> dict:
    return {
        "document_title": "Danh sách", "language": "vi", "mark": None, "superior": "Tỉnh ủy Quảng Nam",
        "organization": "Văn phòng", "title": "DANH SÁCH ĐẠI BIỂU DỰ HỌP", "meeting": "Hội nghị",
        "columns": ["STT", "Họ và tên", "Chức vụ, đơn vị", "Ký tên"], "empty": "",
        "days": [{"line": f"Tam Kỳ, ngày 0{d + 3} tháng 12 năm 2026", "day": f"Ngày {d + 1}"} for d in range(days)],
        "rows": [{"no": str(n), "name": f"Nguyễn Văn {n}", "office": "Ủy viên"} for n in range(1, people + 1)],
    }


@needs_poppler
def test_each_day_of_the_attendance_sheet_numbers_its_pages_from_one():
    pages = words(render_pdf(ATTENDANCE, _data(people=40, days=3)))
    per_day = len(pages) // 3
    assert per_day >= 2 and len(pages) == per_day * 3
    for index, page in enumerate(pages):
        number = index % per_day + 1
        top = [w[4] for w in page if w[3] < 50 and w[4].isdigit()]
        assert top == ([] if number == 1 else [str(number)]), f"page {index + 1}: {top}, expected {number}"
