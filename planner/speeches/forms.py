"""Forms of the speakers pages. Choices (speakers) are set by the view from the meeting; the services
check everything again."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from planner.speeches.models import DEFAULT_UNTIMED_KINDS, SPEECH_KIND_LABELS

REQUIRED = _l("This field is required.")


def kind_choices() -> list[tuple[str, object]]:
    return [(kind.value, label) for kind, label in SPEECH_KIND_LABELS.items()]


class SpeechForm(FlaskForm):
    participant_id = SelectField(_l("Speaker"), choices=[], validators=[DataRequired(REQUIRED)])
    kind = SelectField(_l("Kind of speech"), choices=[], default="discussion")
    title = StringField(_l("Title of the speech"), validators=[Optional(), Length(max=1000)],
                        description=_l("The subject of the report or contribution, as printed."))
    allotted = StringField(_l("Allotted time (minutes)"), validators=[Optional(), Length(max=12)],
                           description=_l("For example 7 or 7:30. Empty: no time limit."))
    version = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = kind_choices()


class ControlForm(FlaskForm):
    """Every button of the live control and of the list's rows: the action, the speech (or item) it
    concerns, and the revision of the list the page showed."""

    action = HiddenField()
    speech = HiddenField()
    item = HiddenField()
    revision = HiddenField()


class TextForm(FlaskForm):
    file = FileField(_l("Text of the speech (DOCX or PDF)"), validators=[FileRequired(_l("Choose a file."))])
    check_against_delivery = BooleanField(_l("Check against delivery (the speech as delivered may differ)"),
                                          default=True)
    embargo = BooleanField(_l("Embargo: not visible to delegates before the speech is delivered"), default=True)


class TextFlagsForm(FlaskForm):
    embargo = HiddenField()
    check_against_delivery = HiddenField()


class SummaryForm(FlaskForm):
    summary = TextAreaField(_l("Summary for the minutes"), validators=[Optional(), Length(max=20000)],
                            description=_l("The substance of what the speaker said, as the minutes will record it."))
    version = HiddenField()


class DeleteForm(FlaskForm):
    version = HiddenField()


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


UNTIMED_HINT = _l("The display shows only the time spoken, with no time left and no overtime counter.")


class DisplayForm(FlaskForm):
    name = StringField(_l("Name of the display"), validators=[Optional(), Length(max=120)],
                       description=_l("For example “Projector, main hall”."))
    untimed_kinds = _Checkboxes(_l("Untimed speeches"), choices=kind_choices, default=list(DEFAULT_UNTIMED_KINDS),
                                description=UNTIMED_HINT)


class UntimedForm(FlaskForm):
    untimed_kinds = _Checkboxes(_l("Untimed speeches"), choices=kind_choices, description=UNTIMED_HINT)


class DecisionForm(FlaskForm):
    """Accept or decline a delegate's request or written contribution (the button pressed: ``decision``)."""

    decision = HiddenField()
    reason = TextAreaField(_l("Reason for declining (the delegate reads it)"),
                           validators=[Optional(), Length(max=1000)], render_kw={"rows": 2, "maxlength": 1000})
