"""Forms of the invitations page and of the invitation letter."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from planner.delegates.forms import category_choices
from planner.invitations.models import AUDIENCE_LABELS, Audience
from planner.minutes.forms import VersionForm
from planner.minutes.models import INVITATION_MODE_LABELS


class SendForm(FlaskForm):
    audience = RadioField(_l("Send to"), choices=[(a.value, label) for a, label in AUDIENCE_LABELS.items()],
                          default=Audience.unsent.value)
    category = SelectField(_l("Category"), choices=[], validators=[Optional()])
    resend = BooleanField(_l("Send again to those who have this invitation already"),
                          description=_l("Without this, nobody receives the same invitation twice."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = category_choices()


class InvitationForm(VersionForm):
    mode = RadioField(_l("Letters"), choices=[(k.value, v) for k, v in INVITATION_MODE_LABELS.items()])
    addressee = StringField(_l("Attendees (thành phần)"),
                            description=_l("Who is invited, as the letter says it, e.g. “Các đồng chí Ủy viên Ban "
                                           "Thường vụ Thành ủy”. The letter for all is addressed to them (left "
                                           "empty: “the participants listed in the attachment”)."))
    content = TextAreaField(_l("Content"), description=_l("Left empty: the meeting's description."))
    preparation = TextAreaField(_l("What to prepare"))
    contact = StringField(_l("Contact person"), description=_l("Name and position, e.g. “đồng chí Lê Thị Mai - "
                                                                 "Chuyên viên Phòng Tổng hợp”"))
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=64)],
                                render_kw={"maxlength": 64, "inputmode": "tel"})


class IssueForm(FlaskForm):
    """Issue the invitation: only the CSRF token (the check runs in the service)."""
