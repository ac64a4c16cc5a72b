"""What every part of the votes' services shares: the limits of a vote's fields, who votes, the
counting committee's signal, and the audit entry each change writes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from blinker import Namespace
from flask_babel import gettext as _

from planner.accounts.models import User
from planner.agenda.models import AgendaItemKind
from planner.core import audit
from planner.delegates.models import ParticipantCategory
from planner.extensions import db
from planner.meetings.models import Meeting
from planner.votes.models import Vote

VOTE_FIELDS = ("title", "method", "majority", "base", "secret", "status", "yes", "no", "abstain", "reason")
DRAFT_FIELDS = ("title", "method", "majority", "base", "secret")
COUNT_FIELDS = ("yes", "no", "abstain")
MAX_TITLE = 1000
MAX_REASON = 2000
MAX_COUNT = 1_000_000
MAX_MEMBERS = 200
# The official delegates: the only participants who vote.
VOTING_CATEGORIES = (ParticipantCategory.delegate,)
# Items that hold no votes of their own.
NO_VOTE_KINDS = frozenset({AgendaItemKind.session, AgendaItemKind.break_})
# How long the hall display shows a closed vote's result (a new vote opened replaces it at once).
HALL_RESULT_FOR = timedelta(minutes=10)

_signals = Namespace()
# Sent with a participant about to join the counting committee; a receiver answers the reason they may not
# (a candidate on a ballot: the elections package connects it in its setup), or None. A member of the
# counting committee is not on any ballot (190-QĐ/TW, Điều 8).
CANDIDACY = _signals.signal("votes.candidacy")


def _stale() -> str:
    return _("Someone else changed this vote meanwhile. Reload the page to see the current version, then "
             "repeat your change if it is still needed.")


def _audit(vote_or_meeting: Vote | Meeting, action: str, summary: str, changes: dict[str, Any] | None = None,
           *, user: User | None = None, object_type: str = "vote", object_id: str | None = None,
           actor_label: str | None = None) -> None:
    """One audit entry, with the user who acted (the one the service was given: the command line and the demo
    act for a named user too)."""
    meeting = vote_or_meeting.meeting if isinstance(vote_or_meeting, Vote) else vote_or_meeting
    if object_id is None and isinstance(vote_or_meeting, Vote):
        object_id = vote_or_meeting.public_id
    entry = audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id, action=action,
                         object_type=object_type, object_id=object_id, summary=summary, changes=changes,
                         actor_label=actor_label or (user.email if user is not None else None))
    if user is not None:
        entry.actor_id = user.id
