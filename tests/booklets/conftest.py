"""Test data of the printed matter, built with tests/factories.py: a two-day provincial conference with
sessions, an internal and a confidential item, speakers, and delegates in two delegations."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from typing import Any

import pytest

from planner.extensions import db
from tests import factories
from tests.factories import FIRST_DAY, local  # noqa: F401 - the booklets' tests take them from here

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdftotext, pdffonts) is not installed")


PEOPLE = [
    # full name, title, unit, category, delegation, precedence
    ("Nguyễn Văn Nên", "Ủy viên Bộ Chính trị, Bí thư Thành ủy", "Thành ủy Thành phố Hồ Chí Minh", "leader", "", 100),
    ("Trần Thị Bình", "Phó Bí thư Thường trực Tỉnh ủy", "Tỉnh ủy Quảng Nam", "leader", "", 450),
    ("Lê Quốc Cường", "Chủ tịch UBND tỉnh", "UBND tỉnh Quảng Nam", "guest", "", 700),
    ("Phạm Minh Dũng", "Bí thư Huyện ủy", "Huyện ủy Đại Lộc", "delegate", "Đoàn Đại Lộc", 900),
    ("Võ Thị Ê", "Phó Bí thư Huyện ủy", "Huyện ủy Đại Lộc", "delegate", "Đoàn Đại Lộc", 950),
    ("Đặng Văn Giang", "Bí thư Thành ủy", "Thành ủy Hội An", "delegate", "Đoàn Hội An", 920),
    ("Huỳnh Thị Hạnh", "Chuyên viên", "Văn phòng Tỉnh ủy", "staff", "", 10_000),
    ("Tô Huy Rứa", "Phóng viên", "Báo Quảng Nam", "press", "", 10_000),
]


@dataclass
class Conference:
    org: Any
    user: Any
    meeting: Any
    people: dict[str, Any] = field(default_factory=dict)
    items: dict[str, Any] = field(default_factory=dict)


def make_conference(*, clearance: str = "secret", classification: str = "none", with_items: bool = True,
                    **meeting: Any) -> Conference:
    from planner.meetings import services as meetings

    org, user = factories.office(clearance=clearance, name="Văn phòng Tỉnh ủy Quảng Nam", city="Tam Kỳ",
                                 parent_name="Đảng bộ tỉnh Quảng Nam")
    meeting.setdefault("title", "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ mười hai")
    m = factories.meeting(org, user, kind="conference", days=2, venue="Hội trường Tỉnh ủy", city="Tam Kỳ",
                          classification=classification, rooms=[("Hội trường lớn", 300), "Phòng họp số 2"], **meeting)
    conf = Conference(org, user, m)
    hall, small = m.rooms
    for name, title, unit, category, delegation, precedence in PEOPLE:
        conf.people[name] = factories.participant(m, name, title=title, unit=unit, category=category,
                                                  delegation=delegation, precedence=precedence)
    meetings.set_presiding(m, [conf.people["Nguyễn Văn Nên"].public_id, conf.people["Trần Thị Bình"].public_id])
    if not with_items:
        return conf

    def item(key: str, title: str, start: str, end: str, **data: Any) -> Any:
        conf.items[key] = factories.item(m, title, start, end, by=user, **data)
        return conf.items[key]

    opening = item("opening", "Phiên khai mạc", "07:30", "11:30", kind="session", room=hall,
                   presiding=[conf.people["Nguyễn Văn Nên"], conf.people["Trần Thị Bình"]])
    item("flag", "Chào cờ, tuyên bố lý do, giới thiệu đại biểu", "07:30", "07:45", kind="ceremony", session=opening)
    report = item("report", "Báo cáo tình hình kinh tế - xã hội năm 2026", "07:45", "09:00", session=opening)
    item("internal", "Thông tin nội bộ về công tác cán bộ", "09:00", "09:30", session=opening,
         classification="internal")
    item("secret", "Báo cáo về vụ việc đặc biệt", "09:30", "10:00", session=opening, classification="confidential")
    item("break", "Giải lao", "10:00", "10:15", kind="break", session=opening)
    discussion = item("discussion", "Thảo luận tại hội trường", "10:15", "11:30", kind="discussion",
                      session=opening, room=small)
    item("closing", "Bế mạc hội nghị", "14:00", "15:00", day=2, kind="closing",
         presiding=[conf.people["Nguyễn Văn Nên"]])
    factories.speech(report, conf.people["Lê Quốc Cường"], user, title="Báo cáo kinh tế - xã hội")
    factories.speech(discussion, conf.people["Phạm Minh Dũng"], user, title="Tham luận về xây dựng nông thôn mới")
    factories.speech(conf.items["secret"], conf.people["Đặng Văn Giang"], user, title="Ý kiến về vụ việc đặc biệt")
    return conf


class Site:
    """Data made in its own context, then requests through the test client (see tests/agenda)."""

    def __init__(self, app, factory, **kw: Any):
        self.app = app
        with app.test_request_context():
            conf = make_conference(**kw)
            self.email = conf.user.email
            self.org_id = conf.org.id
            self.user_id = conf.user.id
            self.meeting_id = conf.meeting.public_id
            self.people = {name: p.public_id for name, p in conf.people.items()}
            db.session.remove()
        self.factory = factory

    def url(self, path: str = "") -> str:
        return f"/meetings/{self.meeting_id}{path}"

    def export(self, name: str) -> str:
        return self.url(f"/exports/{name}")

    def open(self):
        from contextlib import contextmanager

        @contextmanager
        def opened():
            from planner.accounts.models import User
            from planner.meetings.models import Meeting

            with self.app.test_request_context():
                user = db.session.get(User, self.user_id)
                meeting = db.session.scalar(db.select(Meeting).where(Meeting.public_id == self.meeting_id))
                try:
                    yield meeting, user
                finally:
                    db.session.remove()

        return opened()

    def user(self, role: str = "viewer", clearance: str = "none"):
        from tests.conftest import _OrgRef

        return self.factory.user(_OrgRef(self.org_id, "", ""), role=role, clearance=clearance)


@pytest.fixture
def site(app, factory) -> Site:
    return Site(app, factory)


@pytest.fixture
def conf(ctx) -> Conference:
    return make_conference()


def pdf_pages(pdf: bytes, *, layout: bool = False) -> list[str]:
    args = ["pdftotext", "-layout" if layout else "-raw", "-", "-"]
    text = subprocess.run(args, input=pdf, capture_output=True, check=True).stdout.decode("utf-8")
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def flat(text: str) -> str:
    return " ".join(text.split())


def assert_in_order(text: str, parts: list[str]) -> None:
    position = 0
    text = flat(text)
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} missing after position {position} in: {text[position:position + 300]!r}"
        position = found + len(part)


def page_count(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
