"""Speeches read: the speeches and speaking items a reader may see (one visibility rule), the speakers
of each item for the agenda's conflicts, and the constants the speeches' services share."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import timedelta
from typing import Any, NamedTuple

from flask_babel import gettext as _
from sqlalchemy import Select, func, select, true
from sqlalchemy.orm import joinedload, selectinload, subqueryload

from planner.accounts.models import Organization, User
from planner.agenda import services as agenda_services
from planner.agenda.models import AgendaItem, AgendaItemKind
from planner.core.errors import NotFound
from planner.core.lookup import in_meeting
from planner.core.permissions import (
    Classification,
)
from planner.core.text import full_name
from planner.delegates import services as delegate_services
from planner.delegates.models import Participant, Person
from planner.extensions import db
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting
from planner.speeches.models import (
    Speech,
    SpeechKind,
    SpeechStatus,
)

SPEECH_FIELDS = ("participant_id", "kind", "title", "position", "allotted_seconds", "status", "summary")
MAX_ALLOTTED_SECONDS = 4 * 3600
MAX_SUMMARY = 20_000
DEFAULT_TEXT_MAX_BYTES = 10 * 1024 * 1024
# Items that hold no speeches of their own.
NO_SPEECH_KINDS = frozenset({AgendaItemKind.session, AgendaItemKind.break_})
# Items on which a delegate may ask to speak from their personal link.
OPEN_KINDS = frozenset({AgendaItemKind.discussion, AgendaItemKind.contributed_speech})
# Speeches whose texts are accepted: delegates may read them (unless under embargo).
ACCEPTED_STATUSES = (SpeechStatus.approved, SpeechStatus.speaking, SpeechStatus.done)
# How often a hall display's "last seen" is written (not on every poll).
DISPLAY_SEEN_EVERY = timedelta(minutes=1)
ACTIVE_STATUSES = (SpeechStatus.requested, SpeechStatus.approved, SpeechStatus.speaking, SpeechStatus.done)


# Reading ------------------------------------------------------------------------------------------

def _speech_options(*, whole_meeting: bool = False) -> list[Any]:
    # selectinload asks for 500 speeches' texts per query: a whole congress (600) loads them through its
    # own query instead, in one, whatever its size.
    texts = subqueryload(Speech.texts) if whole_meeting else selectinload(Speech.texts)
    return [joinedload(Speech.participant).joinedload(Participant.person), texts]


def visible_content_aggregates(meeting_id: int, levels: Collection[str]) -> list[Select[Any]]:
    """Single-row aggregates of what a reader of these levels may see of a meeting's programme: its items
    and who presides them (agenda.services.visible_items_aggregates) and the speeches on those items. The
    versions of downloads (programme, invitations, booklet and the other printed matter) are made of
    these, so that an ETag changes with what its reader may see and with nothing else."""
    on_shown = (select(func.count(Speech.id).label("n"), func.max(Speech.updated_at).label("t"),
                       func.sum(Speech.version).label("v"))
                .join(AgendaItem, AgendaItem.id == Speech.agenda_item_id)
                .where(Speech.meeting_id == meeting_id, agenda_services.visible_item_clause(levels)))
    return [*agenda_services.visible_items_aggregates(meeting_id, levels), on_shown]


def visible_content_stamp(meeting: Meeting, levels: Collection[str]) -> str:
    """visible_content_aggregates as one string, in one statement."""
    return joined_aggregates(visible_content_aggregates(meeting.id, levels))


def joined_aggregates(queries: Sequence[Select[Any]]) -> str:
    """Single-row aggregate queries read side by side in one statement, as one string."""
    subqueries = [query.subquery(f"s{n}") for n, query in enumerate(queries)]
    joined = subqueries[0]
    for subquery in subqueries[1:]:
        joined = joined.join(subquery, true())
    row = db.session.execute(select(*(c for sq in subqueries for c in sq.c)).select_from(joined)).one()
    return ":".join("" if value is None else str(value) for value in row)


def can_hold_speeches(item: AgendaItem) -> bool:
    return item.kind not in NO_SPEECH_KINDS


def speaking_items(meeting: Meeting, user: User | None) -> list[AgendaItem]:
    """The meeting's items that can hold speeches and that the user may see, in programme order."""
    return [item for item in agenda_services.list_items(meeting, user) if can_hold_speeches(item)]


def item_speeches(item: AgendaItem) -> list[Speech]:
    """The speakers list of one item, in order, with the speakers and texts loaded."""
    return list(db.session.scalars(
        select(Speech).where(Speech.agenda_item_id == item.id).options(*_speech_options())
        .order_by(Speech.position, Speech.id)).unique())


def meeting_speeches(meeting: Meeting, user: User | None) -> list[Speech]:
    """Every speech of the meeting on items the user may see, in list order per item (the caller
    orders the items): one query for the speeches with their speakers, one for the texts."""
    visible = {item.id for item in agenda_services.list_items(meeting, user)}
    rows = db.session.scalars(
        select(Speech).where(Speech.meeting_id == meeting.id).options(*_speech_options(whole_meeting=True))
        .order_by(Speech.agenda_item_id, Speech.position, Speech.id)).unique()
    return [speech for speech in rows if speech.agenda_item_id in visible]


def by_item(speeches: Iterable[Speech]) -> dict[int, list[Speech]]:
    grouped: dict[int, list[Speech]] = {}
    for speech in speeches:
        grouped.setdefault(speech.agenda_item_id, []).append(speech)
    return grouped


class Spoken(NamedTuple):
    """One speech as the minutes, their clerk's check and the programme read it: plain data with the fields a
    Speech has, its speaker named (delegates' NamedParticipant) where a Speech has its participant."""

    agenda_item_id: int
    participant_id: int
    kind: SpeechKind
    title: str
    status: SpeechStatus
    summary: str
    speaker: delegate_services.NamedParticipant


def spoken_by_item(meeting: Meeting) -> dict[int, list[Spoken]]:
    """Who spoke, the read model of the minutes' draft, their clerk's check and the programme: every speech of
    the meeting with its speaker, by agenda item id, in speaking order, as plain rows of the columns read (one
    query). Every item's: the caller keeps those of the items its reader may see. Composing a congress's
    minutes spent a quarter of its time making 600 speeches, their speakers and people into models, and the
    garbage collector more on scanning them, to read a few fields of each."""
    grouped: dict[int, list[Spoken]] = {}
    for row in db.session.execute(
            select(Speech.agenda_item_id, Speech.participant_id, Speech.kind, Speech.title, Speech.status,
                   Speech.summary, *delegate_services.NAMED_COLUMNS)
            .join(Participant, Participant.id == Speech.participant_id)
            .join(Person, Person.id == Participant.person_id)
            .where(Speech.meeting_id == meeting.id)
            .order_by(Speech.agenda_item_id, Speech.position, Speech.id)):
        grouped.setdefault(row[0], []).append(Spoken(*row[:6], delegate_services.NamedParticipant(*row[6:])))
    return grouped


def speeches_by_item(meeting: Meeting) -> dict[int, list[Speech]]:
    """Every speech of the meeting with its speaker, by agenda item id, in speaking order (one query), as
    models: the speeches' record of who said what (``minutes_records``) reads their clocks too. Every item's:
    the caller keeps those of the items its reader may see."""
    # innerjoin (every speech has its speaker): a LEFT JOIN around the speaker's own JOIN to the person made
    # SQLite materialise every participant of the database with their people before joining the speeches
    # (40 ms of CPU for 600 speeches among 10,000 participants); the plain joins go by the keys.
    return by_item(db.session.scalars(
        select(Speech).where(Speech.meeting_id == meeting.id)
        .options(joinedload(Speech.participant, innerjoin=True).joinedload(Participant.person, innerjoin=True))
        .order_by(Speech.agenda_item_id, Speech.position, Speech.id)).unique())


def _visible_item(item: AgendaItem, user: User | None) -> bool:
    return agenda_services.item_visible(item, agenda_services.reader_levels(item.meeting.organization_id, user))


def get_speech(org: Organization, public_id: str, *, user: User | None) -> Speech:
    """A speech of a meeting of the organization, on an item the user may see; else not found."""
    meetings = meeting_services.meetings_query(org, user).with_only_columns(Meeting.id).scalar_subquery()
    speech = db.session.scalar(
        select(Speech).where(Speech.public_id == str(public_id), Speech.meeting_id.in_(meetings))
        .options(*_speech_options(), joinedload(Speech.agenda_item)))
    if speech is None or not _visible_item(speech.agenda_item, user):
        raise NotFound(_("No such speech."))
    return speech


def get_meeting_speech(meeting: Meeting, public_id: str, *, user: User | None) -> Speech:
    speech = db.session.scalar(
        select(Speech).where(Speech.meeting_id == meeting.id, Speech.public_id == str(public_id))
        .options(*_speech_options(), joinedload(Speech.agenda_item)))
    if speech is None or not _visible_item(speech.agenda_item, user):
        raise NotFound(_("No such speech."))
    return speech


def speaker_choices(meeting: Meeting) -> list[Participant]:
    """The meeting's participants in protocol order, for the speaker field."""
    return agenda_services.presiding_choices(meeting)


def meeting_participant(meeting: Meeting, public_id: str) -> Participant:
    return in_meeting(Participant, meeting, public_id, _("No such participant."))


def speaker_name(participant: Participant) -> str:
    """“Đồng chí Nguyễn Văn An”: the honorific (capitalised) and the full name."""
    honorific = (participant.honorific or "").strip()
    name = participant.full_name
    return f"{honorific[:1].upper()}{honorific[1:]} {name}" if honorific else name


def classification_of(speech: Speech) -> Classification:
    """The higher of the item's (and its session's) and the meeting's classification."""
    levels = [speech.meeting.classification, speech.agenda_item.classification]
    if speech.agenda_item.parent is not None:
        levels.append(speech.agenda_item.parent.classification)
    return max((Classification(level) for level in levels), key=lambda c: c.rank)


def item_speakers(items: Sequence[AgendaItem | agenda_services.AgendaRow]
                  ) -> tuple[dict[str, list[int]], dict[int, str]]:
    """The items' speakers (withdrawn ones left out), for the agenda's conflict warnings: {agenda item public
    id: [person ids]} in speaking order, and {person id: full name} for the warnings' wording.

    One query whatever the size of the agenda, and only the name's columns (loading 600 speakers as
    participants with their people cost a third of the agenda editor's time on a congress). The speeches
    are read by their meetings, the items' own kept here: a congress's 400 item ids as SQL parameters cost
    more than the rows of the items left out."""
    public = {item.id: item.public_id for item in items}
    if not public:
        return {}, {}
    rows = db.session.execute(
        select(Speech.agenda_item_id, Person.id, Person.family_name, Person.middle_name, Person.given_name)
        .join(Participant, Participant.id == Speech.participant_id)
        .join(Person, Person.id == Participant.person_id)
        .where(Speech.meeting_id.in_(sorted({item.meeting_id for item in items})),
               Speech.status != SpeechStatus.withdrawn)
        .order_by(Speech.agenda_item_id, Speech.position))
    found: dict[str, list[int]] = {}
    names: dict[int, str] = {}
    for item_id, person_id, family, middle, given in rows:
        item = public.get(item_id)
        if item is None:
            continue
        people = found.setdefault(item, [])
        if person_id not in people:
            people.append(person_id)
        if person_id not in names:
            names[person_id] = full_name(family, middle, given)
    return found, names
