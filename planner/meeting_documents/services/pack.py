"""The pack as a whole: the sending rule (N working days before the meeting), the ZIP for staff, the list
the minutes print as the documents used."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from planner.accounts.models import Organization, User
from planner.core import workdays
from planner.core.permissions import CLASSIFICATION_MARKS
from planner.core.text import position_line
from planner.delegates import services as delegate_services
from planner.documents import services as document_services
from planner.documents.model import Heading, Marks, OfficialDocument, Paragraph, Table, TableColumn, TableRow, runs
from planner.extensions import db
from planner.meeting_documents.models import Audience, MeetingDocument
from planner.meeting_documents.services.access import in_audience, level
from planner.meeting_documents.services.copies import number_copies
from planner.meeting_documents.services.reading import _bytes, list_documents
from planner.meetings.models import Meeting
from planner.minutes import documents as minute_documents
from planner.minutes import services as minutes_services

# The sending rule ------------------------------------------------------------------------------------------

def lead_days(org: Organization) -> int:
    return document_services.documents_lead_days(org)


def due(meeting: Meeting, holidays: Sequence[date], lead: int) -> date:
    """The last day the pack may reach the delegates: ``lead`` working days before the meeting's first day."""
    return workdays.add_working_days(meeting.starts_on, -lead, holidays)


def unsent_counts(meeting_ids: Sequence[int]) -> dict[int, int]:
    """Per meeting, the documents for delegates not sent yet (one query)."""
    if not meeting_ids:
        return {}
    rows = db.session.execute(
        select(MeetingDocument.meeting_id, func.count(MeetingDocument.id))
        .where(MeetingDocument.meeting_id.in_(list(meeting_ids)), MeetingDocument.sent_at.is_(None),
               MeetingDocument.audience != Audience.staff)
        .group_by(MeetingDocument.meeting_id))
    return {meeting_id: count for meeting_id, count in rows}


def pack_status(meeting: Meeting) -> dict[str, Any]:
    """For the pack page: the day the pack is due, the lead time, and whether it is late."""
    org = meeting.organization
    holidays = document_services.holidays(org)
    lead = lead_days(org)
    deadline = due(meeting, holidays, lead)
    today = workdays_today(org)
    return {"due": deadline, "days": lead, "late": today > deadline and bool(unsent_counts([meeting.id]))}


def workdays_today(org: Organization) -> date:
    return datetime.now(UTC).astimezone(ZoneInfo(org.timezone)).date()


# The ZIP of the pack, and the minutes' list --------------------------------------------------------------

def pack_zip(meeting: Meeting, user: User | None) -> bytes:
    """Every document the user may see, its latest version, numbered in pack order."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        names: set[str] = set()
        for index, document in enumerate(list_documents(meeting, user), start=1):
            version = document.latest
            if version is None:
                continue
            name = f"{index:02d} - {version.filename}"
            while name in names:
                name = f"{index:02d}-{len(names)} - {version.filename}"
            names.add(name)
            archive.writestr(name, _bytes(version))
    return out.getvalue()


def pack_stamp(meeting: Meeting, user: User | None) -> str:
    documents = list_documents(meeting, user)
    return "|".join(f"{d.public_id}:{d.revision}:{d.latest.sha256 if d.latest else ''}" for d in documents)


def titles_used(meeting: Meeting, user: User | None) -> list[str]:
    """The documents of the meeting, in pack order, as the minutes list them ("tài liệu sử dụng", Hướng dẫn
    16-HD/VPTW): those the writer may see and whose title the minutes may carry (a classified document's only
    in minutes classified as high)."""
    from planner.core.permissions import Classification

    ceiling = max(Classification(meeting.classification), Classification.internal, key=lambda c: c.rank)
    return [d.title for d in list_documents(meeting, user)
            if d.latest is not None and level(d).rank <= ceiling.rank]


# The hand-out list of the classified documents ------------------------------------------------------------

HANDOUT_WORDS = {
    "vi": {"title": "DANH SÁCH PHÁT TÀI LIỆU MẬT", "copy": "Bản số", "name": "Họ và tên",
           "unit": "Chức vụ, đơn vị", "received": "Ký nhận", "returned": "Ký trả", "version": "phiên bản",
           "intro": "Mỗi bản được đánh số và chỉ giao tận tay người có tên; người nhận ký khi nhận và khi trả lại "
                    "(Nghị định 26/2020/NĐ-CP)."},
    "en": {"title": "HAND-OUT LIST OF CLASSIFIED DOCUMENTS", "copy": "Copy", "name": "Full name",
           "unit": "Position, unit", "received": "Received (signature)", "returned": "Returned (signature)",
           "version": "version",
           "intro": "Each copy is numbered and handed only to the person named, who signs on receiving and on "
                    "returning it."},
}


def classified_documents(meeting: Meeting, user: User | None) -> list[MeetingDocument]:
    """The documents the user may see that reach their delegates on paper only."""
    return [d for d in list_documents(meeting, user)
            if level(d).is_classified and Audience(d.audience) is not Audience.staff and d.latest is not None]


def handout_document(meeting: Meeting, user: User | None) -> OfficialDocument:
    """The numbered list staff hand the paper copies out with, one table per classified document (copy number
    per delegate, numbered now for those without one, in protocol order), in the organization's profile."""
    ctx = minute_documents.Context(meeting)
    words = HANDOUT_WORDS["vi" if ctx.language.startswith("vi") else "en"]
    people = delegate_services.all_participants(meeting)
    body: list[Any] = [Paragraph(runs(words["intro"]))]
    highest = None
    for document in classified_documents(meeting, user):
        mark = CLASSIFICATION_MARKS[level(document)]
        if highest is None or level(document).rank > highest.rank:
            highest = level(document)
        audience = [p for p in people if in_audience(document, p)]
        numbers = number_copies(document, audience)
        body.append(Heading(f"{document.title} ({mark}, {words['version']} {document.number})"))
        rows = [TableRow(cells=[runs(f"{numbers[p.id]:02d}"), runs(p.full_name),
                                runs(position_line(p.title, p.unit)), runs(""), runs("")])
                for p in sorted(audience, key=lambda p: numbers[p.id])]
        body.append(Table([TableColumn(words["copy"], 0.8, "center"), TableColumn(words["name"], 2.4),
                           TableColumn(words["unit"], 3), TableColumn(words["received"], 1.5),
                           TableColumn(words["returned"], 1.5)], rows))
    today = minutes_services.local_today(meeting)
    title = words["title"]
    return OfficialDocument(
        profile=ctx.profile, language=ctx.language, superior=ctx.superior, issuer=ctx.issuer, number=None,
        place_date=ctx.date_line(today), title=title, summary=[meeting.title], body=body,
        marks=Marks(classification=CLASSIFICATION_MARKS.get(highest) if highest else ctx.classification),
        document_title=f"{title} - {meeting.title}")


def handout_stamp(meeting: Meeting, user: User | None) -> str:
    documents = classified_documents(meeting, user)
    return "|".join(f"{d.public_id}:{d.revision}:{d.number}:{len(d.copies)}" for d in documents)


# The home page's to-do: packs not sent in time -----------------------------------------------------------

def late_packs(meetings: Sequence[Meeting], today: date, holidays: Sequence[date], lead: int,
               warn: int) -> list[tuple[Meeting, date, int]]:
    """Of these meetings ahead, those with documents for the delegates not sent yet whose deadline is within
    ``warn`` working days (or past): (meeting, due, documents not sent)."""
    counts = unsent_counts([m.id for m in meetings])
    found = []
    for meeting in meetings:
        if not counts.get(meeting.id):
            continue
        deadline = due(meeting, holidays, lead)
        if workdays.working_days_between(today, deadline, holidays) <= warn:
            found.append((meeting, deadline, counts[meeting.id]))
    return found
