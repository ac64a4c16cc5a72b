"""The archive's background job: building the dossier of a big meeting into the file cache, file by file
with its progress, for the person who asked (their clearance decides what it holds)."""

from __future__ import annotations

from flask_babel import gettext as _

from planner.accounts.models import User
from planner.archive import services
from planner.core.errors import NotFound
from planner.extensions import db
from planner.meetings.models import Meeting


def build_dossier(meeting_id: int, user_id: int | None) -> str:
    """Build the dossier this user reads; answers its file's name (its content hash). A refusal (the minutes
    were reopened, the user's clearance lowered since) fails the job at once with the reason."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(_("The meeting no longer exists."))
    user = db.session.get(User, user_id) if user_id is not None else None
    return services.build_file(meeting, user).name
