"""Forms of the elections pages. Choices (delegates) are set by the view from the meeting; the services check
everything again (the per-candidate votes of a tally are read by the view, one field per name)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from planner.elections.models import ELECTION_BODY_LABELS, NOMINATION_LABELS
from planner.elections.rules import InvalidReason

REQUIRED = _l("This field is required.")
COUNT = [Optional(), NumberRange(min=0, max=1_000_000)]

INVALID_REASON_LABELS = {
    InvalidReason.not_issued: _l("Not issued by the counting committee"),
    InvalidReason.too_many: _l("More names kept than seats"),
    InvalidReason.all_struck: _l("Every name struck out"),
    InvalidReason.single_unmarked: _l("Single name marked in both columns or neither"),
    InvalidReason.other: _l("Other reason"),
}


class ElectionForm(FlaskForm):
    body = SelectField(_l("Body to elect"), choices=[], validators=[DataRequired(REQUIRED)])
    title = StringField(_l("Title on the ballot"), validators=[Optional(), Length(max=500)],
                        description=_l("For example: Ban Chấp hành Đảng bộ phường khóa XV, nhiệm kỳ 2025 - 2030"))
    seats = IntegerField(_l("Number to elect"), validators=[DataRequired(REQUIRED), NumberRange(min=1, max=500)])
    seats_vote_id = SelectField(_l("The vote that decided the number"), choices=[], validators=[Optional()],
                                description=_l("A closed vote of this congress that adopted it; its numbers "
                                               "become the decision when none is written below."))
    seats_decision = TextAreaField(_l("How the congress decided the number"), validators=[Optional(), Length(max=2000)],
                                   description=_l("The show of hands that adopted it, e.g. 98/100 in favour."))
    surplus_decision = TextAreaField(_l("The congress's decision on the list"),
                                     validators=[Optional(), Length(max=2000)],
                                     description=_l("Needed when the list is beyond a surplus of 30 per cent, or "
                                                    "a committee's list has no surplus."))
    base_excluded = IntegerField(_l("Convened delegates left out of the base"), validators=COUNT, default=0)
    base_note = TextAreaField(_l("Why they are left out"), validators=[Optional(), Length(max=2000)])
    ballot_reserve = IntegerField(_l("Reserve ballots to print"), validators=COUNT, default=10)
    version = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.body.choices = [(body.value, label) for body, label in ELECTION_BODY_LABELS.items()]


class CandidateForm(FlaskForm):
    participant_id = SelectField(_l("Delegate"), choices=[], validators=[Optional()])
    full_name = StringField(_l("Or the full name"), validators=[Optional(), Length(max=360)],
                            description=_l("Someone who is not on the delegate list."))
    nominated_by = SelectField(_l("Nominated by"), choices=[])
    agreeing = IntegerField(_l("Delegates agreeing"), validators=COUNT,
                            description=_l("A floor or self nomination needs more than 30 per cent of those "
                                           "present."))
    present = IntegerField(_l("Delegates present"), validators=COUNT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.nominated_by.choices = [(n.value, label) for n, label in NOMINATION_LABELS.items()]


class TallyForm(FlaskForm):
    present = IntegerField(_l("Delegates present"), validators=COUNT)
    issued = IntegerField(_l("Ballots issued"), validators=COUNT)
    returned = IntegerField(_l("Ballots returned"), validators=COUNT)
    spoiled = IntegerField(_l("Ballots spoiled"), validators=COUNT)
    replaced = IntegerField(_l("Ballots replaced"), validators=COUNT)
    valid = IntegerField(_l("Valid ballots"), validators=COUNT)
    invalid = IntegerField(_l("Invalid ballots"), validators=COUNT)
    status = HiddenField()
    reason = TextAreaField(_l("Reason of the correction"), validators=[Optional(), Length(max=2000)])
    version = HiddenField()


class CredentialsForm(FlaskForm):
    disqualified = IntegerField(_l("Delegates not qualified"), validators=COUNT, default=0)
    cases = TextAreaField(_l("Cases examined"), validators=[Optional(), Length(max=20000)],
                          description=_l("One per line: petitions, replacements, delegates whose credentials "
                                         "were questioned, and the committee's conclusion."))
    signer_name = StringField(_l("Chair of the credentials committee"), validators=[Optional(), Length(max=255)])
    version = HiddenField()
