"""Speeches test data: a one-day conference with an opening, a report and a discussion item, five
participants in two delegations, and helpers that build speeches through the services."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from planner.extensions import db

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
        from planner.speeches import services

        item = item or self.discussion
        data.update(participant_id=self.people[person].public_id, title=title, status=status)
        if minutes is not None:
            data["allotted_seconds"] = int(minutes * 60)
        return services.add_speech(item, data, user=self.user)

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


def make_hall(factory, *, role: str = "organizer", clearance: str = "secret", **meeting: Any) -> Hall:
    from planner.accounts.models import Organization, User
    from planner.agenda import services as agenda
    from planner.delegates import services as delegates
    from planner.meetings import services as meetings

    org_ref = factory.organization(name=f"Văn phòng Thành ủy {factory._next()}", city="Đà Nẵng")
    user_ref = factory.user(org_ref, role=role, clearance=clearance)
    org = db.session.get(Organization, org_ref.id)
    user = db.session.get(User, user_ref.id)
    meeting.setdefault("title", "Hội nghị Ban Chấp hành Đảng bộ thành phố")
    meeting.setdefault("kind", "conference")
    meeting.setdefault("starts_on", DAY)
    meeting.setdefault("ends_on", DAY)
    m = meetings.create_meeting(org, user, **meeting)
    people = [
        delegates.add_participant(m, {"family_name": f, "middle_name": mid, "given_name": g, "delegation": d,
                                      "title": t, "honorific": "đồng chí"}, allow_duplicate=True)
        for f, mid, g, d, t in PEOPLE
    ]

    def item(title: str, kind: str, start: time, end: time, **data: Any):
        return agenda.create_item(m, {"title": title, "kind": kind, "starts_at": datetime.combine(DAY, start),
                                      "ends_at": datetime.combine(DAY, end), **data}, user=user)

    opening = item("Khai mạc hội nghị", "opening", time(8, 0), time(8, 15))
    report = item("Báo cáo tình hình kinh tế - xã hội năm 2026", "report", time(8, 15), time(9, 0))
    discussion = item("Thảo luận tại hội trường", "discussion", time(9, 0), time(11, 0))
    return Hall(org, user, m, opening, report, discussion, people)


@pytest.fixture
def hall(ctx, factory) -> Hall:
    return make_hall(factory)
