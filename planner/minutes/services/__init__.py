"""Minutes and conclusion notices: the only code that writes them, their revisions and the invitation letter.

Rules kept here:
- "Generate draft" composes the sections from the meeting (compose.py); a document exists once per
  meeting and kind and edition; a correction after approval is a new edition linked to the old.
- Every save is a revision (author, time). A save carries the version its author read: a stale one is
  refused with both texts, and the refused text is kept as a ``conflict`` revision, so nothing is lost.
- Workflow draft → submitted → approved. Writing and submitting need ``take_minutes``; approving needs
  ``approve`` (administrators). Approval takes the next number from the database under a lock
  (documents.numbering) in the same transaction, and locks the text for good.
- The conclusion notice is due 5 working days after the meeting (weekends and the organization's
  public holidays skipped).
- Every view or download of a classified meeting's minutes is written to the audit log.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Iterable
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from planner.accounts.models import Organization, User
from planner.agenda import services as agenda_services
from planner.agenda.models import AgendaItem, AgendaItemStatus
from planner.core import audit, workdays
from planner.core.db import atomic, check_version, independent
from planner.core.errors import Conflict, Forbidden, NotFound, ValidationError
from planner.core.hooks import Hook
from planner.core.models import utcnow
from planner.core.permissions import Classification, Permission, clearance_of, visible_levels
from planner.core.text import clean_text, normalize
from planner.delegates import protocol
from planner.delegates import services as delegate_services
from planner.delegates.models import AttendanceStatus, Participant, ParticipantCategory, Rsvp
from planner.documents import numbering, records
from planner.documents import services as document_services
from planner.extensions import db
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting, MeetingKind, MeetingStatus
from planner.minutes import checks, compose
from planner.minutes.models import (
    STATUS_TRANSITIONS,
    InvitationLetter,
    InvitationMode,
    Minutes,
    MinutesKind,
    MinutesRevision,
    MinutesStatus,
)
from planner.speeches import services as speech_services
from planner.speeches.models import Speech

NOTICE_DUE_WORKING_DAYS = 5
# (meeting, user) -> the titles of the documents used at the meeting, which the minutes list ("tài liệu sử
# dụng", Hướng dẫn 16-HD/VPTW); meeting_documents fills it in its setup.
DOCUMENTS_USED = Hook("minutes.documents_used", "a meeting and its reader -> the titles of the documents used at it")
# The owner type of the frozen records of minutes and notices (documents.records); the owner is the row.
RECORD_OWNER = "minutes"
RECORD_FORMATS = ("pdf", "docx")
# Meetings that owe a conclusion notice; seminars and trainings conclude nothing to implement.
NOTICE_KINDS = frozenset({MeetingKind.conference, MeetingKind.meeting, MeetingKind.briefing, MeetingKind.congress})
# How far back the home page looks for notices still owed.
NOTICE_LOOKBACK = timedelta(days=90)
MAX_TEXT = 100_000
MAX_HEADING = 1_000
MAX_DECISIONS = 50
MAX_VOTES = 1_000_000
TEXT_FIELDS = {
    "text": ("heading", "text"),
    "item": ("heading", "text", "discussion", "conclusion"),
    "session": ("heading", "text"),
    "heading": ("heading",),
    "recipients": ("text",),
}
SIGNATURE_FIELDS = ("authority", "position", "name")
DEFAULT_RECIPIENTS = {
    "vi": {"minutes": [], "notice": ["- Các đồng chí dự hội nghị,", "- Các cơ quan, đơn vị liên quan,"],
           "invitation": ["- Như trên,"]},
    "en": {"minutes": [], "notice": ["- Participants of the meeting,", "- Units concerned,"],
           "invitation": ["- As above,"]},
}


# (meeting, items, language) -> {item public id: [decision dicts]}: the results of the votes held on the items,
# as the minutes record decisions (Quyết định 45/2018: the minutes carry vote results). votes fills it.
VOTE_RESULTS = Hook("minutes.vote_results", "agenda items -> the decisions of their closed votes, for the minutes")


class MinutesConflict(Conflict):
    """A save based on a stale version: both texts, and the number of the revision keeping the refused one."""

    def __init__(self, message: str, *, minutes: Minutes, yours: list[dict[str, Any]], revision: int,
                 keys: list[str]):
        super().__init__(message)
        self.minutes = minutes
        self.current = deepcopy(minutes.sections)
        self.current_version = minutes.version
        self.yours = yours
        self.revision = revision
        self.keys = keys

    def sections(self) -> list[dict[str, Any]]:
        """The sections in conflict: ``{key, current, yours}`` each."""
        current = {s["key"]: s for s in self.current}
        yours = {s["key"]: s for s in self.yours}
        return [{"key": key, "current": current.get(key), "yours": yours.get(key)} for key in self.keys]


# Reading --------------------------------------------------------------------------------------------

def _kind(kind: MinutesKind | str) -> MinutesKind:
    try:
        return MinutesKind(kind)
    except ValueError:
        raise NotFound(_("Not found.")) from None


def current(meeting: Meeting, kind: MinutesKind | str = MinutesKind.minutes) -> Minutes | None:
    """The current document of this kind (the latest edition), or None before its draft is generated."""
    return db.session.scalar(
        select(Minutes).where(Minutes.meeting_id == meeting.id, Minutes.kind == _kind(kind))
        .order_by(Minutes.edition.desc()).limit(1))


def ensure_readable(meeting: Meeting, user: User | None) -> None:
    """The minutes and the notice record every item of the meeting, so they are read only by a user
    cleared for all of them: a meeting holding an item classified above the user's clearance keeps its
    minutes from that user (the agenda merely leaves the item out)."""
    levels = visible_levels(clearance_of(user, meeting.organization_id))
    above = db.session.scalar(select(AgendaItem.id).where(
        AgendaItem.meeting_id == meeting.id, AgendaItem.classification.not_in(levels)).limit(1))
    if above is not None:
        raise Forbidden(_("The minutes of this meeting cover classified items above your clearance."))


def require_current(meeting: Meeting, kind: MinutesKind | str = MinutesKind.minutes) -> Minutes:
    minutes = current(meeting, kind)
    if minutes is None:
        if _kind(kind) is MinutesKind.notice:
            raise NotFound(_("The conclusion notice has not been drafted yet."))
        raise NotFound(_("The minutes have not been drafted yet."))
    return minutes


def editions(meeting: Meeting, kind: MinutesKind | str = MinutesKind.minutes) -> list[Minutes]:
    return list(db.session.scalars(
        select(Minutes).where(Minutes.meeting_id == meeting.id, Minutes.kind == _kind(kind))
        .order_by(Minutes.edition.desc())))


def zone(meeting: Meeting) -> ZoneInfo:
    return ZoneInfo(meeting.timezone)


def local_today(meeting: Meeting, now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(zone(meeting)).date()


def language_of(meeting: Meeting) -> str:
    return compose.lang(meeting.language)


def can_write(user: User | None, meeting: Meeting) -> bool:
    return user is not None and user.can(Permission.take_minutes, meeting.organization_id)


def can_approve(user: User | None, meeting: Meeting) -> bool:
    return user is not None and user.can(Permission.approve, meeting.organization_id)


# The facts of a meeting --------------------------------------------------------------------------------

def _person(participant: Participant) -> compose.Person:
    return compose.Person(name=participant.full_name, title=participant.title or participant.unit,
                          honorific=participant.honorific)


def _participants(meeting: Meeting) -> list[Participant]:
    """Everyone on the list in protocol order, with their attendance: three queries whatever the size."""
    query = (select(Participant).where(Participant.meeting_id == meeting.id)
             .options(delegate_services.attendance_loading(None))
             .order_by(*protocol.order_by(protocol.Order.protocol)))
    return list(db.session.scalars(query).unique())


def _speeches(meeting: Meeting) -> dict[int, list[Speech]]:
    """Who spoke, for the minutes and the programme: every speech of the meeting with its speaker, by
    agenda item id, in speaking order (one query): the speeches' read model."""
    return speech_services.speeches_by_item(meeting)


def speakers_by_item(meeting: Meeting) -> dict[str, list[str]]:
    """Who speaks on each item (public id -> names in speaking order), for the programme's last column."""
    public_ids = {item_id: public_id for item_id, public_id in db.session.execute(
        select(AgendaItem.id, AgendaItem.public_id).where(AgendaItem.meeting_id == meeting.id))}
    result: dict[str, list[str]] = {}
    for item_id, speeches in _speeches(meeting).items():
        for speech in speeches:
            if speech.status.value not in compose.WRITTEN_SPEECH_STATUSES:
                continue
            name = compose.person_text(_person(speech.participant), language_of(meeting), capital=True,
                                       with_title=False)
            if name not in result.setdefault(public_ids[item_id], []):
                result[public_ids[item_id]].append(name)
    return result


def _bounds(meeting: Meeting, items: list[AgendaItem]) -> tuple[datetime | None, datetime | None]:
    tz = zone(meeting)
    held = [i for i in items if i.status != AgendaItemStatus.cancelled and i.kind.value != "session"]
    start = min((i.starts_at for i in held), default=None)
    end = max((i.ends_at for i in held), default=None)
    starts_at = start.astimezone(tz) if start else (
        datetime.combine(meeting.starts_on, meeting.start_time, tz) if meeting.start_time else None)
    ends_at = end.astimezone(tz) if end else (
        datetime.combine(meeting.ends_on, meeting.end_time, tz) if meeting.end_time else None)
    return starts_at, ends_at


def attendance_facts(meeting: Meeting, participants: list[Participant]) -> tuple[int, int | None, str,
                                                                                 list[compose.Absentee]]:
    """(expected, present or None, the attendance paragraph, the absentees with their reasons).

    Expected: everyone invited who did not decline, staff excepted. Present: those checked in on any
    day of the meeting. Absent: the expected with an absence (or excuse) recorded and no presence.
    Without any check-in the paragraph names those expected, and the count is left to the secretary
    (absences excused in advance are still listed).
    """
    expected = [p for p in participants if p.rsvp != Rsvp.declined and p.category != ParticipantCategory.staff]
    language = language_of(meeting)
    present = [p for p in participants if any(a.status == AttendanceStatus.present for a in p.attendance)]
    absentees = []
    for p in expected:
        if any(a.status == AttendanceStatus.present for a in p.attendance):
            continue
        records = [a for a in p.attendance if a.status != AttendanceStatus.present]
        if not records:
            continue
        reason = next((a.reason for a in records if a.reason), "")
        excused = any(a.status == AttendanceStatus.excused for a in records)
        absentees.append(compose.Absentee(_person(p), reason=reason, excused=excused))
    if not present:  # nobody checked in (yet): name those expected, leave the count to the secretary
        return len(expected), None, protocol.attendance_paragraph(expected, language), absentees
    counted = [p for p in present if p.category != ParticipantCategory.staff]
    return len(expected), len([p for p in counted if p in expected]), \
        protocol.attendance_paragraph(counted, language), absentees


def presiding_people(meeting: Meeting, items: list[AgendaItem] | None = None) -> list[Participant]:
    """Who presided: the meeting's presiding persons or, when it names none, the chairs of its sessions (in the
    order of the sessions, each once)."""
    if meeting.presiding:
        return list(meeting.presiding)
    if items is None:
        items = list(db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                                        .order_by(AgendaItem.starts_at, AgendaItem.position)))
    chairs: list[Participant] = []
    for item in items:
        if item.kind.value == "session" and item.status != AgendaItemStatus.cancelled:
            chairs.extend(p for p in item.presiding if p not in chairs)
    return chairs


def meeting_facts(meeting: Meeting, user: User | None, kind: MinutesKind | str = MinutesKind.minutes
                  ) -> compose.MeetingFacts:
    """The plain facts the draft is written from: a fixed number of queries whatever the size."""
    kind = _kind(kind)
    org = meeting.organization
    current_settings = document_services.settings(org)
    language = language_of(meeting)
    items = agenda_services.list_items(meeting, user)
    speeches = _speeches(meeting)
    participants = _participants(meeting)
    expected, present, paragraph, absentees = attendance_facts(meeting, participants)
    tz = zone(meeting)
    parents = {i.id for i in items if i.kind.value == "session"}
    decisions: dict[str, list[dict[str, Any]]] = {}
    for source in VOTE_RESULTS:
        for key, found in source(meeting, items, language).items():
            decisions.setdefault(key, []).extend(found)
    item_facts = [
        compose.ItemFacts(
            id=item.public_id, title=item.title, kind=item.kind.value,
            starts_at=item.starts_at.astimezone(tz), ends_at=item.ends_at.astimezone(tz),
            presiding=[_person(p) for p in item.presiding],
            speeches=[compose.SpeechFacts(_person(s.participant), s.kind.value, s.title, s.summary, s.status.value)
                      for s in speeches.get(item.id, [])],
            is_session=item.kind.value == "session", in_session=item.parent_id in parents,
            cancelled=item.status == AgendaItemStatus.cancelled,
            decisions=decisions.get(item.public_id, []),
        )
        for item in items
    ]
    starts_at, ends_at = _bounds(meeting, items)
    presiding = [_person(p) for p in presiding_people(meeting, items)]
    secretaries = [_person(p) for p in meeting.secretaries]
    chosen: dict[str, dict[str, str]] = {}
    if kind is MinutesKind.minutes:  # the minute-taker signs on the left, the (first) presiding person on the right
        for side, people in zip(("left", "right"), (secretaries, presiding), strict=True):
            if people:
                chosen[side] = {"name": people[0].name}
    signatures = document_services.signers(org, kind.value, language, current_settings, chosen=chosen)
    recipients = document_services.recipients(org, kind.value, current_settings)
    if recipients is None:
        recipients = DEFAULT_RECIPIENTS[language][kind.value]
    # In sentences the superior body goes by its name, not by the capitals of the header.
    superior = org.parent_name or document_services.issuer_lines(org, current_settings)[0]
    return compose.MeetingFacts(
        title=meeting.title, kind=meeting.kind.value, language=language, profile=org.document_profile.value,
        venue=meeting.venue, city=meeting.city or org.city, starts_at=starts_at, ends_at=ends_at,
        first_day=meeting.starts_on, presiding=presiding, secretaries=secretaries, expected=expected,
        present=present, attendance=paragraph, absentees=absentees, items=item_facts, signatures=signatures,
        recipients=list(recipients), organizer=superior,
        documents=[title for source in DOCUMENTS_USED for title in source(meeting, user)],
        issuer=document_services.issuer_in_sentence(org, kind.value, current_settings),
        drafter=(current_settings.profile_overrides or {}).get("drafter_code", ""),
    )


def compose_sections(meeting: Meeting, user: User | None, kind: MinutesKind | str) -> list[dict[str, Any]]:
    kind = _kind(kind)
    facts = meeting_facts(meeting, user, kind)
    if kind is MinutesKind.notice:
        source = current(meeting, MinutesKind.minutes)
        return compose.notice_sections(facts, source.sections if source else None)
    return compose.minutes_sections(facts)


# Writing ------------------------------------------------------------------------------------------------

def _author(user: User | None) -> tuple[int | None, str]:
    return (user.id, user.name) if user is not None else (None, "cli")


def _next_revision_number(minutes: Minutes, session: Any = None) -> int:
    last = (session or db.session).scalar(select(func.max(MinutesRevision.number))
                                          .where(MinutesRevision.minutes_id == minutes.id))
    return (last or 0) + 1


def _add_revision(minutes: Minutes, sections: list[dict[str, Any]], *, user: User | None, kind: str,
                  based_on: int | None, note: str = "", session: Any = None) -> MinutesRevision:
    session = session or db.session
    author_id, label = _author(user)
    revision = MinutesRevision(minutes_id=minutes.id, number=_next_revision_number(minutes, session), kind=kind,
                               sections=deepcopy(sections), based_on_version=based_on, author_id=author_id,
                               author_label=label, note=note)
    session.add(revision)
    return revision


def _label(minutes: Minutes) -> str:
    return _("Conclusion notice") if minutes.kind is MinutesKind.notice else pgettext("document", "Minutes")


def _audit(minutes: Minutes, action: str, summary: str, changes: dict[str, Any] | None = None, *,
           session: Any = None) -> None:
    audit.record(session or db.session, organization_id=minutes.organization_id, meeting_id=minutes.meeting_id,
                 action=action, object_type=minutes.kind.value, object_id=minutes.public_id,
                 summary=summary, changes=changes)


def _version(value: Any) -> int:
    if value in (None, ""):
        raise ValidationError(_("Send the version you read (field 'version')."), field="version")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("The version must be a whole number."), field="version") from None


def _ensure_writer(user: User | None, meeting: Meeting) -> None:
    if not can_write(user, meeting):
        raise Forbidden(_("Only secretaries, organizers and administrators may write the minutes."))


def _ensure_meeting_open(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.archived:
        raise Conflict(_("This meeting is archived; its documents can no longer be changed."))


def generate(meeting: Meeting, kind: MinutesKind | str = MinutesKind.minutes, *, user: User | None,
             version: Any = None) -> Minutes:
    """Compose the draft from the meeting. A draft that exists is composed anew only when the caller
    sends its version (its text so far stays in the revisions); an approved one is never replaced."""
    kind = _kind(kind)
    _ensure_writer(user, meeting)
    _ensure_meeting_open(meeting)
    existing = current(meeting, kind)
    sections = compose_sections(meeting, user, kind)
    if existing is not None:
        if existing.status is not MinutesStatus.draft:
            raise Conflict(_("This document has been submitted or approved; it cannot be generated again."))
        if version in (None, ""):
            raise Conflict(_("The draft exists already. To compose it anew from the meeting, send its version; "
                             "the current text stays in the revisions."))
        if _version(version) != existing.version:
            raise Conflict(_("Someone else has saved the draft meanwhile. Reload it before composing it anew."))
        with _stale_is_conflict():
            existing.sections = sections
            _add_revision(existing, sections, user=user, kind="generated", based_on=existing.version,
                          note=_("Composed anew from the meeting"))
            _audit(existing, f"{kind.value}.regenerated", meeting.title)
        return existing
    author_id, _label_text = _author(user)
    with _stale_is_conflict():
        minutes = Minutes(organization_id=meeting.organization_id, meeting_id=meeting.id, kind=kind, edition=1,
                          status=MinutesStatus.draft, sections=sections, created_by_id=author_id)
        db.session.add(minutes)
        with atomic(clash=Conflict(_("Someone else has just generated this draft. Reload the page."))):
            db.session.flush()
        _add_revision(minutes, sections, user=user, kind="generated", based_on=None,
                      note=_("Generated from the meeting"))
        _audit(minutes, f"{kind.value}.generated", meeting.title)
    return minutes


def _stale_is_conflict() -> Any:
    """The block's changes are committed at its end; a concurrent change (stale version, a row taken
    meanwhile) rolls them back and becomes a Conflict."""
    stale = _("Someone else has changed this document meanwhile. Reload it and try again.")
    return atomic(stale, clash=Conflict(stale))


def _text(value: Any, limit: int, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(_("Expected text in %(name)s.", name=name), field=name)
    text = clean_text(value, multiline=True)
    if len(text) > limit:
        raise ValidationError(_("The text is too long (at most %(n)d characters).", n=limit), field=name)
    return text


def _vote(value: Any, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Votes are whole numbers (or left empty)."), field=name) from None
    if number < 0 or number > MAX_VOTES:
        raise ValidationError(_("Votes are whole numbers (or left empty)."), field=name)
    return number


def _percent(value: Any, name: str) -> float | None:
    """The share of the base that voted for, 0 to 100 (two decimals), or none."""
    if value in (None, ""):
        return None
    try:
        number = float(str(value).replace(",", ".")) if not isinstance(value, bool) else -1.0
    except (TypeError, ValueError):
        number = -1.0
    if not 0 <= number <= 100:
        raise ValidationError(_("The percentage is a number from 0 to 100 (or left empty)."), field=name)
    return round(number, 2)


MAX_COPIES = 999


def _code(value: Any, name: str) -> str:
    """The drafter's code (ký hiệu người soạn thảo): a short code without spaces, e.g. P1, TH."""
    text = _text(value, 32, name)
    if text and not all(ch.isalnum() or ch in ".-" for ch in text):
        raise ValidationError(_("A code is letters and digits, without spaces (e.g. TU, VPTU, P1)."), field=name)
    return text


def _copies(value: Any, name: str) -> int | None:
    """The number of copies issued (số lượng bản phát hành), 1 to 999, or none."""
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("The number of copies is a whole number from 1 to 999."), field=name) from None
    if not 1 <= number <= MAX_COPIES:
        raise ValidationError(_("The number of copies is a whole number from 1 to 999."), field=name)
    return number


def _decisions(value: Any, key: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_DECISIONS:
        raise ValidationError(_("Decisions are a list of at most %(n)d entries.", n=MAX_DECISIONS),
                              field=f"{key}.decisions")
    clean = []
    for entry in value:
        if not isinstance(entry, dict):
            raise ValidationError(_("Each decision has a text and optional votes."), field=f"{key}.decisions")
        decision = {"text": _text(entry.get("text"), MAX_TEXT, f"{key}.decisions"),
                    **{k: _vote(entry.get(k), f"{key}.decisions") for k in ("for", "against", "abstain")}}
        share = _percent(entry.get("percent"), f"{key}.decisions")
        if share is not None:
            decision["percent"] = share
        if decision["text"] or any(decision[k] is not None for k in ("for", "against", "abstain")):
            clean.append(decision)
    return clean


def apply_changes(sections: list[dict[str, Any]], changes: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The sections with the changes applied (validated). Only known sections and fields are accepted."""
    result = deepcopy(sections)
    by_key = {s["key"]: s for s in result}
    for key, fields in changes.items():
        section = by_key.get(key)
        if section is None:
            raise ValidationError(_("This section does not exist (any more): %(key)s", key=key), field=key)
        if not isinstance(fields, dict):
            raise ValidationError(_("Expected the fields of section %(key)s.", key=key), field=key)
        kind = section.get("kind")
        if kind == "signatures":
            for side in ("left", "right"):
                if side in fields:
                    line = fields[side] or {}
                    if not isinstance(line, dict):
                        raise ValidationError(_("Expected the fields of section %(key)s.", key=key), field=key)
                    section[side] = {f: _text(line.get(f, section.get(side, {}).get(f, "")), 255, f"{key}.{side}")
                                     for f in SIGNATURE_FIELDS}
            if "signer_id" in fields:
                section["signer_id"] = _text(fields["signer_id"], 64, f"{key}.signer_id") or None
            unknown = set(fields) - {"left", "right", "key", "kind", "signer_id"}
        else:
            allowed = TEXT_FIELDS.get(kind, ())
            for name in allowed:
                if name in fields:
                    limit = MAX_HEADING if name == "heading" else MAX_TEXT
                    section[name] = _text(fields[name], limit, f"{key}.{name}")
            if kind == "item" and "decisions" in fields:
                section["decisions"] = _decisions(fields["decisions"], key)
            extra = {"decisions"} if kind == "item" else set()
            if kind == "recipients":
                extra = {"drafter", "copies"}
                if "drafter" in fields:
                    section["drafter"] = _code(fields["drafter"], f"{key}.drafter")
                if "copies" in fields:
                    section["copies"] = _copies(fields["copies"], f"{key}.copies")
            unknown = set(fields) - set(allowed) - {"key", "kind"} - extra
        if unknown:
            raise ValidationError(_("Unknown field in section %(key)s: %(names)s", key=key,
                                    names=", ".join(sorted(unknown))), field=key)
    return result


def changed_keys(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[str]:
    old = {s["key"]: s for s in before}
    return [s["key"] for s in after if old.get(s["key"]) != s]


def ensure_editable(minutes: Minutes) -> None:
    if minutes.status is MinutesStatus.approved:
        raise Conflict(_("These minutes are approved and locked. A correction is made as a new document "
                         "linked to them."))
    if minutes.status is MinutesStatus.submitted:
        raise Conflict(_("This document is submitted for approval. Return it to draft to change it."))


def save(minutes: Minutes, changes: dict[str, dict[str, Any]] | list[dict[str, Any]], *, user: User | None,
         version: Any, note: str = "") -> Minutes:
    """Save the changed sections as a new revision; a stale version keeps the text and raises MinutesConflict."""
    meeting = minutes.meeting
    _ensure_writer(user, meeting)
    _ensure_meeting_open(meeting)
    read = _version(version)
    if isinstance(changes, list):
        changes = {str(s.get("key")): {k: v for k, v in s.items() if k != "key"} for s in changes
                   if isinstance(s, dict)}
    if not isinstance(changes, dict):
        raise ValidationError(_("Expected the sections to save."), field="sections")
    ensure_editable(minutes)
    if read != minutes.version:
        _conflict(minutes, changes, user=user, read=read)
    sections = apply_changes(minutes.sections, changes)
    keys = changed_keys(minutes.sections, sections)
    if not keys:
        return minutes
    try:  # a concurrent save shows up at the first flush (the UPDATE … WHERE version matches no row)
        with _stale_is_conflict():
            minutes.sections = sections
            _add_revision(minutes, sections, user=user, kind="saved", based_on=read, note=normalize(note)[:500])
            _audit(minutes, f"{minutes.kind.value}.saved", meeting.title, {"sections": [None, keys]})
    except Conflict:  # rolled back: the text is kept as a conflict revision instead
        _conflict(minutes, changes, user=user, read=read)
    return minutes


def _conflict(minutes: Minutes, changes: dict[str, dict[str, Any]], *, user: User | None, read: int) -> None:
    """Keep the refused text as a conflict revision and raise with both texts. The revision is kept in a unit
    of its own: the refusal rolls the request back, the text the user wrote must not go with it."""
    db.session.refresh(minutes)
    yours = apply_changes(minutes.sections, changes)
    keys = changed_keys(minutes.sections, yours) or list(changes)
    for _attempt in range(5):
        try:
            with independent() as session:
                # The minutes row is locked while the next revision number is taken (PostgreSQL; SQLite has one
                # writer anyway), so concurrent savers queue instead of colliding on the number.
                session.execute(select(Minutes.id).where(Minutes.id == minutes.id).with_for_update())
                revision = _add_revision(minutes, yours, user=user, kind="conflict", based_on=read, session=session,
                                         note=_("Not applied: saved from version %(v)d while the document was at "
                                                "%(w)d", v=read, w=minutes.version))
                _audit(minutes, f"{minutes.kind.value}.conflict", minutes.meeting.title,
                       {"sections": [None, keys], "based_on_version": [None, read]}, session=session)
            break
        except IntegrityError:  # a revision number taken meanwhile (SQLite): take the next one
            db.session.refresh(minutes)
    else:
        raise Conflict(_("Someone else has changed this document meanwhile. Reload it and try again."))
    author = _last_author(minutes)
    raise MinutesConflict(
        _("%(who)s saved this document while you were editing it. Your text has not replaced theirs; both are "
          "shown below, and yours is kept as revision %(n)d. Merge them and save again.", who=author,
          n=revision.number),
        minutes=minutes, yours=yours, revision=revision.number, keys=keys)


def _last_author(minutes: Minutes) -> str:
    label = db.session.scalar(
        select(MinutesRevision.author_label).where(MinutesRevision.minutes_id == minutes.id,
                                                   MinutesRevision.kind != "conflict")
        .order_by(MinutesRevision.number.desc()).limit(1))
    return label or _("Someone else")


# Before approval: the clerk's check -------------------------------------------------------------------------

def check_context(minutes: Minutes, *, today: date | None = None) -> checks.CheckContext:
    """The facts the clerk's checks read: a fixed number of queries whatever the size of the meeting."""
    meeting = minutes.meeting
    items = list(db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                                    .order_by(AgendaItem.starts_at, AgendaItem.position)))
    participants = _participants(meeting)
    _expected, present, _paragraph, _absentees = attendance_facts(meeting, participants)
    absent: dict[int, str] = {}
    without_reason: list[str] = []
    for p in participants:
        records = p.attendance
        if not records or any(a.status == AttendanceStatus.present for a in records):
            continue
        absent[p.id] = p.full_name
        if p.category != ParticipantCategory.staff and not any(a.reason for a in records) \
                and not any(a.status == AttendanceStatus.excused for a in records):
            without_reason.append(p.full_name)
    titles = {item.id: (f"item:{item.public_id}", item.title) for item in items}
    speeches = [checks.SpeechFact(item_key=titles[s.agenda_item_id][0], item_title=titles[s.agenda_item_id][1],
                                  speaker=s.participant.full_name, participant_id=s.participant_id,
                                  status=s.status.value)
                for rows in _speeches(meeting).values() for s in rows if s.agenda_item_id in titles]
    sessions = [i for i in items if i.kind.value == "session" and i.status != AgendaItemStatus.cancelled]
    recipients = next((s for s in minutes.sections or [] if s.get("kind") == "recipients"), {})
    extra = {
        "signer_problems": document_services.signer_problems(minutes.kind.value,
                                                             signature_section_lines(minutes.sections)),
        "classified_problems": document_services.classified_problems(recipients.get("drafter"),
                                                                     recipients.get("copies"))
        if Classification(meeting.classification).is_classified else [],
    }
    return checks.CheckContext(
        kind=minutes.kind.value, meeting_kind=meeting.kind.value, sections=minutes.sections or [],
        today=today or local_today(meeting), starts_on=meeting.starts_on, ends_on=meeting.ends_on,
        presiding=[p.full_name for p in meeting.presiding],
        session_chairs=[p.full_name for i in sessions for p in i.presiding],
        secretaries=[p.full_name for p in meeting.secretaries], present=present, absent=absent,
        absent_without_reason=without_reason, speeches=speeches,
        item_kinds={f"item:{i.public_id}": i.kind.value for i in items},
        needs_conclusion=meeting.kind in NOTICE_KINDS, extra=extra, minutes=minutes)


def approval_findings(minutes: Minutes, *, today: date | None = None) -> list[checks.Finding]:
    """What the clerk's check finds in this document now: what blocks approval, and warnings."""
    return checks.run(check_context(minutes, today=today))


def ensure_approvable(minutes: Minutes, *, today: date | None = None) -> list[checks.Finding]:
    """Refuse approval with every missing element named (ValidationError, errors [{check, detail, section}]);
    answer the warnings the clerk accepts by approving."""
    findings = approval_findings(minutes, today=today)
    missing = checks.blocking(findings)
    if missing:
        raise ValidationError(
            _("This document cannot be approved yet: %(what)s", what=" ".join(f.message for f in missing)),
            field="status", errors=[f.as_data() for f in missing])
    return findings


# Workflow ---------------------------------------------------------------------------------------------------

def set_status(minutes: Minutes, target: Any, *, user: User | None, version: Any,
               at: datetime | None = None) -> Minutes:
    """Move the document along its workflow. ``at`` is the moment of the change (default now; a time zone is
    required): an approval recorded afterwards (the demo's past, a record entered late) carries its own day in the
    approval time, the number's year and the frozen documents' date line."""
    meeting = minutes.meeting
    if at is not None and (at.tzinfo is None or at > utcnow()):
        raise ValidationError(_("The moment of approval must be a past time with its time zone."), field="at")
    try:
        target = MinutesStatus(target)
    except ValueError:
        raise ValidationError(_("Unknown status."), field="status") from None
    read = _version(version)
    if target is minutes.status:
        return minutes
    if target not in STATUS_TRANSITIONS[minutes.status]:
        if minutes.status is MinutesStatus.approved:
            raise Conflict(_("These minutes are approved and locked. A correction is made as a new document "
                             "linked to them."))
        raise Conflict(_("This change of status is not possible."))
    if target is MinutesStatus.approved:
        if not can_approve(user, meeting):
            raise Forbidden(_("Only an approver (administrator) may approve documents."))
    else:
        _ensure_writer(user, meeting)
    _ensure_meeting_open(meeting)
    if target is MinutesStatus.approved and read == minutes.version:
        ensure_approvable(minutes, today=local_today(meeting, at) if at is not None else None)
    check_version(minutes, read, _("Someone else has changed this document meanwhile. Reload it and try again."))
    before = minutes.status
    now = at.astimezone(UTC) if at is not None else utcnow()
    # The number is taken, the record rendered and frozen and the row updated in one block: a stale approval
    # or a failed rendering approves nothing and spends no number (it is given back with the rest).
    with _stale_is_conflict():
        if target is MinutesStatus.approved:
            _approve(minutes, user, now)
        elif target is MinutesStatus.submitted:
            minutes.submitted_at, minutes.submitted_by_id = now, user.id if user else None
        minutes.status = target
        changes = {"status": [before.value, target.value]}
        if minutes.number:
            changes["number"] = [None, minutes.number]
        if target is MinutesStatus.approved:
            changes.update({f"{fmt}_sha256": [None, sha] for fmt, sha in _freeze(minutes, user).items()})
        _audit(minutes, f"{minutes.kind.value}.{target.value}", meeting.title, changes)
    return minutes


def _freeze(minutes: Minutes, user: User | None) -> dict[str, str]:
    """Render the approved document once as PDF and DOCX and keep those bytes as its record (documents.records);
    their SHA-256 go on the row. From then on every download, the dossier and the API serve these bytes, whatever
    the profile, names, codes, letterhead, templates or code become."""
    from planner.minutes import documents as minute_documents  # the renderer's data builds on this module

    digests = {}
    for fmt, data in minute_documents.render_record(minutes).items():
        record = records.freeze(data, organization_id=minutes.organization_id, kind=minutes.kind.value,
                                owner_type=RECORD_OWNER, owner_id=minutes.public_id, fmt=fmt,
                                meeting_id=minutes.meeting_id, created_by_id=user.id if user else None)
        setattr(minutes, f"{fmt}_sha256", record.sha256)
        digests[fmt] = record.sha256
    return digests


def record_bytes(minutes: Minutes, fmt: str) -> bytes:
    """The approved document's bytes as frozen at approval, checked against their SHA-256.

    A document approved before records were kept has none: it is frozen at its first reading, once (audited),
    and served unchanged from then on.
    """
    if fmt not in RECORD_FORMATS:
        raise NotFound(_("Not found."))
    if minutes.status is not MinutesStatus.approved:
        raise Conflict(_("Only an approved document has a record; a draft is rendered as it stands."))
    record = records.find(RECORD_OWNER, minutes.public_id, minutes.kind.value, fmt)
    if record is None:
        try:
            with atomic():
                digests = _freeze(minutes, None)
                _audit(minutes, f"{minutes.kind.value}.frozen", minutes.meeting.title,
                       {f"{name}_sha256": [None, sha] for name, sha in digests.items()})
        except Conflict:
            pass  # frozen meanwhile by another reader (rolled back): theirs is the record
        record = records.find(RECORD_OWNER, minutes.public_id, minutes.kind.value, fmt)
        if record is None:
            raise Conflict(_("Someone else has changed this document meanwhile. Reload it and try again."))
    return records.open_frozen(record)


def approved_edition(meeting: Meeting, kind: MinutesKind | str, edition: Any) -> Minutes:
    """An approved edition of the minutes or notice (the current one or one a correction replaced)."""
    try:
        number = int(edition)
    except (TypeError, ValueError):
        raise NotFound(_("Not found.")) from None
    found = db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id, Minutes.kind == _kind(kind),
                                                    Minutes.edition == number))
    if found is None or found.status is not MinutesStatus.approved:
        raise NotFound(_("No approved document of this edition."))
    return found


def _approve(minutes: Minutes, user: User | None, now: datetime) -> None:
    meeting = minutes.meeting
    org = meeting.organization
    current_settings = document_services.settings(org)
    issuer = document_services.issuing_body(org, minutes.kind.value, current_settings, language_of(meeting))
    if not issuer.code:
        if issuer.body == "own":
            raise ValidationError(_("The organization has no body code (ký hiệu cơ quan) yet; an administrator sets "
                                    "it in the organization settings before documents are numbered."),
                                  field="body_code")
        raise ValidationError(" ".join(document_services.issuer_problems(org, minutes.kind.value, current_settings)),
                              field="body_code")
    document_services.require_signer(org, minutes.kind.value, language_of(meeting), current_settings,
                                     lines=signature_section_lines(minutes.sections))
    if Classification(meeting.classification).is_classified:
        recipients = next((s for s in minutes.sections or [] if s.get("kind") == "recipients"), {})
        problems = document_services.classified_problems(recipients.get("drafter"), recipients.get("copies"))
        if problems:
            raise ValidationError(" ".join(problems), field="copies")
    today = local_today(meeting, now)
    if minutes.kind is MinutesKind.minutes:
        minutes.document_date = minutes.document_date or meeting.ends_on
    else:
        minutes.document_date = today
    assigned = numbering.assign_number(
        organization_id=org.id, profile=document_services.profile(org, current_settings), issuer=issuer,
        document_type=minutes.kind.value, on=minutes.document_date, object_type=minutes.kind.value,
        object_id=minutes.public_id, language=language_of(meeting), meeting_id=meeting.id,
        congress_meeting_public_id=meeting.public_id if meeting.kind == MeetingKind.congress else None,
        issued_by_id=user.id if user else None)
    minutes.number = assigned.formatted
    minutes.approved_at = now
    minutes.approved_by_id = user.id if user else None


def signature_section(sections: list[dict[str, Any]]) -> dict[str, Any]:
    return next((s for s in sections or [] if s.get("kind") == "signatures"), {})


def signature_section_lines(sections: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """The signature lines the document's text carries (its ``signatures`` section)."""
    section = signature_section(sections)
    return {side: dict(section.get(side) or {}) for side in ("left", "right") if section.get(side)}


def correct(minutes: Minutes, *, user: User | None) -> Minutes:
    """A correction of approved minutes: a new draft edition linked to them, starting from their text."""
    meeting = minutes.meeting
    _ensure_writer(user, meeting)
    _ensure_meeting_open(meeting)
    if minutes.status is not MinutesStatus.approved:
        raise Conflict(_("Only an approved document is corrected by a new one; a draft is simply edited."))
    latest = current(meeting, minutes.kind)
    if latest is not None and latest.id != minutes.id:
        raise Conflict(_("A correction of this document exists already."))
    author_id, _label_text = _author(user)
    with _stale_is_conflict():
        correction = Minutes(organization_id=minutes.organization_id, meeting_id=meeting.id, kind=minutes.kind,
                             edition=minutes.edition + 1, corrects_id=minutes.id, status=MinutesStatus.draft,
                             sections=deepcopy(minutes.sections), created_by_id=author_id)
        db.session.add(correction)
        with atomic(clash=Conflict(_("A correction of this document exists already."))):
            db.session.flush()
        _add_revision(correction, correction.sections, user=user, kind="generated", based_on=None,
                      note=_("Correction of %(number)s", number=minutes.number or ""))
        _audit(correction, f"{minutes.kind.value}.correction_started", meeting.title,
               {"corrects": [None, minutes.number]})
    return correction


def signer_choices(meeting: Meeting) -> list[Participant]:
    """Who may sign the minutes on the right: the meeting's presiding persons (one of several co-chairs)."""
    return list(meeting.presiding)


def choose_signer(minutes: Minutes, participant_id: Any, *, user: User | None, version: Any) -> Minutes:
    """Which of the presiding persons signs the minutes (right): their name under the presiding line, saved
    as a revision like any change of the text."""
    meeting = minutes.meeting
    if minutes.kind is not MinutesKind.minutes:
        raise ValidationError(_("Only the minutes are signed by a presiding person."), field="signer_id")
    chosen = next((p for p in signer_choices(meeting) if p.public_id == str(participant_id or "")), None)
    if chosen is None:
        raise ValidationError(_("Choose one of the persons presiding the meeting."), field="signer_id")
    section = signature_section(minutes.sections)
    if not section:
        raise ValidationError(_("This document has no signatures section."), field="signer_id")
    right = {f: (section.get("right") or {}).get(f, "") for f in SIGNATURE_FIELDS}
    right["name"] = chosen.full_name
    return save(minutes, {section["key"]: {"right": right, "signer_id": chosen.public_id}}, user=user,
                version=version, note=_("Signed by %(name)s", name=chosen.full_name))


# Revisions --------------------------------------------------------------------------------------------------

def revisions(minutes: Minutes) -> list[MinutesRevision]:
    return list(db.session.scalars(select(MinutesRevision).where(MinutesRevision.minutes_id == minutes.id)
                                   .order_by(MinutesRevision.number.desc())))


def revision(minutes: Minutes, number: Any) -> MinutesRevision:
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise NotFound(_("No such revision.")) from None
    found = db.session.scalar(select(MinutesRevision).where(MinutesRevision.minutes_id == minutes.id,
                                                            MinutesRevision.number == number))
    if found is None:
        raise NotFound(_("No such revision."))
    return found


@dataclass
class SectionDiff:
    key: str
    heading: str
    changed: bool
    # (op, text) pieces: op is "same", "added" or "removed"; words of the older and newer text.
    pieces: list[tuple[str, str]] = field(default_factory=list)


def section_text(section: dict[str, Any] | None) -> str:
    """A section as one text, for comparing and for showing conflicts."""
    if not section:
        return ""
    kind = section.get("kind")
    if kind == "signatures":
        return "\n".join(" / ".join(section.get(side, {}).get(f, "") for f in SIGNATURE_FIELDS)
                         for side in ("left", "right"))
    parts = [section.get("heading", "")] + [section.get(name, "") for name in ("text", "discussion", "conclusion")]
    parts += compose.decision_lines(section.get("decisions") or [], "vi")
    return "\n".join(p for p in parts if p)


def diff_words(old: str, new: str) -> list[tuple[str, str]]:
    a, b = old.split(" "), new.split(" ")
    pieces: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("same", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("removed", " ".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("added", " ".join(b[j1:j2])))
    return pieces


def compare(older: list[dict[str, Any]], newer: list[dict[str, Any]]) -> list[SectionDiff]:
    """Section by section, word by word: what the newer text removed and added."""
    old = {s["key"]: s for s in older}
    new = {s["key"]: s for s in newer}
    keys = [s["key"] for s in newer] + [k for k in old if k not in new]
    result = []
    for key in keys:
        a, b = section_text(old.get(key)), section_text(new.get(key))
        heading = (new.get(key) or old.get(key) or {}).get("heading") or key
        result.append(SectionDiff(key, heading, a != b, diff_words(a, b) if a != b else [("same", b)]))
    return result


def diff_html(pieces: Iterable[tuple[str, str]]) -> str:
    """The pieces as HTML with <ins> and <del> (escaped text; newlines kept by the page's CSS)."""
    out = []
    for op, text in pieces:
        escaped = html.escape(text)
        out.append(f"<ins>{escaped}</ins>" if op == "added" else f"<del>{escaped}</del>" if op == "removed"
                   else escaped)
    return " ".join(out)


def restore(minutes: Minutes, number: Any, *, user: User | None, version: Any) -> Minutes:
    """Make an earlier revision (a conflict one too) the current text, as a new revision."""
    meeting = minutes.meeting
    _ensure_writer(user, meeting)
    _ensure_meeting_open(meeting)
    ensure_editable(minutes)
    old = revision(minutes, number)
    if _version(version) != minutes.version:
        raise Conflict(_("Someone else has changed this document meanwhile. Reload it and try again."))
    keys = changed_keys(minutes.sections, old.sections)
    if not keys:
        return minutes
    with _stale_is_conflict():
        based_on = minutes.version
        minutes.sections = deepcopy(old.sections)
        _add_revision(minutes, old.sections, user=user, kind="restored", based_on=based_on,
                      note=_("Restored from revision %(n)d", n=old.number))
        _audit(minutes, f"{minutes.kind.value}.restored", meeting.title, {"revision": [None, old.number]})
    return minutes


# Deadlines ---------------------------------------------------------------------------------------------------

def notice_due(meeting: Meeting, holidays: Iterable[date] | None = None) -> date:
    """5 working days after the meeting's last day (weekends and public holidays skipped)."""
    days = holidays if holidays is not None else document_services.holidays(meeting.organization)
    return workdays.add_working_days(meeting.ends_on, NOTICE_DUE_WORKING_DAYS, days)


def owes_notice(meeting: Meeting) -> bool:
    return meeting.kind in NOTICE_KINDS and not meeting.recurrence


@dataclass
class NoticeDue:
    meeting: Meeting
    due: date
    overdue: bool
    drafted: bool
    days_left: int


def notices_due(org: Organization, user: User | None, *, today: date | None = None,
                soon: int = 2) -> list[NoticeDue]:
    """Conclusion notices owed for meetings that took place: overdue ones, and those due within ``soon`` working
    days. Two queries whatever the number of meetings."""
    today = today or datetime.now(UTC).astimezone(ZoneInfo(org.timezone)).date()
    approved = exists().where(Minutes.meeting_id == Meeting.id, Minutes.kind == MinutesKind.notice,
                              Minutes.status == MinutesStatus.approved)
    drafted = select(Minutes.meeting_id).where(Minutes.kind == MinutesKind.notice).scalar_subquery()
    query = (meeting_services.meetings_query(org, user)
             .where(Meeting.ends_on <= today, Meeting.ends_on >= today - NOTICE_LOOKBACK,
                    Meeting.kind.in_([k.value for k in NOTICE_KINDS]), Meeting.recurrence.is_(None),
                    Meeting.status.in_([MeetingStatus.published, MeetingStatus.in_progress, MeetingStatus.closed]),
                    ~approved)
             .add_columns(Meeting.id.in_(drafted))
             .order_by(Meeting.ends_on, Meeting.id))
    holidays = document_services.holidays(org)
    result = []
    for meeting, has_draft in db.session.execute(query):
        due = workdays.add_working_days(meeting.ends_on, NOTICE_DUE_WORKING_DAYS, holidays)
        left = workdays.working_days_between(today, due, holidays)
        if left <= soon:
            result.append(NoticeDue(meeting, due, due < today, bool(has_draft), left))
    return result


# The invitation letter ------------------------------------------------------------------------------------------

INVITATION_FIELDS = ("mode", "addressee", "content", "preparation", "contact", "contact_phone")


def invitation_letter(meeting: Meeting) -> InvitationLetter:
    letter = db.session.scalar(select(InvitationLetter).where(InvitationLetter.meeting_id == meeting.id))
    return letter or InvitationLetter(meeting_id=meeting.id, mode=InvitationMode.each, addressee="", content="",
                                      preparation="", contact="", contact_phone="")


def save_invitation_letter(meeting: Meeting, data: dict[str, Any], *, user: User | None,
                           version: Any = None) -> InvitationLetter:
    if user is None or not user.can(Permission.organize, meeting.organization_id):
        raise Forbidden(_("Only organizers and administrators may write the invitation letter."))
    _ensure_meeting_open(meeting)
    letter = invitation_letter(meeting)
    if letter.id is not None and version not in (None, "") and _version(version) != letter.version:
        raise Conflict(_("Someone else has changed the invitation letter meanwhile. Reload it and try again."))
    before = {k: getattr(letter, k) for k in INVITATION_FIELDS}
    clean: dict[str, Any] = {}
    for key in INVITATION_FIELDS:
        if key not in data:
            continue
        if key == "mode":
            try:
                clean[key] = InvitationMode(data[key] or InvitationMode.each)
            except ValueError:
                raise ValidationError(_("Choose one letter per participant or one for all."), field="mode") from None
        elif key == "contact_phone":
            clean[key] = _phone(data[key])
        else:
            clean[key] = _text(data[key], 5_000, key)
    changes = audit.diff(before, {**before, **clean})
    if not changes and letter.id is not None:
        return letter
    for key, value in clean.items():
        setattr(letter, key, value)
    db.session.add(letter)
    audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                 action="invitation.updated", object_type="meeting", object_id=meeting.public_id,
                 summary=meeting.title, changes=changes)
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise Conflict(_("Someone else has changed the invitation letter meanwhile. Reload it and try again.")) \
            from None
    return letter


_PHONE = re.compile(r"^[0-9+()./\- ]{3,64}$")


def _phone(value: Any) -> str:
    """A telephone number as people write it (``0236 3822 123``, ``+84 236 3822123``, ``(0236) 3.822.123``)."""
    text = normalize(str(value or "")).strip()
    if text and (not _PHONE.match(text) or sum(ch.isdigit() for ch in text) < 3):
        raise ValidationError(_("Write the contact phone with digits, spaces and + ( ) . - only, e.g. 0236 3822 123."),
                              field="contact_phone")
    return text


def invited(meeting: Meeting) -> list[Participant]:
    """Who receives a letter: everyone on the list who has not declined, staff excepted, in protocol order."""
    query = (select(Participant).where(Participant.meeting_id == meeting.id, Participant.rsvp != Rsvp.declined,
                                       Participant.category != ParticipantCategory.staff)
             .order_by(*protocol.order_by(protocol.Order.protocol)))
    return list(db.session.scalars(query).unique())


# Audit of classified views, versions for downloads, API data --------------------------------------------------------

def note_classified(meeting: Meeting, what: str) -> None:
    """Every view or download of a classified meeting's documents is written to the audit log."""
    if not Classification(meeting.classification).is_classified:
        return
    with atomic():
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action="documents.viewed", object_type="meeting", object_id=meeting.public_id, summary=what)


def minutes_data(minutes: Minutes) -> dict[str, Any]:
    meeting = minutes.meeting
    return {
        "id": minutes.public_id,
        "meeting_id": meeting.public_id,
        "kind": minutes.kind.value,
        "edition": minutes.edition,
        "corrects_id": minutes.corrects.public_id if minutes.corrects else None,
        "status": minutes.status.value,
        "number": minutes.number,
        "document_date": minutes.document_date,
        "version": minutes.version,
        "sections": minutes.sections,
        "signer_id": signature_section(minutes.sections).get("signer_id"),
        "approved_at": minutes.approved_at.astimezone(zone(meeting)) if minutes.approved_at else None,
        "approved_by": minutes.approved_by.name if minutes.approved_by else None,
        "submitted_at": minutes.submitted_at.astimezone(zone(meeting)) if minutes.submitted_at else None,
        "created_at": minutes.created_at.astimezone(zone(meeting)),
        "updated_at": minutes.updated_at.astimezone(zone(meeting)),
        "notice_due": notice_due(meeting) if minutes.kind is MinutesKind.notice else None,
        "pdf_sha256": minutes.pdf_sha256,
        "docx_sha256": minutes.docx_sha256,
    }


