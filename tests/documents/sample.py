"""A realistic minutes-like document used to check the frame in every profile."""

from planner.documents.model import (
    Heading,
    Marks,
    OfficialDocument,
    Paragraph,
    Run,
    Signature,
    Table,
    TableColumn,
    TableRow,
    runs,
)
from planner.documents.profiles import profile_for


def sample_document(profile_code: str = "party", *, classification: str | None = None, draft: bool = False,
                    body_paragraphs: int = 3, extra: str = "", table: bool = True,
                    recipients: list[str] | None = None) -> OfficialDocument:
    profile = profile_for(profile_code)
    body = [
        Paragraph(runs(Run("Thời gian: ", bold=True), "Khai mạc lúc 8 giờ 00, ngày 05 tháng 7 năm 2026.")),
        Paragraph(runs(Run("Địa điểm: ", bold=True), "Hội trường A, Trung tâm Hành chính thành phố Đà Nẵng.")),
        Heading("I. NỘI DUNG"),
    ]
    for n in range(body_paragraphs):
        body.append(Paragraph(runs(
            f"Đồng chí Nguyễn Văn Nên phát biểu ý kiến thứ {n + 1}: thống nhất cao với dự thảo báo cáo; đề nghị "
            "làm rõ thêm kết quả thực hiện các chỉ tiêu kinh tế - xã hội, công tác xây dựng Đảng và hệ thống "
            "chính trị; Ủy ban nhân dân thành phố tiếp thu, hoàn chỉnh. " + extra)))
    if not table:
        body.append(Paragraph(runs("Hội nghị kết thúc vào 11 giờ 30, ngày 05 tháng 7 năm 2026./.")))
    body += [Table(
        columns=[TableColumn("STT", 0.5, "center"), TableColumn("Thời gian", 1.2, "center"),
                 TableColumn("Nội dung", 4), TableColumn("Người thực hiện", 2.3)],
        rows=[
            TableRow(group=runs(Run("PHIÊN KHAI MẠC", bold=True), " — Chủ trì: đồng chí Trần Lưu Hải")),
            TableRow(cells=[runs("1"), runs("8 giờ 00"), runs("Chào cờ"), runs("Ban Tổ chức")]),
            TableRow(cells=[runs("2"), runs("8 giờ 10"), runs("Báo cáo chính trị"), runs("Đồng chí Đinh Thế Huynh")]),
            TableRow(cells=[runs("3"), runs("9 giờ 00"), runs("Giải lao"), runs("")], muted=True),
        ],
    )] if table else []
    return OfficialDocument(
        profile=profile,
        language="vi",
        superior="Thành ủy Đà Nẵng",
        issuer="Văn phòng",
        number=profile.number(12, "minutes", "VPTU"),
        place_date="Đà Nẵng, ngày 05 tháng 7 năm 2026",
        title="BIÊN BẢN",
        summary=["Hội nghị Ban Chấp hành Đảng bộ thành phố lần thứ 12"],
        body=body,
        signatures=[Signature("left", "THƯ KÝ", "", "Lê Thị Mai"),
                    Signature("right", "T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Nguyễn Văn Quảng")],
        recipients=recipients or ["- Ban Thường vụ Thành ủy,", "- Các đồng chí Thành ủy viên,",
                                  profile.recipients_last],
        marks=Marks(classification=classification, draft=draft),
        document_title="Biên bản Hội nghị",
    )
