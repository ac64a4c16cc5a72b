"""What goes in a dossier (the plan: the documents present and those missing), the programme's changelog in
the official layout, and the pages of a PDF."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from planner.accounts.models import User
from planner.agenda import releases as release_rules
from planner.agenda import services as agenda_services
from planner.core import exports
from planner.core.permissions import Classification, clearance_of, cleared_for
from planner.core.text import strip_diacritics
from planner.delegates.models import AttendanceStatus, Participant, ParticipantAttendance, Rsvp
from planner.documents.model import Heading, OfficialDocument, Paragraph, Run, Table, TableColumn, TableRow, runs
from planner.documents.render import official_pdf
from planner.extensions import db
from planner.invitations.services import issuing
from planner.meetings.models import Meeting
from planner.minutes import documents as minute_documents
from planner.minutes import services as minutes_services
from planner.minutes.models import InvitationMode, Minutes, MinutesKind, MinutesStatus
from planner.speeches import files as speech_files
from planner.speeches import services as speech_services
from planner.speeches.models import Speech, SpeechStatus, SpeechText

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
