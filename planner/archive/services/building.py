"""The dossier of a big meeting, built by a job into the booklets' file cache and downloaded from there.

A meeting with more participants than DOSSIER_SYNC_LIMIT has a dossier too long to build while a request
waits (thousands of names in its letters, lists and sheets): its Dossier tab asks for the job
(``archive.dossier``), which shows its progress, and then offers the file. Small dossiers still stream
while they are built (``dossier.zip``).

The file is found as the booklets' are (booklets.cache): a cheap *version* for this reader — what the
dossier holds for them, read from aggregates without building anything — names an index file that holds
the *content hash* of the ZIP built for it (the files' names and SHA-256 checksums, what is missing and
the mark). So asking again for the same content answers from the file without a job, and a build that
came out as an earlier one keeps that one. The version is each reader's own (their clearance decides what
the dossier holds, and a dossier is built and audited for the person who asked): nobody downloads a copy
built for someone else."""

from __future__ import annotations

import json
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from planner.accounts.models import User
from planner.archive.services.dossier import Entry, mark, start, write
from planner.archive.services.rules import ensure_allowed
from planner.booklets import cache
from planner.booklets import services as booklet_services
from planner.core import files, queue
from planner.core.errors import NotFound
from planner.delegates.models import Participant, ParticipantAttendance
from planner.extensions import db
from planner.meetings.models import Meeting
from planner.minutes.models import InvitationIssue, Minutes
from planner.speeches import services as speech_services
from planner.speeches.models import Speech, SpeechText

JOB = "archive.dossier"
SUFFIX = "zip"


def in_background(meeting: Meeting) -> bool:
    """A dossier of a meeting with more participants than DOSSIER_SYNC_LIMIT is built by a job."""
    limit = int(current_app.config.get("DOSSIER_SYNC_LIMIT", 300))
    count = db.session.scalar(select(func.count()).select_from(Participant).where(Participant.meeting_id == meeting.id))
    return (count or 0) > limit


def _records_stamp(meeting: Meeting) -> str:
    """What the dossier holds besides the printed matter's stamps (booklets.services.version): the minutes and
    the notice, the attendance, the speech texts and the invitation's issues; one statement."""
    mid = meeting.id
    return speech_services.joined_aggregates([
        select(func.count(Minutes.id).label("n"), func.sum(Minutes.version).label("v"),
               func.max(Minutes.updated_at).label("t")).where(Minutes.meeting_id == mid),
        select(func.count(ParticipantAttendance.id).label("n"), func.max(ParticipantAttendance.id).label("i"),
               func.max(ParticipantAttendance.checked_in_at).label("t"))
        .join(Participant, Participant.id == ParticipantAttendance.participant_id).where(Participant.meeting_id == mid),
        select(func.count(SpeechText.id).label("n"), func.max(SpeechText.id).label("i"))
        .join(Speech, Speech.id == SpeechText.speech_id).where(Speech.meeting_id == mid),
        select(func.max(InvitationIssue.id).label("i")).where(InvitationIssue.meeting_id == mid),
    ])


def version(meeting: Meeting, user: User | None) -> str:
    """The cache key of this reader's dossier: it changes whenever what the dossier holds for them would."""
    return booklet_services.version(meeting, "dossier", user, getattr(user, "id", None), _records_stamp(meeting))


def job_subject(meeting: Meeting, user: User | None) -> str:
    """What a dossier job works on: this reader's dossier of this content (a job found by it is theirs)."""
    return f"{meeting.public_id}:dossier:{version(meeting, user)}"


def cached(meeting: Meeting, user: User | None) -> Path | None:
    """This reader's dossier of the current content, when it has been built (nothing is built to know it)."""
    found = cache.lookup(files.storage(), meeting.public_id, version(meeting, user), suffix=SUFFIX)
    return found.path if found is not None else None


def build_file(meeting: Meeting, user: User | None) -> Path:
    """Build this reader's dossier into the cache (checked and audited as every build), telling the running
    job its progress file by file; answers the file."""
    start(meeting, user)
    key = version(meeting, user)
    entries: list[Entry] = []
    built = cache.scratch(files.storage(), meeting.public_id)
    try:
        stream = write(meeting, user, entries)
        with built.open("wb") as target:
            for chunk in stream:
                target.write(chunk)
                queue.progress(len(entries))
                queue.checkpoint()
        content = cache.digest("dossier", json.dumps(
            {"files": [(e.file, e.sha256) for e in entries], "mark": mark(meeting)}, sort_keys=True))
        return cache.adopt(files.storage(), meeting.public_id, key, content, built, SUFFIX,
                           marked=mark(meeting) is not None)
    finally:
        built.unlink(missing_ok=True)


def download(meeting: Meeting, user: User | None) -> Path:
    """This reader's dossier from the cache, checked and audited; NotFound when it is not built (or the
    content changed since: it is built again)."""
    ensure_allowed(meeting, user)
    path = cached(meeting, user)
    if path is None:
        raise NotFound(_not_built())
    start(meeting, user, from_cache=True)
    return path


def _not_built() -> str:
    return _("This dossier has not been built, or the meeting's documents have changed since: build it again "
             "on the Dossier tab.")
