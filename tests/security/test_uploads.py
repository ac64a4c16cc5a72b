"""Every upload of the app, fed what an attacker or a careless user sends: too large, the wrong type
under the right name, a zip bomb, a damaged XLSX or DOCX, names with folders, NUL and odd Unicode.
Each is refused with a clear message in the user's language (a page, or problem+json for the API);
nothing is saved and nothing is written outside the app's storage."""

from __future__ import annotations

import io
import os
import struct
import tempfile
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from planner.extensions import db
from tests.speeches.conftest import docx_bytes

# Files --------------------------------------------------------------------------------------------

def xlsx_bytes(rows=(("Họ và tên", "Chức vụ"), ("Nguyễn Văn An", "Chuyên viên"))) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _with_member(base: bytes, name: str, size: int) -> bytes:
    """The file with one more member: `size` zero bytes, deflated (a real bomb: ~1000:1)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(size >> 20):
                member.write(chunk)
    return out.getvalue()


def lying_sizes(data: bytes, member: str) -> bytes:
    """The member's declared sizes say 10 bytes while its data inflates to far more (headers that lie)."""
    blob = bytearray(data)
    name = member.encode()
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (at := blob.find(signature, start)) >= 0:
            name_len = struct.unpack_from("<H", blob, at + (26 if signature == b"PK\x03\x04" else 28))[0]
            header = 30 if signature == b"PK\x03\x04" else 46
            if bytes(blob[at + header:at + header + name_len]) == name:
                struct.pack_into("<I", blob, at + size_at, 10)
            start = at + 4
    return bytes(blob)


@pytest.fixture(scope="module")
def bombs():
    """XLSX and DOCX of a few hundred KB that unpack to 210 MB, beyond every limit of the app."""
    size = 210 << 20
    xlsx = _with_member(xlsx_bytes(), "xl/media/padding.bin", size)
    docx = _with_member(docx_bytes(), "word/media/padding.bin", size)
    assert len(xlsx) < 1 << 20 and len(docx) < 1 << 20
    big_sheet = io.BytesIO()
    with zipfile.ZipFile(big_sheet, "w", zipfile.ZIP_DEFLATED) as archive, \
            zipfile.ZipFile(io.BytesIO(xlsx_bytes())) as source:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"</sheetData>", b"<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>"
                                    + b"A" * (4 << 20) + b"</t></is></c></row></sheetData>")
            archive.writestr(info, body)
    return {"xlsx": xlsx, "docx": docx, "xlsx_lying": lying_sizes(big_sheet.getvalue(), "xl/worksheets/sheet1.xml")}


RANDOM = os.urandom(4096)
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


def malformed(kind: str) -> dict[str, bytes]:
    good = xlsx_bytes() if kind == "xlsx" else docx_bytes()
    return {
        "random bytes": RANDOM,
        "truncated zip": good[: len(good) // 2],
        "zip without the parts": _zip({"hello.txt": b"hi"}),
        "damaged member": _damage(good),
        "a PNG renamed": PNG,
        "an HTML page renamed": b"<!doctype html><script>alert(1)</script>",
    }


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


def _damage(data: bytes) -> bytes:
    """Right parts and names, but the workbook's or document's XML cut short."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename in ("xl/workbook.xml", "word/document.xml"):
                body = body[: len(body) // 3]
            target.writestr(info, body)
    return out.getvalue()


# The scene ----------------------------------------------------------------------------------------

@pytest.fixture
def site(client, factory, app):
    org = factory.organization(name="Văn phòng thử", city="Huế")
    user = factory.user(org, role="admin", clearance="top_secret", language="vi")
    headers = {"Authorization": f"Bearer {factory.token(user)}"}
    meeting = client.post("/api/v1/meetings", json={"title": "Họp giao ban", "kind": "meeting",
                                                    "starts_on": "2026-12-03"}, headers=headers).get_json()["id"]
    item = client.post(f"/api/v1/meetings/{meeting}/agenda-items", json={
        "kind": "report", "title": "Báo cáo", "starts_at": "2026-12-03T08:00", "ends_at": "2026-12-03T09:00"},
        headers=headers).get_json()["id"]
    person = client.post(f"/api/v1/meetings/{meeting}/participants", json={"full_name": "Nguyễn Văn An"},
                         headers=headers).get_json()["id"]
    speech = client.post(f"/api/v1/agenda-items/{item}/speeches", json={"participant_id": person, "title": "Tham luận"},
                         headers=headers).get_json()["id"]
    client.login(user.email)
    return {"headers": headers, "meeting": meeting, "speech": speech, "storage": Path(app.config["STORAGE_PATH"])}


def _files(storage: Path) -> set[str]:
    return {str(p.relative_to(storage)) for p in storage.rglob("*") if p.is_file()} if storage.exists() else set()


def _count(model) -> int:
    from sqlalchemy import func, select

    return db.session.scalar(select(func.count()).select_from(model))


def _state(app, storage: Path) -> tuple:
    from planner.booklets.models import BookletSettings
    from planner.delegates.models import Participant
    from planner.documents.models import DocumentSettings
    from planner.speeches.models import SpeechText

    with app.app_context():
        logos = [s.logo_name for s in db.session.query(BookletSettings).all()]
        heads = [s.letterhead_path for s in db.session.query(DocumentSettings).all()]
        state = (_count(Participant), _count(SpeechText), logos, heads)
        db.session.remove()
    # Kept files only: not the import's own upload step, not the booklet's page cache.
    imports = {f for f in _files(storage) if not f.startswith(("imports/", "booklets/")) or "/logos/" in f}
    return state, imports


VI_PAGE = ("không", "Không", "tệp", "Tệp")


def _upload_page(client, site, target: str, name: str, data: bytes):
    """Upload through the page; answer the status and the text the user reads (after a redirect too)."""
    m, s = site["meeting"], site["speech"]
    url, field = {
        "import": (f"/meetings/{m}/participants/import", "file"),
        "speech": (f"/meetings/{m}/speeches/{s}/texts", "file"),
        "logo": (f"/meetings/{m}/print/booklet/logo", "logo"),
        "letterhead": ("/admin/documents/letterhead", "letterhead"),
    }[target]
    response = client.post_form(url, {field: (io.BytesIO(data), name)}, content_type="multipart/form-data")
    if response.status_code == 302:
        shown = client.get(response.headers["Location"])
        return response.status_code, shown.get_data(as_text=True), response.headers["Location"]
    return response.status_code, response.get_data(as_text=True), None


TARGETS = {"import": "xlsx", "speech": "docx", "letterhead": "docx"}


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_malformed_files_are_refused_cleanly(client, site, app, target):
    kind = TARGETS[target]
    before = _state(app, site["storage"])
    for label, data in malformed(kind).items():
        if target == "import" and label == "an HTML page renamed":
            continue  # a text file is read as CSV by its content; its rows are then checked (below)
        status, html, location = _upload_page(client, site, target, f"file.{kind}", data)
        assert status in (302, 422), (label, status)
        if location is not None:
            assert "/import/" not in location, f"{target}: {label} was accepted"
        assert 'class="flash error' in html or "flash-error" in html or "error" in html, (target, label)
        assert any(word in html for word in VI_PAGE), (target, label)
        assert _state(app, site["storage"]) == before, f"{target}: {label} left something saved"


def test_the_import_api_refuses_malformed_workbooks_with_problem_json(client, site):
    url = f"/api/v1/meetings/{site['meeting']}/participants/import"
    for label, data in malformed("xlsx").items():
        response = client.post(url, data={"file": (io.BytesIO(data), "list.xlsx")}, headers=site["headers"],
                               content_type="multipart/form-data")
        if label == "an HTML page renamed":
            assert response.status_code == 422, label   # read as CSV: no name column
        else:
            assert response.status_code == 422, (label, response.status_code, response.get_data(True)[:300])
        assert response.mimetype == "application/problem+json", label
        assert response.get_json()["detail"], label
    listed = client.get(f"/api/v1/meetings/{site['meeting']}/participants", headers=site["headers"]).get_json()
    assert listed["total"] == 1


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_zip_bombs_are_refused_before_they_are_unpacked(client, site, app, bombs, target):
    kind = TARGETS[target]
    before = _state(app, site["storage"])
    for label in (kind, "xlsx_lying") if kind == "xlsx" else (kind,):
        status, html, location = _upload_page(client, site, target, f"bomb.{kind}", bombs[label])
        assert status in (302, 413, 422), (target, label, status)
        if location:
            assert "/import/" not in location, f"{target}: the bomb was accepted"
        assert any(word in html for word in VI_PAGE), (target, label)
        assert _state(app, site["storage"]) == before


def test_the_import_api_refuses_a_zip_bomb(client, site, bombs):
    url = f"/api/v1/meetings/{site['meeting']}/participants/import"
    for label in ("xlsx", "xlsx_lying"):
        response = client.post(url, data={"file": (io.BytesIO(bombs[label]), "list.xlsx")}, headers=site["headers"],
                               content_type="multipart/form-data")
        assert response.status_code == 422, (label, response.status_code)
        assert response.mimetype == "application/problem+json"


def test_type_is_read_from_the_content_not_the_name(client, site, app):
    before = _state(app, site["storage"])
    # A Word document named .pdf, an image named .docx, a workbook named .png: each refused.
    assert _upload_page(client, site, "speech", "bai.pdf", docx_bytes())[0] == 422
    assert _upload_page(client, site, "speech", "bai.docx", PNG)[0] == 422
    status, html, _loc = _upload_page(client, site, "logo", "logo.png", xlsx_bytes())
    assert status == 302 and "PNG, JPEG" in html
    status, html, _loc = _upload_page(client, site, "letterhead", "letterhead.docx", xlsx_bytes())
    assert "Word" in html
    assert _state(app, site["storage"]) == before
    # A real workbook named .csv is still read as the workbook it is.
    status, _html, location = _upload_page(client, site, "import", "danh-sach.csv", xlsx_bytes())
    assert status == 302 and "/import/" in location


SVG_ATTACKS = {
    "script": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "handler": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>',
    "entity": b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
    "escaped scheme": b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                      b'<a xlink:href="&#106;avascript:alert(1)"><rect width="1" height="1"/></a></svg>',
    "external image": b'<svg xmlns="http://www.w3.org/2000/svg"><image href="http://evil.example/x.png" '
                      b'width="1" height="1"/></svg>',
    "foreign object": b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
}


def test_svg_logos_that_could_run_or_fetch_anything_are_refused(client, site, app):
    before = _state(app, site["storage"])
    for label, data in SVG_ATTACKS.items():
        status, html, _loc = _upload_page(client, site, "logo", "logo.svg", data)
        assert status == 302 and "PNG, JPEG" in html, label
        assert _state(app, site["storage"]) == before, f"the {label} SVG was kept"
    clean = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
             b'<circle cx="5" cy="5" r="4" fill="red"/></svg>')
    status, html, _loc = _upload_page(client, site, "logo", "logo.svg", clean)
    assert status == 302 and _state(app, site["storage"]) != before


HOSTILE_NAMES = ["../../../../tmp/evil.docx", "..\\..\\windows\\evil.docx", "a" * 400 + ".docx",
                 "bài\u202egnp.docx", "con\x00trol.docx", "/etc/passwd.docx", "CON.docx", "  .docx"]


def test_hostile_file_names_are_cleaned_and_files_stay_in_storage(client, site, app, tmp_path):
    storage = site["storage"]
    for name in HOSTILE_NAMES:
        status, _html, _loc = _upload_page(client, site, "speech", name, docx_bytes())
        assert status == 302, (name, status)
    status, _html, _loc = _upload_page(client, site, "letterhead", "../../../../tmp/letterhead.docx", docx_bytes())
    assert status == 302
    for folder in (storage, storage.parent, storage.parent.parent, Path(tempfile.gettempdir())):
        for escaped in ("evil.docx", "letterhead.docx", "tmp/evil.docx"):
            assert not (folder / escaped).exists(), folder / escaped
    for path in storage.rglob("*"):
        assert path.resolve().is_relative_to(storage.resolve())
    from planner.documents.models import DocumentSettings
    from planner.speeches.models import SpeechText

    with app.app_context():
        names = [t.filename for t in db.session.query(SpeechText).all()]
        names += [s.letterhead_name for s in db.session.query(DocumentSettings).all()]
        db.session.remove()
    assert len(names) == len(HOSTILE_NAMES) + 1
    for name in names:
        assert "/" not in name and "\\" not in name and "\x00" not in name and ".." not in name, name
        assert len(name) <= 255 and name.strip(" ."), name
        assert "\u202e" not in name, name
    # The download of each text carries a safe Content-Disposition.
    texts = client.get(f"/meetings/{site['meeting']}/speeches/{site['speech']}").get_data(as_text=True)
    import re

    for link in sorted(set(re.findall(r'/meetings/[0-9a-f]+/speeches/[0-9a-f]+/texts/[0-9a-zA-Z_-]+', texts)))[:3]:
        response = client.get(link)
        assert response.status_code == 200
        disposition = response.headers["Content-Disposition"]
        assert "/" not in disposition.split("filename=")[1].split(";")[0] and "\r" not in disposition


def test_a_request_over_the_size_limit_answers_413_with_a_clear_page(client, site, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 256 * 1024)
    big = b"a,b\n" * (100 * 1024)
    response = client.post_form(f"/meetings/{site['meeting']}/participants/import",
                                {"file": (io.BytesIO(big), "big.csv")}, content_type="multipart/form-data")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert response.mimetype == "text/html" and "Tệp quá lớn" in html, html[:800]
    api = client.post(f"/api/v1/meetings/{site['meeting']}/participants/import",
                      data={"file": (io.BytesIO(big), "big.csv")}, headers=site["headers"],
                      content_type="multipart/form-data")
    assert api.status_code == 413 and api.mimetype == "application/problem+json"
    assert "quá lớn" in api.get_json()["title"].lower() or "lớn" in api.get_json()["detail"]
