"""Dossier test data: the minutes' conference (tests/minutes/conftest.py), its agenda published twice, two
speech texts uploaded (a PDF and a Word file), then closed, with its minutes and notice approved."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from typing import Any

import pytest

from planner.extensions import db
from tests import factories
from tests.minutes.conftest import Scene, build_scene

needs_poppler = pytest.mark.skipif(shutil.which("pdfinfo") is None,
                                   reason="poppler-utils (pdfinfo) is not installed")


def dossier_scene(app, factory, *, classification: str = "none", approve: bool = True, notice: bool = True,
                  delegates: int = 0, items: int = 0, logins: bool = False, texts: bool = True) -> Scene:
    from planner.agenda import services as agenda
    from planner.documents.render import official_docx, official_pdf
    from planner.meetings.models import MeetingStatus
    from planner.minutes import documents as minute_documents
    from planner.speeches.models import Speech

    scene = build_scene(app, factory, classification=classification, status="published", delegates=delegates,
                        items=items, logins=logins)
    with app.test_request_context():
        from planner.speeches import services as speeches

        meeting, admin = scene.meeting(), scene.user(scene.admin)
        factories.released(meeting, admin)
        item = agenda.get_item(meeting.organization, scene.items["Giải lao"], user=admin)
        agenda.update_item(item, {"title": "Giải lao, chụp ảnh lưu niệm"}, user=admin)
        factories.released(meeting, admin, note="Thêm chụp ảnh lưu niệm")
        if texts:
            sample = minute_documents.sample_document(meeting.organization)
            spoken = db.session.scalars(db.select(Speech).where(Speech.meeting_id == meeting.id)
                                        .order_by(Speech.id)).all()
            speeches.upload_text(spoken[1], official_pdf(sample), "bao-cao.pdf", user=admin)
            speeches.upload_text(spoken[2], official_docx(sample), "tham-luan.docx", user=admin)
        meeting = scene.meeting()
        meeting.status = MeetingStatus.closed
        db.session.commit()
        meeting = scene.meeting()
        # a classified record states its drafter and its number of copies before it is approved
        copies = {"drafter": "TH", "copies": 5} if classification != "none" else None
        factories.minutes(meeting, admin, recipients=copies, status="approved" if approve else None)
        if notice:
            factories.minutes(meeting, admin, "notice", recipients=copies, status="approved")
    return scene


@pytest.fixture
def dossier(app, factory) -> Scene:
    return dossier_scene(app, factory, logins=True)


def read_zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def pdf_pages(pdf: bytes) -> int:
    out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def audit_actions(meeting_id: int) -> list[Any]:
    from planner.core.audit import AuditEntry

    return list(db.session.scalars(db.select(AuditEntry).where(AuditEntry.meeting_id == meeting_id,
                                                               AuditEntry.action == "dossier.built")))
