"""Consultation test data: an organization with five people in its directory (four with e-mail), a staff
user, and helpers that build consultations through the services; handles survive the session."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from planner.extensions import db
from tests import factories

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)          # 9:00 in Hà Nội
DEADLINE = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)    # 17:00 on 05/12/2026
PEOPLE = (("Nguyễn", "Văn", "An", "an@example.vn", "Bí thư Tỉnh ủy"),
          ("Trần", "Thị", "Bình", "binh@example.vn", "Phó Bí thư Tỉnh ủy"),
          ("Lê", "Quốc", "Cường", "cuong@example.vn", "Chủ tịch UBND tỉnh"),
          ("Phạm", "Minh", "Dũng", "", "Trưởng Ban Tổ chức"),
          ("Hoàng", "Thu", "Hà", "ha@example.vn", "Trưởng Ban Tuyên giáo"))


def pdf_bytes(text: str = "Du thao") -> bytes:
    body = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>endobj\n"
            b"4 0 obj<</Length " + str(len(body)).encode() + b">>stream\n" + body +
            b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


@dataclass
class Scene:
    app: Any
    org_id: int
    user_id: int
    email: str
    people: dict[str, str] = field(default_factory=dict)   # given name -> person public id

    @contextmanager
    def open(self):
        from planner.accounts.models import Organization, User

        with self.app.test_request_context():
            try:
                yield db.session.get(Organization, self.org_id), db.session.get(User, self.user_id)
            finally:
                db.session.remove()

    def consultation(self, *, names: tuple[str, ...] = ("An", "Bình", "Cường", "Dũng", "Hà"), send: bool = True,
                     classification: str = "none", title: str = "Dự thảo Nghị quyết về chuyển đổi số",
                     deadline: datetime = DEADLINE, remind_hours: int = 24, documents: int = 0) -> str:
        from planner.consultations import services

        with self.open() as (org, user):
            c = services.create_consultation(org, {
                "title": title, "question": "Đồng chí có đồng ý với dự thảo Nghị quyết không?",
                "classification": classification, "deadline": deadline, "remind_hours": remind_hours}, user=user)
            if names:
                services.add_people(c, [self.people[n] for n in names], user=user)
            for n in range(documents):
                services.add_document(c, pdf_bytes(f"Tai lieu {n}"), f"du-thao-{n}.pdf", title=f"Dự thảo {n}",
                                      user=user)
            if send:
                services.send(c, user=user, now=NOW)
            return c.public_id

    @contextmanager
    def load(self, public_id: str):
        from planner.consultations import services

        with self.open() as (org, user):
            yield services.get_consultation(org, public_id, user=user), user

    def secret(self, public_id: str, name: str) -> str:
        from planner.consultations import services

        with self.load(public_id) as (c, _user):
            member = next(m for m in c.members if m.full_name.endswith(name))
            return services.link_secret(member)

    def answer(self, public_id: str, name: str, choice: str, opinion: str = "", now: datetime = NOW):
        from planner.consultations import services

        with self.load(public_id) as (c, _user):
            member = next(m for m in c.members if m.full_name.endswith(name))
            return services.answer(member, choice, opinion, now=now)


def make_scene(app, *, role: str = "organizer", clearance: str = "secret") -> Scene:
    from planner.delegates import services as delegates

    with app.test_request_context():
        org, user = factories.office(role=role, clearance=clearance, email="chuyenvien@example.vn",
                                     name="Văn phòng Tỉnh ủy Quảng Nam", city="Tam Kỳ")
        scene = Scene(app, org.id, user.id, user.email)
        for family, middle, given, email, title in PEOPLE:
            person = delegates.create_person(org, {"family_name": family, "middle_name": middle, "given_name": given,
                                                   "email": email, "title": title, "honorific": "đồng chí"})
            scene.people[given] = person.public_id
        db.session.remove()
    return scene


@pytest.fixture
def scene(app) -> Scene:
    return make_scene(app)


def later(hours: float) -> datetime:
    return NOW + timedelta(hours=hours)
