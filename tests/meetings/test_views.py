"""Meeting pages through the test client: list and filters, the form, the overview, status buttons,
rooms, occurrences, and who may do what."""

from __future__ import annotations

import re
from datetime import date, time

from planner.extensions import db
from planner.meetings import services
from planner.meetings.models import Meeting, MeetingStatus
from tests.meetings.conftest import MONDAY, make_site, open_office


def version_of(html: str) -> str:
    match = re.search(r'name="version"[^>]*value="(\d+)"', html) or re.search(r'value="(\d+)"[^>]*name="version"',
                                                                            html)
    assert match, "the form carries no version"
    return match.group(1)


FORM = {"title": "Hội nghị tổng kết công tác năm 2026", "kind": "conference", "classification": "none",
        "starts_on": "2026-12-03", "ends_on": "2026-12-04", "start_time": "07:30", "end_time": "17:00",
        "venue": "Hội trường Thành ủy", "city": "Đà Nẵng", "timezone": "Asia/Ho_Chi_Minh", "language": "vi",
        "description": "", "repeat": "", "interval": "1", "month_nth": "1", "month_weekday": "MO"}


def test_create_a_meeting_through_the_form(client, app):
    site = make_site(app)
    client.login(site.email)
    page = client.get("/meetings/new")
    assert page.status_code == 200
    assert 'name="starts_on"' in page.text
    response = client.post_form("/meetings/new", FORM)
    assert response.status_code == 302
    with app.test_request_context():
        meeting = db.session.scalar(db.select(Meeting))
        assert meeting.title == FORM["title"]
        assert (meeting.starts_on, meeting.ends_on, meeting.start_time) == (date(2026, 12, 3), date(2026, 12, 4),
                                                                             time(7, 30))
        assert response.headers["Location"].endswith(f"/meetings/{meeting.public_id}")


def test_bad_input_keeps_what_was_typed_and_says_why(client, app):
    site = make_site(app)
    client.login(site.email)
    response = client.post_form("/meetings/new", {**FORM, "ends_on": "2026-12-01"})
    assert response.status_code == 422
    assert FORM["title"] in response.text
    assert 'aria-invalid="true"' in response.text
    response = client.post_form("/meetings/new", {**FORM, "timezone": "Mars/Olympus"})
    assert response.status_code == 422
    with app.test_request_context():
        assert db.session.scalar(db.select(Meeting)) is None


def test_a_weekly_meeting_from_the_form_and_its_occurrences(client, app):
    site = make_site(app)
    client.login(site.email)
    data = {**FORM, "title": "Giao ban tuần", "kind": "briefing", "starts_on": MONDAY.isoformat(), "ends_on": "",
            "start_time": "08:00", "end_time": "10:00", "repeat": "weekly", "weekdays": ["MO"], "count": "10"}
    assert client.post_form("/meetings/new", data).status_code == 302
    with app.test_request_context():
        meeting = db.session.scalar(db.select(Meeting))
        assert meeting.recurrence == "FREQ=WEEKLY;BYDAY=MO;COUNT=10"
        public_id = meeting.public_id
    edit = client.get(f"/meetings/{public_id}/edit")
    assert re.search(r'<input checked[^>]*name="weekdays"[^>]*value="MO"', edit.text)  # the rule read back
    assert re.search(r'<option selected value="weekly">', edit.text)
    # A Tuesday start does not fit "every Monday": refused, with the first Monday named.
    bad = client.post_form(f"/meetings/{public_id}/edit", {**data, "starts_on": "2026-11-24",
                                                           "version": version_of(edit.text)})
    assert bad.status_code == 422
    assert "2026-11-30" in bad.text
    # Cancel one occurrence, move another.
    assert client.post_form(f"/meetings/{public_id}/occurrences/2026-12-07/cancel",
                            {"note": "Trùng lịch"}).status_code == 302
    move = client.post_form(f"/meetings/{public_id}/occurrences/2026-11-30/move",
                            {"new_date": "2026-12-01", "new_start_time": "14:00", "new_end_time": "16:00",
                             "new_venue": "Phòng họp số 2", "note": ""})
    assert move.status_code == 302
    listing = client.get(f"/meetings/{public_id}/occurrences?from=2026-11-23")
    assert listing.status_code == 200
    assert "Trùng lịch" in listing.text and "Phòng họp số 2" in listing.text
    dates = client.get("/meetings?from=2026-11-23&to=2026-12-13")
    assert dates.text.count("Giao ban tuần") == 3  # 23/11, 1/12 (moved), 7/12 (cancelled, listed)
    assert dates.text.count('class="is-cancelled"') == 1
    assert client.post_form(f"/meetings/{public_id}/occurrences/2026-11-24/cancel").status_code == 302  # flash
    assert client.get(f"/meetings/{public_id}/occurrences/2026-11-24/move").status_code == 404


def test_a_stale_edit_is_refused_and_the_typed_text_is_still_there(client, app):
    site = make_site(app)
    with app.test_request_context():
        meeting = open_office(site).meeting(title="Hội nghị A")
        public_id = meeting.public_id
    client.login(site.email)
    form_a = client.get(f"/meetings/{public_id}/edit")
    version = version_of(form_a.text)
    first = client.post_form(f"/meetings/{public_id}/edit", {**FORM, "title": "Hội nghị B", "version": version})
    assert first.status_code == 302
    stale = client.post_form(f"/meetings/{public_id}/edit", {**FORM, "title": "Hội nghị C của tôi",
                                                             "version": version})
    assert stale.status_code == 409
    assert "Hội nghị C của tôi" in stale.text  # nothing the user typed is lost
    assert 'class="flash flash-error"' in stale.text
    assert version_of(stale.text) != version  # saving again now overwrites knowingly
    with app.test_request_context():
        assert db.session.scalar(db.select(Meeting.title)) == "Hội nghị B"


def test_status_buttons_offer_only_allowed_moves(client, app):
    site = make_site(app)
    with app.test_request_context():
        public_id = open_office(site).meeting().public_id
    client.login(site.email)
    page = client.get(f"/meetings/{public_id}")
    assert re.findall(r'name="status" value="(\w+)"', page.text) == ["published"]
    assert client.post_form(f"/meetings/{public_id}/status", {"status": "published",
                                                             "version": version_of(page.text)}).status_code == 302
    page = client.get(f"/meetings/{public_id}")
    assert re.findall(r'name="status" value="(\w+)"', page.text) == ["draft", "in_progress", "closed"]
    client.post_form(f"/meetings/{public_id}/status", {"status": "archived"})  # not allowed from published
    with app.test_request_context():
        assert db.session.scalar(db.select(Meeting.status)) == MeetingStatus.published
    for status in ("in_progress", "closed"):
        client.post_form(f"/meetings/{public_id}/status", {"status": status})
    page = client.get(f"/meetings/{public_id}")
    assert re.findall(r'name="status" value="(\w+)"', page.text) == ["in_progress", "archived"]
    assert f"/meetings/{public_id}/edit" not in page.text
    assert client.get(f"/meetings/{public_id}/edit").status_code == 409


def test_rooms_page(client, app):
    site = make_site(app)
    with app.test_request_context():
        public_id = open_office(site).meeting().public_id
    client.login(site.email)
    assert client.post_form(f"/meetings/{public_id}/rooms", {"name": "Hội trường A", "capacity": "500"}
                            ).status_code == 302
    duplicate = client.post_form(f"/meetings/{public_id}/rooms", {"name": "Hội trường A", "capacity": "10"})
    assert duplicate.status_code == 422
    zero = client.post_form(f"/meetings/{public_id}/rooms", {"name": "Phòng nhỏ", "capacity": "0"})
    assert zero.status_code == 422
    page = client.get(f"/meetings/{public_id}/rooms")
    assert "<td>Hội trường A</td>" in page.text and "<td>500</td>" in page.text
    with app.test_request_context():
        from planner.meetings.models import Room

        room_id = db.session.scalar(db.select(Room.public_id))
    confirm = client.get(f"/meetings/{public_id}/rooms/{room_id}/delete")
    assert confirm.status_code == 200
    assert client.post_form(f"/meetings/{public_id}/rooms/{room_id}/delete").status_code == 302
    assert "<td>Hội trường A</td>" not in client.get(f"/meetings/{public_id}/rooms").text


def test_roles(client, app, factory):
    site = make_site(app)
    with app.test_request_context():
        public_id = open_office(site).meeting().public_id
    for role in ("viewer", "secretary"):
        user = factory.user(_org(site), role=role)
        client.login(user.email)
        assert client.get("/meetings").status_code == 200
        assert client.get(f"/meetings/{public_id}").status_code == 200
        assert client.get("/calendar/week").status_code == 200
        assert client.get("/meetings/new").status_code == 403
        assert client.post_form("/meetings/new", FORM).status_code == 403
        assert client.get(f"/meetings/{public_id}/edit").status_code == 403
        assert client.post_form(f"/meetings/{public_id}/status", {"status": "published"}).status_code == 403
        assert client.post_form(f"/meetings/{public_id}/rooms", {"name": "Phòng"}).status_code == 403
        assert "/meetings/new" not in client.get("/meetings").text
        client.logout()
    assert client.get("/meetings").status_code == 302  # signed out: to the login page


def _org(site):
    from tests.conftest import _OrgRef

    return _OrgRef(site.org_id, "", "")


def test_other_organization_and_classified_meetings_are_404_in_pages(client, app):
    here = make_site(app, role="viewer", clearance="internal")
    there = make_site(app)
    with app.test_request_context():
        theirs = open_office(there).meeting(title="Hội nghị của cơ quan khác").public_id
        office = open_office(here)
        # build a classified meeting, then lower the clearance again
        membership = office.user.membership_in(here.org_id)
        membership.clearance = "secret"
        secret = office.meeting(title="Hội nghị mật", classification="confidential").public_id
        membership.clearance = "internal"
        db.session.commit()
    client.login(here.email)
    for path in (f"/meetings/{theirs}", f"/meetings/{theirs}/rooms", f"/meetings/{secret}",
                 f"/meetings/{secret}/rooms", f"/meetings/{secret}/occurrences"):
        assert client.get(path).status_code == 404, path
    for path in ("/meetings", "/calendar/week?d=2026-12-03", "/calendar/month?m=2026-12",
                 "/calendar/week/print?d=2026-12-03", "/meetings?from=2026-12-01&to=2026-12-31"):
        text = client.get(path).text
        assert "Hội nghị mật" not in text and "cơ quan khác" not in text, path


def test_list_filters(client, app):
    site = make_site(app)
    with app.test_request_context():
        office = open_office(site)
        office.meeting(title="Hội nghị tổng kết năm", starts_on=date(2026, 12, 3))
        draft = office.meeting(title="Tập huấn văn thư", kind="training", starts_on=date(2027, 1, 12))
        services.set_status(office.meeting(title="Hội thảo khoa học", kind="seminar",
                                           starts_on=date(2027, 2, 1)), "published")
        assert draft.status == MeetingStatus.draft
    client.login(site.email)
    everything = client.get("/meetings").text
    assert all(t in everything for t in ("Hội nghị tổng kết năm", "Tập huấn văn thư", "Hội thảo khoa học"))
    by_kind = client.get("/meetings?kind=training").text
    assert "Tập huấn văn thư" in by_kind and "Hội thảo khoa học" not in by_kind
    by_status = client.get("/meetings?status=published").text
    assert "Hội thảo khoa học" in by_status and "Tập huấn văn thư" not in by_status
    by_text = client.get("/meetings?q=hoi+thao").text
    assert "Hội thảo khoa học" in by_text and "Hội nghị tổng kết năm" not in by_text
    by_dates = client.get("/meetings?from=2027-01-01&to=2027-01-31").text
    assert "Tập huấn văn thư" in by_dates and "Hội thảo khoa học" not in by_dates
    assert client.get("/meetings?from=nonsense&page=x").status_code == 200
    assert client.get("/meetings?status=postponed").status_code == 422


def test_delete_only_drafts(client, app):
    site = make_site(app)
    with app.test_request_context():
        office = open_office(site)
        draft = office.meeting(title="Bản nháp").public_id
        published = office.meeting(title="Đã công bố")
        services.set_status(published, "published")
        published = published.public_id
    client.login(site.email)
    assert client.post_form(f"/meetings/{published}/delete").status_code == 302
    assert client.get(f"/meetings/{published}").status_code == 200
    assert client.get(f"/meetings/{draft}/delete").status_code == 200
    assert client.post_form(f"/meetings/{draft}/delete").status_code == 302
    assert client.get(f"/meetings/{draft}").status_code == 404


def _two_participants(client, app, factory) -> tuple[str, str, str]:
    """A meeting with An (first in protocol order) and Bình on its list, its organizer signed in: the ids."""
    site = make_site(app)
    with app.test_request_context():
        office = open_office(site)
        meeting = office.meeting()
        a = office.participant(meeting, "Nguyễn", "Văn", "An", 1).public_id
        b = office.participant(meeting, "Trần", "Thị", "Bình", 2).public_id
        public_id = meeting.public_id
    client.login(site.email)
    return public_id, a, b


def test_presiding_chosen_in_the_form(client, app, factory):
    public_id, a, b = _two_participants(client, app, factory)
    edit = client.get(f"/meetings/{public_id}/edit")
    assert "Nguyễn Văn An" in edit.text
    response = client.post_form(f"/meetings/{public_id}/edit", {**FORM, "version": version_of(edit.text),
                                                                "presiding_ids": [a], "secretary_ids": [b]})
    assert response.status_code == 302
    page = client.get(f"/meetings/{public_id}")
    assert "Nguyễn Văn An" in page.text and "Trần Thị Bình" in page.text


def test_co_chairs_keep_the_order_posted(client, app, factory):
    """Co-chairs posted as [b, a] (the picker sends its chips' order; b is after a in protocol order) are
    the meeting's presiding persons in that order, and the edit form draws them first, b then a, so a
    browser without JavaScript sends them back in the same order."""
    public_id, a, b = _two_participants(client, app, factory)
    edit = client.get(f"/meetings/{public_id}/edit")
    response = client.post_form(f"/meetings/{public_id}/edit", {**FORM, "version": version_of(edit.text),
                                                                "presiding_ids": [b, a], "secretary_ids": [a]})
    assert response.status_code == 302, response.text
    with app.test_request_context():
        meeting = db.session.scalar(db.select(Meeting).where(Meeting.public_id == public_id))
        assert [p.public_id for p in meeting.presiding] == [b, a]
    page = client.get(f"/meetings/{public_id}/edit").text
    (options,) = re.findall(r'<select[^>]* id="presiding_ids"[^>]*>(.*?)</select>', page, re.S)
    assert re.findall(r'<option selected value="([^"]*)"', options) == [b, a]
    assert options.index(f'value="{b}"') < options.index(f'value="{a}"')


def test_viewing_a_classified_meeting_is_audited(client, app):
    site = make_site(app)
    with app.test_request_context():
        office = open_office(site)
        secret = office.meeting(title="Hội nghị mật", classification="confidential").public_id
        plain = office.meeting(title="Hội nghị thường", classification="internal").public_id
    client.login(site.email)
    client.get(f"/meetings/{secret}")
    client.get(f"/meetings/{plain}")
    with app.test_request_context():
        from planner.core.audit import AuditEntry

        viewed = db.session.scalars(db.select(AuditEntry.object_id).where(AuditEntry.action == "meeting.viewed"))
        assert list(viewed) == [secret]


def test_the_edit_and_rooms_pages_of_a_classified_meeting_are_audited(client, app):
    site = make_site(app)
    with app.test_request_context():
        office = open_office(site)
        secret = office.meeting(title="Hội nghị mật", classification="confidential").public_id
        plain = office.meeting(title="Hội nghị thường", classification="internal").public_id
    client.login(site.email)
    pages = [f"/meetings/{secret}/edit", f"/meetings/{secret}/rooms"]
    for page in [*pages, f"/meetings/{plain}/edit", f"/meetings/{plain}/rooms"]:
        assert client.get(page).status_code == 200, page
    with app.test_request_context():
        from planner.core.audit import AuditEntry

        viewed = db.session.execute(db.select(AuditEntry.object_id, AuditEntry.summary)
                                    .where(AuditEntry.action == "meeting.viewed").order_by(AuditEntry.id)).all()
        assert [tuple(row) for row in viewed] == [(secret, page) for page in pages]


def test_chairs_from_the_directory_and_a_staff_secretary_when_creating(client, app):
    """Chủ trì chosen from the people directory when the meeting is made (not only among its participants):
    they are put on its list, co-chairs in the order chosen; the secretary may be a user of the office who is
    not a delegate (put on the list as staff)."""
    from planner.delegates import services as delegates
    from planner.delegates.models import Participant, ParticipantCategory

    site = make_site(app)
    with app.test_request_context():
        office = open_office(site)
        first = delegates.create_person(office.org, {"full_name": "Lê Văn Chủ", "title": "Phó Bí thư Thành ủy"})
        second = delegates.create_person(office.org, {"full_name": "Trần Văn Bí", "title": "Bí thư Thành ủy"})
        chairs = [f"person:{first.public_id}", f"person:{second.public_id}"]  # not the protocol order: kept
        secretary = f"user:{office.user.public_id}"
        db.session.remove()
    client.login(site.email)
    page = client.get("/meetings/new").text
    assert page.count('name="presiding_ids"') == 1 and f'value="{chairs[0]}"' in page and f'value="{secretary}"' in page
    assert 'data-people-picker' in page and 'id="presiding_ids" multiple name="presiding_ids" size="8"' in page
    response = client.post_form("/meetings/new", {**FORM, "presiding_ids": ["", chairs[0], chairs[1]],
                                                  "secretary_ids": [secretary]})
    assert response.status_code == 302, response.text
    with app.test_request_context():
        meeting = db.session.scalar(db.select(Meeting))
        assert [p.full_name for p in meeting.presiding] == ["Lê Văn Chủ", "Trần Văn Bí"]
        assert [p.category for p in meeting.presiding] == [ParticipantCategory.leader, ParticipantCategory.leader]
        (clerk,) = meeting.secretaries
        assert clerk.category == ParticipantCategory.staff and clerk.person.email == site.email
        assert db.session.scalar(db.select(db.func.count(Participant.id))) == 3
        meeting_id = meeting.public_id
    edit = client.get(f"/meetings/{meeting_id}/edit").text
    # the chosen order comes back: the picker's select draws the co-chairs first, in their order
    (options,) = re.findall(r'<select[^>]* id="presiding_ids"[^>]*>(.*?)</select>', edit, re.S)
    assert re.findall(r'selected value="[^"]*">([^<–]*)', options) == ["Lê Văn Chủ ", "Trần Văn Bí "]
    # an unknown person is refused with a message, and nothing is made
    refused = client.post_form("/meetings/new", {**FORM, "title": "Khác", "presiding_ids": ["person:nobody"]})
    assert refused.status_code == 422
    with app.test_request_context():
        assert db.session.scalar(db.select(db.func.count(Meeting.id))) == 1
