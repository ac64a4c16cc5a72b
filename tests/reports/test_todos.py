"""The staff's to-do list: each deadline counted in working days (weekends and the organization's holidays
skipped), each item gone once the work is done."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from planner.extensions import db
from planner.reports import services
from planner.reports.services import ToDoKind


@pytest.fixture
def desk(app, factory):
    """An organization with a conference on Monday 30 November 2026, its participants not yet invited."""
    from planner.accounts.models import Organization, User
    from planner.delegates import services as delegates
    from planner.meetings import services as meetings

    org_ref = factory.organization(name="Văn phòng Tỉnh ủy Quảng Nam")
    admin = factory.user(org_ref, role="admin", clearance="top_secret", password=None)
    viewer = factory.user(org_ref, role="viewer", clearance="internal", password=None)
    with app.test_request_context():
        org, user = db.session.get(Organization, org_ref.id), db.session.get(User, admin.id)
        meeting = meetings.create_meeting(org, user, title="Hội nghị sơ kết", kind="conference",
                                          starts_on=date(2026, 11, 30), ends_on=date(2026, 11, 30),
                                          start_time=time(8, 0), venue="Hội trường Tỉnh ủy")
        for n, category in enumerate(("leader", "delegate", "delegate", "staff")):
            delegates.add_participant(meeting, {"family_name": "Lê", "middle_name": "Văn", "given_name": f"Tám {n}",
                                                "category": category}, allow_duplicate=True)
        meetings.set_status(meeting, "published")
        meeting_id = meeting.id
    return org_ref, admin, viewer, meeting_id


def _load(desk):
    from planner.accounts.models import Organization, User
    from planner.meetings.models import Meeting

    org_ref, admin, viewer, meeting_id = desk
    return (db.session.get(Organization, org_ref.id), db.session.get(User, admin.id),
            db.session.get(User, viewer.id), db.session.get(Meeting, meeting_id))


def kinds(found):
    return [(t.kind, t.due, t.overdue, t.count) for t in found]


def mailing(found):
    """The to-dos other than the invitation letter's (tested on its own below)."""
    return [t for t in found if t.kind is not ToDoKind.letter]


def test_invitations_fall_due_three_working_days_before_skipping_weekends_and_holidays(app, desk):
    from planner.documents import services as document_services

    with app.test_request_context():
        org, admin, _viewer, meeting = _load(desk)
        # Monday 30 November: Friday 27, Thursday 26, Wednesday 25 are the three working days before it.
        assert services.invitation_due(meeting, []) == date(2026, 11, 25)
        assert services.todos(org, admin, today=date(2026, 11, 20)) == [], "due in 3 working days: not yet"
        due_soon = services.todos(org, admin, today=date(2026, 11, 23))
        assert kinds(due_soon) == [(ToDoKind.invitations, date(2026, 11, 25), False, 3),
                                   (ToDoKind.letter, date(2026, 11, 25), False, 3)], "staff are not invited"
        assert kinds(services.todos(org, admin, today=date(2026, 11, 26)))[0][:3] == (
            ToDoKind.invitations, date(2026, 11, 25), True)
        # The organization's own holidays move the deadline: with Thursday 26 off, it is Tuesday 24.
        document_services.update_settings(org, {"holidays": "2026-11-26"})
        assert services.invitation_due(meeting, document_services.holidays(org)) == date(2026, 11, 24)
        assert services.todos(org, admin, today=date(2026, 11, 25))[0].overdue


def test_sent_invitations_leave_the_list_and_missing_replies_take_their_place(app, desk):
    from planner.delegates import services as delegates
    from planner.invitations import services as invitations

    with app.test_request_context():
        org, admin, _viewer, meeting = _load(desk)
        # None has an e-mail address: each is logged as handed over on paper, which counts as sent.
        invitations.send_invitations(meeting, audience="all", user=admin)
        assert [t.kind for t in mailing(services.todos(org, admin, today=date(2026, 11, 23)))] == []
        from planner.delegates.models import Participant
        from planner.invitations.models import InvitationLog, SendStatus

        # Two delegates were e-mailed; one of them answers.
        invited = db.session.scalars(db.select(Participant).where(Participant.meeting_id == meeting.id,
                                                                  Participant.category == "delegate")).all()
        for p in invited:
            db.session.add(InvitationLog(meeting_id=meeting.id, participant_id=p.id, status=SendStatus.sent,
                                         to="x@example.vn"))
        db.session.commit()
        assert kinds(mailing(services.todos(org, admin, today=date(2026, 11, 23)))) == [
            (ToDoKind.replies, date(2026, 11, 30), False, 2)]
        delegates.set_rsvp(invited[0], "accepted", user=admin)
        assert mailing(services.todos(org, admin, today=date(2026, 11, 23)))[0].count == 1


def test_the_letter_is_due_by_the_organizations_lead_time_and_leaves_the_list_once_issued(app, desk):
    from planner.documents import services as document_services
    from planner.minutes.models import InvitationIssue

    with app.test_request_context():
        org, admin, _viewer, meeting = _load(desk)
        letters = [t for t in services.todos(org, admin, today=date(2026, 11, 23)) if t.kind is ToDoKind.letter]
        assert kinds(letters) == [(ToDoKind.letter, date(2026, 11, 25), False, 3)]
        # A body whose rules ask 5 working days: due Monday 23 November, overdue on the 24th.
        document_services.update_settings(org, {"invitation_lead_days": 5})
        assert document_services.invitation_due(org, meeting.starts_on) == date(2026, 11, 23)
        late = [t for t in services.todos(org, admin, today=date(2026, 11, 24)) if t.kind is ToDoKind.letter]
        assert kinds(late) == [(ToDoKind.letter, date(2026, 11, 23), True, 3)]
        assert [t for t in services.todos(org, admin, today=date(2026, 11, 13)) if t.kind is ToDoKind.letter] == []
        db.session.add(InvitationIssue(meeting_id=meeting.id, number="Số 01-GM/VPTU", issued_on=date(2026, 11, 24)))
        db.session.commit()
        assert [t for t in services.todos(org, admin, today=date(2026, 11, 24)) if t.kind is ToDoKind.letter] == []


def test_minutes_and_notice_are_due_five_working_days_after_the_meeting(app, factory):
    from planner.minutes import services as minutes
    from planner.minutes.models import MinutesKind
    from tests.minutes.conftest import build_scene

    scene = build_scene(app, factory, day=date(2026, 11, 19))   # Thursday: due Thursday 26 November
    with app.test_request_context():
        meeting, admin = scene.meeting(), scene.user(scene.admin)
        org = meeting.organization
        found = services.todos(org, admin, today=date(2026, 11, 24))
        assert [(t.kind, t.due, t.overdue, t.drafted) for t in found] == [
            (ToDoKind.minutes, date(2026, 11, 26), False, False),
            (ToDoKind.notice, date(2026, 11, 26), False, False)]
        late = services.todos(org, admin, today=date(2026, 11, 27))
        assert all(t.overdue for t in late)
        draft = minutes.generate(meeting, user=admin)
        assert services.todos(org, admin, today=date(2026, 11, 27))[0].drafted
        minutes.set_status(draft, "approved", user=admin, version=draft.version)
        notice = minutes.generate(meeting, MinutesKind.notice, user=admin)
        minutes.set_status(notice, "approved", user=admin, version=notice.version)
        assert services.todos(org, admin, today=date(2026, 11, 27)) == []
        # The viewer may not see a classified meeting: nothing of it on their list.
        assert services.todos(org, scene.user(scene.viewer), today=date(2026, 11, 27)) == []


def test_agenda_changes_since_the_last_release_are_counted(app, desk):
    from planner.agenda import services as agenda

    with app.test_request_context():
        org, admin, _viewer, meeting = _load(desk)
        today = date(2026, 11, 20)

        def agenda_todos():
            return [t.count for t in services.todos(org, admin, today=today) if t.kind is ToDoKind.agenda]

        assert agenda_todos() == []
        first = agenda.create_item(meeting, {"title": "Khai mạc", "kind": "opening",
                                             "starts_at": datetime(2026, 11, 30, 8, 0),
                                             "ends_at": datetime(2026, 11, 30, 8, 15)}, user=admin)
        second = agenda.create_item(meeting, {"title": "Báo cáo", "kind": "report",
                                              "starts_at": datetime(2026, 11, 30, 8, 15),
                                              "ends_at": datetime(2026, 11, 30, 9, 0)}, user=admin)
        assert agenda_todos() == [2], "never published: every change is pending"
        agenda.publish(meeting, user=admin)
        assert agenda_todos() == []
        agenda.update_item(first, {"title": "Khai mạc hội nghị"}, user=admin)
        agenda.delete_item(second, user=admin)
        assert agenda_todos() == [2], "an edit and a deletion"
        agenda.publish(meeting, user=admin)
        assert agenda_todos() == []


def test_the_week_lists_the_next_seven_days_without_cancelled_occurrences(app, desk):
    from planner.meetings import services as meetings

    with app.test_request_context():
        org, admin, viewer, _meeting = _load(desk)
        weekly = meetings.create_meeting(org, admin, title="Giao ban", kind="briefing", starts_on=date(2026, 11, 23),
                                         ends_on=date(2026, 11, 23), start_time=time(7, 30),
                                         recurrence="FREQ=WEEKLY;BYDAY=MO,TH")
        meetings.cancel_occurrence(weekly, date(2026, 11, 26))
        secret = meetings.create_meeting(org, admin, title="Họp mật", kind="meeting", classification="secret",
                                         starts_on=date(2026, 11, 25), ends_on=date(2026, 11, 25))
        week = services.this_week(org, admin, today=date(2026, 11, 24))
        assert [(o.meeting.title, o.day) for o in week] == [
            ("Họp mật", date(2026, 11, 25)), ("Giao ban", date(2026, 11, 30)), ("Hội nghị sơ kết", date(2026, 11, 30))]
        assert secret.id in {o.meeting.id for o in week}
        # The viewer is not cleared for the secret meeting; Thursday's briefing is cancelled; Monday 30 is too far.
        assert [(o.meeting.title, o.day) for o in services.this_week(org, viewer, today=date(2026, 11, 23))] == [
            ("Giao ban", date(2026, 11, 23))]


def test_each_role_sees_what_it_acts_on(app, desk):
    """Admins see the minutes waiting for their approval; a viewer (a leader) none of the clerical to-dos,
    only the minutes of a meeting they preside that wait for them, and their own meetings of the week."""
    from planner.delegates import services as delegates
    from planner.meetings import services as meetings
    from planner.minutes.models import Minutes, MinutesKind, MinutesStatus

    with app.test_request_context():
        org, admin, viewer, meeting = _load(desk)
        today = date(2026, 11, 26)
        assert {t.kind for t in services.todos(org, admin, today=today)} >= {ToDoKind.invitations}
        assert services.todos(org, viewer, today=today) == []  # invitations are the office's work, not theirs
        chair = delegates.add_participant(meeting, {"full_name": "Phan Văn Chủ", "email": viewer.email.upper(),
                                                    "title": "Bí thư Tỉnh ủy"})
        meetings.set_presiding(meeting, [chair.public_id])
        other = meetings.create_meeting(org, admin, title="Họp chuyên đề", starts_on=date(2026, 11, 27),
                                        ends_on=date(2026, 11, 27))
        db.session.add(Minutes(organization_id=org.id, meeting_id=meeting.id, kind=MinutesKind.minutes,
                               status=MinutesStatus.submitted, sections=[]))
        db.session.commit()
        approvals = [t for t in services.todos(org, admin, today=today) if t.kind is ToDoKind.approval]
        assert [(t.meeting.id, t.document) for t in approvals] == [(meeting.id, MinutesKind.minutes)]
        waiting = services.todos(org, viewer, today=today)
        assert [(t.kind, t.meeting.id) for t in waiting] == [(ToDoKind.awaiting, meeting.id)]
        # the viewer's week: the meetings whose list names them, not the office's other meetings
        assert [o.meeting.id for o in services.this_week(org, admin, today=today)] == [other.id, meeting.id]
        assert [o.meeting.id for o in services.this_week(org, viewer, today=today)] == [meeting.id]
