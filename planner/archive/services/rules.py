"""When a dossier can be built: the meeting is over, its minutes approved, the reader cleared for it; the
names of the contents' files."""

from __future__ import annotations

from flask_babel import gettext as _

from planner.accounts.models import User
from planner.core.errors import Conflict, Forbidden
from planner.core.permissions import Permission, clearance_of, cleared_for
from planner.meetings.models import Meeting, MeetingStatus
from planner.minutes import services as minutes_services
from planner.minutes.models import MinutesKind, MinutesStatus

TOC_PDF = "00-muc-luc-ho-so.pdf"
TOC_JSON = "00-muc-luc-ho-so.json"
ENDED = (MeetingStatus.closed, MeetingStatus.archived)
# Already compressed (PDF streams, DOCX/XLSX are ZIPs): stored as they are, deflating them again costs
# time and gains nothing.
STORED_SUFFIXES = (".pdf", ".docx", ".xlsx", ".zip")


# When a dossier can be built ------------------------------------------------------------------------------

def ended(meeting: Meeting) -> bool:
    """Over: closed or archived, or its last day (in its own time zone) has passed."""
    if meeting.status in ENDED:
        return True
    return meeting.status != MeetingStatus.draft and meeting.ends_on < minutes_services.local_today(meeting)


def _forbidden(meeting: Meeting, user: User | None) -> str | None:
    """Why this user may never build this meeting's dossier (their role or clearance), or None."""
    if user is None or not user.can(Permission.organize, meeting.organization_id):
        return _("Only the organizing staff (organizers and administrators) build a meeting's dossier.")
    if not cleared_for(clearance_of(user, meeting.organization_id), meeting.classification):
        return _("Your clearance does not admit this meeting's classification: the dossier is built by a "
                 "user cleared for it.")
    try:
        # The minutes record every item: an item above the user's clearance keeps the whole dossier from them
        # (said now, before a byte is built, rather than when the stream or the job reaches the minutes).
        minutes_services.ensure_readable(meeting, user)
    except Forbidden as exc:
        return _("%(reason)s The dossier holds the minutes: it is built by a user cleared for every item.",
                 reason=exc.message)
    return None


def refusal(meeting: Meeting, user: User | None) -> str | None:
    """Why this user may not build this meeting's dossier now, or None."""
    forbidden = _forbidden(meeting, user)
    if forbidden is not None:
        return forbidden
    if not ended(meeting):
        return _("The meeting is not over yet: a dossier is built once the meeting is closed (or its last "
                 "day has passed) and its minutes are approved.")
    minutes = minutes_services.current(meeting, MinutesKind.minutes)
    if minutes is None:
        return _("The minutes have not been drafted yet: the dossier is built once they are approved.")
    if minutes.status is not MinutesStatus.approved:
        return _("The minutes are not approved yet (they are %(status)s): the dossier is built from the "
                 "approved minutes only.", status=_status_word(minutes.status))
    return None


def _status_word(status: MinutesStatus) -> str:
    return _("a draft") if status is MinutesStatus.draft else _("submitted, awaiting approval")


def ensure_allowed(meeting: Meeting, user: User | None) -> None:
    reason = refusal(meeting, user)
    if reason is None:
        return
    if _forbidden(meeting, user) is not None:
        raise Forbidden(reason)
    raise Conflict(reason)
