"""The pack's JSON API: multipart upload, list, change, send, versions, the file, delete; hostile uploads."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.meeting_documents.conftest import EXECUTABLE, pdf_bytes, zip_bomb
from tests.speeches.conftest import make_hall


@pytest.fixture
def api(app, factory):
    with app.app_context():
        hall = make_hall()
        user_ref = type("U", (), {"id": hall.user.id, "organization_id": hall.org.id})
        token = factory.token(user_ref)
        ids = {"meeting": hall.meeting.public_id, "item": hall.report.public_id,
               "people": [p.public_id for p in hall.people]}
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    class Api:
        def __init__(self):
            self.ids = ids

        def get(self, url, **kw):
            return client.get(f"/api/v1{url}", headers=headers, **kw)

        def post(self, url, **kw):
            return client.post(f"/api/v1{url}", headers=headers, **kw)

        def patch(self, url, **kw):
            return client.patch(f"/api/v1{url}", headers=headers, **kw)

        def delete(self, url, **kw):
            return client.delete(f"/api/v1{url}", headers=headers, **kw)

        def upload(self, data=None, name="bao-cao.pdf", **fields):
            form = {"title": "Báo cáo chính trị", "kind": "report", **fields,
                    "file": (io.BytesIO(data if data is not None else pdf_bytes()), name)}
            return self.post(f"/meetings/{ids['meeting']}/documents", data=form,
                             content_type="multipart/form-data")

    return Api()


def test_upload_read_change_send_version_download_delete(api):
    first, second = pdf_bytes(), pdf_bytes("Bản 2")
    created = api.upload(first, agenda_item_id=api.ids["item"], classification="internal")
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["version"], body["size"], body["reads"], body["sent"]) == (1, len(first), 0, False)
    assert len(body["sha256"]) == 64 and body["agenda_item_id"] == api.ids["item"] and body["pages"] == 2
    document_id = body["id"]
    listed = api.get(f"/meetings/{api.ids['meeting']}/documents").get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == document_id
    stale = body["revision"]
    sent = api.patch(f"/documents/{document_id}", json={"sent": True, "revision": stale})
    assert sent.status_code == 200 and sent.get_json()["sent"] and sent.get_json()["sent_at"]
    assert api.patch(f"/documents/{document_id}", json={"title": "X", "revision": stale}).status_code == 409
    version = api.post(f"/documents/{document_id}/versions", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(second), "v2.pdf")})
    assert version.status_code == 201 and version.get_json()["version"] == 2
    assert [v["number"] for v in version.get_json()["versions"]] == [1, 2]
    latest = api.get(f"/documents/{document_id}/file")
    assert latest.status_code == 200 and latest.data == second
    assert latest.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert api.get(f"/documents/{document_id}/file?version=1").data == first
    assert api.get(f"/documents/{document_id}/file?version=7").status_code == 404
    assert api.delete(f"/documents/{document_id}").status_code == 204
    assert api.get(f"/documents/{document_id}").status_code == 404


@pytest.mark.parametrize(("data", "name", "words"), [
    (EXECUTABLE, "bao-cao.pdf", "PDF, DOCX"),
    (pdf_bytes(), "bao-cao.exe", "PDF"),
    (None, "bom.docx", "PDF, DOCX"),
    (b"", "trong.pdf", "trống"),
])
def test_hostile_uploads_answer_422_with_a_reason(api, data, name, words):
    answer = api.upload(data=zip_bomb() if data is None else data, name=name)
    assert answer.status_code == 422
    assert answer.content_type == "application/problem+json" and words in answer.get_json()["detail"]
    assert api.get(f"/meetings/{api.ids['meeting']}/documents").get_json()["total"] == 0


def test_bad_fields_are_refused_and_save_nothing(api):
    assert api.upload(title="").status_code == 422
    assert api.upload(kind="poem").status_code == 422
    assert api.upload(audience="named").status_code == 422          # nobody named
    assert api.upload(agenda_item_id="0" * 32).status_code == 422
    assert api.upload(audience="named", participant_ids=["0" * 32]).status_code == 422
    assert api.get(f"/meetings/{api.ids['meeting']}/documents").get_json()["total"] == 0
    named = api.upload(audience="named", participant_ids=api.ids["people"][:2])
    assert named.status_code == 201 and named.get_json()["participant_ids"] == api.ids["people"][:2]


def test_the_pack_zip_holds_each_document_in_order(app, api):
    api.upload(title="Một")
    two = pdf_bytes("Hai")
    api.upload(title="Hai", data=two, name="hai.pdf")
    answer = api.get(f"/meetings/{api.ids['meeting']}/exports/documents.zip")
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.data)) as archive:
        assert archive.namelist() == ["01 - bao-cao.pdf", "02 - hai.pdf"]
        assert archive.read("02 - hai.pdf") == two
