"""An import of people new to the directory writes them in multi-row INSERTs, which run no mapper event: the
stored text and derived columns (collation keys, folded name, unit and search text, protocol rank) must be
what the one-by-one path of the services writes, the event log the same, and a refusal must still save
nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, inspect, select

from planner.core.audit import AuditEntry
from planner.core.errors import ValidationError
from planner.delegates import services
from planner.delegates.models import Participant, Person
from planner.delegates.services import imports
from planner.extensions import db
from tests.delegates.conftest import QueryCounter

# Rows as offices write them: names with and without a middle name, one name alone, a woman's four words,
# "Đ" and tones that fold, a title that ranks by its tier (no number), numbers of the office, categories
# given and not (the title then suggests one), mixed-case e-mails, empty cells, and units that repeat.
ROWS: list[dict[str, Any]] = [
    {"full_name": "Nguyễn Văn An", "title": "Bí thư Tỉnh ủy", "unit": "Tỉnh ủy Nghệ An", "category": "leader",
     "precedence": 1, "email": "An.Nguyen@Example.VN", "honorific": "đồng chí"},
    {"full_name": "Trần Thị Minh Khai", "title": "Phó Chủ tịch UBND tỉnh", "unit": "UBND tỉnh Nghệ An",
     "phone": "0905 000 111", "honorific": "bà"},
    {"full_name": "Đặng Ước", "title": "Phóng viên", "unit": "Báo Nghệ An", "delegation": "Đoàn báo chí",
     "seat": "B-12"},
    {"full_name": "Lê Văn Đức", "title": "Chuyên viên", "unit": "Văn phòng Tỉnh ủy", "category": "staff",
     "note": "Trực bàn đón tiếp"},
    {"full_name": "Hòa", "unit": "Sở Y tế"},
    {"full_name": "Phạm Quốc Khánh", "title": "Chủ tịch Ủy ban Mặt trận Tổ quốc tỉnh", "unit": "MTTQ tỉnh",
     "category": "guest", "precedence": 40},
    {"full_name": "Võ Thị Ánh Tuyết", "title": "Ủy viên Ban Thường vụ Tỉnh ủy", "unit": "Tỉnh ủy Nghệ An",
     "email": "tuyet@example.vn", "delegation": "Đoàn Đảng bộ Khối các cơ quan tỉnh"},
    {"full_name": "Nguyễn Văn Ân", "title": "Chuyên viên", "unit": "Sở Y tế", "category": "observer"},
]
CATEGORY_WORDS = {"leader": "Lãnh đạo", "guest": "khách mời", "staff": "Phục vụ", "observer": "dự thính"}
HEADER = ("Họ và tên", "Xưng hô", "Chức vụ", "Đơn vị", "Đoàn", "Thành phần", "Thứ tự", "Ghế", "Email", "Điện thoại",
          "Ghi chú")
FIELDS = ("full_name", "honorific", "title", "unit", "delegation", "category", "precedence", "seat", "email", "phone",
          "note")
# Columns that differ by nature between two organizations' copies of the same list.
OWN_COLUMNS = {"id", "public_id", "organization_id", "meeting_id", "person_id", "badge_code", "created_at",
               "updated_at"}


def _csv(rows: list[dict[str, Any]]) -> bytes:
    def cell(row: dict[str, Any], name: str) -> str:
        value = row.get(name, "")
        return CATEGORY_WORDS.get(value, value) if name == "category" else str(value)

    lines = [",".join(HEADER), *(",".join(cell(row, name) for name in FIELDS) for row in rows)]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def _columns(obj: Any) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in inspect(type(obj)).column_attrs if c.key not in OWN_COLUMNS}


def _by_name(meeting) -> dict[str, Participant]:
    return {p.full_name: p for p in services.all_participants(meeting)}


def test_new_people_of_an_import_are_stored_as_the_services_store_them_one_by_one(ctx, delegates, factory):
    imported_org, typed_org = factory.organization(), factory.organization()
    imported = delegates.load_meeting(imported_org, delegates.meeting(imported_org))
    typed = delegates.load_meeting(typed_org, delegates.meeting(typed_org))
    for row in ROWS:
        services.add_participant(typed, dict(row))
    result = services.import_file(imported, _csv(ROWS), "ds.csv")
    assert (result.plan.created, result.plan.updated, result.plan.unchanged) == (len(ROWS), 0, 0)
    db.session.expire_all()

    imported_list, typed_list = _by_name(imported), _by_name(typed)
    assert set(imported_list) == set(typed_list) == {row["full_name"] for row in ROWS}
    for name, participant in imported_list.items():
        other = typed_list[name]
        assert _columns(participant.person) == _columns(other.person), name
        assert _columns(participant) == _columns(other), name
        assert participant.person.organization_id == imported_org.id
    # The keys order and find the same: protocol, name and unit order, a search without diacritics.
    for order in ("protocol", "name", "unit"):
        assert ([p.full_name for p in services.all_participants(imported, order=order)]
                == [p.full_name for p in services.all_participants(typed, order=order)]), order
    assert {p.full_name for p in services.list_participants(imported, q="duc")[0]} == {"Lê Văn Đức"}
    assert {p.full_name for p in services.list_participants(imported, q="UOC")[0]} == {"Đặng Ước"}
    for q in ("tinh uy", "nguyen van an", "y te"):
        found = [p.full_name for p in services.list_people(imported_org, q=q)[0]]
        assert found == [p.full_name for p in services.list_people(typed_org, q=q)[0]], q
    assert [p.full_name for p in services.list_people(imported_org, q="y te")[0]] == ["Nguyễn Văn Ân", "Hòa"]
    # A second import of the same file finds every one of them (by e-mail, else name and unit).
    again = services.import_file(imported, _csv(ROWS), "ds.csv")
    assert (again.plan.created, again.plan.updated, again.plan.unchanged) == (0, 0, len(ROWS))
    assert db.session.scalar(select(func.count(Person.id)).where(Person.organization_id == imported_org.id)) == len(
        ROWS)


def test_an_import_of_new_people_writes_one_entry_in_the_log(ctx, delegates, org):
    meeting = delegates.load_meeting(org, delegates.meeting(org))
    before = db.session.scalar(select(func.max(AuditEntry.id))) or 0
    services.import_file(meeting, _csv(ROWS), "ds.csv")
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.id > before)).all()
    assert [(e.action, e.meeting_id, e.object_id) for e in entries] == [
        ("participants.imported", meeting.id, meeting.public_id)]
    assert entries[0].changes == {"file": "ds.csv", "created": len(ROWS), "updated": 0, "unchanged": 0}


def test_an_import_of_new_and_known_people_keeps_the_file_order_and_the_directory(ctx, delegates, org):
    """Known people join with their directory's values; new people are made; the participants are written in
    the file's order (their ids follow it), each with its own person."""
    meeting = delegates.load_meeting(org, delegates.meeting(org))
    known = services.create_person(org, {"full_name": "Trần Thị Minh Khai", "unit": "UBND tỉnh Nghệ An",
                                         "title": "Phó Chủ tịch UBND tỉnh", "default_precedence": 7})
    services.import_file(meeting, _csv(ROWS), "ds.csv")
    listed = db.session.scalars(select(Participant).where(Participant.meeting_id == meeting.id)
                                .order_by(Participant.id)).all()
    assert [p.full_name for p in listed] == [row["full_name"] for row in ROWS]
    khai = listed[1]
    assert khai.person_id == known.id and khai.precedence == 7
    assert db.session.scalar(select(func.count(Person.id)).where(Person.organization_id == org.id)) == len(ROWS)
    assert len({p.person_id for p in listed}) == len(ROWS)


def test_a_refused_row_saves_none_of_the_new_people_and_says_which_row_in_vietnamese(ctx, delegates, org):
    meeting = delegates.load_meeting(org, delegates.meeting(org))
    rows = [*ROWS, {**ROWS[0], "email": "an.nguyen@example.vn", "unit": "Đơn vị khác"}]
    with pytest.raises(ValidationError) as info:
        services.import_file(meeting, _csv(rows), "ds.csv")
    assert info.value.errors == [{"row": len(rows) + 1, "column": "Họ và tên",
                                  "detail": "Trùng với người ở dòng 2 (cùng họ tên và đơn vị, hoặc cùng e-mail)."}]
    assert info.value.message == "Tệp có 1 lỗi; chưa nhập dòng nào. Hãy sửa rồi thử lại."
    _assert_nothing_saved(org)


def test_a_failure_after_the_new_people_were_written_leaves_none_of_them(ctx, delegates, org, monkeypatch):
    """The people's INSERTs and the participants' are one transaction: a failure between them (here, making
    the participants' rows) rolls the people back too."""
    meeting = delegates.load_meeting(org, delegates.meeting(org))

    def fail(*_args: Any) -> dict[str, Any]:
        assert db.session.scalar(select(func.count(Person.id)).where(Person.organization_id == org.id)) == len(ROWS)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(imports, "_new_participant", fail)
    with pytest.raises(RuntimeError):
        services.import_file(meeting, _csv(ROWS), "ds.csv")
    _assert_nothing_saved(org)


def _assert_nothing_saved(org) -> None:
    db.session.remove()
    assert db.session.scalar(select(func.count(Person.id)).where(Person.organization_id == org.id)) == 0
    assert db.session.scalar(select(func.count(Participant.id))) == 0
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "participants.imported")) == 0


def test_new_people_go_in_as_many_statements_for_90_rows_as_for_30(ctx, delegates, org):
    counts = []
    for n in (30, 90):
        meeting = delegates.load_meeting(org, delegates.meeting(org))
        rows = [{"full_name": f"Trần Văn Mới{n}x{i}", "unit": f"Đơn vị {i % 5}"} for i in range(n)]
        with QueryCounter(db.engine) as counter:
            result = services.import_file(meeting, _csv(rows), "ds.csv")
        assert result.plan.created == n
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    assert db.session.scalar(select(func.count(Person.id)).where(Person.organization_id == org.id)) == 120
