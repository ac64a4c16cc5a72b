"""The official documents of a meeting as plain data: minutes, conclusion notice, invitation letters and
the programme (chương trình), each an OfficialDocument in the organization's profile. The renderers
(documents/render.py) turn them into PDF and DOCX alike.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from babel.dates import format_date

from planner.accounts.models import User
from planner.agenda import programme as programme_rules
from planner.agenda import services as agenda_services
from planner.core.permissions import CLASSIFICATION_MARKS, Classification
from planner.core.text import date_line, position_line
from planner.delegates import protocol
from planner.delegates.models import Participant
from planner.documents import links
from planner.documents import services as document_services
from planner.documents.model import (
    Heading,
    Marks,
    OfficialDocument,
    Paragraph,
    QrCode,
    Run,
    Signature,
    Table,
    TableColumn,
    TableRow,
    runs,
)
from planner.documents.render import official_docx, official_pdf
from planner.meetings.models import Meeting, MeetingStatus
from planner.minutes import compose
from planner.minutes import services as minutes_services
from planner.minutes.models import InvitationLetter, InvitationMode, Minutes, MinutesKind, MinutesStatus

WORDS = {
    "vi": {
        "replaces": "(Thay thế {title} số {number})",
        "replaces_draft": "(Đính chính {title} đã được duyệt)",
        "notice_summary": "Kết luận của {who} tại {what}",
        "notice_summary_anon": "Kết luận tại {what}",
        "dear": "Kính gửi",
        "dear_all_default": "Các đồng chí có tên trong danh sách kèm theo",
        "invites": "{issuer} trân trọng kính mời {you} dự {what}.",
        "you_all": "các đồng chí",
        "presiding": "Chủ trì",
        "time": "Thời gian",
        "time_range": "từ {start} đến {end}",
        "place": "Địa điểm",
        "content": "Nội dung",
        "prepare": "Đề nghị {you} chuẩn bị",
        "attendees": "Thành phần",
        "contact": "Liên hệ",
        "phone": "điện thoại",
        "comrades": "các đồng chí",
        "closing": "Rất mong {you} đến dự đúng thời gian./.",
        "qr_each": "Chương trình, đăng ký phát biểu và xác nhận tham dự của {you}: quét mã QR hoặc mở đường dẫn",
        "qr_all": "Chương trình hội nghị: quét mã QR hoặc mở đường dẫn",
        "list": "DANH SÁCH KHÁCH MỜI",
        "no": "STT",
        "name": "Họ và tên",
        "office": "Chức vụ, đơn vị",
        "time_col": "Thời gian",
        "content_col": "Nội dung",
        "performer_col": "Người thực hiện",
        "morning": "BUỔI SÁNG",
        "afternoon": "BUỔI CHIỀU",
        "evening": "BUỔI TỐI",
        "cancelled": "(hoãn)",
        "presiding_short": "Chủ trì",
        "as_above": "- Như trên,",
    },
    "en": {
        "replaces": "(Replaces {title} No. {number})",
        "replaces_draft": "(Correction of the approved {title})",
        "notice_summary": "Conclusions of {who} at {what}",
        "notice_summary_anon": "Conclusions of {what}",
        "dear": "To",
        "dear_all_default": "The participants listed in the attachment",
        "invites": "{issuer} has the honour to invite {you} to {what}.",
        "you_all": "you",
        "presiding": "Chair",
        "time": "Time",
        "time_range": "from {start} to {end}",
        "place": "Place",
        "content": "Agenda",
        "prepare": "Please prepare",
        "attendees": "Attendees",
        "contact": "Contact",
        "phone": "phone",
        "comrades": "",
        "closing": "We look forward to your attendance.",
        "qr_each": "Your programme, requests to speak and reply: scan the QR code or open the link",
        "qr_all": "The programme: scan the QR code or open the link",
        "list": "LIST OF INVITEES",
        "no": "No.",
        "name": "Name",
        "office": "Position, unit",
        "time_col": "Time",
        "content_col": "Item",
        "performer_col": "Speaker",
        "morning": "MORNING",
        "afternoon": "AFTERNOON",
        "evening": "EVENING",
        "cancelled": "(cancelled)",
        "presiding_short": "Chair",
        "as_above": "- As above,",
    },
}


def word(language: str, key: str) -> str:
    return WORDS[compose.lang(language)][key]


class Context:
    """What every document of a meeting shares: profile, header lines, marks, place."""

    def __init__(self, meeting: Meeting):
        self.meeting = meeting
        self.org = meeting.organization
        self.settings = document_services.settings(self.org)
        self.profile = document_services.profile(self.org, self.settings)
        self.language = minutes_services.language_of(meeting)
        self.superior, self.issuer = document_services.issuer_lines(self.org, self.settings)
        self.place = meeting.city or self.org.city
        self.classification = CLASSIFICATION_MARKS.get(Classification(meeting.classification))

    def issuing_body(self, document_type: str):
        """Who issues this type: its header lines, number code and authority line (documents.issuers)."""
        return document_services.issuing_body(self.org, document_type, self.settings, self.language)

    def number(self, document_type: str, number: str | None) -> str:
        code = self.issuing_body(document_type).code
        return number or self.profile.number_placeholder(document_type, code, self.language)

    def date_line(self, day: date) -> str:
        return date_line(self.place, day, self.language)

    def marks(self, *, draft: bool) -> Marks:
        return Marks(classification=self.classification, draft=draft)

    def recipients(self, lines: list[str], *, drafter: str = "", copies: int | None = None) -> list[str]:
        """The recipients, ending with the archive line; with the drafter's code and the number of copies
        when given (``- Lưu: VT, P1 (05 bản).``), which a classified document must state."""
        plain = self.profile.archive_line(self.language)
        full = self.profile.archive_line(self.language, drafter=drafter, copies=copies)
        lines = [line for line in lines if line.strip()]
        if lines and lines[-1].strip() in (plain, full):
            lines.pop()
        lines.append(full)
        return lines

    def document(self, *, document_type: str, number: str | None, day: date, summary: list[str],
                 body: list[Any], signatures: list[Signature], recipients: list[str], draft: bool,
                 addressee: list[str] | None = None, drafter: str = "",
                 copies: int | None = None) -> OfficialDocument:
        title = self.profile.title(document_type, self.language)
        issuer = self.issuing_body(document_type)
        return OfficialDocument(
            profile=self.profile, language=self.language, superior=issuer.superior, issuer=issuer.name,
            number=self.number(document_type, number), place_date=self.date_line(day), title=title,
            summary=summary, body=body, signatures=signatures,
            recipients=self.recipients(recipients, drafter=drafter, copies=copies) if recipients is not None else [],
            recipients_label=self.profile.recipients_heading(self.language), marks=self.marks(draft=draft),
            document_title=f"{title[:1]}{title[1:].lower()} - {self.meeting.title}", addressee=addressee or [],
        )


# Sections to blocks ------------------------------------------------------------------------------------------

def _labels(language: str) -> list[str]:
    keys = ("time", "place", "presiding", "secretary", "absent")
    table = compose.PHRASES[compose.lang(language)]
    labels = {table[k] for k in keys} | {table[f"{k}_state"] for k in keys if f"{k}_state" in table}
    return sorted(labels, key=len, reverse=True)


def _paragraph(line: str, labels: list[str]) -> Paragraph:
    """A line of text; a leading ``Label:`` of the minutes' fixed items is bold."""
    for label in labels:
        if line.startswith(label + ":"):
            return Paragraph(runs(Run(label + ":", bold=True), line[len(label) + 1:]))
    return Paragraph(runs(line))


def _lines(text: str) -> list[str]:
    return [line for line in (text or "").splitlines() if line.strip()]


def section_blocks(sections: list[dict[str, Any]], language: str) -> list[Any]:
    labels = _labels(language)
    conclusion_label = compose.phrase(language, "conclusion")
    blocks: list[Any] = []
    for section in sections:
        kind = section.get("kind")
        if kind in ("signatures", "recipients"):
            continue
        if section.get("heading"):
            blocks.append(Heading(section["heading"], level=0 if kind in ("heading", "session") else 1))
        if kind == "heading":
            continue
        blocks.extend(_paragraph(line, labels) for line in _lines(section.get("text", "")))
        if kind == "item":
            blocks.extend(Paragraph(runs(line)) for line in _lines(section.get("discussion", "")))
            conclusion = _lines(section.get("conclusion", ""))
            if conclusion:
                blocks.append(Paragraph(runs(Run(f"{conclusion_label}: ", bold=True), conclusion[0])))
                blocks.extend(Paragraph(runs(line)) for line in conclusion[1:])
            blocks.extend(Paragraph(runs(line)) for line in compose.decision_lines(section.get("decisions") or [],
                                                                                  language))
    return blocks


def _section(sections: list[dict[str, Any]], key: str) -> dict[str, Any]:
    return next((s for s in sections if s.get("key") == key), {})


def _signatures(section: dict[str, Any], *, signed: bool) -> list[Signature]:
    result = []
    for side in ("left", "right"):
        line = section.get(side) or {}
        if any(line.get(f) for f in ("authority", "position", "name")):
            result.append(Signature(side, line.get("authority", ""), line.get("position", ""), line.get("name", ""),
                                    signed=signed))
    return result


# Minutes and notice -------------------------------------------------------------------------------------------

def _noun_title(meeting: Meeting, language: str) -> str:
    return compose.in_sentence(meeting.title, meeting.kind.value, language)


def record_document(minutes: Minutes) -> OfficialDocument:
    """The minutes or the notice as an official document (DỰ THẢO until approved)."""
    meeting = minutes.meeting
    ctx = Context(meeting)
    language = ctx.language
    sections = minutes.sections or []
    approved = minutes.status is MinutesStatus.approved
    document_type = minutes.kind.value
    if minutes.kind is MinutesKind.notice:
        presiding = minutes_services.presiding_people(meeting)
        what = _noun_title(meeting, language)
        if presiding:
            who = compose.person_text(compose.Person(presiding[0].full_name, presiding[0].title,
                                                     presiding[0].honorific), language)
            summary = [word(language, "notice_summary").format(who=who.replace(" - ", ", ", 1), what=what)]
        else:
            summary = [word(language, "notice_summary_anon").format(what=what)]
        day = minutes.document_date or minutes_services.local_today(meeting)
    else:
        summary = [meeting.title]
        day = minutes.document_date or meeting.ends_on
    if minutes.corrects is not None:
        title = ctx.profile.title(document_type, language)
        label = title[:1] + title[1:].lower() if compose.lang(language) == "vi" else title.lower()
        if minutes.corrects.number:
            summary.append(word(language, "replaces").format(title=label, number=minutes.corrects.number))
        else:
            summary.append(word(language, "replaces_draft").format(title=label))
    recipients_section = _section(sections, "recipients")
    recipients = _lines(recipients_section.get("text", ""))
    return ctx.document(
        document_type=document_type, number=minutes.number if approved else None, day=day, summary=summary,
        body=section_blocks(sections, language), signatures=_signatures(_section(sections, "signatures"),
                                                                        signed=False),
        recipients=recipients, draft=not approved, drafter=recipients_section.get("drafter") or "",
        copies=recipients_section.get("copies") or None)


def render_record(minutes: Minutes) -> dict[str, bytes]:
    """The minutes or the notice rendered as PDF and DOCX: at approval, once (minutes.services freezes them)."""
    document = record_document(minutes)
    letterhead = document_services.letterhead(minutes.meeting.organization)
    return {"pdf": official_pdf(document), "docx": official_docx(document, letterhead)}


# Invitation letters -------------------------------------------------------------------------------------------

def _when(meeting: Meeting, language: str, starts_at: datetime | None, ends_at: datetime | None) -> str:
    def at(moment: datetime | None, day: date) -> str:
        weekday = format_date(day, "EEEE", locale=compose.lang(language))
        weekday = weekday[:1].lower() + weekday[1:] if compose.lang(language) == "vi" else weekday
        text = f"{weekday}, {compose.day_text(day, language)}"
        return f"{compose.clock(moment, language)}, {text}" if moment is not None else text

    first = at(starts_at, meeting.starts_on)
    if meeting.ends_on == meeting.starts_on:
        return first
    return word(language, "time_range").format(start=first, end=at(None, meeting.ends_on))


def _you(participant: Participant | None, language: str) -> str:
    if participant is None:
        return word(language, "you_all")
    if compose.lang(language) == "en":
        return "you"
    return compose.honorific(compose.Person(participant.full_name, honorific=participant.honorific), language)


def _letter_body(meeting: Meeting, ctx: Context, letter: InvitationLetter, participant: Participant | None,
                 facts: dict[str, Any], link: str | None) -> list[Any]:
    language = ctx.language
    you = _you(participant, language)
    issuer = document_services.issuer_in_sentence(ctx.org, "invitation", ctx.settings)
    body: list[Any] = [Paragraph(runs(word(language, "invites").format(issuer=issuer, you=you,
                                                                      what=_noun_title(meeting, language))))]

    def item(label: str, text: str) -> None:
        # After the label the entry begins with a capital, as "Kính gửi: Đồng chí …" and the list rows do.
        text = compose.sentence(text)
        if text:
            body.append(Paragraph(runs("- ", Run(f"{label}: ", bold=True), text[:1].upper() + text[1:])))

    item(word(language, "presiding"), "; ".join(compose.person_text(p, language, capital=True)
                                                for p in facts["presiding"]))
    if participant is not None:
        item(word(language, "attendees"), letter.addressee)
    item(word(language, "time"), facts["when"])
    item(word(language, "place"), ", ".join(p for p in (meeting.venue, meeting.city) if p))
    item(word(language, "content"), letter.content or meeting.description[:2000])
    item(word(language, "prepare").format(you=you), letter.preparation)
    item(word(language, "contact"), contact_text(letter, language))
    if link:
        caption = word(language, "qr_each" if participant is not None else "qr_all").format(you=you)
        body.append(QrCode(link, caption + ":"))
    body.append(Paragraph(runs(word(language, "closing").format(you=you))))
    return body


def letter_presiding(meeting: Meeting, items: list[Any]) -> list[Participant]:
    """Who presides, as the invitation names it: the meeting's presiding persons, failing that the chairs of
    its sessions (a conference chaired session by session), each once, in the programme's order."""
    chosen = list(meeting.presiding)
    if chosen:
        return chosen
    seen: set[int] = set()
    for item in sorted(items, key=lambda i: (i.starts_at, i.position, i.id)):
        if getattr(item.kind, "value", item.kind) != "session" or getattr(item.status, "value", item.status) == \
                "cancelled":
            continue
        for person in item.presiding:
            if person.id not in seen:
                seen.add(person.id)
                chosen.append(person)
    return chosen


def contact_text(letter: InvitationLetter, language: str) -> str:
    """``đồng chí Lê Thị Mai - Chuyên viên Văn phòng, điện thoại: 0236 3822 123``."""
    contact = (letter.contact or "").strip().rstrip(".")
    phone = (letter.contact_phone or "").strip()
    if phone:
        contact = f"{contact}, {word(language, 'phone')}: {phone}" if contact else f"{word(language, 'phone')}: {phone}"
    return contact


def invitation_documents(meeting: Meeting, user: User | None, *, programme_link: str | None = None,
                         today: date | None = None, mode: InvitationMode | None = None, number: str | None = None,
                         draft: bool = False, with_links: bool = True) -> list[OfficialDocument]:
    """One letter per invited participant (with their personal link as a QR code, when the delegates' link
    service gives one), or one letter for all with the list of invitees. ``mode`` overrides the letter's own:
    the dossier files the letter for all (one copy and its list, no personal links issued).

    ``number`` and ``today`` are the issue's (invitations.services.issuing); an unissued letter is a ``draft`` (DỰ THẢO,
    no number). ``with_links`` False asks for no personal link (nothing is made: for comparing contents)."""
    ctx = Context(meeting)
    language = ctx.language
    letter = minutes_services.invitation_letter(meeting)
    today = today or minutes_services.local_today(meeting)
    items = agenda_services.list_items(meeting, user)
    starts_at, _ends_at = minutes_services._bounds(meeting, items)
    presiding = [compose.Person(p.full_name, p.title, p.honorific) for p in letter_presiding(meeting, items)]
    facts = {"presiding": presiding, "when": _when(meeting, language, starts_at, None)}
    lines = document_services.signers(ctx.org, "invitation", language, ctx.settings)
    signatures = [Signature(side, line.get("authority", ""), line.get("position", ""), line.get("name", ""))
                  for side, line in lines.items() if any(line.values())]
    recipients = document_services.recipients(ctx.org, "invitation", ctx.settings)
    if recipients is None:
        recipients = [word(language, "as_above")]
    people = [p for members in protocol.delegation_order(minutes_services.invited(meeting), _delegation,
                                                          alone=lambda p: not p.delegation.strip())
              for p in members]
    summary = [meeting.title]
    # A classified meeting's letters state the drafter and the copies: one per invitee and the file copy.
    drafter = (ctx.settings.profile_overrides or {}).get("drafter_code", "")
    copies = len(people) + 1 if ctx.classification else None

    if (mode or letter.mode) is InvitationMode.all:
        body = _letter_body(meeting, ctx, letter, None, facts, programme_link)
        rows = [TableRow(cells=[runs(str(n)), runs(compose.person_text(_person(p), language, capital=True,
                                                                       with_title=False)),
                                runs(position_line(p.title, p.unit))]) for n, p in enumerate(people, start=1)]
        body += [Heading(word(language, "list")),
                 Table([TableColumn(word(language, "no"), 0.5, "center"), TableColumn(word(language, "name"), 2.2),
                        TableColumn(word(language, "office"), 3.3)], rows)]
        addressee = [f"{word(language, 'dear')}: {letter.addressee or word(language, 'dear_all_default')}"]
        return [ctx.document(document_type="invitation", number=number, day=today, summary=summary, body=body,
                             signatures=signatures, recipients=list(recipients), draft=draft, addressee=addressee,
                             drafter=drafter, copies=copies)]

    documents = []
    for participant in people:
        link = links.personal_link(participant) if with_links else None
        addressee = [f"{word(language, 'dear')}: " + compose.person_text(_person(participant), language, capital=True)]
        body = _letter_body(meeting, ctx, letter, participant, facts, link)
        documents.append(ctx.document(document_type="invitation", number=number, day=today, summary=summary,
                                      body=body, signatures=signatures, recipients=list(recipients), draft=draft,
                                      addressee=addressee, drafter=drafter, copies=copies))
    return documents


def presiding_names(names: list[str], language: str) -> str:
    """``Đồng chí A`` or ``Các đồng chí A, B và C`` (after "Chủ trì:", as the performer column writes its
    speakers): the honorific once, as a Vietnamese list writes it."""
    if compose.lang(language) != "vi" or not names:
        return ", ".join(names)
    if len(names) == 1:
        return f"Đồng chí {names[0]}"
    return f"{word(language, 'comrades').capitalize()} {compose.join(names, language)}"


def speakers_text(names: list[str], language: str) -> str:
    """Several speakers as one list: ``Các đồng chí A, B và C`` rather than ``Đồng chí A, Đồng chí B, …``
    (the honorific once, as the session heading writes its chairs)."""
    prefix = "Đồng chí "
    if compose.lang(language) == "vi" and len(names) > 1 and all(n.startswith(prefix) for n in names):
        return presiding_names([n[len(prefix):] for n in names], language)
    return ", ".join(names)


def _delegation(participant: Participant) -> str:
    return participant.delegation.strip() or f"~{participant.id}"


def _person(participant: Participant) -> compose.Person:
    return compose.Person(participant.full_name, position_line(participant.title, participant.unit),
                          participant.honorific)


# The programme --------------------------------------------------------------------------------------------------

def programme_document(meeting: Meeting, user: User | None, *, today: date | None = None,
                       release: Any = None) -> OfficialDocument:
    """The programme (chương trình) in the profile's layout: a table per day, sessions as headed groups.
    With ``release``, that published version of the agenda (the public page's PDF) instead of the live one."""
    ctx = Context(meeting)
    language = ctx.language
    if release is not None:
        snapshot = release.snapshot
    else:
        snapshot = agenda_services.snapshot(agenda_services.list_items(meeting, user))
    speakers = minutes_services.speakers_by_item(meeting)
    levels = agenda_services.reader_levels(meeting.organization_id, user)
    days = programme_rules.build(snapshot, minutes_services.zone(meeting), levels=levels,
                                 days=agenda_services.programme_days(meeting))
    columns = [TableColumn(word(language, "no"), 0.7, "center"),
               TableColumn(word(language, "time_col"), 1.75, "center"),
               TableColumn(word(language, "content_col"), 3.9), TableColumn(word(language, "performer_col"), 2.3)]
    body: list[Any] = []
    parallel = programme_rules.parallel_sessions(days)
    session_room: str | None = None
    for day in days:
        if not day.rows:
            continue
        weekday = format_date(day.day, "EEEE", locale=compose.lang(language))
        body.append(Heading(f"{weekday}, {compose.day_text(day.day, language)}"))
        rows = []
        for part in day.parts:
            rows.append(TableRow(group=runs(Run(word(language, part.name), bold=True))))
            for row in part.rows:
                if row.is_session:
                    group = runs(Run(row.title.upper(), bold=True))
                    if row.room and row.id in parallel:
                        group += runs(" — ", Run(row.room, italic=True))
                    if row.presiding:
                        group += runs(f" — {word(language, 'presiding_short')}: "
                                      f"{presiding_names(row.presiding, language)}")
                    rows.append(TableRow(group=group))
                    session_room = row.room if row.id in parallel else None
                    continue
                if not row.in_session:
                    session_room = None
                content = runs(row.title)
                if row.cancelled:
                    content += runs(f" {word(language, 'cancelled')}")
                if row.room and row.room != session_room:
                    content += runs(Run(f" ({row.room})", italic=True))
                performer = row.performer or speakers_text(speakers.get(row.id, []), language)
                rows.append(TableRow(cells=[runs(str(row.number) if row.number else ""),
                                            runs(programme_rules.span(row.starts_at, row.ends_at, language)),
                                            content, runs(performer)], muted=row.cancelled))
        body.append(Table(columns, rows))
    today = today or minutes_services.local_today(meeting)
    return ctx.document(document_type="programme", number=None, day=today, summary=[meeting.title], body=body,
                        signatures=[], recipients=None, draft=meeting.status == MeetingStatus.draft)


# A sample for the settings page --------------------------------------------------------------------------------

def sample_document(org: Any) -> OfficialDocument:
    """Minutes of an imaginary meeting in the organization's current settings (to check them before use)."""
    current = document_services.settings(org)
    profile = document_services.profile(org, current)
    superior, issuer = document_services.issuer_lines(org, current)
    language = "vi" if (org.language or "vi").startswith("vi") else "en"
    lines = document_services.signature_lines(org, "minutes", language, current)
    names = {"left": "Lê Thị Mai", "right": "Nguyễn Văn Quảng"}
    signatures = [Signature(side, line.get("authority", ""), line.get("position", ""), line.get("name") or names[side])
                  for side, line in lines.items()]
    today = date.today()
    labels = _labels(language)
    body: list[Any] = [
        _paragraph(f"{compose.phrase(language, 'time', profile.code)}: 8 giờ 00, {compose.day_text(today, language)}.",
                   labels),
        _paragraph(f"{compose.phrase(language, 'place', profile.code)}: Hội trường A.", labels),
        Heading(compose.phrase(language, "content", profile.code)),
        Paragraph(runs("Đồng chí Nguyễn Văn Nên - Bí thư Quận ủy Hải Châu phát biểu: thống nhất cao với dự thảo báo "
                       "cáo; đề nghị bổ sung chỉ tiêu về chuyển đổi số.")),
        Paragraph(runs(compose.phrase(language, "closing").format(
            noun=compose.MEETING_NOUNS[language]["meeting"], time="11 giờ 30", day=compose.day_text(today, language)))),
    ]
    return OfficialDocument(
        profile=profile, language=language, superior=superior, issuer=issuer,
        number=profile.number(12, "minutes", org.body_code or "…", language),
        place_date=date_line(org.city, today, language), title=profile.title("minutes", language),
        summary=["Cuộc họp mẫu" if language == "vi" else "A sample meeting"], body=body, signatures=signatures,
        recipients=[profile.archive_line(language)], recipients_label=profile.recipients_heading(language),
        marks=Marks(draft=True), document_title="Sample")
