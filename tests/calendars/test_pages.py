"""Feed management: the meeting's Calendar tab, the /feeds page, the API, single downloads, the invitation's
attachment and the audit log."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time

from sqlalchemy import select

from planner.core import exports
from planner.extensions import db
from tests.calendars.conftest import events, parse, uid


def audit_actions(app) -> list[str]:
    from planner.core.audit import AuditEntry

    with app.test_request_context():
        return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("calendar.%"))
                                       .order_by(AuditEntry.id)))


def _feed_url(html: str, kind: str) -> str:
    match = re.search(rf'value="(https?://[^"]+/feeds/{kind}/[^"]+\.ics)"', html)
    assert match, "no feed link on the page"
    return match.group(1)


def test_calendar_tab_creates_shows_once_and_revokes_a_meeting_link(app, scene, client):
    m = scene.conference()
    scene.item(m, "Khai mạc", "08:00", "08:30")
    scene.publish(m)
    client.login(scene.email)
    page = client.get(f"/meetings/{m}/calendar")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"/feeds/public/{scene.public_code(m)}.ics" in html and "webcal://" in html
    assert '<svg viewBox=' in html and 'class="feed-qr"' in html            # the QR code, inline
    created = client.post_form(f"/meetings/{m}/calendar/links", {"label": "Báo chí"})
    assert created.status_code == 200
    url = _feed_url(created.get_data(as_text=True), "m")
    path = url.split("localhost", 1)[1]
    assert client.get(path).status_code == 200
    listed = client.get(f"/meetings/{m}/calendar").get_data(as_text=True)
    assert "Báo chí" in listed and path.split("/")[-1].removesuffix(".ics") not in listed   # never shown again
    from planner.calendars.models import FeedToken

    with app.test_request_context():
        token_id = db.session.scalar(select(FeedToken.public_id))
    revoked = client.post_form(f"/meetings/{m}/calendar/{token_id}/revoke")
    assert revoked.status_code == 302
    assert client.get(path).status_code == 404
    assert audit_actions(app) == ["calendar.feed_issued", "calendar.feed_revoked"]


def test_personal_link_from_the_tab_and_viewers_cannot_create(app, factory, scene, client):
    m = scene.conference()
    an = scene.delegate(m, "Nguyễn Văn An")
    scene.item(m, "Khai mạc", "08:00", "08:30", presiding=(an,))
    scene.publish(m)
    client.login(scene.email)
    first = client.post_form(f"/meetings/{m}/calendar/personal", {"participant_id": an})
    url = _feed_url(first.get_data(as_text=True), "p")
    second = client.post_form(f"/meetings/{m}/calendar/personal", {"participant_id": an})
    assert client.get(url.split("localhost", 1)[1]).status_code == 404          # replaced by the new one
    assert client.get(_feed_url(second.get_data(as_text=True), "p").split("localhost", 1)[1]).status_code == 200
    client.logout()
    from planner.accounts.models import Organization

    with app.test_request_context():
        org = db.session.get(Organization, scene.org_id)
    viewer = factory.user(org, role="viewer")
    client.login(viewer.email)
    assert client.get(f"/meetings/{m}/calendar").status_code == 200
    assert client.post_form(f"/meetings/{m}/calendar/links", {"label": "x"}).status_code == 403


def test_feeds_page_own_feed_settings_and_revocation(app, scene, client):
    client.login(scene.email)
    page = client.get("/feeds")
    assert page.status_code == 200 and "Lịch đăng ký" in page.get_data(as_text=True)
    created = client.post_form("/feeds/mine")
    url = _feed_url(created.get_data(as_text=True), "u")
    assert client.get(url.split("localhost", 1)[1]).status_code == 200
    saved = client.post_form("/feeds/settings", {"classified": "omit", "refresh_minutes": "30", "version": ""})
    assert saved.status_code == 302
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT30M" in client.get(url.split("localhost", 1)[1]).text
    bad = client.post_form("/feeds/settings", {"classified": "omit", "refresh_minutes": "5"})
    assert bad.status_code == 422
    listed = client.get("/feeds").get_data(as_text=True)
    assert "Lịch của cơ quan" in listed
    assert client.post_form("/feeds/mine/revoke").status_code == 302
    assert client.get(url.split("localhost", 1)[1]).status_code == 404
    assert audit_actions(app) == ["calendar.feed_issued", "calendar.settings_changed", "calendar.feed_revoked"]


def test_api_issues_and_revokes_a_delegates_feed(app, factory, scene, client):
    m = scene.conference()
    an = scene.delegate(m, "Nguyễn Văn An")
    from planner.accounts.models import User

    with app.test_request_context():
        user = db.session.get(User, scene.user_id)
        secret = factory.token(type("Ref", (), {"id": user.id, "organization_id": scene.org_id})())
    headers = {"Authorization": f"Bearer {secret}"}
    issued = client.post(f"/api/v1/participants/{an}/feed-token", headers=headers)
    assert issued.status_code == 201
    body = issued.get_json()
    assert body["url"].startswith("http") and body["webcal_url"].startswith("webcal://")
    path = body["url"].split("localhost", 1)[1]
    assert client.get(path).status_code == 200
    assert client.delete(f"/api/v1/participants/{an}/feed-token", headers=headers).status_code == 204
    assert client.get(path).status_code == 404
    assert client.post("/api/v1/participants/nobody/feed-token", headers=headers).status_code == 404


def test_meeting_api_feed_url_hook(app, scene):
    from planner.calendars.services import feed_url

    public = scene.conference()
    internal = scene.conference(classification="internal")
    with app.test_request_context():
        assert feed_url(scene.meeting_row(public)).endswith(f"/feeds/public/{scene.public_code(public)}.ics")
        assert feed_url(scene.meeting_row(internal)) is None


def test_single_downloads_of_an_item_and_the_registry(app, scene, client):
    m = scene.conference()
    item = scene.item(m, "Khai mạc", "08:00", "08:30")
    scene.publish(m)
    unpublished = scene.item(m, "Sau khi công bố", "10:00", "10:30")
    assert exports.exporter("meeting", "calendar.ics") is not None
    code = scene.public_code(m)
    one = client.get(f"/feeds/public/{code}/{item}.ics")
    assert one.status_code == 200 and "attachment" in one.headers["Content-Disposition"]
    cal = parse(one.data)
    assert cal["METHOD"] == "PUBLISH" and list(events(one.data)) == [uid(item)]
    assert client.get(f"/feeds/public/{code}/nothing.ics").status_code == 404
    assert client.get(f"/feeds/public/{code}/{unpublished}.ics").status_code == 404
    client.login(scene.email)
    staff = client.get(f"/meetings/{m}/agenda/{item}/calendar.ics")
    assert staff.status_code == 200 and list(events(staff.data)) == [uid(item)]
    again = client.get(f"/meetings/{m}/calendar.ics", headers={"If-None-Match": client.get(
        f"/meetings/{m}/calendar.ics").headers["ETag"]})
    assert again.status_code == 304


def test_invitation_attachment_is_a_request_with_organizer_and_attendee(app, scene):
    m = scene.conference(start_time=time(8, 0), end_time=time(11, 30))
    an = scene.delegate(m, "Nguyễn Văn An", email="an@example.vn")
    from planner.calendars.services import invitation_ics
    from planner.delegates import services as delegates

    with scene.open() as (org, user):
        participant = delegates.get_participant(org, an, user=user)
        raw = invitation_ics(participant, organizer_email="vanphong@example.vn")
    cal = parse(raw)
    assert cal["METHOD"] == "REQUEST" and "REFRESH-INTERVAL" not in raw.decode()
    (event,) = cal.walk("VEVENT")
    assert str(event["ORGANIZER"]) == "mailto:vanphong@example.vn"
    assert event["ORGANIZER"].params["CN"] == "Văn phòng Tỉnh ủy Asia/Ho_Chi_Minh"
    assert str(event["ATTENDEE"]) == "mailto:an@example.vn"
    assert event["ATTENDEE"].params["CN"] == "Nguyễn Văn An"
    assert event["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"
    assert str(event["UID"]) == f"invitation-{m}@planner"
    assert event.decoded("dtstart").astimezone(UTC) == datetime(2026, 12, 3, 1, 0, tzinfo=UTC)
    assert event.decoded("dtend").astimezone(UTC) == datetime(2026, 12, 4, 4, 30, tzinfo=UTC)
