"""Sending e-mail: the SMTP settings (MAIL_* configuration) and the connection, shared by everything that
mails (invitations, consultation reminders). Sending turns off when MAIL_SERVER is empty."""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from typing import Any

from flask import current_app
from flask_babel import gettext as _


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


def flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def message(settings: MailSettings, *, sender_name: str, to: tuple[str, str], subject: str, body: str,
            language: str | None = None, message_id: str | None = None) -> EmailMessage:
    """A plain-text e-mail from the organization (its name, the configured sender address) to ``to``
    (name, address), dated now. Its Message-ID is a fresh one on the sender's domain unless given (a
    stable one lets mail programs see a message sent again as the same)."""
    mail = EmailMessage()
    mail["Subject"] = subject
    mail["From"] = formataddr((sender_name, settings.sender))
    mail["To"] = formataddr(to)
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = message_id or make_msgid(domain=sender_domain(settings))
    if language:
        mail["Content-Language"] = language
    mail.set_content(body)
    return mail


def sender_domain(settings: MailSettings) -> str:
    """The domain of the sender address, for Message-IDs."""
    return settings.sender.rpartition("@")[2] or "planner.invalid"


def mail_settings() -> MailSettings | None:
    """The SMTP settings, or None when sending is turned off (MAIL_SERVER empty)."""
    config = current_app.config
    server = str(config.get("MAIL_SERVER") or "").strip()
    if not server:
        return None
    use_ssl = flag(config.get("MAIL_USE_SSL"))
    try:
        port = int(config.get("MAIL_PORT") or (465 if use_ssl else 25))
    except (TypeError, ValueError):
        port = 465 if use_ssl else 25
    sender = str(config.get("MAIL_FROM") or config.get("MAIL_DEFAULT_SENDER") or "").strip()
    if not sender:
        sender = f"planner@{socket.getfqdn() or 'localhost'}"
    return MailSettings(server=server, port=port, use_tls=flag(config.get("MAIL_USE_TLS")), use_ssl=use_ssl,
                        username=str(config.get("MAIL_USERNAME") or ""),
                        password=str(config.get("MAIL_PASSWORD") or ""), sender=sender,
                        timeout=float(config.get("MAIL_TIMEOUT") or 20))


class MailError(Exception):
    """The mail server could not be reached or refused us (the batch stops; nothing is lost)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def connect(settings: MailSettings) -> smtplib.SMTP:
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
                          server=f"{settings.server}:{settings.port}", error=error_text(exc))) from None
    return smtp


def error_text(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        message = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"{exc.smtp_code} {message}"[:500]
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{addr}: {code} {msg.decode('utf-8', 'replace') if isinstance(msg, bytes) else msg}"
                         for addr, (code, msg) in exc.recipients.items())[:500]
    return (str(exc) or type(exc).__name__)[:500]
