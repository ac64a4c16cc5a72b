"""The delegate services against the database: ordering in SQL, search, people, participants, import,
export, attendance and check-in."""

from __future__ import annotations

import io
import threading
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from planner.core.audit import AuditEntry
from planner.core.errors import Conflict, NotFound, ValidationError
from planner.delegates import exporting, services
from planner.delegates.models import (
    DEFAULT_PRECEDENCE,
    Participant,
    ParticipantAttendance,
    ParticipantCategory,
    Person,
)
from planner.delegates.protocol import CATEGORY_RANKS, suggest_precedence
from planner.extensions import db
from tests.delegates.conftest import QueryCounter, cp1258
from tests.delegates.test_protocol import NAMES, PROVINCIAL_ORDER, icu_vi_order, provincial_people


def _meeting(delegates, org):
    return delegates.load_meeting(org, delegates.meeting(org))


def test_protocol_order_in_sql_of_forty_provincial_positions_without_numbers(app, ctx, delegates, org):
    """Ordered by the database (the stored rank, then the name key) as the Python key orders them; the
    person of the directory added without a category takes the one their title suggests."""
    meeting = _meeting(delegates, org)
    people = provincial_people()
    for p in people[::-1]:
        person = services.create_person(meeting.organization, {"full_name": p.full_name, "title": p.title})
        services.add_participant(meeting, {"category": p.category}, person=person)
    listed = services.all_participants(meeting)
    assert [p.title for p in listed] == [title for title, _ in PROVINCIAL_ORDER]
    assert all(p.precedence is None for p in listed)
    page, total = services.list_participants(meeting, limit=10, offset=10)
    assert total == 40 and [p.title for p in page] == [title for title, _ in PROVINCIAL_ORDER[10:20]]
    in_unit = services.all_participants(meeting, order="unit")
    assert [p.title for p in in_unit] == [title for title, _ in PROVINCIAL_ORDER]  # one (empty) unit
    # A number of the office's own moves one person; clearing it gives the title's place back.
    last = listed[-1]
    services.update_participant(last, {"precedence": 1})
    assert services.all_participants(meeting)[0].public_id == last.public_id
    services.update_participant(last, {"precedence": None})
    assert services.all_participants(meeting)[-1].public_id == last.public_id
    # A changed title moves them too (no number was stored from the old one).
    services.update_participant(last, {"title": "Phó Bí thư Thường trực Thành ủy"})
    titles = [p.title for p in services.all_participants(meeting)]
    assert titles.index("Phó Bí thư Thường trực Thành ủy") < titles.index("Phó Bí thư Thành ủy")


def test_added_from_the_directory_takes_category_and_rank_from_the_title(ctx, delegates, org):
    meeting = _meeting(delegates, org)
    organization = meeting.organization
    secretary = services.create_person(organization, {"full_name": "Nguyễn Văn Quảng", "title": "Bí thư Thành ủy"})
    reporter = services.create_person(organization, {"full_name": "Lê Thị Báo", "title": "Phóng viên Báo Đà Nẵng"})
    clerk = services.create_person(organization, {"full_name": "Trần Văn An", "title": "Chuyên viên"})
    added = [services.add_participant(meeting, {}, person=p) for p in (reporter, clerk, secretary)]
    assert [p.category for p in added] == [ParticipantCategory.press, ParticipantCategory.delegate,
                                           ParticipantCategory.leader]
    assert secretary.default_precedence == DEFAULT_PRECEDENCE and added[2].precedence is None
    assert [p.full_name for p in services.all_participants(meeting)] == [
        "Nguyễn Văn Quảng", "Trần Văn An", "Lê Thị Báo"]


def test_name_order_in_sql_equals_icu_vi(app, ctx, delegates, org):
    meeting = _meeting(delegates, org)
    for name in reversed(NAMES):
        services.add_participant(meeting, {"full_name": name})
    listed, total = services.list_participants(meeting, order="name", limit=None)
    assert total == len(NAMES)
    assert [p.full_name for p in listed] == icu_vi_order(NAMES)
    # paging cuts the same order into pages
    first, _ = services.list_participants(meeting, order="name", limit=10, offset=0)
    second, _ = services.list_participants(meeting, order="name", limit=10, offset=10)
    assert [p.full_name for p in first + second] == icu_vi_order(NAMES)[:20]


def test_protocol_and_unit_order_in_sql(ctx, delegates, org):
    meeting = _meeting(delegates, org)
    services.add_participant(meeting, {"full_name": "Trần Văn Bình", "title": "Chuyên viên", "unit": "Sở Y tế"})
    services.add_participant(meeting, {"full_name": "Lê Thị An", "title": "Bí thư Thành ủy", "unit": "Thành ủy"})
    services.add_participant(meeting, {"full_name": "Đỗ Văn Ân", "title": "Chuyên viên", "unit": "Ban Tổ chức"})
    services.add_participant(meeting, {"full_name": "Nguyễn Văn Cường", "title": "Giám đốc Sở Y tế",
                                       "unit": "Sở Y tế", "precedence": 950})
    protocol = [p.full_name for p in services.list_participants(meeting, order="protocol")[0]]
    assert protocol == ["Lê Thị An", "Nguyễn Văn Cường", "Đỗ Văn Ân", "Trần Văn Bình"]
    by_unit = [p.full_name for p in services.list_participants(meeting, order="unit")[0]]
    assert by_unit == ["Đỗ Văn Ân", "Nguyễn Văn Cường", "Trần Văn Bình", "Lê Thị An"]


def test_search_ignores_diacritics_and_case(ctx, delegates, org):
    meeting = _meeting(delegates, org)
    services.add_participant(meeting, {"full_name": "Nguyễn Văn Nên", "title": "Ủy viên Bộ Chính trị"})
    services.add_participant(meeting, {"full_name": "Nguyễn Thị Đào", "unit": "Sở Tài chính (Phòng Ngân sách)"})
    services.add_participant(meeting, {"full_name": "Trần Văn Nguyên", "unit": "100%_đúng"})

    def names(q):
        return sorted(p.full_name for p in services.list_participants(meeting, q=q)[0])

    assert names("nguyen van") == ["Nguyễn Văn Nên", "Trần Văn Nguyên"]
    assert names("Nguyen Van Nen") == ["Nguyễn Văn Nên"]
    assert names("an") == []  # words match from their start: "an" is not found in "Văn"
    assert names("NGUYỄN") == ["Nguyễn Thị Đào", "Nguyễn Văn Nên", "Trần Văn Nguyên"]
    assert names("dao") == ["Nguyễn Thị Đào"]
    assert names("bo chinh tri") == ["Nguyễn Văn Nên"]
    assert names("tai chinh") == ["Nguyễn Thị Đào"]
    assert names("ngan sach") == ["Nguyễn Thị Đào"]  # after the parenthesis
    assert names("100%_") == ["Trần Văn Nguyên"]  # wildcards are text
    assert names("_") == ["Trần Văn Nguyên"]  # the unit's words are "100" and "_dung"
    assert names("") == ["Nguyễn Thị Đào", "Nguyễn Văn Nên", "Trần Văn Nguyên"]


def test_renaming_a_person_reorders_and_refinds_their_participations(ctx, delegates, org):
    first = _meeting(delegates, org)
    second = _meeting(delegates, org)
    a = services.add_participant(first, {"full_name": "Nguyễn Văn An"})
    services.add_participant(first, {"full_name": "Trần Văn Bình"})
    services.add_participant(second, {"person": None}, person=a.person)
    services.update_person(a.person, {"given_name": "Xuân"})
    for meeting in (first, second):
        assert [p.full_name for p in services.list_participants(meeting, q="xuan")[0]] == ["Nguyễn Văn Xuân"]
    assert [p.full_name for p in services.list_participants(first, order="name")[0]] == [
        "Trần Văn Bình", "Nguyễn Văn Xuân"]


def test_duplicate_person_is_warned_about_then_reused_or_created_on_purpose(ctx, delegates, org):
    meeting = _meeting(delegates, org)
    organization = meeting.organization
    person = services.create_person(organization, {"full_name": "Nguyễn Văn An", "unit": "Sở Nội vụ"})
    with pytest.raises(services.DuplicatePerson) as info:
        services.create_person(organization, {"full_name": "nguyen van an", "unit": "SỞ NỘI VỤ"})
    assert info.value.matches == [person]
    other = services.create_person(organization, {"full_name": "Nguyễn Văn An", "unit": "Sở Nội vụ"},
                                   allow_duplicate=True)
    assert other.id != person.id
    assert services.similar_people(organization, given_name="An", family_name="Nguyễn", middle_name="Văn",
                                   unit="Sở Tài chính") == []
    with pytest.raises(services.DuplicatePerson):
        services.add_participant(meeting, {"full_name": "Nguyễn Văn An", "unit": "Sở Nội vụ"})
    added = services.add_participant(meeting, {"full_name": "Nguyễn Văn An", "unit": "Sở Nội vụ"}, reuse_person=True)
    assert added.person_id == person.id
    with pytest.raises(Conflict):
        services.add_participant(meeting, {}, person=person)


def test_full_name_is_split_and_parts_win(ctx, delegates, org):
    organization = _meeting(delegates, org).organization
    p = services.create_person(organization, {"full_name": "  Tôn Nữ Thị   Ninh "})
    assert (p.family_name, p.middle_name, p.given_name) == ("Tôn", "Nữ Thị", "Ninh")
    q = services.create_person(organization, {"full_name": "Tôn Nữ Thị Ninh", "family_name": "Tôn Nữ",
                                              "middle_name": "Thị", "given_name": "Ninh"}, allow_duplicate=True)
    assert (q.family_name, q.middle_name, q.given_name) == ("Tôn Nữ", "Thị", "Ninh")
    with pytest.raises(ValidationError) as info:
        services.create_person(organization, {"full_name": "   "})
    assert info.value.field == "given_name"


def test_precedence_default_comes_from_the_title_but_never_overrides(ctx, delegates, org):
    meeting = _meeting(delegates, org)
    a = services.add_participant(meeting, {"full_name": "Nguyễn Văn A", "title": "Bí thư Thành ủy"})
    b = services.add_participant(meeting, {"full_name": "Nguyễn Văn B", "title": "Bí thư Thành ủy",
                                           "precedence": 7})
    c = services.add_participant(meeting, {"full_name": "Nguyễn Văn C", "title": "Chuyên viên"})
    assert (a.precedence, b.precedence, c.precedence) == (None, 7, None)
    assert a.protocol_rank == suggest_precedence("Bí thư Thành ủy") and b.protocol_rank == 7
    assert c.protocol_rank == CATEGORY_RANKS[ParticipantCategory.delegate]
    assert a.category == ParticipantCategory.leader and c.category == ParticipantCategory.delegate
    services.update_participant(b, {"title": "Ủy viên Bộ Chính trị"})
    assert b.precedence == 7
    with pytest.raises(ValidationError):
        services.update_participant(b, {"precedence": 0})


def test_participant_is_scoped_to_organization_and_clearance(app, ctx, delegates, factory, org):
    from planner.accounts.models import Organization, User

    secret = delegates.meeting(org, classification="secret")
    pid = delegates.participant(org, secret, "Nguyễn Văn An")
    organization = db.session.get(Organization, org.id)
    low = db.session.get(User, factory.user(org, clearance="internal").id)
    high = db.session.get(User, factory.user(org, clearance="secret").id)
    assert services.get_participant(organization, pid, user=high).public_id == pid
    with pytest.raises(NotFound):
        services.get_participant(organization, pid, user=low)
    other = db.session.get(Organization, factory.organization().id)
    with pytest.raises(NotFound):
        services.get_participant(other, pid, user=None)


def test_closed_meeting_is_read_only_but_attendance_can_be_corrected(ctx, delegates, org):
    meeting_id = delegates.meeting(org)
    pid = delegates.participant(org, meeting_id, "Nguyễn Văn An")
    delegates.set_status(meeting_id, "closed")
    db.session.remove()
    meeting = delegates.load_meeting(org, meeting_id)
    participant = services.get_participant(meeting.organization, pid, user=None)
    with pytest.raises(Conflict):
        services.update_participant(participant, {"title": "Chuyên viên"})
    with pytest.raises(Conflict):
        services.remove_participant(participant)
    with pytest.raises(Conflict):
        services.add_participant(meeting, {"full_name": "Trần Văn Bình"})
    services.set_attendance(participant, meeting.starts_on, "excused", "Đi công tác nước ngoài")
    record = participant.attendance_on(meeting.starts_on)
    assert (record.status.value, record.reason) == ("excused", "Đi công tác nước ngoài")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "participant.attendance"))
    assert entry is not None and entry.object_id == pid


def test_check_in_is_idempotent_and_only_on_a_meeting_day(ctx, delegates, org):
    meeting = _meeting(delegates, org)
    participant = services.add_participant(meeting, {"full_name": "Nguyễn Văn An"})
    first = services.check_in(participant)
    again = services.check_in(participant)
    by_code = services.check_in_by_code(meeting, participant.badge_code.lower())
    assert (first.new, again.new, by_code.new) == (True, False, False)
    assert db.session.scalar(select(func.count(ParticipantAttendance.id))) == 1
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "participant.checked_in")) == 1
    with pytest.raises(NotFound):
        services.check_in_by_code(meeting, "NOPE1234")
    with pytest.raises(Conflict):
        services.check_in(participant, meeting.starts_on + timedelta(days=3))


def test_rsvp_is_recorded_and_audited(ctx, delegates, org):
    meeting = _meeting(delegates, org)
    participant = services.add_participant(meeting, {"full_name": "Nguyễn Văn An"})
    services.set_rsvp(participant, "declined")
    assert participant.rsvp.value == "declined"
    with pytest.raises(ValidationError):
        services.set_rsvp(participant, "maybe")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "participant.updated"))
    assert entry.changes["rsvp"] == ["invited", "declined"]


def test_check_in_after_an_excuse_turns_it_into_presence(ctx, delegates, org):
    meeting = _meeting(delegates, org)
    participant = services.add_participant(meeting, {"full_name": "Nguyễn Văn An"})
    services.set_attendance(participant, None, "excused", "Ốm")
    result = services.check_in(participant)
    assert result.new
    assert result.attendance.status.value == "present"
    assert result.attendance.reason == ""


def test_concurrent_check_ins_count_once(app, delegates, org, monkeypatch):
    """Two doors scan the same badge at once: separate sessions, both see no check-in yet, both insert;
    the unique (participant, day) constraint lets one win and the other answers 'already checked in'."""
    meeting_id = delegates.meeting(org)
    pid = delegates.participant(org, meeting_id, "Nguyễn Văn An")
    both_looked = threading.Barrier(2, timeout=10)
    original = services._attendance_row
    calls = {"n": 0}

    def racing_lookup(participant_id, day):
        found = original(participant_id, day)
        calls["n"] += 1
        if calls["n"] <= 2:
            both_looked.wait()  # neither inserts before both have seen "not checked in"
        return found

    monkeypatch.setattr(services, "_attendance_row", racing_lookup)
    results, failures = [], []

    def door():
        try:
            with app.test_request_context():
                from planner.accounts.models import Organization

                participant = services.get_participant(db.session.get(Organization, org.id), pid, user=None)
                results.append(services.check_in(participant).new)
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=door) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
    assert sorted(results) == [False, True]
    with app.app_context():
        assert db.session.scalar(select(func.count(ParticipantAttendance.id))) == 1
        assert db.session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.action == "participant.checked_in")) == 1


def test_attendance_paragraph_of_a_meeting_day(ctx, delegates, org):
    meeting = _meeting(delegates, org)
    leader = services.add_participant(meeting, {"full_name": "Trần Văn Bình", "category": "leader",
                                                "title": "Bí thư Thành ủy"})
    delegate = services.add_participant(meeting, {"full_name": "Lê Văn Cường"})
    services.add_participant(meeting, {"full_name": "Đỗ Văn Dũng"})
    services.check_in(leader)
    services.check_in(delegate)
    assert services.attendance_paragraph(meeting, meeting.starts_on) == (
        "Đến dự có đồng chí Trần Văn Bình - Bí thư Thành ủy; cùng 1 đại biểu.")
    assert services.attendance_paragraph(meeting).endswith("cùng 2 đại biểu.")


# Import -------------------------------------------------------------------------------------------------

def _csv(rows: list[str], header: str = "STT,Họ và tên,Chức vụ,Đơn vị,Thành phần,Email") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8-sig")


def test_import_with_one_bad_row_in_500_saves_nothing_and_names_the_row(ctx, delegates, org):
    meeting = _meeting(delegates, org)
    rows = [f"{i},Nguyễn Văn Người{i},Chuyên viên,Đơn vị {i % 7},đại biểu,n{i}@example.vn" for i in range(1, 501)]
    rows[316] = "317,Nguyễn Văn Sai,Chuyên viên,Đơn vị 1,đại biểu,not-an-address"
    with pytest.raises(ValidationError) as info:
        services.import_file(meeting, _csv(rows), "ds.csv")
    assert info.value.errors == [{"row": 318, "column": "Email", "detail": info.value.errors[0]["detail"]}]
    assert "not-an-address" in info.value.errors[0]["detail"]
    assert db.session.scalar(select(func.count(Participant.id))) == 0
    assert db.session.scalar(select(func.count(Person.id))) == 0
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "participants.imported")) == 0


def test_import_then_reimport_creates_no_duplicates(ctx, delegates, org):
    meeting = _meeting(delegates, org)
    data = _csv([
        "1,Nguyễn Văn An,Bí thư Thành ủy,Thành ủy,khách mời,an@example.vn",
        "2,Trần Thị Bình,Chuyên viên,Văn phòng,,",
        "3,Lê Văn Cường,,Sở Y tế,báo chí,",
    ])
    dry = services.import_file(meeting, data, "ds.csv", dry_run=True)
    assert (dry.plan.created, dry.plan.updated, dry.saved) == (3, 0, False)
    assert db.session.scalar(select(func.count(Participant.id))) == 0
    first = services.import_file(meeting, data, "ds.csv")
    assert (first.plan.created, first.plan.updated, first.plan.unchanged) == (3, 0, 0)
    again = services.import_file(meeting, data, "ds.csv")
    assert (again.plan.created, again.plan.updated, again.plan.unchanged) == (0, 0, 3)
    changed = _csv(["1,Nguyễn Văn An,Ủy viên Trung ương Đảng,Thành ủy,khách mời,an@example.vn",
                    "2,Trần Thị Bình,Chuyên viên,Văn phòng,,"])
    third = services.import_file(meeting, changed, "ds.csv")
    assert (third.plan.created, third.plan.updated, third.plan.unchanged) == (0, 1, 1)
    assert db.session.scalar(select(func.count(Participant.id))) == 3
    assert db.session.scalar(select(func.count(Person.id))) == 3
    listed = services.all_participants(meeting)
    assert listed[0].full_name == "Nguyễn Văn An"
    assert listed[0].title == "Ủy viên Trung ương Đảng"
    assert listed[0].precedence is None  # no number of its own: the title as of now ranks them
    assert listed[0].protocol_rank == suggest_precedence("Ủy viên Trung ương Đảng")
    assert {p.category.value for p in listed} == {"guest", "delegate", "press"}
    # another meeting reuses the directory's people
    other = _meeting(delegates, org)
    result = services.import_file(other, data, "ds.csv")
    assert result.plan.created == 3
    assert db.session.scalar(select(func.count(Person.id))) == 3
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "participants.imported")).all()
    assert len(entries) == 4
    assert entries[0].changes["created"] == 3


def test_an_import_sends_as_many_statements_for_60_rows_as_for_20(ctx, delegates, org):
    """The people and participants of an import go in multi-row INSERTs (and the rows are planned once),
    on SQLite as on PostgreSQL: not one INSERT per row."""
    counts = []
    for n in (20, 60):
        meeting = _meeting(delegates, org)
        rows = [f"{i},Trần Văn Người{n}x{i},Chuyên viên,Đơn vị {i % 7},đại biểu,m{n}x{i}@example.vn"
                for i in range(1, n + 1)]
        with QueryCounter(db.engine) as counter:
            result = services.import_file(meeting, _csv(rows), "ds.csv")
        assert result.plan.created == n
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    assert db.session.scalar(select(func.count(Participant.id))) == 80
    assert len({p.public_id for p in db.session.scalars(select(Participant))}) == 80


def test_import_refuses_the_same_person_twice_in_a_file(ctx, delegates, org):
    meeting = _meeting(delegates, org)
    data = _csv(["1,Nguyễn Văn An,,Sở Y tế,,", "2,Trần Văn Bình,,,,b@example.vn", "3,NGUYEN VAN AN,,Sở Y Tế,,",
                 "4,Trần Văn Bính,,,,b@example.vn"])
    with pytest.raises(ValidationError) as info:
        services.import_file(meeting, data)
    assert [e["row"] for e in info.value.errors] == [4, 5]


def test_cp1258_csv_imports_correctly(ctx, delegates, org):
    meeting = _meeting(delegates, org)
    text = ("Họ và tên,Chức vụ,Đơn vị,Thành phần\r\n"
            "Nguyễn Thị Thủy,Phó Giám đốc Sở,Sở Văn hóa và Thể thao,Đại biểu\r\n"
            "Đặng Văn Ước,Chủ tịch UBND huyện,UBND huyện Hòa Vang,Khách mời\r\n")
    result = services.import_file(meeting, cp1258(text), "cu.csv")
    assert result.table.encoding == "cp1258"
    assert result.plan.created == 2
    names = {p.full_name: p for p in services.all_participants(meeting)}
    assert set(names) == {"Nguyễn Thị Thủy", "Đặng Văn Ước"}
    assert names["Đặng Văn Ước"].unit == "UBND huyện Hòa Vang"
    assert names["Đặng Văn Ước"].category.value == "guest"
    assert [p.full_name for p in services.list_participants(meeting, q="thuy")[0]] == ["Nguyễn Thị Thủy"]


def test_import_size_limit_and_closed_meeting(ctx, delegates, org):
    meeting_id = delegates.meeting(org)
    meeting = delegates.load_meeting(org, meeting_id)
    with pytest.raises(ValidationError) as info:
        services.import_file(meeting, _csv(["1,A Văn B,,,,"]), max_bytes=10)
    assert info.value.field == "file" and "10 B" in info.value.message
    delegates.set_status(meeting_id, "closed")
    db.session.remove()
    meeting = delegates.load_meeting(org, meeting_id)
    with pytest.raises(Conflict):
        services.import_file(meeting, _csv(["1,A Văn B,,,,"]))


# Export ----------------------------------------------------------------------------------------------------

def test_formula_in_a_name_is_inert_in_xlsx_and_csv(ctx, delegates, org):
    meeting = _meeting(delegates, org)
    services.add_participant(meeting, {"family_name": "=HYPERLINK(\"http://x.example\",\"Bấm\")",
                                       "given_name": "@SUM(A1)", "title": "+84 chức vụ", "unit": "-1+2"})
    participants = services.all_participants(meeting)
    header, rows = exporting.headers(), exporting.participant_rows(participants)

    text = exporting.to_csv(header, rows).decode("utf-8-sig")
    line = text.splitlines()[1]
    assert "'=HYPERLINK" in line and "'@SUM(A1)" in line and "'+84 chức vụ" in line and "'-1+2" in line
    assert ",=" not in line and ",@" not in line and ",+" not in line and ",-" not in line

    sheet = load_workbook(io.BytesIO(exporting.to_xlsx(header, rows))).active
    values = [cell for cell in next(sheet.iter_rows(min_row=2, max_row=2))]
    texts = [c.value for c in values if isinstance(c.value, str)]
    assert "'=HYPERLINK(\"http://x.example\",\"Bấm\")" in texts
    assert all(c.data_type != "f" for c in values)
    assert not any(str(c.value).startswith(("=", "+", "-", "@")) for c in values if c.value is not None)


def test_export_is_in_protocol_order_and_reimports_to_the_same_list(ctx, delegates, org):
    meeting = _meeting(delegates, org)
    services.add_participant(meeting, {"full_name": "Trần Văn Bình", "phone": "+84 905 000 111"})
    services.add_participant(meeting, {"full_name": "Lê Thị An", "title": "Bí thư Thành ủy", "category": "guest"})
    participants = services.all_participants(meeting)
    data = exporting.to_xlsx(exporting.headers(), exporting.participant_rows(participants))
    sheet = load_workbook(io.BytesIO(data)).active
    assert [r[1:4] for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        ("Lê", "Thị", "An"), ("Trần", "Văn", "Bình")]
    result = services.import_file(meeting, data, "export.xlsx")
    assert (result.plan.created, result.plan.updated, result.plan.unchanged) == (0, 0, 2)


def test_xlsx_export_keeps_its_sheet_header_widths_styles_and_values(ctx, delegates, org):
    """The workbook as openpyxl wrote it cell by cell before the rows were written as text (issue 19):
    the sheet's name, the bold header, the widths, the frozen header row, text wrapped at the top and
    kept as text, numbers as numbers, an empty precedence empty, and the sheet's size stated."""
    meeting = _meeting(delegates, org)
    services.add_participant(meeting, {"full_name": "Lê Thị An", "title": "Bí thư Thành ủy", "category": "guest",
                                       "precedence": 3, "email": "an@example.vn", "note": "Muộn <15\u2019> & về sớm"})
    services.add_participant(meeting, {"full_name": "Trần Văn Bình", "phone": "0905000111"})
    participants = services.all_participants(meeting)
    header, rows = exporting.headers(), exporting.participant_rows(participants)
    data = exporting.to_xlsx(header, rows, sheet_title="Đại biểu: danh sách/1")

    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Đại biểu  danh sách 1"]
    sheet = workbook.active
    assert sheet.freeze_panes == "A2"
    assert sheet.dimensions == "A1:P3"
    assert [sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJKLMNOP"] == [
        width for _label, width in exporting.COLUMNS]
    assert [c.value for c in sheet[1]] == header
    assert all(c.font.b for c in sheet[1])
    assert [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        [v if v != "" else None for v in row] for row in rows]
    first = sheet[2]
    assert first[0].data_type == "n" and first[0].value == 1 and not first[0].alignment.wrap_text
    assert first[9].data_type == "n" and first[9].value == 3
    assert sheet[3][9].value is None and sheet[3][12].value == "0905000111"  # a phone number stays text
    for cell in (*first[1:9], sheet[3][12]):
        assert cell.data_type in ("s", "inlineStr") and cell.alignment.wrap_text and cell.alignment.vertical == "top"
    assert first[15].value == "Muộn <15\u2019> & về sớm"


# Query counts ----------------------------------------------------------------------------------------------

def _bulk(meeting, n: int) -> None:
    people = [Person(organization_id=meeting.organization_id, family_name="Nguyễn", middle_name="Văn",
                     given_name=f"Người{i:04d}", unit=f"Đơn vị {i % 30}") for i in range(n)]
    db.session.add_all(people)
    db.session.flush()
    db.session.add_all([Participant(meeting_id=meeting.id, person=p, unit=p.unit, category="delegate",
                                    precedence=DEFAULT_PRECEDENCE - (i % 5)) for i, p in enumerate(people)])
    db.session.commit()


def _page_queries(meeting, **kwargs) -> int:
    db.session.refresh(meeting)
    with QueryCounter(db.engine) as counter:
        items, _total = services.list_participants(meeting, limit=50, **kwargs)
        services.participant_counts(meeting)
        for p in items:
            _ = (p.full_name, p.attendance, p.person.email)
    assert items
    return counter.count


def test_list_runs_a_fixed_number_of_queries_at_100_and_3000(ctx, delegates, org):
    small = _meeting(delegates, org)
    large = _meeting(delegates, org)
    _bulk(small, 100)
    _bulk(large, 3000)
    for kwargs in ({"order": "protocol"}, {"order": "name", "offset": 50}, {"order": "unit", "q": "nguoi00"}):
        assert _page_queries(small, **kwargs) == _page_queries(large, **kwargs) <= 4


def test_recurring_meeting_checks_in_on_its_occurrences(ctx, delegates, org):
    from planner.meetings import services as meetings

    today = delegates.today()
    weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[today.weekday()]
    meeting_id = delegates.meeting(org, title="Giao ban Văn phòng", kind="briefing",
                                   starts_on=today - timedelta(weeks=3), recurrence=f"FREQ=WEEKLY;BYDAY={weekday}")
    meeting = delegates.load_meeting(org, meeting_id)
    participant = services.add_participant(meeting, {"full_name": "Lê Thị Mai"})
    last_week = today - timedelta(weeks=1)
    assert services.is_meeting_day(meeting, today) and services.is_meeting_day(meeting, last_week)
    assert not services.is_meeting_day(meeting, today - timedelta(days=1))
    assert services.check_in(participant).day == today
    services.set_attendance(participant, last_week, "excused", "Nghỉ phép")
    assert participant.attendance_on(last_week).reason == "Nghỉ phép"
    with pytest.raises(ValidationError):
        services.set_attendance(participant, today - timedelta(days=2), "present")
    days = services.meeting_days(meeting)
    assert today in days and last_week in days and today - timedelta(days=1) not in days
    assert services.reference_day(meeting, today + timedelta(days=2)) == today
    meetings.cancel_occurrence(meeting, today + timedelta(weeks=1), note="Nghỉ lễ")
    assert not services.is_meeting_day(meeting, today + timedelta(weeks=1))


def test_a_refused_person_lets_the_directory_go_at_once(ctx, delegates, org):
    """A namesake refused (DuplicatePerson) rolls its block back: the organization's directory lock is let go at
    once, so another writer (another instance) takes it without waiting."""
    from sqlalchemy import text

    from planner.core.db import independent

    meeting = _meeting(delegates, org)
    services.create_person(meeting.organization, {"full_name": "Nguyễn Văn Lộc", "unit": "Sở Tư pháp"})
    with pytest.raises(services.DuplicatePerson):
        services.create_person(meeting.organization, {"full_name": "Nguyễn Văn Lộc", "unit": "Sở Tư pháp"})
    with independent() as other:
        if other.get_bind().dialect.name == "postgresql":
            taken = other.scalar(text("SELECT pg_try_advisory_xact_lock(:kind, :org)"),
                                 {"kind": services.people._DIRECTORY_LOCK, "org": meeting.organization_id})
            assert taken is True
        else:  # SQLite: the refused writer holds no write lock; another connection writes at once
            other.execute(text("PRAGMA busy_timeout = 100"))
            other.execute(text("UPDATE organizations SET name = name WHERE id = :org"),
                          {"org": meeting.organization_id})
