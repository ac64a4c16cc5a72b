"""What the delegates' services share: the fields and their limits, search words, cleaning a person's input,
and the query of a meeting's participants."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, literal, select

from planner.core.errors import ValidationError
from planner.core.inputs import whole_number
from planner.core.text import clean_text, fold, split_full_name
from planner.delegates.models import (
    EducationLevel,
    Gender,
    Participant,
    ParticipantCategory,
    Person,
)
from planner.meetings.models import Meeting

NAME_FIELDS = ("family_name", "middle_name", "given_name")
PERSON_FIELDS = (*NAME_FIELDS, "honorific", "title", "unit", "email", "phone", "default_precedence")
# Optional facts of the directory that a congress's credentials report counts (the delegates' structure).
STRUCTURE_FIELDS = ("gender", "ethnicity", "birth_year", "education_level")
# Fields of a participant kept with the person (the same in every meeting).
PARTICIPANT_PERSON_FIELDS = (*NAME_FIELDS, "honorific", "email", "phone")
# Fields of a participant as of this meeting.
PARTICIPANT_OWN_FIELDS = ("title", "unit", "category", "delegation", "precedence", "seat", "rsvp", "note")
ATTENDANCE_FIELDS = ("attendance", "absence_reason", "day")

MAX_LENGTHS = {
    "family_name": 120, "middle_name": 120, "given_name": 120, "honorific": 40, "unit": 500, "title": 2000,
    "email": 255, "phone": 64, "delegation": 255, "seat": 32, "note": 4000, "absence_reason": 1000,
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CHUNK = 500
_SEARCH_WORDS = re.compile(r"\w+")


def _field_label(name: str) -> str:
    labels = {
        "family_name": _("Family name"), "middle_name": _("Middle name"), "given_name": _("Given name"),
        "honorific": _("Honorific"), "title": _("Position"), "unit": _("Unit"), "email": _("E-mail"),
        "phone": _("Phone"), "delegation": _("Delegation"), "seat": _("Seat"), "note": _("Note"),
        "absence_reason": _("Reason for absence"),
    }
    return labels.get(name, name)


# Search --------------------------------------------------------------------------------------------

def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_clauses(column: Any, q: str | None) -> list[Any]:
    """Every word of the query, folded, must begin a word of the folded column: 'nguyen van' finds
    'Nguyễn Văn …' (and 'Trần Văn Nguyên'), and 'an' finds 'An' and 'Anh' but not every 'Văn'."""
    text = literal(" ") + column
    return [text.like(f"% {_like_escape(word)}%", escape="\\") for word in search_words(q)]


def search_words(q: str | None) -> list[str]:
    return _SEARCH_WORDS.findall(fold(q))


# Cleaning input -------------------------------------------------------------------------------------

def _check_lengths(clean: dict[str, Any]) -> None:
    for name, limit in MAX_LENGTHS.items():
        value = clean.get(name)
        if isinstance(value, str) and len(value) > limit:
            raise ValidationError(_("%(field)s is too long: at most %(n)d characters.", field=_field_label(name),
                                    n=limit), field=name)


def _precedence(value: Any, name: str = "precedence") -> int | None:
    if value in (None, ""):
        return None
    return whole_number(value, name, 1, 99_999,
                        wrong=_("The precedence is a whole number from 1 (the highest rank) to 99999."))


def _clean_person_fields(data: dict[str, Any], current: Person | None = None) -> dict[str, Any]:
    """Name, honorific, contact (and for the directory title, unit, default precedence), cleaned.

    A full name typed in one field (``full_name``) is split unless the parts are given as well.
    """
    clean: dict[str, Any] = {}
    if data.get("full_name") and not any(data.get(k) for k in NAME_FIELDS):
        clean.update(zip(NAME_FIELDS, split_full_name(clean_text(data["full_name"])), strict=True))
    for key in ("honorific", "title", "unit", "email", "phone", *NAME_FIELDS):
        if key in data and key not in clean:
            clean[key] = clean_text(data[key])
    if "email" in clean:
        clean["email"] = clean["email"].lower()
        if clean["email"] and not _EMAIL.match(clean["email"]):
            raise ValidationError(_("Enter a valid e-mail address."), field="email")
    if "default_precedence" in data:
        clean["default_precedence"] = _precedence(data["default_precedence"], "default_precedence")
    clean.update(_clean_structure(data))
    given = clean.get("given_name", current.given_name if current is not None else "")
    if not given:
        raise ValidationError(_("Enter the person's name."), field="given_name")
    _check_lengths(clean)
    return clean


def _clean_structure(data: dict[str, Any]) -> dict[str, Any]:
    """The optional gender, ethnicity, birth year and education level: empty is none."""
    clean: dict[str, Any] = {}
    for key, kind, message in (("gender", Gender, _("Unknown gender.")),
                               ("education_level", EducationLevel, _("Unknown education level."))):
        if key in data:
            try:
                clean[key] = kind(data[key]) if data[key] not in (None, "") else None
            except ValueError:
                raise ValidationError(message, field=key) from None
    if "ethnicity" in data:
        clean["ethnicity"] = clean_text(data["ethnicity"])
        if len(clean["ethnicity"]) > 60:
            raise ValidationError(_("%(field)s is too long: at most %(n)d characters.", field=_("Ethnicity"), n=60),
                                  field="ethnicity")
    if "birth_year" in data:
        year = data["birth_year"]
        if year in (None, ""):
            clean["birth_year"] = None
        else:
            try:
                clean["birth_year"] = int(year)
            except (TypeError, ValueError):
                clean["birth_year"] = 0
            if not 1900 <= clean["birth_year"] <= date.today().year:
                raise ValidationError(_("Enter the year of birth, for example 1975."), field="birth_year")
    return clean


# Participants ---------------------------------------------------------------------------------------------

def participants_query(meeting: Meeting, *, q: str | None = None,
                       category: ParticipantCategory | str | None = None) -> Select[tuple[Participant]]:
    query = select(Participant).where(Participant.meeting_id == meeting.id,
                                      *search_clauses(Participant.search_folded, q))
    if category:
        query = query.where(Participant.category == ParticipantCategory(category))
    return query
