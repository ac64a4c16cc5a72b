"""Votes test data: a one-day delegate congress with an opening, a resolution item and a session, delegates
(some checked in), two guests, and an organizer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from planner.extensions import db
from tests import factories

DAY = date(2026, 12, 3)
T0 = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)   # 9:00 in Hà Nội


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


@dataclass
class Congress:
    org: Any
    user: Any
    meeting: Any
    opening: Any
    resolution: Any
    session: Any
    delegates: list[Any] = field(default_factory=list)
    guests: list[Any] = field(default_factory=list)

    def vote(self, item=None, **data: Any):
        from planner.votes import services

        data.setdefault("title", "Thông qua Nghị quyết Đại hội")
        return services.create_vote(item or self.resolution, data, user=self.user)

    def opened(self, item=None, **data: Any):
        from planner.votes import services

        vote = self.vote(item, **data)
        return services.open_vote(vote, user=self.user, at=at(0))

    def reload(self, obj):
        db.session.expire_all()
        return db.session.get(type(obj), obj.id)


GIVEN = ("An", "Bình", "Cường", "Dũng", "Hạnh", "Khánh", "Lan", "Minh", "Nam", "Oanh", "Phúc", "Quang")


def today() -> date:
    """Today in the meeting's zone: a vote opened now (pages, the API) counts today's check-ins."""
    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()


def make_congress(*, delegates: int = 10, present: int = 8, role: str = "organizer",
                  clearance: str = "secret", day: date = DAY, **meeting: Any) -> Congress:
    from planner.delegates import services as delegate_services

    org, user = factories.office(role=role, clearance=clearance, name=f"Đảng bộ số {factories.serial()}",
                                 city="Đà Nẵng")
    meeting.setdefault("title", "Đại hội đại biểu Đảng bộ lần thứ XXII")
    meeting.setdefault("kind", "congress")
    meeting.setdefault("starts_on", day)
    m = factories.meeting(org, user, **meeting)
    people = [factories.participant(m, ("Nguyễn", "Văn", GIVEN[n % len(GIVEN)] + ("" if n < len(GIVEN) else str(n))),
                                    category="delegate", title="Đảng viên")
              for n in range(delegates)]
    guests = [factories.participant(m, family_name="Trần", given_name=f"Khách {n}", category="guest")
              for n in range(2)]
    for participant in [*people[:present], *guests]:
        delegate_services.set_attendance(participant, day, "present", user=user)

    def item(title: str, kind: str, start: str, end: str):
        return factories.item(m, title, start, end, by=user, kind=kind)

    opening = item("Khai mạc Đại hội", "opening", "08:00", "08:30")
    session = item("Phiên bế mạc", "session", "10:00", "11:00")
    resolution = item("Thông qua Nghị quyết Đại hội", "other", "09:00", "10:00")
    return Congress(org, user, m, opening, resolution, session, people, guests)


@pytest.fixture
def congress(ctx) -> Congress:
    return make_congress()
