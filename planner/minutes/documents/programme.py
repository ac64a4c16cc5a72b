"""The programme (chương trình) as an official document, from the agenda the reader may see.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_date

from planner.accounts.models import User
from planner.agenda import programme as programme_rules
from planner.agenda import services as agenda_services
from planner.documents.model import Heading, OfficialDocument, Run, Table, TableColumn, TableRow, runs
from planner.meetings.models import Meeting, MeetingStatus
from planner.minutes import compose
from planner.minutes import services as minutes_services
from planner.minutes.documents.base import Context, word
from planner.minutes.documents.letters import presiding_names, speakers_text

# The programme --------------------------------------------------------------------------------------------------

def programme_document(meeting: Meeting, user: User | None, *, today: date | None = None,
                       release: Any = None) -> OfficialDocument:
    """The programme (chương trình) in the profile's layout: a table per day, sessions as headed groups.
    With ``release``, that published version of the agenda (the public page's PDF) instead of the live one."""
    ctx = Context(meeting)
    language = ctx.language
    if release is not None:
        snapshot = release.snapshot
    else:
        snapshot = agenda_services.snapshot(agenda_services.list_items(meeting, user))
    speakers = minutes_services.speakers_by_item(meeting)
    levels = agenda_services.reader_levels(meeting.organization_id, user)
    days = programme_rules.build(snapshot, minutes_services.zone(meeting), levels=levels,
                                 days=agenda_services.programme_days(meeting))
    columns = [TableColumn(word(language, "no"), 0.7, "center"),
               TableColumn(word(language, "time_col"), 1.75, "center"),
               TableColumn(word(language, "content_col"), 3.9), TableColumn(word(language, "performer_col"), 2.3)]
    body: list[Any] = []
    parallel = programme_rules.parallel_sessions(days)
    session_room: str | None = None
    for day in days:
        if not day.rows:
            continue
        weekday = format_date(day.day, "EEEE", locale=compose.lang(language))
        body.append(Heading(f"{weekday}, {compose.day_text(day.day, language)}"))
        rows = []
        for part in day.parts:
            rows.append(TableRow(group=runs(Run(word(language, part.name), bold=True))))
            for row in part.rows:
                if row.is_session:
                    group = runs(Run(row.title.upper(), bold=True))
                    if row.room and row.id in parallel:
                        group += runs(" — ", Run(row.room, italic=True))
                    if row.presiding:
                        group += runs(f" — {word(language, 'presiding_short')}: "
                                      f"{presiding_names(row.presiding, language)}")
                    rows.append(TableRow(group=group))
                    session_room = row.room if row.id in parallel else None
                    continue
                if not row.in_session:
                    session_room = None
                content = runs(row.title)
                if row.cancelled:
                    content += runs(f" {word(language, 'cancelled')}")
                if row.room and row.room != session_room:
                    content += runs(Run(f" ({row.room})", italic=True))
                performer = row.performer or speakers_text(speakers.get(row.id, []), language)
                rows.append(TableRow(cells=[runs(str(row.number) if row.number else ""),
                                            runs(programme_rules.span(row.starts_at, row.ends_at, language)),
                                            content, runs(performer)], muted=row.cancelled))
        body.append(Table(columns, rows))
    today = today or minutes_services.local_today(meeting)
    return ctx.document(document_type="programme", number=None, day=today, summary=[meeting.title], body=body,
                        signatures=[], recipients=None, draft=meeting.status == MeetingStatus.draft)
