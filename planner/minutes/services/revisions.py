"""The revisions of a document: listed, compared word by word, and an earlier one restored as the current text."""

from __future__ import annotations

import difflib
import html
from collections.abc import Iterable
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from planner.accounts.models import User
from planner.core.errors import Conflict, NotFound
from planner.extensions import db
from planner.minutes import compose
from planner.minutes.models import (
    Minutes,
    MinutesRevision,
)
from planner.minutes.services.base import SIGNATURE_FIELDS
from planner.minutes.services.writing import (
    _add_revision,
    _audit,
    _ensure_meeting_open,
    _ensure_writer,
    _stale_is_conflict,
    _version,
    changed_keys,
    ensure_editable,
)

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
