"""Calendar feeds (a meeting's, a delegate's, a staff user's) and single iCal downloads."""

from __future__ import annotations

from flask import Flask


def setup(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from planner import api as api_frame
    from planner.calendars import api, views
    from planner.core import exports
    from planner.meetings.tabs import register_tab

    app.register_blueprint(views.bp)
    api_frame.register_blueprint(api.blp)
    register_tab("calendars.meeting_feeds", _l("Calendar"), 70)
    for exporter in views.EXPORTERS:
        exports.register(exporter.scope, exporter)

    # After a release of an agenda, its public feed is built into the shared cache by a job.
    from planner.agenda import services as agenda_services
    from planner.calendars import jobs
    from planner.core import queue

    queue.register("calendars.warm", jobs.warm, attempts=2, delay=30)
    agenda_services.RELEASED.add(_warm_after_release)


def _warm_after_release(meeting, _release) -> None:
    from planner.core import queue

    if meeting.public_code:
        queue.enqueue("calendars.warm", meeting.public_code, subject=f"{meeting.public_id}:feed",
                      organization_id=meeting.organization_id, meeting_id=meeting.id)
