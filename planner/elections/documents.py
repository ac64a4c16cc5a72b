"""The documents of elections as plain data: the ballots of a round, the counting minutes (biên bản kiểm
phiếu) of a round, the report of an election's results to the higher committee, and the congress's
credentials report. They are the Party's own records, written in Vietnamese whatever the interface language;
the renderers (documents/render.py, documents/typst/ballot.typ) draw them as PDF and DOCX.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from planner.core.text import fold
from planner.delegates.models import EducationLevel, Gender, Participant
from planner.documents.model import (
    Heading,
    OfficialDocument,
    Paragraph,
    Run,
    Signature,
    Table,
    TableColumn,
    TableRow,
    runs,
)
from planner.elections import rules, services
from planner.elections.models import ELECTION_BODY_TITLES, CredentialsReport, Election, ElectionBody, ElectionRound
from planner.meetings.models import Meeting
from planner.minutes.documents import Context

INVALID_WORDS = {
    rules.InvalidReason.not_issued: "phiếu không do Ban kiểm phiếu phát ra",
    rules.InvalidReason.too_many: "phiếu bầu quá số lượng cần bầu",
    rules.InvalidReason.all_struck: "phiếu gạch tên tất cả ứng cử viên",
    rules.InvalidReason.single_unmarked: "phiếu không đánh dấu hoặc đánh dấu cả hai cột",
    rules.InvalidReason.other: "lý do khác",
}
EDUCATION_WORDS = {
    EducationLevel.doctorate: "Tiến sĩ", EducationLevel.master: "Thạc sĩ", EducationLevel.university: "Đại học",
    EducationLevel.college: "Cao đẳng", EducationLevel.vocational: "Trung cấp",
    EducationLevel.secondary: "Trung học",
}
AGE_BANDS = ((None, 35, "Dưới 35 tuổi"), (35, 45, "Từ 35 đến dưới 45 tuổi"), (45, 55, "Từ 45 đến dưới 55 tuổi"),
             (55, 61, "Từ 55 đến 60 tuổi"), (61, None, "Trên 60 tuổi"))


def _n(value: int) -> str:
    return f"{value:02d}" if 0 <= value < 10 else str(value)


def _pct(part: int, whole: int) -> str:
    return f"{rules.percent(part, whole):.2f}".replace(".", ",") + "%"


def body_title(election: Election) -> str:
    return election.title or ELECTION_BODY_TITLES[ElectionBody(election.body)] or services.election_label(election)


def congress_name(meeting: Meeting) -> str:
    return meeting.title


# Ballots --------------------------------------------------------------------------------------------------

def ballot_serials(held: ElectionRound) -> list[str]:
    """One serial per printed ballot: the round's number, then 0001… up to the print run."""
    width = max(4, len(str(held.printed)))
    return [f"{held.number}-{i:0{width}d}" for i in range(1, held.printed + 1)]


def ballots_data(held: ElectionRound) -> dict[str, Any]:
    """The plain data of a round's print run for documents/typst/ballot.typ."""
    election = held.election
    meeting = election.meeting
    ctx = Context(meeting)
    names = [entry.candidate.full_name for entry in held.entries]
    strike_out = len(names) > held.seats
    if strike_out:
        instruction = ("Đồng ý bầu đồng chí nào thì giữ nguyên họ và tên; không đồng ý thì gạch ngang cả họ và "
                       f"tên đồng chí đó. Phiếu giữ lại quá {held.seats} người hoặc gạch hết tên là phiếu "
                       "không hợp lệ.")
    else:
        instruction = ('Đánh dấu (X) vào cột "Đồng ý" hoặc "Không đồng ý" bên cạnh họ và tên mỗi đồng chí. '
                       'Đánh dấu cả hai cột hoặc không đánh dấu thì không tính cho đồng chí đó.')
    return {
        "font": ctx.profile.font, "issuer": ctx.issuer,
        "issuer_lines": [line for line in (ctx.superior, ctx.issuer) if line],
        "heading": "ĐẢNG CỘNG SẢN VIỆT NAM",
        "title": "PHIẾU BẦU CỬ",
        "subtitle": [body_title(election).upper(), congress_name(meeting)],
        "round_label": f"Bầu lần thứ {held.number}" if held.number > 1 else "",
        "limit_line": f"(Bầu không quá {held.seats} người)",
        "strike_out": strike_out, "candidates": names, "serials": ballot_serials(held),
        "seal_label": "Dấu của cấp ủy triệu tập",
        "instruction": instruction,
        "labels": {"number": "STT", "name": "Họ và tên", "agree": "Đồng ý", "disagree": "Không đồng ý",
                   "serial": "Số:"},
    }


# Counting minutes -----------------------------------------------------------------------------------------

@dataclass
class Member:
    name: str
    role: str = ""


def _committee(meeting: Meeting) -> list[Member]:
    return [Member(name, role) for name, role in services.counting_committee(meeting)]


def _p(*parts: str | Run, indent: bool = True) -> Paragraph:
    return Paragraph(runs(*parts), indent=indent)


def counting_minutes(held: ElectionRound, *, day: date | None = None, signed: bool = False) -> OfficialDocument:
    """Biên bản kiểm phiếu of one round: the figures, each candidate's votes and % of the base, who is
    elected, whether another round is needed, and a line to sign for every member of the counting committee."""
    election = held.election
    meeting = election.meeting
    ctx = Context(meeting)
    result = services.result_of(held)
    members = _committee(meeting)
    rows = services.result_rows(held)
    what = body_title(election)
    body: list[Any] = [
        _p(f"Ban kiểm phiếu {congress_name(meeting)} đã tiến hành kiểm phiếu bầu {what}"
           + (f" (bầu lần thứ {held.number})" if held.number > 1 else "") + ". Kết quả như sau:"),
        _p(f"1. Tổng số đại biểu được triệu tập: {_n(held.convened)} đồng chí; số không tính vào cơ số: "
           f"{_n(election.base_excluded)}; cơ số tính kết quả: {_n(held.base_count)}."),
        _p(f"2. Số đại biểu có mặt: {_n(held.present)} đồng chí."),
        _p(f"3. Số lượng cần bầu: {_n(held.seats)}; số người trong danh sách bầu cử: {_n(len(rows))}."),
        _p(f"4. Số phiếu phát ra: {_n(held.issued)}; số phiếu thu vào: {_n(held.returned)}"
           + (f"; số phiếu viết hỏng đã đổi: {_n(held.replaced)}" if held.replaced else "") + "."),
        _p(f"5. Số phiếu hợp lệ: {_n(held.valid)}; số phiếu không hợp lệ: {_n(held.invalid)}"
           + _reasons(held) + "."),
        _p("6. Số phiếu bầu cho từng đồng chí (tỷ lệ so với cơ số):"),
        Table(columns=[TableColumn("STT", 0.5, "center"), TableColumn("Họ và tên", 3),
                       TableColumn("Số phiếu", 1, "center"), TableColumn("Tỷ lệ", 1, "center"),
                       TableColumn("Kết quả", 1.4, "center")],
              rows=[TableRow(cells=[runs(str(i)), runs(row.candidate.full_name),
                                    runs(str(row.votes if row.votes is not None else "")),
                                    runs(_pct(row.votes or 0, held.base_count)),
                                    runs("Trúng cử" if row.elected else ("Bằng phiếu" if row.tied else ""))])
                    for i, row in enumerate(rows, start=1)]),
    ]
    elected = [row.candidate.full_name for row in rows if row.elected]
    body.append(_p(f"7. Căn cứ Quy chế bầu cử trong Đảng, các đồng chí có số phiếu bầu quá một nửa so với cơ số "
                   f"({_n(result.needed)} phiếu trở lên) trúng cử: "
                   + (", ".join(elected) if elected else "không có đồng chí nào") + "."))
    if result.tied:
        tied = ", ".join(row.candidate.full_name for row in rows if row.tied)
        body.append(_p(f"Các đồng chí {tied} có số phiếu bằng nhau ở vị trí cuối cùng: đề nghị Đại hội bầu tiếp "
                       f"trong số các đồng chí này ({_n(result.next_seats)} người)."))
    elif result.another_round_needed:
        body.append(_p(f"Số người trúng cử chưa đủ số lượng cần bầu (còn thiếu {_n(result.next_seats)}): đề nghị "
                       "Đại hội xem xét, quyết định việc bầu tiếp."))
    else:
        body.append(_p("Không cần bầu thêm lần nào."))
    for correction in held.corrections:
        body.append(_p(Run("Đính chính: ", italic=True), Run(correction.reason, italic=True)))
    body.append(_p("Biên bản được lập thành 03 bản và được các thành viên Ban kiểm phiếu thông qua, ký tên dưới đây.",
                   indent=True))
    body.append(Heading("CÁC THÀNH VIÊN BAN KIỂM PHIẾU", level=1))
    body.append(Table(columns=[TableColumn("STT", 0.5, "center"), TableColumn("Họ và tên", 3),
                               TableColumn("Nhiệm vụ", 1.6), TableColumn("Ký tên", 1.6)],
                      rows=[TableRow(cells=[runs(str(i)), runs(m.name), runs(m.role), runs("")])
                            for i, m in enumerate(members, start=1)] or
                      [TableRow(cells=[runs(""), runs(""), runs(""), runs("")])]))
    head = next((m for m in members if "trưởng" in fold(m.role)), members[0] if members else None)
    signature = Signature(side="right", authority="T/M BAN KIỂM PHIẾU", position="TRƯỞNG BAN",
                          name=head.name if head else "", signed=signed)
    profile = ctx.profile
    title = "BIÊN BẢN"
    when = day or (services.local(meeting, held.closed_at).date() if held.closed_at else meeting.starts_on)
    return OfficialDocument(
        profile=profile, language="vi", superior=ctx.issuer, issuer="BAN KIỂM PHIẾU", number="",
        place_date=ctx.date_line(when), title=title,
        summary=[f"Kiểm phiếu bầu {what}" + (f" (lần {held.number})" if held.number > 1 else "")],
        body=body, signatures=[signature], recipients=[], marks=ctx.marks(draft=not signed),
        document_title=f"Biên bản kiểm phiếu - {what} - lần {held.number}")


def _reasons(held: ElectionRound) -> str:
    given = {rules.InvalidReason(k): v for k, v in (held.invalid_reasons or {}).items() if v}
    if not given:
        return ""
    return " (" + "; ".join(f"{INVALID_WORDS[k]}: {_n(v)}" for k, v in given.items()) + ")"


# The election report --------------------------------------------------------------------------------------

def election_report(election: Election, *, signed: bool = False) -> OfficialDocument:
    """Báo cáo kết quả bầu cử to the higher committee: the list, every round's figures, the elected."""
    meeting = election.meeting
    ctx = Context(meeting)
    what = body_title(election)
    body: list[Any] = [
        _p(f"{congress_name(meeting)} đã tiến hành bầu {what}. Số lượng cần bầu: {_n(election.seats)}"
           + (f" ({election.seats_decision})" if election.seats_decision else "") + "; số người trong danh sách "
           f"bầu cử: {_n(len(election.candidates))}."),
    ]
    if election.surplus_decision:
        body.append(_p(f"Về danh sách bầu cử, Đại hội đã quyết định: {election.surplus_decision}"))
    for held in election.rounds:
        result = services.result_of(held)
        body.append(Heading(f"Bầu lần thứ {held.number}", level=2))
        body.append(_p(f"Đại biểu triệu tập: {_n(held.convened)}; có mặt: {_n(held.present)}; phiếu phát ra: "
                       f"{_n(held.issued)}; thu vào: {_n(held.returned)}; hợp lệ: {_n(held.valid)}; không hợp lệ: "
                       f"{_n(held.invalid)}; số phiếu để trúng cử: {_n(result.needed)}."))
        elected = [r for r in services.result_rows(held) if r.elected]
        body.append(Table(columns=[TableColumn("STT", 0.5, "center"), TableColumn("Họ và tên trúng cử", 3),
                                   TableColumn("Số phiếu", 1, "center"), TableColumn("Tỷ lệ", 1, "center")],
                          rows=[TableRow(cells=[runs(str(i)), runs(r.candidate.full_name), runs(str(r.votes)),
                                                runs(_pct(r.votes or 0, held.base_count))])
                                for i, r in enumerate(elected, start=1)]
                          or [TableRow(cells=[runs(""), runs("Không có đồng chí nào trúng cử"), runs(""),
                                              runs("")])]))
    total = services.elected_so_far(election)
    body.append(_p(f"Tổng số đồng chí trúng cử: {_n(len(total))}/{_n(election.seats)}. Kính đề nghị cấp ủy cấp "
                   "trên xem xét, chuẩn y kết quả bầu cử."))
    return OfficialDocument(
        profile=ctx.profile, language="vi", superior=ctx.superior, issuer=ctx.issuer,
        number=ctx.number("report", None), place_date=ctx.date_line(meeting.ends_on), title="BÁO CÁO",
        summary=[f"Kết quả bầu {what}", congress_name(meeting)], body=body,
        signatures=[Signature(side="right", authority="T/M ĐOÀN CHỦ TỊCH", position="", name="", signed=signed)],
        recipients=ctx.recipients(["- Cấp ủy cấp trên,"]), marks=ctx.marks(draft=not signed),
        document_title=f"Báo cáo kết quả bầu cử - {what}")


# The credentials report -----------------------------------------------------------------------------------

@dataclass
class Structure:
    convened: int
    present: int
    absent: list[tuple[str, str]]
    women: int
    minorities: int
    ages: list[tuple[str, int]]
    education: list[tuple[str, int]]
    youngest: int | None
    oldest: int | None
    unknown_age: int


def structure(delegates: list[Participant], present_ids: set[int], absences: dict[int, str], year: int) -> Structure:
    """The delegates' figures from the people directory's optional fields (who has none is counted apart)."""
    women = sum(1 for p in delegates if p.person.gender == Gender.female)
    minorities = sum(1 for p in delegates if p.person.ethnicity and fold(p.person.ethnicity) != "kinh")
    ages = [year - p.person.birth_year for p in delegates if p.person.birth_year]
    bands = []
    for low, high, label in AGE_BANDS:
        bands.append((label, sum(1 for a in ages if (low is None or a >= low) and (high is None or a < high))))
    levels = Counter(EducationLevel(p.person.education_level) for p in delegates if p.person.education_level)
    education = [(EDUCATION_WORDS[level], levels[level]) for level in EDUCATION_WORDS if levels[level]]
    absent = [(p.full_name, absences.get(p.id, "")) for p in delegates if p.id not in present_ids]
    return Structure(convened=len(delegates), present=len(present_ids), absent=absent, women=women,
                     minorities=minorities, ages=bands, education=education,
                     youngest=min(ages) if ages else None, oldest=max(ages) if ages else None,
                     unknown_age=len(delegates) - len(ages))


def credentials_report(meeting: Meeting, report: CredentialsReport, figures: Structure, *,
                       signed: bool = False) -> OfficialDocument:
    """Báo cáo thẩm tra tư cách đại biểu: convened, present, absent with reasons, qualified, the cases
    examined, and the delegates' structure."""
    ctx = Context(meeting)
    n = figures.convened
    qualified = max(n - (report.disqualified or 0), 0)
    body: list[Any] = [
        _p(f"Ban Thẩm tra tư cách đại biểu {congress_name(meeting)} báo cáo kết quả thẩm tra tư cách đại biểu "
           "như sau:"),
        Heading("I. SỐ LƯỢNG ĐẠI BIỂU", level=2),
        _p(f"Tổng số đại biểu được triệu tập: {_n(n)} đồng chí. Có mặt: {_n(figures.present)} đồng chí "
           f"({_pct(figures.present, n)}); vắng mặt: {_n(len(figures.absent))} đồng chí."),
    ]
    for name, reason in figures.absent:
        body.append(_p(f"- Đồng chí {name}: " + (reason or "không có lý do") + "."))
    body.append(Heading("II. TƯ CÁCH ĐẠI BIỂU", level=2))
    body.append(_p(f"Số đại biểu đủ tư cách: {_n(qualified)}/{_n(n)} đồng chí"
                   + (f"; không đủ tư cách: {_n(report.disqualified)} đồng chí" if report.disqualified else "")
                   + "."))
    if report.cases:
        for line in report.cases.splitlines():
            if line.strip():
                body.append(_p(line.strip()))
    else:
        body.append(_p("Ban Thẩm tra tư cách đại biểu không nhận được đơn thư hay trường hợp nào phải xem xét."))
    body.append(Heading("III. CƠ CẤU ĐẠI BIỂU", level=2))
    rows = [("Nữ", figures.women), ("Dân tộc thiểu số", figures.minorities),
            *((f"Độ tuổi: {label.lower()}", count) for label, count in figures.ages),
            *((f"Trình độ chuyên môn: {label.lower()}", count) for label, count in figures.education)]
    body.append(Table(columns=[TableColumn("Cơ cấu", 3), TableColumn("Số lượng", 1, "center"),
                               TableColumn("Tỷ lệ", 1, "center")],
                      rows=[TableRow(cells=[runs(label), runs(_n(count)), runs(_pct(count, n))])
                            for label, count in rows]))
    if figures.youngest is not None:
        body.append(_p(f"Đại biểu cao tuổi nhất: {figures.oldest} tuổi; trẻ tuổi nhất: {figures.youngest} tuổi"
                       + (f" ({_n(figures.unknown_age)} đồng chí chưa có năm sinh)" if figures.unknown_age else "")
                       + "."))
    body.append(_p(f"Ban Thẩm tra tư cách đại biểu đề nghị Đại hội công nhận {_n(qualified)} đại biểu đủ tư cách "
                   "tham dự Đại hội."))
    return OfficialDocument(
        profile=ctx.profile, language="vi", superior=ctx.issuer, issuer="BAN THẨM TRA TƯ CÁCH\nĐẠI BIỂU", number="",
        place_date=ctx.date_line(meeting.starts_on), title="BÁO CÁO",
        summary=["Thẩm tra tư cách đại biểu", congress_name(meeting)], body=body,
        signatures=[Signature(side="right", authority="T/M BAN THẨM TRA TƯ CÁCH ĐẠI BIỂU", position="TRƯỞNG BAN",
                              name=report.signer_name, signed=signed)],
        recipients=[], marks=ctx.marks(draft=not signed), document_title=f"Báo cáo thẩm tra tư cách đại biểu - "
                                                                          f"{meeting.title}")
