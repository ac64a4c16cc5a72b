"""What the home page's to-do list says of invitations (reports.ORGANIZER_TODOS, filled in the setup): the
invitations not yet sent as their deadline nears, and the replies still awaited."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select

from planner.accounts.models import Organization, User
from planner.delegates.models import Participant, Rsvp
from planner.extensions import db
from planner.invitations.models import InvitationLog, SendStatus
from planner.meetings.models import Meeting
from planner.reports import services as reports
from planner.reports.services import ToDo, ToDoKind


def invitation_todos(org: Organization, user: User | None, today: date, holidays: Sequence[date]) -> list[ToDo]:
    """Invitations not yet sent (nor skipped) to someone invited."""
    handled = (select(InvitationLog.participant_id)
               .where(InvitationLog.status.in_([SendStatus.sent, SendStatus.skipped])))
    return reports.lead_time_todos(ToDoKind.invitations, org, user, today, holidays, Participant.id.not_in(handled))


def reply_todos(org: Organization, user: User | None, today: date, _holidays: Sequence[date] = ()
                ) -> list[ToDo]:
    """Invited and sent an invitation, but no answer yet, for meetings in the next two weeks."""
    sent = select(InvitationLog.participant_id).where(InvitationLog.status == SendStatus.sent)
    query = (reports.single_meetings(org, user)
             .where(Meeting.starts_on >= today, Meeting.starts_on <= today + reports.REPLY_HORIZON,
                    Meeting.status.in_(reports.OPEN_STATUSES))
             .join(Participant, Participant.meeting_id == Meeting.id)
             .where(Participant.category.in_(reports.INVITED_CATEGORIES),
                    Participant.rsvp.in_([Rsvp.invited, Rsvp.no_reply]), Participant.id.in_(sent))
             .group_by(Meeting.id).add_columns(func.count(Participant.id)))
    return [ToDo(ToDoKind.replies, meeting, meeting.starts_on, False, missing)
            for meeting, missing in db.session.execute(query)]
