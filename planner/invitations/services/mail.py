"""The invitation e-mail (the mail server's settings and connection are core.mail's, shared with every
package that mails)."""


from __future__ import annotations

from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from planner.calendars import services as calendar_services
from planner.core import mail
from planner.core.mail import MailSettings
from planner.delegates.models import Participant
from planner.invitations.services.links import link_url
from planner.invitations.services.wording import addressee, when_text, where_text, withheld

# The e-mail -----------------------------------------------------------------------------------------------

def compose(participant: Participant, secret: str, settings: MailSettings, *, key: str = "") -> EmailMessage:
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
    # The key of one sending to one person makes a stable Message-ID: should a worker die between the
    # server's acceptance and the sent mark, the e-mail sent again is the same message to mail programs.
    message = mail.message(settings, sender_name=org.name, to=(participant.full_name, participant.person.email),
                           subject=subject, body="\n".join(lines) + "\n", language=language,
                           message_id=f"<{key}@{mail.sender_domain(settings)}>" if key else None)
    message.add_attachment(ics, maintype="text", subtype="calendar", filename=filename,
                           params={"method": "REQUEST", "charset": "utf-8"})
    return message


