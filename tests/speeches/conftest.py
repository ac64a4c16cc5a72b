"""Speeches test data: a one-day conference with an opening, a report and a discussion item, five
participants in two delegations, and a helper for speeches, made with tests/factories.py."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from planner.extensions import db
from tests import factories

DAY = date(2026, 12, 3)
T0 = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)   # 8:00 in Hà Nội


def at(seconds: float) -> datetime:
    """A moment ``seconds`` after T0 (the services take ``now`` so the clock is exact in tests)."""
    return T0 + timedelta(seconds=seconds)


def pdf_bytes(text: str = "Bài phát biểu") -> bytes:
    body = f"BT /F1 12 Tf 72 720 Td ({text.encode('ascii', 'ignore').decode()}) Tj ET".encode()
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>endobj\n"
            b"4 0 obj<</Length " + str(len(body)).encode() + b">>stream\n" + body +
            b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def docx_bytes(text: str = "Bài phát biểu") -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_without_document() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("evil.exe", "MZ")
    return out.getvalue()


EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 200


@dataclass
class Hall:
    org: Any
    user: Any
    meeting: Any
    opening: Any
    report: Any
    discussion: Any
    people: list[Any] = field(default_factory=list)

    def speech(self, item=None, person: int = 0, *, title: str = "", minutes: float | None = 5,
               status: str = "approved", **data: Any):
        if minutes is not None:
            data["allotted_seconds"] = int(minutes * 60)
        return factories.speech(item or self.discussion, self.people[person], self.user, title=title, status=status,
                                **data)

    def reload(self, obj):
        db.session.expire_all()
        return db.session.get(type(obj), obj.id)


PEOPLE = (
    # family, middle, given, delegation, title
    ("Nguyễn", "Văn", "An", "Đoàn Hải Châu", "Bí thư Quận ủy Hải Châu"),
    ("Trần", "Thị", "Bình", "Đoàn Hải Châu", "Chủ tịch UBND quận Hải Châu"),
    ("Lê", "Quốc", "Cường", "Đoàn Sơn Trà", "Bí thư Quận ủy Sơn Trà"),
    ("Phạm", "Minh", "Dũng", "Đoàn Sơn Trà", "Phó Chủ tịch UBND quận Sơn Trà"),
    ("Võ", "Thị", "Hạnh", "", "Giám đốc Sở Nội vụ"),
)


def make_hall(*, role: str = "organizer", clearance: str = "secret", **meeting: Any) -> Hall:
    org, user = factories.office(role=role, clearance=clearance, name=f"Văn phòng Thành ủy {factories.serial()}",
                                 city="Đà Nẵng")
    meeting.setdefault("title", "Hội nghị Ban Chấp hành Đảng bộ thành phố")
    m = factories.meeting(org, user, starts_on=DAY, **meeting)
    people = [factories.participant(m, (f, mid, g), delegation=d, title=t, honorific="đồng chí")
              for f, mid, g, d, t in PEOPLE]

    def item(title: str, kind: str, start: str, end: str):
        return factories.item(m, title, start, end, by=user, kind=kind)

    opening = item("Khai mạc hội nghị", "opening", "08:00", "08:15")
    report = item("Báo cáo tình hình kinh tế - xã hội năm 2026", "report", "08:15", "09:00")
    discussion = item("Thảo luận tại hội trường", "discussion", "09:00", "11:00")
    return Hall(org, user, m, opening, report, discussion, people)


@pytest.fixture
def hall(ctx) -> Hall:
    return make_hall()
