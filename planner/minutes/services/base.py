"""What the minutes' services share: limits, kinds and defaults, the hook through which votes give their results,
the conflict a refused save raises, reading the current document and its editions, who may write and approve,
and the signatures section of a text."""

from __future__ import annotations

from copy import deepcopy
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select

from planner.accounts.models import User
from planner.agenda.models import AgendaItem
from planner.core.errors import Conflict, Forbidden, NotFound
from planner.core.hooks import Hook
from planner.core.permissions import Permission, clearance_of, visible_levels
from planner.extensions import db
from planner.meetings.models import Meeting, MeetingKind
from planner.minutes import compose
from planner.minutes.models import (
    Minutes,
    MinutesKind,
)

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


def signature_section(sections: list[dict[str, Any]]) -> dict[str, Any]:
    return next((s for s in sections or [] if s.get("kind") == "signatures"), {})


def signature_section_lines(sections: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """The signature lines the document's text carries (its ``signatures`` section)."""
    section = signature_section(sections)
    return {side: dict(section.get(side) or {}) for side in ("left", "right") if section.get(side)}
