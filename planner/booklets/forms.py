"""Forms of the Print tab: the booklet's settings and logo, the seating plan and single seats."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from planner.booklets import seating
from planner.booklets.models import (
    PAPER_LABELS,
    PROGRAMME_SOURCE_LABELS,
    SEATING_MODE_LABELS,
    SECTION_LABELS,
)

REQUIRED = _l("This field is required.")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _choices(labels: dict[Any, Any]) -> list[tuple[str, Any]]:
    return [(key.value, label) for key, label in labels.items()]


class BookletForm(FlaskForm):
    paper = RadioField(_l("Paper"), choices=_choices(PAPER_LABELS), default="a5",
                       description=_l("A5 pages come out in a number divisible by four: print them with the "
                                      "printer's booklet setting, two pages to each side of an A4 sheet, and fold."))
    sections = MultiCheckboxField(_l("Sections"), choices=_choices(SECTION_LABELS),
                                  description=_l("The cover always comes first; the sections follow in this order."))
    programme_source = RadioField(_l("Programme"), choices=_choices(PROGRAMME_SOURCE_LABELS), default="release",
                                  description=_l("Without a published version, the working draft is printed."))
    foreword = TextAreaField(_l("Foreword"), validators=[Length(max=20_000)], render_kw={"rows": 8},
                             description=_l("Blank lines separate paragraphs."))
    foreword_signature = StringField(_l("Signed by"), validators=[Length(max=255)],
                                     description=_l("Under the foreword, e.g. BAN TỔ CHỨC."))
    practical_info = TextAreaField(_l("Practical information"), validators=[Length(max=20_000)],
                                   render_kw={"rows": 8},
                                   description=_l("Transport, meals, contacts… Blank lines separate paragraphs; "
                                                  "lines starting with “-” become a list."))
    version = HiddenField()


class LogoForm(FlaskForm):
    logo = FileField(_l("Emblem or logo (PNG, JPEG or SVG)"), validators=[FileRequired(_l("Choose an image."))])


class ConfirmForm(FlaskForm):
    pass


class SeatingPlanForm(FlaskForm):
    rows = IntegerField(_l("Rows in the hall"), validators=[InputRequired(REQUIRED),
                                                           NumberRange(1, seating.MAX_ROWS)], default=10)
    seats_per_row = IntegerField(_l("Seats per row"), validators=[InputRequired(REQUIRED),
                                                                  NumberRange(1, seating.MAX_SEATS_PER_ROW)],
                                 default=20)
    presidium_size = IntegerField(_l("Seats in the presidium"),
                                  validators=[InputRequired(REQUIRED), NumberRange(0, seating.MAX_PRESIDIUM)],
                                  default=7, description=_l("The meeting's presiding persons sit there; without "
                                                            "them, the highest-ranking leaders and guests."))
    mode = RadioField(_l("Seating in the hall"), choices=_choices(SEATING_MODE_LABELS), default="protocol")
    version = HiddenField()


class SeatForm(FlaskForm):
    participant = SelectField(_l("Participant"), choices=[], validators=[InputRequired(REQUIRED)])
    seat = StringField(_l("Seat"), validators=[Length(max=16)],
                       description=_l("Row and number (A-12), or CT-1 … for the presidium; empty: no seat. "
                                      "When someone else holds the seat, the two swap."))
