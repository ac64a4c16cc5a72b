"""Forms of the agenda pages. Choices (days, sessions, rooms, participants) are set by the view
from the meeting; the services check everything again."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from planner.agenda.models import AGENDA_ITEM_KIND_LABELS, AgendaItemStatus
from planner.core.fields import ClockField, OrderedSelectMultipleField
from planner.core.permissions import CLASSIFICATION_LABELS

REQUIRED = _l("This field is required.")

STATUS_LABELS = {
    AgendaItemStatus.scheduled: _l("Scheduled"),
    AgendaItemStatus.cancelled: _l("Cancelled"),
}


class ItemForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[(k.value, label) for k, label in AGENDA_ITEM_KIND_LABELS.items()],
                       default="report")
    title = StringField(_l("Title (Nội dung)"), validators=[DataRequired(REQUIRED), Length(max=1000)])
    parent_id = SelectField(_l("Session"), choices=[], default="",
                            description=_l("An item of a session lies within the session's time."))
    day = SelectField(_l("Day"), choices=[], validators=[DataRequired(REQUIRED)])
    start = ClockField(_l("Starts at"), validators=[InputRequired(REQUIRED)])
    end = ClockField(_l("Ends at"), validators=[InputRequired(REQUIRED)])
    room_id = SelectField(_l("Room"), choices=[], default="")
    presiding_ids = OrderedSelectMultipleField(_l("Presiding"), choices=[])  # drawn by the people picker, in order
    performer = StringField(_l("Performed by (as printed)"), validators=[Length(max=500)],
                            description=_l("For the programme's “Người thực hiện” column, e.g. "
                                           "“Lãnh đạo Văn phòng”. Empty: the presiding persons are printed."))
    description = TextAreaField(_l("Description"), validators=[Length(max=10000)])
    classification = SelectField(_l("Classification"), choices=[], default="none",
                                 description=_l("Internal and classified items never appear on the public "
                                                "programme."))
    status = SelectField(_l("Status"), choices=[(s.value, label) for s, label in STATUS_LABELS.items()],
                         default="scheduled",
                         description=_l("A cancelled item stays in the programme, struck through, so that "
                                        "calendars can cancel it."))
    version = HiddenField()
    save_anyway = BooleanField(_l("Save anyway: it is another item with the same title"))
    view = HiddenField()


def classification_choices(clearance: str | None) -> list[tuple[str, object]]:
    from planner.core.permissions import cleared_for

    return [(level.value, label) for level, label in CLASSIFICATION_LABELS.items() if cleared_for(clearance, level)]


class ShiftForm(FlaskForm):
    minutes = IntegerField(_l("Minutes"), validators=[InputRequired(REQUIRED), NumberRange(min=-720, max=720)],
                           default=15)


class MoveSessionForm(FlaskForm):
    day = SelectField(_l("Move to"), choices=[], validators=[DataRequired(REQUIRED)])


class DeleteForm(FlaskForm):
    with_items = BooleanField(_l("Also delete the items of this session"))
    version = HiddenField()


class CopyForm(FlaskForm):
    source = SelectField(_l("Copy the agenda of"), choices=[], validators=[DataRequired(REQUIRED)])
    confirm = BooleanField(_l("Add the copied items to the items already on this agenda"))


class PublishForm(FlaskForm):
    note = TextAreaField(_l("Note for this version (optional)"), validators=[Optional(), Length(max=2000)])
    publish_meeting = BooleanField(_l("Also publish the meeting (its public programme page goes online)"),
                                   default=True)
