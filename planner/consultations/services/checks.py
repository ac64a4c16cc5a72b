"""Checking a consultation's fields before they are stored, and the guard of a draft's changes.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from flask_babel import gettext as _

from planner.accounts.models import Organization, User
from planner.consultations.models import Consultation, ConsultationStatus
from planner.consultations.services.base import DEFAULT_REMIND_HOURS, MAX_QUESTION, MAX_REMIND_HOURS, MAX_TITLE
from planner.consultations.services.reading import zone
from planner.core.errors import Conflict, ValidationError
from planner.core.inputs import problem_of, whole_number
from planner.core.permissions import Classification, clearance_of, cleared_for
from planner.core.text import clean_text

# Checking the fields ------------------------------------------------------------------------------------

def _text(value: Any, name: str, limit: int, *, multiline: bool = False, required: bool = False) -> str:
    text = clean_text(value, multiline=multiline)
    problem = problem_of(text)
    if problem:
        raise ValidationError(problem, field=name)
    if required and not text:
        raise ValidationError(_("This field is required."), field=name)
    if len(text) > limit:
        raise ValidationError(_("Too long: at most %(num)d characters.", num=limit), field=name)
    return text


def _classification(value: Any, org: Organization, user: User | None) -> Classification:
    try:
        level = Classification(value or Classification.none.value)
    except ValueError:
        raise ValidationError(_("Choose a classification from the list."), field="classification") from None
    if user is not None and not cleared_for(clearance_of(user, org.id), level):
        raise ValidationError(_("You may not mark content above your own clearance."), field="classification")
    return level


def _deadline(value: Any, org: Organization) -> datetime:
    """An aware datetime, a naive one in the organization's time, or ISO 8601 text."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(_("Write the deadline as a day and a time."), field="deadline") from None
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time(17, 0))
    if not isinstance(value, datetime):
        raise ValidationError(_("Give the deadline: a day and a time."), field="deadline")
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone(org))
    if not date(2000, 1, 1) <= value.date() <= date(2100, 12, 31):
        raise ValidationError(_("Write the deadline as a day and a time."), field="deadline")
    return value


def _remind_hours(value: Any) -> int:
    if value in (None, ""):
        return DEFAULT_REMIND_HOURS
    return whole_number(value, "remind_hours", 0, MAX_REMIND_HOURS,
                        wrong=_("Give the reminder as a number of hours."),
                        beyond=_("The reminder goes out between 0 and %(num)d hours before the deadline.",
                                 num=MAX_REMIND_HOURS))


def _clean(org: Organization, data: dict[str, Any], user: User | None) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "title" in data:
        clean["title"] = _text(data["title"], "title", MAX_TITLE, required=True)
    if "question" in data:
        clean["question"] = _text(data["question"], "question", MAX_QUESTION, multiline=True, required=True)
    if "classification" in data:
        clean["classification"] = _classification(data["classification"], org, user)
    if "deadline" in data:
        clean["deadline"] = _deadline(data["deadline"], org)
    if "remind_hours" in data:
        clean["remind_hours"] = _remind_hours(data["remind_hours"])
    return clean


def _ensure_draft(consultation: Consultation) -> None:
    if consultation.status is not ConsultationStatus.draft:
        raise Conflict(_("This consultation has been sent: its question, documents and members no longer change."))
