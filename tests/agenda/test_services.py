"""Agenda services: the rules of the tree and of time, bad input refused with a message, every
change audited."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from planner.agenda import services
from planner.agenda.models import AgendaItem
from planner.core.audit import AuditEntry
from planner.core.errors import Conflict, NotFound, ValidationError
from planner.extensions import db
from tests import factories
from tests.agenda.conftest import local, make_conference


def test_create_item_stores_utc_and_reads_back_local(conf):
    item = conf.item("Khai mạc", "08:00", "08:30", room=conf.rooms[0], presiding=conf.people[:2])
    assert item.starts_at == datetime(2026, 12, 3, 1, 0, tzinfo=UTC)
    assert services.local(conf.meeting, item.ends_at).strftime("%H:%M") == "08:30"
    assert [p.full_name for p in item.presiding] == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert item.room.name == "Hội trường A"
    # an offset given is taken as it is
    other = services.create_item(conf.meeting, {
        "title": "Giải lao", "kind": "break", "starts_at": "2026-12-03T09:30:00+07:00",
        "ends_at": datetime(2026, 12, 3, 2, 45, tzinfo=UTC)}, user=conf.user)
    assert services.local(conf.meeting, other.starts_at).strftime("%H:%M") == "09:30"
    assert services.local(conf.meeting, other.ends_at).strftime("%H:%M") == "09:45"


@pytest.mark.parametrize(("data", "field", "words"), [
    ({"starts_at": local(1, "09:00"), "ends_at": local(1, "08:00")}, "ends_at", "end after"),
    ({"starts_at": local(1, "09:00"), "ends_at": local(1, "09:00")}, "ends_at", "end after"),
    ({"starts_at": datetime(2026, 12, 2, 9, 0), "ends_at": datetime(2026, 12, 2, 10, 0)}, "starts_at", "outside"),
    ({"starts_at": local(2, "23:00"), "ends_at": datetime(2026, 12, 5, 0, 30)}, "starts_at", "outside"),
    ({"room_id": "no-such-room"}, "room_id", "Unknown room"),
    ({"presiding_ids": ["nobody"]}, "presiding_ids", "participants of this meeting"),
    ({"parent_id": "no-such-session"}, "parent_id", "Unknown session"),
    ({"kind": "party"}, "kind", "Unknown kind"),
    ({"title": "   "}, "title", "needs a title"),
    ({"starts_at": "yesterday"}, "starts_at", "start time"),
])
def test_bad_input_is_refused_with_a_message_and_nothing_saved(conf, data, field, words):
    payload = {"title": "Báo cáo", "kind": "report", "starts_at": local(1, "08:00"), "ends_at": local(1, "09:00"),
               **data}
    with pytest.raises(ValidationError) as refused:
        services.create_item(conf.meeting, payload, user=conf.user)
    assert refused.value.field == field
    assert words in refused.value.message
    db.session.rollback()
    assert db.session.scalar(select(AgendaItem.id)) is None


def test_another_meetings_room_and_participant_are_unknown(conf):
    other = make_conference(org_name="Văn phòng UBND tỉnh", title="Hội nghị khác")
    with pytest.raises(ValidationError, match="Unknown room"):
        conf.item("Báo cáo", "08:00", "09:00", room=other.rooms[0])
    with pytest.raises(ValidationError, match="participants"):
        conf.item("Báo cáo", "08:00", "09:00", presiding=[other.people[0]])


def test_session_rules(conf):
    session = conf.session("Phiên khai mạc", "08:00", "11:30", room=conf.rooms[0])
    inside = conf.item("Báo cáo", "08:30", "09:30", session=session)
    assert inside.parent_id == session.id
    with pytest.raises(ValidationError, match="outside its session") as refused:
        conf.item("Thảo luận", "11:00", "12:00", session=session)
    assert "08:00–11:30" in refused.value.message
    with pytest.raises(ValidationError, match="Sessions cannot be inside"):
        conf.session("Phiên con", "09:00", "10:00", session=session)
    with pytest.raises(ValidationError, match="Unknown session"):
        conf.item("Trong một mục", "08:30", "08:40", session=inside)
    with pytest.raises(ValidationError, match="holds items"):
        services.update_item(session, {"kind": "report"}, user=conf.user)


def test_stale_edit_is_a_conflict_and_keeps_the_saved_version(conf):
    item = conf.item("Báo cáo", "08:00", "09:00")
    read_version = item.version
    services.update_item(item, {"title": "Báo cáo tổng kết"}, user=conf.user, version=read_version)
    with pytest.raises(Conflict, match="Someone else saved"):
        services.update_item(item, {"title": "Báo cáo của tôi"}, user=conf.user, version=read_version)
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).title == "Báo cáo tổng kết"


def test_changing_only_presiding_moves_the_version(conf):
    item = conf.item("Báo cáo", "08:00", "09:00", presiding=[conf.people[0]])
    version = item.version
    services.update_item(item, {"presiding_ids": [conf.people[1].public_id, conf.people[0].public_id]},
                         user=conf.user, version=version)
    assert item.version == version + 1
    assert [p.full_name for p in item.presiding] == ["Trần Thị Bình", "Nguyễn Văn An"]


def test_every_change_is_audited_with_the_meeting(conf):
    session = conf.session("Phiên 1", "08:00", "11:00")
    item = conf.item("Báo cáo", "08:00", "09:00", session=session)
    services.update_item(item, {"title": "Báo cáo chính trị"}, user=conf.user)
    services.update_item(item, {"title": "Báo cáo chính trị"}, user=conf.user)  # no change, no entry
    services.delete_item(item, user=conf.user)
    entries = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("agenda%"))
                                      .order_by(AuditEntry.id)))
    assert [e.action for e in entries] == ["agenda_item.created", "agenda_item.created", "agenda_item.updated",
                                           "agenda_item.deleted"]
    assert {e.meeting_id for e in entries} == {conf.meeting.id}
    assert entries[2].changes == {"title": ["Báo cáo", "Báo cáo chính trị"]}


def test_deleting_a_session_with_items_needs_confirmation(conf):
    session = conf.session("Phiên 1", "08:00", "11:00")
    conf.item("Báo cáo", "08:00", "09:00", session=session)
    conf.item("Thảo luận", "09:00", "10:00", session=session)
    with pytest.raises(Conflict, match="holds 2 items"):
        services.delete_item(session, user=conf.user)
    assert services.delete_item(session, user=conf.user, with_items=True) == 3
    assert db.session.scalar(select(AgendaItem.id)) is None


def test_closed_meeting_is_read_only(conf):
    from planner.meetings.models import MeetingStatus

    item = conf.item("Báo cáo", "08:00", "09:00")
    conf.meeting.status = MeetingStatus.closed
    db.session.commit()
    with pytest.raises(Conflict):
        services.update_item(item, {"title": "Khác"}, user=conf.user)
    with pytest.raises(Conflict):
        conf.item("Mới", "10:00", "11:00")


def test_items_at_the_same_time_keep_a_manual_order(conf):
    a = conf.item("Chào cờ", "08:00", "08:10", kind="ceremony")
    b = conf.item("Tuyên bố lý do", "08:00", "08:10", kind="ceremony")
    c = conf.item("Giới thiệu đại biểu", "08:00", "08:10", kind="ceremony")
    titles = lambda: [i.title for i in services.list_items(conf.meeting, conf.user)]  # noqa: E731
    assert titles() == ["Chào cờ", "Tuyên bố lý do", "Giới thiệu đại biểu"]
    assert services.move(c, "up", user=conf.user)
    assert titles() == ["Chào cờ", "Giới thiệu đại biểu", "Tuyên bố lý do"]
    assert not services.move(a, "up", user=conf.user)  # already first: nothing happens
    services.reorder(conf.meeting, b, parent_id=None, order=[b.public_id, a.public_id, c.public_id], user=conf.user)
    assert titles() == ["Tuyên bố lý do", "Chào cờ", "Giới thiệu đại biểu"]
    moves = services.can_move(services.list_items(conf.meeting, conf.user))
    assert moves[b.id] == (False, True) and moves[c.id] == (True, False)


def test_reorder_moves_into_and_out_of_a_session(conf):
    session = conf.session("Phiên 1", "08:00", "11:00")
    item = conf.item("Báo cáo", "09:00", "10:00")
    services.reorder(conf.meeting, item, parent_id=session.public_id, order=[item.public_id], user=conf.user)
    assert item.parent_id == session.id
    services.reorder(conf.meeting, item, parent_id=None, order=[], user=conf.user)
    assert item.parent_id is None
    late = conf.item("Bế mạc", "11:30", "12:00")
    with pytest.raises(ValidationError, match="outside its session"):
        services.reorder(conf.meeting, late, parent_id=session.public_id, order=[], user=conf.user)
    other = conf.session("Phiên 2", "13:30", "17:00")
    with pytest.raises(ValidationError, match="Sessions cannot"):
        services.reorder(conf.meeting, other, parent_id=session.public_id, order=[], user=conf.user)


def clocks(conf, *items) -> list[str]:
    db.session.expire_all()
    out = []
    for item in items:
        fresh = db.session.get(AgendaItem, item.id)
        start, end = services.local(conf.meeting, fresh.starts_at), services.local(conf.meeting, fresh.ends_at)
        out.append(f"{start:%H:%M}-{end:%H:%M}")
    return out


def test_shift_following_when_an_item_runs_late(conf):
    morning = conf.session("Phiên sáng", "08:00", "11:00", room=conf.rooms[0])
    first = conf.item("Khai mạc", "08:00", "08:30", session=morning)
    late = conf.item("Báo cáo", "08:30", "09:30", session=morning)
    after = conf.item("Thảo luận", "09:30", "11:00", session=morning)
    lunch = conf.item("Nghỉ trưa", "11:00", "13:30", kind="break")
    afternoon = conf.session("Phiên chiều", "13:30", "17:00")
    inside = conf.item("Tham luận", "13:30", "14:00", session=afternoon)
    next_day = conf.item("Ngày hai", "08:00", "09:00", day=2)
    assert services.shift_following(conf.meeting, late, 15, user=conf.user) == 5
    assert clocks(conf, morning, first, late, after, lunch, afternoon, inside, next_day) == [
        "08:00-11:15", "08:00-08:30", "08:45-09:45", "09:45-11:15", "11:15-13:45", "13:45-17:15",
        "13:45-14:15", "08:00-09:00"]
    with pytest.raises(ValidationError, match="out of its day"):
        services.shift_following(conf.meeting, late, 720, user=conf.user)
    with pytest.raises(ValidationError, match="minutes"):
        services.shift_following(conf.meeting, late, 0, user=conf.user)
    assert clocks(conf, late) == ["08:45-09:45"]  # nothing changed by the refusals


def test_move_a_session_to_another_day(conf):
    session = conf.session("Phiên chuyên đề", "13:30", "17:00", room=conf.rooms[1])
    item = conf.item("Tham luận", "14:00", "14:30", session=session)
    services.move_session(session, date(2026, 12, 4), user=conf.user)
    db.session.expire_all()
    for it in (session, item):
        fresh = db.session.get(AgendaItem, it.id)
        assert services.local(conf.meeting, fresh.starts_at).date() == date(2026, 12, 4)
    assert clocks(conf, session, item) == ["13:30-17:00", "14:00-14:30"]
    with pytest.raises(ValidationError, match="meeting's days"):
        services.move_session(db.session.get(AgendaItem, session.id), date(2026, 12, 9), user=conf.user)
    with pytest.raises(ValidationError, match="Only a session"):
        services.move_session(db.session.get(AgendaItem, item.id), date(2026, 12, 3), user=conf.user)


def test_changing_a_sessions_day_in_the_form_takes_its_items(conf):
    session = conf.session("Phiên 1", "08:00", "11:00")
    item = conf.item("Báo cáo", "08:00", "09:00", session=session)
    services.update_item(session, {"starts_at": local(2, "08:00"), "ends_at": local(2, "11:00")}, user=conf.user)
    db.session.expire_all()
    assert services.local(conf.meeting, db.session.get(AgendaItem, item.id).starts_at).date() == date(2026, 12, 4)


def test_copy_agenda_maps_days_rooms_and_people(conf):
    from planner.meetings import services as meetings

    session = conf.session("Phiên toàn thể", "08:00", "11:30", room=conf.rooms[0], presiding=[conf.people[0]])
    conf.item("Báo cáo", "08:30", "09:30", session=session, room=conf.rooms[2])
    conf.item("Bế mạc", "16:00", "16:30", day=2, presiding=[conf.people[1]])
    conf.item("Đã hủy", "10:00", "10:30", day=2, status="cancelled")
    target = meetings.create_meeting(conf.org, conf.user, title="Hội nghị năm 2027", kind="conference",
                                     starts_on=date(2027, 1, 14), ends_on=date(2027, 1, 15))
    meetings.add_room(target, name="hội trường a")    # matched by name, whatever the case
    same_person = factories.participant(target, person=conf.people[0].person)

    copied = services.copy_agenda(conf.meeting, target, user=conf.user)
    assert len(copied) == 3
    items = {i.title: i for i in services.list_items(target, conf.user)}
    assert set(items) == {"Phiên toàn thể", "Báo cáo", "Bế mạc"}
    assert services.local(target, items["Bế mạc"].starts_at) == datetime(2027, 1, 15, 16, 0,
                                                                         tzinfo=services.zone(target))
    assert items["Phiên toàn thể"].room.name == "hội trường a"
    # no room C in the target: it takes its session's room (an item created in a session does, issue 17)
    assert items["Báo cáo"].room.name == "hội trường a"
    assert items["Báo cáo"].parent_id == items["Phiên toàn thể"].id
    assert [p.id for p in items["Phiên toàn thể"].presiding] == [same_person.id]
    assert items["Bế mạc"].presiding == []
    with pytest.raises(Conflict, match="has 3 agenda items already"):
        services.copy_agenda(conf.meeting, target, user=conf.user)
    assert len(services.copy_agenda(conf.meeting, target, user=conf.user, confirm=True)) == 3

    short = meetings.create_meeting(conf.org, conf.user, title="Một ngày", starts_on=date(2027, 2, 1))
    with pytest.raises(ValidationError, match=r"on day 2 of that meeting"):
        services.copy_agenda(conf.meeting, short, user=conf.user)
    assert services.list_items(short, conf.user) == []


def test_item_rows_answer_what_list_items_answers_as_plain_rows(conf, factory):
    """The minutes read the agenda as plain rows: the same items in the same order under the same visibility rule
    (an item of a session the reader may not see goes with it), the presiding persons named in their order."""
    from planner.accounts.models import User

    closed = conf.item("Phiên kín", "08:00", "10:00", kind="session", classification="confidential",
                       presiding=conf.people[:1])
    conf.item("Trong phiên kín", "08:00", "09:00", parent_id=closed.public_id)
    conf.item("Khai mạc", "10:00", "10:30", presiding=conf.people[1::-1])
    conf.item("Mật", "10:30", "11:00", classification="confidential")
    conf.item("Báo cáo", "10:30", "11:00", presiding=conf.people[2:3])
    low_ref = factory.user(conf.org, role="secretary", clearance="internal", email="low-rows@example.vn")
    for user in (conf.user, db.session.get(User, low_ref.id)):
        items = services.list_items(conf.meeting, user)
        rows = services.item_rows(conf.meeting, user)
        assert [(r.public_id, r.title, r.kind, r.status, r.starts_at, r.ends_at) for r in rows] == \
            [(i.public_id, i.title, i.kind, i.status, i.starts_at, i.ends_at) for i in items]
        assert [[(p.full_name, p.honorific, p.title, p.unit) for p in r.presiding] for r in rows] == \
            [[(p.full_name, p.honorific, p.title, p.unit) for p in i.presiding] for i in items]
    assert [r.title for r in rows] == ["Khai mạc", "Báo cáo"]
    assert [p.full_name for p in rows[0].presiding] == ["Trần Thị Bình", "Nguyễn Văn An"]


def test_classified_items_are_hidden_from_users_without_clearance(conf, factory):
    from planner.accounts.models import User

    secret = conf.item("Nội dung mật", "08:00", "09:00", classification="confidential")
    conf.item("Công khai", "09:00", "10:00")
    low_ref = factory.user(conf.org, role="organizer", clearance="internal", email="low@example.vn")
    low = db.session.get(User, low_ref.id)
    assert [i.title for i in services.list_items(conf.meeting, low)] == ["Công khai"]
    with pytest.raises(NotFound):
        services.get_item(conf.org, secret.public_id, user=low)
    with pytest.raises(ValidationError, match="above your clearance"):
        services.create_item(conf.meeting, {"title": "Tối mật", "starts_at": local(1, "10:00"),
                                            "ends_at": local(1, "11:00"), "classification": "secret"}, user=low)


def test_conflicts_from_the_agenda(conf):
    conf.item("Báo cáo", "08:00", "09:00", room=conf.rooms[0], presiding=[conf.people[0]])
    conf.item("Tham luận", "08:30", "09:30", room=conf.rooms[0])
    conf.item("Họp báo", "08:30", "09:00", room=conf.rooms[1], presiding=[conf.people[0]])
    found = services.find_conflicts(services.list_items(conf.meeting, conf.user))
    assert sorted(c.kind for c in found) == ["person", "room"]
    person = next(c for c in found if c.kind == "person")
    assert person.person_name == "Nguyễn Văn An"


def test_order_follows_time(conf):
    a = conf.item("A", "08:00", "08:10")
    b = conf.item("B", "08:00", "08:10")
    c = conf.item("C", "09:00", "09:10")
    assert services.order_follows_time(conf.meeting, [b.public_id, a.public_id, c.public_id])
    assert not services.order_follows_time(conf.meeting, [c.public_id, a.public_id])
    assert services.order_follows_time(conf.meeting, [c.public_id])


def test_agenda_rows_read_what_the_mapped_items_hold(conf, factory):
    """The editor reads the agenda as plain rows: the same items in the same order, with the same values,
    rooms, presiding persons in their order and sessions, so that visibility, conflicts, the release
    comparison and the page see what the mapped items would have shown."""
    from planner.accounts.models import User

    session = conf.session("Phiên thứ nhất", "08:00", "11:00", room=conf.rooms[0], presiding=[conf.people[1]],
                           classification="confidential")
    conf.item("Báo cáo chính trị", "08:00", "09:00", session=session, presiding=[conf.people[2], conf.people[0]],
              performer="Đồng chí Bí thư", description="Trình bày tóm tắt")
    conf.item("Tham luận", "08:00", "09:00", session=session, kind="contributed_speech")
    conf.item("Giải lao", "09:00", "09:15", kind="break", room=conf.rooms[1])
    cancelled = conf.item("Họp báo", "13:30", "14:00", day=2, presiding=[conf.people[3]])
    services.update_item(cancelled, {"status": "cancelled"}, user=conf.user)
    db.session.expire_all()

    mapped = services.list_items(conf.meeting, None, everything=True)
    rows = services.agenda_rows(conf.meeting)
    assert [r.public_id for r in rows] == [i.public_id for i in mapped]
    assert services.snapshot(rows) == services.snapshot(mapped)
    assert [(r.id, r.parent_id, r.parent.public_id if r.parent else None, [p.person_id for p in r.presiding])
            for r in rows] == [(i.id, i.parent_id, i.parent.public_id if i.parent else None,
                                [p.person_id for p in i.presiding]) for i in mapped]
    assert services.slots(rows) == services.slots(mapped)
    assert services.find_conflicts(rows) == services.find_conflicts(mapped)
    assert services.can_move(rows) == services.can_move(mapped)
    assert services.pending_changes(conf.meeting, rows)[1] == services.pending_changes(conf.meeting, mapped)[1]
    # the visibility rule reads the rows' sessions: the confidential session hides its items with it
    low_ref = factory.user(conf.org, role="organizer", clearance="internal", email="low-rows@example.vn")
    low = db.session.get(User, low_ref.id)
    assert ([r.title for r in services.visible_items(conf.meeting, rows, low)]
            == [i.title for i in services.list_items(conf.meeting, low)] == ["Giải lao", "Họp báo"])
