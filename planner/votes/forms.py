"""Forms of the votes pages. Choices (items, delegates) are set by the view from the meeting; the services check
everything again. The fields carry stable ids (``vote-title``, ``vote-yes``…) that browser tests rely on."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from planner.core.fields import OrderedSelectMultipleField
from planner.votes.models import MAJORITY_LABELS, VOTE_BASE_LABELS, VOTE_METHOD_LABELS

REQUIRED = _l("This field is required.")
COUNT = [Optional(), NumberRange(min=0, max=1_000_000, message=_l("Enter the number as a whole number, 0 or more."))]


class VoteForm(FlaskForm):
    item_id = SelectField(_l("Agenda item"), choices=[], validators=[DataRequired(REQUIRED)], id="vote-item")
    title = StringField(_l("Question put to the vote"), validators=[DataRequired(REQUIRED), Length(max=1000)],
                        id="vote-title",
                        description=_l("For example: Thông qua Nghị quyết Đại hội; Thông qua Quy chế làm việc."))
    method = SelectField(_l("Voting method"), choices=[], default="show_of_hands", id="vote-method")
    secret = BooleanField(_l("Secret (electronic votes): no record of who chose what"), default=True,
                          id="vote-secret")
    majority = SelectField(_l("Majority needed"), choices=[], default="more_than_half", id="vote-majority")
    base = SelectField(_l("Counted against"), choices=[], default="present", id="vote-base")
    version = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.method.choices = [(k.value, label) for k, label in VOTE_METHOD_LABELS.items()]
        self.majority.choices = [(k.value, label) for k, label in MAJORITY_LABELS.items()]
        self.base.choices = [(k.value, label) for k, label in VOTE_BASE_LABELS.items()]


class ActionForm(FlaskForm):
    """Open, close, delete: the version the page showed."""

    version = HiddenField()


class CountsForm(FlaskForm):
    yes = IntegerField(_l("For (tán thành)"), validators=COUNT, id="vote-yes")
    no = IntegerField(_l("Against (không tán thành)"), validators=COUNT, id="vote-no")
    abstain = IntegerField(_l("Abstaining (không biểu quyết)"), validators=COUNT, id="vote-abstain")
    version = HiddenField()


class CorrectionForm(FlaskForm):
    yes = IntegerField(_l("For (tán thành)"), validators=COUNT, id="correct-yes")
    no = IntegerField(_l("Against (không tán thành)"), validators=COUNT, id="correct-no")
    abstain = IntegerField(_l("Abstaining (không biểu quyết)"), validators=COUNT, id="correct-abstain")
    reason = TextAreaField(_l("Reason for the correction"), validators=[DataRequired(REQUIRED), Length(max=2000)],
                           id="correct-reason",
                           description=_l("Kept with the vote and in the audit log, with your name."))
    version = HiddenField()


class ChoiceForm(FlaskForm):
    participant_id = HiddenField(validators=[DataRequired(REQUIRED)])
    choice = HiddenField()


class BodyForm(FlaskForm):
    participant_ids = OrderedSelectMultipleField(_l("Members, in order (the first chairs)"), choices=[],
                                                 validate_choice=False, validators=[Optional()])
    version = HiddenField()


class BodyVoteForm(FlaskForm):
    item_id = SelectField(_l("Voted on the item"), choices=[], validators=[DataRequired(REQUIRED)])
    version = HiddenField()
