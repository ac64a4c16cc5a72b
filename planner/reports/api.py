"""JSON route of the statistics: the same figures as the reports page; thin over reports.services."""

from __future__ import annotations

import marshmallow as ma
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from planner.api import Date, requires
from planner.core.permissions import Permission
from planner.meetings.models import MeetingKind
from planner.reports import services
from planner.reports.services import Grouping

blp = Blueprint("reports_api", __name__, description="Statistics of the meetings held")


class StatisticsArgs(ma.Schema):
    start = Date(metadata={"description": "First day (default: 1 January of the end's year)"})
    end = Date(metadata={"description": "Last day (default: today)"})
    grouping = ma.fields.String(load_default=Grouping.month.value,
                                validate=ma.validate.OneOf([g.value for g in Grouping]))
    kind = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf([k.value for k in MeetingKind])),
                          metadata={"description": "Kinds of meeting (repeat the parameter); none: every kind"})


class FiguresSchema(ma.Schema):
    period = Date(allow_none=True, metadata={"description": "First day of the period; null for the total"})
    meetings = ma.fields.Integer()
    by_kind = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    invited = ma.fields.Integer()
    invited_recorded = ma.fields.Integer(metadata={"description": "Invited to meetings where attendance was taken"})
    present = ma.fields.Integer()
    attendance_rate = ma.fields.Float(allow_none=True)
    speeches = ma.fields.Integer()
    speaking_seconds = ma.fields.Integer()
    minutes_due = ma.fields.Integer(metadata={"description": "Meetings that owe minutes"})
    minutes_approved = ma.fields.Integer()
    notices_on_time = ma.fields.Integer()
    notices_late = ma.fields.Integer()
    notices_missing = ma.fields.Integer()


class StatisticsSchema(ma.Schema):
    start = Date()
    end = Date()
    grouping = ma.fields.String()
    kinds = ma.fields.List(ma.fields.String())
    rows = ma.fields.List(ma.fields.Nested(FiguresSchema))
    total = ma.fields.Nested(FiguresSchema)


@blp.route("/reports/statistics")
class StatisticsResource(MethodView):
    @requires(Permission.view)
    @blp.arguments(StatisticsArgs, location="query")
    @blp.response(200, StatisticsSchema)
    def get(self, args):
        """Meetings held, participants invited and present, speeches and speaking time, minutes approved and
        notices on time, per month, quarter or year; only the meetings the caller's clearance admits."""
        return services.statistics(g.organization, g.api_user, start=args.get("start"), end=args.get("end"),
                                   grouping=args["grouping"], kinds=args.get("kind"))
