"""A participant's position and unit, the unit never printed twice, in every place that prints both: the
participant list and the directory, the attendance paragraph of minutes and letters, the letters' list of
attendees, badges and place cards (core.text.position_parts is the one rule; issue #17)."""

from __future__ import annotations

from types import SimpleNamespace

from planner.extensions import db
from tests.conftest import PASSWORD

# (full name, title, unit, what is printed on one line)
PEOPLE = [
    ("Nguyễn Hồng Quang", "Chánh Văn phòng Tỉnh ủy", "Tỉnh ủy", "Chánh Văn phòng Tỉnh ủy"),
    ("Đoàn Văn Ánh", "Phó Chánh Văn phòng", "Văn phòng Tỉnh ủy", "Phó Chánh Văn phòng Tỉnh ủy"),
    ("Phạm Minh Dũng", "Bí thư Huyện ủy", "Huyện ủy Đại Lộc", "Bí thư Huyện ủy Đại Lộc"),
    ("Huỳnh Ngọc Tùng", "Phóng viên", "Báo Quảng Nam", "Phóng viên, Báo Quảng Nam"),
]


def _meeting_with_people(delegates, factory):
    org = factory.organization(name="Văn phòng Tỉnh ủy Quảng Nam", city="Tam Kỳ")
    user = factory.user(org, role="organizer", clearance="secret", email="tochuc@example.vn")
    meeting_id = delegates.meeting(org, title="Hội nghị Ban Chấp hành Đảng bộ tỉnh")
    for name, title, unit, _printed in PEOPLE:
        delegates.participant(org, meeting_id, name, title=title, unit=unit, category="guest")
    return org, user, meeting_id


def test_the_participant_list_prints_each_unit_once(app, client, delegates, factory):
    _org, user, meeting_id = _meeting_with_people(delegates, factory)
    client.login(user.email, PASSWORD)
    html = client.get(f"/meetings/{meeting_id}/participants").get_data(as_text=True)
    assert "Chánh Văn phòng Tỉnh ủy</div>" in html
    assert "Phó Chánh Văn phòng Tỉnh ủy</div>" in html
    assert "Bí thư Huyện ủy Đại Lộc</div>" in html
    assert '<div class="muted">Tỉnh ủy</div>' not in html
    assert '<div class="muted">Văn phòng Tỉnh ủy</div>' not in html
    assert '<div class="muted">Huyện ủy Đại Lộc</div>' not in html
    # A unit the position does not name keeps its own line.
    assert "<div>Phóng viên</div>" in html and '<div class="muted">Báo Quảng Nam</div>' in html
    # The attendance sheet writes them on one line.
    sheet = client.get(f"/meetings/{meeting_id}/participants/attendance-sheet").get_data(as_text=True)
    for _name, _title, _unit, printed in PEOPLE:
        assert printed in sheet
    assert "Tỉnh ủy, Tỉnh ủy" not in sheet and "Văn phòng, Văn phòng" not in sheet


def test_badges_place_cards_and_the_minutes_print_each_unit_once(app, delegates, factory):
    from planner.booklets.builders import badges_data, place_cards_data
    from planner.delegates import protocol
    from planner.delegates.models import Participant

    org, _user, meeting_id = _meeting_with_people(delegates, factory)
    with app.test_request_context():
        meeting = delegates.load_meeting(org, meeting_id)
        participants = protocol.sort_participants(db.session.scalars(
            db.select(Participant).where(Participant.meeting_id == meeting.id)))
        by_name = {p.full_name: p for p in participants}
        badges = {b["name"]: b for b in badges_data(meeting, participants)["badges"]}
        cards = {c["name"]: c for c in place_cards_data(meeting, participants)["cards"]}
        for name, _title, _unit, printed in PEOPLE:
            lines = [line for line in (badges[name]["title"], badges[name]["unit"]) if line]
            assert ", ".join(lines) == printed
            assert (cards[name]["title"], cards[name]["unit"]) == (badges[name]["title"], badges[name]["unit"])
        paragraph = protocol.attendance_paragraph([by_name[name] for name, *_rest in PEOPLE])
        db.session.remove()
    assert "đồng chí Nguyễn Hồng Quang - Chánh Văn phòng Tỉnh ủy;" in paragraph
    assert "đồng chí Đoàn Văn Ánh - Phó Chánh Văn phòng Tỉnh ủy" in paragraph
    assert "Tỉnh ủy, Tỉnh ủy" not in paragraph


def test_the_attendance_paragraph_in_english_prints_each_unit_once():
    from planner.delegates import protocol
    from planner.delegates.models import ParticipantCategory

    def guest(name: str, title: str, unit: str):
        return SimpleNamespace(full_name=name, title=title, unit=unit, honorific="", precedence=1,
                               category=ParticipantCategory.leader, name_key=name.encode(), id=0)

    text = protocol.attendance_paragraph([
        guest("Nguyen Hong Quang", "Chief of the Office", "Office of the Provincial Party Committee"),
        guest("Tran Van Binh", "Director of the Department of Health", "Department of Health"),
    ], "en")
    assert "Nguyen Hong Quang, Chief of the Office of the Provincial Party Committee" in text
    assert "Tran Van Binh, Director of the Department of Health;" in text or text.endswith("Department of Health.")
    assert "Health, Department of Health" not in text
