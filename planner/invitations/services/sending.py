"""Recipients and batches: sending the invitation e-mails in chunks, each e-mail kept with its log row and
audit entry."""


from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from planner.accounts.models import User
from planner.core import audit
from planner.core.db import atomic
from planner.core.errors import Conflict, ValidationError
from planner.core.lookup import in_meeting
from planner.core.mail import MailError, MailSettings, mail_settings
from planner.core.mail import connect as _connect
from planner.core.mail import error_text as _error_text
from planner.core.models import utcnow
from planner.delegates import protocol
from planner.delegates.models import Participant, ParticipantCategory, Person
from planner.delegates.protocol import Order
from planner.extensions import db
from planner.invitations.models import (
    Audience,
    BatchState,
    InvitationBatch,
    InvitationLog,
    SendStatus,
)
from planner.invitations.services.links import _actor, ensure_link
from planner.invitations.services.mail import compose
from planner.invitations.services.wording import invitation_version
from planner.meetings.models import Meeting

CHUNK = 50
LEASE = timedelta(minutes=5)


# Recipients and batches ----------------------------------------------------------------------------------

def _sent_query(meeting: Meeting, version: str | None = None):
    query = select(InvitationLog.participant_id).where(InvitationLog.meeting_id == meeting.id,
                                                       InvitationLog.status == SendStatus.sent)
    if version is not None:
        query = query.where(InvitationLog.version == version)
    return query


def _audience_query(meeting: Meeting, audience: Audience, category: ParticipantCategory | None):
    query = select(Participant).where(Participant.meeting_id == meeting.id)
    if audience is Audience.category and category is not None:
        query = query.where(Participant.category == category)
    elif audience is Audience.unsent:
        query = query.where(Participant.id.not_in(_sent_query(meeting)))
    return query


def _clean_choice(audience: Audience | str, category: ParticipantCategory | str | None
                  ) -> tuple[Audience, ParticipantCategory | None]:
    try:
        audience = Audience(audience or Audience.unsent)
    except ValueError:
        raise ValidationError(_("Choose who receives the invitation."), field="audience") from None
    chosen = None
    if audience is Audience.category:
        try:
            chosen = ParticipantCategory(category)
        except ValueError:
            raise ValidationError(_("Choose a category."), field="category") from None
    return audience, chosen


def _pending_query(batch: InvitationBatch, meeting: Meeting):
    """Who the batch still has to process: chosen, not yet processed in this batch, and (unless sending
    again) not sent this version of the invitation before."""
    category = ParticipantCategory(batch.category) if batch.category else None
    query = _audience_query(meeting, Audience(batch.audience), category)
    done = select(InvitationLog.participant_id).where(InvitationLog.batch_id == batch.id)
    query = query.where(Participant.id.not_in(done))
    if not batch.resend:
        query = _not_handled(query, meeting, batch.version)
    return query


def _not_handled(query, meeting: Meeting, version: str):
    """Leave out those sent this version of the invitation, and those listed for printing already (no
    e-mail address then, and still none)."""
    skipped = select(InvitationLog.participant_id).where(
        InvitationLog.meeting_id == meeting.id, InvitationLog.status == SendStatus.skipped,
        InvitationLog.version == version)
    no_mail = select(Person.id).where(Person.id == Participant.person_id, Person.email == "").exists()
    return query.where(Participant.id.not_in(_sent_query(meeting, version)),
                       ~(Participant.id.in_(skipped) & no_mail))


def running_batch(meeting: Meeting) -> InvitationBatch | None:
    return db.session.scalar(select(InvitationBatch).where(
        InvitationBatch.meeting_id == meeting.id, InvitationBatch.state == BatchState.running
    ).order_by(InvitationBatch.id.desc()).limit(1))


def get_batch(meeting: Meeting, public_id: str) -> InvitationBatch:
    return in_meeting(InvitationBatch, meeting, public_id, _("No such sending."))


def count_recipients(meeting: Meeting, audience: Audience | str, category: ParticipantCategory | str | None = None,
                     *, resend: bool = False) -> int:
    audience, chosen = _clean_choice(audience, category)
    query = _audience_query(meeting, audience, chosen)
    if not resend:
        query = _not_handled(query, meeting, invitation_version(meeting))
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def start_batch(meeting: Meeting, *, audience: Audience | str, category: ParticipantCategory | str | None = None,
                resend: bool = False, user: User | None = None) -> InvitationBatch:
    """Begin sending the invitation to the chosen participants; chunks follow with ``send_chunk``."""
    if mail_settings() is None:
        raise Conflict(_("Sending e-mail is turned off on this server. Copy or print the personal links instead."))
    audience, chosen = _clean_choice(audience, category)
    if running_batch(meeting) is not None:
        raise Conflict(_("A sending of invitations is under way for this meeting: continue or stop it first."))
    version = invitation_version(meeting)
    total = count_recipients(meeting, audience, chosen, resend=resend)
    if not total:
        raise ValidationError(_("Everyone chosen has been sent this invitation already. Tick “Send again” to "
                                "send it once more."), field="resend")
    batch = InvitationBatch(meeting_id=meeting.id, audience=audience, category=chosen.value if chosen else "",
                            resend=bool(resend), version=version, total=total, created_by_id=_actor(user))
    with atomic():
        db.session.add(batch)
        db.session.flush()
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action="invitation.batch_started", object_type="meeting", object_id=meeting.public_id,
                     summary=_("Invitations to %(n)d participant(s)", n=total),
                     changes={"audience": audience.value, "category": batch.category, "resend": batch.resend,
                              "total": total})
    return batch


@dataclass
class Progress:
    batch: str
    state: str
    total: int
    done: int
    sent: int
    failed: int
    skipped: int
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"batch": self.batch, "state": self.state, "total": self.total, "done": self.done, "sent": self.sent,
                "failed": self.failed, "skipped": self.skipped, "error": self.error,
                "finished": self.state != BatchState.running.value}


def progress(batch: InvitationBatch, error: str = "") -> Progress:
    rows = dict(db.session.execute(select(InvitationLog.status, func.count()).where(
        InvitationLog.batch_id == batch.id).group_by(InvitationLog.status)).all())
    counts = {SendStatus(k): v for k, v in rows.items()}
    done = sum(counts.values())
    return Progress(batch=batch.public_id, state=batch.state.value, total=max(batch.total, done), done=done,
                    sent=counts.get(SendStatus.sent, 0), failed=counts.get(SendStatus.failed, 0),
                    skipped=counts.get(SendStatus.skipped, 0), error=error)


def _take_lease(batch: InvitationBatch) -> bool:
    now = utcnow()
    with atomic():
        taken = db.session.execute(
            update(InvitationBatch)
            .where(InvitationBatch.id == batch.id, InvitationBatch.state == BatchState.running,
                   InvitationBatch.lease_until.is_(None) | (InvitationBatch.lease_until < now))
            .values(lease_until=now + LEASE).execution_options(synchronize_session=False)
        ).rowcount
    return bool(taken)


def _log(batch: InvitationBatch, meeting: Meeting, participant: Participant, status: SendStatus, *, to: str = "",
         error: str = "", user: User | None = None) -> None:
    db.session.add(InvitationLog(meeting_id=meeting.id, participant_id=participant.id, batch_id=batch.id,
                                 to=to, status=status, error=error, version=batch.version, sent_by_id=_actor(user)))
    if status is not SendStatus.skipped:
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action=f"invitation.{status.value}", object_type="participant",
                     object_id=participant.public_id, summary=f"{participant.full_name} <{to}>",
                     changes={"error": error} if error else None)


def send_chunk(batch: InvitationBatch, *, user: User | None = None, size: int = CHUNK,
               outage: str = "stop") -> Progress:
    """Process the next ``size`` recipients of a running batch; finishes it when none are left. When the mail
    server cannot be reached, ``outage="stop"`` stops the batch with the reason, ``"raise"`` (the sending
    job, which tries again later) raises MailError and leaves the batch running, nobody marked."""
    meeting = db.session.get(Meeting, batch.meeting_id)
    assert meeting is not None
    if batch.state is not BatchState.running:
        return progress(batch)
    settings = mail_settings()
    if settings is None:
        raise Conflict(_("Sending e-mail is turned off on this server. Copy or print the personal links instead."))
    if not _take_lease(batch):
        db.session.refresh(batch)
        if batch.state is not BatchState.running:
            return progress(batch)
        raise Conflict(_("Another window is sending these invitations right now."))
    error = ""
    try:
        chunk = list(db.session.scalars(_pending_query(batch, meeting)
                                        .order_by(*protocol.order_by(Order.protocol)).limit(size)))
        with_mail = [p for p in chunk if (p.person.email or "").strip()]
        with atomic():
            for participant in chunk:
                if participant not in with_mail:
                    _log(batch, meeting, participant, SendStatus.skipped, user=user)
        if with_mail:
            error = _send_all(batch, meeting, with_mail, settings, user, outage=outage)
        if error or not db.session.scalar(select(func.count()).select_from(
                _pending_query(batch, meeting).subquery())):
            with atomic():
                batch.state = BatchState.stopped if error else BatchState.finished
                batch.finished_at = utcnow()
                audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                             action=f"invitation.batch_{batch.state.value}", object_type="meeting",
                             object_id=meeting.public_id, summary=error or "",
                             changes=progress(batch).as_dict())
    finally:
        # Whatever happened (an error has rolled its own work back), the lease is let go.
        with atomic():
            batch.lease_until = None
    return progress(batch, error)


def _send_all(batch: InvitationBatch, meeting: Meeting, recipients: list[Participant], settings: MailSettings,
              user: User | None, *, outage: str = "stop") -> str:
    """Send each e-mail and keep it with its log row (each its own unit outside a request: a job or the
    command line); answers the error that stopped the batch, if any."""
    try:
        smtp = _connect(settings)
    except MailError as exc:
        if outage == "raise":
            raise
        with atomic():
            for participant in recipients:
                _log(batch, meeting, participant, SendStatus.failed, to=participant.person.email,
                     error=exc.message, user=user)
        return exc.message
    try:
        for index, participant in enumerate(recipients):
            to = participant.person.email.strip()
            with atomic():
                made = db.session.begin_nested()   # a link made for this e-mail goes if the e-mail does not
                secret = ensure_link(participant, user=user)
                message = compose(participant, secret, settings, key=f"inv.{batch.public_id}.{participant.public_id}")
                try:
                    smtp.send_message(message, from_addr=settings.sender, to_addrs=[to])
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused,
                        smtplib.SMTPNotSupportedError) as exc:
                    made.rollback()  # the link stays as it was: nobody received the new one
                    _log(batch, meeting, participant, SendStatus.failed, to=to, error=_error_text(exc), user=user)
                    continue
                except (OSError, smtplib.SMTPException) as exc:
                    made.rollback()
                    text = _("The connection to the mail server broke: %(error)s", error=_error_text(exc))
                    if outage == "raise":
                        raise MailError(text) from None
                    for rest in recipients[index:]:
                        _log(batch, meeting, rest, SendStatus.failed, to=rest.person.email, error=text, user=user)
                    return text
                made.commit()
                _log(batch, meeting, participant, SendStatus.sent, to=to, user=user)
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return ""


def stop_batch(batch: InvitationBatch, *, user: User | None = None) -> None:
    """Stop a sending; those already sent keep their invitation, the rest can be sent later."""
    if batch.state is not BatchState.running:
        return
    meeting = db.session.get(Meeting, batch.meeting_id)
    with atomic():
        batch.state = BatchState.stopped
        batch.finished_at = utcnow()
        batch.lease_until = None
        audit.record(db.session, organization_id=meeting.organization_id if meeting else None,
                     meeting_id=batch.meeting_id, action="invitation.batch_stopped", object_type="meeting",
                     object_id=meeting.public_id if meeting else None, summary="",
                     changes=progress(batch).as_dict())


def send_invitations(meeting: Meeting, *, audience: Audience | str = Audience.unsent,
                     category: ParticipantCategory | str | None = None, resend: bool = False,
                     user: User | None = None) -> Progress:
    """Start a batch and process it to its end in one go (the command line and tests; pages go by chunks)."""
    batch = start_batch(meeting, audience=audience, category=category, resend=resend, user=user)
    result = progress(batch)
    while batch.state is BatchState.running:
        result = send_chunk(batch, user=user)
    return result


