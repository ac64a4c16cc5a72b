"""The live screens obey the one visibility rule of every other output: the live state on the speakers page
gives a reader without the clearance of the item on the floor nothing of it (no speaker, title, unit,
delegation or ids), and the hall display of a classified meeting shows the mark, not the meeting's title,
and writes its opening to the audit log."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select

from planner.core.audit import AuditEntry
from planner.extensions import db
from planner.speeches import services
from tests.conftest import PASSWORD
from tests.speeches.conftest import PEOPLE, make_hall

AT = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)
SECRET_TITLE = "Phương án nhân sự khóa mới"


def _client(app, email):
    client = app.test_client()
    client.login(email, PASSWORD)
    return client


def _identifying(hall, speeches) -> list[str]:
    """Everything that tells who speaks on what: names, titles, units, delegations, public ids."""
    found = [SECRET_TITLE, hall.discussion.public_id, "Đoàn Hải Châu"]
    for speech in speeches:
        participant = speech.participant
        found += [speech.public_id, participant.public_id, participant.person.given_name,
                  participant.person.family_name, participant.title, speech.title]
        if participant.unit:
            found.append(participant.unit)
    return [value for value in found if value]


def test_the_live_state_gives_an_uncleared_reader_nothing_of_a_classified_speech(app, factory):
    from planner.agenda import services as agenda

    with app.test_request_context():
        hall = make_hall(clearance="top_secret")
        agenda.update_item(hall.discussion, {"classification": "secret", "title": SECRET_TITLE}, user=hall.user)
        first = hall.speech(person=0, title="Về công tác cán bộ")
        second = hall.speech(person=1, title="Ý kiến bổ sung")
        hall.people[0].unit = "Quận ủy Hải Châu"
        db.session.commit()
        services.call_next(hall.meeting, user=hall.user, item=hall.discussion, now=AT)
        services.start(hall.meeting, user=hall.user, now=AT)
        hidden = [*_identifying(hall, [first, second]), "Quận ủy Hải Châu"]
        url = f"/meetings/{hall.meeting.public_id}/speakers/live"
        org_id, cleared = hall.org.id, hall.user.email
    low = factory.user(type("Org", (), {"id": org_id})(), role="viewer", clearance="confidential")

    state = _client(app, low.email).get(url)
    assert state.status_code == 200
    body = state.get_data(as_text=True)
    leaked = [value for value in hidden if value in body]
    assert not leaked, f"the live state shows an uncleared reader: {leaked}"
    data = json.loads(body)
    assert data["item"]["title"] == "TỐI MẬT" and data["current"]["speaker"] == "TỐI MẬT"
    assert data["current"]["status"] == "speaking" and data["current"]["started_at"]   # the clock still runs

    full = _client(app, cleared).get(url)
    assert full.json["current"]["speaker"] == "Đồng chí Nguyễn Văn An"
    assert full.json["item"]["title"] == SECRET_TITLE
    assert full.headers["ETag"] != state.headers["ETag"]


def test_the_hall_of_a_classified_meeting_shows_the_mark_and_its_opening_is_audited(app):
    with app.test_request_context():
        hall = make_hall(clearance="secret", classification="confidential",
                         title="Hội nghị Ban Thường vụ về công tác cán bộ")
        first = hall.speech(person=0, title="Về công tác cán bộ")
        services.call_next(hall.meeting, user=hall.user, item=hall.discussion, now=AT)
        services.start(hall.meeting, user=hall.user, now=AT)
        _display, token = services.create_display(hall.meeting, user=hall.user, name="Máy chiếu")
        hidden = ["Hội nghị Ban Thường vụ", "Thảo luận tại hội trường", *_identifying(hall, [first])]
        hidden.remove(SECRET_TITLE)
        meeting_id = hall.meeting.id
    stranger = app.test_client()
    page = stranger.get(f"/hall/{token}")
    state = stranger.get(f"/hall/{token}/state")
    stranger.get(f"/hall/{token}/state")
    assert page.status_code == 200 and state.status_code == 200
    for name, response in (("page", page), ("state", state)):
        body = response.get_data(as_text=True)
        leaked = [value for value in hidden if value in body]
        assert not leaked, f"the hall {name} of a classified meeting shows: {leaked}"
    assert "Cuộc họp (mật)" in page.get_data(as_text=True)
    assert state.json["meeting"] == "Cuộc họp (mật)"
    assert state.json["item"]["title"] == "MẬT" and state.json["current"]["status"] == "speaking"
    with app.app_context():
        opened = db.session.scalars(select(AuditEntry).where(AuditEntry.meeting_id == meeting_id,
                                                             AuditEntry.action == "hall_display.opened")).all()
    assert len(opened) == 1 and opened[0].summary == "Máy chiếu" and opened[0].actor_label == "anonymous"


def test_the_hall_of_an_unclassified_meeting_is_unchanged_and_not_audited(app):
    with app.test_request_context():
        hall = make_hall()
        hall.speech(person=0, title="Phát triển kinh tế biển")
        services.call_next(hall.meeting, user=hall.user, item=hall.discussion, now=AT)
        _display, token = services.create_display(hall.meeting, user=hall.user)
        meeting_id = hall.meeting.id
    client = app.test_client()
    assert hall_title_in(client.get(f"/hall/{token}").get_data(as_text=True))
    state = client.get(f"/hall/{token}/state").json
    assert state["meeting"] == "Hội nghị Ban Chấp hành Đảng bộ thành phố"
    assert state["current"]["speaker"] == f"Đồng chí {' '.join(PEOPLE[0][:3])}"
    with app.app_context():
        assert not db.session.scalars(select(AuditEntry).where(AuditEntry.meeting_id == meeting_id,
                                                               AuditEntry.action == "hall_display.opened")).all()


def hall_title_in(html: str) -> bool:
    return "Hội nghị Ban Chấp hành Đảng bộ thành phố" in html
