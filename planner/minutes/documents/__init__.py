"""The official documents of a meeting as plain data: minutes, conclusion notice, invitation letters and
the programme (chương trình), each an OfficialDocument in the organization's profile. The renderers
(documents/render.py) turn them into PDF and DOCX alike.
"""

from __future__ import annotations

from planner.core.text import date_line
from planner.minutes.documents.base import WORDS, Context, section_blocks, word
from planner.minutes.documents.letters import (
    contact_text,
    invitation_documents,
    letter_presiding,
    presiding_names,
    speakers_text,
)
from planner.minutes.documents.programme import programme_document
from planner.minutes.documents.record import record_document, render_record
from planner.minutes.documents.sample import sample_document

__all__ = [
    "WORDS",
    "Context",
    "contact_text",
    "date_line",
    "invitation_documents",
    "letter_presiding",
    "presiding_names",
    "programme_document",
    "record_document",
    "render_record",
    "sample_document",
    "section_blocks",
    "speakers_text",
    "word",
]
