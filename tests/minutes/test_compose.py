"""The generated draft: plain facts in, sections in the order of the meeting out."""

from datetime import date, datetime

from planner.minutes import compose
from planner.minutes.compose import Absentee, ItemFacts, MeetingFacts, Person, SpeechFacts

CHAIR = Person("Nguyễn Văn Quảng", "Bí thư Thành ủy", "đồng chí")
SECRETARY = Person("Lê Thị Mai", "Chuyên viên", "")


def facts(**kw) -> MeetingFacts:
    data = dict(
        title="Hội nghị Ban Chấp hành Đảng bộ thành phố", kind="conference", language="vi", profile="party",
        venue="Hội trường A", city="Đà Nẵng", starts_at=datetime(2026, 7, 14, 8, 0),
        ends_at=datetime(2026, 7, 14, 11, 30), first_day=date(2026, 7, 14), presiding=[CHAIR],
        secretaries=[SECRETARY], expected=125, present=118,
        attendance="Đến dự có đồng chí Trần Lưu Hải - Phó Trưởng Ban Tổ chức Trung ương; cùng 117 đại biểu.",
        absentees=[Absentee(Person("Lê Văn Thái", "Chủ tịch UBND quận"), "đi công tác"),
                   Absentee(Person("Bùi Văn Thạch"), "", excused=False)],
        items=[
            ItemFacts("s1", "Phiên khai mạc", "session", datetime(2026, 7, 14, 8), datetime(2026, 7, 14, 9),
                      presiding=[CHAIR], is_session=True),
            ItemFacts("a", "Báo cáo chính trị", "report", datetime(2026, 7, 14, 8), datetime(2026, 7, 14, 9),
                      speeches=[SpeechFacts(Person("Đinh Thế Huynh", "Trưởng Ban Tuyên giáo"), "report",
                                            "Báo cáo chính trị", "Nêu kết quả nổi bật")], in_session=True),
            ItemFacts("b", "Giải lao", "break", datetime(2026, 7, 14, 9), datetime(2026, 7, 14, 9, 15)),
            ItemFacts("c", "Thảo luận", "discussion", datetime(2026, 7, 14, 9, 15), datetime(2026, 7, 14, 11),
                      speeches=[SpeechFacts(Person("Nguyễn Văn Nên", "Bí thư Quận ủy"), "discussion",
                                            summary="Thống nhất với dự thảo"),
                                SpeechFacts(Person("Tô Huy Rứa"), "discussion", summary="Chưa được phát biểu",
                                            status="withdrawn"),
                                SpeechFacts(CHAIR, "conclusion", summary="Giao Văn phòng hoàn chỉnh")]),
            ItemFacts("d", "Thông qua quy chế", "other", datetime(2026, 7, 14, 11), datetime(2026, 7, 14, 11, 10),
                      cancelled=True),
        ],
        signatures={"left": {"authority": "THƯ KÝ", "name": "Lê Thị Mai"},
                    "right": {"authority": "CHỦ TRÌ", "name": "Nguyễn Văn Quảng"}},
        recipients=["- Thường trực Thành ủy,"],
    )
    data.update(kw)
    return MeetingFacts(**data)


def test_minutes_follow_the_meeting_in_order():
    sections = compose.minutes_sections(facts())
    assert [s["key"] for s in sections] == ["time_place", "participants", "content", "session:s1", "item:a",
                                            "item:c", "closing", "signatures", "recipients"]
    time_place, participants = sections[0]["text"], sections[1]["text"]
    assert time_place == ("Thời gian: 8 giờ 00, ngày 14 tháng 7 năm 2026.\n"
                          "Địa điểm: Hội trường A, Đà Nẵng.")
    assert participants.splitlines() == [
        "Chủ trì: đồng chí Nguyễn Văn Quảng - Bí thư Thành ủy.",
        "Thư ký: đồng chí Lê Thị Mai - Chuyên viên.",
        "Có mặt 118/125 đại biểu được triệu tập.",
        "Đến dự có đồng chí Trần Lưu Hải - Phó Trưởng Ban Tổ chức Trung ương; cùng 117 đại biểu.",
        "Vắng mặt: đồng chí Lê Văn Thái - Chủ tịch UBND quận (lý do: đi công tác); "
        "đồng chí Bùi Văn Thạch (không có lý do).",
    ]
    assert sections[-3]["text"] == "Hội nghị kết thúc vào 11 giờ 30, ngày 14 tháng 7 năm 2026./."


def test_items_record_who_spoke_and_the_conclusion_but_not_withdrawn_speeches():
    sections = {s["key"]: s for s in compose.minutes_sections(facts())}
    report, discussion = sections["item:a"], sections["item:c"]
    assert report["heading"] == "1. Báo cáo chính trị"
    assert report["text"] == ("Đồng chí Đinh Thế Huynh - Trưởng Ban Tuyên giáo trình bày Báo cáo chính trị: "
                              "Nêu kết quả nổi bật.")
    assert discussion["heading"] == "2. Thảo luận"
    assert discussion["text"] == "Đồng chí Nguyễn Văn Nên - Bí thư Quận ủy phát biểu: Thống nhất với dự thảo."
    assert "Tô Huy Rứa" not in discussion["text"]
    assert discussion["conclusion"] == "Giao Văn phòng hoàn chỉnh."
    assert discussion["decisions"] == []
    assert "item:b" not in sections and "item:d" not in sections, "breaks and cancelled items leave nothing"


def test_state_profile_uses_the_wording_of_form_1_9():
    sections = compose.minutes_sections(facts(profile="state"))
    assert sections[0]["text"].startswith("Thời gian bắt đầu: 8 giờ 00")
    assert "Chủ trì (chủ tọa): đồng chí Nguyễn Văn Quảng" in sections[1]["text"]
    assert "Thư ký (người ghi biên bản):" in sections[1]["text"]
    assert sections[2]["heading"] == "NỘI DUNG (theo diễn biến cuộc họp)"


def test_without_check_in_the_count_is_left_to_the_secretary():
    text = compose.minutes_sections(facts(present=None, absentees=[]))[1]["text"]
    assert "Số đại biểu được triệu tập: 125." in text and "Có mặt" not in text and "Vắng" not in text


def test_english_minutes():
    sections = compose.minutes_sections(facts(language="en", attendance="", absentees=[],
                                              presiding=[Person("Nguyen Van Quang", "Secretary", "Mr")]))
    assert sections[0]["text"].startswith("Time: 08:00, July 14, 2026.")
    assert sections[1]["text"].startswith("Chair: Mr Nguyen Van Quang, Secretary.")
    assert sections[-3]["text"] == "The conference closed at 11:30 on July 14, 2026."


def test_signatures_and_recipients_are_sections():
    sections = {s["key"]: s for s in compose.minutes_sections(facts())}
    assert sections["signatures"]["left"] == {"authority": "THƯ KÝ", "position": "", "name": "Lê Thị Mai"}
    assert sections["signatures"]["right"]["authority"] == "CHỦ TRÌ"
    assert sections["recipients"]["text"] == "- Thường trực Thành ủy,"


def test_notice_takes_conclusions_and_votes_from_the_minutes():
    minutes = compose.minutes_sections(facts())
    for section in minutes:
        if section["key"] == "item:a":
            section["decisions"] = [{"text": "Thông qua báo cáo chính trị", "for": 45, "against": 1, "abstain": None}]
    notice = compose.notice_sections(facts(organizer="Thành ủy Đà Nẵng", issuer="Văn phòng Thành ủy"), minutes)
    assert [s["key"] for s in notice] == ["intro", "item:a", "item:c", "closing", "signatures", "recipients"]
    intro = notice[0]["text"]
    assert intro.startswith("Ngày 14 tháng 7 năm 2026, tại Hội trường A, Đà Nẵng, Thành ủy Đà Nẵng tổ chức "
                            "hội nghị Ban Chấp hành Đảng bộ thành phố.")
    assert intro.endswith("đồng chí Nguyễn Văn Quảng kết luận như sau:")
    assert notice[1]["heading"] == "1. Báo cáo chính trị"
    assert notice[1]["text"] == ("Thông qua báo cáo chính trị. Kết quả biểu quyết: 45 tán thành, 1 không tán thành, "
                                 "0 không biểu quyết.")
    assert notice[2] == {"key": "item:c", "kind": "text", "heading": "2. Thảo luận",
                         "text": "Giao Văn phòng hoàn chỉnh."}
    assert notice[3]["text"].startswith("Văn phòng Thành ủy thông báo")


def test_notice_without_minutes_lists_the_items_to_conclude():
    notice = compose.notice_sections(facts(), None)
    assert [s["heading"] for s in notice if s["key"].startswith("item:")] == ["1. Báo cáo chính trị", "2. Thảo luận"]
    assert all(s["text"] == "" for s in notice if s["key"].startswith("item:"))


def test_meeting_titles_read_naturally_inside_a_sentence():
    assert compose.in_sentence("Hội nghị tổng kết", "conference", "vi") == "hội nghị tổng kết"
    assert compose.in_sentence("Giao ban tháng 11", "briefing", "vi") == "giao ban tháng 11"
    assert compose.in_sentence("Tổng kết năm 2026", "meeting", "vi") == "cuộc họp Tổng kết năm 2026"


def test_clock_and_day_text():
    assert compose.clock(datetime(2026, 1, 5, 14, 30), "vi") == "14 giờ 30"
    assert compose.clock(datetime(2026, 1, 5, 8, 0), "vi") == "8 giờ 00"
    assert compose.day_text(date(2023, 2, 1), "vi") == "ngày 01 tháng 02 năm 2023"
