"""The plain data every official document is made of, whatever it becomes (PDF, DOCX).

Builders in the domains (minutes, notice, invitation, programme) fill an OfficialDocument from
their services; the renderers draw it with a profile. Text is always data: the PDF template reads
it as JSON and DOCX receives it as runs, so no user text can change the layout.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from planner.documents.profiles import Profile


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False


def runs(*parts: str | Run) -> list[Run]:
    return [p if isinstance(p, Run) else Run(p) for p in parts]


@dataclass
class Paragraph:
    runs: list[Run]
    indent: bool = True
    align: Literal["justify", "left", "center", "right"] = "justify"
    kind: str = "paragraph"


@dataclass
class Heading:
    text: str
    level: int = 1  # 0: a part of the document (NỘI DUNG, a session), centred
    kind: str = "heading"


@dataclass
class TableColumn:
    label: str
    width: float = 1  # relative (fr)
    align: Literal["left", "center", "right"] = "left"


@dataclass
class TableRow:
    cells: list[list[Run]] = field(default_factory=list)
    # A row that is one heading spanning the table (a session in the programme).
    group: list[Run] | None = None
    muted: bool = False  # e.g. a cancelled item


@dataclass
class Table:
    columns: list[TableColumn]
    rows: list[TableRow]
    kind: str = "table"


@dataclass
class QrCode:
    """A QR code of a link (the delegate's personal page), with a caption beside it.

    The renderers draw the code from the link themselves (segno), so the data stays plain text.
    """

    link: str
    caption: str = ""
    kind: str = "qr"


Block = Paragraph | Heading | Table | QrCode


@dataclass
class Signature:
    side: Literal["left", "right"]
    authority: str = ""      # "T/M BAN THƯỜNG VỤ", "THƯ KÝ"
    position: str = ""       # "BÍ THƯ"
    name: str = ""
    signed: bool = False     # an approved document may carry "(Đã ký)"


@dataclass
class Marks:
    classification: str | None = None   # "MẬT", "TỐI MẬT", "TUYỆT MẬT"
    urgency: str | None = None          # "KHẨN", "THƯỢNG KHẨN", "HỎA TỐC"
    circulation: str | None = None      # "XONG HỘI NGHỊ TRẢ LẠI"
    draft: bool = False                 # "DỰ THẢO" on every page
    copies: int | None = None


@dataclass
class OfficialDocument:
    profile: Profile
    language: str
    superior: str            # the superior body, printed in capitals (optional)
    issuer: str              # the issuing body, in capitals, bold
    number: str | None       # "Số 12-BB/VPTU"; None while a draft has no number
    place_date: str          # "Đà Nẵng, ngày 05 tháng 7 năm 2026"
    title: str               # "BIÊN BẢN"
    summary: list[str]       # trích yếu, one or more lines
    body: list[Block]
    signatures: list[Signature] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    recipients_label: str = "Nơi nhận:"
    marks: Marks = field(default_factory=Marks)
    document_title: str = ""  # the PDF/DOCX metadata title
    # "Kính gửi: …" of a letter, between the title block and the body (invitations).
    addressee: list[str] = field(default_factory=list)

    def as_data(self) -> dict[str, Any]:
        data = asdict(self)
        data["profile"] = self.profile.as_data()
        data["labels"] = {"draft": "DỰ THẢO" if self.language == "vi" else "DRAFT",
                          "signed": "(Đã ký)" if self.language == "vi" else "(Signed)"}
        for block in data["body"]:
            if block.get("kind") == "qr":
                block["svg"] = qr_svg(block["link"])
        return data


def qr_svg(link: str) -> str:
    """The QR code of a link as SVG text (black modules, no quiet zone: the layout gives the margin)."""
    import io

    import segno

    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="svg", scale=1, border=0, xmldecl=False, nl=False)
    return out.getvalue().decode("ascii")


def qr_png(link: str, scale: int = 8) -> bytes:
    import io

    import segno

    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()
