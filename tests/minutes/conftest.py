"""Minutes test data: a closed one-day Party conference with its presidium, secretary, guests in protocol
order, delegates checked in (and two absent, one excused), an agenda with a session, a break and a
cancelled item, and speeches with summaries — all built through the services."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from sqlalchemy import insert, select, update

from planner.extensions import db
from tests import factories
from tests.factories import PASSWORD

DAY = date(2026, 11, 19)  # a Thursday, before "today" (2026-11-23)

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdftotext, pdffonts) is not installed")
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                   reason="LibreOffice (soffice) is not installed: .ci/run installs "
                                          "libreoffice-writer-nogui")

GUESTS = (
    # family, middle, given, title, precedence, category
    ("Nguyễn", "Văn", "Quảng", "Ủy viên Trung ương Đảng, Bí thư Thành ủy", 300, "leader"),
    ("Lương", "Nguyễn Minh", "Triết", "Phó Bí thư Thường trực Thành ủy", 450, "leader"),
    ("Trần", "Lưu", "Hải", "Phó Trưởng Ban Tổ chức Trung ương", 310, "guest"),
)
DELEGATES = (
    ("Nguyễn", "Văn", "Nên", "Bí thư Quận ủy Hải Châu"),
    ("Tô", "Huy", "Rứa", "Bí thư Quận ủy Sơn Trà"),
    ("Bùi", "Văn", "Thạch", "Giám đốc Sở Nội vụ"),
    ("Lê", "Văn", "Thái", "Chủ tịch UBND quận Liên Chiểu"),
    ("Đinh", "Thế", "Huynh", "Trưởng Ban Tuyên giáo Thành ủy"),
)
SECRETARY = ("Lê", "Thị", "Mai", "Chuyên viên Văn phòng Thành ủy")


@dataclass
class Scene:
    org: Any
    admin: Any
    secretary: Any
    organizer: Any
    viewer: Any
    meeting_id: str
    items: dict[str, str] = field(default_factory=dict)
    people: dict[str, str] = field(default_factory=dict)

    def meeting(self):
        from planner.meetings.models import Meeting

        db.session.expire_all()
        return db.session.scalar(select(Meeting).where(Meeting.public_id == self.meeting_id))

    def user(self, ref):
        from planner.accounts.models import User

        return db.session.get(User, ref.id)


def build_scene(app, factory, *, profile: str = "party", language: str = "vi", classification: str = "none",
                kind: str = "conference", title: str | None = None, delegates: int = 0, items: int = 0,
                attendance: bool = True, status: str = "closed", day: date = DAY, body_code: str = "VPTU",
                logins: bool = False, delivered_speeches: bool = True) -> Scene:
    """The conference; ``delegates`` and ``items`` add that many more (for the large benchmark). The users
    get a password (slow to hash) only when the test signs in (``logins``)."""
    from planner.accounts.models import Organization, User
    from planner.agenda import services as agenda
    from planner.delegates import services as delegates_services
    from planner.documents import services as document_services
    from planner.meetings.models import Meeting, MeetingStatus, meeting_presiding, meeting_secretaries
    from planner.speeches import services as speeches

    n = factory._next()
    org_ref = factory.organization(name=f"Văn phòng Thành ủy Đà Nẵng {n}", parent_name="Thành ủy Đà Nẵng",
                                   city="Đà Nẵng", document_profile=profile, body_code=body_code, language=language)
    password = PASSWORD if logins else None
    admin = factory.user(org_ref, role="admin", clearance="top_secret", name="Nguyễn Thị Thu Hà", password=password)
    secretary = factory.user(org_ref, role="secretary", clearance="top_secret", name="Lê Thị Mai", password=password)
    organizer = factory.user(org_ref, role="organizer", clearance="top_secret", name="Trần Văn Bình",
                             password=password)
    viewer = factory.user(org_ref, role="viewer", clearance="internal", name="Phạm Quốc Dũng", password=password)
    with app.test_request_context():
        org = db.session.get(Organization, org_ref.id)
        user = db.session.get(User, admin.id)
        # the notice and the invitation are signed by the head of the office (no signer: no approval)
        signer = {"right": {"name": "Trần Văn Minh"}}
        document_services.update_settings(org, {"signatures": {"notice": signer, "invitation": signer}})
        meeting = factories.meeting(
            org, user, title=title or "Hội nghị Ban Chấp hành Đảng bộ thành phố lần thứ 12", kind=kind,
            starts_on=day, venue="Hội trường A, Trung tâm Hành chính thành phố",
            city="Đà Nẵng", classification=classification, language=language,
            description="Đánh giá kết quả thực hiện nhiệm vụ năm 2026, cho ý kiến vào dự thảo kế hoạch năm 2027.")
        scene = Scene(org_ref, admin, secretary, organizer, viewer, meeting.public_id)

        def add(family, middle, given, title_, **data):
            participant = factories.participant(meeting, (family, middle, given), title=title_, honorific="đồng chí",
                                                **data)
            scene.people[f"{family} {middle} {given}"] = participant.public_id
            return participant

        guests = [add(f, m, g, t, precedence=p, category=c) for f, m, g, t, p, c in GUESTS]
        members = [add(f, m, g, t, category="delegate") for f, m, g, t in DELEGATES]
        for k in range(delegates):
            members.append(add("Phạm", "Văn", f"Đại Biểu {k + 1:03d}", f"Ủy viên Ban Chấp hành, đơn vị {k + 1}",
                               category="delegate"))
        minute_taker = add(*SECRETARY, category="staff")
        db.session.execute(insert(meeting_presiding).values(meeting_id=meeting.id, participant_id=guests[0].id,
                                                            position=0))
        db.session.execute(insert(meeting_secretaries).values(meeting_id=meeting.id, participant_id=minute_taker.id,
                                                              position=0))
        db.session.commit()

        def item(title_, kind_, start, end, **data):
            created = factories.item(meeting, title_, start, end, by=user, kind=kind_, **data)
            scene.items[title_] = created.public_id
            return created

        def speech(on, speaker, kind_, summary, **data):
            return factories.speech(on, speaker, user, kind=kind_, summary=summary, **data)

        session = item("Phiên khai mạc", "session", time(8, 0), time(9, 45), presiding=[guests[0]])
        opening = item("Khai mạc hội nghị", "opening", time(8, 0), time(8, 15), session=session)
        report = item("Báo cáo kết quả thực hiện nhiệm vụ năm 2026", "report", time(8, 15), time(9, 0),
                      session=session)
        item("Giải lao", "break", time(9, 45), time(10, 0))
        discussion = item("Thảo luận về dự thảo kế hoạch năm 2027", "discussion", time(10, 0), time(11, 0))
        cancelled = item("Thông qua quy chế làm việc", "other", time(11, 0), time(11, 10))
        agenda.update_item(cancelled, {"status": "cancelled"}, user=user)
        conclusion = item("Kết luận hội nghị", "conclusion", time(11, 10), time(11, 30))
        extra_start = datetime.combine(day, time(13, 30))
        for k in range(items):
            start = extra_start + timedelta(minutes=5 * k)
            created = item(f"Thảo luận chuyên đề số {k + 1}", "discussion", start.time(),
                           (start + timedelta(minutes=5)).time())
            for s in range(3):
                speech(created, members[(k * 3 + s) % len(members)], "discussion",
                       f"Ý kiến số {s + 1} về chuyên đề {k + 1}: thống nhất với dự thảo, đề nghị bổ sung giải pháp "
                       "và nguồn lực.")

        delivered = [
            (speech(opening, guests[1], "opening", "Nêu mục đích, yêu cầu của hội nghị"), time(8, 1)),
            (speech(report, members[4], "report", "Tăng trưởng kinh tế đạt 7,5%; hoàn thành 18/20 chỉ tiêu",
                    title="Báo cáo kết quả thực hiện nhiệm vụ năm 2026"), time(8, 16)),
            (speech(discussion, members[0], "discussion",
                    "Thống nhất cao với dự thảo; đề nghị bổ sung chỉ tiêu về chuyển đổi số"), time(10, 1)),
            (speech(discussion, members[1], "discussion",
                    "Đề nghị làm rõ nguồn lực thực hiện các công trình trọng điểm"), time(10, 12)),
        ]
        speech(discussion, members[2], "discussion", "Xin phát biểu", status="requested")
        delivered += [
            (speech(discussion, guests[0], "conclusion", "Giao Ban Thường vụ tiếp thu, hoàn chỉnh kế hoạch năm 2027"),
             time(10, 40)),
            (speech(conclusion, guests[0], "conclusion", "Hội nghị đã hoàn thành chương trình đề ra"), time(11, 11)),
        ]
        if delivered_speeches:  # the speakers list was run live: each speech started and stopped in its turn
            zone = ZoneInfo(meeting.timezone)
            for speech, at in delivered:
                start = datetime.combine(day, at, zone).astimezone(UTC)
                speeches.start(meeting, speech, user=user, now=start)
                speeches.stop(meeting, user=user, now=start + timedelta(minutes=8))
            if items:  # the many more: delivered too (marked at once, the clock is not what they test)
                from planner.speeches.models import Speech, SpeechStatus

                db.session.execute(update(Speech).where(Speech.meeting_id == meeting.id,
                                                        Speech.status == SpeechStatus.approved)
                                   .values(status=SpeechStatus.done))
                db.session.commit()

        if attendance:
            for participant in [*guests, *members]:
                if participant is members[3]:
                    delegates_services.set_attendance(participant, day, "excused", "đi công tác nước ngoài",
                                                      user=user)
                elif participant is members[2]:
                    delegates_services.set_attendance(participant, day, "absent", "", user=user)
                else:
                    delegates_services.check_in(participant, day, user=user)
        m = db.session.get(Meeting, meeting.id)
        m.status = MeetingStatus(status)
        db.session.commit()
    return scene


@pytest.fixture
def scene(app, factory) -> Scene:
    return build_scene(app, factory)


# Reading the documents --------------------------------------------------------------------------------------

def pdf_text(pdf: bytes, *, layout: bool = False) -> str:
    args = ["pdftotext", "-layout" if layout else "-raw", "-", "-"]
    return subprocess.run(args, input=pdf, capture_output=True, check=True).stdout.decode("utf-8")


def pdf_fonts(pdf: bytes) -> list[list[str]]:
    listing = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return [line.split() for line in listing.splitlines()[2:] if line.strip()]


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts: list[str] = []
    for element in doc.element.body.iterchildren():
        parts.extend(t.text for t in element.iter() if t.tag.endswith("}t") and t.text)
    return " ".join(parts)


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def assert_in_order(text: str, parts: list[str]) -> None:
    position = 0
    text = flat(text)
    for part in parts:
        found = text.find(flat(part), position)
        assert found >= 0, f"{part!r} missing after position {position} in: {text[position:position + 400]!r}"
        position = found + len(flat(part))
