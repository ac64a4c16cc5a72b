"""Document profiles: every layout value of the official formats, kept as data in one place.

The rules change (Quy định 66-QĐ/TW gave way to 399-QĐ/TW in 2026), so nothing about a layout is
written into a template: the renderers read a profile and draw what it says. An organization
picks a profile and may override its codes and signature lines in settings.

Sources of the values:
- Party (``PARTY``): Hướng dẫn 36-HD/VPTW (2018) on Quy định 66-QĐ/TW, same elements under Quy định
  399-QĐ/TW: ``ĐẢNG CỘNG SẢN VIỆT NAM`` 15 bold with a rule of its length; issuing body 14 bold
  (the superior body above it 14 regular) with a ``*``; number 14; place and date 14 italic; the
  document type 15–16 bold, the summary 14–15 bold; body 14–15; ``Nơi nhận:`` 14 underlined, its
  lines 12; page numbers 14, centred at the top from page 2.
- State (``STATE``): Nghị định 30/2020/NĐ-CP, Phụ lục I: Quốc hiệu 12–13 bold capitals; Tiêu ngữ
  13–14 bold with a rule of its length; issuing body 12–13 bold with a rule of 1/3–1/2 of it, the
  governing body 12–13 regular; ``Số:`` and the symbol 13; place and date 13–14 italic; type and
  summary 13–14 bold; body 13–14; authority and position 13–14 bold capitals, the name 13–14 bold;
  ``Nơi nhận:`` 12 bold italic, its lines 11, the last ``- Lưu: VT, <drafting unit>, <copies>.``
  (Điều 8 khoản 3 điểm c: the drafter's code and the number of copies); page numbers 13–14.
- Both: the classification mark (ô 10a of the layout, Phụ lục I of Nghị định 30/2020) under the
  number and symbol, capitals, bold, red, in a frame with a double border (the stamp of Thông tư
  24/2020/TT-BCA); the signer's block leaves about 30 mm to sign and seal.
- The PDF embeds Liberation Serif (metric-compatible with Times New Roman, shipped in
  ``documents/fonts``); the DOCX declares Times New Roman, which Word has and LibreOffice maps to
  the same metrics.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any

# Document types: the code in the number and the title printed on the page.
DOCUMENT_TYPES: dict[str, dict[str, str]] = {
    "minutes": {"code": "BB", "title_vi": "BIÊN BẢN", "title_en": "MINUTES"},
    "notice": {"code": "TB", "title_vi": "THÔNG BÁO", "title_en": "NOTICE"},
    "conclusion": {"code": "KL", "title_vi": "KẾT LUẬN", "title_en": "CONCLUSIONS"},
    "programme": {"code": "CTr", "title_vi": "CHƯƠNG TRÌNH", "title_en": "PROGRAMME"},
    "invitation": {"code": "GM", "title_vi": "GIẤY MỜI", "title_en": "INVITATION"},
    "plan": {"code": "KH", "title_vi": "KẾ HOẠCH", "title_en": "PLAN"},
    "report": {"code": "BC", "title_vi": "BÁO CÁO", "title_en": "REPORT"},
}


@dataclass(frozen=True)
class HeaderLine:
    text: str
    bold: bool = False
    underline: bool = False  # a rule of the same length as the text, just below it
    size: float | None = None  # points; None: the profile's ``sizes.national``


@dataclass(frozen=True)
class SignatureLine:
    """The printed lines above a signature: the authority (``T/M BAN THƯỜNG VỤ``, ``THƯ KÝ``) and the
    position (``BÍ THƯ``). The name comes from the document (who presided, who took the minutes) or
    from the organization's settings."""

    authority: str = ""
    position: str = ""


@dataclass(frozen=True)
class Margins:
    """Millimetres. Two-sided print mirrors left and right on the back pages."""

    top: float
    bottom: float
    left: float
    right: float


@dataclass(frozen=True)
class Sizes:
    """Points, one value per element of the page."""

    body: float = 14
    header: float = 13          # what the header block prints beyond the named lines (urgency)
    superior: float = 13        # the superior (governing) body, regular capitals
    issuer: float = 13          # the issuing body, bold capitals
    number: float = 13          # "Số 12-BB/VPTU"
    date: float = 14            # the place and date line, italic
    national: float = 13        # the first national / Party heading line
    title: float = 14           # the document type
    summary: float = 14         # the summary line (trích yếu)
    signature: float = 14       # the authority line and the position, bold capitals
    signature_name: float = 14  # the signer's name, bold
    recipients_label: float = 12
    recipients: float = 11
    page_number: float = 13
    table: float = 13
    mark: float = 13            # classification, urgency and draft marks


@dataclass(frozen=True)
class Profile:
    code: str
    # Right header block, top lines (national or Party heading); the date line follows, italic.
    national_lines: tuple[HeaderLine, ...]
    # Under the issuing body in the left block: "star" (Party), "rule" (State) or "none".
    issuer_mark: str
    # str.format pattern with number, type_code, body_code.
    number_format: str
    number_format_en: str
    number_digits: int
    # Signature authority prefixes: on behalf of a collective, deputy signing, by order, acting.
    authority_prefixes: dict[str, str]
    recipients_label: str
    recipients_label_style: str  # "underline" or "bold-italic"
    recipients_last: str  # the archive line that ends the list
    margins: Margins
    sizes: Sizes = field(default_factory=Sizes)
    font: str = "Liberation Serif"  # the PDF's embedded face (metric-compatible with Times New Roman)
    docx_font: str = "Times New Roman"  # what the Word file declares
    # Room left between the position and the name to sign and seal (millimetres).
    signature_space_mm: float = 30
    # The ink of the classification and urgency marks (hex RGB): red.
    mark_color: str = "D00000"
    first_line_indent_mm: float = 10
    paragraph_spacing_pt: float = 6
    page_numbers_from: int = 2
    two_sided: bool = False
    # Minutes: the minute-taker signs on the left, the presiding person on the right.
    minutes_signatures: tuple[str, str] = ("secretary", "presiding")
    # Default signature lines by document type and side ("left", "right"), in the document's language;
    # an organization overrides them in its settings (DocumentSettings.signatures).
    signatures_vi: dict[str, dict[str, SignatureLine]] = field(default_factory=dict)
    signatures_en: dict[str, dict[str, SignatureLine]] = field(default_factory=dict)
    # The blank left for the number while a document is unsigned ("Số      -BB/VPTU"): the clerk
    # writes it by hand, or the approval fills it.
    number_blank: str = "\u00a0" * 6

    def number_placeholder(self, document_type: str, body_code: str, language: str = "vi") -> str:
        code = DOCUMENT_TYPES[document_type]["code"]
        pattern = self.number_format if language == "vi" else self.number_format_en
        return pattern.format(number=self.number_blank, type_code=code, body_code=body_code)

    def title(self, document_type: str, language: str = "vi") -> str:
        return DOCUMENT_TYPES[document_type]["title_vi" if language == "vi" else "title_en"]

    def signature_lines(self, document_type: str, language: str = "vi") -> dict[str, SignatureLine]:
        table = self.signatures_vi if language == "vi" else self.signatures_en
        return dict(table.get(document_type, {}))

    def recipients_heading(self, language: str = "vi") -> str:
        return self.recipients_label if language == "vi" else "Distribution:"

    def archive_line(self, language: str = "vi", *, drafter: str = "", copies: int | None = None) -> str:
        """The last recipient: the file copy kept by the office, then the drafter's code and the number of
        copies when given (``- Lưu: VT, P1 (05 bản).``; Nghị định 30/2020 Điều 8 khoản 3 điểm c and
        Phụ lục I; a classified document must state both)."""
        line = self.recipients_last if language == "vi" else "- File."
        if not drafter and not copies:
            return line
        line = line.rstrip().rstrip(".")
        if drafter:
            line += f", {drafter}"
        if copies:
            line += f" ({copies:02d} bản)" if language == "vi" else f" ({copies:02d} copies)"
        return line + "."

    def number(self, number: int, document_type: str, body_code: str, language: str = "vi") -> str:
        code = DOCUMENT_TYPES[document_type]["code"]
        pattern = self.number_format if language == "vi" else self.number_format_en
        return pattern.format(
            number=str(number).zfill(self.number_digits), type_code=code, body_code=body_code
        )

    def with_overrides(self, overrides: dict[str, Any] | None) -> Profile:
        """An organization's own values (codes, archive line, prefixes) over the profile's."""
        if not overrides:
            return self
        allowed = {"recipients_last", "authority_prefixes", "number_format", "number_format_en", "two_sided",
                   "page_numbers_from"}
        return replace(self, **{k: v for k, v in overrides.items() if k in allowed})

    def as_data(self) -> dict[str, Any]:
        """Plain data for the renderers (typst reads it as JSON)."""
        return asdict(self)


_NUMBER_WORD = re.compile(r"^\s*(?:số|so|no|n°)\s*[.:]?\s*", re.IGNORECASE)


def bare_number(number: str | None) -> str:
    """A document's number without the word the header prints before it: ``Số 17-BB/VPTU`` -> ``17-BB/VPTU``
    (``Số: 12/BB-UBND``, ``No. 3-BB/VPTU`` alike), for a sentence that says "số" itself ("cấp số …")."""
    return _NUMBER_WORD.sub("", number or "", count=1)


def _sides(**sides: SignatureLine) -> dict[str, SignatureLine]:
    return dict(sides)


def _signatures(secretary: str, presiding: str, *office: str) -> dict[str, dict[str, SignatureLine]]:
    """Minutes: the minute-taker on the left, the presiding person on the right (Party practice; Mẫu 1.9).
    Notice, invitation: the office signs on the right by order of the collective it serves, alike on both."""
    return {
        "minutes": _sides(left=SignatureLine(secretary), right=SignatureLine(presiding)),
        "notice": _sides(right=SignatureLine(*office)),
        "invitation": _sides(right=SignatureLine(*office)),
    }


_EN_SIGNATURES = _signatures("SECRETARY", "CHAIR", "FOR THE OFFICE")

PARTY = Profile(
    code="party",
    national_lines=(HeaderLine("ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True),),
    issuer_mark="star",
    number_format="Số {number}-{type_code}/{body_code}",
    number_format_en="No. {number}-{type_code}/{body_code}",
    number_digits=2,
    authority_prefixes={"on_behalf": "T/M", "deputy": "K/T", "by_order": "T/L", "acting": "Q."},
    recipients_label="Nơi nhận:",
    recipients_label_style="underline",
    recipients_last="- Lưu Văn phòng.",
    margins=Margins(top=20, bottom=20, left=30, right=15),
    # Hướng dẫn 36-HD/VPTW.
    sizes=Sizes(body=14, header=14, superior=14, issuer=14, number=14, date=14, national=15, title=16,
                summary=14, signature=14, signature_name=14, recipients_label=14, recipients=12, page_number=14,
                table=13, mark=13),
    signatures_vi=_signatures("THƯ KÝ", "CHỦ TRÌ", "T/L BAN THƯỜNG VỤ", "CHÁNH VĂN PHÒNG"),
    signatures_en=_EN_SIGNATURES,
)

STATE = Profile(
    code="state",
    national_lines=(
        HeaderLine("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12),
        HeaderLine("Độc lập - Tự do - Hạnh phúc", bold=True, underline=True, size=13),
    ),
    issuer_mark="rule",
    number_format="Số: {number}/{type_code}-{body_code}",
    number_format_en="No. {number}/{type_code}-{body_code}",
    number_digits=2,
    authority_prefixes={"on_behalf": "TM.", "deputy": "KT.", "by_order": "TL.", "acting": "Q.",
                        "authorized": "TUQ."},
    recipients_label="Nơi nhận:",
    recipients_label_style="bold-italic",
    recipients_last="- Lưu: VT.",
    margins=Margins(top=20, bottom=20, left=30, right=15),
    # Nghị định 30/2020/NĐ-CP, Phụ lục I.
    sizes=Sizes(body=14, header=13, superior=13, issuer=13, number=13, date=14, national=12, title=14,
                summary=14, signature=14, signature_name=14, recipients_label=12, recipients=11, page_number=13,
                table=13, mark=13),
    # Mẫu 1.9 (Nghị định 30/2020): THƯ KÝ on the left, CHỦ TỌA on the right.
    signatures_vi=_signatures("THƯ KÝ", "CHỦ TỌA", "TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"),
    signatures_en=_EN_SIGNATURES,
)

PLAIN = Profile(
    code="plain",
    national_lines=(),
    issuer_mark="none",
    number_format="Số: {number}/{type_code}-{body_code}",
    number_format_en="No. {number}/{type_code}-{body_code}",
    number_digits=2,
    authority_prefixes={"on_behalf": "On behalf of", "deputy": "p.p.", "by_order": "By order of", "acting": "Acting"},
    recipients_label="Nơi nhận:",
    recipients_label_style="underline",
    recipients_last="- Lưu.",
    margins=Margins(top=20, bottom=20, left=25, right=20),
    signatures_vi=_signatures("THƯ KÝ", "CHỦ TRÌ", "VĂN PHÒNG"),
    signatures_en=_EN_SIGNATURES,
)

PROFILES: dict[str, Profile] = {p.code: p for p in (PARTY, STATE, PLAIN)}


def profile_for(code: str, overrides: dict[str, Any] | None = None) -> Profile:
    return PROFILES.get(code, PLAIN).with_overrides(overrides)
