"""The minutes and the conclusion notice as official documents, and their record rendered once.
"""

from __future__ import annotations

from planner.documents import services as document_services
from planner.documents.model import OfficialDocument
from planner.documents.render import official_docx, official_pdf
from planner.meetings.models import Meeting
from planner.minutes import compose
from planner.minutes import services as minutes_services
from planner.minutes.documents.base import Context, _lines, _section, _signatures, section_blocks, word
from planner.minutes.models import Minutes, MinutesKind, MinutesStatus

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
