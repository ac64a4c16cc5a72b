"""Calendar feeds: building a feed's calendar (meeting events, series, agenda items and their speakers),
single downloads and the invitation's attachment."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from planner.agenda.models import AGENDA_ITEM_KIND_LABELS, AgendaItem, AgendaRelease
from planner.calendars import feeds, links
from planner.calendars.ical import Attendee, CalendarData, build_calendar
from planner.calendars.models import ReleaseEvent
from planner.calendars.services.resolving import (
    Feed,
    Version,
    _common_parts,
    _meeting_state_statement,
    _user_meetings_query,
    version,
)
from planner.calendars.services.settings import SPEAKING, settings_of
from planner.core.errors import NotFound
from planner.core.models import utcnow
from planner.core.permissions import Classification
from planner.core.text import full_name
from planner.delegates.models import Participant, Person, Rsvp
from planner.extensions import db
from planner.meetings import recurrence
from planner.meetings import services as meeting_services
from planner.meetings.models import MEETING_KIND_LABELS, Meeting, MeetingStatus, OccurrenceChange
from planner.speeches import services as speech_services
from planner.speeches.models import Speech, SpeechStatus

# Building ------------------------------------------------------------------------------------------

def _words() -> feeds.Words:
    return feeds.Words(
        withheld=_("Meeting (classified)"),
        session=_("Session"),
        presiding=_("Presiding"),
        performer=_("Performed by"),
        speakers=_("Speakers"),
        item_kinds={kind.value: str(label) for kind, label in AGENDA_ITEM_KIND_LABELS.items()},
        meeting_kinds={kind.value: str(label) for kind, label in MEETING_KIND_LABELS.items()},
    )


def _info(meeting: Meeting, link: str) -> feeds.MeetingInfo:
    return feeds.MeetingInfo(
        public_id=meeting.public_id, title=meeting.title, tzid=meeting.timezone, kind=meeting.kind.value,
        venue=meeting.venue or "", city=meeting.city or "", classification=meeting.classification.value,
        description=meeting.description or "", link=link, tentative=meeting.status == MeetingStatus.draft)


def _delegate_link(meeting: Meeting) -> str:
    return links.public_programme_url(meeting.public_code or "") if meeting_services.has_public_page(meeting) else ""


def _staff_link(meeting: Meeting) -> str:
    endpoint = "meetings.detail" if "meetings.detail" in current_app.view_functions else "agenda.editor"
    from flask import url_for

    return url_for(endpoint, meeting_id=meeting.public_id, _external=True)


def _withheld_name(meeting: Meeting) -> bool:
    return Classification(meeting.classification).is_classified


# Meeting-level events (no agenda, or a recurring series) ---------------------------------------------

def _span(occurrence: recurrence.Occurrence) -> tuple[datetime | date, datetime | date]:
    """An occurrence as DTSTART and DTEND: all-day dates without hours; at least an hour with them."""
    if occurrence.start_time is None:
        return occurrence.day, occurrence.last_day + timedelta(days=1)
    start = occurrence.starts_at
    end = occurrence.ends_at
    if end is None or end <= start:
        end = datetime.combine(occurrence.last_day, occurrence.start_time, occurrence.zone) + timedelta(hours=1)
    return start, end


def _original_start(meeting: Meeting, day: date) -> datetime | date:
    """RECURRENCE-ID and EXDATE: the occurrence's start as the rule gives it (a date when all-day)."""
    if meeting.start_time is None:
        return day
    return datetime.combine(day, meeting.start_time, ZoneInfo(meeting.timezone))


def _series_rule(meeting: Meeting) -> str:
    """The stored rule; for an all-day series, its UNTIL as a date (RFC 5545: the type of DTSTART)."""
    rule = meeting.recurrence or ""
    if meeting.start_time is None and "UNTIL=" in rule:
        until = recurrence.parse_rule(rule, meeting.timezone).until
        if until is not None:
            rule = re.sub(r"UNTIL=[^;]+", f"UNTIL={until:%Y%m%d}", rule)
    return rule


def meeting_times(meeting: Meeting, changes: Sequence[OccurrenceChange] | None = None) -> feeds.MeetingTimes:
    """When the meeting takes place, as the feed writes it (uses ``meeting.occurrence_changes``)."""
    stamp = meeting.updated_at or meeting.created_at or utcnow()
    sequence = max((meeting.version or 1) - 1, 0)
    first = recurrence.Occurrence(meeting=meeting, original_date=meeting.starts_on, day=meeting.starts_on,
                                  last_day=meeting.ends_on, start_time=meeting.start_time,
                                  end_time=meeting.end_time, venue=meeting.venue or "")
    start, end = _span(first)
    if not meeting.recurrence:
        return feeds.MeetingTimes(start=start, end=end, stamp=stamp, sequence=sequence)
    changes = list(changes if changes is not None else meeting.occurrence_changes)
    exdates: list[datetime | date] = []
    overrides: list[feeds.Override] = []
    if changes:
        length = meeting.ends_on - meeting.starts_on
        days = [c.original_date for c in changes] + [c.new_date for c in changes if c.new_date]
        found = recurrence.expand(meeting, min(days), max(days) + length)
        wanted = {c.original_date for c in changes}
        for occurrence in found:
            if occurrence.original_date not in wanted:
                continue
            original = _original_start(meeting, occurrence.original_date)
            if occurrence.cancelled:
                exdates.append(original)
            elif occurrence.moved:
                new_start, new_end = _span(occurrence)
                overrides.append(feeds.Override(original=original, start=new_start, end=new_end,
                                                venue=occurrence.venue, note=occurrence.note))
        stamp = max([stamp, *(c.updated_at for c in changes if c.updated_at is not None)])
    return feeds.MeetingTimes(start=start, end=end, stamp=stamp, sequence=sequence, rrule=_series_rule(meeting),
                              exdates=tuple(sorted(exdates, key=str)), overrides=tuple(overrides))


# Agenda items -------------------------------------------------------------------------------------

@dataclass
class _Published:
    release: AgendaRelease
    changed: dict[str, datetime]


def _published(meeting_ids: Sequence[int]) -> dict[int, _Published]:
    """The latest release of each meeting, and per item the time of the release that last changed it
    (two queries whatever the number of releases: the history without its snapshots, then the latest)."""
    if not meeting_ids:
        return {}
    history = db.session.execute(
        select(AgendaRelease.meeting_id, AgendaRelease.number, AgendaRelease.created_at, AgendaRelease.changes)
        .where(AgendaRelease.meeting_id.in_(list(meeting_ids))).order_by(AgendaRelease.number)).all()
    changed: dict[int, dict[str, datetime]] = {}
    latest: dict[int, int] = {}
    for meeting_id, number, created_at, changes in history:
        per_item = changed.setdefault(meeting_id, {})
        for change in changes or []:
            per_item[change["item"]] = created_at
        latest[meeting_id] = number
    if not latest:
        return {}
    releases = db.session.scalars(select(AgendaRelease).where(
        or_(*(and_(AgendaRelease.meeting_id == m, AgendaRelease.number == n) for m, n in latest.items()))))
    return {r.meeting_id: _Published(r, changed.get(r.meeting_id, {})) for r in releases}


def _frozen(published: Sequence[_Published]) -> dict[str, bytes]:
    """The events' bytes kept with these releases (calendars.services.freezing), by digest: one query."""
    ids = [p.release.id for p in published]
    if not ids:
        return {}
    return dict(db.session.execute(select(ReleaseEvent.digest, ReleaseEvent.body)
                                   .where(ReleaseEvent.release_id.in_(ids))).all())


def _speakers(meeting_ids: Sequence[int]) -> tuple[dict[str, list[str]], dict[str, datetime]]:
    """Per item (public id): its speakers' names in order, and the last change of its speakers list."""
    if not meeting_ids:
        return {}, {}
    rows = db.session.execute(
        select(AgendaItem.public_id, Speech.status, Speech.updated_at, Person.honorific, Person.family_name,
               Person.middle_name, Person.given_name, Person.updated_at)
        .select_from(Speech).join(AgendaItem, AgendaItem.id == Speech.agenda_item_id)
        .join(Participant, Participant.id == Speech.participant_id).join(Person, Person.id == Participant.person_id)
        .where(Speech.meeting_id.in_(list(meeting_ids))).order_by(Speech.agenda_item_id, Speech.position, Speech.id))
    names: dict[str, list[str]] = {}
    changed: dict[str, datetime] = {}
    for item_id, status, updated_at, honorific, family, middle, given, person_updated in rows:
        stamps = [t for t in (updated_at, person_updated, changed.get(item_id)) if t is not None]
        if stamps:
            changed[item_id] = max(stamps)
        if SpeechStatus(status) in SPEAKING:
            shim = SimpleNamespace(honorific=honorific or "", full_name=full_name(family, middle, given))
            name = speech_services.speaker_name(shim)  # type: ignore[arg-type]
            if name not in names.setdefault(item_id, []):
                names[item_id].append(name)
    return names, changed


def _meeting_events(meeting: Meeting, published: _Published | None, *, feed: Feed, words: feeds.Words,
                    link: str, speakers: tuple[dict[str, list[str]], dict[str, datetime]],
                    only: set[str] | None = None, show_meeting: bool = False) -> list[Any]:
    info = _info(meeting, link)
    if meeting.recurrence or published is None:
        return feeds.meeting_events(info, meeting_times(meeting), policy=feed.policy, words=words)
    return feeds.item_events(info, published.release.snapshot, policy=feed.policy, words=words,
                             stamp=published.release.created_at, changed=published.changed, speakers=speakers[0],
                             speakers_changed=speakers[1], only=only, show_meeting=show_meeting)


def build(feed: Feed, found: Version | None = None) -> bytes:
    """The feed's iCalendar bytes: the same data gives the same bytes."""
    with force_locale(feed.language):
        words = _words()
        if feed.kind in ("public", "meeting"):
            data = _meeting_calendar(feed, words)
        elif feed.kind == "participant":
            data = _personal_calendar(feed, words, found or version(feed))
        else:
            data = _user_calendar(feed, words)
    return build_calendar(data)


def _meeting_calendar(feed: Feed, words: feeds.Words, *, method: str | None = None,
                      only: set[str] | None = None) -> CalendarData:
    meeting = feed.meeting
    assert meeting is not None
    name = words.withheld if _withheld_name(meeting) else meeting.title
    refresh = None if method else feed.settings.refresh_minutes
    if meeting.status == MeetingStatus.draft and not feed.staff:
        return CalendarData(name, meeting.timezone, [], method=method, refresh_minutes=refresh)
    published = _published([meeting.id]).get(meeting.id)
    speakers = _speakers([meeting.id]) if published is not None and not meeting.recurrence else ({}, {})
    link = _staff_link(meeting) if feed.staff else _delegate_link(meeting)
    events = _meeting_events(meeting, published, feed=feed, words=words, link=link, speakers=speakers, only=only)
    frozen = _frozen([published]) if published is not None and not meeting.recurrence else {}
    return CalendarData(name, meeting.timezone, events, method=method, refresh_minutes=refresh, frozen=frozen)


def _personal_calendar(feed: Feed, words: feeds.Words, found: Version) -> CalendarData:
    participant = feed.participant
    assert participant is not None
    states = {s.meeting_id: s for s in found.meetings}
    meetings = list(db.session.scalars(select(Meeting).where(Meeting.id.in_(list(states)))
                                       .options(selectinload(Meeting.occurrence_changes))
                                       .order_by(Meeting.starts_on, Meeting.id)))
    with_agenda = [m.id for m in meetings if not m.recurrence]
    published = _published(with_agenda)
    speakers = _speakers([m for m in with_agenda if m in published])
    events = []
    for meeting in meetings:
        state = states[meeting.id]
        release = published.get(meeting.id)
        only = None
        if release is not None:
            only = feeds.chosen_items(release.release.snapshot, presiding=state.presiding, speaking=state.speaking)
        events.extend(_meeting_events(meeting, release, feed=feed, words=words, link=_delegate_link(meeting),
                                      speakers=speakers, only=only, show_meeting=len(meetings) > 1))
    name = _("Meetings of %(name)s", name=participant.full_name)
    frozen = _frozen([published[m] for m in with_agenda if m in published])
    return CalendarData(name, participant.meeting.timezone, events, refresh_minutes=feed.settings.refresh_minutes,
                        frozen=frozen)


def _user_calendar(feed: Feed, words: feeds.Words) -> CalendarData:
    query, _since = _user_meetings_query(feed)
    meetings = db.session.scalars(query.options(selectinload(Meeting.occurrence_changes))
                                  .order_by(Meeting.starts_on, Meeting.id)).all()
    events = []
    for meeting in meetings:
        events.extend(feeds.meeting_events(_info(meeting, _staff_link(meeting)), meeting_times(meeting),
                                           policy=feed.policy, words=words))
    org = feed.organization
    tzid = org.timezone if org is not None else "Asia/Ho_Chi_Minh"
    name = _("Meetings of %(name)s", name=org.name if org is not None else "")
    return CalendarData(name, tzid, events, refresh_minutes=feed.settings.refresh_minutes)


# Single downloads and the invitation's attachment ---------------------------------------------------

def download_feed(meeting: Meeting, *, staff: bool) -> Feed:
    """A meeting as it is downloaded: by staff (internal items included) or from its public page;
    classified items by the organization's setting either way."""
    return Feed(kind="meeting", organization_id=meeting.organization_id,
                settings=settings_of(meeting.organization_id), meeting=meeting, language=meeting.language or "vi",
                staff=staff)


def download_version(meeting: Meeting) -> str:
    """Cheap: what the meeting's calendar.ics download depends on (for the exporter's ETag)."""
    feed = download_feed(meeting, staff=True)
    row = db.session.execute(_meeting_state_statement(True), {"meeting_id": meeting.id}).one()
    return "|".join(str(p) for p in (*_common_parts(feed), meeting.id, meeting.version, *row))


def meeting_ics(meeting: Meeting) -> bytes:
    """The whole meeting as one .ics to import once (METHOD:PUBLISH), as staff see it."""
    feed = download_feed(meeting, staff=True)
    with force_locale(feed.language):
        data = _meeting_calendar(feed, _words(), method="PUBLISH")
    return build_calendar(data)


def published_item(meeting: Meeting, item_public_id: str) -> bool:
    release = _published([meeting.id]).get(meeting.id)
    return release is not None and item_public_id in release.release.snapshot


def item_ics(meeting: Meeting, item_public_id: str, *, staff: bool) -> bytes:
    """One published item as .ics (METHOD:PUBLISH); NotFound when the item is not published or not shown
    to this reader (internal to a delegate, classified and omitted)."""
    feed = download_feed(meeting, staff=staff)
    if meeting.recurrence or not published_item(meeting, item_public_id):
        raise NotFound(_("This item is not in the published programme."))
    with force_locale(feed.language):
        data = _meeting_calendar(feed, _words(), method="PUBLISH", only={item_public_id})
    if not data.events:
        raise NotFound(_("This item is not in the published programme."))
    return build_calendar(data)


def item_download_version(meeting: Meeting, item_public_id: str, *, staff: bool) -> str:
    return f"{item_public_id}|{staff}|{download_version(meeting)}"


PARTSTAT = {Rsvp.accepted: "ACCEPTED", Rsvp.declined: "DECLINED"}


def invitation_ics(participant: Participant, *, organizer_email: str | None = None,
                   organizer_name: str | None = None) -> bytes:
    """The invitation e-mail's attachment: the meeting as METHOD:REQUEST with ORGANIZER and this
    participant as ATTENDEE (their reply status from the RSVP). A classified meeting's title and details
    are withheld, whatever the setting. The same meeting gives the same UID, and its SEQUENCE rises with
    every change of the meeting, so a second invitation updates the first in the delegate's calendar."""
    meeting = participant.meeting
    org = meeting.organization
    email = organizer_email or current_app.config.get("MAIL_DEFAULT_SENDER") or "no-reply@planner.invalid"
    if isinstance(email, tuple | list):
        organizer_name, email = organizer_name or email[0], email[1]
    organizer = Attendee(email=str(email), name=organizer_name or (org.name if org is not None else ""))
    attendees = []
    person_email = (participant.person.email or "").strip()
    if person_email:
        presiding = {p.id for p in meeting.presiding}
        attendees.append(Attendee(
            email=person_email, name=participant.full_name,
            role="CHAIR" if participant.id in presiding else "REQ-PARTICIPANT",
            partstat=PARTSTAT.get(participant.rsvp, "NEEDS-ACTION"), rsvp=participant.rsvp not in PARTSTAT))
    with force_locale(meeting.language or "vi"):
        words = _words()
        policy = feeds.Policy(staff=False, classified=feeds.WITHHOLD)
        events = feeds.meeting_events(_info(meeting, _delegate_link(meeting)), meeting_times(meeting),
                                      policy=policy, words=words, uid=feeds.invitation_uid(meeting.public_id))
        name = words.withheld if _withheld_name(meeting) else meeting.title
    for event in events:
        event.organizer = organizer
        event.attendees = list(attendees)
    return build_calendar(CalendarData(name, meeting.timezone, events, method="REQUEST", refresh_minutes=None))
