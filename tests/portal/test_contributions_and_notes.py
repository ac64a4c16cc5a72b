"""From the delegate's personal page: a written contribution (tham luận) or a request to speak, which staff
accept or decline with a reason (accepted texts become submitted texts the delegates read and enter the
booklet); and private notes on items, which never leave the delegate's own page."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from planner.extensions import db
from tests.invitations.scene import make_scene
from tests.speeches.conftest import docx_bytes

NOTE = "Ghi chú riêng ZQXPRIVATENOTE"


@pytest.fixture
def scene(app):
    return make_scene(app)


def _contribute(client, secret: str, item_id: str, title: str, data: bytes | None = None,
                filename: str = "tham-luan.docx"):
    form = {f"speak-{item_id}-title": title}
    if data is not None:
        form[f"speak-{item_id}-text"] = (io.BytesIO(data), filename)
    return client.post_form(f"/d/{secret}/speak/{item_id}", form, content_type="multipart/form-data")


def _staff(app, scene):
    client = app.test_client()
    client.login(scene.email)
    return client


def test_a_written_contribution_is_accepted_and_becomes_a_submitted_text_and_a_booklet_entry(app, client, scene):
    from planner.booklets import builders
    from planner.booklets import services as booklet_services
    from planner.speeches import services as speech_services
    from planner.speeches.models import Speech, SpeechKind, SpeechStatus

    an, binh = scene.link("An"), scene.link("Bình")
    item = scene.items["discussion"]
    assert _contribute(client, an, item, "", docx_bytes("Tham luận")).status_code == 302   # a title is owed
    assert _contribute(client, an, item, "Tham luận về chuyển đổi số", b"MZ not a document", "x.docx") \
        .status_code == 302
    with scene.open():
        assert db.session.scalars(select(Speech).where(Speech.requested_by_delegate.is_(True))).all() == []
    assert _contribute(client, an, item, "Tham luận về chuyển đổi số", docx_bytes("Toàn văn tham luận")) \
        .status_code == 302
    with scene.open() as s:
        speech = db.session.scalar(select(Speech).where(Speech.requested_by_delegate.is_(True)))
        assert speech.kind is SpeechKind.contributed_speech and speech.status is SpeechStatus.requested
        text_id = speech.latest_text.public_id
        # not accepted yet: not a text the other delegates may read
        assert speech_services.delegate_texts(s.people["Bình"]) == []
    assert client.get(f"/d/{binh}/documents/speech/{text_id}").status_code == 404
    assert client.get(f"/d/{an}/documents/speech/{text_id}").status_code == 200   # its author may

    staff = _staff(app, scene)
    page = staff.get(f"/meetings/{scene.meeting_id}/speakers/contributions").get_data(as_text=True)
    assert "Tham luận về chuyển đổi số" in page and "Nguyễn Văn An" in page
    assert staff.post_form(f"/meetings/{scene.meeting_id}/speeches/{speech.public_id}/decision",
                           {"decision": "accept"}).status_code == 302
    with scene.open() as s:
        texts = speech_services.delegate_texts(s.people["Bình"])
        assert [t.public_id for t in texts] == [text_id]
        settings = booklet_services.settings_of(s.meeting)
        settings.sections = [*settings.sections, "contributions"]
        data = builders.booklet_data(builders.BookletInput(s.meeting, settings, s.user))
        (section,) = [x for x in data["sections"] if x["title"] == "Tham luận bằng văn bản"]
        speakers = [r for r in section["rows"] if r["type"] == "speaker"]
        assert len(speakers) == 1 and "Nguyễn Văn An" in speakers[0]["name"]
        assert speakers[0]["subject"] == "Tham luận về chuyển đổi số"
        db.session.rollback()
    assert client.get(f"/d/{binh}/documents/speech/{text_id}").status_code == 200


def test_a_declined_request_shows_its_reason_on_the_delegates_page(app, client, scene):
    from planner.speeches.models import Speech, SpeechStatus

    an = scene.link("An")
    item = scene.items["discussion"]
    assert _contribute(client, an, item, "Xin phát biểu về ngân sách").status_code == 302
    with scene.open():
        speech = db.session.scalar(select(Speech).where(Speech.requested_by_delegate.is_(True)))
    staff = _staff(app, scene)
    assert staff.post_form(f"/meetings/{scene.meeting_id}/speeches/{speech.public_id}/decision",
                           {"decision": "decline", "reason": "Đã đủ người phát biểu."}).status_code == 302
    with scene.open():
        assert db.session.get(Speech, speech.id).status is SpeechStatus.withdrawn
    page = client.get(f"/d/{an}").get_data(as_text=True)
    assert "Đã đủ người phát biểu." in page


def test_private_notes_stay_on_the_delegates_page(app, client, scene):
    from planner.delegates import services as delegates
    from planner.portal.models import DelegateNote

    an, binh = scene.link("An"), scene.link("Bình")
    item = scene.items["report"]
    saved = client.post_form(f"/d/{an}/notes/item/{item}", {f"note-item-{item}-text": NOTE})
    assert saved.status_code == 302
    assert NOTE in client.get(f"/d/{an}").get_data(as_text=True)
    assert NOTE not in client.get(f"/d/{binh}").get_data(as_text=True)
    # a classified item or another meeting's: not found
    assert client.post_form(f"/d/{an}/notes/item/{scene.items['secret']}",
                            {f"note-item-{scene.items['secret']}-text": "x"}).status_code == 404
    # staff pages, exports and the API never show it
    staff = _staff(app, scene)
    m = f"/meetings/{scene.meeting_id}"
    for url in (m, f"{m}/agenda", f"{m}/participants", f"{m}/participants/{scene.people['An']}", f"{m}/speakers",
                f"{m}/minutes", "/admin/audit", f"{m}/exports/participants.csv", f"{m}/exports/participants.xlsx",
                f"{m}/exports/calendar.ics"):
        response = staff.get(url)
        assert response.status_code < 500, url
        assert b"ZQXPRIVATENOTE" not in response.data, url
    with scene.open() as s:
        from planner.accounts import services as accounts
        from planner.accounts.models import Organization, User

        _token, secret = accounts.issue_api_token(db.session.get(User, s.user.id),
                                                  db.session.get(Organization, s.org.id), "test")
    for url in (f"/api/v1/meetings/{scene.meeting_id}/participants", f"/api/v1/participants/{scene.people['An']}",
                f"/api/v1/meetings/{scene.meeting_id}/agenda-items"):
        response = client.get(url, headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 200 and b"ZQXPRIVATENOTE" not in response.data, url
    # emptied, it is gone; deleting the participant deletes their notes
    client.post_form(f"/d/{an}/notes/item/{item}", {f"note-item-{item}-text": ""})
    with scene.open():
        assert db.session.scalars(select(DelegateNote)).all() == []
    client.post_form(f"/d/{an}/notes/item/{item}", {f"note-item-{item}-text": NOTE})
    with scene.open() as s:
        delegates.remove_participant(s.people["An"])
        db.session.commit()
        assert db.session.scalars(select(DelegateNote)).all() == []


def test_a_note_on_a_meeting_document_needs_the_document_to_reach_the_delegate(app, scene):
    from planner.core.errors import NotFound
    from planner.meeting_documents import services as documents
    from planner.portal import services as portal
    from tests.meeting_documents.conftest import pdf_bytes

    with scene.open() as s:
        sent = documents.create_document(s.meeting, {"title": "Dự thảo báo cáo", "audience": "delegates"},
                                         pdf_bytes("Du thao"), "du-thao.pdf", user=s.user)
        documents.send_pack(s.meeting, user=s.user)
        staff_only = documents.create_document(s.meeting, {"title": "Ghi chép nội bộ", "audience": "staff"},
                                               pdf_bytes("Noi bo"), "noi-bo.pdf", user=s.user)
        sent_id, staff_id = sent.public_id, staff_only.public_id
    with scene.open() as s:
        portal.save_note(s.people["An"], "document", sent_id, NOTE)
        assert portal.notes_of(s.people["An"]) == {f"document:{sent_id}": NOTE}
        assert portal.notes_of(s.people["Bình"]) == {}
        with pytest.raises(NotFound):
            portal.save_note(s.people["An"], "document", staff_id, NOTE)
    an = scene.link("An")
    page = app.test_client().get(f"/d/{an}").get_data(as_text=True)
    assert NOTE in page and f'id="document-{sent_id}"' in page
