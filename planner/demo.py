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
from planner.demo_history import seed_document_settings, seed_history
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
            accounts.create_user(org, by=None, email=login.email, name=login.name, role=login.role,
                                 clearance=login.clearance, password=login.password)
    seed_document_settings(org)
    demo_meetings = seed_meetings(org)
    seed_participants(demo_meetings["conference"])
    seed_briefing_participants(demo_meetings["briefing"])
    seed_agenda(demo_meetings["conference"])
    seed_speeches(demo_meetings["conference"])
    seed_print(demo_meetings["conference"])
    seed_history(org, accounts.user_by_email(LOGINS[0].email))
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


# Agenda ------------------------------------------------------------------------------------------

def _programme(days: list, rooms: dict[str, str], chairs: list[str]) -> list[dict]:
    """The conference's two-day programme as rows for agenda.services.create_items."""
    from planner.core.models import new_public_id

    rows: list[dict] = []

    def at(day: int, clock: str) -> datetime:
        hours, minutes = (int(part) for part in clock.split(":"))
        return datetime.combine(days[day], time(hours, minutes))

    def add(day: int, start: str, end: str, kind: str, title: str, *, session: str | None = None,
            room: str | None = None, performer: str = "", presiding: list[str] = (),
            classification: str = "none") -> str:
        public_id = new_public_id()
        rows.append({"public_id": public_id, "parent_id": session, "kind": kind, "title": title,
                     "starts_at": at(day, start), "ends_at": at(day, end),
                     "room_id": rooms.get(room) if room else None, "performer": performer,
                     "presiding_ids": list(presiding), "classification": classification})
        return public_id

    hall = "Hội trường A"
    presidium = chairs[:3]
    # Day 1, morning: the opening session, in the order of Nghị định 145/2013.
    s = add(0, "07:30", "11:30", "session", "Phiên khai mạc", room=hall, presiding=presidium,
            performer="Đoàn Chủ tịch hội nghị")
    add(0, "07:30", "08:00", "ceremony", "Đón tiếp đại biểu", session=s, performer="Ban Tổ chức")
    add(0, "08:00", "08:05", "ceremony", "Chào cờ", session=s, performer="Ban Tổ chức")
    add(0, "08:05", "08:15", "ceremony", "Tuyên bố lý do, giới thiệu đại biểu", session=s,
        performer="Lãnh đạo Văn phòng Thành ủy Đà Nẵng")
    add(0, "08:15", "08:30", "opening", "Phát biểu khai mạc hội nghị", session=s, presiding=chairs[:1],
        performer="Chánh Văn phòng Trung ương Đảng")
    add(0, "08:30", "09:15", "report",
        "Báo cáo tổng kết công tác văn phòng cấp ủy năm 2026, phương hướng, nhiệm vụ năm 2027", session=s,
        performer="Phó Chánh Văn phòng Trung ương Đảng")
    add(0, "09:15", "09:30", "break", "Giải lao", session=s)
    for start, end, unit, topic in (
        ("09:30", "09:45", "Văn phòng Thành ủy Hà Nội", "Chuyển đổi số trong công tác văn phòng cấp ủy"),
        ("09:45", "10:00", "Văn phòng Tỉnh ủy Quảng Ninh", "Nâng cao chất lượng tham mưu tổng hợp"),
        ("10:00", "10:15", "Văn phòng Thành ủy Thành phố Hồ Chí Minh",
         "Bảo đảm hậu cần, lễ tân cho các hội nghị lớn"),
        ("10:15", "10:30", "Văn phòng Tỉnh ủy Nghệ An", "Quản lý văn bản, hồ sơ và lưu trữ điện tử"),
    ):
        add(0, start, end, "contributed_speech", f"Tham luận: {topic}", session=s, performer=f"Đại diện {unit}")
    add(0, "10:30", "11:30", "discussion", "Thảo luận tại hội trường", session=s,
        performer="Đại biểu dự hội nghị")
    add(0, "11:30", "13:30", "break", "Nghỉ trưa")
    # Day 1, afternoon.
    s = add(0, "13:30", "16:30", "session", "Phiên thảo luận", room=hall, presiding=chairs[1:3])
    add(0, "13:30", "15:00", "discussion", "Thảo luận dự thảo Quy chế phối hợp giữa văn phòng cấp ủy các cấp",
        session=s, performer="Đại biểu dự hội nghị")
    add(0, "15:00", "15:15", "break", "Giải lao", session=s)
    add(0, "15:15", "16:15", "discussion", "Giải đáp kiến nghị của các địa phương", session=s,
        performer="Lãnh đạo các vụ, đơn vị Văn phòng Trung ương Đảng")
    add(0, "16:15", "16:30", "other", "Tổng hợp ý kiến thảo luận", session=s, performer="Ban Thư ký hội nghị")
    # Day 2, morning.
    s = add(1, "08:00", "11:30", "session", "Phiên toàn thể", room=hall, presiding=presidium)
    add(1, "08:00", "09:00", "report", "Báo cáo chuyên đề: Triển khai Quy định 399-QĐ/TW về thể loại, "
        "thẩm quyền ban hành và thể thức văn bản của Đảng", session=s, performer="Vụ Hành chính - Văn thư")
    add(1, "09:00", "10:00", "report", "Thông tin tình hình bảo vệ bí mật nhà nước trong cơ quan đảng",
        session=s, performer="Cục Bảo vệ chính trị nội bộ", classification="internal")
    add(1, "10:00", "10:15", "break", "Giải lao", session=s)
    add(1, "10:15", "11:30", "discussion", "Thảo luận, thống nhất các chỉ tiêu năm 2027", session=s,
        performer="Đại biểu dự hội nghị")
    add(1, "11:30", "13:30", "break", "Nghỉ trưa")
    # Day 2, afternoon: three topic sessions in parallel, one per room.
    for (room, topic, lead), chair in zip((
        (hall, "Chuyên đề 1: Chuyển đổi số và văn phòng điện tử", "Giới thiệu nền tảng văn phòng số dùng chung"),
        ("Phòng họp 1", "Chuyên đề 2: Tham mưu tổng hợp, theo dõi thực hiện kết luận",
         "Kinh nghiệm theo dõi, đôn đốc thực hiện kết luận của cấp ủy"),
        ("Phòng họp 2", "Chuyên đề 3: Tài chính, hậu cần, lễ tân", "Định mức chi hội nghị và quản lý tài sản"),
    ), [chairs[i:i + 1] for i in range(3)], strict=True):
        s = add(1, "13:30", "15:30", "session", topic, room=room, presiding=chair)
        add(1, "13:30", "14:15", "report", lead, session=s, performer="Báo cáo viên")
        add(1, "14:15", "15:30", "discussion", "Trao đổi, thảo luận", session=s, performer="Đại biểu nhóm chuyên đề")
    add(1, "15:30", "15:45", "break", "Giải lao")
    s = add(1, "15:45", "17:00", "session", "Phiên bế mạc", room=hall, presiding=presidium)
    add(1, "15:45", "16:00", "report", "Báo cáo kết quả thảo luận các nhóm chuyên đề", session=s,
        performer="Ban Thư ký hội nghị")
    add(1, "16:00", "16:30", "directive_speech", "Phát biểu chỉ đạo của lãnh đạo Ban Bí thư Trung ương Đảng",
        session=s, performer="Đồng chí Thường trực Ban Bí thư")
    add(1, "16:30", "16:45", "conclusion", "Kết luận hội nghị", session=s, presiding=chairs[:1],
        performer="Chánh Văn phòng Trung ương Đảng")
    add(1, "16:45", "17:00", "closing", "Bế mạc hội nghị", session=s, performer="Ban Tổ chức")
    return rows


def seed_agenda(conference: Meeting) -> None:
    """The conference's programme (two days, parallel topic sessions on the second afternoon), published
    as version 1, then one late change that staff see as "changes since version 1". Presiding persons
    are the conference's first participants in protocol order, when the delegates are there.
    Idempotent: an agenda that has items is left as it is."""
    from planner.agenda import services as agenda
    from planner.agenda.models import AgendaItem

    if db.session.scalar(select(func.count(AgendaItem.id)).where(AgendaItem.meeting_id == conference.id)):
        return
    rooms = {room.name: room.public_id for room in agenda.rooms(conference)}
    chairs = [p.public_id for p in agenda.presiding_choices(conference)[:3]]
    chairs += [None] * (3 - len(chairs))
    rows = _programme(agenda.programme_days(conference)[:2], rooms, chairs)
    for row in rows:
        row["presiding_ids"] = [p for p in row["presiding_ids"] if p]
    agenda.create_items(conference, rows, user=None)
    agenda.publish(conference, user=None, note="Chương trình chính thức gửi các đại biểu.")
    late = agenda.list_items(conference, None, everything=True)
    discussion = next(i for i in late if i.title.startswith("Thảo luận dự thảo Quy chế"))
    agenda.shift_following(conference, discussion, 15, user=None)



# Speeches ----------------------------------------------------------------------------------------

# Speakers used when the conference has no participants yet (the delegates' demo adds the real list).
DEMO_SPEAKERS = (
    ("Nguyễn", "Văn", "Thành", "Ủy viên Bộ Chính trị, Thường trực Ban Bí thư", "Ban Bí thư Trung ương Đảng", 1),
    ("Trần", "Quốc", "Hưng", "Bí thư Trung ương Đảng, Chánh Văn phòng Trung ương Đảng",
     "Văn phòng Trung ương Đảng", 2),
    ("Lê", "Thị", "Thu", "Phó Chánh Văn phòng Trung ương Đảng", "Văn phòng Trung ương Đảng", 3),
    ("Phạm", "Minh", "Đức", "Chánh Văn phòng Thành ủy Hà Nội", "Văn phòng Thành ủy Hà Nội", 20),
    ("Hoàng", "Văn", "Nam", "Chánh Văn phòng Tỉnh ủy Quảng Ninh", "Văn phòng Tỉnh ủy Quảng Ninh", 21),
    ("Võ", "Thị", "Ngọc Lan", "Chánh Văn phòng Thành ủy Thành phố Hồ Chí Minh",
     "Văn phòng Thành ủy Thành phố Hồ Chí Minh", 22),
    ("Đặng", "Quang", "Vinh", "Chánh Văn phòng Tỉnh ủy Nghệ An", "Văn phòng Tỉnh ủy Nghệ An", 23),
    ("Bùi", "Thanh", "Sơn", "Phó Chánh Văn phòng Thành ủy Đà Nẵng", "Văn phòng Thành ủy Đà Nẵng", 30),
    ("Ngô", "Thị", "Hồng", "Phó Chánh Văn phòng Tỉnh ủy Thừa Thiên Huế", "Văn phòng Tỉnh ủy Thừa Thiên Huế", 31),
    ("Huỳnh", "Văn", "Tài", "Phó Chánh Văn phòng Tỉnh ủy Quảng Nam", "Văn phòng Tỉnh ủy Quảng Nam", 32),
)

# What the secretary wrote for each delivered speech (by the item it was given on).
DEMO_SUMMARIES = {
    "opening": "Đồng chí nêu rõ mục đích, yêu cầu của hội nghị; đánh giá năm 2026 văn phòng cấp ủy các cấp đã "
               "tham mưu, phục vụ kịp thời các hội nghị quan trọng; đề nghị đại biểu tập trung thảo luận thẳng "
               "thắn, đề xuất giải pháp đổi mới phương thức làm việc trong năm 2027.",
    "report": "Báo cáo đánh giá kết quả nổi bật năm 2026: 100% văn bản của cấp ủy được ban hành đúng thể thức; "
              "hoàn thành kết nối văn phòng điện tử ở 63/63 tỉnh ủy, thành ủy. Tồn tại: công tác theo dõi thực "
              "hiện kết luận ở một số nơi còn chậm. Năm 2027 đề ra 5 nhóm nhiệm vụ, 3 khâu đột phá.",
    "contributed_speech": "Đồng chí chia sẻ kinh nghiệm của địa phương, nêu khó khăn về nhân lực và kinh phí; "
                          "kiến nghị Trung ương sớm ban hành hướng dẫn thống nhất và hỗ trợ đào tạo.",
    "discussion": "Đồng chí thống nhất với dự thảo báo cáo; đề nghị bổ sung chỉ tiêu về tỷ lệ hồ sơ công việc "
                  "được xử lý trên môi trường mạng và làm rõ trách nhiệm phối hợp giữa các cơ quan tham mưu.",
}


def _demo_text_docx(title: str, speaker: str, paragraphs: list[str]) -> bytes:
    import io

    from docx import Document

    document = Document()
    document.add_paragraph("BÀI PHÁT BIỂU").runs[0].bold = True
    document.add_paragraph(title).runs[0].bold = True
    document.add_paragraph(speaker).runs[0].italic = True
    document.add_paragraph("(Bản phát biểu khi đọc có thể thay đổi)").runs[0].italic = True
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _demo_text_pdf(title: str, speaker: str, paragraphs: list[str]) -> bytes:
    import json

    import typst

    from planner.documents.render import FONTS

    source = (
        '#set page(paper: "a4", margin: (top: 20mm, bottom: 20mm, left: 30mm, right: 15mm))\n'
        '#set text(font: "Liberation Serif", size: 14pt, lang: "vi")\n'
        '#set par(justify: true, first-line-indent: 10mm)\n'
        '#let d = json(bytes(sys.inputs.data))\n'
        '#align(center)[#text(weight: "bold")[BÀI PHÁT BIỂU] \\ #text(weight: "bold")[#d.title] \\ '
        '#emph[#d.speaker] \\ #emph[(Bản phát biểu khi đọc có thể thay đổi)]]\n'
        '#for p in d.paragraphs [#p #parbreak()]\n'
    )
    data = json.dumps({"title": title, "speaker": speaker, "paragraphs": paragraphs}, ensure_ascii=False)
    return typst.compile(source.encode("utf-8"), font_paths=[str(FONTS)], ignore_system_fonts=True,
                         sys_inputs={"data": data})


def _demo_speakers(conference: Meeting) -> list:
    from planner.delegates import services as delegates

    return [
        delegates.add_participant(conference, {
            "family_name": family, "middle_name": middle, "given_name": given, "honorific": "đồng chí",
            "title": title, "unit": unit, "delegation": unit, "precedence": precedence, "category": "delegate",
        }, allow_duplicate=True)
        for family, middle, given, title, unit, precedence in DEMO_SPEAKERS
    ]


def seed_speeches(conference: Meeting) -> None:
    """The conference's speakers lists, as if the first morning had run: the opening speech, the report
    (a PDF, then a revised DOCX), four contributed speeches (one over its time, one paused) and the
    morning discussion delivered, with their texts and the secretary's summaries; the afternoon
    discussion waiting in the hall (three approved speakers and a delegate's request); the second
    day's report, the directive speech and the conclusion planned with their texts under embargo.
    Speakers are the conference's participants in protocol order (a small list is added when it has
    none). Idempotent: a conference that has speeches is left as it is."""
    from planner.agenda import services as agenda
    from planner.speeches import services as speeches
    from planner.speeches.models import Speech

    if db.session.scalar(select(func.count(Speech.id)).where(Speech.meeting_id == conference.id)):
        return
    items = agenda.list_items(conference, None, everything=True)
    if not items:
        return
    people = agenda.presiding_choices(conference) or _demo_speakers(conference)

    def speaker(n: int, unit: str = "", nth: int = 0):
        """The nth of a unit's people in protocol order (its chief first), else the nth of everyone."""
        of_unit = [p for p in people if unit and p.unit == unit]
        if len(of_unit) > nth:
            return of_unit[nth]
        return people[n % len(people)]

    def item(kind: str, starts: str = "", nth: int = 0):
        found = [i for i in items if i.kind.value == kind and i.title.startswith(starts)]
        return found[nth] if len(found) > nth else None

    def plan(on, person, minutes: float, title: str = "", **data):
        return speeches.add_speech(on, {"participant_id": person.public_id, "title": title,
                                        "allotted_seconds": int(minutes * 60), **data}, user=None)

    def text(speech, paragraphs: list[str], *, pdf: bool = False, embargo: bool = True):
        name = speech.participant.full_name
        title = speech.title or speech.agenda_item.title
        data = _demo_text_pdf(title, name, paragraphs) if pdf else _demo_text_docx(title, name, paragraphs)
        filename = f"{title[:80]}.{'pdf' if pdf else 'docx'}"
        speeches.upload_text(speech, data, filename, user=None, embargo=embargo)

    def deliver(speech, late: int, spoken: int, pause: tuple[int, int] | None = None, summary: str = ""):
        """Start ``late`` seconds after the item's scheduled start, speak ``spoken`` seconds."""
        start = speech.agenda_item.starts_at + timedelta(seconds=late)
        speeches.start(conference, speech, user=None, now=start)
        end = start + timedelta(seconds=spoken)
        if pause is not None:
            at, length = pause
            speeches.pause(conference, user=None, now=start + timedelta(seconds=at))
            speeches.resume(conference, user=None, now=start + timedelta(seconds=at + length))
            end += timedelta(seconds=length)
        speeches.stop(conference, user=None, now=end)
        if summary:
            speeches.set_summary(speech, summary, user=None)

    greeting = "Kính thưa các đồng chí lãnh đạo, thưa các đồng chí đại biểu,"
    opening = item("opening")
    if opening is not None:
        s = plan(opening, speaker(1), 12, "Phát biểu khai mạc hội nghị")
        text(s, [greeting, "Hôm nay, Văn phòng Trung ương Đảng tổ chức Hội nghị toàn quốc tổng kết công tác "
                           "văn phòng cấp ủy năm 2026, triển khai nhiệm vụ năm 2027.",
                 "Thay mặt Đoàn Chủ tịch, tôi tuyên bố khai mạc hội nghị."])
        deliver(s, 30, 11 * 60 + 20, summary=DEMO_SUMMARIES["opening"])
    report = item("report", "Báo cáo tổng kết")
    if report is not None:
        s = plan(report, speaker(2), 40, "Báo cáo tổng kết công tác văn phòng cấp ủy năm 2026")
        body = [greeting, "Năm 2026, văn phòng cấp ủy các cấp đã bám sát chương trình làm việc của cấp ủy, "
                          "tham mưu kịp thời, phục vụ chu đáo các hội nghị, sự kiện chính trị quan trọng."]
        text(s, body, pdf=True)
        text(s, [*body, "Phần thứ hai: phương hướng, nhiệm vụ năm 2027 (bổ sung sau góp ý của Thường trực)."])
        deliver(s, 60, 41 * 60 + 35, summary=DEMO_SUMMARIES["report"])
    for n in range(4):
        contribution = item("contributed_speech", nth=n)
        if contribution is None:
            break
        person = speaker(3 + n, contribution.performer.removeprefix("Đại diện "))
        s = plan(contribution, person, 12, contribution.title.removeprefix("Tham luận: "), kind="contributed_speech")
        text(s, [greeting, f"{person.unit or 'Đơn vị chúng tôi'} xin báo cáo kinh nghiệm về {s.title.lower()}."])
        spoken = 13 * 60 + 40 if n == 1 else 11 * 60 + 10 * n
        deliver(s, 20, spoken, pause=(300, 45) if n == 2 else None, summary=DEMO_SUMMARIES["contributed_speech"])
    morning = item("discussion", "Thảo luận tại hội trường")
    if morning is not None:
        for n, person in enumerate((speaker(7, "Văn phòng Tỉnh ủy Thanh Hóa"),
                                    speaker(8, "Văn phòng Thành ủy Hải Phòng"))):
            s = plan(morning, person, 7, "Ý kiến về dự thảo báo cáo tổng kết")
            deliver(s, 15 + n * 480, 6 * 60 + 30 + n * 75, summary=DEMO_SUMMARIES["discussion"])
        late = plan(morning, speaker(9, "Văn phòng Tỉnh ủy Lạng Sơn"), 7, "Đăng ký phát biểu (hết thời gian)")
        speeches.decline(late, user=None)
    afternoon = item("discussion", "Thảo luận dự thảo Quy chế")
    if afternoon is not None:
        for n, (unit, topic) in enumerate((
            ("Văn phòng Tỉnh ủy Sơn La", "Về phân cấp trách nhiệm giữa văn phòng cấp ủy các cấp"),
            ("Văn phòng Thành ủy Huế", "Về chế độ thông tin, báo cáo định kỳ"),
            ("Văn phòng Tỉnh ủy Khánh Hòa", "Về phối hợp chuẩn bị hội nghị trực tuyến"),
        )):
            plan(afternoon, speaker(4 + n, unit), 7, topic)
        requester = speaker(9, "Văn phòng Tỉnh ủy Quảng Ngãi", nth=1)
        if afternoon.status.value == "scheduled" and speeches.open_for_requests(afternoon):
            speeches.request_to_speak(requester, afternoon, "Kiến nghị bổ sung quy định về lưu trữ điện tử")
        speeches.select_item(conference, afternoon, user=None)
    closing_texts = (
        (item("report", "Báo cáo chuyên đề"), 2, 50, "report"),
        (item("directive_speech"), 0, 25, "directive_speech"),
        (item("conclusion"), 1, 12, "conclusion"),
    )
    for on, n, minutes, kind in closing_texts:
        if on is None:
            continue
        s = plan(on, speaker(n), minutes, on.title, kind=kind)
        text(s, [greeting, "Nội dung phát biểu đã được chuẩn bị trước và gửi Ban Tổ chức."], pdf=(kind != "report"))


# Delegates ---------------------------------------------------------------------------------------

DEMO_PROVINCES = (
    ("Thành ủy", "Hà Nội"), ("Thành ủy", "Huế"), ("Tỉnh ủy", "Lai Châu"), ("Tỉnh ủy", "Điện Biên"),
    ("Tỉnh ủy", "Sơn La"), ("Tỉnh ủy", "Lạng Sơn"), ("Tỉnh ủy", "Quảng Ninh"), ("Tỉnh ủy", "Thanh Hóa"),
    ("Tỉnh ủy", "Nghệ An"), ("Tỉnh ủy", "Hà Tĩnh"), ("Tỉnh ủy", "Cao Bằng"), ("Tỉnh ủy", "Tuyên Quang"),
    ("Tỉnh ủy", "Lào Cai"), ("Tỉnh ủy", "Thái Nguyên"), ("Tỉnh ủy", "Phú Thọ"), ("Tỉnh ủy", "Bắc Ninh"),
    ("Tỉnh ủy", "Hưng Yên"), ("Thành ủy", "Hải Phòng"), ("Tỉnh ủy", "Ninh Bình"), ("Tỉnh ủy", "Quảng Trị"),
    ("Tỉnh ủy", "Quảng Ngãi"), ("Tỉnh ủy", "Gia Lai"), ("Tỉnh ủy", "Khánh Hòa"), ("Tỉnh ủy", "Lâm Đồng"),
    ("Tỉnh ủy", "Đắk Lắk"), ("Thành ủy", "Thành phố Hồ Chí Minh"), ("Tỉnh ủy", "Đồng Nai"),
    ("Tỉnh ủy", "Tây Ninh"), ("Thành ủy", "Cần Thơ"), ("Tỉnh ủy", "Vĩnh Long"), ("Tỉnh ủy", "Đồng Tháp"),
    ("Tỉnh ủy", "Cà Mau"), ("Tỉnh ủy", "An Giang"),
)
DEMO_FAMILY = ("Nguyễn",) * 8 + ("Trần",) * 4 + ("Lê",) * 4 + ("Phạm",) * 3 + (
    "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trương",
    "Lương", "Mai", "Tô", "Đoàn", "Lâm", "Hà", "Ưng", "Âu", "Tạ", "Kiều", "Thái", "Quách", "Châu")
DEMO_MIDDLE_MEN = ("Văn", "Văn", "Minh", "Quốc", "Thanh", "Hữu", "Đức", "Xuân", "Công", "Anh", "Bá", "Ngọc", "Trọng")
DEMO_MIDDLE_WOMEN = ("Thị", "Thị", "Thị", "Thu", "Ngọc", "Minh", "Thanh", "Kim", "Hồng", "Thúy", "Bích", "Hoài")
DEMO_GIVEN_MEN = ("Hùng", "Dũng", "Hải", "Tuấn", "Nam", "Bình", "Cường", "Đức", "Ước", "Ưng", "Ơn", "Thạch", "Thái",
                  "Quý", "Khải", "Nên", "Sơn", "Long", "Phong", "Quang", "Thắng", "Việt", "Vinh", "Toàn", "Trung",
                  "Lộc", "Phúc", "Đạt", "Tâm", "Hiếu", "Kiên", "Lực", "Mạnh", "Nghĩa", "Tùng", "Ân", "Ẩn")
DEMO_GIVEN_WOMEN = ("Hà", "Lan", "Hương", "Mai", "Thủy", "Hằng", "Ngân", "Trang", "Yến", "Nhung", "Loan", "Oanh",
                    "Uyên", "Vân", "Xuân", "Ánh", "Ảnh", "Diệp", "Giang", "Hạnh", "Liên", "Phượng", "Quyên", "Thảo")
DEMO_GUESTS = (
    # (full name, position, unit, category, precedence, honorific)
    ("Nguyễn Quang Huy", "Ủy viên Bộ Chính trị, Thường trực Ban Bí thư", "Ban Chấp hành Trung ương Đảng", "guest",
     100, "đồng chí"),
    ("Trần Đức Thạch", "Bí thư Trung ương Đảng, Chánh Văn phòng Trung ương Đảng", "Văn phòng Trung ương Đảng",
     "guest", 200, "đồng chí"),
    ("Lê Minh Khải", "Ủy viên Trung ương Đảng, Phó Chánh Văn phòng Thường trực Văn phòng Trung ương Đảng",
     "Văn phòng Trung ương Đảng", "guest", 300, "đồng chí"),
    ("Phạm Thị Thanh Hà", "Ủy viên dự khuyết Ban Chấp hành Trung ương Đảng, Phó Chánh Văn phòng Trung ương Đảng",
     "Văn phòng Trung ương Đảng", "guest", 350, "đồng chí"),
    ("Hồ Văn Ước", "nguyên Ủy viên Trung ương Đảng, nguyên Chánh Văn phòng Trung ương Đảng",
     "Văn phòng Trung ương Đảng", "guest", 350, "đồng chí"),
    ("Đặng Quốc Bình", "Ủy viên Trung ương Đảng, Bí thư Thành ủy Đà Nẵng", "Thành ủy Đà Nẵng", "leader", 300,
     "đồng chí"),
    ("Lương Thị Mai", "Phó Bí thư Thường trực Thành ủy Đà Nẵng", "Thành ủy Đà Nẵng", "leader", 450, "đồng chí"),
    ("Võ Văn Nên", "Phó Bí thư Thành ủy, Chủ tịch UBND thành phố Đà Nẵng", "UBND thành phố Đà Nẵng", "leader",
     500, "đồng chí"),
    ("Ngô Xuân Thắng", "Ủy viên Ban Thường vụ Thành ủy, Chủ tịch HĐND thành phố Đà Nẵng",
     "HĐND thành phố Đà Nẵng", "leader", 600, "đồng chí"),
    ("Trương Thị Ánh", "Ủy viên Ban Thường vụ Thành ủy, Chủ tịch Ủy ban MTTQ Việt Nam thành phố Đà Nẵng",
     "Ủy ban MTTQ Việt Nam thành phố Đà Nẵng", "leader", 800, "đồng chí"),
    ("Bùi Công Lực", "Thành ủy viên, Chánh Văn phòng Thành ủy Đà Nẵng", "Văn phòng Thành ủy Đà Nẵng", "leader",
     950, "đồng chí"),
    ("Mai Thị Thúy", "Giám đốc Sở Nội vụ thành phố Đà Nẵng", "Sở Nội vụ thành phố Đà Nẵng", "guest", 900, "bà"),
)
DEMO_DELEGATION_TITLES = (
    ("{body} viên, Chánh Văn phòng {body} {place}", 1000),
    ("Phó Chánh Văn phòng {body} {place}", 1100),
    ("Phó Chánh Văn phòng {body} {place}", 1100),
    ("Trưởng phòng Tổng hợp, Văn phòng {body} {place}", 1200),
    ("Trưởng phòng Hành chính - Lưu trữ, Văn phòng {body} {place}", 1200),
    ("Phó Trưởng phòng Tổng hợp, Văn phòng {body} {place}", None),
    ("Chuyên viên chính, Văn phòng {body} {place}", None),
    ("Chuyên viên, Văn phòng {body} {place}", None),
)
DEMO_PRESS = ("Báo Nhân Dân", "Thông tấn xã Việt Nam", "Đài Truyền hình Việt Nam", "Báo Điện tử Đảng Cộng sản Việt Nam",
              "Tạp chí Cộng sản", "Báo Đà Nẵng", "Đài Phát thanh - Truyền hình Đà Nẵng", "Báo Thanh Niên",
              "Báo Tuổi Trẻ", "Báo Người Lao Động", "Đài Tiếng nói Việt Nam", "Báo Quân đội Nhân dân")
DEMO_EXCUSES = ("Đi công tác nước ngoài", "Ốm, có đơn xin phép", "Trùng lịch họp Ban Thường vụ Tỉnh ủy",
                "Dự lớp bồi dưỡng tại Học viện Chính trị quốc gia Hồ Chí Minh")


def _demo_name(rng, woman: bool) -> str:
    family = rng.choice(DEMO_FAMILY)
    middle = rng.choice(DEMO_MIDDLE_WOMEN if woman else DEMO_MIDDLE_MEN)
    given = rng.choice(DEMO_GIVEN_WOMEN if woman else DEMO_GIVEN_MEN)
    return f"{family} {middle} {given}"


def demo_participant_rows() -> list[dict]:
    """About 300 people for the national conference: leaders and guests of high rank, a delegation of
    every province, the press, observers and the office's staff. Deterministic (same names each time)."""
    import random

    rng = random.Random(2026)  # noqa: S311 - demo names, not secrets  # nosec B311
    seen: set[str] = set()

    def name(woman: bool) -> str:
        while True:
            candidate = _demo_name(rng, woman)
            if candidate not in seen:
                seen.add(candidate)
                return candidate

    rows = [{"full_name": n, "title": t, "unit": u, "category": c, "precedence": p, "honorific": h}
            for n, t, u, c, p, h in DEMO_GUESTS]
    seen.update(row["full_name"] for row in rows)
    for body, place in DEMO_PROVINCES:
        unit = f"Văn phòng {body} {place}"
        for title, precedence in DEMO_DELEGATION_TITLES:
            rows.append({"full_name": name(rng.random() < 0.4), "title": title.format(body=body, place=place),
                         "unit": unit, "category": "delegate", "delegation": f"Đoàn {body} {place}",
                         "precedence": precedence})
    for outlet in DEMO_PRESS:
        rows.append({"full_name": name(rng.random() < 0.5), "title": "Phóng viên", "unit": outlet,
                     "category": "press"})
    for unit in ("Học viện Chính trị khu vực III", "Trường Chính trị thành phố Đà Nẵng", "Ban Tổ chức Thành ủy",
                 "Ban Tuyên giáo và Dân vận Thành ủy", "Ủy ban Kiểm tra Thành ủy",
                 "Đảng ủy các cơ quan Đảng thành phố"):
        rows.append({"full_name": name(rng.random() < 0.5), "title": "Đại biểu dự thính", "unit": unit,
                     "category": "observer"})
    for title in ("Phó Chánh Văn phòng Thành ủy", "Trưởng phòng Hành chính - Quản trị", "Phó Trưởng phòng Tổng hợp",
                  "Chuyên viên Phòng Hành chính - Quản trị", "Chuyên viên Phòng Tổng hợp", "Nhân viên lễ tân",
                  "Nhân viên kỹ thuật âm thanh", "Nhân viên phục vụ", "Nhân viên phục vụ", "Lái xe"):
        rows.append({"full_name": name(rng.random() < 0.5), "title": title, "unit": "Văn phòng Thành ủy Đà Nẵng",
                     "category": "staff"})
    return rows


def seed_participants(conference: Meeting) -> None:
    """The conference's delegate list (about 300: leaders and guests of high rank, a delegation of each
    province, press, observers, staff), their RSVPs, a few apologies in advance and, once the conference
    has begun, the check-ins of its days so far. Imported as a file would be (one transaction, matched
    with the directory). Idempotent: a conference that has its list is left as it is."""
    import random

    from planner.core.text import split_full_name
    from planner.delegates import importing
    from planner.delegates import services as delegates

    if delegates.list_participants(conference, limit=1)[1] >= 100:
        return
    rows = []
    for number, values in enumerate(demo_participant_rows(), start=2):
        row = importing.ImportRow(row=number)
        family, middle, given = split_full_name(values.pop("full_name"))
        row.values = {"family_name": family, "middle_name": middle, "given_name": given,
                      **{k: v for k, v in values.items() if v not in (None, "")}}
        rows.append(row)
    plan = delegates.plan_import(conference, rows, [])
    delegates.commit_import(conference, plan, filename="danh-sach-dai-bieu.xlsx")

    rng = random.Random(23)  # noqa: S311 - demo data  # nosec B311
    participants = delegates.all_participants(conference)
    for participant in participants:
        high = participant.category.value in ("guest", "leader") or participant.protocol_rank <= 1100
        roll = rng.random()
        rsvp = ("accepted" if high or roll < 0.82 else "declined" if roll < 0.9 else "no_reply" if roll < 0.96
                else "invited")
        if rsvp != "invited":
            delegates.update_participant(participant, {"rsvp": rsvp})
    declined = [p for p in participants if p.rsvp.value == "declined"]
    for participant, reason in zip(declined, DEMO_EXCUSES, strict=False):
        delegates.set_attendance(participant, conference.starts_on, "excused", reason)
    today = delegates.local_today(conference)
    for day in delegates.meeting_days(conference):
        if day > today:
            break
        for participant in participants:
            if participant.rsvp.value == "accepted" and rng.random() < 0.9:
                delegates.check_in(participant, day)


DEMO_BRIEFING = (
    ("Bùi Công Lực", "Chánh Văn phòng Thành ủy", "leader", 10),
    ("Lê Thị Mai", "Phó Chánh Văn phòng Thành ủy", "leader", 20),
    ("Trần Văn Bình", "Phó Chánh Văn phòng Thành ủy", "leader", 21),
    ("Nguyễn Thị Thu Hà", "Trưởng phòng Tổng hợp", "delegate", 30),
    ("Phạm Quốc Dũng", "Trưởng phòng Hành chính - Lưu trữ", "delegate", 31),
    ("Hồ Thị Ngọc Ánh", "Trưởng phòng Tài chính - Quản trị", "delegate", 32),
    ("Đỗ Văn Ước", "Phó Trưởng phòng Tổng hợp", "delegate", 40),
    ("Võ Thị Thúy", "Phó Trưởng phòng Hành chính - Lưu trữ", "delegate", 41),
    ("Đinh Quang Thạch", "Chuyên viên chính Phòng Tổng hợp", "delegate", None),
    ("Ưng Thị Hằng", "Chuyên viên Phòng Tổng hợp", "delegate", None),
    ("Âu Văn Toàn", "Chuyên viên Phòng Hành chính - Lưu trữ", "delegate", None),
    ("Lương Thị Ơn", "Chuyên viên Phòng Tài chính - Quản trị", "staff", None),
)


def seed_briefing_participants(briefing: Meeting) -> None:
    """The weekly briefing's regular attendance (the office's heads of department) and who came to its
    last occurrence: all but one excused and one absent. Idempotent: a briefing with a list is left."""
    from planner.delegates import services as delegates

    if delegates.list_participants(briefing, limit=1)[1]:
        return
    participants = [
        delegates.add_participant(briefing, {"full_name": name, "title": title, "unit": ORGANIZATION["name"],
                                             "category": category, "precedence": precedence, "rsvp": "accepted"},
                                  reuse_person=True)
        for name, title, category, precedence in DEMO_BRIEFING
    ]
    today = delegates.local_today(briefing)
    past = [day for day in delegates.meeting_days(briefing) if day < today]
    if not past:
        return
    last = past[-1]
    for number, participant in enumerate(participants):
        if number == 4:
            delegates.set_attendance(participant, last, "excused", "Đi công tác tại Hà Nội")
        elif number == 9:
            delegates.set_attendance(participant, last, "absent")
        else:
            delegates.check_in(participant, last)


# Print: the booklet's settings and the seats -------------------------------------------------------------

DEMO_FOREWORD = (
    "Hội nghị toàn quốc tổng kết công tác văn phòng cấp ủy năm 2026 là dịp để các văn phòng cấp ủy trong cả "
    "nước nhìn lại một năm thực hiện nhiệm vụ tham mưu, giúp việc, phục vụ cấp ủy; trao đổi kinh nghiệm và "
    "thống nhất phương hướng, nhiệm vụ năm 2027.\n\n"
    "Ban Tổ chức trân trọng cảm ơn các đồng chí đại biểu đã về dự hội nghị."
)
DEMO_PRACTICAL = (
    "Đại biểu có mặt tại hội trường trước giờ khai mạc 15 phút; xuất trình thẻ đại biểu tại cửa.\n\n"
    "- Xe đưa đón đại biểu khởi hành từ khách sạn lúc 7 giờ 00.\n"
    "- Ăn trưa tại Nhà khách Thành ủy, 12 giờ 00.\n"
    "- Liên hệ Ban Tổ chức: đồng chí Trần Văn Bình, 0236 3821 234."
)


def seed_print(conference: Meeting) -> None:
    """The conference's booklet (A5, every section) and its seats given out by protocol order.
    Idempotent: a conference whose booklet settings exist is left as it is."""
    from planner.booklets import services as booklets
    from planner.booklets.models import Section

    if booklets.settings_of(conference).id is not None:
        return
    booklets.save_settings(conference, {
        "paper": "a5", "sections": [s.value for s in Section], "programme_source": "release",
        "foreword": DEMO_FOREWORD, "foreword_signature": "BAN TỔ CHỨC", "practical_info": DEMO_PRACTICAL,
    }, user=None)
    booklets.save_plan(conference, {"rows": 15, "seats_per_row": 20, "presidium_size": 7, "mode": "protocol"},
                       user=None)
    booklets.assign_seats(conference, user=None)
