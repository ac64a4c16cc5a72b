"""The dossier as a ZIP, streamed document by document, and its table of contents (PDF and JSON) written last."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from planner.accounts.models import User
from planner.archive.services.contents import Part, Plan, page_count, plan
from planner.archive.services.rules import STORED_SUFFIXES, TOC_JSON, TOC_PDF, ensure_allowed
from planner.core import audit
from planner.core.db import atomic
from planner.core.permissions import CLASSIFICATION_MARKS, Classification
from planner.documents.model import Heading, OfficialDocument, Paragraph, Run, Table, TableColumn, TableRow, runs
from planner.documents.render import official_pdf
from planner.extensions import db
from planner.meetings.models import Meeting
from planner.minutes import documents as minute_documents
from planner.minutes import services as minutes_services

# The ZIP, streamed -------------------------------------------------------------------------------------------

class _Pipe:
    """A write-only file for zipfile: what is written waits here until the generator hands it on. It has no
    tell() or seek(), so zipfile writes each entry's sizes after its data (data descriptors)."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        out = b"".join(self._chunks)
        self._chunks.clear()
        return out


def mark(meeting: Meeting) -> str | None:
    return CLASSIFICATION_MARKS.get(Classification(meeting.classification))


def zip_name(meeting: Meeting) -> str:
    with force_locale(minutes_services.language_of(meeting)):
        name = f"{_('Dossier')} - {meeting.title}"[:110]
    classified = mark(meeting)
    return f"{classified} - {name}.zip" if classified else f"{name}.zip"


@dataclass
class Entry:
    """A file written to the dossier, as the contents list it."""

    number: int
    key: str
    title: str
    file: str
    document_number: str | None
    date: str | None
    pages: int | None
    size: int
    sha256: str
    note: str


def _entry_info(name: str, when: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED if name.endswith(STORED_SUFFIXES) else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _content(part: Part) -> bytes:
    """One document's bytes: built by its exporter, or read from the storage (a speech text, bounded by the
    upload limit). One document at a time is held, never the dossier."""
    if part.path is not None:
        with open(part.path, "rb") as source:
            return source.read()
    assert part.make is not None
    return part.make()


def start(meeting: Meeting, user: User | None, *, from_cache: bool = False) -> None:
    """Check that this user may build the dossier now (else raise, with the reason) and audit the build (or
    the download of the copy built earlier for them, ``from_cache``)."""
    ensure_allowed(meeting, user)
    planned = plan(meeting, user)
    changes: dict[str, Any] = {"files": len(planned.present), "missing": [p.key for p in planned.missing],
                               "classification": Classification(meeting.classification).value}
    if from_cache:
        changes["from_cache"] = True
    with atomic():
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action="dossier.built", object_type="meeting", object_id=meeting.public_id,
                     summary=zip_name(meeting), changes=changes)


def write(meeting: Meeting, user: User | None, entries: list[Entry] | None = None) -> Iterator[bytes]:
    """The dossier as a stream of ZIP bytes (after ``start``): each document built as the stream is read, one
    chunk for each, then one for the table of contents. ``entries`` receives the files as they are written."""
    return _write(plan(meeting, user), [] if entries is None else entries)


def _write(planned: Plan, entries: list[Entry]) -> Iterator[bytes]:
    meeting = planned.meeting
    zone = minutes_services.zone(meeting)
    now = datetime.now(UTC).astimezone(zone)
    pipe = _Pipe()
    archive = zipfile.ZipFile(pipe, "w", compresslevel=6)
    for number, part in enumerate(planned.present, start=1):
        name = f"{number:02d}-{part.filename}"
        data = _content(part)
        info = _entry_info(name, now)
        info.file_size = len(data)  # known before writing: zipfile decides on ZIP64 by it
        with archive.open(info, "w") as target:
            target.write(data)
        entries.append(Entry(number, part.key, part.title, name, part.number,
                             part.day.isoformat() if part.day else None, page_count(data, name), len(data),
                             hashlib.sha256(data).hexdigest(), part.note))
        del data
        yield pipe.take()

    contents = contents_data(planned, entries, now)
    toc = contents_pdf(planned, entries, now)
    with archive.open(_entry_info(TOC_PDF, now), "w") as target:
        target.write(toc)
    with archive.open(_entry_info(TOC_JSON, now), "w") as target:
        target.write(json.dumps(contents, ensure_ascii=False, indent=2).encode("utf-8"))
    # The comment names the dossier, with the classification mark first when it has one.
    archive.comment = f"{zip_name(meeting)[:-4]} ({len(entries)} + 2)".encode()[:60000]
    archive.close()
    yield pipe.take()


def contents_data(planned: Plan, entries: list[Entry], built: datetime) -> dict[str, Any]:
    meeting = planned.meeting
    return {
        "meeting": {"id": meeting.public_id, "title": meeting.title, "kind": meeting.kind.value,
                    "starts_on": meeting.starts_on.isoformat(), "ends_on": meeting.ends_on.isoformat(),
                    "classification": Classification(meeting.classification).value, "mark": mark(meeting)},
        "built_at": built.isoformat(),
        "counts": planned.counts,
        "files": [entry.__dict__ for entry in entries],
        "missing": [{"key": p.key, "title": p.title, "reason": p.missing} for p in planned.missing],
    }


def _hash_lines(digest: str) -> str:
    return "\n".join(digest[i:i + 16] for i in range(0, 64, 16))


def contents_document(planned: Plan, entries: list[Entry], built: datetime) -> OfficialDocument:
    """Mục lục hồ sơ: number, title, document number, date, pages, SHA-256 of each file."""
    meeting = planned.meeting
    with force_locale(planned.language):
        ctx = minute_documents.Context(meeting)
        rows = []
        for e in entries:
            day = date.fromisoformat(e.date).strftime("%d/%m/%Y") if e.date else ""
            title = [Run(e.title, bold=True), Run("\n" + e.file, italic=True)]
            if e.note:
                title.append(Run("\n" + e.note))
            rows.append(TableRow(cells=[[Run(str(e.number))], title, [Run(e.document_number or "")], [Run(day)],
                                        [Run("" if e.pages is None else str(e.pages))],
                                        [Run(_hash_lines(e.sha256))]]))
        body: list[Any] = [
            Paragraph(runs(_("This dossier holds %(num)d files. Each file's SHA-256 checksum below identifies it: "
                             "a file whose checksum differs is not the one filed.", num=len(entries)))),
            Table(columns=[TableColumn(_("No."), 0.45, "center"), TableColumn(_("Title and file"), 2.75),
                           TableColumn(_("Document number"), 1.2, "center"), TableColumn(_("Date"), 1.15, "center"),
                           TableColumn(_("Page count"), 0.6, "center"), TableColumn("SHA-256", 2.2)], rows=rows),
        ]
        if planned.missing:
            body.append(Heading(_("Not in this dossier"), level=1))
            body.extend(Paragraph(runs(f"- {p.title}: {p.missing}"), indent=False) for p in planned.missing)
        title = _("DOSSIER CONTENTS")
        return OfficialDocument(
            profile=ctx.profile, language=ctx.language, superior=ctx.superior, issuer=ctx.issuer, number=None,
            place_date=ctx.date_line(built.date()), title=title, summary=[meeting.title], body=body,
            marks=ctx.marks(draft=False), document_title=f"{title} - {meeting.title}")


def contents_pdf(planned: Plan, entries: list[Entry], built: datetime) -> bytes:
    return official_pdf(contents_document(planned, entries, built))


def build_bytes(meeting: Meeting, user: User | None) -> bytes:
    """The whole dossier at once (tests, the command line); the web answer streams ``write`` instead."""
    start(meeting, user)
    return b"".join(write(meeting, user))
