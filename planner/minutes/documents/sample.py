"""A sample document for the settings page: the organization's profile shown on made-up content.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from planner.core.text import date_line
from planner.documents import services as document_services
from planner.documents.model import Heading, Marks, OfficialDocument, Paragraph, Signature, runs
from planner.minutes import compose
from planner.minutes.documents.base import _labels, _paragraph

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
