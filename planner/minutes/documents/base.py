"""What every official document of a meeting shares: the fixed words in each language, the context read
once (organization, profile, issuer, signers), and the minutes' sections turned into blocks.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from planner.core.permissions import CLASSIFICATION_MARKS, Classification
from planner.core.text import date_line
from planner.documents import services as document_services
from planner.documents.model import Heading, Marks, OfficialDocument, Paragraph, Run, Signature, runs
from planner.meetings.models import Meeting
from planner.minutes import compose
from planner.minutes import services as minutes_services

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
