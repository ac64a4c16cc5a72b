"""The dossier of a meeting (hồ sơ hội nghị) for the archive: one ZIP with every document of the meeting and
its table of contents (mục lục hồ sơ) as PDF and JSON.

When. A meeting's dossier is built once the meeting is over — its status is closed or archived, or its
last day has passed — and its minutes are approved: before that the record is not final, and building
is refused with the reason. A classified meeting's dossier is built only by a user whose clearance admits
it; it carries the mark (on the contents' every page, in the ZIP's name and comment), and every build of
any dossier is written to the audit log.

What. The documents come from the one exporter registry (scope "meeting"), the same builders as their
own downloads: invitation letters, programme, delegate list, attendance sheet, minutes and conclusion
notice (PDF and Word); the programme's changelog is written here from the agenda's releases, in the
official layout; the submitted speech texts are copied from the storage as they were uploaded.

How. ``stream`` is a generator: each document is built, written to the ZIP and handed on (a few MB at
most held at once, never the whole ZIP), its SHA-256 and pages taken on the way; the contents, which
need them all, are written last.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from planner.accounts.models import User
from planner.agenda import releases as release_rules
from planner.agenda import services as agenda_services
from planner.core import audit, exports
from planner.core.db import atomic
from planner.core.errors import Conflict, Forbidden
from planner.core.permissions import CLASSIFICATION_MARKS, Classification, Permission, clearance_of, cleared_for
from planner.core.text import strip_diacritics
from planner.delegates.models import AttendanceStatus, Participant, ParticipantAttendance, Rsvp
from planner.documents.model import Heading, OfficialDocument, Paragraph, Run, Table, TableColumn, TableRow, runs
from planner.documents.render import official_pdf
from planner.extensions import db
from planner.invitations.services import issuing
from planner.meetings.models import Meeting, MeetingStatus
from planner.minutes import documents as minute_documents
from planner.minutes import services as minutes_services
from planner.minutes.models import InvitationMode, Minutes, MinutesKind, MinutesStatus
from planner.speeches import files as speech_files
from planner.speeches import services as speech_services
from planner.speeches.models import Speech, SpeechStatus, SpeechText

TOC_PDF = "00-muc-luc-ho-so.pdf"
TOC_JSON = "00-muc-luc-ho-so.json"
ENDED = (MeetingStatus.closed, MeetingStatus.archived)
# Already compressed (PDF streams, DOCX/XLSX are ZIPs): stored as they are, deflating them again costs
# time and gains nothing.
STORED_SUFFIXES = (".pdf", ".docx", ".xlsx", ".zip")


# When a dossier can be built ------------------------------------------------------------------------------

def ended(meeting: Meeting) -> bool:
    """Over: closed or archived, or its last day (in its own time zone) has passed."""
    if meeting.status in ENDED:
        return True
    return meeting.status != MeetingStatus.draft and meeting.ends_on < minutes_services.local_today(meeting)


def refusal(meeting: Meeting, user: User | None) -> str | None:
    """Why this user may not build this meeting's dossier now, or None."""
    if user is None or not user.can(Permission.organize, meeting.organization_id):
        return _("Only the organizing staff (organizers and administrators) build a meeting's dossier.")
    if not cleared_for(clearance_of(user, meeting.organization_id), meeting.classification):
        return _("Your clearance does not admit this meeting's classification: the dossier is built by a "
                 "user cleared for it.")
    if not ended(meeting):
        return _("The meeting is not over yet: a dossier is built once the meeting is closed (or its last "
                 "day has passed) and its minutes are approved.")
    minutes = minutes_services.current(meeting, MinutesKind.minutes)
    if minutes is None:
        return _("The minutes have not been drafted yet: the dossier is built once they are approved.")
    if minutes.status is not MinutesStatus.approved:
        return _("The minutes are not approved yet (they are %(status)s): the dossier is built from the "
                 "approved minutes only.", status=_status_word(minutes.status))
    return None


def _status_word(status: MinutesStatus) -> str:
    return _("a draft") if status is MinutesStatus.draft else _("submitted, awaiting approval")


def ensure_allowed(meeting: Meeting, user: User | None) -> None:
    reason = refusal(meeting, user)
    if reason is None:
        return
    if user is None or not user.can(Permission.organize, meeting.organization_id) \
            or not cleared_for(clearance_of(user, meeting.organization_id), meeting.classification):
        raise Forbidden(reason)
    raise Conflict(reason)


# What goes in ---------------------------------------------------------------------------------------------

@dataclass
class Part:
    """One file of the dossier as planned: what it is, and how to make it (or why it is missing)."""

    key: str                       # stable, for tests and the JSON: "minutes.pdf", "speech:<id>"
    title: str
    filename: str                  # the name inside the ZIP, without its number
    number: str | None = None      # the document's number (số và ký hiệu) when it has one
    day: date | None = None        # the document's date
    note: str = ""                 # counts: "3.000 người; 2.850 có mặt"
    make: Callable[[], bytes] | None = None
    path: Any = None               # a stored file copied as it is
    missing: str | None = None     # why it is not in the dossier

    @property
    def present(self) -> bool:
        return self.missing is None


@dataclass
class Plan:
    meeting: Meeting
    language: str
    parts: list[Part] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def present(self) -> list[Part]:
        return [p for p in self.parts if p.present]

    @property
    def missing(self) -> list[Part]:
        return [p for p in self.parts if not p.present]


def _registered(name: str, meeting: Meeting) -> Callable[[], bytes] | None:
    """The build of a document from the one exporter registry: the same file as its own download."""
    exporter = exports.exporter("meeting", name)
    if exporter is None:
        return None

    def make() -> bytes:
        built = exporter.build(meeting)
        return built if isinstance(built, bytes) else b"".join(built)
    return make


def _number(minutes: Minutes | None) -> str | None:
    return minutes.number if minutes is not None else None


def attendance_counts(meeting: Meeting) -> dict[str, int]:
    """Invited, accepted, declined, present on any day, absent or excused without presence: one query each."""
    rows = db.session.execute(select(Participant.rsvp, func.count()).where(Participant.meeting_id == meeting.id)
                              .group_by(Participant.rsvp)).all()
    by_rsvp = {Rsvp(rsvp): count for rsvp, count in rows}
    present = db.session.scalar(
        select(func.count(func.distinct(ParticipantAttendance.participant_id)))
        .join(Participant, Participant.id == ParticipantAttendance.participant_id)
        .where(Participant.meeting_id == meeting.id, ParticipantAttendance.status == AttendanceStatus.present)) or 0
    total = sum(by_rsvp.values())
    return {"invited": total, "accepted": by_rsvp.get(Rsvp.accepted, 0), "declined": by_rsvp.get(Rsvp.declined, 0),
            "expected": total - by_rsvp.get(Rsvp.declined, 0), "present": present}


def _speech_texts(meeting: Meeting) -> list[SpeechText]:
    """The latest text of each speech not withdrawn, in the order of the agenda and the speakers' lists."""
    latest = (select(SpeechText.speech_id, func.max(SpeechText.number).label("number"))
              .join(Speech, Speech.id == SpeechText.speech_id).where(Speech.meeting_id == meeting.id)
              .group_by(SpeechText.speech_id).subquery())
    query = (select(SpeechText)
             .join(latest, (latest.c.speech_id == SpeechText.speech_id) & (latest.c.number == SpeechText.number))
             .join(Speech, Speech.id == SpeechText.speech_id)
             .where(Speech.status != SpeechStatus.withdrawn)
             .options(selectinload(SpeechText.speech).selectinload(Speech.participant),
                      selectinload(SpeechText.speech).selectinload(Speech.agenda_item)))
    texts = list(db.session.scalars(query))
    return sorted(texts, key=lambda t: (t.speech.agenda_item.starts_at, t.speech.agenda_item.position,
                                        t.speech.position, t.speech.id))


def slug(text: str, limit: int = 60) -> str:
    """A file name part in plain ASCII (every unzip tool reads it): "Giấy mời" → "giay-moi"."""
    plain = strip_diacritics(text).lower()
    plain = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    return plain[:limit].rstrip("-") or "tai-lieu"


def plan(meeting: Meeting, user: User | None) -> Plan:
    """Every file the dossier holds, in the order of a meeting's dossier, in the meeting's language;
    the missing ones with the reason. Builds nothing."""
    language = minutes_services.language_of(meeting)
    with force_locale(language):
        return _plan(meeting, user, language)


def _plan(meeting: Meeting, user: User | None, language: str) -> Plan:
    result = Plan(meeting, language)
    add = result.parts.append
    counts = attendance_counts(meeting)
    result.counts = dict(counts)
    minutes = minutes_services.current(meeting, MinutesKind.minutes)
    notice = minutes_services.current(meeting, MinutesKind.notice)
    last_day = meeting.ends_on

    add(Part("invitations.pdf", _("Invitation letters"), "giay-moi.pdf", day=meeting.starts_on,
             note=ngettext("%(num)d participant invited", "%(num)d participants invited", counts["invited"]),
             make=lambda: invitation_pdf(meeting, user),
             missing=None if counts["invited"] else _("Nobody was invited.")))
    add(Part("programme.pdf", _("Programme"), "chuong-trinh.pdf", day=meeting.starts_on,
             make=_registered("programme.pdf", meeting)))
    releases = agenda_services.releases(meeting)
    result.counts["releases"] = len(releases)
    add(Part("programme-changes.pdf", _("Published versions of the programme and their changes"),
             "chuong-trinh-cac-phien-ban.pdf", day=releases[0].created_at.astimezone(minutes_services.zone(meeting))
             .date() if releases else None,
             note=ngettext("%(num)d version", "%(num)d versions", len(releases)),
             make=lambda: changelog_pdf(meeting, user),
             missing=None if releases else _("The programme was never published.")))
    add(Part("participants.xlsx", _("Delegate list"), "danh-sach-dai-bieu.xlsx", day=last_day,
             note=_("%(invited)d invited, %(accepted)d accepted, %(declined)d declined", **counts),
             make=_registered("participants.xlsx", meeting),
             missing=None if counts["invited"] else _("The meeting has no participants.")))
    add(Part("attendance-sheet.pdf", _("Attendance sheets"), "danh-sach-diem-danh.pdf", day=last_day,
             note=_("%(present)d present of %(expected)d expected", **counts),
             make=_registered("attendance-sheet.pdf", meeting),
             missing=None if counts["expected"] else _("Nobody was expected.")))

    withheld = 0
    texts = _speech_texts(meeting)
    for index, text in enumerate(texts, start=1):
        speech = text.speech
        if user is None or not cleared_for(clearance_of(user, meeting.organization_id),
                                           speech_services.classification_of(speech)):
            withheld += 1
            continue
        speaker = speech.participant.full_name
        title = speech.title or speech.agenda_item.title
        suffix = speech_files.EXTENSIONS.get(text.media_type, ".bin")
        add(Part(f"speech:{text.public_id}", _("Speech text: %(speaker)s — %(title)s", speaker=speaker, title=title),
                 f"phat-bieu-{index:03d}-{slug(speaker, 40)}{suffix}",
                 day=text.uploaded_at.astimezone(minutes_services.zone(meeting)).date(),
                 path=speech_files.path_of(speech_services._storage(), text.stored_name)))
    result.counts["speech_texts"] = len(texts) - withheld
    if withheld:
        add(Part("speech-texts-withheld", ngettext("%(num)d speech text of a higher classification",
                                                   "%(num)d speech texts of a higher classification", withheld),
                 "", missing=_("Your clearance does not admit them.")))

    minutes_missing = None if minutes is not None and minutes.status is MinutesStatus.approved \
        else _("The minutes are not approved.")
    for fmt, label in (("pdf", _("Minutes (PDF)")), ("docx", _("Minutes (Word)"))):
        add(Part(f"minutes.{fmt}", label, f"bien-ban.{fmt}", number=_number(minutes),
                 day=minutes.document_date if minutes else None, make=_registered(f"minutes.{fmt}", meeting),
                 missing=minutes_missing))
    if notice is None:
        notice_missing = _("The conclusion notice has not been drafted.")
    elif notice.status is not MinutesStatus.approved:
        notice_missing = _("The conclusion notice is not approved.")
    else:
        notice_missing = None
    for fmt, label in (("pdf", _("Conclusion notice (PDF)")), ("docx", _("Conclusion notice (Word)"))):
        add(Part(f"notice.{fmt}", label, f"thong-bao-ket-luan.{fmt}", number=_number(notice),
                 day=notice.document_date if notice else None, make=_registered(f"notice.{fmt}", meeting),
                 missing=notice_missing))
    for part in result.parts:
        if part.present and part.make is None and part.path is None:
            part.missing = _("This document is not available in this installation.")
    return result


def invitation_pdf(meeting: Meeting, user: User | None) -> bytes:
    """The invitation as filed: the letter for all with the list of invitees (the personal letters differ only
    by their addressee and link; filing 3,000 of them, or issuing links for them, serves no archive). Once issued,
    the file copy kept at the issue, byte for byte; before, the draft."""
    filed = issuing.filed_copy(meeting)
    if filed is not None:
        return filed
    letters = minute_documents.invitation_documents(meeting, user, mode=InvitationMode.all, draft=True)
    return official_pdf(letters[0])


# The programme's changelog, in the official layout --------------------------------------------------------

def changelog_document(meeting: Meeting, user: User | None) -> OfficialDocument:
    """Every published version of the programme with its changes against the one before (agenda releases)."""
    ctx = minute_documents.Context(meeting)
    zone = minutes_services.zone(meeting)
    levels = [c.value for c in Classification
              if user is not None and cleared_for(clearance_of(user, meeting.organization_id), c)] or ["none"]
    body: list[Any] = []
    for release in reversed(agenda_services.releases(meeting)):
        published = release.created_at.astimezone(zone)
        body.append(Heading(_("Version %(number)d, published %(when)s", number=release.number,
                              when=published.strftime("%d/%m/%Y %H:%M")), level=1))
        if release.note:
            body.append(Paragraph(runs(Run(release.note, italic=True))))
        changes = release_rules.visible_changes(release.changes or [], levels)
        if not changes:
            body.append(Paragraph(runs(_("No change to the items that may be shown."))))
            continue
        rows = [TableRow(cells=[[Run(str(n))], [Run(release_rules.change_text(change, zone))]])
                for n, change in enumerate(changes, start=1)]
        body.append(Table(columns=[TableColumn(_("No."), 0.6, "center"), TableColumn(_("Change"), 8)], rows=rows))
    title = _("PROGRAMME VERSIONS")
    return OfficialDocument(
        profile=ctx.profile, language=ctx.language, superior=ctx.superior, issuer=ctx.issuer, number=None,
        place_date=ctx.date_line(minutes_services.local_today(meeting)), title=title, summary=[meeting.title],
        body=body, marks=ctx.marks(draft=False), document_title=f"{title} - {meeting.title}")


def changelog_pdf(meeting: Meeting, user: User | None) -> bytes:
    return official_pdf(changelog_document(meeting, user))


# Pages and hashes -------------------------------------------------------------------------------------------

_PAGES_COUNT = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", re.S)


def page_count(data: bytes, filename: str) -> int | None:
    """Pages of a PDF: its page tree's root holds the largest count. None for other files (a Word file's pages
    depend on the program that lays it out; its app.xml states what its writer last saw, or the template's)
    and for a PDF whose page tree is compressed in an object stream."""
    if not filename.endswith(".pdf"):
        return None
    counts = [int(a or b) for a, b in _PAGES_COUNT.findall(data)]
    return max(counts) if counts else None


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


def start(meeting: Meeting, user: User | None) -> None:
    """Check that this user may build the dossier now (else raise, with the reason) and audit the build."""
    ensure_allowed(meeting, user)
    planned = plan(meeting, user)
    with atomic():
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action="dossier.built", object_type="meeting", object_id=meeting.public_id,
                     summary=zip_name(meeting),
                     changes={"files": len(planned.present), "missing": [p.key for p in planned.missing],
                              "classification": Classification(meeting.classification).value})


def write(meeting: Meeting, user: User | None) -> Iterator[bytes]:
    """The dossier as a stream of ZIP bytes (after ``start``): each document built as the stream is read."""
    return _write(plan(meeting, user))


def _write(planned: Plan) -> Iterator[bytes]:
    meeting = planned.meeting
    zone = minutes_services.zone(meeting)
    now = datetime.now(UTC).astimezone(zone)
    pipe = _Pipe()
    archive = zipfile.ZipFile(pipe, "w", compresslevel=6)
    entries: list[Entry] = []
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

