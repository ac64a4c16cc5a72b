"""The downloads of elections, in the one exporter registry (scope "meeting"): ``ballots.pdf?election=ID``
(the print run of the election's current round, or ``&round=ID``), ``counting-minutes.pdf|.docx?round=ID``,
``election-report.pdf|.docx?election=ID`` and ``credentials-report.pdf|.docx``.

A signed document is served from its frozen bytes (documents/records.py); a draft is rendered as it stands
(marked DỰ THẢO). Versions are cheap: the rows' versions and signatures, and the document settings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import g, has_request_context, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from planner.core import exports
from planner.core.errors import NotFound
from planner.core.permissions import Permission
from planner.delegates.models import Participant, Person
from planner.documents import services as document_services
from planner.documents.render import official_docx, official_pdf, render_pdf
from planner.elections import documents, services
from planner.elections.models import Election, ElectionRound
from planner.extensions import db
from planner.meetings.models import Meeting

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _arg(name: str) -> str:
    value = request.args.get(name, "") if has_request_context() else ""
    if not value:
        raise NotFound(_("Name the election or the round of this file."))
    return value


def _election(meeting: Meeting) -> Election:
    memo = g.setdefault("election_exports", {})
    key = ("election", meeting.id, request.args.get("election", ""))
    if key not in memo:
        memo[key] = services.get_meeting_election(meeting, _arg("election"))
    return memo[key]


def _round(meeting: Meeting) -> ElectionRound:
    memo = g.setdefault("election_exports", {})
    key = ("round", meeting.id, request.args.get("round", ""), request.args.get("election", ""))
    if key not in memo:
        if request.args.get("round"):
            memo[key] = services.get_meeting_round(meeting, _arg("round"))
        else:
            election = _election(meeting)
            if not election.rounds:
                raise NotFound(_("This election has no round yet: start the first round to print its ballots."))
            memo[key] = election.rounds[-1]
    return memo[key]


def _settings_version(meeting: Meeting) -> str:
    org = meeting.organization
    current = document_services.settings(org)
    return f"m{meeting.version}:o{org.version}:s{current.version if current.id else 0}"


def _ballots(meeting: Meeting) -> bytes:
    return render_pdf("ballot.typ", documents.ballots_data(_round(meeting)), tagged=False)


def _ballots_version(meeting: Meeting) -> str:
    held = _round(meeting)
    return f"ballots:{held.public_id}:{held.version}:{held.election.version}:{_settings_version(meeting)}"


def _official(owner_type: str, kind: str, owner: Callable[[Meeting], Any],
              document: Callable[[Any], Any]) -> Callable[[str], Callable[[Meeting], bytes]]:
    """The builder, in a format, of an official document of the elections: once signed, its frozen bytes
    (documents/records.py); before, the draft rendered from ``document(owner(meeting))`` as it stands."""
    def in_format(fmt: str) -> Callable[[Meeting], bytes]:
        def build(meeting: Meeting) -> bytes:
            record = owner(meeting)
            kept = services.frozen(owner_type, record.public_id, kind, fmt)
            if kept is not None:
                return kept
            rendered = document(record)
            return official_pdf(rendered) if fmt == "pdf" else official_docx(
                rendered, document_services.letterhead(meeting.organization))
        return build
    return in_format


_counting = _official("election_round", "counting_minutes", _round, documents.counting_minutes)
_report = _official("election", "election_report", _election, documents.election_report)
_credentials = _official("meeting", "credentials_report", lambda meeting: meeting,
                         lambda meeting: documents.credentials_report(meeting, services.credentials_of(meeting),
                                                                      services.credentials_figures(meeting)))


def _counting_version(meeting: Meeting) -> str:
    held = _round(meeting)
    if held.minutes_signed_at is not None:
        return f"signed:{held.public_id}:{held.minutes_signed_at.isoformat()}"
    return f"draft:{held.public_id}:{held.version}:{len(held.corrections)}:{_settings_version(meeting)}"


def _report_version(meeting: Meeting) -> str:
    election = _election(meeting)
    if election.report_signed_at is not None:
        return f"signed:{election.public_id}:{election.report_signed_at.isoformat()}"
    rounds = ":".join(f"{r.public_id}.{r.version}" for r in election.rounds)
    return f"draft:{election.public_id}:{election.version}:{rounds}:{_settings_version(meeting)}"


def _credentials_version(meeting: Meeting) -> str:
    report = services.credentials_of(meeting)
    if report.signed_at is not None:
        return f"signed:{meeting.public_id}:{report.signed_at.isoformat()}"
    people = db.session.execute(
        select(func.count(Participant.id), func.max(Participant.updated_at), func.max(Person.updated_at))
        .join(Person, Person.id == Participant.person_id).where(Participant.meeting_id == meeting.id)).one()
    return f"draft:{report.version or 0}:{people[0]}:{people[1]}:{people[2]}:{_settings_version(meeting)}"


def _name(label: Any, extension: str) -> Any:
    def name(meeting: Meeting) -> str:
        return f"{label} - {meeting.title}"[:120] + f".{extension}"
    return name


def _pdf_and_word(name: str, title: Any, labels: tuple[Any, Any], build: Callable[[str], Callable[[Meeting], bytes]],
                  version: Callable[[Meeting], str]) -> tuple[exports.Exporter, exports.Exporter]:
    """An official document's two downloads: the PDF (shown in the browser) and the Word file."""
    return (
        exports.Exporter(name=f"{name}.pdf", media_type=PDF, build=build("pdf"), filename=_name(title, "pdf"),
                         version=version, label=labels[0], inline=True),
        exports.Exporter(name=f"{name}.docx", media_type=DOCX, build=build("docx"), filename=_name(title, "docx"),
                         version=version, label=labels[1]),
    )


EXPORTERS = (
    exports.Exporter(name="ballots.pdf", media_type=PDF, build=_ballots, filename=_name(_l("Ballots"), "pdf"),
                     version=_ballots_version, permission=Permission.organize, label=_l("Ballots (PDF)"),
                     inline=True),
    *_pdf_and_word("counting-minutes", _l("Counting minutes"),
                   (_l("Counting minutes (PDF)"), _l("Counting minutes (Word)")), _counting, _counting_version),
    *_pdf_and_word("election-report", _l("Election report"),
                   (_l("Election report (PDF)"), _l("Election report (Word)")), _report, _report_version),
    *_pdf_and_word("credentials-report", _l("Credentials report"),
                   (_l("Credentials report (PDF)"), _l("Credentials report (Word)")), _credentials,
                   _credentials_version),
)
