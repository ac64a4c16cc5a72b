"""The dossier of a meeting (hồ sơ hội nghị) for the archive: one ZIP with every document of the meeting and
its table of contents (mục lục hồ sơ) as PDF and JSON.

When. A meeting's dossier is built once the meeting is over — its status is closed or archived, or its
last day has passed — and its minutes are approved: before that the record is not final, and building
is refused with the reason. A classified meeting's dossier is built only by a user whose clearance admits
it; it carries the mark (on the contents' every page, in the ZIP's name and comment), and every build of
any dossier is written to the audit log.

What. The documents come from the one exporter registry (scope "meeting"), the same builders as their
own downloads: invitation letters, programme, delegate list, attendance sheet, minutes and conclusion
notice (PDF and Word); the programme's changelog is written here from the agenda's releases, in the
official layout; the submitted speech texts are copied from the storage as they were uploaded.

How. ``stream`` is a generator: each document is built, written to the ZIP and handed on (a few MB at
most held at once, never the whole ZIP), its SHA-256 and pages taken on the way; the contents, which
need them all, are written last. A big meeting's dossier is built by a job into a file cache instead
(building.py)."""

from __future__ import annotations

from planner.archive.services.building import JOB, build_file, cached, download, in_background, job_subject, version
from planner.archive.services.contents import (
    Part,
    Plan,
    attendance_counts,
    changelog_document,
    changelog_pdf,
    invitation_pdf,
    page_count,
    plan,
    slug,
)
from planner.archive.services.dossier import (
    Entry,
    build_bytes,
    contents_data,
    contents_document,
    contents_pdf,
    mark,
    start,
    write,
    zip_name,
)
from planner.archive.services.rules import ENDED, STORED_SUFFIXES, TOC_JSON, TOC_PDF, ended, ensure_allowed, refusal

__all__ = [
    "ENDED",
    "JOB",
    "STORED_SUFFIXES",
    "TOC_JSON",
    "TOC_PDF",
    "Entry",
    "Part",
    "Plan",
    "attendance_counts",
    "build_bytes",
    "build_file",
    "cached",
    "changelog_document",
    "changelog_pdf",
    "contents_data",
    "contents_document",
    "contents_pdf",
    "download",
    "ended",
    "ensure_allowed",
    "in_background",
    "invitation_pdf",
    "job_subject",
    "mark",
    "page_count",
    "plan",
    "refusal",
    "slug",
    "start",
    "version",
    "write",
    "zip_name",
]
