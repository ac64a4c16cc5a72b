"""Writing the minutes: generating the draft from the meeting, saving changed sections as revisions (a refused
save keeps its text as a conflict revision), and the checks of each value written."""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from planner.accounts.models import User
from planner.core import audit
from planner.core.db import atomic, independent
from planner.core.errors import Conflict, Forbidden, ValidationError
from planner.core.inputs import whole_number
from planner.core.text import clean_text, normalize
from planner.extensions import db
from planner.meetings.models import Meeting, MeetingStatus
from planner.minutes.models import (
    Minutes,
    MinutesKind,
    MinutesRevision,
    MinutesStatus,
)
from planner.minutes.services.base import (
    MAX_DECISIONS,
    MAX_HEADING,
    MAX_TEXT,
    MAX_VOTES,
    SIGNATURE_FIELDS,
    TEXT_FIELDS,
    MinutesConflict,
    _kind,
    can_write,
    current,
)
from planner.minutes.services.facts import compose_sections

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
    return whole_number(value, name, 0, MAX_VOTES, wrong=_("Votes are whole numbers (or left empty)."))


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
    return whole_number(value, name, 1, MAX_COPIES, wrong=_("The number of copies is a whole number from 1 to 999."))


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
