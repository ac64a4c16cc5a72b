"""Forms of the calendar feed pages; the services check everything again."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from planner.calendars.models import CLASSIFIED_MODE_LABELS, DEFAULT_REFRESH_MINUTES

REQUIRED = _l("This field is required.")


class MeetingFeedForm(FlaskForm):
    label = StringField(_l("Name of the link"), validators=[Optional(), Length(max=120)],
                        description=_l("Who the link is for, e.g. “Press” or “Provincial leaders”."))


class PersonalFeedForm(FlaskForm):
    participant_id = SelectField(_l("Delegate"), choices=[], validators=[DataRequired(REQUIRED)])


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class SettingsForm(FlaskForm):
    classified = SelectField(_l("Classified items (mật and above) in feeds"), choices=[])
    refresh_minutes = IntegerField(_l("Suggested refresh interval (minutes)"), default=DEFAULT_REFRESH_MINUTES,
                                   validators=[Optional(), NumberRange(min=15, max=24 * 60)],
                                   description=_l("How often calendar apps should fetch the feeds again. Most "
                                                  "apps take it as a hint; Google Calendar decides by itself."))
    version = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.classified.choices = [(mode.value, label) for mode, label in CLASSIFIED_MODE_LABELS.items()]
