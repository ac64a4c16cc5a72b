"""What the invitations page shows: per participant the last e-mail, link and answer; the counts; the log."""


from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from planner.delegates import protocol
from planner.delegates import services as delegate_services
from planner.delegates.models import Participant, Person
from planner.delegates.protocol import Order
from planner.extensions import db
from planner.invitations.models import (
    InvitationLog,
    InvitationReply,
    ParticipantLink,
    SendStatus,
)
from planner.invitations.services.links import active_links, latest_replies, link_secret
from planner.invitations.services.sending import _sent_query
from planner.invitations.services.wording import invitation_version
from planner.meetings.models import Meeting

# What the invitations page shows ------------------------------------------------------------------------

@dataclass
class InvitationStatus:
    participant: Participant
    last: InvitationLog | None
    link: ParticipantLink | None
    reply: InvitationReply | None
    current: bool             # sent the invitation as it now reads

    @property
    def secret(self) -> str | None:
        return link_secret(self.link)


def statuses(meeting: Meeting, participants: list[Participant]) -> list[InvitationStatus]:
    """Per participant: the last e-mail, the active link and the last answer (three queries)."""
    ids = [p.id for p in participants]
    version = invitation_version(meeting)
    last: dict[int, InvitationLog] = {}
    if ids:
        newest = (select(func.max(InvitationLog.id)).where(InvitationLog.participant_id.in_(ids))
                  .group_by(InvitationLog.participant_id))
        for row in db.session.scalars(select(InvitationLog).where(InvitationLog.id.in_(newest))):
            last[row.participant_id] = row
    current = set(db.session.scalars(_sent_query(meeting, version).where(InvitationLog.participant_id.in_(ids))))
    links = active_links(ids)
    replies = latest_replies(ids)
    return [InvitationStatus(p, last.get(p.id), links.get(p.id), replies.get(p.id), p.id in current)
            for p in participants]


def summary(meeting: Meeting) -> dict[str, int]:
    """How many participants: in all, with an e-mail address, sent this version, sent an earlier one only,
    whose last e-mail failed, never sent; with an active link."""
    version = invitation_version(meeting)
    total, with_mail = db.session.execute(
        select(func.count(Participant.id), func.count(Person.email).filter(Person.email != ""))
        .join(Person, Person.id == Participant.person_id).where(Participant.meeting_id == meeting.id)).one()
    sent_now = db.session.scalar(select(func.count(func.distinct(InvitationLog.participant_id))).where(
        InvitationLog.meeting_id == meeting.id, InvitationLog.status == SendStatus.sent,
        InvitationLog.version == version)) or 0
    sent_ever = db.session.scalar(select(func.count(func.distinct(InvitationLog.participant_id))).where(
        InvitationLog.meeting_id == meeting.id, InvitationLog.status == SendStatus.sent)) or 0
    newest = (select(func.max(InvitationLog.id)).where(InvitationLog.meeting_id == meeting.id,
                                                       InvitationLog.status != SendStatus.skipped)
              .group_by(InvitationLog.participant_id))
    failed = db.session.scalar(select(func.count()).select_from(InvitationLog).where(
        InvitationLog.id.in_(newest), InvitationLog.status == SendStatus.failed)) or 0
    linked = db.session.scalar(select(func.count(ParticipantLink.id)).join(
        Participant, Participant.id == ParticipantLink.participant_id).where(
        Participant.meeting_id == meeting.id, ParticipantLink.revoked_at.is_(None))) or 0
    return {"total": total or 0, "with_mail": with_mail or 0, "without_mail": (total or 0) - (with_mail or 0),
            "sent": sent_now, "outdated": sent_ever - sent_now, "failed": failed,
            "never": (total or 0) - sent_ever, "linked": linked}


def recent_log(meeting: Meeting, limit: int = 50) -> list[InvitationLog]:
    return list(db.session.scalars(
        select(InvitationLog).where(InvitationLog.meeting_id == meeting.id)
        .options(joinedload(InvitationLog.participant), joinedload(InvitationLog.sent_by))
        .order_by(InvitationLog.id.desc()).limit(limit)))


def without_email(meeting: Meeting) -> list[Participant]:
    """The participants to hand a printed invitation, in protocol order."""
    return list(db.session.scalars(
        select(Participant).join(Person, Person.id == Participant.person_id)
        .where(Participant.meeting_id == meeting.id, Person.email == "")
        .order_by(*protocol.order_by(Order.protocol))))


def chosen_participants(meeting: Meeting, which: str) -> list[Participant]:
    """For the printed list of links: those without e-mail (``no_email``) or everyone (``all``)."""
    if which == "no_email":
        return without_email(meeting)
    return delegate_services.all_participants(meeting)
