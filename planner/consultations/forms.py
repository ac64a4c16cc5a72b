"""Forms of the consultation pages and of the member's link. Choices are set by the view; the services
check everything again."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from planner.consultations.models import ANSWER_LABELS
from planner.consultations.services import MAX_OPINION, MAX_QUESTION, MAX_REMIND_HOURS, MAX_TITLE
from planner.core.fields import ClockField, DayField, OrderedSelectMultipleField
from planner.core.permissions import CLASSIFICATION_LABELS

REQUIRED = _l("This field is required.")


class ConsultationForm(FlaskForm):
    title = StringField(_l("Subject"), validators=[InputRequired(REQUIRED), Length(max=MAX_TITLE)],
                        description=_l("What the members are asked about, e.g. Dự thảo Nghị quyết về …"))
    question = TextAreaField(_l("Question"), validators=[InputRequired(REQUIRED), Length(max=MAX_QUESTION)],
                             description=_l("The question as the members will read it; they answer agree, disagree "
                                            "or other opinion."), render_kw={"rows": 6})
    classification = SelectField(_l("Classification"), default="none")
    deadline_day = DayField(_l("Answers until (day)"), validators=[InputRequired(REQUIRED)])
    deadline_time = ClockField(_l("Answers until (time)"), validators=[Optional()],
                               description=_l("Empty: 17:00."))
    remind_hours = IntegerField(_l("Reminder (hours before the deadline)"), default=24,
                                validators=[Optional(), NumberRange(min=0, max=MAX_REMIND_HOURS)],
                                description=_l("Members who have not answered are reminded by e-mail once, this "
                                               "many hours before the deadline. 0: no reminder."))
    version = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.classification.choices = [(level.value, label) for level, label in CLASSIFICATION_LABELS.items()]


class PeopleForm(FlaskForm):
    person_ids = OrderedSelectMultipleField(_l("Members from the people directory"), choices=[],
                                            validate_choice=False)


class MeetingMembersForm(FlaskForm):
    meeting_id = SelectField(_l("All delegates of a meeting"), choices=[], validate_choice=False)


class DocumentForm(FlaskForm):
    file = FileField(_l("Document (DOCX or PDF)"), validators=[FileRequired(_l("Choose a file."))])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=MAX_TITLE)],
                        description=_l("Empty: the file's name."))


class ConfirmForm(FlaskForm):
    """A button that changes something: the CSRF token and the version the page showed."""

    version = HiddenField()


class AnswerForm(FlaskForm):
    answer = RadioField(_l("Choose your answer"), choices=[], validators=[InputRequired(_l("Choose your answer."))])
    opinion = TextAreaField(_l("Your opinion"), validators=[Optional(), Length(max=MAX_OPINION)],
                            description=_l("Required with “other opinion”; optional otherwise."),
                            render_kw={"rows": 5, "maxlength": MAX_OPINION})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.answer.choices = [(value.value, label) for value, label in ANSWER_LABELS.items()]
