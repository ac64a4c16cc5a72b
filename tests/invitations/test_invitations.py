"""Personal links (issue, rotate, revoke) and sending invitations by e-mail to a real SMTP server (aiosmtpd
on 127.0.0.1): the link in the body, the .ics attached, idempotence, the log, those without e-mail."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from planner.extensions import db
from tests.invitations.scene import free_port, link_in, make_scene, serve_smtp

smtp = pytest.fixture(serve_smtp, name="smtp")


@pytest.fixture
def scene(app):
    return make_scene(app)


# Links ---------------------------------------------------------------------------------------------------

def test_a_link_is_stored_only_as_its_hash_and_can_be_shown_again(scene):
    from planner.core.tokens import token_hash
    from planner.invitations import services as invitations
    from planner.invitations.models import ParticipantLink

    secret = scene.link("An")
    with scene.open() as s:
        link = db.session.scalar(select(ParticipantLink))
        assert link.token_hash == token_hash(secret)
        assert secret not in (link.nonce, link.hint, link.token_hash)
        assert invitations.link_secret(link) == secret
        assert invitations.resolve(secret)[0].public_id == s.people["An"].public_id
        assert invitations.resolve(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None


def test_rotation_revokes_the_old_link_and_revocation_the_current_one(scene):
    from planner.core.audit import AuditEntry
    from planner.invitations import services as invitations

    first = scene.link("An")
    second = scene.link("An")
    with scene.open() as s:
        assert invitations.resolve(first) is None
        assert invitations.resolve(second) is not None
        assert invitations.revoke_link(s.people["An"], user=s.user) == 1
        assert invitations.resolve(second) is None
        assert invitations.revoke_link(s.people["An"], user=s.user) == 0
        actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("participant.link%"))
                                          .order_by(AuditEntry.id)))
        assert actions == ["participant.link_issued", "participant.link_rotated", "participant.link_revoked"]


def test_a_link_made_under_another_secret_key_still_opens_but_is_not_shown_again(app, scene, monkeypatch):
    from planner.invitations import services as invitations

    secret = scene.link("An")
    monkeypatch.setitem(app.config, "SECRET_KEY", "another-secret-key")
    with scene.open() as s:
        assert invitations.resolve(secret) is not None
        assert invitations.link_secret(invitations.active_link(s.people["An"])) is None
        renewed = invitations.ensure_link(s.people["An"])
        assert renewed != secret and invitations.resolve(secret) is None


# Sending ----------------------------------------------------------------------------------------------------

def test_invitations_go_to_a_real_smtp_server_with_the_link_and_the_ics(client, scene, smtp):
    from planner.invitations import services as invitations
    from planner.invitations.models import InvitationLog, SendStatus

    with scene.open() as s:
        result = invitations.send_invitations(s.meeting, audience="all", user=s.user)
        assert (result.sent, result.failed, result.skipped, result.state) == (2, 0, 2, "finished")
        assert {p.full_name for p in invitations.without_email(s.meeting)} == {"Lê Quốc Cường", "Phạm Minh Dũng"}
        statuses = dict(db.session.execute(select(InvitationLog.to, InvitationLog.status)
                                           .where(InvitationLog.status != SendStatus.skipped)).all())
        assert statuses == {"an@example.vn": SendStatus.sent, "binh@example.vn": SendStatus.sent}

    assert len(smtp.messages) == 2
    [message] = smtp.to("an@example.vn")
    assert message["Subject"] == "Giấy mời: Hội nghị tổng kết công tác năm 2026"
    assert "vanphong@tinhuy.example.vn" in message["From"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Kính gửi: đồng chí Nguyễn Văn An," in body
    assert "trân trọng kính mời dự: Hội nghị tổng kết công tác năm 2026" in body
    # The link in the body opens the delegate's own page.
    secret = link_in(message)
    page = client.get(f"/d/{secret}")
    assert page.status_code == 200 and "Nguyễn Văn An" in page.get_data(as_text=True)
    # The meeting as an .ics the mail program offers to add: a request with organizer and attendee.
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(attachment.get_content())
    assert str(calendar["METHOD"]) == "REQUEST"
    [event] = [c for c in calendar.walk("VEVENT")]
    assert str(event["ORGANIZER"]).lower() == "mailto:vanphong@tinhuy.example.vn"
    assert str(event["ATTENDEE"]).lower() == "mailto:an@example.vn"


def test_sending_is_idempotent_unless_asked_to_send_again(scene, smtp):
    from planner.core.errors import ValidationError
    from planner.delegates import services as delegates
    from planner.invitations import services as invitations

    with scene.open() as s:
        invitations.send_invitations(s.meeting, audience="all", user=s.user)
        first = {m["To"]: link_in(m) for _rcpts, m in smtp.messages}
        assert len(first) == 2
        # Nobody is mailed twice, nor listed for printing twice: there is nothing left to do.
        for audience in ("all", "unsent"):
            with pytest.raises(ValidationError):
                invitations.send_invitations(s.meeting, audience=audience, user=s.user)
        with pytest.raises(ValidationError):
            invitations.send_invitations(s.meeting, audience="category", category="guest", user=s.user)
        assert len(smtp.messages) == 2
        # Someone listed for printing who now has an address is mailed by the next sending.
        delegates.update_participant(s.people["Cường"], {"email": "cuong@example.vn"})
        later = invitations.send_invitations(s.meeting, audience="unsent", user=s.user)
        assert (later.sent, later.skipped, later.total) == (1, 0, 1)
        assert len(smtp.to("cuong@example.vn")) == 1
        # "Send again" mails them once more, with the same links (the first e-mail's link keeps working).
        resent = invitations.send_invitations(s.meeting, audience="category", category="guest", resend=True,
                                              user=s.user)
        assert resent.sent == 1 and len(smtp.messages) == 4
        [_rcpts, last] = smtp.messages[-1]
        assert link_in(last) == first[last["To"]]


def test_a_changed_meeting_makes_a_new_invitation_to_send(scene, smtp):
    from planner.invitations import services as invitations
    from planner.meetings import services as meetings

    with scene.open() as s:
        invitations.send_invitations(s.meeting, audience="all", user=s.user)
        assert invitations.count_recipients(s.meeting, "all") == 0
        assert invitations.count_recipients(s.meeting, "all", resend=True) == 4
        meetings.update_meeting(s.meeting, {"venue": "Hội trường Tỉnh ủy"}, user=s.user)
        summary = invitations.summary(s.meeting)
        assert (summary["sent"], summary["outdated"]) == (0, 2)
        assert invitations.count_recipients(s.meeting, "all") == 4
        result = invitations.send_invitations(s.meeting, audience="all", user=s.user)
        assert result.sent == 2 and len(smtp.messages) == 4
        assert "Địa điểm: Hội trường Tỉnh ủy" in smtp.messages[-1][1].get_body(("plain",)).get_content()


def test_a_refused_recipient_is_logged_and_the_others_still_sent(scene, smtp):
    from planner.core.audit import AuditEntry
    from planner.invitations import services as invitations
    from planner.invitations.models import InvitationLog, ParticipantLink, SendStatus

    smtp.refuse.add("an@example.vn")
    with scene.open() as s:
        result = invitations.send_invitations(s.meeting, audience="all", user=s.user)
        assert (result.sent, result.failed) == (1, 1)
        failed = db.session.scalar(select(InvitationLog).where(InvitationLog.status == SendStatus.failed))
        assert failed.to == "an@example.vn" and "550" in failed.error
        # Nobody received An's link: none was kept for him.
        assert db.session.scalar(select(func.count(ParticipantLink.id)).where(
            ParticipantLink.participant_id == s.people["An"].id)) == 0
        assert db.session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.action == "invitation.failed")) == 1
        # Those whose e-mail failed are "not sent yet" and go out in the next sending.
        smtp.refuse.clear()
        assert invitations.send_invitations(s.meeting, audience="unsent", user=s.user).sent == 1
    assert len(smtp.to("an@example.vn")) == 1


def test_an_unreachable_server_stops_the_sending_and_says_why(app, scene, monkeypatch):
    from planner.invitations import services as invitations

    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())   # nobody listens there
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 3)
    with scene.open() as s:
        result = invitations.send_invitations(s.meeting, audience="all", user=s.user)
        assert result.state == "stopped" and result.failed == 2 and "127.0.0.1" in result.error
        assert invitations.running_batch(s.meeting) is None


def test_chunks_show_progress_and_two_windows_never_send_the_same_batch(app, smtp):
    from planner.core.errors import Conflict
    from planner.core.models import utcnow
    from planner.delegates import services as delegates
    from planner.invitations import services as invitations
    from planner.invitations.models import InvitationBatch

    scene = make_scene(app, publish=False)
    with scene.open() as s:
        for n in range(5):
            delegates.add_participant(s.meeting, {"full_name": f"Đại biểu Số {n}", "email": f"db{n}@example.vn"})
        batch = invitations.start_batch(s.meeting, audience="all", user=s.user)
        assert batch.total == 9
        with pytest.raises(Conflict):
            invitations.start_batch(s.meeting, audience="all", user=s.user)
        step = invitations.send_chunk(batch, user=s.user, size=4)
        assert (step.done, step.total, step.state) == (4, 9, "running")
        # Another window holding the batch: this one waits.
        db.session.execute(db.update(InvitationBatch).values(lease_until=utcnow() + invitations.LEASE))
        db.session.commit()
        with pytest.raises(Conflict):
            invitations.send_chunk(batch, user=s.user, size=4)
        db.session.execute(db.update(InvitationBatch).values(lease_until=None))
        db.session.commit()
        step = invitations.send_chunk(batch, user=s.user, size=4)
        step = invitations.send_chunk(batch, user=s.user, size=4)
        assert (step.done, step.state, step.sent, step.skipped) == (9, "finished", 7, 2)
    assert len(smtp.messages) == 7


def test_the_pages_send_in_chunks_and_show_the_log(client, scene, smtp):
    client.login(scene.email)
    url = f"/meetings/{scene.meeting_id}/invitations"
    response = client.post_form(f"{url}/send", {"audience": "unsent"})
    assert response.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "an@example.vn" in html and "Đã gửi" in html
    assert "Nhật ký gửi" in html
    assert len(smtp.messages) == 2
    # Again: nothing new to send, the page says so.
    response = client.post_form(f"{url}/send", {"audience": "unsent"})
    assert response.status_code == 422
    assert "đã nhận giấy mời này" in response.get_data(as_text=True)


def test_the_progress_is_json_for_the_pages_script(client, scene, smtp):
    from planner.invitations import services as invitations

    with scene.open() as s:
        batch_id = invitations.start_batch(s.meeting, audience="all", user=s.user).public_id
    client.login(scene.email)
    base = f"/meetings/{scene.meeting_id}/invitations/batches/{batch_id}"
    assert client.get(base).get_json()["done"] == 0
    html = client.get(f"/meetings/{scene.meeting_id}/invitations").get_data(as_text=True)
    assert f"{base}/continue" in html
    # A sending without its job (started elsewhere, or its job lost) is resumed: a job sends it to its end,
    # and what the page polls says so.
    response = client.post(f"{base}/continue", headers={"Accept": "application/json",
                                                        "X-CSRFToken": client.csrf_token()})
    assert response.status_code == 200
    data = client.get(base).get_json()
    assert (data["done"], data["total"], data["sent"], data["finished"]) == (4, 4, 2, True)
    assert data["job"]["state"] == "done" and data["job"]["attempts"] == 1
    assert client.post(f"{base}/continue", headers={"Accept": "application/json"}).status_code == 400  # no CSRF


def test_with_mail_turned_off_the_page_offers_the_links_instead(app, client, scene, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    client.login(scene.email)
    url = f"/meetings/{scene.meeting_id}/invitations"
    html = client.get(url).get_data(as_text=True)
    assert "không bật gửi e-mail" in html
    assert f"{url}/send" not in html
    response = client.post_form(f"{url}/send", {"audience": "all"})
    assert response.status_code == 409


def test_a_classified_meeting_is_mailed_without_its_title_or_place(app, smtp):
    from planner.invitations import services as invitations

    scene = make_scene(app, classification="confidential", title="Hội nghị về công tác cán bộ",
                       venue="Phòng họp số 1")
    with scene.open() as s:
        invitations.send_invitations(s.meeting, audience="all", user=s.user)
    [message] = smtp.to("an@example.vn")
    assert "Hội nghị về công tác cán bộ" not in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert "công tác cán bộ" not in body and "Phòng họp số 1" not in body
    ics = next(message.iter_attachments()).get_content()
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert "công tác cán bộ" not in ics and "Phòng họp số 1" not in ics
    assert link_in(message).startswith("d_")


def test_an_english_meeting_is_mailed_in_english(app, smtp):
    from planner.invitations import services as invitations

    scene = make_scene(app, language="en", title="Annual review conference")
    with scene.open() as s:
        invitations.send_invitations(s.meeting, audience="all", user=s.user)
    [message] = smtp.to("an@example.vn")
    assert message["Subject"] == "Invitation: Annual review conference"
    body = message.get_body(("plain",)).get_content()
    assert "Dear đồng chí Nguyễn Văn An," in body
    assert urlsplit(re.search(r"https?://\S+", body).group(0)).path.startswith("/d/")
