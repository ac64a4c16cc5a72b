"""Publishing the agenda: versions, the changelog against the previous version, sequences."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from planner.agenda import services
from planner.core.audit import AuditEntry
from planner.core.errors import Conflict, ValidationError
from planner.extensions import db
from tests.agenda.conftest import local


def test_nothing_to_publish_in_an_empty_agenda(conf):
    with pytest.raises(ValidationError, match="empty"):
        services.publish(conf.meeting, user=conf.user)


def test_changelog_after_retiming_cancelling_and_moving(conf):
    session = conf.session("Phiên khai mạc", "08:00", "11:30", room=conf.rooms[0], presiding=[conf.people[0]])
    report = conf.item("Báo cáo chính trị", "08:30", "09:30", session=session)
    speech = conf.item("Tham luận của Sở Tài chính", "09:30", "10:00", session=session)
    press = conf.item("Họp báo", "14:00", "15:00", room=conf.rooms[1])
    dropped = conf.item("Chiếu phim tư liệu", "15:00", "15:30", room=conf.rooms[1])

    v1 = services.publish(conf.meeting, user=conf.user, note="Bản đầu")
    assert v1.number == 1
    assert [c["change"] for c in v1.changes] == ["added"] * 5
    assert all(entry["sequence"] == 0 for entry in v1.snapshot.values())
    with pytest.raises(Conflict, match="Nothing has changed since version 1"):
        services.publish(conf.meeting, user=conf.user)

    services.update_item(report, {"starts_at": local(1, "08:45"), "ends_at": local(1, "09:45")}, user=conf.user)
    services.update_item(speech, {"status": "cancelled"}, user=conf.user)
    services.update_item(press, {"room_id": conf.rooms[2].public_id, "title": "Gặp gỡ báo chí"}, user=conf.user)
    services.update_item(session, {"presiding_ids": [conf.people[0].public_id, conf.people[1].public_id]},
                         user=conf.user)
    services.delete_item(dropped, user=conf.user)
    added = conf.item("Phát biểu chỉ đạo", "10:00", "10:30", session=session, kind="directive_speech")

    latest, pending = services.pending_changes(conf.meeting)
    assert latest.number == 1 and len(pending) == 7

    v2 = services.publish(conf.meeting, user=conf.user)
    assert v2.number == 2
    changes = {(c["change"], c["item"]) for c in v2.changes}
    assert changes == {
        ("presiding_changed", session.public_id),
        ("retimed", report.public_id),
        ("cancelled", speech.public_id),
        ("moved_room", press.public_id),
        ("renamed", press.public_id),
        ("removed", dropped.public_id),
        ("added", added.public_id),
    }
    retimed = next(c for c in v2.changes if c["change"] == "retimed")
    assert retimed["from"][0] == v1.snapshot[report.public_id]["starts_at"]
    assert retimed["to"][0].startswith("2026-12-03T01:45")
    moved = next(c for c in v2.changes if c["change"] == "moved_room")
    assert (moved["from"], moved["to"]) == ("Phòng họp B", "Phòng họp C")
    presiding = next(c for c in v2.changes if c["change"] == "presiding_changed")
    assert presiding["to"] == ["Nguyễn Văn An", "Trần Thị Bình"]

    # The cancelled item stays in the release, cancelled, so that calendars can cancel it.
    assert v2.snapshot[speech.public_id]["status"] == "cancelled"
    assert dropped.public_id not in v2.snapshot
    sequences = {pid: entry["sequence"] for pid, entry in v2.snapshot.items()}
    assert sequences[report.public_id] == 1 and sequences[speech.public_id] == 1
    assert sequences[press.public_id] == 1 and sequences[session.public_id] == 1
    assert sequences[added.public_id] == 0
    assert [r.number for r in services.releases(conf.meeting)] == [2, 1]
    assert services.pending_changes(conf.meeting)[1] == []


def test_changes_are_stored_as_data_and_told_in_the_readers_language(app, conf):
    from flask_babel import force_locale

    from planner.agenda.releases import change_text

    item = conf.item("Báo cáo", "08:00", "09:00")
    services.publish(conf.meeting, user=conf.user)
    services.update_item(item, {"status": "cancelled"}, user=conf.user)
    v2 = services.publish(conf.meeting, user=conf.user)
    assert v2.changes[0]["change"] == "cancelled"
    zone = services.zone(conf.meeting)
    with force_locale("en"):
        assert change_text(v2.changes[0], zone) == "Cancelled: “Báo cáo”."
    with force_locale("vi"):
        assert change_text(v2.changes[0], zone) == "Hủy: “Báo cáo”."


def test_publishing_the_agenda_can_publish_a_draft_meeting(conf):
    from planner.meetings import services as meetings

    if not hasattr(meetings, "set_status"):
        pytest.skip("meetings.services.set_status is not there yet")
    conf.item("Báo cáo", "08:00", "09:00")
    services.publish(conf.meeting, user=conf.user, publish_meeting=False)
    assert conf.meeting.status == "draft"
    conf.item("Bế mạc", "10:00", "10:30")
    services.publish(conf.meeting, user=conf.user, publish_meeting=True)
    assert conf.meeting.status == "published"
    assert conf.meeting.public_code
    assert services.public_meeting(conf.meeting.public_code) == conf.meeting


def test_publishing_the_agenda_with_the_meeting_is_one_transaction(conf, monkeypatch):
    """The release and the meeting's status are kept together or not at all: when publishing the meeting
    fails after its change was staged, no release is left behind (and the meeting stays a draft)."""
    from planner.meetings import services as meetings
    from planner.meetings.models import MeetingStatus

    conf.item("Báo cáo", "08:00", "09:00")
    real_set_status = meetings.set_status

    def failing_set_status(meeting, status, **kwargs):
        real_set_status(meeting, status, **kwargs)   # the meeting's part is staged (and flushed) …
        assert meeting.status == MeetingStatus.published
        raise Conflict("the second part fails")      # … then refused

    monkeypatch.setattr(meetings, "set_status", failing_set_status)
    with pytest.raises(Conflict, match="the second part fails"):
        services.publish(conf.meeting, user=conf.user, publish_meeting=True)
    db.session.expire_all()
    assert services.releases(conf.meeting) == []
    assert conf.meeting.status == MeetingStatus.draft
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.meeting_id == conf.meeting.id, AuditEntry.action == "agenda.published")) == 0

    monkeypatch.setattr(meetings, "set_status", real_set_status)
    release = services.publish(conf.meeting, user=conf.user, publish_meeting=True)
    assert release.number == 1 and conf.meeting.status == MeetingStatus.published


def test_moving_a_session_to_another_day_is_told_with_the_days(conf):
    from datetime import date

    from flask_babel import force_locale

    from planner.agenda.releases import change_text

    session = conf.session("Phiên chuyên đề", "13:30", "17:00", room=conf.rooms[1])
    item = conf.item("Tham luận", "14:00", "14:30", session=session)
    services.publish(conf.meeting, user=conf.user)
    services.move_session(session, date(2026, 12, 4), user=conf.user)
    v2 = services.publish(conf.meeting, user=conf.user)
    assert {(c["change"], c["item"]) for c in v2.changes} == {("retimed", session.public_id),
                                                              ("retimed", item.public_id)}
    with force_locale("en"):
        texts = sorted(change_text(c, services.zone(conf.meeting)) for c in v2.changes)
    assert texts[0] == "“Phiên chuyên đề” moved from Thu 03/12 13:30–17:00 to Fri 04/12 13:30–17:00."


def test_the_changes_waiting_are_read_against_the_latest_release_kept_parsed(conf):
    """The latest release's snapshot is kept parsed by its release (publishing.RELEASED_SNAPSHOTS): a new
    release is a new key, so the changes waiting are always those since the latest version, and what is
    kept is never changed by the comparisons and the publishing that read it."""
    import copy

    from planner.agenda.models import AgendaRelease
    from planner.agenda.services import publishing

    report = conf.item("Báo cáo chính trị", "08:30", "09:30", room=conf.rooms[0])
    press = conf.item("Họp báo", "14:00", "15:00")
    v1 = services.publish(conf.meeting, user=conf.user)
    assert services.pending_changes(conf.meeting) == (v1, [])
    kept = publishing.RELEASED_SNAPSHOTS.get(v1.public_id)
    assert kept == v1.snapshot and kept is not v1.snapshot
    stored = copy.deepcopy(kept)

    services.update_item(report, {"title": "Báo cáo chính trị (sửa)"}, user=conf.user)
    assert [c["change"] for c in services.pending_changes(conf.meeting)[1]] == ["renamed"]
    v2 = services.publish(conf.meeting, user=conf.user)
    assert publishing.RELEASED_SNAPSHOTS.get(v1.public_id) == stored  # read, never changed
    assert services.pending_changes(conf.meeting) == (v2, [])  # against version 2, not the kept version 1

    services.update_item(press, {"status": "cancelled"}, user=conf.user)
    latest, pending = services.pending_changes(conf.meeting)
    assert latest.number == 2 and [(c["change"], c["item"]) for c in pending] == [("cancelled", press.public_id)]
    v3 = services.publish(conf.meeting, user=conf.user)
    db.session.expire_all()
    stored_v3 = db.session.scalar(select(AgendaRelease.snapshot).where(AgendaRelease.id == v3.id))
    assert stored_v3[report.public_id]["sequence"] == 1 and stored_v3[press.public_id]["sequence"] == 1
    assert publishing.RELEASED_SNAPSHOTS.get(v2.public_id) == db.session.scalar(
        select(AgendaRelease.snapshot).where(AgendaRelease.id == v2.id))
