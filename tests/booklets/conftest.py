"""Test data of the printed matter, built through the services: a two-day provincial conference with
sessions, an internal and a confidential item, speakers, and delegates in two delegations."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from planner.extensions import db

FIRST_DAY = date(2026, 12, 3)   # a Thursday

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdftotext, pdffonts) is not installed")


def local(day: int, clock: str) -> datetime:
    hours, minutes = (int(p) for p in clock.split(":"))
    return datetime.combine(FIRST_DAY + timedelta(days=day - 1), time(hours, minutes))


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


def make_conference(factory, *, clearance: str = "secret", classification: str = "none",
                    with_items: bool = True, **meeting: Any) -> Conference:
    from planner.accounts.models import Organization, User
    from planner.agenda import services as agenda
    from planner.delegates import services as delegates
    from planner.meetings import services as meetings
    from planner.speeches import services as speeches

    org_ref = factory.organization(name="Văn phòng Tỉnh ủy Quảng Nam", city="Tam Kỳ",
                                   parent_name="Đảng bộ tỉnh Quảng Nam")
    user_ref = factory.user(org_ref, role="organizer", clearance=clearance)
    org = db.session.get(Organization, org_ref.id)
    user = db.session.get(User, user_ref.id)
    meeting.setdefault("title", "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ mười hai")
    m = meetings.create_meeting(org, user, kind="conference", starts_on=FIRST_DAY,
                                ends_on=FIRST_DAY + timedelta(days=1), venue="Hội trường Tỉnh ủy", city="Tam Kỳ",
                                classification=classification, **meeting)
    conf = Conference(org, user, m)
    hall = meetings.add_room(m, name="Hội trường lớn", capacity=300)
    small = meetings.add_room(m, name="Phòng họp số 2")
    for name, title, unit, category, delegation, precedence in PEOPLE:
        conf.people[name] = delegates.add_participant(
            m, {"full_name": name, "title": title, "unit": unit, "category": category, "delegation": delegation,
                "precedence": precedence}, allow_duplicate=True)
    meetings.set_presiding(m, [conf.people["Nguyễn Văn Nên"].public_id, conf.people["Trần Thị Bình"].public_id])
    if not with_items:
        return conf

    def item(key: str, title: str, start: str, end: str, *, day: int = 1, **data: Any) -> Any:
        data.update(title=title, starts_at=local(day, start), ends_at=local(day, end))
        data.setdefault("kind", "report")
        conf.items[key] = agenda.create_item(m, data, user=user)
        return conf.items[key]

    opening = item("opening", "Phiên khai mạc", "07:30", "11:30", kind="session", room_id=hall.public_id,
                   presiding_ids=[conf.people["Nguyễn Văn Nên"].public_id, conf.people["Trần Thị Bình"].public_id])
    item("flag", "Chào cờ, tuyên bố lý do, giới thiệu đại biểu", "07:30", "07:45", kind="ceremony",
         parent_id=opening.public_id)
    report = item("report", "Báo cáo tình hình kinh tế - xã hội năm 2026", "07:45", "09:00",
                  parent_id=opening.public_id)
    item("internal", "Thông tin nội bộ về công tác cán bộ", "09:00", "09:30", parent_id=opening.public_id,
         classification="internal")
    item("secret", "Báo cáo về vụ việc đặc biệt", "09:30", "10:00", parent_id=opening.public_id,
         classification="confidential")
    item("break", "Giải lao", "10:00", "10:15", kind="break", parent_id=opening.public_id)
    discussion = item("discussion", "Thảo luận tại hội trường", "10:15", "11:30", kind="discussion",
                      parent_id=opening.public_id, room_id=small.public_id)
    item("closing", "Bế mạc hội nghị", "14:00", "15:00", day=2, kind="closing",
         presiding_ids=[conf.people["Nguyễn Văn Nên"].public_id])
    speeches.add_speech(report, {"participant_id": conf.people["Lê Quốc Cường"].public_id,
                                 "title": "Báo cáo kinh tế - xã hội"}, user=user)
    speeches.add_speech(discussion, {"participant_id": conf.people["Phạm Minh Dũng"].public_id,
                                     "title": "Tham luận về xây dựng nông thôn mới"}, user=user)
    speeches.add_speech(conf.items["secret"], {"participant_id": conf.people["Đặng Văn Giang"].public_id,
                                               "title": "Ý kiến về vụ việc đặc biệt"}, user=user)
    return conf


class Site:
    """Data made in its own context, then requests through the test client (see tests/agenda)."""

    def __init__(self, app, factory, **kw: Any):
        self.app = app
        with app.test_request_context():
            conf = make_conference(factory, **kw)
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
def conf(ctx, factory) -> Conference:
    return make_conference(factory)


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
