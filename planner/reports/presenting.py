"""Labels and charts of the statistics, in the user's language: plain data in, strings and SVG out."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from planner.meetings.models import MEETING_KIND_LABELS, MeetingKind
from planner.reports import charts
from planner.reports.services import Grouping, Statistics

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def period_label(period: date, grouping: Grouping) -> str:
    if grouping is Grouping.year:
        return str(period.year)
    if grouping is Grouping.quarter:
        return _("Q%(quarter)s/%(year)d", quarter=ROMAN[(period.month - 1) // 3 + 1], year=period.year)
    return f"{period.month:02d}/{period.year}"


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def hours(seconds: float) -> str:
    return f"{seconds / 3600:.1f}".rstrip("0").rstrip(".") if seconds else "0"


def statistics_charts(stats: Statistics) -> dict[str, object]:
    labels = [period_label(r.period, stats.grouping) for r in stats.rows]
    kinds = [MeetingKind(k) for k in stats.kinds] or [
        k for k in MeetingKind if stats.total.by_kind.get(k.value)]
    meetings = charts.bar_chart(
        labels, [charts.Series(str(MEETING_KIND_LABELS[k]), [r.by_kind.get(k.value, 0) for r in stats.rows])
                 for k in kinds] or [charts.Series(_("Meetings held"), [0] * len(labels))],
        title=_("Meetings held"), integer=True, chart_id="chart-meetings")
    attendance = charts.bar_chart(
        labels, [charts.Series(_("Attendance rate"), [r.attendance_rate or 0 for r in stats.rows])],
        title=_("Attendance rate"), fmt=lambda v: f"{v * 100:.0f}%", top=1.0, chart_id="chart-attendance")
    speaking = charts.bar_chart(
        labels, [charts.Series(_("Speaking time (hours)"), [r.speaking_seconds / 3600 for r in stats.rows])],
        title=_("Speaking time (hours)"), chart_id="chart-speaking")
    notices = charts.bar_chart(
        labels, [charts.Series(_("On time"), [r.notices_on_time for r in stats.rows]),
                 charts.Series(_("Late"), [r.notices_late for r in stats.rows]),
                 charts.Series(_("Missing"), [r.notices_missing for r in stats.rows])],
        title=_("Conclusion notices"), integer=True, chart_id="chart-notices")
    return {"labels": labels, "kinds": kinds, "meetings": meetings, "attendance": attendance,
            "speaking": speaking, "notices": notices}
