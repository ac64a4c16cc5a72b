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
        # An entity no DTD declares: not well-formed XML (it was a 500 in the importer, met in the sheet).
        "an undefined entity": _edited(good, "xl/worksheets/sheet1.xml" if kind == "xlsx" else "word/document.xml",
                                       lambda b: b.replace(b"</sheetData>", b'<row r="9"><c r="A9" t="inlineStr">'
                                                           b"<is><t>&nbsp;</t></is></c></row></sheetData>")
                                       .replace(b"<w:t>", b"<w:t>&nbsp;", 1)),
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


def _edited(data: bytes, member: str, edit) -> bytes:
    """The file with one member's bytes replaced by edit(body)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            target.writestr(info.filename, edit(body) if info.filename == member else body)
    return out.getvalue()


def _before_root(body: bytes, markup: bytes) -> bytes:
    """`markup` where a prolog may hold it: after the XML declaration, before the root element."""
    if body.startswith(b"<?xml"):
        end = body.index(b"?>") + 2
        return body[:end] + markup + body[end:]
    return markup + body


def _with_entity(body: bytes, tag: bytes, text: bytes) -> bytes:
    """The root element gains a DTD declaring &x; = `text`, and `tag` (an element that uses &x;) is put in."""
    return _before_root(body, b'<!DOCTYPE r [<!ENTITY x "' + text + b'">]>').replace(tag, tag + b"&x;", 1)


HIDDEN = b"<!--" + b"Bi\xe1\xbb\x83u m\xe1\xba\xabu. " * 5000 + b"-->"   # a 70 KB comment before the DTD


def entity_workbook(expanded_mb: int = 60) -> bytes:
    """A workbook of a few KB whose one sheet grows to `expanded_mb` MB of text when its entity is expanded.
    A megabyte of comment keeps the growth under expat's own amplification limit (a hundredfold), as the
    attack that came through did: the classic billion laughs is stopped by expat alone."""
    value = b"A" * 40_000
    refs = expanded_mb * 1_000_000 // len(value)
    rows = [b'<row r="1"><c r="A1" t="inlineStr"><is><t>H\xe1\xbb\x8d v\xc3\xa0 t\xc3\xaan</t></is></c></row>']
    per_row = 50
    for n in range(refs // per_row):
        rows.append(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>' % (n + 2, n + 2) + b"&x;" * per_row
                    + b"</t></is></c></row>")
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?><!--' + b"." * 1_000_000 + b'--><!DOCTYPE worksheet ['
             b'<!ENTITY x "' + value + b'">]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
             b'2006/main"><sheetData>' + b"".join(rows) + b"</sheetData></worksheet>")
    return _edited(xlsx_bytes(), "xl/worksheets/sheet1.xml", lambda _body: sheet)


def hostile_markup(kind: str) -> dict[str, bytes]:
    """Office files whose XML holds a DTD (entities to expand) or an encoding that hides one, in every
    place a reader may meet it: the main part, another part, a part not named .xml, after a long comment."""
    good = xlsx_bytes() if kind == "xlsx" else docx_bytes()
    main, other, tag = (("xl/workbook.xml", "xl/styles.xml", b"<workbookPr/>") if kind == "xlsx"
                        else ("word/document.xml", "word/styles.xml", b"<w:t>"))
    files = {
        "an entity in the main part": _edited(good, main, lambda b: _with_entity(b, tag, b"laughs")),
        "a DTD after a 70 KB comment": _edited(good, main, lambda b: _before_root(
            b, HIDDEN + b'<!DOCTYPE r [<!ENTITY x "hidden">]>').replace(tag, tag + b"&x;", 1)),
        "a DTD in another part": _edited(good, other, lambda b: _before_root(b, b'<!DOCTYPE r [<!ENTITY y "z">]>')),
        "a DTD in UTF-16": _edited(good, other, lambda b: (_before_root(
            b.replace(b"encoding='UTF-8'", b"encoding='UTF-16'"),
            b'<!DOCTYPE r [<!ENTITY y "z">]>').decode("utf-8").encode("utf-16"))),
        "a DTD in UTF-7": _edited(good, other, lambda b: b'<?xml version="1.0" encoding="UTF-7"?>'
                                  + b"+ADw-!DOCTYPE r +AFs-+ADw-!ENTITY y +ACI-z+ACI-+AD4-+AF0-+AD4-"
                                  + b.split(b"?>", 1)[-1]),
        "a DTD in a part with another name": _zip_with(good, "customXml/item1.dat",
                                                       b'<!DOCTYPE r [<!ENTITY y "z">]><r>&y;</r>'),
        "a lower-case doctype after the comment": _edited(good, main, lambda b: _before_root(
            b, HIDDEN + b"<!doctype r>")),
    }
    if kind == "xlsx":
        files["an entity in the sheet"] = _edited(good, "xl/worksheets/sheet1.xml", lambda b: _with_entity(
            b, b"<sheetData>", b"x").replace(b"<sheetData>&x;", b"<sheetData>"
                                             b'<row r="9"><c r="A9" t="inlineStr"><is><t>&x;</t></is></c></row>'))
    return files


def _zip_with(data: bytes, name: str, body: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        target.writestr(name, body)
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


def _import_api(client, site, data: bytes):
    """Upload a list through the API's import."""
    return client.post(f"/api/v1/meetings/{site['meeting']}/participants/import", headers=site["headers"],
                       data={"file": (io.BytesIO(data), "list.xlsx")}, content_type="multipart/form-data")


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
    for label, data in malformed("xlsx").items():
        response = _import_api(client, site, data)
        if label == "an HTML page renamed":
            assert response.status_code == 422, label   # read as CSV: no name column
        else:
            assert response.status_code == 422, (label, response.status_code, response.get_data(True)[:300])
        assert response.mimetype == "application/problem+json", label
        assert response.get_json()["detail"], label
    listed = client.get(f"/api/v1/meetings/{site['meeting']}/participants", headers=site["headers"]).get_json()
    assert listed["total"] == 1


def test_a_sheet_with_an_undefined_entity_answers_422_without_rows(client, site):
    """It raised in the importer while the rows were read: a 500."""
    response = _import_api(client, site, malformed("xlsx")["an undefined entity"])
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["detail"] == "Tệp bị hỏng: không mở được như một tệp Excel."
    assert body["errors"] == [{"field": "file", "detail": body["detail"]}]


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


MARKUP_WORDS = {"xlsx": "Excel", "docx": "Word"}


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_office_files_with_a_dtd_anywhere_are_refused_with_their_own_message(client, site, app, target):
    kind = TARGETS[target]
    before = _state(app, site["storage"])
    for label, data in hostile_markup(kind).items():
        status, html, location = _upload_page(client, site, target, f"file.{kind}", data)
        assert status == 422, (target, label, status, location)
        assert "DTD" in html and MARKUP_WORDS[kind] in html and "quá tải máy chủ" in html, (target, label)
        assert _state(app, site["storage"]) == before, f"{target}: {label} left something saved"


def test_the_import_api_refuses_a_dtd_with_problem_json_and_no_rows(client, site):
    for label, data in hostile_markup("xlsx").items():
        response = _import_api(client, site, data)
        assert response.status_code == 422, (label, response.status_code)
        assert response.mimetype == "application/problem+json"
        body = response.get_json()
        assert "DTD" in body["detail"] and not any("row" in e for e in body.get("errors", [])), (label, body)
    assert client.get(f"/api/v1/meetings/{site['meeting']}/participants",
                      headers=site["headers"]).get_json()["total"] == 1


def test_an_entity_that_expands_to_60_mb_leaves_the_workers_memory_flat(client, site):
    """The attack that came through: a few KB of workbook that openpyxl grew to 60 MB of text (+180 MB
    in the worker). Now refused while it is read as a stream: the peak of Python's allocations while the
    request is served stays near the size of the upload."""
    import tracemalloc

    data = entity_workbook(60)
    assert len(data) < 200_000
    tracemalloc.start()
    try:
        response = _import_api(client, site, data)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 422 and "DTD" in response.get_json()["detail"], f"peak {peak / 1e6:.1f} MB"
    assert peak < 4 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB while refusing a {len(data) / 1e3:.0f} KB file"


def test_the_readers_refuse_entities_themselves(app):
    """The second wall, for a file that reached a reader without the check: openpyxl reads sheets with
    defusedxml, python-docx's parser leaves entities unexpanded."""
    import openpyxl
    from defusedxml import DefusedXmlException
    from docx import Document

    assert openpyxl.DEFUSEDXML, "openpyxl does not use defusedxml (is it installed? OPENPYXL_DEFUSEDXML?)"
    with pytest.raises(ValueError) as refused:   # openpyxl wraps what defusedxml raises in its own ValueError
        workbook = openpyxl.load_workbook(io.BytesIO(hostile_markup("xlsx")["an entity in the sheet"]),
                                          read_only=True)
        list(workbook.worksheets[0].iter_rows(values_only=True))
    causes = [refused.value, refused.value.__cause__, refused.value.__context__]
    assert any(isinstance(c, DefusedXmlException) for c in causes), causes
    document = Document(io.BytesIO(hostile_markup("docx")["an entity in the main part"]))
    assert "laughs" not in "".join(p.text for p in document.paragraphs)


def test_real_office_files_still_pass_the_check(client, site, app):
    """What Excel, Word, openpyxl and python-docx write (UTF-8, UTF-16, no DTD) is accepted as before."""
    from planner.core.zipfiles import check_office_file

    utf16 = _edited(docx_bytes(), "word/styles.xml", lambda b: b.decode("utf-8").replace(
        "encoding='UTF-8'", "encoding='UTF-16'").encode("utf-16"))
    for data in (docx_bytes(), utf16):
        check_office_file(data, required=("word/document.xml",), parse=("word/document.xml",),
                          max_unpacked=1 << 26)
    status, _html, _loc = _upload_page(client, site, "speech", "bai.docx", utf16)
    assert status == 302
