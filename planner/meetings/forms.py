"""Forms of the meeting pages."""

from __future__ import annotations

import zoneinfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from planner.accounts.models import LANGUAGE_LABELS
from planner.core.fields import ClockField, DayField, OrderedSelectMultipleField
from planner.core.permissions import CLASSIFICATION_LABELS
from planner.meetings.models import MEETING_KIND_LABELS, MEETING_STATUS_LABELS
from planner.meetings.recurrence import WEEKDAYS, ordinal_labels, weekday_names

REQUIRED = _l("This field is required.")
TIME_MESSAGE = _l("Enter a time such as 08:00.")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def kind_choices():
    return [(kind.value, label) for kind, label in MEETING_KIND_LABELS.items()]


def status_choices():
    return [(status.value, label) for status, label in MEETING_STATUS_LABELS.items()]


def _classification_choices():
    return [(level.value, label) for level, label in CLASSIFICATION_LABELS.items()]


def _timezone_choices():
    return sorted(zoneinfo.available_timezones())


def _repeat_choices():
    return [("", _l("Does not repeat")), ("weekly", _l("Every week")), ("monthly", _l("Every month"))]


def _weekday_choices():
    return list(weekday_names().items())


def _nth_choices():
    return [(str(n), label) for n, label in ordinal_labels().items()]


class MeetingForm(FlaskForm):
    version = HiddenField()
    title = StringField(_l("Name of the meeting"), validators=[DataRequired(REQUIRED), Length(max=500)],
                        description=_l("e.g. Hội nghị tổng kết công tác năm 2026"))
    kind = SelectField(_l("Kind"), choices=kind_choices, default="meeting")
    classification = SelectField(_l("Classification"), choices=_classification_choices, default="none",
                                 description=_l("Unclassified meetings get a public programme page once published."))
    starts_on = DayField(_l("First day"), validators=[InputRequired(REQUIRED)])
    ends_on = DayField(_l("Last day"), validators=[Optional()], description=_l("Leave empty for a one-day meeting."))
    start_time = ClockField(_l("Starts at"), validators=[Optional()])
    end_time = ClockField(_l("Ends at"), validators=[Optional()])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=500)],
                        description=_l("e.g. Hội trường Thành ủy, 270 Trưng Nữ Vương"))
    city = StringField(_l("Place of the date line"), validators=[Optional(), Length(max=120)],
                       description=_l("e.g. Đà Nẵng, as in “Đà Nẵng, ngày 05 tháng 7 năm 2026”"))
    timezone = SelectField(_l("Time zone"), choices=_timezone_choices, default="Asia/Ho_Chi_Minh")
    language = SelectField(_l("Language"), choices=lambda: list(LANGUAGE_LABELS.items()), default="vi")
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20_000)])
    # The people picker sends the chosen in the order of its chips (co-chairs first to last).
    presiding_ids = OrderedSelectMultipleField(_l("Presiding (chủ trì)"), choices=[], validate_choice=False,
                                        description=_l("From the people directory: whoever is not on the list yet "
                                                       "is added to it. Co-chairs in their order."))
    secretary_ids = OrderedSelectMultipleField(_l("Secretaries (thư ký)"), choices=[], validate_choice=False,
                                        description=_l("A delegate, or a staff member of the office who is not a "
                                                       "delegate: they are added to the list as staff."))
    # Recurrence: turned into an RRULE by meetings.recurrence.build_rule.
    repeat = SelectField(_l("Repeats"), choices=_repeat_choices, default="")
    interval = IntegerField(_l("Every"), default=1, validators=[Optional(), NumberRange(min=1, max=52)],
                            description=_l("1 = every week (month), 2 = every other week (month)…"))
    weekdays = MultiCheckboxField(_l("On"), choices=_weekday_choices, default=[], validate_choice=False)
    month_nth = SelectField(_l("Which"), choices=_nth_choices, default="1")
    month_weekday = SelectField(_l("Weekday"), choices=_weekday_choices, default=WEEKDAYS[0])
    until = DayField(_l("Until"), validators=[Optional()], description=_l("The last day on which it may take place."))
    count = IntegerField(_l("Or this many times"), validators=[Optional(), NumberRange(min=1, max=1000)])


class StatusForm(FlaskForm):
    version = HiddenField()
    status = HiddenField(validators=[DataRequired()])


class DeleteForm(FlaskForm):
    version = HiddenField()


class RoomForm(FlaskForm):
    version = HiddenField()
    name = StringField(_l("Name of the room"), validators=[DataRequired(REQUIRED), Length(max=255)],
                       description=_l("e.g. Hội trường A"))
    capacity = IntegerField(_l("Seats"), validators=[Optional(), NumberRange(min=1, message=_l(
        "The capacity must be at least 1 seat."))])


class MoveOccurrenceForm(FlaskForm):
    new_date = DayField(_l("New day"), validators=[InputRequired(REQUIRED)])
    new_start_time = ClockField(_l("Starts at"), validators=[Optional()])
    new_end_time = ClockField(_l("Ends at"), validators=[Optional()])
    new_venue = StringField(_l("Venue"), validators=[Optional(), Length(max=500)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)],
                       description=_l("Shown beside the occurrence, e.g. the reason."))


class CancelOccurrenceForm(FlaskForm):
    note = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])
