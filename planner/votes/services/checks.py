"""Checking a vote's fields before they are stored, and the guards every change passes (a running
meeting, the version the page showed).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from planner.core.db import check_version
from planner.core.errors import Conflict, ValidationError
from planner.core.text import clean_text
from planner.extensions import db
from planner.meetings import services as meeting_services
from planner.meetings.models import Meeting
from planner.votes.models import Majority, Vote, VoteBase, VoteMethod, VoteStatus
from planner.votes.services.base import COUNT_FIELDS, MAX_COUNT, MAX_REASON, MAX_TITLE, VOTE_FIELDS, _stale

# Checking the fields ------------------------------------------------------------------------------

def _enum(enum_cls, value: Any, field: str, message: str):
    try:
        return enum_cls(value)
    except ValueError:
        raise ValidationError(message, field=field) from None


def _count(value: Any, field: str) -> int:
    if isinstance(value, bool):
        value = None
    if isinstance(value, str):
        value = value.strip()
    try:
        number = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValidationError(_("Enter the number as a whole number, 0 or more."), field=field) from None
    if isinstance(value, float) and not value.is_integer():
        raise ValidationError(_("Enter the number as a whole number, 0 or more."), field=field)
    if not 0 <= number <= MAX_COUNT:
        raise ValidationError(_("Enter the number as a whole number, 0 or more."), field=field)
    return number


def _title(value: Any) -> str:
    title = clean_text(value if isinstance(value, str) else "")
    if not title:
        raise ValidationError(_("Write what is put to the vote."), field="title")
    if len(title) > MAX_TITLE:
        raise ValidationError(_("The title is too long (at most %(n)d characters).", n=MAX_TITLE), field="title")
    return title


def _bool(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("1", "true", "on", "yes", 1):
        return True
    if value in ("0", "false", "off", "no", "", 0, None):
        return False
    raise ValidationError(_("Answer yes or no."), field=field)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(VOTE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s", fields=", ".join(sorted(unknown))))
    clean: dict[str, Any] = {}
    if "title" in data:
        clean["title"] = _title(data["title"])
    if "method" in data:
        clean["method"] = _enum(VoteMethod, data["method"], "method", _("Unknown voting method."))
    if "majority" in data:
        clean["majority"] = _enum(Majority, data["majority"], "majority",
                                  _("Unknown majority: use more_than_half or two_thirds."))
    if "base" in data:
        clean["base"] = _enum(VoteBase, data["base"], "base", _("Unknown base: use present or convened."))
    if "secret" in data:
        clean["secret"] = _bool(data["secret"], "secret")
    if "status" in data:
        clean["status"] = _enum(VoteStatus, data["status"], "status", _("Unknown status."))
    for name in COUNT_FIELDS:
        if name in data and data[name] not in (None, ""):
            clean[name] = _count(data[name], name)
    if "reason" in data:
        clean["reason"] = clean_text(data["reason"] if isinstance(data["reason"], str) else "", multiline=True)
        if len(clean["reason"]) > MAX_REASON:
            raise ValidationError(_("The reason is too long (at most %(n)d characters).", n=MAX_REASON),
                                  field="reason")
    return clean


def describe(vote: Vote) -> dict[str, Any]:
    """The vote's fields as the audit log records them."""
    return {"title": vote.title, "method": vote.method.value, "secret": vote.is_secret,
            "majority": vote.majority.value, "base": vote.base.value, "status": vote.status.value,
            "present": vote.present, "convened": vote.convened, "yes": vote.yes, "no": vote.no,
            "abstain": vote.abstain, "adopted": vote.adopted}


def _ensure_running(meeting: Meeting) -> None:
    if not meeting_services.is_editable(meeting):
        raise Conflict(_("This meeting is closed: its votes can no longer be held; a closed vote can still be "
                         "corrected."))


def _check_version(vote: Vote, version: Any) -> None:
    check_version(vote, version, _stale())


def _fresh(vote: Vote) -> Vote:
    """The vote as committed now, not as the page read it (another clerk may have moved it on)."""
    db.session.refresh(vote)
    return vote
