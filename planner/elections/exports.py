"""The downloads of elections, in the one exporter registry (scope "meeting"): ``ballots.pdf?election=ID``
(the print run of the election's current round, or ``&round=ID``), ``counting-minutes.pdf|.docx?round=ID``,
``election-report.pdf|.docx?election=ID`` and ``credentials-report.pdf|.docx``.

A signed document is served from its frozen bytes (documents/records.py); a draft is rendered as it stands
(marked DỰ THẢO). Versions are cheap: the rows' versions and signatures, and the document settings.
"""

from __future__ import annotations

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


def _counting(fmt: str) -> Any:
    def build(meeting: Meeting) -> bytes:
        held = _round(meeting)
        kept = services.frozen("election_round", held.public_id, "counting_minutes", fmt)
        if kept is not None:
            return kept
        document = documents.counting_minutes(held)
        return official_pdf(document) if fmt == "pdf" else official_docx(
            document, document_services.letterhead(meeting.organization))
    return build


def _counting_version(meeting: Meeting) -> str:
    held = _round(meeting)
    if held.minutes_signed_at is not None:
        return f"signed:{held.public_id}:{held.minutes_signed_at.isoformat()}"
    return f"draft:{held.public_id}:{held.version}:{len(held.corrections)}:{_settings_version(meeting)}"


def _report(fmt: str) -> Any:
    def build(meeting: Meeting) -> bytes:
        election = _election(meeting)
        kept = services.frozen("election", election.public_id, "election_report", fmt)
        if kept is not None:
            return kept
        document = documents.election_report(election)
        return official_pdf(document) if fmt == "pdf" else official_docx(
            document, document_services.letterhead(meeting.organization))
    return build


def _report_version(meeting: Meeting) -> str:
    election = _election(meeting)
    if election.report_signed_at is not None:
        return f"signed:{election.public_id}:{election.report_signed_at.isoformat()}"
    rounds = ":".join(f"{r.public_id}.{r.version}" for r in election.rounds)
    return f"draft:{election.public_id}:{election.version}:{rounds}:{_settings_version(meeting)}"


def _credentials(fmt: str) -> Any:
    def build(meeting: Meeting) -> bytes:
        kept = services.frozen("meeting", meeting.public_id, "credentials_report", fmt)
        if kept is not None:
            return kept
        document = documents.credentials_report(meeting, services.credentials_of(meeting),
                                                services.credentials_figures(meeting))
        return official_pdf(document) if fmt == "pdf" else official_docx(
            document, document_services.letterhead(meeting.organization))
    return build


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


EXPORTERS = (
    exports.Exporter(name="ballots.pdf", media_type=PDF, build=_ballots, filename=_name(_l("Ballots"), "pdf"),
                     version=_ballots_version, permission=Permission.organize, label=_l("Ballots (PDF)"),
                     inline=True),
    exports.Exporter(name="counting-minutes.pdf", media_type=PDF, build=_counting("pdf"),
                     filename=_name(_l("Counting minutes"), "pdf"), version=_counting_version,
                     label=_l("Counting minutes (PDF)"), inline=True),
    exports.Exporter(name="counting-minutes.docx", media_type=DOCX, build=_counting("docx"),
                     filename=_name(_l("Counting minutes"), "docx"), version=_counting_version,
                     label=_l("Counting minutes (Word)")),
    exports.Exporter(name="election-report.pdf", media_type=PDF, build=_report("pdf"),
                     filename=_name(_l("Election report"), "pdf"), version=_report_version,
                     label=_l("Election report (PDF)"), inline=True),
    exports.Exporter(name="election-report.docx", media_type=DOCX, build=_report("docx"),
                     filename=_name(_l("Election report"), "docx"), version=_report_version,
                     label=_l("Election report (Word)")),
    exports.Exporter(name="credentials-report.pdf", media_type=PDF, build=_credentials("pdf"),
                     filename=_name(_l("Credentials report"), "pdf"), version=_credentials_version,
                     label=_l("Credentials report (PDF)"), inline=True),
    exports.Exporter(name="credentials-report.docx", media_type=DOCX, build=_credentials("docx"),
                     filename=_name(_l("Credentials report"), "docx"), version=_credentials_version,
                     label=_l("Credentials report (Word)")),
)
