"""Reminders of a consultation's deadline by e-mail: who is due (services.due_reminders), the message, and
sending them, each member marked reminded with its audit entry as soon as their e-mail is accepted (so a
run that stops half-way never reminds anyone twice). The command ``planner consultations remind`` and the
periodic job both call ``send_due``."""

from __future__ import annotations

import contextlib
import smtplib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from planner.consultations import services
from planner.consultations.models import ConsultationMember
from planner.core import mail, public_urls
from planner.core.mail import MailError, MailSettings, connect, error_text, mail_settings
from planner.core.models import utcnow


@dataclass
class Outcome:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    error: str = ""


def due(now: datetime | None = None) -> list[ConsultationMember]:
    return services.due_reminders(now)


def member_url(secret: str) -> str | None:
    """The link as an e-mail carries it: at the configured public address (nothing else is reachable)."""
    return public_urls.url("consultations.member", token=secret)


def compose(member: ConsultationMember, url: str, settings: MailSettings) -> EmailMessage:
    consultation = member.consultation
    org = consultation.organization
    language = org.language if org.language in current_app.config["LANGUAGES"] else "vi"
    with force_locale(language):
        title = _("Written consultation (classified)") if services.withheld(consultation) else consultation.title
        lines = [
            _("Dear %(name)s,", name=" ".join(p for p in (member.honorific, member.full_name) if p)),
            "",
            _("%(organization)s is waiting for your answer to the written consultation: %(title)s.",
              organization=org.name, title=title),
            _("Answers are taken until %(when)s.", when=services.deadline_text(consultation)),
            "",
            url,
            "",
            _("The link is yours alone: please do not forward it."),
            "", org.name,
        ]
        subject = _("Reminder: %(title)s", title=title)
    return mail.message(settings, sender_name=org.name, to=(member.full_name, member.email), subject=subject,
                        body="\n".join(lines) + "\n", language=language)


def send_due(now: datetime | None = None) -> Outcome:
    """Send every reminder due now. Without mail settings or a public address nothing is sent (the outcome
    says why); a refused recipient counts as failed and is tried again on the next run."""
    outcome = Outcome()
    members = due(now)
    if not members:
        return outcome
    settings = mail_settings()
    if settings is None:
        outcome.skipped = len(members)
        outcome.error = _("Sending e-mail is turned off (MAIL_SERVER is not set): no reminder was sent.")
        return outcome
    if public_urls.base_url() is None:
        outcome.skipped = len(members)
        outcome.error = public_urls.problem() or ""
        return outcome
    try:
        smtp = connect(settings)
    except MailError as exc:
        outcome.skipped = len(members)
        outcome.error = exc.message
        return outcome
    try:
        for member in members:
            secret = services.link_secret(member)
            url = member_url(secret) if secret else None
            if url is None:
                outcome.skipped += 1
                continue
            try:
                smtp.send_message(compose(member, url, settings))
            except smtplib.SMTPRecipientsRefused as exc:
                outcome.failed += 1
                outcome.error = error_text(exc)
                continue
            except (OSError, smtplib.SMTPException) as exc:
                outcome.failed += 1
                outcome.error = _("The connection to the mail server broke: %(error)s", error=error_text(exc))
                break
            services.mark_reminded([member], now or utcnow())
            outcome.sent += 1
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            smtp.quit()
    return outcome
