"""Reminders by e-mail of the home page's to-dos that fall due (invitations by the lead time, letters,
minutes and notices by their working-day deadlines, approvals): one e-mail per person listing their to-dos
due within WARN_WORKING_DAYS or overdue, each to-do and deadline mentioned once in that person's life.

Idempotent: the marks (``ReminderSent``, unique per person, meeting, kind and deadline) are written in the
same unit of work as the sending and committed once the server has accepted the e-mail; a second run, or a
second worker at the same moment, finds them and sends nothing. A mail server that cannot be reached rolls
the marks back and the periodic job is tried again."""

from __future__ import annotations

import smtplib
from datetime import date
from email.message import EmailMessage

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from planner.accounts.models import Membership, Organization, User
from planner.core import audit, mail, public_urls, workdays
from planner.core.db import atomic
from planner.core.errors import Conflict
from planner.core.mail import MailError, MailSettings, connect, error_text, mail_settings
from planner.core.permissions import Role
from planner.documents import services as document_services
from planner.extensions import db
from planner.reports import services
from planner.reports.models import ReminderSent

CLERKS = (Role.admin, Role.organizer, Role.secretary)


def due_todos(org: Organization, user: User, today: date) -> list[services.ToDo]:
    """The user's to-dos with a deadline within the warning days, or past it, not yet reminded of."""
    holidays = document_services.holidays(org)
    found = [t for t in services.todos(org, user, today=today) if t.due is not None and (
        t.overdue or workdays.working_days_between(today, t.due, holidays) <= services.WARN_WORKING_DAYS)]
    if not found:
        return []
    done = set(db.session.execute(select(ReminderSent.meeting_id, ReminderSent.kind, ReminderSent.due).where(
        ReminderSent.user_id == user.id, ReminderSent.meeting_id.in_([t.meeting.id for t in found]))).all())
    return [t for t in found if (t.meeting.id, t.kind.value, t.due) not in done]


def _message(org: Organization, user: User, todos: list[services.ToDo], settings: MailSettings) -> EmailMessage:
    with force_locale(user.language or "vi"):
        body = render_template("reports/reminder.txt", user=user, organization=org, todos=todos,
                               base=public_urls.base_url() or "")
        subject = _("Reminder: %(n)d task(s) falling due", n=len(todos))
    return mail.message(settings, sender_name=org.name, to=(user.name, user.email), subject=subject, body=body)


class _Refused(Exception):
    pass


def _remind(org: Organization, user: User, todos: list[services.ToDo], smtp: smtplib.SMTP,
            settings: MailSettings) -> None:
    """The marks and the e-mail in one unit: committed once the server has accepted it."""
    with atomic():
        for t in todos:
            db.session.add(ReminderSent(user_id=user.id, organization_id=org.id, meeting_id=t.meeting.id,
                                        kind=t.kind.value, due=t.due))
        audit.record(db.session, organization_id=org.id, action="reminder.sent", object_type="user",
                     object_id=user.public_id, summary=f"{len(todos)} → {user.email}",
                     changes={"todos": [[t.meeting.public_id, t.kind.value, str(t.due)] for t in todos]},
                     actor_label="reminders")
        db.session.flush()    # a second worker's marks clash here, before anything is sent
        try:
            smtp.send_message(_message(org, user, todos, settings), from_addr=settings.sender, to_addrs=[user.email])
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            raise _Refused(error_text(exc)) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(error_text(exc)) from None


def send_due(today: date | None = None) -> int:
    """Remind every clerk of every organization of their to-dos falling due; answers the e-mails sent."""
    settings = mail_settings()
    if settings is None:
        return 0
    sent = 0
    smtp = None
    try:
        rows = db.session.execute(
            select(Organization, User).join(Membership, Membership.organization_id == Organization.id)
            .join(User, User.id == Membership.user_id)
            .where(Membership.role.in_(CLERKS), User.active.is_(True), User.email != "")
            .order_by(Organization.id, User.id)).all()
        for org, user in rows:
            todos = due_todos(org, user, today or services.local_today(org))
            if not todos:
                continue
            if smtp is None:
                smtp = connect(settings)
            try:
                _remind(org, user, todos, smtp, settings)
            except (Conflict, _Refused):
                continue          # reminded meanwhile by another worker, or the address is refused
            sent += 1
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except Exception:
                smtp.close()
    return sent
