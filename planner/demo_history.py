"""The demo office's past year, so that the statistics and the home page have something true to show:
the monthly meeting of the Standing Committee's office (họp cơ quan), a quarterly conference and a few
trainings, each with its participants, attendance, speeches, approved minutes and conclusion notices —
most on time, two late, last month's not issued yet (the home page lists it as overdue). Each approved record is
complete, as a clerk would sign it: who presided and who took the minutes, the report and the opinions with what
was said, the presiding person's conclusion; approved through the real service (the clerk's check, the number,
the frozen PDF and DOCX).

Made through the services like the rest of the demo (speeches are timed with the control's ``now``, documents
approved with the approval's ``at``: the day it happened in the past).
Seeded from a fixed number, so every demo looks the same relative to its day.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

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
        if months_back == 7:
            _congress(org, _weekday_on_or_after(first + timedelta(days=12), 5), rng, admin)


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


def _attend(participants: list, day: date, rng: random.Random, rate: float, *, present: list | None = None) -> list:
    """Check in about ``rate`` of them (always those in ``present``: who presides, who takes the minutes); the others
    are excused with a reason or absent. Answers those present."""
    from planner.delegates import services as delegates

    here = []
    for participant in participants:
        roll = rng.random()
        if participant in (present or []) or roll < rate:
            delegates.check_in(participant, day)
            here.append(participant)
        elif roll < rate + (1 - rate) * 0.7:
            delegates.set_attendance(participant, day, "excused", rng.choice(("đi công tác", "nghỉ phép", "ốm")))
        else:
            delegates.set_attendance(participant, day, "absent", "")
    return here


# What the secretary wrote: the report, the opinions given in the discussion, the presiding person's conclusion.
REPORTS = {
    "meeting": ("Báo cáo kết quả công tác tháng {month} và nhiệm vụ trọng tâm tháng tới",
                "Văn phòng hoàn thành đúng tiến độ các nhiệm vụ được giao: tham mưu tổ chức {n} cuộc họp của Thường "
                "trực, Ban Thường vụ; tiếp nhận, xử lý văn bản đúng hạn; bảo đảm hậu cần, tài chính. Còn chậm ở khâu "
                "lưu trữ hồ sơ điện tử và theo dõi, đôn đốc thực hiện kết luận."),
    "conference": ("Báo cáo tình hình công tác văn phòng cấp ủy quý {quarter}",
                   "Các văn phòng cấp ủy tham mưu tốt việc tổ chức hội nghị, xây dựng chương trình công tác; "
                   "chất lượng văn bản được nâng lên; ứng dụng công nghệ thông tin còn chưa đồng đều giữa các đơn vị."),
}
OPINIONS = (
    "Thống nhất với báo cáo; đề nghị bổ sung kết quả số hóa hồ sơ lưu trữ và tiến độ từng phòng.",
    "Đề nghị phân công rõ đầu mối theo dõi việc thực hiện kết luận của Thường trực, báo cáo định kỳ hằng tháng.",
    "Nêu khó khăn về kinh phí sửa chữa phòng họp; đề nghị đưa vào dự toán quý tới.",
    "Đề xuất thống nhất mẫu biểu báo cáo giữa các đơn vị để tổng hợp nhanh, chính xác.",
    "Đề nghị tăng cường tập huấn nghiệp vụ văn thư cho cán bộ mới được tuyển dụng.",
    "Thống nhất các nhiệm vụ trọng tâm; đề nghị sắp xếp lịch họp tránh trùng với lịch tiếp công dân.",
    "Kiến nghị sớm nâng cấp phần mềm quản lý văn bản để ký số đồng bộ.",
    "Đề nghị rà soát, cập nhật danh mục hồ sơ, tài liệu thuộc diện nộp lưu trong năm.",
    "Đánh giá cao sự phối hợp giữa các phòng; đề nghị duy trì giao ban tuần.",
)
CONCLUSIONS = (
    "Đánh giá cao kết quả công tác trong kỳ. Giao các phòng khẩn trương khắc phục hạn chế về lưu trữ hồ sơ điện tử; "
    "phòng Tổng hợp chủ trì theo dõi việc thực hiện kết luận, báo cáo vào kỳ họp tới.",
    "Thống nhất các nhiệm vụ trọng tâm đã nêu. Giao phòng Tài chính rà soát dự toán, phòng Hành chính - Lưu trữ hoàn "
    "thành số hóa hồ sơ năm trước trong tháng tới.",
)


def _speeches(meeting, day: date, speakers: list, count: int, rng: random.Random, zone: ZoneInfo, *,
              presiding, reporter, report: tuple[str, str]) -> None:
    """The report, then the discussion (delivered that morning, one after the other, by those present) closed by
    the presiding person's conclusion — each with what the secretary wrote of it."""
    from planner.agenda import services as agenda
    from planner.speeches import services as speeches

    report_item = agenda.create_item(meeting, {"title": report[0], "kind": "report",
                                               "starts_at": datetime.combine(day, time(8, 15)),
                                               "ends_at": datetime.combine(day, time(8, 45))}, user=None)
    item = agenda.create_item(meeting, {"title": "Thảo luận, cho ý kiến", "kind": "discussion",
                                        "starts_at": datetime.combine(day, time(9, 0)),
                                        "ends_at": datetime.combine(day, time(10, 45))}, user=None)
    planned = [speeches.add_speech(report_item, {"participant_id": reporter.public_id, "kind": "report",
                                                 "title": report[0], "summary": report[1]}, user=None)]
    others = [p for p in speakers if p not in (presiding, reporter)]
    opinions = rng.sample(OPINIONS, min(count, len(OPINIONS), len(others)))
    planned += speeches.add_speeches(item, [{"participant_id": p.public_id, "kind": "discussion", "summary": text}
                                            for p, text in zip(rng.sample(others, len(opinions)), opinions,
                                                               strict=True)], user=None)
    planned.append(speeches.add_speech(item, {"participant_id": presiding.public_id, "kind": "conclusion",
                                              "summary": rng.choice(CONCLUSIONS)}, user=None))
    clock = datetime.combine(day, time(8, 15), zone).astimezone(UTC)
    for speech in planned:
        length = timedelta(minutes=rng.randrange(4, 13), seconds=rng.randrange(0, 60))
        if speech.agenda_item_id == item.id and clock < datetime.combine(day, time(9, 0), zone):
            clock = datetime.combine(day, time(9, 0), zone).astimezone(UTC)
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
    from planner.minutes.models import MinutesKind

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
        # Approved on that day in the office's past: its time, its number's year and its frozen date line.
        minutes.set_status(document, "approved", user=admin, version=document.version,
                           at=datetime.combine(approved_on, time(16, 0), zone))


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
    # The Chánh Văn phòng presides, the Trưởng phòng Tổng hợp reports, a clerk of that department takes the minutes.
    presiding, reporter, secretary = participants[0], participants[3], participants[9]
    _presiding_and_secretary(meeting, presiding, secretary)
    here = _attend(participants, day, rng, rate=0.86, present=[presiding, reporter, secretary])
    title, summary = REPORTS["meeting"]
    _speeches(meeting, day, [p for p in here if p is not secretary], rng.randrange(3, 6), rng, zone,
              presiding=presiding, reporter=reporter,
              report=(title.format(month=day.month), summary.format(n=rng.randrange(6, 15))))
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
    presiding = delegates.add_participant(meeting, {
        "family_name": "Trần", "middle_name": "Văn", "given_name": "Bình", "honorific": "đồng chí",
        "title": "Chánh Văn phòng Thành ủy", "unit": "Văn phòng Thành ủy", "category": "leader", "precedence": 100},
        allow_duplicate=True)
    secretary = delegates.add_participant(meeting, {
        "family_name": "Ngô", "middle_name": "Thị", "given_name": "Thảo", "honorific": "đồng chí",
        "title": "Chuyên viên phòng Tổng hợp", "unit": "Văn phòng Thành ủy", "category": "staff"}, allow_duplicate=True)
    _presiding_and_secretary(meeting, presiding, secretary)
    here = _attend([presiding, *participants], day, rng, rate=0.93, present=[presiding, participants[4]])
    _attend([secretary], day, rng, rate=1)
    title, summary = REPORTS["conference"]
    _speeches(meeting, day, here, rng.randrange(6, 10), rng, zone, presiding=presiding, reporter=participants[4],
              report=(title.format(quarter=quarter), summary))
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


# A congress and its elections ------------------------------------------------------------------------------

CONGRESS_FAMILIES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương",
                     "Lý", "Phan", "Huỳnh", "Trương")
CONGRESS_GIVENS = ("An", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Huy",
                   "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Ngọc", "Phong", "Phúc", "Quang",
                   "Sơn", "Tâm", "Thạch", "Thái", "Thanh", "Thảo", "Trung", "Tuấn", "Uyên", "Vân", "Việt", "Xuân",
                   "Yến", "Bảo", "Chi", "Hiền")


def _congress(org: Organization, day: date, rng: random.Random, admin) -> None:
    """The office's Party congress (đại hội chi bộ, 40 delegates): its bodies elected by show of hands, the
    credentials report adopted, the executive committee elected in two rounds (a tie at the last seat), the
    secretary in one; counting minutes, election reports and the credentials report signed and kept."""
    from planner.agenda import services as agenda
    from planner.delegates import services as delegates
    from planner.elections import services as elections
    from planner.speeches import services as speeches
    from planner.votes import services as votes

    zone = ZoneInfo(org.timezone)
    meeting = _create(org, title=f"Đại hội Chi bộ Văn phòng Thành ủy nhiệm kỳ {day.year} - {day.year + 5}",
                      kind="congress", day=day, start=time(7, 30), end=time(11, 30),
                      venue="Hội trường A, Trung tâm Hành chính")
    people = []
    for n in range(40):
        # The head of the office presides the congress (the first of the presidium), as every meeting of the demo.
        family, middle, given = ("Trần", "Văn", "Bình") if n == 0 else (
            CONGRESS_FAMILIES[n % len(CONGRESS_FAMILIES)], rng.choice(("Văn", "Thị", "Hữu", "Minh", "Thanh", "Quốc")),
            CONGRESS_GIVENS[n])
        participant = delegates.add_participant(meeting, {
            "family_name": family, "middle_name": middle, "given_name": given, "honorific": "đồng chí",
            "title": "Chánh Văn phòng" if n == 0 else "Đảng viên", "unit": "Văn phòng Thành ủy",
            "category": "delegate"}, allow_duplicate=True)
        delegates.update_person(participant.person, {
            "gender": "female" if rng.random() < 0.42 else "male",
            "ethnicity": "Kinh" if rng.random() < 0.9 else rng.choice(("Cơ Tu", "Tày", "Hoa")),
            "birth_year": day.year - rng.randrange(26, 59),
            "education_level": rng.choice(("university", "university", "master", "master", "doctorate"))})
        people.append(participant)
    here = _attend(people, day, rng, rate=0.95, present=people[:12])
    _presiding_and_secretary(meeting, people[0], people[3])

    def item(title: str, kind: str, start: time, minutes: int):
        return agenda.create_item(meeting, {"title": title, "kind": kind, "starts_at": datetime.combine(day, start),
                                            "ends_at": datetime.combine(day, start) + timedelta(minutes=minutes)},
                                  user=admin)

    bodies = item("Bầu Đoàn Chủ tịch, Đoàn Thư ký, Ban Thẩm tra tư cách đại biểu, Ban Kiểm phiếu", "ceremony",
                  time(7, 45), 15)
    credentials = item("Báo cáo thẩm tra tư cách đại biểu", "report", time(8, 0), 15)
    ballots = item("Bầu cử Chi ủy, Bí thư Chi bộ nhiệm kỳ mới", "other", time(9, 30), 90)
    at = datetime.combine(day, time(7, 50), zone)
    for kind, members in (("presidium", people[:3]), ("secretariat", people[3:5]),
                          ("credentials_committee", people[5:8]), ("counting_committee", people[8:11])):
        roles = {members[0].public_id: "Trưởng ban" if kind != "presidium" else "Chủ tịch Đại hội"}
        votes.set_body_members(meeting, kind, [p.public_id for p in members], roles, user=admin)
        _show_of_hands(votes, votes.put_body_to_vote(meeting, kind, bodies, user=admin), admin, at)
    elections.update_credentials(meeting, {"signer_name": people[5].full_name, "disqualified": 0}, user=admin)
    _show_of_hands(votes, votes.create_vote(credentials, {"title": "Thông qua Báo cáo thẩm tra tư cách đại biểu"},
                                            user=admin), admin, datetime.combine(day, time(8, 10), zone))
    elections.sign_credentials(meeting, user=admin)
    candidates = [p for p in people if p not in people[8:11]]
    # The congress decides the number to elect by show of hands; the election links that vote.
    seats = votes.create_vote(ballots, {"title": "Số lượng Chi ủy nhiệm kỳ mới: 9 đồng chí"}, user=admin)
    _show_of_hands(votes, seats, admin, datetime.combine(day, time(9, 32), zone))
    committee = elections.create_election(meeting, {
        "body": "executive_committee", "seats": 9, "title": f"Chi ủy Chi bộ nhiệm kỳ {day.year} - {day.year + 5}",
        "seats_vote_id": seats.public_id}, user=admin)
    for participant in candidates[:11]:
        elections.add_candidate(committee, {"participant_id": participant.public_id}, user=admin)
    first = elections.start_round(committee, user=admin)
    present = first.present
    # Two at the last seat with the same votes: a second round between them.
    valid = present - 1
    tie = max(first.base_count // 2 + 2, valid - 10)
    _count(elections, first, [valid - n for n in range(8)] + [tie, tie, 5], present, admin)
    second = elections.start_round(committee, user=admin)
    _count(elections, second, [valid - 8, 7], present, admin)
    secretary = elections.create_election(meeting, {"body": "secretary", "seats": 1,
                                                    "title": "Bí thư Chi bộ"}, user=admin)
    elected = [c.participant for c in elections.elected_so_far(committee)]
    elections.add_candidate(secretary, {"participant_id": elected[0].public_id}, user=admin)
    _count(elections, elections.start_round(secretary, user=admin), [present - 1], present, admin)
    for election in (committee, secretary):
        elections.sign_election_report(election, user=admin)
    # The head of the counting committee announces the results: what the minutes record of the elections.
    chosen = ", ".join(c.full_name for c in elections.elected_so_far(committee))
    announced = speeches.add_speech(ballots, {"participant_id": people[8].public_id, "kind": "report",
                                  "title": "Công bố kết quả bầu cử", "summary": (
                                      f"Trưởng Ban Kiểm phiếu công bố kết quả: các đồng chí trúng cử Chi ủy "
                                      f"(bầu hai lần, lần hai giữa hai đồng chí bằng phiếu): {chosen}; đồng chí "
                                      f"{elected[0].full_name} trúng cử Bí thư Chi bộ.")}, user=None)
    moment = datetime.combine(day, time(10, 50), zone).astimezone(UTC)
    speeches.start(meeting, announced, user=None, now=moment)
    speeches.stop(meeting, user=None, now=moment + timedelta(minutes=4))
    _speeches(meeting, day, here, 4, rng, zone, presiding=people[0], reporter=people[1],
              report=("Báo cáo chính trị của Chi ủy nhiệm kỳ qua",
                      "Chi bộ lãnh đạo hoàn thành các nhiệm vụ chính trị; công tác xây dựng Đảng có chuyển biến; "
                      "đề ra phương hướng, mục tiêu và các giải pháp chủ yếu của nhiệm kỳ mới."))
    _close_with_documents(meeting, day, "on_time", rng, zone, admin)


def _show_of_hands(votes, vote, admin, at: datetime) -> None:
    votes.open_vote(vote, user=admin, at=at)
    votes.set_counts(vote, {"yes": vote.present, "no": 0, "abstain": 0}, user=admin)
    votes.close_vote(vote, user=admin, at=at + timedelta(minutes=2))


def _count(elections, held, numbers: list[int], present: int, admin) -> None:
    """The counting committee's tally of a round, closed, and its minutes signed."""
    valid = present - 1
    votes = [{"candidate_id": e.candidate.public_id, "votes": n} for e, n in zip(held.entries, numbers, strict=True)]
    elections.update_round(held, {"present": present, "issued": present, "returned": present, "valid": valid,
                                  "invalid": 1, "invalid_reasons": {"too_many": 1}, "votes": votes,
                                  "status": "closed"}, user=admin)
    elections.sign_counting_minutes(held, user=admin)
