"""The statistics as a workbook, in the one exporter registry (scope "reports"): the same figures as the
page's tables, one row per period and the total, built from the plain Statistics of services."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from planner.core import exports
from planner.delegates.exporting import to_xlsx
from planner.meetings.models import MEETING_KIND_LABELS, MeetingKind
from planner.reports import presenting
from planner.reports.services import Statistics

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(stats: Statistics) -> bytes:
    kinds = [MeetingKind(k) for k in stats.kinds] or list(MeetingKind)
    header = [_("Period"), _("Meetings held"),
              *[str(MEETING_KIND_LABELS[k]) for k in kinds],
              _("Participants invited"), _("Invited where attendance was taken"), _("Participants present"),
              _("Attendance rate (%)"),
              _("Speeches delivered"), _("Speaking time (minutes)"),
              _("Meetings owing minutes"), _("Minutes approved"),
              _("Notices on time"), _("Notices late"), _("Notices missing")]
    rows = []
    for row in [*stats.rows, stats.total]:
        rate = row.attendance_rate
        rows.append([
            presenting.period_label(row.period, stats.grouping) if row.period else _("Total"), row.meetings,
            *[row.by_kind.get(k.value, 0) for k in kinds],
            row.invited, row.invited_recorded, row.present, round(rate * 100, 1) if rate is not None else None,
            row.speeches, round(row.speaking_seconds / 60, 1),
            row.minutes_due, row.minutes_approved, row.notices_on_time, row.notices_late, row.notices_missing,
        ])
    return to_xlsx(header, rows, sheet_title=_("Statistics"), widths=[16] + [12] * (len(header) - 1))


def filename(stats: Statistics) -> str:
    return _("statistics-%(start)s-%(end)s.xlsx", start=stats.start.isoformat(), end=stats.end.isoformat())


STATISTICS_XLSX = exports.Exporter(
    name="statistics.xlsx", media_type=XLSX, build=workbook, filename=filename,
    version=lambda stats: stats.version(), label=_l("Statistics (Excel)"),
    scope="reports",
)

# Registered by the package's setup.
EXPORTERS = (STATISTICS_XLSX,)
