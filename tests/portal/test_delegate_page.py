"""The delegate's personal page /d/<secret>: what it shows (and never shows), the RSVP, requests to speak,
the calendar feed."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from planner.extensions import db
from tests.invitations.scene import make_scene


@pytest.fixture
def scene(app):
    return make_scene(app)


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    if not match:
        match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def test_the_page_shows_the_meeting_the_delegate_and_the_unclassified_programme(client, scene):
    secret = scene.link("An")
    response = client.get(f"/d/{secret}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Hội nghị tổng kết công tác năm 2026" in html
    assert "Nguyễn Văn An" in html and "Bí thư Tỉnh ủy" in html
    assert "Báo cáo chính trị" in html and "Phiên khai mạc" in html
    # Nothing internal or classified in a delegate link (DOMAIN.md, Confidentiality).
    assert "Thông tin nội bộ về nhân sự" not in html
    assert "Báo cáo tình hình an ninh" not in html
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response.headers["Cache-Control"]


def test_items_the_delegate_presides_or_speaks_at_are_highlighted(client, scene):
    an = client.get(f"/d/{scene.link('An')}").get_data(as_text=True)
    opening = re.search(rf'<li id="item-{scene.items["opening"]}" class="([^"]+)"', an)
    assert opening and "is-mine" in opening.group(1)
    assert "Đại biểu chủ trì" in an
    report = re.search(rf'<li id="item-{scene.items["report"]}" class="([^"]+)"', an)
    assert report and "is-mine" not in report.group(1)

    binh = client.get(f"/d/{scene.link('Bình')}").get_data(as_text=True)
    report = re.search(rf'<li id="item-{scene.items["report"]}" class="([^"]+)"', binh)
    assert report and "is-mine" in report.group(1)
    assert "Đại biểu phát biểu" in binh


def test_an_unknown_or_revoked_link_answers_a_404_that_reveals_nothing(client, scene):
    from planner.invitations import services as invitations

    secret = scene.link("An")
    with scene.open() as s:
        invitations.revoke_link(s.people["An"], user=s.user)
    for token in (secret, "d_" + "x" * 43, "nothing"):
        response = client.get(f"/d/{token}")
        html = response.get_data(as_text=True)
        assert response.status_code == 404
        assert "Nguyễn Văn An" not in html and "Hội nghị tổng kết" not in html
    assert client.post(f"/d/{secret}/rsvp", data={"rsvp": "accepted"}).status_code in (400, 404)


def test_a_new_link_replaces_the_old_one(client, scene):
    first = scene.link("An")
    second = scene.link("An")
    assert first != second
    assert client.get(f"/d/{first}").status_code == 404
    assert client.get(f"/d/{second}").status_code == 200


def test_rsvp_through_the_link_with_a_note(client, scene):
    from planner.core.audit import AuditEntry
    from planner.delegates.models import Participant, Rsvp
    from planner.invitations.models import InvitationReply

    secret = scene.link("Bình")
    page = client.get(f"/d/{secret}").get_data(as_text=True)
    response = client.post(f"/d/{secret}/rsvp", data={"csrf_token": _csrf(page), "rsvp": "declined",
                                                       "note": "Đồng chí Phó Chủ tịch dự thay"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "không thể tham dự" in page
    assert "Đồng chí Phó Chủ tịch dự thay" in page
    with scene.open():
        participant = db.session.scalar(select(Participant).where(Participant.public_id == scene.people["Bình"]))
        assert participant.rsvp is Rsvp.declined
        reply = db.session.scalar(select(InvitationReply).where(InvitationReply.participant_id == participant.id))
        assert reply.note == "Đồng chí Phó Chủ tịch dự thay"
        actions = list(db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.object_id == participant.public_id).order_by(AuditEntry.id)))
        assert actions[-2:] == ["participant.updated", "invitation.answered"]
        answered = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "invitation.answered"))
        assert answered.actor_label == f"delegate:{participant.public_id}"

    # Accept after all: the answer changes, and the page says so.
    response = client.post(f"/d/{secret}/rsvp", data={"csrf_token": _csrf(page), "rsvp": "accepted", "note": ""})
    assert response.status_code == 302
    assert "xác nhận sẽ tham dự" in client.get(f"/d/{secret}").get_data(as_text=True)


def test_rsvp_needs_the_csrf_token_and_a_real_answer(client, scene):
    from planner.delegates.models import Participant, Rsvp

    secret = scene.link("An")
    assert client.post(f"/d/{secret}/rsvp", data={"rsvp": "accepted"}).status_code == 400
    page = client.get(f"/d/{secret}").get_data(as_text=True)
    response = client.post(f"/d/{secret}/rsvp", data={"csrf_token": _csrf(page), "rsvp": "no_reply"})
    assert response.status_code == 422
    with scene.open():
        participant = db.session.scalar(select(Participant).where(Participant.public_id == scene.people["An"]))
        assert participant.rsvp is Rsvp.invited


def test_request_to_speak_on_an_open_discussion_item(client, scene):
    from planner.speeches.models import Speech, SpeechStatus

    secret = scene.link("Cường")
    page = client.get(f"/d/{secret}").get_data(as_text=True)
    discussion = scene.items["discussion"]
    assert f"/d/{secret}/speak/{discussion}" in page
    assert f"/d/{secret}/speak/{scene.items['report']}" not in page   # a report is not open for requests
    # Each item's form has its own field names and ids: the label of this one names this field.
    assert f'<label for="speak-{discussion}-title"' in page
    assert re.search(f'<input[^>]* id="speak-{discussion}-title"[^>]* name="speak-{discussion}-title"', page)
    response = client.post(f"/d/{secret}/speak/{discussion}", data={"csrf_token": _csrf(page),
                                                                  f"speak-{discussion}-title": "Về chuyển đổi số"})
    assert response.status_code == 302
    page = client.get(f"/d/{secret}").get_data(as_text=True)
    assert "Đã gửi đăng ký phát biểu" in page
    assert f"/d/{secret}/speak/{discussion}" not in page
    with scene.open():
        speech = db.session.scalar(select(Speech).where(Speech.title == "Về chuyển đổi số"))
        assert speech.status is SpeechStatus.requested and speech.requested_by_delegate
    # A classified item cannot be asked for, even by its id.
    response = client.post(f"/d/{secret}/speak/{scene.items['secret']}", data={"csrf_token": _csrf(page)})
    assert response.status_code == 404


def test_the_calendar_feed_link_is_shown_once_with_its_qr_code(client, scene):
    secret = scene.link("An")
    page = client.get(f"/d/{secret}").get_data(as_text=True)
    assert "webcal://" not in page
    response = client.post(f"/d/{secret}/calendar", data={"csrf_token": _csrf(page)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    feed = re.search(r'value="(https?://[^"]+/feeds/p/[^"]+\.ics)"', html)
    assert feed and "webcal://" in html and "<svg" in html
    assert client.get(urlsplit(feed.group(1)).path).status_code == 200
    assert "webcal://" not in client.get(f"/d/{secret}").get_data(as_text=True)


def test_a_classified_meeting_shows_neither_title_place_nor_programme(app, client):
    scene = make_scene(app, classification="confidential", title="Hội nghị về công tác cán bộ",
                       venue="Phòng họp số 1")
    html = client.get(f"/d/{scene.link('An')}").get_data(as_text=True)
    assert "Hội nghị về công tác cán bộ" not in html and "Phòng họp số 1" not in html
    assert "Báo cáo chính trị" not in html
    assert "Cuộc họp (mật)" in html
    assert 'name="rsvp"' in html


def test_the_page_follows_the_meeting_language(app, client):
    scene = make_scene(app, language="en", title="Annual review conference")
    html = client.get(f"/d/{scene.link('An')}").get_data(as_text=True)
    assert "Will you attend?" in html and "I will attend" in html


def test_a_recurring_meetings_page_counts_its_occurrences_as_its_days(client, app):
    """The delegate's page takes the meeting's days from the one recurrence-aware answer: a weekly briefing
    meets next week too, not only on the dates of its first occurrence."""
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from flask import template_rendered

    from planner.agenda import services as agenda
    from planner.invitations import services as invitations
    from tests.agenda.conftest import make_conference

    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    first = today - timedelta(weeks=2)
    with app.test_request_context():
        weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[first.weekday()]
        conf = make_conference(title="Giao ban Văn phòng", kind="briefing", starts_on=first, ends_on=first,
                               recurrence=f"FREQ=WEEKLY;BYDAY={weekday}")
        agenda.create_item(conf.meeting, {"title": "Nghe báo cáo công việc trong tuần", "kind": "report",
                                          "starts_at": datetime.combine(first, time(8)),
                                          "ends_at": datetime.combine(first, time(9))}, user=conf.user)
        agenda.publish(conf.meeting, user=conf.user)
        secret = invitations.ensure_link(conf.people[0], user=conf.user)
        db.session.remove()
    shown: list[dict] = []

    def record(_app, template, context, **_extra):
        if template.name == "portal/delegate.html":
            shown.append(context)

    with template_rendered.connected_to(record, app):
        html = client.get(f"/d/{secret}").get_data(as_text=True)
    assert "Nghe báo cáo công việc trong tuần" in html
    days = [day.day for day in shown[0]["days"]]
    assert {first, today, today + timedelta(weeks=1)} <= set(days)
