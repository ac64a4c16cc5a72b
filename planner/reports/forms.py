"""The filter of the statistics page: a GET form (no CSRF: it changes nothing)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Form, SelectField
from wtforms.validators import Optional

from planner.core.fields import DayField
from planner.meetings.forms import MultiCheckboxField, kind_choices
from planner.reports.services import Grouping

GROUPING_LABELS = {
    Grouping.month: _l("By month"),
    Grouping.quarter: _l("By quarter"),
    Grouping.year: _l("By year"),
}


class StatisticsFilterForm(Form):
    start = DayField(_l("From"), validators=[Optional()])
    end = DayField(_l("To"), validators=[Optional()])
    grouping = SelectField(_l("Periods"), choices=[(g.value, label) for g, label in GROUPING_LABELS.items()],
                           default=Grouping.month.value, validators=[Optional()])
    kind = MultiCheckboxField(_l("Kinds of meeting"), choices=kind_choices, validators=[Optional()],
                              description=_l("None ticked: every kind."))
