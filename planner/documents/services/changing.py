"""Changing the settings from plain data (the form's or the API's): each field checked, one audit entry.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from planner.core import audit, workdays
from planner.core.db import atomic, check_version
from planner.core.errors import ValidationError
from planner.core.text import clean_text
from planner.documents import issuers as issuer_rules
from planner.documents.models import DocumentSettings, NumberingPeriod
from planner.documents.services.reading import (
    _CODE,
    _TERM,
    CODE_FIELDS,
    LINE_FIELDS,
    MULTILINE_FIELDS,
    OVERRIDE_FIELDS,
    SIDES,
    SIGNED_TYPES,
    Organization,
    describe,
    settings,
)
from planner.extensions import db


def _clean_line(value: Any, limit: int = 255) -> str:
    text = clean_text(value)
    if len(text) > limit:
        raise ValidationError(_("This line is too long (at most %(n)d characters).", n=limit))
    return text


def update_settings(org: Organization, data: dict[str, Any], *, version: int | None = None) -> DocumentSettings:
    """Change the settings from plain data (the form's or the API's): every key optional.

    ``numbering_period`` (year|term), ``term_label``, ``profile_overrides`` {field: text},
    ``signatures`` {type: {left|right: {authority, position, name}, recipients: [lines]}},
    ``holidays`` (a list of ISO dates, or text with one day a line; None restores the defaults),
    ``invitation_lead_days`` and ``documents_lead_days`` (working days, 1–20; empty: 3).
    """
    current = settings(org)
    check_version(current, version, _stale_settings())
    with atomic(_stale_settings()):
        before = describe(current) if current.id is not None else {}
        if "numbering_period" in data:
            try:
                current.numbering_period = NumberingPeriod(data["numbering_period"])
            except ValueError:
                raise ValidationError(_("Choose how numbers are counted."), field="numbering_period") from None
        if "term_label" in data:
            term = _clean_line(data["term_label"], 32)
            if term and not _TERM.match(term):
                raise ValidationError(_("Write the term as, for example, 2025-2030."), field="term_label")
            current.term_label = term
        if current.numbering_period == NumberingPeriod.term and not current.term_label:
            raise ValidationError(_("Numbering per term needs the term, for example 2025-2030."), field="term_label")
        if "profile_overrides" in data:
            overrides = {}
            for key, value in (data["profile_overrides"] or {}).items():
                if key not in OVERRIDE_FIELDS:
                    raise ValidationError(_("Unknown setting: %(name)s", name=key), field="profile_overrides")
                text = _clean_lines(value, key) if key in MULTILINE_FIELDS else _clean_line(value)
                if text and key in CODE_FIELDS and not _CODE.match(text):
                    raise ValidationError(_("A code is letters and digits, without spaces (e.g. TU, VPTU, P1)."),
                                          field=key)
                if text:
                    overrides[key] = text
            if "number_format" in overrides:
                _check_number_format(overrides["number_format"])
            current.profile_overrides = overrides or None
        if "signatures" in data:
            current.signatures = _clean_signatures(data["signatures"] or {}) or None
        if "issuers" in data:
            current.issuers = _clean_issuers(data["issuers"] or {}) or None
        _check_issuers(org, current)
        if "holidays" in data:
            current.holidays = _clean_holidays(data["holidays"])
        if "invitation_lead_days" in data:
            current.invitation_lead_days = _clean_lead_days(data["invitation_lead_days"])
        if "documents_lead_days" in data:
            current.documents_lead_days = _clean_lead_days(data["documents_lead_days"], "documents_lead_days")
        after = describe(current)
        changes = audit.diff(before, after)
        if not changes and current.id is not None:
            return current
        db.session.add(current)
        audit.record(db.session, organization_id=org.id, action="documents.settings_updated",
                     object_type="organization", object_id=org.public_id, summary=_("Document settings"),
                     changes=changes)
    return current


def _clean_lines(value: Any, field: str) -> str:
    """A name printed in the header: one line, or up to three where it may break between words."""
    lines = [line for line in clean_text(value, multiline=True).split("\n") if line]
    if len(lines) > 3:
        raise ValidationError(_("At most three lines."), field=field)
    text = "\n".join(lines)
    if len(text) > 255:
        raise ValidationError(_("This line is too long (at most %(n)d characters).", n=255), field=field)
    return text


def _clean_issuers(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValidationError(_("Choose who issues each document."), field="issuers")
    clean: dict[str, Any] = {}
    for document_type, value in data.items():
        if document_type not in issuer_rules.ISSUED_TYPES or not isinstance(value, dict):
            raise ValidationError(_("Unknown document type: %(name)s", name=document_type), field="issuers")
        body = value.get("body") or "own"
        if body not in issuer_rules.BODIES:
            raise ValidationError(_("Choose who issues each document."), field=f"{document_type}_issuer_body")
        entry = {"body": body, "authority": _clean_line(value.get("authority"))}
        if body == "other":
            entry["name"] = _clean_lines(value.get("name"), f"{document_type}_issuer_name")
            entry["code"] = _clean_line(value.get("code"), 32)
            if not entry["name"]:
                raise ValidationError(_("Name the body that issues it."), field=f"{document_type}_issuer_name")
            if not _CODE.match(entry["code"]):
                raise ValidationError(_("A code is letters and digits, without spaces (e.g. TU, VPTU, P1)."),
                                      field=f"{document_type}_issuer_code")
        if body != "own" or entry["authority"]:
            clean[document_type] = {k: v for k, v in entry.items() if v}
    return clean


def _check_issuers(org: Organization, current: DocumentSettings) -> None:
    """A document type issued by the superior body needs the superior's name and code."""
    if any(value.get("body") == "superior" for value in (current.issuers or {}).values()):
        overrides = current.profile_overrides or {}
        if not overrides.get("superior_code"):
            raise ValidationError(_("Documents issued by the superior body need its code (e.g. TU)."),
                                  field="superior_code")
        if not issuer_rules.superior_name(org, current):
            raise ValidationError(_("Documents issued by the superior body need its name."), field="superior_line")


def _stale_settings() -> str:
    return _("Someone else has changed these settings meanwhile. Reload the page and try again.")


def _check_number_format(pattern: str) -> None:
    try:
        sample = pattern.format(number="12", type_code="BB", body_code="VPTU")
    except (KeyError, IndexError, ValueError):
        sample = ""
    if "{number}" not in pattern or "12" not in sample:
        raise ValidationError(_("The number format must contain {number}, and may contain {type_code} and "
                                "{body_code}, e.g. Số {number}-{type_code}/{body_code}."), field="number_format")


def _clean_signatures(data: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for document_type, value in data.items():
        if document_type not in SIGNED_TYPES or not isinstance(value, dict):
            raise ValidationError(_("Unknown document type: %(name)s", name=document_type), field="signatures")
        entry: dict[str, Any] = {}
        for side in SIDES:
            line = value.get(side) or {}
            if not isinstance(line, dict):
                raise ValidationError(_("Unknown document type: %(name)s", name=side), field="signatures")
            fields = {f: _clean_line(line.get(f)) for f in LINE_FIELDS}
            if any(fields.values()):
                entry[side] = fields
        lines = value.get("recipients")
        if isinstance(lines, str):
            lines = lines.splitlines()
        if lines:
            cleaned = [_clean_line(line) for line in lines]
            entry["recipients"] = [line for line in cleaned if line][:40]
        if entry:
            clean[document_type] = entry
    return clean


def _clean_lead_days(value: Any, field: str = "invitation_lead_days") -> int:
    """Working days before the meeting by which invitations (or the documents) go out: 1 to 20 (None or
    empty: 3)."""
    if value is None or value == "":
        return 3
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = 0
    if isinstance(value, bool) or not 1 <= days <= 20 or str(days) != str(value).strip():
        if field == "documents_lead_days":
            raise ValidationError(_("Write the lead time of the meeting documents as a whole number of working "
                                    "days from 1 to 20."), field=field)
        raise ValidationError(_("Write the lead time of invitations as a whole number of working days from 1 "
                                "to 20."), field=field)
    return days


def _clean_holidays(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        days, bad = workdays.parse_holidays(value)
    else:
        days, bad = [], []
        for item in value:
            day = workdays.parse_day(str(item))
            if day is None:
                bad.append(str(item))
            else:
                days.append(day)
    if bad:
        raise ValidationError(_("These lines are not days: %(lines)s. Write one day a line, e.g. 2026-09-02.",
                                lines=", ".join(bad[:5])), field="holidays")
    return [d.isoformat() for d in sorted(set(days))]
