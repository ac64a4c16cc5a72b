"""The mail server settings and the invitation e-mail."""


from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from planner.calendars import services as calendar_services
from planner.delegates.models import Participant
from planner.invitations.services.links import link_url
from planner.invitations.services.wording import addressee, when_text, where_text, withheld

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


