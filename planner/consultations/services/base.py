"""What every part of the consultations' services shares: the limits of the fields, the personal link's
shape, the audit entry each change writes (object type ``consultation``) and the stale-version message.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask_babel import gettext as _

from planner.consultations.models import Consultation
from planner.core import audit
from planner.extensions import db

MAX_TITLE = 500
MAX_QUESTION = 20_000
MAX_OPINION = 5_000
MAX_MEMBERS = 1_000
MAX_REMIND_HOURS = 14 * 24
DEFAULT_REMIND_HOURS = 24
LINK_PREFIX = "c_"
LINK_PURPOSE = "planner.consultation-link.v1"
LINK_USE_NOTE_EVERY = timedelta(minutes=1)
_SECRET_SHAPE = re.compile(r"^c_[A-Za-z0-9_-]{43}$")
SUBFOLDER = "consultations"
FIELDS = ("title", "question", "classification", "deadline", "remind_hours")


def _audit(consultation: Consultation, action: str, summary: str, changes: dict[str, Any] | None = None,
           *, actor_label: str | None = None) -> None:
    audit.record(db.session, organization_id=consultation.organization_id, meeting_id=consultation.meeting_id,
                 action=action, object_type="consultation", object_id=consultation.public_id,
                 summary=summary, changes=changes, actor_label=actor_label)


def _stale() -> str:
    return _("Someone else changed this consultation meanwhile. Reload the page to see the current version.")
