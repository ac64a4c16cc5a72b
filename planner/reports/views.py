"""The statistics page and its workbook; thin over reports.services."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_login import current_user

from planner.accounts.access import current_organization, require
from planner.core import exports
from planner.core.errors import ValidationError
from planner.core.fields import DayField
from planner.core.permissions import Permission
from planner.meetings.models import MEETING_KIND_LABELS
from planner.reports import presenting, services
from planner.reports.exports import STATISTICS_XLSX
from planner.reports.forms import StatisticsFilterForm

bp = Blueprint("reports", __name__)


def _statistics() -> tuple[StatisticsFilterForm, services.Statistics]:
    """The figures the filter asks for; a filter at fault shows its message and the default figures."""
    form = StatisticsFilterForm(request.args)
    # The service checks the choices with its own messages; only a day that does not parse (or lies beyond
    # the range) is the form's.
    for field in form:
        field.errors = list(field.process_errors) if isinstance(field, DayField) else []
    org, user = current_organization(), current_user._get_current_object()
    try:
        stats = services.statistics(org, user, start=form.start.data, end=form.end.data,
                                    grouping=form.grouping.data, kinds=form.kind.data)
    except ValidationError as error:
        field = getattr(form, error.field or "", None) or form.start
        field.errors = [*field.errors, error.message]
        stats = services.statistics(org, user)
    return form, stats


@bp.get("/reports")
@require(Permission.view)
def statistics():
    form, stats = _statistics()
    query: dict[str, Any] = {k: v for k, v in request.args.to_dict(flat=False).items() if k in form._fields}
    return render_template(
        "reports/statistics.html", form=form, stats=stats, charts=presenting.statistics_charts(stats),
        period_label=presenting.period_label, percent=presenting.percent, hours=presenting.hours,
        kind_labels=MEETING_KIND_LABELS, query=query)


@bp.get("/reports/statistics.xlsx")
@require(Permission.view)
def workbook():
    _form, stats = _statistics()
    return exports.send(STATISTICS_XLSX, stats)
