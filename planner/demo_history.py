"""The demo office's past year, so that the statistics and the home page have something true to show:
the monthly meeting of the Standing Committee's office (họp cơ quan), a quarterly conference and a few
trainings, each with its participants, attendance, speeches, approved minutes and conclusion notices —
most on time, two late, last month's not issued yet (the home page lists it as overdue).

Made through the services like the rest of the demo (speeches are timed with the control's ``now``). One
thing only the clock decides, the moment a document was approved, is written as it happened in the past.
Seeded from a fixed number, so every demo looks the same relative to its day.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from planner.accounts.models import Organization
from planner.extensions import db

HISTORY_TAG = "[lịch sử]"  # not shown: the description marks the demo's past meetings, for idempotence
STAFF = (
    ("Trần", "Văn", "Bình", "Chánh Văn phòng"), ("Lê", "Thị", "Mai", "Phó Chánh Văn phòng"),
    ("Nguyễn", "Hữu", "Phước", "Phó Chánh Văn phòng"), ("Phạm", "Thị Thu", "Hà", "Trưởng phòng Tổng hợp"),
    ("Võ", "Văn", "Thắng", "Trưởng phòng Hành chính - Lưu trữ"), ("Huỳnh", "Thị", "Lan", "Trưởng phòng Tài chính"),
    ("Đặng", "Quốc", "Việt", "Phó Trưởng phòng Tổng hợp"), ("Bùi", "Thị", "Hạnh", "Chuyên viên phòng Tổng hợp"),
    ("Hoàng", "Minh", "Tuấn", "Chuyên viên phòng Quản trị"), ("Ngô", "Thị", "Thảo", "Chuyên viên phòng Tổng hợp"),
    ("Phan", "Văn", "Dũng", "Trưởng phòng Quản trị"), ("Trương", "Thị", "Nga", "Chuyên viên phòng Tài chính"),
    ("Đỗ", "Văn", "Long", "Chuyên viên phòng Hành chính"), ("Lý", "Thị", "Hoa", "Văn thư"),
)
UNITS = ("Văn phòng Quận ủy Hải Châu", "Văn phòng Quận ủy Thanh Khê", "Văn phòng Quận ủy Sơn Trà",
         "Văn phòng Quận ủy Ngũ Hành Sơn", "Văn phòng Quận ủy Liên Chiểu", "Văn phòng Quận ủy Cẩm Lệ",
         "Văn phòng Huyện ủy Hòa Vang", "Văn phòng Đảng ủy các cơ quan Đảng thành phố")
GIVENS = ("An", "Bảo", "Châu", "Đạt", "Giang", "Hiếu", "Khánh", "Linh", "Nam", "Oanh", "Quân", "Sương", "Trí", "Yến")


def seed_history(org: Organization, admin) -> None:
    """Idempotent: an organization that already has the demo's past meetings is left as it is. ``admin`` writes
    and approves the minutes."""
    from planner.meetings.models import Meeting

    if db.session.scalar(select(Meeting.id).where(Meeting.organization_id == org.id,
                                                  Meeting.description.contains(HISTORY_TAG)).limit(1)):
        return
    seed_document_settings(org)  # the approved notices need their signer
    rng = random.Random(2026)  # noqa: S311 - demo data, not secrets  # nosec B311
    zone = ZoneInfo(org.timezone)
    today = datetime.now(zone).date()
    people: dict[tuple[str, str, str], object] = {}
    for months_back in range(11, 0, -1):
        first = _month_start(today, months_back)
        day = _weekday_on_or_after(first + timedelta(days=rng.randrange(2, 9)), 1)   # a Tuesday
        late = months_back in (4, 8)
        _monthly_meeting(org, day, rng, people, admin, notice="missing" if months_back == 1 else
                         ("late" if late else "on_time"))
        if months_back % 3 == 2:
            _conference(org, _weekday_on_or_after(first + timedelta(days=16), 3), rng, admin)
        if months_back in (10, 5):
            _training(org, _weekday_on_or_after(first + timedelta(days=20), 2), rng)


def _month_start(today: date, months_back: int) -> date:
    months = today.year * 12 + today.month - 1 - months_back
    return date(months // 12, months % 12 + 1, 1)


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _create(org: Organization, *, title: str, kind: str, day: date, start: time, end: time, venue: str):
    from planner.meetings import services as meetings

    return meetings.create_meeting(org, None, title=title, kind=kind, starts_on=day, ends_on=day, start_time=start,
                                   end_time=end, venue=venue, city=org.city,
                                   description=f"Cuộc họp đã diễn ra. {HISTORY_TAG}")


def _attend(participants: list, day: date, rng: random.Random, rate: float) -> None:
    from planner.delegates import services as delegates

    for participant in participants:
        roll = rng.random()
        if roll < rate:
            delegates.check_in(participant, day)
        elif roll < rate + (1 - rate) * 0.7:
            delegates.set_attendance(participant, day, "excused", rng.choice(("đi công tác", "nghỉ phép", "ốm")))
        else:
            delegates.set_attendance(participant, day, "absent", "")


def _speeches(meeting, day: date, participants: list, count: int, rng: random.Random, zone: ZoneInfo) -> None:
    from planner.agenda import services as agenda
    from planner.speeches import services as speeches

    item = agenda.create_item(meeting, {"title": "Thảo luận, cho ý kiến", "kind": "discussion",
                                        "starts_at": datetime.combine(day, time(9, 0)),
                                        "ends_at": datetime.combine(day, time(10, 30))}, user=None)
    created = speeches.add_speeches(item, [{"participant_id": p.public_id, "kind": "discussion"}
                                           for p in rng.sample(participants, min(count, len(participants)))],
                                    user=None)
    clock = datetime.combine(day, time(9, 0), zone).astimezone(UTC)
    for speech in created:   # delivered that morning, one after the other
        length = timedelta(minutes=rng.randrange(4, 13), seconds=rng.randrange(0, 60))
        speeches.start(meeting, speech, user=None, now=clock)
        speeches.stop(meeting, user=None, now=clock + length)
        clock += length + timedelta(minutes=1)


# Document settings ---------------------------------------------------------------------------------

# The office's documents: its short header name under the committee's; the conclusion notice is the
# committee's (T/L BAN THƯỜNG VỤ, numbered -TB/TU), the invitation the office's own (-GM/VPTU); both
# signed by the head of the office.
DOCUMENT_SETTINGS = {
    "profile_overrides": {"issuer_line": "Văn phòng", "superior_code": "TU", "drafter_code": "TH"},
    "issuers": {"notice": {"body": "superior"}, "invitation": {"body": "own"}},
    "signatures": {
        "notice": {"right": {"position": "Chánh Văn phòng", "name": "Trần Văn Bình"}},
        "invitation": {"right": {"position": "Chánh Văn phòng", "name": "Trần Văn Bình"}},
    },
}


def seed_document_settings(org: Organization) -> None:
    from planner.documents import services as document_services

    if document_services.settings(org).id is None:
        document_services.update_settings(org, DOCUMENT_SETTINGS)


def _presiding_and_secretary(meeting, presiding, secretary) -> None:
    """Who presides and who takes the minutes: the minutes name and are signed by both."""
    from planner.meetings import services as meetings

    meetings.set_presiding(meeting, [presiding.public_id])
    meetings.set_secretaries(meeting, [secretary.public_id])


def _close_with_documents(meeting, day: date, notice: str, rng: random.Random, zone: ZoneInfo, admin) -> None:
    from planner.core import workdays
    from planner.documents import services as document_services
    from planner.meetings import services as meetings
    from planner.minutes import services as minutes
    from planner.minutes.models import Minutes, MinutesKind

    meetings.set_status(meeting, "published")
    meetings.set_status(meeting, "closed")
    holidays = document_services.holidays(meeting.organization)
    plan = [(MinutesKind.minutes, workdays.add_working_days(day, rng.randrange(1, 3), holidays))]
    if notice == "on_time":
        plan.append((MinutesKind.notice, workdays.add_working_days(day, rng.randrange(2, 6), holidays)))
    elif notice == "late":
        plan.append((MinutesKind.notice, workdays.add_working_days(day, rng.randrange(7, 10), holidays)))
    for kind, approved_on in plan:
        document = minutes.generate(meeting, kind, user=admin)
        minutes.set_status(document, "approved", user=admin, version=document.version)
        # Approved on that day in the office's past; approval stamps the present.
        db.session.execute(update(Minutes).where(Minutes.id == document.id).values(
            approved_at=datetime.combine(approved_on, time(16, 0), zone).astimezone(UTC), document_date=approved_on))
        db.session.commit()


def _monthly_meeting(org: Organization, day: date, rng: random.Random, people: dict, admin, *, notice: str) -> None:
    from planner.delegates import services as delegates

    zone = ZoneInfo(org.timezone)
    meeting = _create(org, title=f"Họp cơ quan Văn phòng Thành ủy tháng {day.month}/{day.year}", kind="meeting",
                      day=day, start=time(8, 0), end=time(11, 0), venue="Phòng họp số 1, Văn phòng Thành ủy")
    participants = []
    for family, middle, given, title in STAFF:
        person = people.get((family, middle, given))
        participant = delegates.add_participant(
            meeting, {"family_name": family, "middle_name": middle, "given_name": given, "honorific": "đồng chí",
                      "title": title, "unit": "Văn phòng Thành ủy", "category": "delegate"},
            person=person, allow_duplicate=True)
        people[(family, middle, given)] = participant.person
        participants.append(participant)
    _attend(participants, day, rng, rate=0.86)
    _speeches(meeting, day, participants, rng.randrange(3, 6), rng, zone)
    # The head of the office presides; a specialist of the general affairs section takes the minutes.
    _presiding_and_secretary(meeting, participants[0], participants[7])
    _close_with_documents(meeting, day, notice, rng, zone, admin)


def _conference(org: Organization, day: date, rng: random.Random, admin) -> None:
    from planner.delegates import services as delegates

    zone = ZoneInfo(org.timezone)
    quarter = (day.month - 1) // 3 + 1
    meeting = _create(org, title=f"Hội nghị giao ban văn phòng cấp ủy quý {quarter}/{day.year}", kind="conference",
                      day=day, start=time(7, 30), end=time(11, 30), venue="Hội trường A, Trung tâm Hành chính")
    participants = [delegates.add_participant(meeting, {
        "family_name": rng.choice(("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng")),
        "middle_name": rng.choice(("Văn", "Thị", "Hữu", "Minh", "Thanh")), "given_name": rng.choice(GIVENS),
        "honorific": "đồng chí", "title": rng.choice(("Chánh Văn phòng", "Phó Chánh Văn phòng")),
        "unit": UNITS[n % len(UNITS)], "delegation": UNITS[n % len(UNITS)],
        "category": "guest" if n < 4 else "delegate"}, allow_duplicate=True) for n in range(32)]
    _attend(participants, day, rng, rate=0.93)
    _speeches(meeting, day, participants, rng.randrange(6, 10), rng, zone)
    _presiding_and_secretary(meeting, participants[0], participants[-1])
    _close_with_documents(meeting, day, "on_time", rng, zone, admin)


def _training(org: Organization, day: date, rng: random.Random) -> None:
    from planner.delegates import services as delegates
    from planner.meetings import services as meetings

    meeting = _create(org, title=f"Tập huấn nghiệp vụ văn thư, lưu trữ tháng {day.month}/{day.year}",
                      kind="training", day=day, start=time(8, 0), end=time(16, 30), venue="Phòng họp số 2")
    participants = [delegates.add_participant(meeting, {
        "family_name": rng.choice(("Nguyễn", "Trần", "Lê", "Phạm")), "middle_name": "Thị",
        "given_name": rng.choice(GIVENS), "title": "Văn thư", "unit": UNITS[n % len(UNITS)],
        "category": "delegate"}, allow_duplicate=True) for n in range(20)]
    _attend(participants, day, rng, rate=0.8)
    meetings.set_status(meeting, "published")
    meetings.set_status(meeting, "closed")
