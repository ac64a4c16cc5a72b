"""Files that follow their rows: a deleted meeting's cache folder and logo go once the deletion is committed,
a replaced logo once its replacement is, an uploaded one if its change is rolled back."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from flask import has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session, object_session

from planner.booklets import cache
from planner.booklets.models import (
    BookletSettings,
)
from planner.booklets.services.base import _logo_dir, storage
from planner.meetings.models import Meeting

# A deleted meeting takes its files along ---------------------------------------------------------------

_DOOMED = "booklets_doomed_files"


def _note_files(_mapper, connection, meeting: Meeting) -> None:
    """Before a meeting's row goes (its settings go with it, ON DELETE CASCADE), note its cache folder and
    logo; they are removed once the deletion is committed, and kept if it is rolled back."""
    session = object_session(meeting)
    if session is None:
        return
    logo = connection.execute(select(BookletSettings.logo_name).where(BookletSettings.meeting_id == meeting.id)
                              ).scalar()
    session.info.setdefault(_DOOMED, []).append((meeting.public_id, logo))


# Logo files: the new one goes if its change is rolled back, the one it replaced once the change is committed.
_COMMITTED = "booklets_files_gone_on_commit"
_ROLLED_BACK = "booklets_files_gone_on_rollback"


def _remove_after(session: Any, outcome: str, path: Path) -> None:
    session.info.setdefault(outcome, []).append(path)


def _unlink(paths: Sequence[Path] | None) -> None:
    for path in paths or ():
        with contextlib.suppress(OSError):
            path.unlink()


def _remove_files(session: Session) -> None:
    session.info.pop(_ROLLED_BACK, None)
    _unlink(session.info.pop(_COMMITTED, None))
    doomed = session.info.pop(_DOOMED, None)
    if not doomed or not has_app_context():
        return
    for meeting_key, logo in doomed:
        cache.clear(storage(), meeting_key)
        with contextlib.suppress(OSError):
            cache.folder(storage(), meeting_key).rmdir()
        if logo and re.fullmatch(r"[0-9a-f]{32}\.(png|jpg|svg)", logo):
            with contextlib.suppress(OSError):
                (_logo_dir() / logo).unlink()


def _keep_files(session: Session) -> None:
    session.info.pop(_DOOMED, None)
    session.info.pop(_COMMITTED, None)
    _unlink(session.info.pop(_ROLLED_BACK, None))


def remove_files_of_deleted_meetings() -> None:
    """Called by the package's setup: a deleted meeting's cache folder and logo go once the deletion is
    committed, a replaced logo once its replacement is, an uploaded one if its change is rolled back
    (listening once, however many apps a process makes)."""
    for target, name, function in ((Meeting, "before_delete", _note_files), (Session, "after_commit", _remove_files),
                                   (Session, "after_rollback", _keep_files)):
        if not event.contains(target, name, function):
            event.listen(target, name, function)
