"""The minutes' services: the draft from the meeting, revisions, stale saves, workflow and numbering."""

from datetime import date

import pytest
from sqlalchemy import event, func, select

from planner.core.audit import AuditEntry
from planner.core.errors import Conflict, Forbidden, ValidationError
from planner.documents.models import IssuedNumber
from planner.extensions import db
from planner.minutes import services
from planner.minutes.models import MinutesKind, MinutesRevision, MinutesStatus
from tests.minutes.conftest import build_scene


def _item(minutes, title):
    return next(s for s in minutes.sections if s.get("heading", "").endswith(title))


def test_generate_composes_the_draft_from_the_meeting(scene, ctx):
    meeting = scene.meeting()
    minutes = services.generate(meeting, user=scene.user(scene.secretary))
    assert minutes.status is MinutesStatus.draft and minutes.number is None and minutes.edition == 1
    participants = next(s for s in minutes.sections if s["key"] == "participants")["text"]
    assert "Chủ trì: đồng chí Nguyễn Văn Quảng - Ủy viên Trung ương Đảng, Bí thư Thành ủy." in participants
    assert "Thư ký: đồng chí Lê Thị Mai - Chuyên viên Văn phòng Thành ủy." in participants
    assert "Có mặt 6/8 đại biểu được triệu tập." in participants
    # guests in protocol order (precedence 300, 310, 450), then the count of delegates
    assert ("Đến dự có đồng chí Nguyễn Văn Quảng - Ủy viên Trung ương Đảng, Bí thư Thành ủy; đồng chí Trần Lưu Hải - "
            "Phó Trưởng Ban Tổ chức Trung ương; đồng chí Lương Nguyễn Minh Triết") in participants
    assert "Lê Văn Thái - Chủ tịch UBND quận Liên Chiểu (lý do: đi công tác nước ngoài)" in participants
    assert "Bùi Văn Thạch - Giám đốc Sở Nội vụ (không có lý do)" in participants
    headings = [s.get("heading") for s in minutes.sections if s["kind"] in ("item", "session")]
    assert headings == ["PHIÊN KHAI MẠC", "1. Khai mạc hội nghị", "2. Báo cáo kết quả thực hiện nhiệm vụ năm 2026",
                        "3. Thảo luận về dự thảo kế hoạch năm 2027", "4. Kết luận hội nghị"]
    discussion = _item(minutes, "Thảo luận về dự thảo kế hoạch năm 2027")
    assert "Nguyễn Văn Nên - Bí thư Quận ủy Hải Châu phát biểu: Thống nhất cao" in discussion["text"]
    assert "Xin phát biểu" not in discussion["text"], "a request not granted is not in the minutes"
    assert discussion["conclusion"] == "Giao Ban Thường vụ tiếp thu, hoàn chỉnh kế hoạch năm 2027."
    assert minutes.sections[-3]["text"] == "Hội nghị kết thúc vào 11 giờ 30, ngày 19 tháng 11 năm 2026./."
    signatures = next(s for s in minutes.sections if s["key"] == "signatures")
    assert (signatures["left"]["name"], signatures["right"]["name"]) == ("Lê Thị Mai", "Nguyễn Văn Quảng")
    history = services.revisions(minutes)
    assert [(r.number, r.kind) for r in history] == [(1, "generated")]
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "minutes.generated")) == 1


def test_generate_twice_needs_the_version_and_keeps_the_old_text(scene, ctx):
    meeting, user = scene.meeting(), scene.user(scene.secretary)
    minutes = services.generate(meeting, user=user)
    services.save(minutes, {"closing": {"text": "Hội nghị kết thúc vào 11 giờ 45./."}}, user=user, version=1)
    with pytest.raises(Conflict):
        services.generate(meeting, user=user)
    with pytest.raises(Conflict):
        services.generate(meeting, user=user, version=1)
    services.generate(meeting, user=user, version=minutes.version)
    assert [r.kind for r in services.revisions(minutes)] == ["generated", "saved", "generated"]
    assert services.revision(minutes, 2).sections[-3]["text"] == "Hội nghị kết thúc vào 11 giờ 45./."


def test_a_viewer_cannot_write_minutes(scene, ctx):
    with pytest.raises(Forbidden):
        services.generate(scene.meeting(), user=scene.user(scene.viewer))


def test_every_save_is_a_revision_with_author_and_time(scene, ctx):
    meeting, user = scene.meeting(), scene.user(scene.secretary)
    minutes = services.generate(meeting, user=user)
    key = _item(minutes, "Thảo luận về dự thảo kế hoạch năm 2027")["key"]
    services.save(minutes, {key: {"discussion": "Các ý kiến thống nhất.\n\nĐề nghị bổ sung số liệu.",
                                  "decisions": [{"text": "Thông qua kế hoạch", "for": "45", "against": 0,
                                                 "abstain": ""}]}}, user=user, version=1)
    assert minutes.version == 2
    section = next(s for s in minutes.sections if s["key"] == key)
    assert section["discussion"] == "Các ý kiến thống nhất.\n\nĐề nghị bổ sung số liệu."
    assert section["decisions"] == [{"text": "Thông qua kế hoạch", "for": 45, "against": 0, "abstain": None}]
    latest = services.revisions(minutes)[0]
    assert (latest.number, latest.kind, latest.author_label, latest.based_on_version) == (2, "saved", "Lê Thị Mai", 1)
    assert latest.created_at is not None


@pytest.mark.parametrize(("changes", "field"), [
    ({"nope": {"text": "x"}}, "nope"),
    ({"closing": {"colour": "red"}}, "closing"),
    ({"closing": {"text": 5}}, "closing.text"),
    ({"closing": {"text": "x" * 100_001}}, "closing.text"),
])
def test_bad_changes_are_refused_and_nothing_is_saved(scene, ctx, changes, field):
    meeting, user = scene.meeting(), scene.user(scene.secretary)
    minutes = services.generate(meeting, user=user)
    with pytest.raises(ValidationError) as info:
        services.save(minutes, changes, user=user, version=1)
    assert info.value.field == field
    db.session.expire_all()
    assert minutes.version == 1 and len(services.revisions(minutes)) == 1


def test_votes_must_be_whole_numbers(scene, ctx):
    meeting, user = scene.meeting(), scene.user(scene.secretary)
    minutes = services.generate(meeting, user=user)
    key = _item(minutes, "Kết luận hội nghị")["key"]
    with pytest.raises(ValidationError):
        services.save(minutes, {key: {"decisions": [{"text": "A", "for": "-3"}]}}, user=user, version=1)


def test_a_stale_save_is_a_conflict_that_keeps_both_texts(scene, app):
    """Two secretaries read version 1; the first saves, the second's save is refused with both texts."""
    with app.test_request_context():
        meeting = scene.meeting()
        minutes = services.generate(meeting, user=scene.user(scene.secretary))
        minutes_id = minutes.id
    with app.test_request_context():
        first = services.require_current(scene.meeting())
        services.save(first, {"closing": {"text": "Kết thúc lúc 11 giờ 30 (thư ký A)."}},
                      user=scene.user(scene.secretary), version=1)
    with app.test_request_context():
        second = services.require_current(scene.meeting())
        with pytest.raises(services.MinutesConflict) as info:
            services.save(second, {"closing": {"text": "Kết thúc lúc 11 giờ 45 (thư ký B)."}},
                          user=scene.user(scene.organizer), version=1)
        conflict = info.value
        assert conflict.status == 409
        assert [c["key"] for c in conflict.sections()] == ["closing"]
        assert conflict.sections()[0]["current"]["text"] == "Kết thúc lúc 11 giờ 30 (thư ký A)."
        assert conflict.sections()[0]["yours"]["text"] == "Kết thúc lúc 11 giờ 45 (thư ký B)."
        assert conflict.current_version == 2
    with app.test_request_context():
        kept = db.session.scalars(select(MinutesRevision).where(MinutesRevision.minutes_id == minutes_id)
                                  .order_by(MinutesRevision.number)).all()
        assert [(r.number, r.kind, r.author_label) for r in kept] == [
            (1, "generated", "Lê Thị Mai"), (2, "saved", "Lê Thị Mai"), (3, "conflict", "Trần Văn Bình")]
        current = services.require_current(scene.meeting())
        assert current.sections[-3]["text"] == "Kết thúc lúc 11 giờ 30 (thư ký A)."
        assert kept[2].sections[-3]["text"] == "Kết thúc lúc 11 giờ 45 (thư ký B)."
        # the second secretary merges and saves against the current version
        services.save(current, {"closing": {"text": "Kết thúc lúc 11 giờ 45."}}, user=scene.user(scene.organizer),
                      version=conflict.current_version)
        assert current.version == 3


def test_restore_and_compare_revisions(scene, ctx):
    meeting, user = scene.meeting(), scene.user(scene.secretary)
    minutes = services.generate(meeting, user=user)
    original = minutes.sections[-3]["text"]
    services.save(minutes, {"closing": {"text": "Hội nghị kết thúc vào 12 giờ 00, ngày 19 tháng 11 năm 2026./."}},
                  user=user, version=1)
    diff = services.compare(services.revision(minutes, 1).sections, services.revision(minutes, 2).sections)
    changed = [d for d in diff if d.changed]
    assert [d.key for d in changed] == ["closing"]
    assert changed[0].pieces[:4] == [("same", "Hội nghị kết thúc vào"), ("removed", "11"), ("added", "12"),
                                     ("same", "giờ")]
    assert "vào <del>11</del> <ins>12</ins> giờ" in services.diff_html(changed[0].pieces)
    services.restore(minutes, 1, user=user, version=2)
    assert minutes.sections[-3]["text"] == original
    assert [r.kind for r in services.revisions(minutes)][:1] == ["restored"]


def test_workflow_submit_return_approve_assigns_the_number_and_locks(scene, ctx):
    meeting = scene.meeting()
    secretary, admin = scene.user(scene.secretary), scene.user(scene.admin)
    minutes = services.generate(meeting, user=secretary)
    services.set_status(minutes, "submitted", user=secretary, version=1)
    with pytest.raises(Conflict):
        services.save(minutes, {"closing": {"text": "x"}}, user=secretary, version=minutes.version)
    services.set_status(minutes, "draft", user=secretary, version=minutes.version)
    with pytest.raises(Forbidden):
        services.set_status(minutes, "approved", user=secretary, version=minutes.version)
    services.set_status(minutes, "submitted", user=secretary, version=minutes.version)
    services.set_status(minutes, "approved", user=admin, version=minutes.version)
    assert minutes.status is MinutesStatus.approved
    assert minutes.number == "Số 01-BB/VPTU"
    assert minutes.document_date == date(2026, 11, 19)
    assert minutes.approved_by_id == scene.admin.id
    with pytest.raises(Conflict):
        services.save(minutes, {"closing": {"text": "x"}}, user=secretary, version=minutes.version)
    with pytest.raises(Conflict):
        services.set_status(minutes, "draft", user=admin, version=minutes.version)
    issued = db.session.scalars(select(IssuedNumber)).all()
    assert [(i.formatted, i.object_id, i.document_type) for i in issued] == [
        ("Số 01-BB/VPTU", minutes.public_id, "minutes")]
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == minutes.public_id)
                                 .order_by(AuditEntry.id)).all()
    assert actions == ["minutes.generated", "minutes.submitted", "minutes.draft", "minutes.submitted",
                       "minutes.approved"]


def test_a_stale_approval_spends_no_number(scene, ctx):
    meeting, admin = scene.meeting(), scene.user(scene.admin)
    minutes = services.generate(meeting, user=admin)
    services.save(minutes, {"closing": {"text": "x"}}, user=admin, version=1)
    with pytest.raises(Conflict):
        services.set_status(minutes, "approved", user=admin, version=1)
    assert db.session.scalar(select(func.count()).select_from(IssuedNumber)) == 0
    services.set_status(minutes, "approved", user=admin, version=minutes.version)
    assert minutes.number == "Số 01-BB/VPTU"


def test_approval_needs_a_body_code(app, factory):
    scene = build_scene(app, factory, body_code="")
    with app.test_request_context():
        minutes = services.generate(scene.meeting(), user=scene.user(scene.admin))
        with pytest.raises(ValidationError):
            services.set_status(minutes, "approved", user=scene.user(scene.admin), version=1)


def test_a_correction_is_a_new_linked_document(scene, ctx):
    meeting, admin = scene.meeting(), scene.user(scene.admin)
    minutes = services.generate(meeting, user=admin)
    with pytest.raises(Conflict):
        services.correct(minutes, user=admin)
    services.set_status(minutes, "approved", user=admin, version=1)
    correction = services.correct(minutes, user=admin)
    assert (correction.edition, correction.corrects_id, correction.status) == (2, minutes.id, MinutesStatus.draft)
    assert correction.sections == minutes.sections
    assert services.current(meeting).id == correction.id
    with pytest.raises(Conflict):
        services.correct(minutes, user=admin)
    services.set_status(correction, "approved", user=admin, version=correction.version)
    assert correction.number == "Số 02-BB/VPTU" and minutes.number == "Số 01-BB/VPTU"


def test_state_profile_numbers_and_a_congress_uses_one_sequence(app, factory):
    scene = build_scene(app, factory, profile="state", kind="congress", body_code="UBND")
    with app.test_request_context():
        meeting, admin = scene.meeting(), scene.user(scene.admin)
        minutes = services.generate(meeting, user=admin)
        notice = services.generate(meeting, MinutesKind.notice, user=admin)
        services.set_status(minutes, "approved", user=admin, version=1)
        services.set_status(notice, "approved", user=admin, version=1)
        assert (minutes.number, notice.number) == ("Số: 01/BB-UBND", "Số: 02/TB-UBND")


def test_notice_due_five_working_days_and_listed_until_approved(scene, ctx):
    meeting, admin = scene.meeting(), scene.user(scene.admin)
    assert services.notice_due(meeting) == date(2026, 11, 26)
    org = meeting.organization
    assert services.notices_due(org, admin, today=date(2026, 11, 23)) == [], "due in 3 working days: not yet"
    soon = services.notices_due(org, admin, today=date(2026, 11, 24))
    assert [(n.meeting.id, n.due, n.overdue, n.drafted) for n in soon] == [(meeting.id, date(2026, 11, 26), False,
                                                                            False)]
    late = services.notices_due(org, admin, today=date(2026, 11, 27))
    assert late[0].overdue
    notice = services.generate(meeting, MinutesKind.notice, user=admin)
    assert services.notices_due(org, admin, today=date(2026, 11, 27))[0].drafted
    with pytest.raises(ValidationError) as refused:  # the clerk's check: each item owes its conclusion
        services.set_status(notice, "approved", user=admin, version=1)
    assert [e["check"] for e in refused.value.errors] == ["item_empty"] * 3
    services.save(notice, {s["key"]: {"text": "Thống nhất thông qua."} for s in notice.sections
                           if s["key"].startswith("item:")}, user=admin, version=1)
    services.set_status(notice, "approved", user=admin, version=notice.version)
    assert services.notices_due(org, admin, today=date(2026, 11, 27)) == []
    assert notice.number == "Số 01-TB/VPTU"


def test_notices_follow_the_clearance_and_the_organizations_holidays(app, factory):
    from planner.documents import services as document_services

    scene = build_scene(app, factory, classification="secret")
    with app.test_request_context():
        meeting = scene.meeting()
        org = meeting.organization
        assert services.notices_due(org, scene.user(scene.viewer), today=date(2026, 12, 1)) == []
        assert len(services.notices_due(org, scene.user(scene.admin), today=date(2026, 12, 1))) == 1
        document_services.update_settings(org, {"holidays": "2026-11-24\n2026-11-25"})
        assert services.notice_due(meeting) == date(2026, 11, 30)


def test_generating_reads_a_fixed_number_of_queries(app, factory):
    small = build_scene(app, factory)
    large = build_scene(app, factory, delegates=40, items=12)
    counts = []
    for scene in (small, large):
        with app.test_request_context():
            meeting = scene.meeting()
            user = scene.user(scene.secretary)
            statements: list[str] = []

            def count(conn, cursor, statement, *args, _seen=statements):
                _seen.append(statement)

            event.listen(db.engine, "before_cursor_execute", count)
            try:
                services.meeting_facts(meeting, user)
            finally:
                event.remove(db.engine, "before_cursor_execute", count)
            counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_before_anyone_checks_in_the_expected_are_named_and_excuses_listed(app, factory):
    from planner.delegates import services as delegates
    from planner.delegates.models import Participant

    scene = build_scene(app, factory, attendance=False)
    with app.test_request_context():
        meeting = scene.meeting()
        away = db.session.scalar(select(Participant).where(Participant.public_id == scene.people["Lê Văn Thái"]))
        delegates.set_attendance(away, meeting.starts_on, "excused", "nghỉ phép", user=scene.user(scene.admin))
        text = next(s for s in services.generate(scene.meeting(), user=scene.user(scene.admin)).sections
                    if s["key"] == "participants")["text"]
    assert "Số đại biểu được triệu tập: 8." in text and "Có mặt" not in text
    assert "Đến dự có đồng chí Nguyễn Văn Quảng" in text and "cùng 5 đại biểu" in text
    assert "Vắng mặt: đồng chí Lê Văn Thái - Chủ tịch UBND quận Liên Chiểu (lý do: nghỉ phép)." in text


def test_the_roll_names_those_the_minutes_may_name_in_protocol_order_and_counts_the_others(app, factory):
    """The minutes read the list as plain rows: the leaders and guests (the attendance paragraph names them) and
    anyone with a day's record (the absent are named with their reason), with their names and records in
    protocol order; the other delegates only by how many there are of each category and answer."""
    from planner.delegates import protocol
    from planner.delegates import services as delegates
    from planner.delegates.models import Participant, ParticipantCategory

    scene = build_scene(app, factory, attendance=False)
    with app.test_request_context():
        meeting = scene.meeting()
        away = db.session.scalar(select(Participant).where(Participant.public_id == scene.people["Lê Văn Thái"]))
        delegates.set_attendance(away, meeting.starts_on, "excused", "nghỉ phép", user=scene.user(scene.admin))
        everyone = protocol.sort_participants(db.session.scalars(select(Participant)
                                                                 .where(Participant.meeting_id == meeting.id)))
        roll = delegates.attendance_roll(meeting)
        names = ["Nguyễn Văn Quảng", "Lương Nguyễn Minh Triết", "Trần Lưu Hải", "Lê Văn Thái"]
        assert [entry.id for entry in roll.entries] == [p.id for p in everyone if p.full_name in names]
        assert sorted(entry.full_name for entry in roll.entries) == sorted(names)
        thai = next(entry for entry in roll.entries if entry.id == away.id)
        assert (thai.title, thai.honorific) == ("Chủ tịch UBND quận Liên Chiểu", "đồng chí")
        assert [(mark.status.value, mark.reason) for mark in thai.attendance] == [("excused", "nghỉ phép")]
        counted = {}
        for (category, _rsvp), n in roll.others.items():
            counted[category] = counted.get(category, 0) + n
        assert counted == {ParticipantCategory.delegate: 4, ParticipantCategory.staff: 1}
