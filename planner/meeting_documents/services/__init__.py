"""The document pack of a meeting: the only code that changes it (checked, audited, in one unit of work).

Who sees a document is decided in ONE place, ``reach``: staff by their clearance over the document's
effective level (its own, its agenda item's, its meeting's: the highest); a delegate through their
personal link only when the office has sent the document, they are in its audience (everyone, their
delegation, or named), and nothing above "internal" is involved — a classified document (mật and above)
reaches them on paper only, as a numbered copy handed out against their signature (Nghị định 26/2020,
DOMAIN.md "Classified documents"). An unclassified document is served as uploaded; an internal one only
as a PDF stamped with the delegate's name and copy number on every page (documents.stamp), which is why
an internal document for delegates must be a PDF. Each opening through a link is a read receipt.

Sending rule (``due``, services.pack): the pack reaches the delegates at least N working days before the
meeting, N the organization's setting (3 by default). Quyết định 45/2018/QĐ-TTg of 09/11/2018, "Quy định chế
độ họp trong hoạt động quản lý, điều hành của cơ quan thuộc hệ thống hành chính nhà nước" (in force from
25/12/2018, replacing Quyết định 114/2006/QĐ-TTg), Điều 10: the meeting's documents go to those invited at
least 3 working days ahead, as its invitation does (Điều 8; cucthongke.laocai.gov.vn, "Chế độ họp trong hoạt
động quản lý, điều hành của cơ quan hành chính nhà nước", summarises the decision and its 3-working-day rule;
the article's own wording on documents is as DOMAIN.md reports it). Some bodies' rules ask 5: a setting.
Working days skip weekends and the organization's holidays (core.workdays).
"""

from __future__ import annotations

from planner.meeting_documents.services.access import (
    DEFAULT_MAX_BYTES,
    DOCUMENTS_LEAD_DAYS,
    MARKED_SUBFOLDER,
    MAX_TITLE,
    SUBFOLDER,
    Reach,
    Receipt,
    in_audience,
    level,
    marked,
    reach,
)
from planner.meeting_documents.services.changing import (
    add_version,
    check_version_of,
    create_document,
    delete_document,
    describe_fields,
    move,
    send_pack,
    update_document,
)
from planner.meeting_documents.services.checks import max_bytes
from planner.meeting_documents.services.copies import (
    changed_since_read,
    delegate_documents,
    mark_for,
    number_copies,
    open_for_delegate,
    paper_copies,
)
from planner.meeting_documents.services.pack import (
    classified_documents,
    due,
    handout_document,
    handout_stamp,
    late_packs,
    lead_days,
    pack_stamp,
    pack_status,
    pack_zip,
    titles_used,
    unsent_counts,
)
from planner.meeting_documents.services.reading import (
    _bytes,
    _options,
    get_document,
    get_meeting_document,
    list_documents,
    open_file,
    reads,
    receipts,
    version_of,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DOCUMENTS_LEAD_DAYS",
    "MARKED_SUBFOLDER",
    "MAX_TITLE",
    "SUBFOLDER",
    "Reach",
    "Receipt",
    "_bytes",
    "_options",
    "add_version",
    "changed_since_read",
    "check_version_of",
    "classified_documents",
    "create_document",
    "delegate_documents",
    "delete_document",
    "describe_fields",
    "due",
    "get_document",
    "get_meeting_document",
    "handout_document",
    "handout_stamp",
    "in_audience",
    "late_packs",
    "lead_days",
    "level",
    "list_documents",
    "mark_for",
    "marked",
    "max_bytes",
    "move",
    "number_copies",
    "open_file",
    "open_for_delegate",
    "pack_stamp",
    "pack_status",
    "pack_zip",
    "paper_copies",
    "reach",
    "reads",
    "receipts",
    "send_pack",
    "titles_used",
    "unsent_counts",
    "update_document",
    "version_of",
]
