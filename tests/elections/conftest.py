"""Elections test data: a delegate congress with its official delegates, checked in, and helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from planner.extensions import db
from tests import factories

DAY = date(2026, 12, 10)

GIVEN = ["An", "Bình", "Chi", "Dũng", "Đức", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Huy", "Khánh", "Lan",
         "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Ngọc", "Phong", "Phúc", "Quang", "Sơn", "Tâm", "Thạch",
         "Thái", "Thanh", "Uyên", "Vân", "Việt", "Xuân", "Yến"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]


@dataclass
class Congress:
    org: Any
    user: Any
    meeting: Any
    delegates: list[Any] = field(default_factory=list)

    def reload(self, obj):
        db.session.expire_all()
        return db.session.get(type(obj), obj.id)


def make_congress(*, delegates: int = 30, role: str = "admin", clearance: str = "secret",
                  checked_in: int | None = None, day: date = DAY, **meeting: Any) -> Congress:
    from planner.delegates import services as delegate_services

    org, user = factories.office(role=role, clearance=clearance, name=f"Đảng bộ phường {factories.serial()}",
                                 city="Đà Nẵng")
    meeting.setdefault("title", "Đại hội đại biểu Đảng bộ phường lần thứ XV")
    meeting.setdefault("kind", "congress")
    meeting.setdefault("starts_on", day)
    m = factories.meeting(org, user, **meeting)
    people = [factories.participant(m, (FAMILY[i % len(FAMILY)], "Văn" if i % 2 else "Thị",
                                        GIVEN[i % len(GIVEN)] + ("" if i < len(GIVEN) else f" {i}")),
                                    title="Đảng viên", category="delegate")
              for i in range(delegates)]
    for participant in people[: delegates if checked_in is None else checked_in]:
        delegate_services.check_in(participant, day, user=user)
    return Congress(org, user, m, people)


@pytest.fixture
def committee():
    """Put participants on their congress's counting committee (the votes package's body): ``committee(p, …)``;
    the first is its head (Trưởng ban)."""
    from planner.votes import services as vote_services

    def put(*participants) -> None:
        meeting = participants[0].meeting
        current = [p.public_id for p in vote_services.counting_committee_members(meeting)]
        chosen = current + [p.public_id for p in participants if p.public_id not in current]
        vote_services.set_body_members(meeting, "counting_committee", chosen, {chosen[0]: "Trưởng ban"}, user=None)

    return put


@pytest.fixture
def congress(ctx, committee) -> Congress:
    return make_congress()
