"""The documents of a consultation's result: the report in the organization's official layout (PDF, DOCX:
its header blocks, ``BÁO CÁO`` with the summary line "Kết quả lấy ý kiến bằng văn bản về …", the counts
and the list of members with their answers) and the result sheet (XLSX). Built from the consultation and
its results as plain data for the renderers of ``documents``; a closed consultation's are frozen once
(services.close) and served as stored."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from flask_babel import force_locale
from flask_babel import gettext as _

from planner.consultations.models import ANSWER_LABELS, Answer, Consultation, ConsultationStatus
from planner.core.models import utcnow
from planner.core.permissions import CLASSIFICATION_MARKS, Classification
from planner.core.text import date_line, position_line
from planner.delegates.exporting import to_xlsx
from planner.documents import services as document_services
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
from planner.documents.render import official_docx, official_pdf

if TYPE_CHECKING:
    from planner.consultations.services import Results

DOCUMENT_TYPE = "report"


def language_of(consultation: Consultation) -> str:
    language = consultation.organization.language or "vi"
    return language if language in ("vi", "en") else "vi"


def _day(consultation: Consultation) -> date:
    from planner.consultations.services import local

    moment = local(consultation, consultation.closed_at or utcnow())
    assert moment is not None
    return moment.date()


def _answer_text(answer: Answer | None) -> str:
    return str(ANSWER_LABELS[answer]) if answer is not None else _("No answer")


def member_line(member: Any) -> str:
    return position_line(member.title, member.unit)


def counts_text(found: Results) -> str:
    return _("Asked: %(asked)d; answered: %(answered)d (%(answered_pct)s); agree: %(agree)d (%(agree_pct)s); "
             "disagree: %(disagree)d (%(disagree_pct)s); other opinion: %(other)d (%(other_pct)s); "
             "no answer: %(none)d (%(none_pct)s).",
             asked=found.asked, answered=found.answered, answered_pct=found.percent(found.answered),
             agree=found.agree, agree_pct=found.percent(found.agree), disagree=found.disagree,
             disagree_pct=found.percent(found.disagree), other=found.other, other_pct=found.percent(found.other),
             none=found.not_answered, none_pct=found.percent(found.not_answered))


def document(consultation: Consultation, found: Results) -> OfficialDocument:
    from planner.consultations.services import deadline_text, local

    org = consultation.organization
    language = language_of(consultation)
    with force_locale(language):
        current = document_services.settings(org)
        profile = document_services.profile(org, current)
        body_of = document_services.issuing_body(org, DOCUMENT_TYPE, current, language)
        sent = local(consultation, consultation.sent_at)
        intro = _("On %(day)s, %(office)s asked %(num)d members in writing for their opinion on: %(title)s. "
                  "Answers were taken until %(deadline)s.",
                  day=sent.strftime("%d/%m/%Y") if sent else "", office=org.name, num=found.asked,
                  title=consultation.title, deadline=deadline_text(consultation))
        body: list[Any] = [Paragraph(runs(intro))]
        if consultation.question and Classification(consultation.classification) == Classification.none:
            body.append(Paragraph(runs(Run(_("The question:"), bold=True), " ", consultation.question)))
        body.append(Heading(_("Result"), level=1))
        body.append(Paragraph(runs(counts_text(found))))
        rows = []
        for number, member in enumerate(found.members, start=1):
            opinion = [Run(_answer_text(member.answer), bold=member.answer is not None)]
            if member.opinion:
                opinion.append(Run("\n" + member.opinion, italic=True))
            rows.append(TableRow(cells=[[Run(str(number))], [Run(member.full_name, bold=True)],
                                        [Run(member_line(member))], opinion]))
        body.append(Table(columns=[TableColumn(_("No."), 0.5, "center"), TableColumn(_("Full name"), 2),
                                   TableColumn(_("Position, unit"), 2.6), TableColumn(_("Answer"), 2.9)],
                          rows=rows))
        if consultation.status is not ConsultationStatus.closed:
            body.append(Paragraph(runs(Run(_("Interim result: the consultation is still open."), italic=True))))
        lines = document_services.signers(org, DOCUMENT_TYPE, language, current)
        signatures = [Signature(side=side, authority=line.get("authority", ""), position=line.get("position", ""),
                                name=line.get("name", "")) for side, line in sorted(lines.items())]
        recipients = document_services.recipients(org, DOCUMENT_TYPE, current) or []
        archive = profile.archive_line(language)
        recipients = [r for r in recipients if r.strip() and r.strip() != archive] + [archive]
        title = profile.title(DOCUMENT_TYPE, language)
        return OfficialDocument(
            profile=profile, language=language, superior=body_of.superior, issuer=body_of.name,
            number=profile.number_placeholder(DOCUMENT_TYPE, body_of.code, language),
            place_date=date_line(org.city, _day(consultation), language), title=title,
            summary=[_("Result of the written consultation"), _("on %(title)s", title=consultation.title)],
            body=body, signatures=signatures, recipients=recipients,
            recipients_label=profile.recipients_heading(language),
            marks=Marks(classification=CLASSIFICATION_MARKS.get(Classification(consultation.classification)),
                        draft=consultation.status is not ConsultationStatus.closed),
            document_title=f"{_('Result of the written consultation')} - {consultation.title}")


def sheet(consultation: Consultation, found: Results) -> bytes:
    """Who answered what, who did not: one row per member, then the counts."""
    with force_locale(language_of(consultation)):
        header = [_("No."), _("Full name"), _("Position, unit"), _("E-mail"), _("Answer"), _("Opinion"),
                  _("Answered at")]
        from planner.consultations.services import local

        rows: list[list[Any]] = []
        for number, member in enumerate(found.members, start=1):
            when = local(consultation, member.answered_at)
            rows.append([number, member.full_name, member_line(member), member.email, _answer_text(member.answer),
                         member.opinion, when.strftime("%d/%m/%Y %H:%M") if when else ""])
        rows.append([])
        rows.append(["", counts_text(found)])
        return to_xlsx(header, rows, sheet_title=_("Result"), widths=[6, 30, 40, 28, 16, 50, 18])


def build(consultation: Consultation, found: Results, kind: str, fmt: str) -> bytes:
    if kind == "result" and fmt == "pdf":
        return official_pdf(document(consultation, found))
    if kind == "result" and fmt == "docx":
        return official_docx(document(consultation, found), document_services.letterhead(consultation.organization))
    if kind == "sheet" and fmt == "xlsx":
        return sheet(consultation, found)
    raise ValueError(f"no record {kind}.{fmt}")
