"""Demo data for `planner seed-demo`: an organizing office with one user per role.

Idempotent: what exists is left alone, what is missing is added. It grows as the domains land.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from planner.accounts import services as accounts
from planner.accounts.models import DocumentProfile, Organization
from planner.core.permissions import Classification, Role
from planner.extensions import db

if TYPE_CHECKING:
    from planner.meetings.models import Meeting

ORGANIZATION = {
    "name": "Văn phòng Thành ủy Đà Nẵng",
    "parent_name": "Thành ủy Đà Nẵng",
    "city": "Đà Nẵng",
    "document_profile": DocumentProfile.party,
    "body_code": "VPTU",
    "timezone": "Asia/Ho_Chi_Minh",
    "language": "vi",
}


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    name: str
    role: Role
    clearance: Classification


LOGINS = (
    DemoLogin("quantri@vptu.example.vn", "demo-admin-2026!", "Nguyễn Thị Thu Hà", Role.admin, Classification.secret),
    DemoLogin("tochuc@vptu.example.vn", "demo-organizer-2026!", "Trần Văn Bình", Role.organizer,
              Classification.confidential),
    DemoLogin("thuky@vptu.example.vn", "demo-secretary-2026!", "Lê Thị Mai", Role.secretary, Classification.internal),
    DemoLogin("lanhdao@vptu.example.vn", "demo-viewer-2026!", "Phạm Quốc Dũng", Role.viewer, Classification.internal),
)


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count(Organization.id)))


def seed() -> Organization:
    org = accounts.organization_by_name(ORGANIZATION["name"]) or accounts.create_organization(**ORGANIZATION)
    for login in LOGINS:
        if accounts.user_by_email(login.email) is None:
            accounts.create_user(org, email=login.email, name=login.name, role=login.role,
                                 clearance=login.clearance, password=login.password)
    seed_meetings(org)
    return org


# Meetings ----------------------------------------------------------------------------------------

CONFERENCE_TITLE = "Hội nghị toàn quốc tổng kết công tác văn phòng cấp ủy năm 2026, triển khai nhiệm vụ năm 2027"
CONFERENCE_ROOMS = (("Hội trường A", 500), ("Phòng họp 1", 60), ("Phòng họp 2", 40))
BRIEFING_TITLE = "Giao ban Văn phòng Thành ủy"


def _demo_meeting(org: Organization, title: str) -> Meeting | None:
    from planner.meetings.models import Meeting

    return db.session.scalar(select(Meeting).where(Meeting.organization_id == org.id, Meeting.title == title))


def seed_meetings(org: Organization) -> dict[str, Meeting]:
    """The demo's meetings, dated around the week of the day the demo is seeded: a two-day national
    conference (Thursday and Friday of this week) with three rooms, and the office's weekly briefing
    (giao ban, Mondays 8:00–10:00, begun eight weeks ago) with next week's occurrence moved to Tuesday
    afternoon and the one after cancelled. Idempotent: what exists is left as it is.

    Answers {"conference": ..., "briefing": ...} so that other domains can fill them (the agenda
    adds the conference's programme)."""
    from planner.meetings import services as meetings
    from planner.meetings.models import MeetingStatus

    today = datetime.now(ZoneInfo(org.timezone)).date()
    monday = today - timedelta(days=today.weekday())

    conference = _demo_meeting(org, CONFERENCE_TITLE)
    if conference is None:
        conference = meetings.create_meeting(
            org, None, title=CONFERENCE_TITLE, kind="conference", starts_on=monday + timedelta(days=3),
            ends_on=monday + timedelta(days=4), start_time=time(7, 30), end_time=time(17, 0),
            venue="Trung tâm Hành chính thành phố, 24 Trần Phú", city="Đà Nẵng",
            description="Hội nghị trực tiếp kết hợp trực tuyến với các điểm cầu văn phòng tỉnh ủy, thành ủy "
                        "trực thuộc Trung ương.",
        )
        meetings.set_status(conference, MeetingStatus.published)
    existing = {room.name for room in conference.rooms}
    for name, capacity in CONFERENCE_ROOMS:
        if name not in existing:
            meetings.add_room(conference, name=name, capacity=capacity)

    briefing = _demo_meeting(org, BRIEFING_TITLE)
    if briefing is None:
        briefing = meetings.create_meeting(
            org, None, title=BRIEFING_TITLE, kind="briefing", starts_on=monday - timedelta(weeks=8),
            start_time=time(8, 0), end_time=time(10, 0), venue="Phòng họp số 1, Văn phòng Thành ủy",
            city="Đà Nẵng", recurrence="FREQ=WEEKLY;BYDAY=MO",
            description="Giao ban công việc hằng tuần của lãnh đạo Văn phòng với các phòng chuyên môn.",
        )
        meetings.set_status(briefing, MeetingStatus.published)
        meetings.move_occurrence(briefing, monday + timedelta(weeks=1), new_date=monday + timedelta(weeks=1, days=1),
                                 new_start_time=time(14, 0), new_end_time=time(16, 0),
                                 new_venue="Phòng họp số 2, Văn phòng Thành ủy",
                                 note="Lùi sang chiều thứ Ba do lãnh đạo Văn phòng đi công tác.")
        meetings.cancel_occurrence(briefing, monday + timedelta(weeks=2),
                                   note="Không tổ chức: trùng Hội nghị Ban Chấp hành Đảng bộ thành phố.")
    return {"conference": conference, "briefing": briefing}
