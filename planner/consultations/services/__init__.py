"""Written consultation (lấy ý kiến bằng văn bản): the only code that changes consultations, their members,
documents and answers. No request, no templates; every change is audited (object type ``consultation``, so
that the audit log hides the entries of a consultation above the reader's clearance).

Rules kept here:
- A consultation belongs to one organization; staff see it when their clearance admits its classification
  (another organization's, or one above the clearance, is not found).
- A draft is prepared (question, documents, members); sending opens it: every member gets a personal link
  (``/c/<secret>``, derived from a nonce and SECRET_KEY like a delegate's link: only the hash is stored,
  staff can show it again, rotating or revoking stops the old one). The link shows that member's
  consultation and nothing else.
- Answers (agree / disagree / other opinion, with text) are taken while the consultation is open and the
  deadline has not passed; a member may change their answer until then. After the deadline the answer is
  refused with a message that says so.
- A classified consultation's question and documents never go through the link: the member is told to
  answer on the paper copy handed to them (DOMAIN.md, classified documents); the link still takes the
  answer.
- Closing freezes it: the result sheet and the report are rendered once (documents.records) and served as
  stored from then on; nothing of it changes any more.
- Reminders: an open consultation's members who have not answered, have an e-mail address and have not
  been reminded in the current window (``remind_hours`` before the deadline) are due once.
"""

from __future__ import annotations

from planner.consultations.models import Answer
from planner.consultations.services.answering import OWNER, RECORDS, answer, close, record_bytes, record_version, send
from planner.consultations.services.base import (
    DEFAULT_REMIND_HOURS,
    FIELDS,
    LINK_PREFIX,
    LINK_PURPOSE,
    LINK_USE_NOTE_EVERY,
    MAX_MEMBERS,
    MAX_OPINION,
    MAX_QUESTION,
    MAX_REMIND_HOURS,
    MAX_TITLE,
    SUBFOLDER,
)
from planner.consultations.services.links import _issue, link_secret, note_use, resolve, revoke_link, rotate_link
from planner.consultations.services.preparing import (
    add_document,
    add_meeting_delegates,
    add_people,
    create_consultation,
    delete_consultation,
    document_bytes,
    meeting_choices,
    open_document,
    people_choices,
    remove_document,
    remove_member,
    update_consultation,
)
from planner.consultations.services.reading import (
    Results,
    consultations_query,
    deadline_text,
    get_consultation,
    get_document,
    get_member,
    is_past_deadline,
    list_consultations,
    local,
    note_view,
    results,
    withheld,
    zone,
)
from planner.consultations.services.reminding import answered_when, due_reminders, mark_reminded, window_start

__all__ = [
    "DEFAULT_REMIND_HOURS",
    "FIELDS",
    "LINK_PREFIX",
    "LINK_PURPOSE",
    "LINK_USE_NOTE_EVERY",
    "MAX_MEMBERS",
    "MAX_OPINION",
    "MAX_QUESTION",
    "MAX_REMIND_HOURS",
    "MAX_TITLE",
    "OWNER",
    "RECORDS",
    "SUBFOLDER",
    "Answer",
    "Results",
    "_issue",
    "add_document",
    "add_meeting_delegates",
    "add_people",
    "answer",
    "answered_when",
    "close",
    "consultations_query",
    "create_consultation",
    "deadline_text",
    "delete_consultation",
    "document_bytes",
    "due_reminders",
    "get_consultation",
    "get_document",
    "get_member",
    "is_past_deadline",
    "link_secret",
    "list_consultations",
    "local",
    "mark_reminded",
    "meeting_choices",
    "note_use",
    "note_view",
    "open_document",
    "people_choices",
    "record_bytes",
    "record_version",
    "remove_document",
    "remove_member",
    "resolve",
    "results",
    "revoke_link",
    "rotate_link",
    "send",
    "update_consultation",
    "window_start",
    "withheld",
    "zone",
]
