"""Calendar feeds: the events of an agenda release written once, when the release is made.

The icalendar library costs about half a millisecond an event; a meeting's feed built cold (a worker
restarted, or one that never built it) would pay that for every item of the programme on the poll that
finds no built file. So after each release a job (calendars.jobs.freeze) builds the release's events as
the meeting's feeds show them (as delegates see them and as staff do, in the meeting's language, with the
addresses of the site the release was made on) and keeps each event's bytes with the release
(ReleaseEvent), named by the digest of its data. An event whose data are the same as in the previous
release (an item the release did not change) takes the bytes kept then: each event is serialized once.

Feeds stay exactly what they were: a feed takes kept bytes only where its event's data have the same
digest, and builds the others (a personal feed of several meetings, a speakers list changed since, a
release made before this existed)."""

from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import delete, select

from planner.agenda.models import AgendaRelease
from planner.calendars import ical
from planner.calendars.models import ReleaseEvent
from planner.calendars.services.building import _meeting_calendar, _words
from planner.calendars.services.resolving import Feed
from planner.calendars.services.settings import settings_of
from planner.extensions import db
from planner.meetings.models import Meeting


def _feeds(meeting: Meeting) -> list[Feed]:
    """The readers whose events a release keeps: delegates and the public (a meeting's or a personal feed of
    this meeting alone), and staff (downloads); in the meeting's language."""
    settings = settings_of(meeting.organization_id)
    return [Feed(kind="meeting", organization_id=meeting.organization_id, settings=settings, meeting=meeting,
                 language=meeting.language or "vi", staff=staff) for staff in (False, True)]


def freeze_release(release_id: int) -> int:
    """Keep the events of the release, if it is still the meeting's latest; answers how many were built by
    the library (the others were the same as in the previous release)."""
    release = db.session.get(AgendaRelease, release_id)
    if release is None:
        return 0
    meeting = db.session.get(Meeting, release.meeting_id)
    latest = db.session.scalar(select(AgendaRelease.id).where(AgendaRelease.meeting_id == release.meeting_id)
                               .order_by(AgendaRelease.number.desc()).limit(1))
    if meeting is None or meeting.recurrence or latest != release.id:
        return 0  # a series shows no items; an older release is no feed's any more
    events: list[ical.EventData] = []
    for feed in _feeds(meeting):
        with force_locale(feed.language):
            events.extend(_meeting_calendar(feed, _words()).events)
    kept = dict(db.session.execute(
        select(ReleaseEvent.digest, ReleaseEvent.body).join(AgendaRelease, AgendaRelease.id == ReleaseEvent.release_id)
        .where(AgendaRelease.meeting_id == meeting.id)).all())
    bodies: dict[str, bytes] = {}
    built = 0
    for event in events:
        digest = ical.event_digest(event)
        if digest in bodies:
            continue
        body = kept.get(digest)
        if body is None:
            body = ical.render_event(event)
            built += 1
        bodies[digest] = body
    older = select(AgendaRelease.id).where(AgendaRelease.meeting_id == meeting.id)
    # Feeds read the latest release only: the bytes of the older ones are carried over above or not needed.
    # Staged: the job's unit of work commits them.
    db.session.execute(delete(ReleaseEvent).where(ReleaseEvent.release_id.in_(older)))
    db.session.add_all(ReleaseEvent(release_id=release.id, digest=d, body=b) for d, b in bodies.items())
    return built
