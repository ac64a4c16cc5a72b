"""Forms of the delegate's personal page, the invitations page and the check-in desk."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from planner.delegates.forms import category_choices
from planner.delegates.invitation_models import AUDIENCE_LABELS, Audience
from planner.delegates.invitations import MAX_NOTE


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class RsvpForm(FlaskForm):
    """Accept or decline: the answer is the button pressed (name ``rsvp``); the note is optional."""

    note = TextAreaField(_l("A note for the organizers (optional)"), validators=[Optional(), Length(max=MAX_NOTE)],
                         description=_l("For example: who comes in your place, or when you arrive."),
                         render_kw={"rows": 2, "maxlength": MAX_NOTE})


class SpeakForm(FlaskForm):
    title = StringField(_l("Subject of your contribution (optional)"), validators=[Optional(), Length(max=1000)],
                        render_kw={"maxlength": 1000})


class SendForm(FlaskForm):
    audience = RadioField(_l("Send to"), choices=[(a.value, label) for a, label in AUDIENCE_LABELS.items()],
                          default=Audience.unsent.value)
    category = SelectField(_l("Category"), choices=[], validators=[Optional()])
    resend = BooleanField(_l("Send again to those who have this invitation already"),
                          description=_l("Without this, nobody receives the same invitation twice."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = category_choices()
