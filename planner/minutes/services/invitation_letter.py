"""The invitation letter's text for a meeting, and who receives it."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from planner.accounts.models import User
from planner.core import audit
from planner.core.db import atomic
from planner.core.errors import Conflict, Forbidden, ValidationError
from planner.core.permissions import Permission
from planner.core.text import normalize
from planner.delegates import protocol
from planner.delegates.models import Participant, ParticipantCategory, Rsvp
from planner.extensions import db
from planner.meetings.models import Meeting
from planner.minutes.models import (
    InvitationLetter,
    InvitationMode,
)
from planner.minutes.services.writing import _ensure_meeting_open, _text, _version

# The invitation letter ------------------------------------------------------------------------------------------

INVITATION_FIELDS = ("mode", "addressee", "content", "preparation", "contact", "contact_phone")


def invitation_letter(meeting: Meeting) -> InvitationLetter:
    letter = db.session.scalar(select(InvitationLetter).where(InvitationLetter.meeting_id == meeting.id))
    return letter or InvitationLetter(meeting_id=meeting.id, mode=InvitationMode.each, addressee="", content="",
                                      preparation="", contact="", contact_phone="")


def save_invitation_letter(meeting: Meeting, data: dict[str, Any], *, user: User | None,
                           version: Any = None) -> InvitationLetter:
    if user is None or not user.can(Permission.organize, meeting.organization_id):
        raise Forbidden(_("Only organizers and administrators may write the invitation letter."))
    _ensure_meeting_open(meeting)
    letter = invitation_letter(meeting)
    if letter.id is not None and version not in (None, "") and _version(version) != letter.version:
        raise Conflict(_("Someone else has changed the invitation letter meanwhile. Reload it and try again."))
    before = {k: getattr(letter, k) for k in INVITATION_FIELDS}
    clean: dict[str, Any] = {}
    for key in INVITATION_FIELDS:
        if key not in data:
            continue
        if key == "mode":
            try:
                clean[key] = InvitationMode(data[key] or InvitationMode.each)
            except ValueError:
                raise ValidationError(_("Choose one letter per participant or one for all."), field="mode") from None
        elif key == "contact_phone":
            clean[key] = _phone(data[key])
        else:
            clean[key] = _text(data[key], 5_000, key)
    changes = audit.diff(before, {**before, **clean})
    if not changes and letter.id is not None:
        return letter
    with atomic(_("Someone else has changed the invitation letter meanwhile. Reload it and try again.")):
        for key, value in clean.items():
            setattr(letter, key, value)
        db.session.add(letter)
        audit.record(db.session, organization_id=meeting.organization_id, meeting_id=meeting.id,
                     action="invitation.updated", object_type="meeting", object_id=meeting.public_id,
                     summary=meeting.title, changes=changes)
    return letter


_PHONE = re.compile(r"^[0-9+()./\- ]{3,64}$")


def _phone(value: Any) -> str:
    """A telephone number as people write it (``0236 3822 123``, ``+84 236 3822123``, ``(0236) 3.822.123``)."""
    text = normalize(str(value or "")).strip()
    if text and (not _PHONE.match(text) or sum(ch.isdigit() for ch in text) < 3):
        raise ValidationError(_("Write the contact phone with digits, spaces and + ( ) . - only, e.g. 0236 3822 123."),
                              field="contact_phone")
    return text


def invited(meeting: Meeting) -> list[Participant]:
    """Who receives a letter: everyone on the list who has not declined, staff excepted, in protocol order."""
    query = (select(Participant).where(Participant.meeting_id == meeting.id, Participant.rsvp != Rsvp.declined,
                                       Participant.category != ParticipantCategory.staff)
             .order_by(*protocol.order_by(protocol.Order.protocol)))
    return list(db.session.scalars(query).unique())
