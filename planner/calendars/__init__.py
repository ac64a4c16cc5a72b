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

    # After a release of an agenda, a job keeps its events' bytes with it (a cold feed assembles them), and
    # another builds its public feed into the shared cache.
    from planner.agenda import services as agenda_services
    from planner.calendars import jobs
    from planner.core import queue

    queue.register("calendars.freeze", jobs.freeze, attempts=2, delay=30)
    queue.register("calendars.warm", jobs.warm, attempts=2, delay=30)
    agenda_services.RELEASED.add(_freeze_after_release)
    agenda_services.RELEASED.add(_warm_after_release)


def _freeze_after_release(meeting, release) -> None:
    from planner.core import queue

    if not meeting.recurrence:
        queue.enqueue("calendars.freeze", release.id, subject=f"{meeting.public_id}:events",
                      organization_id=meeting.organization_id, meeting_id=meeting.id)


def _warm_after_release(meeting, _release) -> None:
    from planner.core import queue

    if meeting.public_code:
        queue.enqueue("calendars.warm", meeting.public_code, subject=f"{meeting.public_id}:feed",
                      organization_id=meeting.organization_id, meeting_id=meeting.id)
