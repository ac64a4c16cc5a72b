"""What other pages show of votes: the decision in the minutes and the vote on the hall display.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from planner.agenda import services as agenda_services
from planner.agenda.models import AgendaItem
from planner.core.models import utcnow
from planner.extensions import db
from planner.meetings.models import Meeting
from planner.votes import rules
from planner.votes.models import Vote, VoteStatus
from planner.votes.services.base import HALL_RESULT_FOR
from planner.votes.services.reading import counts, voted_count

# What other pages show --------------------------------------------------------------------------

def decision_text(vote: Vote, language: str) -> str:
    """“<question>: được thông qua.” in the meeting's language."""
    with force_locale(language):
        verdict = _("adopted") if vote.adopted else _("not adopted")
    return f"{vote.title}: {verdict}"


def minutes_decisions(meeting: Meeting, items: Sequence[AgendaItem], language: str) -> dict[str, list[dict[str, Any]]]:
    """The closed votes of these items as the minutes record decisions (minutes.services.VOTE_RESULTS):
    ``{item public id: [{text, for, against, abstain, percent}]}``. "Không biểu quyết" counts everyone present
    at the vote who did not vote for or against, so the three numbers add up to those present (DOMAIN.md:
    "vote results that add up to those present"); the percent is of the vote's base."""
    by_id = {item.id: item for item in items}
    if not by_id:
        return {}
    votes = db.session.scalars(select(Vote).where(Vote.meeting_id == meeting.id, Vote.agenda_item_id.in_(by_id),
                                                  Vote.status == VoteStatus.closed)
                               .order_by(Vote.agenda_item_id, Vote.position, Vote.id))
    found: dict[str, list[dict[str, Any]]] = {}
    for vote in votes:
        yes, no = vote.yes or 0, vote.no or 0
        found.setdefault(by_id[vote.agenda_item_id].public_id, []).append({
            "text": decision_text(vote, language), "for": yes, "against": no,
            "abstain": max((vote.present or 0) - yes - no, 0),
            "percent": float(rules.percent(yes, vote.base_count or 0))})
    return found


def hall_vote(meeting: Meeting, levels: Iterable[str], now: datetime | None = None) -> dict[str, Any] | None:
    """What a hall display shows of the votes, as plain data: the vote open now (its question, and how many
    have voted when they vote electronically; never its running numbers), else the vote closed in the last
    ten minutes with its result. Only what a reader of ``levels`` may see (the meeting, the item and its
    session): a vote on anything else is not shown at all. Two queries at most."""
    levels = list(levels)
    if meeting.classification not in levels:
        return None
    shown = (select(Vote).join(AgendaItem, AgendaItem.id == Vote.agenda_item_id)
             .where(Vote.meeting_id == meeting.id, agenda_services.visible_item_clause(levels)))
    vote = db.session.scalar(shown.where(Vote.status == VoteStatus.open)
                             .order_by(Vote.opened_at.desc(), Vote.id.desc()).limit(1))
    if vote is None:
        since = (now or utcnow()) - HALL_RESULT_FOR
        vote = db.session.scalar(shown.where(Vote.status == VoteStatus.closed, Vote.closed_at >= since)
                                 .order_by(Vote.closed_at.desc(), Vote.id.desc()).limit(1))
    if vote is None:
        return None
    data: dict[str, Any] = {"id": vote.public_id, "title": vote.title, "status": vote.status.value,
                            "method": vote.method.value, "present": vote.present,
                            "at": (vote.closed_at or vote.opened_at or utcnow()).isoformat()}
    if vote.status is VoteStatus.open:
        data["voted"] = voted_count(vote) if not vote.counted else None
        return data
    numbers = counts(vote)
    data.update(base=numbers.base_count, yes=numbers.yes, no=numbers.no, abstain=numbers.abstain,
                not_voting=numbers.not_voting, percent=float(numbers.percent or 0), adopted=bool(vote.adopted))
    return data
