"""The speakers pages through HTTP: the control page and its buttons, the live state with its ETag,
the hall display by secret link, texts (upload checks, safe download), summaries, permissions."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.speeches import services
from planner.speeches.models import MeetingDisplay, Speech, SpeechStatus, SpeechText
from tests.conftest import PASSWORD
from tests.speeches.conftest import EXECUTABLE, docx_bytes, make_hall, pdf_bytes


@pytest.fixture
def site(app):
    """A hall built in its own request context (ids kept), and a client signed in as its organizer."""
    with app.test_request_context():
        hall = make_hall()
        a = hall.speech(person=0, title="Phát triển kinh tế biển", minutes=5)
        b = hall.speech(person=1, minutes=3)
        ids = {"meeting": hall.meeting.public_id, "item": hall.discussion.public_id, "report": hall.report.public_id,
               "a": a.public_id, "b": b.public_id, "email": hall.user.email, "org": hall.org.id,
               "people": [p.public_id for p in hall.people]}
    return ids


def signed_in(app, email):
    client = app.test_client()
    client.login(email, PASSWORD)
    return client


def speech(app, public_id):
    with app.app_context():
        found = db.session.scalar(select(Speech).where(Speech.public_id == public_id))
        db.session.expunge(found)
        return found


def revision(app, meeting_public_id):
    from planner.meetings.models import Meeting

    with app.app_context():
        meeting = db.session.scalar(select(Meeting).where(Meeting.public_id == meeting_public_id))
        control = services.control_of(meeting)
        return control.revision if control else 0


def act(client, site, action, follow=False, **data):
    return client.post_form(f"/meetings/{site['meeting']}/speakers/control", {"action": action, **data},
                            follow_redirects=follow)


def test_the_control_page_runs_a_list(app, site):
    client = signed_in(app, site["email"])
    page = client.get(f"/meetings/{site['meeting']}/speakers")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Nguyễn Văn An" in html and "Phát triển kinh tế biển" in html and "Trần Thị Bình" in html
    assert 'data-live-url="/meetings/' in html
    rev = re.search(r'data-revision="(\d+)"', html).group(1)

    response = act(client, site, "next", item=site["item"], revision=rev)
    assert response.status_code == 302 and "#live" in response.headers["Location"]
    response = act(client, site, "start", revision=revision(app, site["meeting"]))
    assert speech(app, site["a"]).status == SpeechStatus.speaking
    act(client, site, "pause", revision=revision(app, site["meeting"]))
    assert speech(app, site["a"]).paused_at is not None
    act(client, site, "resume", revision=revision(app, site["meeting"]))
    act(client, site, "stop", revision=revision(app, site["meeting"]))
    assert speech(app, site["a"]).status == SpeechStatus.done
    html = client.get(f"/meetings/{site['meeting']}/speakers").get_data(as_text=True)
    assert "Đã kết thúc" in html or "Finished" in html


def test_a_click_on_a_stale_page_changes_nothing_and_says_why(app, site):
    client = signed_in(app, site["email"])
    rev = revision(app, site["meeting"])
    act(client, site, "next", item=site["item"], revision=rev)
    response = act(client, site, "next", item=site["item"], revision=rev, follow=True)
    assert response.status_code == 200
    assert "flash-error" in response.get_data(as_text=True)
    assert speech(app, site["b"]).status == SpeechStatus.approved   # not called twice


def test_bad_control_input_gives_a_message_not_an_error(app, site):
    client = signed_in(app, site["email"])
    for data in ({"action": "explode"}, {"action": "call", "speech": "nope"}, {"action": "start", "revision": "x"},
                 {"action": "select"}, {"action": "up"}):
        response = client.post_form(f"/meetings/{site['meeting']}/speakers/control", data, follow_redirects=True)
        assert response.status_code == 200, data
        assert "flash-error" in response.get_data(as_text=True), data


def test_adding_reordering_and_requests(app, site):
    client = signed_in(app, site["email"])
    url = f"/meetings/{site['meeting']}/agenda/{site['item']}/speakers"
    response = client.post_form(url, {"participant_id": site["people"][2], "kind": "discussion",
                                      "title": "Về chuyển đổi số", "allotted": "4:30"})
    assert response.status_code == 302
    with app.app_context():
        added = db.session.scalar(select(Speech).where(Speech.title == "Về chuyển đổi số"))
        assert (added.allotted_seconds, added.position) == (270, 3)
        added_id = added.public_id
    # Nonsense allotted time: a message, nothing saved.
    response = client.post_form(url, {"participant_id": site["people"][3], "kind": "discussion", "allotted": "soon"},
                                follow_redirects=True)
    assert response.status_code == 200 and "flash-error" in response.get_data(as_text=True)
    # Drag and drop.
    response = client.post(f"/meetings/{site['meeting']}/speakers/reorder",
                           json={"item": site["item"], "order": [added_id, site["a"], site["b"]]},
                           headers={"X-CSRFToken": client.csrf_token()})
    assert response.status_code == 200 and response.json == {"ok": True}
    assert speech(app, added_id).position == 1
    response = client.post(f"/meetings/{site['meeting']}/speakers/reorder", json={"item": site["item"],
                           "order": ["x"]}, headers={"X-CSRFToken": client.csrf_token()})
    assert response.status_code == 404
    # Keyboard alternative.
    act(client, site, "down", speech=added_id, revision=revision(app, site["meeting"]))
    assert speech(app, added_id).position == 2


def test_the_live_state_answers_304_when_nothing_changed(app, site):
    client = signed_in(app, site["email"])
    url = f"/meetings/{site['meeting']}/speakers/live"
    first = client.get(url)
    assert first.status_code == 200 and first.headers["ETag"] and first.headers["X-Server-Time"].isdigit()
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    act(client, site, "next", item=site["item"], revision=revision(app, site["meeting"]))
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.json["current"]["id"] == site["a"]


def test_the_hall_display_opens_by_its_secret_link_without_sign_in(app, site):
    client = signed_in(app, site["email"])
    response = client.post_form(f"/meetings/{site['meeting']}/speakers/displays", {"name": "Máy chiếu hội trường"})
    assert response.status_code == 302
    page = client.get(f"/meetings/{site['meeting']}/speakers/displays").get_data(as_text=True)
    link = re.search(r'value="(http://[^"]+/hall/[^"]+)"', page).group(1)
    path = link.split("localhost", 1)[-1]
    # Shown once only.
    assert link not in client.get(f"/meetings/{site['meeting']}/speakers/displays").get_data(as_text=True)
    with app.app_context():
        stored = db.session.scalar(select(MeetingDisplay))
        assert path.rsplit("/", 1)[1] not in stored.token_hash   # only the hash is kept

    stranger = app.test_client()
    hall_page = stranger.get(path)
    assert hall_page.status_code == 200 and "hall.js" in hall_page.get_data(as_text=True)
    state = stranger.get(path + "/state")
    assert state.status_code == 200 and state.json["meeting"] == "Hội nghị Ban Chấp hành Đảng bộ thành phố"
    assert stranger.get(path + "/state", headers={"If-None-Match": state.headers["ETag"]}).status_code == 304
    assert stranger.get("/hall/not-a-token").status_code == 404

    with app.app_context():
        public_id = db.session.scalar(select(MeetingDisplay.public_id))
    client.post_form(f"/meetings/{site['meeting']}/speakers/displays/{public_id}/revoke")
    assert stranger.get(path).status_code == 404
    assert stranger.get(path + "/state").status_code == 404


def upload(client, site, data, name, **flags):
    return client.post_form(f"/meetings/{site['meeting']}/speeches/{site['a']}/texts",
                            {"file": (io.BytesIO(data), name), "check_against_delivery": "y", "embargo": "y", **flags},
                            content_type="multipart/form-data")


def test_uploads_are_checked_by_content(app, site):
    client = signed_in(app, site["email"])
    renamed = upload(client, site, pdf_bytes(), "tham-luan.docx")
    assert renamed.status_code == 422 and "PDF" in renamed.get_data(as_text=True)
    program = upload(client, site, EXECUTABLE, "tham-luan.pdf")
    assert program.status_code == 422 and "DOCX" in program.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(SpeechText.id)) is None
    good = upload(client, site, docx_bytes("Kính thưa các đồng chí"), "Tham luận.docx")
    assert good.status_code == 302
    with app.app_context():
        text = db.session.scalar(select(SpeechText))
        assert text.embargo and text.check_against_delivery and text.media_type.endswith("document")
        text_id = text.public_id
    # Staff download even under embargo, with safe headers.
    download = client.get(f"/meetings/{site['meeting']}/speeches/{site['a']}/texts/{text_id}")
    assert download.status_code == 200
    assert download.headers["Content-Type"] == ("application/vnd.openxmlformats-officedocument."
                                                "wordprocessingml.document")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "Tham%20lu%E1%BA%ADn.docx" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.data.startswith(b"PK")
    page = client.get(f"/meetings/{site['meeting']}/speeches/{site['a']}").get_data(as_text=True)
    assert "Tham luận.docx" in page


def test_a_missing_file_field_is_a_message(app, site):
    client = signed_in(app, site["email"])
    response = client.post_form(f"/meetings/{site['meeting']}/speeches/{site['a']}/texts", {},
                                content_type="multipart/form-data")
    assert response.status_code == 422


def test_editing_a_speech_and_a_stale_save(app, site):
    client = signed_in(app, site["email"])
    url = f"/meetings/{site['meeting']}/speeches/{site['a']}"
    version = speech(app, site["a"]).version
    data = {"participant_id": site["people"][0], "kind": "report", "title": "Tiêu đề mới", "allotted": "10",
            "version": str(version)}
    assert client.post_form(url, data).status_code == 302
    stale = client.post_form(url, {**data, "title": "Cũ"})
    assert stale.status_code == 409
    assert speech(app, site["a"]).title == "Tiêu đề mới"
    bad = client.post_form(url, {**data, "version": str(version + 1), "allotted": "-3"})
    assert bad.status_code == 422


def test_secretaries_write_summaries_also_after_the_meeting_but_do_not_run_the_list(app, site, factory):
    from planner.meetings.models import Meeting, MeetingStatus

    secretary = factory.user(type("Org", (), {"id": site["org"]})(), role="secretary", clearance="secret")
    client = signed_in(app, secretary.email)
    assert client.get(f"/meetings/{site['meeting']}/speakers").status_code == 200
    response = act(client, site, "next", item=site["item"])
    assert response.status_code == 403
    with app.app_context():
        meeting = db.session.scalar(select(Meeting).where(Meeting.public_id == site["meeting"]))
        meeting.status = MeetingStatus.closed
        db.session.commit()
    page = client.get(f"/meetings/{site['meeting']}/speakers/summaries")
    assert page.status_code == 200 and 'name="summary"' in page.get_data(as_text=True)
    response = client.post_form(f"/meetings/{site['meeting']}/speeches/{site['a']}/summary",
                                {"summary": "Đồng chí đề nghị ưu tiên hạ tầng cảng biển.", "back": "summaries",
                                 "version": str(speech(app, site["a"]).version)})
    assert response.status_code == 302
    assert speech(app, site["a"]).summary == "Đồng chí đề nghị ưu tiên hạ tầng cảng biển."
    # The organizer cannot change the list of a closed meeting.
    organizer = signed_in(app, site["email"])
    closed = organizer.post_form(f"/meetings/{site['meeting']}/agenda/{site['item']}/speakers",
                                 {"participant_id": site["people"][3], "kind": "discussion"}, follow_redirects=True)
    assert "flash-error" in closed.get_data(as_text=True)


def test_statistics_summaries_and_displays_pages(app, site):
    client = signed_in(app, site["email"])
    for path in ("statistics", "summaries", "displays"):
        response = client.get(f"/meetings/{site['meeting']}/speakers/{path}")
        assert response.status_code == 200, path
    stats = client.get(f"/meetings/{site['meeting']}/speakers/statistics").get_data(as_text=True)
    assert "Đoàn Hải Châu" in stats


def test_other_organizations_see_nothing(app, site, factory):
    other = factory.user(role="admin", clearance="top_secret")
    client = signed_in(app, other.email)
    assert client.get(f"/meetings/{site['meeting']}/speakers").status_code == 404
    assert client.get(f"/meetings/{site['meeting']}/speeches/{site['a']}").status_code == 404


def test_viewing_a_classified_speakers_list_is_audited(app, site):
    from planner.agenda import services as agenda
    from planner.agenda.models import AgendaItem
    from planner.core.audit import AuditEntry

    with app.test_request_context():
        item = db.session.scalar(select(AgendaItem).where(AgendaItem.public_id == site["item"]))
        agenda.update_item(item, {"classification": "confidential"}, user=None)
    client = signed_in(app, site["email"])
    for path in ("speakers", "speakers/summaries", "speakers/statistics", f"speeches/{site['a']}"):
        assert client.get(f"/meetings/{site['meeting']}/{path}").status_code == 200, path
    with app.app_context():
        entries = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "agenda.viewed")))
        assert sorted(e.summary for e in entries) == sorted(["speakers", "speech summaries", "speaking time", "speech"])
        assert all(site["item"] in e.changes["classified_items"] for e in entries)


def test_a_display_shows_the_chosen_kinds_untimed(app, site):
    """A leader's directive speech is not timed: the display gets the kinds it shows without time left or
    overtime, chosen per display (directive speeches by default) and changeable later."""
    client = signed_in(app, site["email"])
    form = client.get(f"/meetings/{site['meeting']}/speakers/displays").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*value="directive_speech"|<input[^>]*value="directive_speech"[^>]*checked',
                     form), "directive speeches are untimed by default"
    client.post_form(f"/meetings/{site['meeting']}/speakers/displays",
                     {"name": "Máy chiếu", "untimed_kinds": ["directive_speech", "conclusion"]})
    page = client.get(f"/meetings/{site['meeting']}/speakers/displays").get_data(as_text=True)
    path = re.search(r'value="http://localhost(/hall/[^"]+)"', page).group(1)
    stranger = app.test_client()
    assert stranger.get(path + "/state").json["untimed_kinds"] == ["directive_speech", "conclusion"]
    with app.app_context():
        public_id = db.session.scalar(select(MeetingDisplay.public_id))
    url = f"/meetings/{site['meeting']}/speakers/displays/{public_id}/untimed"
    assert client.post_form(url, {"untimed_kinds": ["report"]}).status_code == 302
    assert stranger.get(path + "/state").json["untimed_kinds"] == ["report"]
    assert client.post_form(url, {"untimed_kinds": ["bogus"]}).status_code == 400
    assert client.post_form(url, {}).status_code == 302  # none: every speech timed
    assert stranger.get(path + "/state").json["untimed_kinds"] == []
