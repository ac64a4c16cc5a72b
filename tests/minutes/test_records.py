"""Approved means frozen: the minutes and the notice are rendered once at approval, kept by their SHA-256, and
served byte for byte from then on (downloads, the API, old editions), whatever the settings become."""

import hashlib
import io
import zipfile

from docx import Document
from sqlalchemy import select

from planner.accounts.models import DocumentProfile
from planner.core.audit import AuditEntry
from planner.documents import records
from planner.documents import services as document_services
from planner.extensions import db
from planner.minutes import services
from planner.minutes.models import Minutes, MinutesKind
from tests.minutes.conftest import build_scene

NAMES = ("minutes.pdf", "minutes.docx", "notice.pdf", "notice.docx")


def _letterhead() -> bytes:
    doc = Document()
    doc.add_paragraph("LOGO CỦA CƠ QUAN")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _approve_both(app, scene):
    with app.test_request_context():
        meeting, admin = scene.meeting(), scene.user(scene.admin)
        minutes = services.generate(meeting, user=admin)
        services.set_status(minutes, "approved", user=admin, version=minutes.version)
        notice = services.generate(meeting, MinutesKind.notice, user=admin)
        services.set_status(notice, "approved", user=admin, version=notice.version)


def _downloads(client, scene, prefix=""):
    return {name: client.get(f"{prefix}/meetings/{scene.meeting_id}/exports/{name}") for name in NAMES}


def test_approved_documents_stay_byte_identical_whatever_the_settings_become(app, factory, client):
    scene = build_scene(app, factory, logins=True)
    _approve_both(app, scene)
    client.login(scene.secretary.email)
    before = _downloads(client, scene)
    assert all(r.status_code == 200 for r in before.values())
    with app.test_request_context():
        meeting = scene.meeting()
        rows = {m.kind.value: m for m in db.session.scalars(select(Minutes).where(Minutes.meeting_id == meeting.id))}
        for name, response in before.items():
            kind, fmt = name.split(".")
            recorded = getattr(rows[kind], f"{fmt}_sha256")
            assert hashlib.sha256(response.data).hexdigest() == recorded, name
            # and the audit entry of the approval names the same digest
            entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_id == rows[kind].public_id,
                                                               AuditEntry.action == f"{kind}.approved"))
            assert entry.changes[f"{fmt}_sha256"] == [None, recorded]
        assert "Số 01-BB/VPTU" in rows["minutes"].number

        # Everything a document is made of changes: profile, names, body code, letterhead (logo), issuer line.
        org = meeting.organization
        org.document_profile = DocumentProfile.state
        org.name = "Ủy ban nhân dân quận Hải Châu"
        org.parent_name = "Thành phố Đà Nẵng"
        org.body_code = "UBND"
        db.session.commit()
        document_services.update_settings(org, {"profile_overrides": {"issuer_line": "Văn phòng UBND"}})
        document_services.store_letterhead(org, _letterhead(), "logo.docx")

    after = _downloads(client, scene)
    for name in NAMES:
        assert after[name].status_code == 200
        assert after[name].data == before[name].data, f"{name} changed after the settings did"
        assert after[name].headers["ETag"] == before[name].headers["ETag"]
    # The API serves the same bytes and reports the digests.
    token = factory.token(scene.secretary)
    auth = {"Authorization": f"Bearer {token}"}
    api = client.get(f"/api/v1/meetings/{scene.meeting_id}/exports/minutes.pdf", headers=auth)
    assert api.data == before["minutes.pdf"].data
    data = client.get(f"/api/v1/meetings/{scene.meeting_id}/minutes", headers=auth).get_json()
    assert data["pdf_sha256"] == hashlib.sha256(before["minutes.pdf"].data).hexdigest()
    assert data["docx_sha256"] == hashlib.sha256(before["minutes.docx"].data).hexdigest()
    # A draft, by contrast, follows the settings: a correction is rendered in the new profile.
    with app.test_request_context():
        services.correct(services.require_current(scene.meeting()), user=scene.user(scene.secretary))
    draft = client.get(f"/meetings/{scene.meeting_id}/exports/minutes.pdf")
    assert draft.status_code == 200 and draft.data != before["minutes.pdf"].data


def test_a_correction_is_a_new_record_and_the_old_stays_downloadable(app, factory, client):
    scene = build_scene(app, factory, logins=True)
    _approve_both(app, scene)
    client.login(scene.secretary.email)
    first = client.get(f"/meetings/{scene.meeting_id}/exports/minutes.pdf").data
    with app.test_request_context():
        admin = scene.user(scene.admin)
        correction = services.correct(services.require_current(scene.meeting()), user=admin)
        services.save(correction, {"closing": {"text": "Hội nghị kết thúc vào 11 giờ 45./."}}, user=admin,
                      version=correction.version)
        services.set_status(correction, "approved", user=admin, version=correction.version)
        numbers = [m.number for m in services.editions(scene.meeting())]
    assert numbers == ["Số 02-BB/VPTU", "Số 01-BB/VPTU"]
    second = client.get(f"/meetings/{scene.meeting_id}/exports/minutes.pdf").data
    assert second != first
    old = client.get(f"/meetings/{scene.meeting_id}/minutes/editions/1.pdf")
    assert old.status_code == 200 and old.data == first
    assert old.headers["Content-Type"] == "application/pdf"
    assert client.get(f"/meetings/{scene.meeting_id}/minutes/editions/2.pdf").data == second
    assert client.get(f"/meetings/{scene.meeting_id}/minutes/editions/3.pdf").status_code == 404
    token = factory.token(scene.viewer)
    api = client.get(f"/api/v1/meetings/{scene.meeting_id}/minutes/editions/1.docx",
                     headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200 and api.data[:2] == b"PK"
    # the minutes page links both editions
    html = client.get(f"/meetings/{scene.meeting_id}/minutes").get_data(as_text=True)
    assert f"/meetings/{scene.meeting_id}/minutes/editions/1.pdf" in html
    assert f"/meetings/{scene.meeting_id}/minutes/editions/2.pdf" in html
    assert hashlib.sha256(second).hexdigest() in html


def test_a_damaged_record_is_refused_not_rendered_anew(app, factory, client):
    scene = build_scene(app, factory, logins=True)
    _approve_both(app, scene)
    with app.test_request_context():
        minutes = services.require_current(scene.meeting())
        records.path_of(minutes.pdf_sha256).write_bytes(b"%PDF-1.7 tampered")
    client.login(scene.secretary.email)
    response = client.get(f"/meetings/{scene.meeting_id}/exports/minutes.pdf")
    assert response.status_code == 404
    assert "SHA-256" in response.get_data(as_text=True)


def test_an_approved_document_without_a_record_is_frozen_once_at_its_first_reading(app, factory, client):
    """Documents approved before records were kept get one the first time they are read, then never change."""
    scene = build_scene(app, factory, logins=True)
    _approve_both(app, scene)
    with app.test_request_context():
        minutes = services.require_current(scene.meeting())
        for record in records.records_of(services.RECORD_OWNER, minutes.public_id):
            db.session.delete(record)
        minutes.pdf_sha256 = minutes.docx_sha256 = None
        db.session.commit()
    client.login(scene.secretary.email)
    first = client.get(f"/meetings/{scene.meeting_id}/exports/minutes.pdf")
    assert first.status_code == 200
    with app.test_request_context():
        minutes = services.require_current(scene.meeting())
        assert minutes.pdf_sha256 == hashlib.sha256(first.data).hexdigest()
        org = minutes.meeting.organization
        org.body_code = "KHAC"
        db.session.commit()
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "minutes.frozen",
                                                          AuditEntry.object_id == minutes.public_id)) is not None
    assert client.get(f"/meetings/{scene.meeting_id}/exports/minutes.pdf").data == first.data


def test_the_dossier_files_the_frozen_bytes(app, factory, client):
    scene = build_scene(app, factory, logins=True)
    _approve_both(app, scene)
    client.login(scene.organizer.email)
    approved = {name: client.get(f"/meetings/{scene.meeting_id}/exports/{name}").data for name in NAMES}
    with app.test_request_context():
        org = scene.meeting().organization
        org.document_profile = DocumentProfile.plain
        org.body_code = "KHAC"
        db.session.commit()
    response = client.get(f"/meetings/{scene.meeting_id}/exports/dossier.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    files = {name.split("-", 1)[1]: archive.read(name) for name in archive.namelist() if "-" in name}
    assert files["bien-ban.pdf"] == approved["minutes.pdf"]
    assert files["bien-ban.docx"] == approved["minutes.docx"]
    assert files["thong-bao-ket-luan.pdf"] == approved["notice.pdf"]


def _pdf_text(data: bytes) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout \
        .decode()


def test_a_notice_approved_at_a_past_moment_carries_that_day_in_its_record(app, factory):
    from datetime import date, datetime, time
    from zoneinfo import ZoneInfo

    from planner.minutes.documents import date_line

    scene = build_scene(app, factory)
    with app.test_request_context():
        meeting, admin = scene.meeting(), scene.user(scene.admin)
        zone = ZoneInfo(meeting.timezone)
        at = datetime.combine(date(2026, 11, 20), time(16, 0), zone)
        minutes = services.generate(meeting, user=admin)
        services.set_status(minutes, "approved", user=admin, version=minutes.version)
        notice = services.generate(meeting, MinutesKind.notice, user=admin)
        services.set_status(notice, "approved", user=admin, version=notice.version, at=at)
        assert notice.approved_at.astimezone(zone) == at and notice.document_date == date(2026, 11, 20)
        text = " ".join(_pdf_text(services.record_bytes(notice, "pdf")).split())
        assert date_line(meeting.city, date(2026, 11, 20), "vi") in text
        today = services.local_today(meeting)
        assert date_line(meeting.city, today, "vi") not in text, "the date line is the approval's, not today's"
