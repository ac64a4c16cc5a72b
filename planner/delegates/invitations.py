"""Invitations: the delegates' personal links, the RSVP given through them, and sending the invitation
e-mails. The only code that writes these (no request, no templates); every change is audited.

Personal links. A delegate's page is ``/d/<secret>``: no account, no sign-in. The secret is 256 bits
derived with the application's secret key from a random nonce kept on the link's row; the row keeps
the secret's SHA-256 hash, by which a visit finds it in one indexed query. A database dump alone
therefore gives no working link, while staff can still copy, print and mail the link they issued
(the mailed link, the printed letter and the copied one are the same, until someone rotates it).
Issuing a link revokes the participant's earlier one; a revoked or unknown link answers 404.

Sending. Staff pick recipients (everyone, a category, those not sent an invitation yet); a batch is
made in the database and processed a chunk (50) per request, each e-mail committed with its log row
and audit entry, so that a page can show n/N while it drives the next chunk, a closed window can be
resumed, and two windows never send the same batch at once (a lease on the batch row). Sending is
idempotent: a participant already sent the invitation as it now reads (``invitation_version``) is not
mailed again unless "send again" is asked. Participants without an e-mail address are logged as
skipped and listed for printing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import smtplib
import socket
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from typing import Any

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from planner.accounts.models import User
from planner.core import audit, public_urls
from planner.core.errors import Conflict, NotFound, ValidationError
from planner.core.formatting import long_date
from planner.core.hooks import Hook
from planner.core.models import utcnow
from planner.core.permissions import Classification
from planner.core.text import normalize
from planner.core.tokens import token_hash
from planner.delegates import protocol
from planner.delegates import services as delegate_services
from planner.delegates.invitation_models import (
    Audience,
    BatchState,
    InvitationBatch,
    InvitationLog,
    InvitationReply,
    ParticipantLink,
    SendStatus,
)
from planner.delegates.models import Participant, ParticipantCategory, Person, Rsvp
from planner.delegates.protocol import Order
from planner.extensions import db
from planner.meetings.models import Meeting

LINK_PREFIX = "d_"
LINK_USE_NOTE_EVERY = timedelta(minutes=1)
CHUNK = 50
LEASE = timedelta(minutes=5)
MAX_NOTE = 1000
_SECRET_SHAPE = re.compile(r"^d_[A-Za-z0-9_-]{43}$")


# Personal links --------------------------------------------------------------------------------------

def _link_key() -> bytes:
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
    return hmac.new(secret, b"planner.delegate-link.v1", hashlib.sha256).digest()


def _derive(nonce: str) -> str:
    digest = hmac.new(_link_key(), nonce.encode("ascii"), hashlib.sha256).digest()
    return LINK_PREFIX + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def link_secret(link: ParticipantLink | None) -> str | None:
    """The secret of an active link, or None (revoked, or made under another secret key: issue a new one)."""
    if link is None or link.revoked_at is not None:
        return None
    secret = _derive(link.nonce)
    return secret if hmac.compare_digest(token_hash(secret), link.token_hash) else None


def link_url(secret: str) -> str:
    """The link as staff see it on screen: at the public address when one is configured, else at the
    address the page was opened at."""
    return public_urls.url("portal.delegate", token=secret) or url_for("portal.delegate", token=secret,
                                                                        _external=True)


def printed_link_url(secret: str) -> str | None:
    """The link as printed on paper: only at the configured public address (core.public_urls)."""
    return public_urls.url("portal.delegate", token=secret)


def _actor(user: User | None) -> int | None:
    return user.id if user is not None else None


def _link_audit(link: ParticipantLink, participant: Participant, action: str, summary: str = "") -> None:
    meeting = participant.meeting
    audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id, action=action,
                 object_type="participant", object_id=participant.public_id,
                 summary=summary or f"{participant.full_name} ({link.hint}…)")


def active_link(participant: Participant) -> ParticipantLink | None:
    return db.session.scalar(select(ParticipantLink).where(
        ParticipantLink.participant_id == participant.id, ParticipantLink.revoked_at.is_(None)
    ).order_by(ParticipantLink.id.desc()).limit(1))


def active_links(participant_ids: Iterable[int]) -> dict[int, ParticipantLink]:
    """The active link of each of these participants (one query)."""
    ids = list(participant_ids)
    if not ids:
        return {}
    rows = db.session.scalars(select(ParticipantLink).where(
        ParticipantLink.participant_id.in_(ids), ParticipantLink.revoked_at.is_(None)
    ).order_by(ParticipantLink.id))
    return {link.participant_id: link for link in rows}


def _revoke_active(participant: Participant, now: datetime) -> int:
    links = db.session.scalars(select(ParticipantLink).where(
        ParticipantLink.participant_id == participant.id, ParticipantLink.revoked_at.is_(None)))
    count = 0
    for link in links:
        link.revoked_at = now
        count += 1
    return count


def _issue(participant: Participant, user: User | None) -> tuple[ParticipantLink, str]:
    """A new link in the session (the caller commits); the participant's earlier one is revoked."""
    now = utcnow()
    replaced = _revoke_active(participant, now)
    nonce = secrets.token_urlsafe(32)
    secret = _derive(nonce)
    link = ParticipantLink(participant_id=participant.id, token_hash=token_hash(secret), nonce=nonce,
                           hint=secret[:8], created_at=now, created_by_id=_actor(user))
    db.session.add(link)
    db.session.flush()
    _link_audit(link, participant, "participant.link_rotated" if replaced else "participant.link_issued")
    return link, secret


def issue_link(participant: Participant, *, user: User | None = None) -> tuple[ParticipantLink, str]:
    """A new personal link; the earlier one stops working at once (rotation)."""
    link, secret = _issue(participant, user)
    db.session.commit()
    return link, secret


def ensure_link(participant: Participant, *, user: User | None = None, commit: bool = True) -> str:
    """The participant's current link secret, issuing one when they have none (or it cannot be shown)."""
    secret = link_secret(active_link(participant))
    if secret is not None:
        return secret
    _link, secret = _issue(participant, user)
    if commit:
        db.session.commit()
    return secret


def revoke_link(participant: Participant, *, user: User | None = None) -> int:
    """Stop the participant's link; their page answers 404 until a new link is issued."""
    link = active_link(participant)
    if link is None:
        return 0
    count = _revoke_active(participant, utcnow())
    _link_audit(link, participant, "participant.link_revoked")
    db.session.commit()
    return count


def current_link_url(participant: Participant) -> str | None:
    """For printed letters (documents.links): the participant's link, made on first need; None without a
    public base URL (nothing addressable is printed then, and no link is made for it)."""
    if public_urls.base_url() is None:
        return None
    return printed_link_url(ensure_link(participant))


def resolve(secret: str | None) -> tuple[Participant, ParticipantLink] | None:
    """The participant of an active link, with their person, meeting and organization (one query)."""
    if not secret or not _SECRET_SHAPE.match(secret):
        return None
    row = db.session.execute(
        select(ParticipantLink, Participant)
        .join(Participant, Participant.id == ParticipantLink.participant_id)
        .where(ParticipantLink.token_hash == token_hash(secret), ParticipantLink.revoked_at.is_(None))
        .options(joinedload(Participant.meeting).joinedload(Meeting.organization))
    ).first()
    if row is None:
        return None
    link, participant = row
    return participant, link


def note_use(link: ParticipantLink, now: datetime | None = None) -> None:
    """Remember when a link was last opened: at most one write a minute."""
    now = now or utcnow()
    if link.last_used_at is not None and now - link.last_used_at < LINK_USE_NOTE_EVERY:
        return
    db.session.execute(update(ParticipantLink).where(
        ParticipantLink.id == link.id,
        ParticipantLink.last_used_at.is_(None) | (ParticipantLink.last_used_at < now - LINK_USE_NOTE_EVERY),
    ).values(last_used_at=now).execution_options(synchronize_session=False))
    db.session.commit()


# The answer through the link ------------------------------------------------------------------------

ANSWERS = (Rsvp.accepted, Rsvp.declined)


def answer(participant: Participant, rsvp: Rsvp | str, note: str | None = "") -> Participant:
    """The delegate accepts or declines (with an optional note for the organizers) from their page.

    The RSVP itself is set by delegates.services.set_rsvp (which audits it); the answer and its note are
    kept as an InvitationReply, audited as the delegate's."""
    try:
        rsvp = Rsvp(rsvp)
    except ValueError:
        rsvp = None  # type: ignore[assignment]
    if rsvp not in ANSWERS:
        raise ValidationError(_("Choose whether you will attend."), field="rsvp")
    note = normalize((note or "").strip()) if note else ""
    if len(note) > MAX_NOTE:
        raise ValidationError(_("The note is too long: at most %(n)d characters.", n=MAX_NOTE), field="note")
    before = participant.rsvp
    delegate_services.set_rsvp(participant, rsvp)
    last = latest_replies([participant.id]).get(participant.id)
    if before == rsvp and (last is not None and last.note == note and last.rsvp == rsvp.value):
        return participant
    meeting = participant.meeting
    db.session.add(InvitationReply(participant_id=participant.id, rsvp=rsvp.value, note=note))
    audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                 action="invitation.answered", object_type="participant", object_id=participant.public_id,
                 summary=participant.full_name, changes={"rsvp": [before.value, rsvp.value], "note": note},
                 actor_label=f"delegate:{participant.public_id}")
    db.session.commit()
    return participant


def latest_replies(participant_ids: Iterable[int]) -> dict[int, InvitationReply]:
    ids = list(participant_ids)
    if not ids:
        return {}
    newest = (select(func.max(InvitationReply.id)).where(InvitationReply.participant_id.in_(ids))
              .group_by(InvitationReply.participant_id))
    rows = db.session.scalars(select(InvitationReply).where(InvitationReply.id.in_(newest)))
    return {r.participant_id: r for r in rows}


# Documents a delegate may see (an extension point) -------------------------------------------------

@dataclass(frozen=True)
class DelegateDocument:
    title: str
    kind: str                 # the source it comes from, e.g. "speech"
    ref: str                  # its public id within that source
    note: str = ""
    classification: str = Classification.none.value


@dataclass(frozen=True)
class DelegateFile:
    filename: str
    media_type: str
    data: bytes
    etag: str


@dataclass(frozen=True)
class DocumentSource:
    """What a domain above offers a delegate: ``documents(participant)`` lists what they may read of
    their meeting, ``open(participant, ref)`` gives one of those files (or raises NotFound/Forbidden)."""

    kind: str
    documents: Callable[[Participant], Iterable[DelegateDocument]]
    open: Callable[[Participant, str], DelegateFile]


# Domains above (speeches, later meeting documents) add a DocumentSource in their setup; anything
# classified is dropped here whatever they say, and a classified meeting offers nothing.
DOCUMENT_SOURCES = Hook("delegates.documents", "the documents of a meeting that its delegates may read")


def delegate_documents(participant: Participant) -> list[DelegateDocument]:
    if Classification(participant.meeting.classification) != Classification.none:
        return []
    found: list[DelegateDocument] = []
    for source in DOCUMENT_SOURCES:
        found.extend(d for d in source.documents(participant)
                     if d.kind == source.kind and d.classification == Classification.none.value)
    return found


def open_delegate_document(participant: Participant, kind: str, ref: str) -> DelegateFile:
    """One of the documents delegate_documents lists, through the delegate's own link."""
    source = next((s for s in DOCUMENT_SOURCES if s.kind == kind), None)
    if source is None or Classification(participant.meeting.classification) != Classification.none:
        raise NotFound(_("Not found."))
    return source.open(participant, ref)


# What the invitation says -------------------------------------------------------------------------------

def withheld(meeting: Meeting) -> bool:
    """A classified meeting's title, place and programme stay out of e-mails and personal links."""
    return Classification(meeting.classification) != Classification.none


def invitation_version(meeting: Meeting) -> str:
    """Changes when what the invitation says changes (not when, say, the meeting's status moves)."""
    parts = (meeting.title, meeting.kind.value, meeting.starts_on, meeting.ends_on, meeting.start_time,
             meeting.end_time, meeting.timezone, meeting.venue, meeting.city, meeting.recurrence or "",
             meeting.language, meeting.classification.value)
    return hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


def clock(moment: time, language: str) -> str:
    """``8 giờ 00`` in Vietnamese text (DOMAIN.md), ``08:00`` otherwise."""
    if language == "vi":
        return f"{moment.hour} giờ {moment.minute:02d}"
    return f"{moment.hour:02d}:{moment.minute:02d}"


def when_text(meeting: Meeting, language: str | None = None) -> str:
    """When the meeting takes place, as a sentence fragment in the current locale."""
    language = language or meeting.language or "vi"
    if meeting.recurrence:
        from planner.meetings import recurrence

        text = recurrence.describe(meeting.recurrence, meeting.timezone)
    elif meeting.starts_on == meeting.ends_on:
        text = long_date(meeting.starts_on, weekday=True)
    else:
        text = _("from %(start)s to %(end)s", start=long_date(meeting.starts_on, weekday=True),
                 end=long_date(meeting.ends_on, weekday=True))
    if meeting.start_time is not None:
        hours = clock(meeting.start_time, language)
        if meeting.end_time is not None:
            hours = f"{hours} – {clock(meeting.end_time, language)}"
        text = f"{hours}, {text}"
    return text


def where_text(meeting: Meeting) -> str:
    return ", ".join(p for p in (meeting.venue, meeting.city) if p)


def addressee(participant: Participant) -> str:
    return " ".join(p for p in (participant.honorific, participant.full_name) if p)


# Mail settings ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MailSettings:
    server: str
    port: int
    use_tls: bool
    use_ssl: bool
    username: str
    password: str
    sender: str
    timeout: float


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def mail_settings() -> MailSettings | None:
    """The SMTP settings, or None when sending is turned off (MAIL_SERVER empty)."""
    config = current_app.config
    server = str(config.get("MAIL_SERVER") or "").strip()
    if not server:
        return None
    use_ssl = _flag(config.get("MAIL_USE_SSL"))
    try:
        port = int(config.get("MAIL_PORT") or (465 if use_ssl else 25))
    except (TypeError, ValueError):
        port = 465 if use_ssl else 25
    sender = str(config.get("MAIL_FROM") or config.get("MAIL_DEFAULT_SENDER") or "").strip()
    if not sender:
        sender = f"planner@{socket.getfqdn() or 'localhost'}"
    return MailSettings(server=server, port=port, use_tls=_flag(config.get("MAIL_USE_TLS")), use_ssl=use_ssl,
                        username=str(config.get("MAIL_USERNAME") or ""),
                        password=str(config.get("MAIL_PASSWORD") or ""), sender=sender,
                        timeout=float(config.get("MAIL_TIMEOUT") or 20))


class MailError(Exception):
    """The mail server could not be reached or refused us (the batch stops; nothing is lost)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _connect(settings: MailSettings) -> smtplib.SMTP:
    try:
        if settings.use_ssl:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.server, settings.port, timeout=settings.timeout,
                                                  context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout)
            if settings.use_tls:
                smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            smtp.login(settings.username, settings.password)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(_("The mail server %(server)s could not be reached: %(error)s",
                          server=f"{settings.server}:{settings.port}", error=_error_text(exc))) from None
    return smtp


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        message = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"{exc.smtp_code} {message}"[:500]
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{addr}: {code} {msg.decode('utf-8', 'replace') if isinstance(msg, bytes) else msg}"
                         for addr, (code, msg) in exc.recipients.items())[:500]
    return (str(exc) or type(exc).__name__)[:500]


# The e-mail -----------------------------------------------------------------------------------------------

def compose(participant: Participant, secret: str, settings: MailSettings) -> EmailMessage:
    """The invitation e-mail in the meeting's language: who invites whom to what, when and where, the
    personal link, and the meeting as an .ics (METHOD:REQUEST) a mail program offers to add."""
    from planner.calendars import services as calendar_services  # calendars read delegates: import late

    meeting = participant.meeting
    org = meeting.organization
    language = meeting.language if meeting.language in current_app.config["LANGUAGES"] else "vi"
    url = link_url(secret)
    with force_locale(language):
        hidden = withheld(meeting)
        title = _("Meeting (classified)") if hidden else meeting.title
        subject = _("Invitation: %(title)s", title=title)
        lines = [
            _("Dear %(name)s,", name=addressee(participant)),
            "",
            _("%(organization)s respectfully invites you to attend: %(title)s.", organization=org.name, title=title),
            "",
            _("Time: %(when)s", when=when_text(meeting, language)),
        ]
        if not hidden and where_text(meeting):
            lines.append(_("Place: %(where)s", where=where_text(meeting)))
        lines += [
            "",
            _("Your personal page, with the programme, your reply and your calendar:"),
            url,
            "",
            _("Please reply there whether you will attend. The link is yours alone: please do not forward it."),
            _("The attached calendar file (.ics) adds the meeting to your calendar."),
        ]
        if hidden:
            lines += ["", _("This meeting is classified: its details are given only in person or on paper.")]
        lines += ["", org.name]
        filename = _("invitation") + ".ics"
        ics = calendar_services.invitation_ics(participant, organizer_email=settings.sender, organizer_name=org.name)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = formataddr((org.name, settings.sender))
    message["To"] = formataddr((participant.full_name, participant.person.email))
    message["Date"] = formatdate(localtime=False)
    domain = settings.sender.rpartition("@")[2] or "planner.invalid"
    message["Message-ID"] = make_msgid(domain=domain)
    message["Content-Language"] = language
    message.set_content("\n".join(lines) + "\n")
    message.add_attachment(ics, maintype="text", subtype="calendar", filename=filename,
                           params={"method": "REQUEST", "charset": "utf-8"})
    return message


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
    batch = db.session.scalar(select(InvitationBatch).where(InvitationBatch.meeting_id == meeting.id,
                                                            InvitationBatch.public_id == str(public_id)))
    if batch is None:
        raise NotFound(_("No such sending."))
    return batch


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
    db.session.add(batch)
    db.session.flush()
    audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                 action="invitation.batch_started", object_type="meeting", object_id=meeting.public_id,
                 summary=_("Invitations to %(n)d participant(s)", n=total),
                 changes={"audience": audience.value, "category": batch.category, "resend": batch.resend,
                          "total": total})
    db.session.commit()
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
    taken = db.session.execute(
        update(InvitationBatch)
        .where(InvitationBatch.id == batch.id, InvitationBatch.state == BatchState.running,
               InvitationBatch.lease_until.is_(None) | (InvitationBatch.lease_until < now))
        .values(lease_until=now + LEASE).execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
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


def send_chunk(batch: InvitationBatch, *, user: User | None = None, size: int = CHUNK) -> Progress:
    """Process the next ``size`` recipients of a running batch; finishes it when none are left."""
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
        for participant in chunk:
            if participant not in with_mail:
                _log(batch, meeting, participant, SendStatus.skipped, user=user)
        db.session.commit()
        if with_mail:
            error = _send_all(batch, meeting, with_mail, settings, user)
        if error or not db.session.scalar(select(func.count()).select_from(
                _pending_query(batch, meeting).subquery())):
            batch.state = BatchState.stopped if error else BatchState.finished
            batch.finished_at = utcnow()
            audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                         action=f"invitation.batch_{batch.state.value}", object_type="meeting",
                         object_id=meeting.public_id, summary=error or "",
                         changes=progress(batch).as_dict())
    except Exception:
        db.session.rollback()
        raise
    finally:
        batch.lease_until = None
        db.session.commit()
    return progress(batch, error)


def _send_all(batch: InvitationBatch, meeting: Meeting, recipients: list[Participant], settings: MailSettings,
              user: User | None) -> str:
    """Send each e-mail and commit it with its log row; answers the error that stopped the batch, if any."""
    try:
        smtp = _connect(settings)
    except MailError as exc:
        for participant in recipients:
            _log(batch, meeting, participant, SendStatus.failed, to=participant.person.email, error=exc.message,
                 user=user)
        db.session.commit()
        return exc.message
    try:
        for index, participant in enumerate(recipients):
            to = participant.person.email.strip()
            secret = ensure_link(participant, user=user, commit=False)
            message = compose(participant, secret, settings)
            try:
                smtp.send_message(message, from_addr=settings.sender, to_addrs=[to])
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused,
                    smtplib.SMTPNotSupportedError) as exc:
                db.session.rollback()  # the link stays as it was: nobody received the new one
                _log(batch, meeting, participant, SendStatus.failed, to=to, error=_error_text(exc), user=user)
                db.session.commit()
                continue
            except (OSError, smtplib.SMTPException) as exc:
                db.session.rollback()
                text = _("The connection to the mail server broke: %(error)s", error=_error_text(exc))
                for rest in recipients[index:]:
                    _log(batch, meeting, rest, SendStatus.failed, to=rest.person.email, error=text, user=user)
                db.session.commit()
                return text
            _log(batch, meeting, participant, SendStatus.sent, to=to, user=user)
            db.session.commit()
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
    batch.state = BatchState.stopped
    batch.finished_at = utcnow()
    batch.lease_until = None
    audit.record(db.session, organization_id=meeting.organization_id if meeting else None,
                 meeting_id=batch.meeting_id, action="invitation.batch_stopped", object_type="meeting",
                 object_id=meeting.public_id if meeting else None, summary="", changes=progress(batch).as_dict())
    db.session.commit()


def send_invitations(meeting: Meeting, *, audience: Audience | str = Audience.unsent,
                     category: ParticipantCategory | str | None = None, resend: bool = False,
                     user: User | None = None) -> Progress:
    """Start a batch and process it to its end in one go (the command line and tests; pages go by chunks)."""
    batch = start_batch(meeting, audience=audience, category=category, resend=resend, user=user)
    result = progress(batch)
    while batch.state is BatchState.running:
        result = send_chunk(batch, user=user)
    return result


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


def ensure_links(meeting: Meeting, participants: list[Participant], *, user: User | None = None) -> int:
    """A link for each of these participants who has none that can be shown; answers how many were made."""
    links = active_links(p.id for p in participants)
    made = 0
    for participant in participants:
        if link_secret(links.get(participant.id)) is None:
            _issue(participant, user)
            made += 1
    if made:
        db.session.commit()
    return made
