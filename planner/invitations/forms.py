"""Forms of the invitations page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField
from wtforms.validators import Optional

from planner.delegates.forms import category_choices
from planner.invitations.models import AUDIENCE_LABELS, Audience


class SendForm(FlaskForm):
    audience = RadioField(_l("Send to"), choices=[(a.value, label) for a, label in AUDIENCE_LABELS.items()],
                          default=Audience.unsent.value)
    category = SelectField(_l("Category"), choices=[], validators=[Optional()])
    resend = BooleanField(_l("Send again to those who have this invitation already"),
                          description=_l("Without this, nobody receives the same invitation twice."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = category_choices()
