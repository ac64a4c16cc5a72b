"""Document profiles: every layout value of the official formats, kept as data in one place.

The rules change (Quy định 66-QĐ/TW gave way to 399-QĐ/TW in 2026), so nothing about a layout is
written into a template: the renderers read a profile and draw what it says. An organization
picks a profile and may override its codes and signature lines in settings.
"""

from __future__ import annotations

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
    """Points."""

    body: float = 14
    header: float = 13
    national: float = 13
    title: float = 14
    summary: float = 14
    recipients_label: float = 12
    recipients: float = 11
    page_number: float = 13
    table: float = 13


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
    font: str = "Liberation Serif"
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

    def archive_line(self, language: str = "vi") -> str:
        """The last recipient: the file copy kept by the office."""
        return self.recipients_last if language == "vi" else "- File."

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


def _sides(**sides: SignatureLine) -> dict[str, SignatureLine]:
    return dict(sides)


# Minutes: the minute-taker on the left, the presiding person on the right (Party practice; Mẫu 1.9).
# Notice, invitation: the office signs on the right by order of the collective it serves.
_EN_SIGNATURES = {
    "minutes": _sides(left=SignatureLine("SECRETARY"), right=SignatureLine("CHAIR")),
    "notice": _sides(right=SignatureLine("FOR THE OFFICE")),
    "invitation": _sides(right=SignatureLine("FOR THE OFFICE")),
}

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
    signatures_vi={
        "minutes": _sides(left=SignatureLine("THƯ KÝ"), right=SignatureLine("CHỦ TRÌ")),
        "notice": _sides(right=SignatureLine("T/L BAN THƯỜNG VỤ", "CHÁNH VĂN PHÒNG")),
        "invitation": _sides(right=SignatureLine("T/L BAN THƯỜNG VỤ", "CHÁNH VĂN PHÒNG")),
    },
    signatures_en=_EN_SIGNATURES,
)

STATE = Profile(
    code="state",
    national_lines=(
        HeaderLine("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True),
        HeaderLine("Độc lập - Tự do - Hạnh phúc", bold=True, underline=True),
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
    signatures_vi={
        # Mẫu 1.9 (Nghị định 30/2020): THƯ KÝ on the left, CHỦ TỌA on the right.
        "minutes": _sides(left=SignatureLine("THƯ KÝ"), right=SignatureLine("CHỦ TỌA")),
        "notice": _sides(right=SignatureLine("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG")),
        "invitation": _sides(right=SignatureLine("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG")),
    },
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
    signatures_vi={
        "minutes": _sides(left=SignatureLine("THƯ KÝ"), right=SignatureLine("CHỦ TRÌ")),
        "notice": _sides(right=SignatureLine("VĂN PHÒNG")),
        "invitation": _sides(right=SignatureLine("VĂN PHÒNG")),
    },
    signatures_en=_EN_SIGNATURES,
)

PROFILES: dict[str, Profile] = {p.code: p for p in (PARTY, STATE, PLAIN)}


def profile_for(code: str, overrides: dict[str, Any] | None = None) -> Profile:
    return PROFILES.get(code, PLAIN).with_overrides(overrides)
