"""Meeting services: checks, the status workflow, rooms, presiding persons, occurrences, scoping.
Every change writes one audit entry; a refused change leaves nothing behind."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select

from planner.core.errors import Conflict, NotFound, ValidationError
from planner.extensions import db
from planner.meetings import recurrence, services
from planner.meetings.models import Meeting, MeetingStatus, OccurrenceChange
from tests.meetings.conftest import MONDAY, audit_actions, make_office

# Bad input ----------------------------------------------------------------------------------------

def test_end_before_start_is_refused_and_nothing_is_saved(office):
    with pytest.raises(ValidationError) as refused:
        office.meeting(starts_on=date(2026, 12, 3), ends_on=date(2026, 12, 2))
    assert refused.value.field == "ends_on"
    with pytest.raises(ValidationError) as same_day:
        office.meeting(starts_on=date(2026, 12, 3), start_time=time(10), end_time=time(9))
    assert same_day.value.field == "end_time"
    assert db.session.scalar(select(Meeting.id)) is None
    assert not [a for a in audit_actions() if a.startswith("meeting.")]


def test_unknown_timezone_is_refused_with_its_name(office):
    with pytest.raises(ValidationError) as refused:
        office.meeting(timezone="Asia/Hanoi_City")
    assert "Asia/Hanoi_City" in refused.value.message
    assert refused.value.field == "timezone"


def test_garbage_recurrence_is_refused(office):
    with pytest.raises(ValidationError) as refused:
        office.briefing(recurrence="every monday please")
    assert refused.value.field == "recurrence"
    assert db.session.scalar(select(Meeting.id)) is None


def test_stale_edit_is_a_conflict_and_loses_nothing(office):
    meeting = office.meeting(title="Hội nghị A")
    read_version = meeting.version
    services.update_meeting(meeting, {"title": "Hội nghị B"}, version=read_version)
    with pytest.raises(Conflict):
        services.update_meeting(meeting, {"title": "Hội nghị C"}, version=read_version)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).title == "Hội nghị B"
    assert audit_actions(meeting.id) == ["meeting.created", "meeting.updated"]


def test_create_defaults_come_from_the_organization(ctx):
    office = make_office(city="Huế", timezone="Asia/Bangkok")
    meeting = office.meeting(starts_on=date(2026, 12, 3))
    assert (meeting.city, meeting.timezone, meeting.ends_on) == ("Huế", "Asia/Bangkok", date(2026, 12, 3))


# The status workflow ------------------------------------------------------------------------------

def test_the_whole_workflow_and_one_audit_entry_per_move(office):
    meeting = office.meeting()
    assert meeting.status == MeetingStatus.draft and meeting.public_code is None
    services.set_status(meeting, "published")
    assert meeting.public_code  # published and unclassified: a public programme page
    code = meeting.public_code
    for status in ("in_progress", "closed", "archived"):
        services.set_status(meeting, status)
        assert meeting.status == MeetingStatus(status)
    assert meeting.public_code == code
    assert audit_actions(meeting.id).count("meeting.status_changed") == 4


@pytest.mark.parametrize(("path", "refused"), [
    ((), "closed"),
    ((), "in_progress"),
    (("published", "in_progress"), "draft"),
    (("published", "in_progress", "closed", "archived"), "closed"),
    (("published", "in_progress", "closed", "archived"), "draft"),
])
def test_moves_outside_the_table_are_refused_naming_both_statuses(office, path, refused):
    meeting = office.meeting()
    for status in path:
        services.set_status(meeting, status)
    before = meeting.status
    with pytest.raises(Conflict) as error:
        services.set_status(meeting, refused)
    from planner.meetings.models import MEETING_STATUS_LABELS

    assert str(MEETING_STATUS_LABELS[before]) in error.value.message
    assert str(MEETING_STATUS_LABELS[MeetingStatus(refused)]) in error.value.message
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status == before


def test_unknown_status_is_invalid(office):
    with pytest.raises(ValidationError):
        services.set_status(office.meeting(), "postponed")


def test_a_classified_meeting_gets_no_public_code(office):
    meeting = office.meeting(classification="confidential")
    services.set_status(meeting, "published")
    assert meeting.public_code is None
    services.update_meeting(meeting, {"classification": "none"})
    assert meeting.public_code  # declassified while published: now it has its page
    services.update_meeting(meeting, {"classification": "internal"})
    assert meeting.public_code is None


def test_a_closed_meeting_is_read_only_but_may_be_archived_or_reopened(office):
    meeting = office.briefing()
    room = services.add_room(meeting, name="Phòng họp 1", capacity=20)
    for status in ("published", "in_progress", "closed"):
        services.set_status(meeting, status)
    refused = [
        lambda: services.update_meeting(meeting, {"title": "Khác"}),
        lambda: services.add_room(meeting, name="Phòng họp 2"),
        lambda: services.update_room(room, {"capacity": 30}),
        lambda: services.delete_room(room),
        lambda: services.cancel_occurrence(meeting, MONDAY),
        lambda: services.move_occurrence(meeting, MONDAY, new_date=date(2026, 11, 24)),
        lambda: services.set_presiding(meeting, []),
    ]
    for attempt in refused:
        with pytest.raises(Conflict):
            attempt()
    services.set_status(meeting, "in_progress")  # reopened for a correction
    services.set_status(meeting, "closed")
    services.set_status(meeting, "archived")


def test_only_a_draft_is_deleted(office):
    meeting = office.briefing()
    services.add_room(meeting, name="Phòng họp 1")
    services.cancel_occurrence(meeting, MONDAY)
    services.set_status(meeting, "published")
    with pytest.raises(Conflict):
        services.delete_meeting(meeting)
    services.set_status(meeting, "draft")
    meeting_id = meeting.id
    services.delete_meeting(meeting)
    assert db.session.get(Meeting, meeting_id) is None
    assert db.session.scalar(select(OccurrenceChange.id)) is None
    assert audit_actions(meeting_id)[-1] == "meeting.deleted"


# Rooms --------------------------------------------------------------------------------------------

def test_rooms_have_unique_names_and_at_least_one_seat(office):
    meeting = office.meeting()
    hall = services.add_room(meeting, name="Hội trường A", capacity=500)
    services.add_room(meeting, name="Phòng họp 1")
    assert [r.name for r in meeting.rooms] == ["Hội trường A", "Phòng họp 1"]
    with pytest.raises(ValidationError) as duplicate:
        services.add_room(meeting, name="hoi truong a")  # the same name, typed without diacritics
    assert duplicate.value.field == "name"
    with pytest.raises(ValidationError) as empty:
        services.add_room(meeting, name="Phòng họp 3", capacity=0)
    assert empty.value.field == "capacity"
    with pytest.raises(ValidationError):
        services.update_room(hall, {"name": "Phòng họp 1"})
    services.update_room(hall, {"capacity": 450}, version=hall.version)
    assert hall.capacity == 450
    with pytest.raises(Conflict):
        services.update_room(hall, {"capacity": 400}, version=hall.version - 1)
    assert audit_actions(meeting.id).count("room.created") == 2


def test_deleting_a_room_leaves_its_agenda_items_without_a_room(office):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from planner.agenda.models import AgendaItem

    meeting = office.meeting()
    room = services.add_room(meeting, name="Phòng họp 2")
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    item = AgendaItem(meeting_id=meeting.id, title="Thảo luận tổ", room_id=room.id,
                      starts_at=datetime(2026, 12, 3, 14, tzinfo=zone), ends_at=datetime(2026, 12, 3, 16, tzinfo=zone))
    db.session.add(item)
    db.session.commit()
    assert services.room_usage(meeting) == {room.id: 1}
    assert services.delete_room(room) == 1
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).room_id is None
    assert meeting.rooms == []


# Presiding persons and secretaries ----------------------------------------------------------------

def test_presiding_and_secretaries_are_participants_of_the_meeting_in_the_given_order(office):
    meeting = office.meeting()
    a = office.participant(meeting, "Nguyễn", "Văn", "An", 1)
    b = office.participant(meeting, "Trần", "Thị", "Bình", 2)
    c = office.participant(meeting, "Lê", "Văn", "Cường", 3)
    other = office.participant(office.meeting(title="Cuộc họp khác"), "Phạm", "Văn", "Dũng")
    services.set_presiding(meeting, [c.public_id, a.public_id])
    services.set_secretaries(meeting, [b.public_id])
    assert [p.public_id for p in meeting.presiding] == [c.public_id, a.public_id]
    assert [p.public_id for p in meeting.secretaries] == [b.public_id]
    with pytest.raises(ValidationError) as foreign:
        services.set_presiding(meeting, [a.public_id, other.public_id])
    assert other.public_id in foreign.value.message
    assert [p.public_id for p in meeting.presiding] == [c.public_id, a.public_id]
    services.update_meeting(meeting, {"presiding_ids": [a.public_id], "title": "Hội nghị mới"})
    assert [p.public_id for p in meeting.presiding] == [a.public_id]
    assert audit_actions(meeting.id) == ["meeting.created", "meeting.presiding_changed",
                                         "meeting.secretaries_changed", "meeting.updated"]


# Occurrences --------------------------------------------------------------------------------------

def test_cancel_move_and_restore_occurrences(office):
    meeting = office.briefing()
    assert meeting.recurrence == "FREQ=WEEKLY;BYDAY=MO"
    services.cancel_occurrence(meeting, date(2026, 12, 7), note="Trùng lịch")
    services.move_occurrence(meeting, date(2026, 11, 30), new_date=date(2026, 12, 1), new_start_time=time(14),
                             new_end_time=time(16), new_venue="Phòng họp số 2")
    found = services.occurrences(meeting, date(2026, 11, 23), date(2026, 12, 13))
    assert [(o.day, o.start_time, o.cancelled) for o in found] == [
        (date(2026, 11, 23), time(8), False), (date(2026, 12, 1), time(14), False),
        (date(2026, 12, 7), time(8), True)]
    assert found[1].venue == "Phòng họp số 2" and found[1].moved
    assert found[2].cancelled and found[2].note == "Trùng lịch"
    services.restore_occurrence(meeting, date(2026, 12, 7))
    again = services.occurrences(meeting, date(2026, 12, 7), date(2026, 12, 7))
    assert [(o.day, o.cancelled) for o in again] == [(date(2026, 12, 7), False)]
    assert audit_actions(meeting.id) == ["meeting.created", "meeting.occurrence_cancelled",
                                         "meeting.occurrence_moved", "meeting.occurrence_restored"]


def test_bad_occurrence_changes_are_refused(office):
    meeting = office.briefing()
    with pytest.raises(NotFound):
        services.cancel_occurrence(meeting, date(2026, 11, 24))  # a Tuesday: no occurrence
    with pytest.raises(ValidationError) as onto_another:
        services.move_occurrence(meeting, MONDAY, new_date=date(2026, 11, 30))
    assert "2026-11-30" in onto_another.value.message
    with pytest.raises(ValidationError):
        services.move_occurrence(meeting, MONDAY, new_date=date(2027, 2, 1))  # too far
    with pytest.raises(ValidationError):
        services.move_occurrence(meeting, MONDAY, new_date=MONDAY)  # nothing changes
    with pytest.raises(ValidationError):
        services.move_occurrence(meeting, MONDAY, new_date=MONDAY, new_start_time=time(11), new_end_time=time(9))
    with pytest.raises(ValidationError):
        services.cancel_occurrence(office.meeting(), date(2026, 12, 3))  # does not repeat
    # The day freed by a cancellation can take a moved occurrence.
    services.cancel_occurrence(meeting, date(2026, 11, 30))
    services.move_occurrence(meeting, MONDAY, new_date=date(2026, 11, 30), new_start_time=time(14),
                             new_end_time=time(16))
    assert db.session.scalar(select(OccurrenceChange.id).where(OccurrenceChange.original_date == MONDAY))


def test_changing_the_rule_forgets_changes_of_occurrences_that_no_longer_exist(office):
    meeting = office.briefing()
    services.cancel_occurrence(meeting, date(2026, 11, 30))
    services.cancel_occurrence(meeting, date(2026, 12, 7))
    services.update_meeting(meeting, {"recurrence": "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"})
    assert [c.original_date for c in meeting.occurrence_changes] == [date(2026, 12, 7)]
    services.update_meeting(meeting, {"recurrence": None})
    assert meeting.recurrence is None and meeting.occurrence_changes == []


def test_a_new_first_day_must_fit_the_rule(office):
    meeting = office.briefing()
    with pytest.raises(ValidationError) as refused:
        services.update_meeting(meeting, {"starts_on": date(2026, 11, 25), "ends_on": date(2026, 11, 25)})
    assert refused.value.field == "starts_on"
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).starts_on == MONDAY


# Scoping ------------------------------------------------------------------------------------------

def test_other_organizations_and_higher_classifications_are_not_found(ctx, factory):
    here = make_office(clearance="confidential")
    there = make_office()
    theirs = there.meeting()
    secret = here.meeting(classification="confidential")
    from planner.accounts.models import User

    with pytest.raises(NotFound):
        services.get_meeting(here.org, theirs.public_id, user=here.user)
    assert services.get_meeting(here.org, secret.public_id, user=here.user) is secret
    low = db.session.get(User, factory.user(here.org, role="viewer", clearance="internal").id)
    with pytest.raises(NotFound):
        services.get_meeting(here.org, secret.public_id, user=low)
    with pytest.raises(ValidationError):
        here.meeting(classification="secret")  # above the organizer's own clearance


# Lists --------------------------------------------------------------------------------------------

def test_lists_filter_and_expand_recurring_meetings_in_date_ranges(office):
    office.briefing()
    office.meeting(title="Hội nghị tổng kết", starts_on=date(2026, 11, 26), ends_on=date(2026, 11, 27))
    office.meeting(title="Tập huấn nghiệp vụ", kind="training", starts_on=date(2027, 3, 2))
    f = services.MeetingFilter(start=date(2026, 11, 23), end=date(2026, 12, 6))
    found, total = services.list_occurrences(office.org, office.user, f)
    assert total == 3
    assert [(o.meeting.title, o.day) for o in found] == [
        ("Giao ban Văn phòng", date(2026, 11, 23)), ("Hội nghị tổng kết", date(2026, 11, 26)),
        ("Giao ban Văn phòng", date(2026, 11, 30))]
    meetings, total = services.list_meetings(office.org, office.user, services.MeetingFilter(q="tap huan"))
    assert [m.title for m in meetings] == ["Tập huấn nghiệp vụ"] and total == 1
    meetings, total = services.list_meetings(office.org, office.user, services.MeetingFilter(kind="briefing"))
    assert total == 1
    meetings, total = services.list_meetings(office.org, office.user, f)
    assert {m.title for m in meetings} == {"Giao ban Văn phòng", "Hội nghị tổng kết"}
    with pytest.raises(ValidationError):
        services.list_meetings(office.org, office.user, services.MeetingFilter(status="postponed"))


def test_next_occurrences_skip_nothing_and_flag_cancellations(office):
    meeting = office.briefing()
    services.cancel_occurrence(meeting, date(2026, 11, 30))
    upcoming = recurrence.next_occurrences(meeting, date(2026, 11, 24), 3)
    assert [(o.day, o.cancelled) for o in upcoming] == [
        (date(2026, 11, 30), True), (date(2026, 12, 7), False), (date(2026, 12, 14), False)]
