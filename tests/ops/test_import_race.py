"""Two imports of one list planned before either is saved (two instances, one file, the same moment): the
second is planned again when it is saved, under the directory's lock, and creates nobody twice. The real race
between two gunicorn instances is in test_two_instances (PostgreSQL); this is its deterministic core."""

from __future__ import annotations

from sqlalchemy import func, select

from planner.extensions import db
from tests.delegates.conftest import Delegates

ROWS = 8


def test_a_plan_made_stale_by_another_import_creates_nobody_twice(app, factory):
    from planner.delegates import importing, services
    from planner.delegates.models import Participant, Person

    org = factory.organization(name="Văn phòng nhập hai lần")
    helper = Delegates(app, factory)
    meeting_id = helper.meeting(org)
    data = ("Họ và tên,Chức vụ,Đơn vị\n" + "".join(
        f"Phan Thị Trùng {k},Chuyên viên,Sở Xây dựng\n" for k in range(ROWS))).encode()
    with app.test_request_context():
        meeting = helper.load_meeting(org, meeting_id)
        table = services.read_import_table(data, "danh-sach.csv")
        rows, errors = importing.parse_rows(table, importing.guess_mapping(table.headers))
        first = services.plan_import(meeting, rows, errors)
        second = services.plan_import(meeting, rows, errors)
        assert first.created == second.created == ROWS
        assert services.commit_import(meeting, first, filename="a.csv").created == ROWS
        saved = services.commit_import(meeting, second, filename="b.csv")
        assert (saved.created, saved.unchanged) == (0, ROWS)
        people = db.session.scalar(select(func.count()).select_from(Person)
                                   .where(Person.name_folded.like("phan thi trung%")))
        listed = db.session.scalar(select(func.count()).select_from(Participant)
                                   .where(Participant.meeting_id == meeting.id))
        assert (people, listed) == (ROWS, ROWS)
