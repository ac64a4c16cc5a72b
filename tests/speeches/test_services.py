"""Speakers lists through the services: adding and ordering, the status rules, the live control with
its clock and revision, requests from delegates, summaries on closed meetings, statistics."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from planner.core.audit import AuditEntry
from planner.core.errors import Conflict, Forbidden, NotFound, ValidationError
from planner.extensions import db
from planner.speeches import services
from planner.speeches.models import STATUS_TRANSITIONS, Speech, SpeechControl, SpeechStatus, can_move
from tests.speeches.conftest import at


def names(speeches):
    return [s.participant.full_name for s in speeches]


def test_speakers_join_the_end_of_the_list_and_can_be_placed(hall):
    a = hall.speech(person=0, title="Phát triển kinh tế biển")
    hall.speech(person=1)
    c = hall.speech(person=2, position=1)
    speeches = services.item_speeches(hall.discussion)
    assert names(speeches) == ["Lê Quốc Cường", "Nguyễn Văn An", "Trần Thị Bình"]
    assert [s.position for s in speeches] == [1, 2, 3]
    assert a.kind.value == "discussion" and a.status == SpeechStatus.approved and c.allotted_seconds == 300
    # The kind follows the item's by default.
    assert hall.speech(hall.report, person=3).kind.value == "report"


def test_a_speech_needs_a_participant_of_the_same_meeting_and_sane_values(hall):
    from tests.speeches.conftest import make_hall

    other = make_hall()
    with pytest.raises(ValidationError) as exc:
        services.add_speech(hall.discussion, {"participant_id": other.people[0].public_id}, user=hall.user)
    assert exc.value.field == "participant_id"
    for bad in ({"allotted_seconds": -5}, {"allotted_seconds": "soon"}, {"allotted_seconds": 5 * 3600},
                {"kind": "break"}, {"status": "done"}, {"title": "x" * 1001}, {"colour": "red"}):
        with pytest.raises(ValidationError):
            services.add_speech(hall.discussion, {"participant_id": hall.people[0].public_id, **bad},
                                user=hall.user)
    assert db.session.scalar(select(Speech.id)) is None


def test_allotted_time_accepts_minutes_and_minutes_seconds():
    assert services.parse_duration("7") == 420
    assert services.parse_duration("7:30") == 450
    assert services.parse_duration("2,5") == 150
    assert services.parse_duration("1:05:00") == 3900
    assert services.parse_duration("") is None
    for bad in ("7:75", "a:b", "1:2:3:4"):
        with pytest.raises(ValueError):
            services.parse_duration(bad)


def test_sessions_and_breaks_hold_no_speeches(hall):
    from datetime import datetime, time

    from planner.agenda import services as agenda
    from tests.speeches.conftest import DAY

    pause = agenda.create_item(hall.meeting, {"title": "Giải lao", "kind": "break",
                                              "starts_at": datetime.combine(DAY, time(11, 0)),
                                              "ends_at": datetime.combine(DAY, time(11, 15))}, user=hall.user)
    with pytest.raises(ValidationError):
        hall.speech(pause)


def test_the_status_rules():
    S = SpeechStatus
    assert can_move(S.requested, S.approved) and can_move(S.requested, S.withdrawn)
    assert can_move(S.approved, S.speaking) and can_move(S.speaking, S.done)
    assert can_move(S.withdrawn, S.approved)
    assert not can_move(S.requested, S.speaking)   # a request is approved before it is heard
    assert not can_move(S.done, S.speaking) and not can_move(S.done, S.withdrawn)
    assert not can_move(S.speaking, S.withdrawn)
    assert set(STATUS_TRANSITIONS) == set(S)


def test_status_changes_follow_the_rules_and_are_audited(hall):
    speech = hall.speech(status="requested")
    with pytest.raises(Conflict):
        services.set_status(speech, "speaking", user=hall.user)
    services.set_status(speech, "approved", user=hall.user)
    services.set_status(speech, "speaking", user=hall.user, now=at(0))
    services.set_status(speech, "done", user=hall.user, now=at(125))
    speech = hall.reload(speech)
    assert speech.status == SpeechStatus.done and speech.started_at == at(0) and speech.ended_at == at(125)
    with pytest.raises(Conflict):
        services.set_status(speech, "withdrawn", user=hall.user)
    assert hall.reload(speech).status == SpeechStatus.done
    with pytest.raises(ValidationError):
        services.set_status(speech, "finished", user=hall.user)
    actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == speech.public_id)
                                      .order_by(AuditEntry.id)))
    assert actions == ["speech.requested", "speech.approved", "speech.speaking", "speech.done"]
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.object_id == speech.public_id))
    assert all(e.meeting_id == hall.meeting.id for e in entries)


def test_live_control_call_start_pause_resume_stop_and_next(hall):
    first = hall.speech(person=0, minutes=5)
    second = hall.speech(person=1, minutes=3)
    declined = hall.speech(person=2, status="requested")
    last = hall.speech(person=3, minutes=2)
    called = services.call_next(hall.meeting, user=hall.user, item=hall.discussion, now=at(0))
    assert called.id == first.id and called.status == SpeechStatus.approved   # called, clock not started
    services.start(hall.meeting, user=hall.user, now=at(10))
    services.pause(hall.meeting, user=hall.user, now=at(70))
    services.resume(hall.meeting, user=hall.user, now=at(100))
    services.stop(hall.meeting, user=hall.user, now=at(400))
    first = hall.reload(first)
    assert (first.status, first.paused_seconds, first.paused_at) == (SpeechStatus.done, 30, None)
    assert services.timing.elapsed(services._clock(first), at(9999)) == 360   # 6 minutes spoken
    assert services.timing.overrun(services._clock(first), at(9999)) == 60    # one over the 5 allotted

    # Next skips the request that is not approved; calling next while someone speaks finishes them.
    assert services.call_next(hall.meeting, user=hall.user, now=at(410)).id == second.id
    services.start(hall.meeting, user=hall.user, now=at(420))
    assert services.call_next(hall.meeting, user=hall.user, now=at(600)).id == last.id
    second = hall.reload(second)
    assert second.status == SpeechStatus.done and second.ended_at == at(600)
    assert hall.reload(declined).status == SpeechStatus.requested
    services.start(hall.meeting, user=hall.user, now=at(610))
    assert services.call_next(hall.meeting, user=hall.user, now=at(700)) is None   # the list is done
    assert hall.reload(last).status == SpeechStatus.done


def test_control_refuses_what_does_not_fit(hall):
    hall.speech(person=0)
    with pytest.raises(Conflict):
        services.start(hall.meeting, user=hall.user)          # no one called
    with pytest.raises(Conflict):
        services.pause(hall.meeting, user=hall.user)          # no one speaking
    services.call_next(hall.meeting, user=hall.user, item=hall.discussion, now=at(0))
    services.start(hall.meeting, user=hall.user, now=at(1))
    services.pause(hall.meeting, user=hall.user, now=at(5))
    with pytest.raises(Conflict):
        services.pause(hall.meeting, user=hall.user, now=at(6))
    services.resume(hall.meeting, user=hall.user, now=at(8))
    with pytest.raises(Conflict):
        services.resume(hall.meeting, user=hall.user, now=at(9))


def test_starting_another_speaker_finishes_the_one_who_speaks(hall):
    a = hall.speech(person=0)
    b = hall.speech(hall.report, person=1)
    services.start(hall.meeting, a, user=hall.user, now=at(0))
    services.start(hall.meeting, b, user=hall.user, now=at(50))
    assert hall.reload(a).status == SpeechStatus.done and hall.reload(a).ended_at == at(50)
    control = services.control_of(hall.meeting)
    assert control.current_speech_id == b.id and control.current_item_id == hall.report.id
    assert db.session.scalar(select(Speech.id).where(Speech.status == SpeechStatus.speaking)) == b.id


def test_a_click_on_an_old_state_is_refused(hall):
    """Two staff browsers press “next” on the same page state: the list advances once."""
    hall.speech(person=0)
    second = hall.speech(person=1)
    services.call_next(hall.meeting, user=hall.user, item=hall.discussion, now=at(0))
    seen = services.control_of(hall.meeting).revision
    services.call_next(hall.meeting, user=hall.user, revision=seen, now=at(5))
    with pytest.raises(Conflict):
        services.call_next(hall.meeting, user=hall.user, revision=seen, now=at(6))
    control = services.control_of(hall.meeting)
    assert control.current_speech_id == second.id and control.revision == seen + 1


def test_a_speech_that_has_begun_is_not_deleted_and_its_speaker_not_changed(hall):
    speech = hall.speech(person=0)
    services.start(hall.meeting, speech, user=hall.user, now=at(0))
    with pytest.raises(Conflict):
        services.update_speech(speech, {"participant_id": hall.people[1].public_id}, user=hall.user)
    with pytest.raises(Conflict):
        services.delete_speech(speech, user=hall.user)
    planned = hall.speech(person=1)
    services.delete_speech(planned, user=hall.user)
    assert [s.id for s in services.item_speeches(hall.discussion)] == [speech.id]


def test_a_stale_edit_is_a_conflict(hall):
    speech = hall.speech(person=0, title="Cũ")
    version = speech.version
    services.update_speech(speech, {"title": "Mới"}, user=hall.user, version=version)
    with pytest.raises(Conflict):
        services.update_speech(speech, {"title": "Khác"}, user=hall.user, version=version)
    assert hall.reload(speech).title == "Mới"


def test_reorder_by_drop_and_by_keyboard(hall):
    a, b, c = hall.speech(person=0), hall.speech(person=1), hall.speech(person=2)
    assert services.reorder(hall.discussion, [c.public_id, a.public_id], user=hall.user)
    assert names(services.item_speeches(hall.discussion)) == ["Lê Quốc Cường", "Nguyễn Văn An", "Trần Thị Bình"]
    assert services.move(hall.reload(b), "up", user=hall.user)
    assert names(services.item_speeches(hall.discussion)) == ["Lê Quốc Cường", "Trần Thị Bình", "Nguyễn Văn An"]
    assert not services.move(hall.reload(c), "up", user=hall.user)   # first already
    with pytest.raises(NotFound):
        services.reorder(hall.discussion, ["nope"], user=hall.user)


def test_a_delegate_asks_to_speak_and_staff_approve_or_decline(hall):
    delegate = hall.people[3]
    request = services.request_to_speak(delegate, hall.discussion, "Ý kiến về chuyển đổi số")
    assert request.status == SpeechStatus.requested and request.requested_by_delegate
    assert request.title == "Ý kiến về chuyển đổi số"
    with pytest.raises(Conflict):
        services.request_to_speak(delegate, hall.discussion, "Lần nữa")
    with pytest.raises(Forbidden):
        services.request_to_speak(delegate, hall.report, "")    # not an open discussion
    assert [i.id for i in services.items_open_for_requests(delegate)] == [hall.discussion.id]
    services.decline(request, user=hall.user)
    assert hall.reload(request).status == SpeechStatus.withdrawn
    # Declined, they may ask again; approved, they are on the list.
    again = services.request_to_speak(hall.reload(delegate), hall.discussion, "")
    services.approve(again, user=hall.user)
    assert [s.status.value for s in services.participant_speeches(delegate)] == ["withdrawn", "approved"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "speech.requested").limit(1))
    assert entry.actor_label == f"delegate:{delegate.public_id}" and entry.meeting_id == hall.meeting.id


def test_a_closed_meeting_takes_summaries_only(hall):
    from planner.meetings.models import MeetingStatus

    speech = hall.speech(person=0)
    hall.meeting.status = MeetingStatus.closed
    db.session.commit()
    with pytest.raises(Conflict):
        hall.speech(person=1)
    with pytest.raises(Conflict):
        services.update_speech(speech, {"title": "Sau hội nghị"}, user=hall.user)
    with pytest.raises(Conflict):
        services.call_next(hall.meeting, user=hall.user, item=hall.discussion)
    with pytest.raises(Conflict):
        services.request_to_speak(hall.people[2], hall.discussion, "")
    services.update_speech(speech, {"summary": "Đồng chí nhấn mạnh ba nhiệm vụ trọng tâm.\n\nMột là…"},
                           user=hall.user)
    assert hall.reload(speech).summary == "Đồng chí nhấn mạnh ba nhiệm vụ trọng tâm.\n\nMột là…"
    hall.meeting.status = MeetingStatus.archived
    db.session.commit()
    with pytest.raises(Conflict):
        services.set_summary(hall.reload(speech), "Không", user=hall.user)


def test_minutes_records_read_who_said_what(hall):
    a = hall.speech(hall.report, person=0, title="Báo cáo chính trị")
    hall.speech(person=1)
    withdrawn = hall.speech(person=2)
    services.decline(withdrawn, user=hall.user)
    services.start(hall.meeting, a, user=hall.user, now=at(0))
    services.stop(hall.meeting, user=hall.user, now=at(900))
    services.set_summary(hall.reload(a), "Báo cáo đánh giá kết quả năm 2026.", user=hall.user)
    records = services.minutes_records(hall.meeting, hall.user)
    assert [r.title for r in records] == [hall.report.title, hall.discussion.title]
    first = records[0].speeches[0]
    assert (first.speaker, first.spoken_seconds, first.summary) == (
        "Đồng chí Nguyễn Văn An", 900, "Báo cáo đánh giá kết quả năm 2026.")
    assert [s.speaker for s in records[1].speeches] == ["Đồng chí Trần Thị Bình"]


def test_statistics_per_speaker_delegation_and_item(hall):
    a1 = hall.speech(hall.report, person=0, minutes=10)
    a2 = hall.speech(person=0, minutes=5)
    b = hall.speech(person=1, minutes=5)
    c = hall.speech(person=2, minutes=5)
    hall.speech(person=4, minutes=5)     # no delegation, not delivered
    for speech, start, end in ((a1, 0, 660), (a2, 1000, 1090), (b, 2000, 2240), (c, 3000, 3420)):
        services.start(hall.meeting, speech, user=hall.user, now=at(start))
        services.stop(hall.meeting, user=hall.user, now=at(end))
    stats = services.statistics(hall.meeting, hall.user, now=at(5000))
    delegations = {t.key: (t.speeches, t.delivered, t.planned, t.actual) for t in stats.by_delegation}
    assert delegations == {"Đoàn Hải Châu": (3, 3, 1200, 990), "Đoàn Sơn Trà": (1, 1, 300, 420),
                           "": (1, 0, 300, 0)}
    assert stats.speakers[stats.by_speaker[0].key].full_name == "Nguyễn Văn An"   # most time first
    items = {stats.items[t.key].title: (t.planned, t.actual) for t in stats.by_item}
    assert items == {hall.report.title: (600, 660), hall.discussion.title: (1200, 750)}
    assert (stats.total.planned, stats.total.actual) == (1800, 1410)


def test_speakers_feed_the_agenda_conflicts(hall):
    """One person speaking in two overlapping items is an agenda warning."""
    from datetime import datetime, time

    from planner.agenda import services as agenda
    from tests.speeches.conftest import DAY

    parallel = agenda.create_item(hall.meeting, {
        "title": "Tọa đàm chuyên đề", "kind": "discussion", "room_id": None,
        "starts_at": datetime.combine(DAY, time(9, 30)), "ends_at": datetime.combine(DAY, time(10, 0))},
        user=hall.user)
    hall.speech(hall.discussion, person=2)
    hall.speech(parallel, person=2)
    withdrawn = hall.speech(parallel, person=3)
    services.decline(withdrawn, user=hall.user)
    speakers, names = services.item_speakers([hall.discussion, parallel, hall.report])
    assert speakers == {hall.discussion.public_id: [hall.people[2].person_id],
                        parallel.public_id: [hall.people[2].person_id]}
    assert names == {hall.people[2].person_id: hall.people[2].full_name}
    # only the items asked about: the other items' speakers are read with the meeting's, and left out
    hall.speech(hall.discussion, person=1)
    assert services.item_speakers([parallel]) == ({parallel.public_id: [hall.people[2].person_id]},
                                                  {hall.people[2].person_id: hall.people[2].full_name})
    assert services.item_speakers([]) == ({}, {})
    items = agenda.list_items(hall.meeting, hall.user)
    person = [c for c in agenda.find_conflicts(items) if c.kind == "person"]
    assert len(person) == 1 and person[0].person_id == hall.people[2].person_id
    assert set(person[0].item_ids) == {hall.discussion.public_id, parallel.public_id}


def test_the_hall_state(hall):
    hall.speech(person=0, title="Về phát triển đô thị")
    second = hall.speech(person=1)
    levels = services.screen_levels()
    state = services.hall_state(hall.meeting, levels)
    assert state["item"] is None and state["current"] is None
    services.call_next(hall.meeting, user=hall.user, item=hall.discussion, now=at(0))
    services.start(hall.meeting, user=hall.user, now=at(3))
    state = services.hall_state(hall.meeting, levels)
    assert state["item"]["title"] == hall.discussion.title
    current = state["current"]
    assert current["speaker"] == "Đồng chí Nguyễn Văn An"
    assert current["position_title"] == "Bí thư Quận ủy Hải Châu"
    assert (current["status"], current["allotted_seconds"], current["started_at"]) == (
        "speaking", 300, "2026-12-03T01:00:03.000+00:00")
    assert state["next"]["id"] == second.public_id
    assert state["revision"] == services.control_of(hall.meeting).revision


def test_the_hall_display_withholds_classified_items_and_their_speakers(hall):
    """A screen reads what staff may show in the room: a speech on a classified item is its mark and its
    clock, without speaker, title or ids (the same rule as the delegate's page and the feeds)."""
    from planner.agenda import services as agenda

    agenda.update_item(hall.discussion, {"classification": "confidential"}, user=hall.user)
    hall.speech(person=0, title="Nội dung nhạy cảm")
    hall.speech(person=1, title="Ý kiến thứ hai")
    services.call_next(hall.meeting, user=hall.user, item=hall.discussion, now=at(0))
    state = services.hall_state(hall.meeting, services.screen_levels())
    assert state["item"] == {"id": None, "title": "MẬT", "kind": None, "kind_label": "", "withheld": True}
    for speech in (state["current"], state["next"]):
        assert speech["speaker"] == "MẬT" and speech["id"] is None and speech["withheld"]
        assert (speech["title"], speech["position_title"], speech["unit"], speech["delegation"]) == ("", "", "", "")
    assert state["current"]["status"] == "approved" and state["current"]["allotted_seconds"] == 300
    cleared = services.hall_state(hall.meeting, agenda.reader_levels(hall.org.id, hall.user))
    assert cleared["current"]["speaker"] == "Đồng chí Nguyễn Văn An"
    assert cleared["item"]["title"] == "Thảo luận tại hội trường"


def test_the_control_row_is_made_once(hall):
    hall.speech(person=0)
    hall.speech(person=1)
    assert len(list(db.session.scalars(select(SpeechControl)))) == 1


def test_speeches_of_items_above_the_clearance_are_not_found(hall, factory):
    from planner.accounts.models import User
    from planner.agenda import services as agenda

    agenda.update_item(hall.report, {"classification": "secret"}, user=hall.user)
    speech = hall.speech(hall.report, person=0)
    low_ref = factory.user(type("Org", (), {"id": hall.org.id})(), role="organizer", clearance="internal")
    low = db.session.get(User, low_ref.id)
    with pytest.raises(NotFound):
        services.get_speech(hall.org, speech.public_id, user=low)
    assert services.get_speech(hall.org, speech.public_id, user=hall.user).id == speech.id
    assert services.meeting_speeches(hall.meeting, low) == []
