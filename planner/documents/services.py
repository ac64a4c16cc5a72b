"""An organization's document settings: profile overrides, signature lines, numbering period,
public holidays and the letterhead. The only code that changes them (audited, in the unit of work)."""

from __future__ import annotations

import contextlib
import io
import os
import re
import secrets
import zipfile
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from flask import current_app
from flask_babel import gettext as _

from planner.core import audit, workdays
from planner.core.db import atomic, check_version
from planner.core.errors import Conflict, ValidationError
from planner.core.text import clean_text
from planner.core.zipfiles import OfficeFileRefused, check_office_file, markup_message
from planner.documents import issuers as issuer_rules
from planner.documents.issuers import IssuingBody
from planner.documents.models import DocumentSettings, NumberingPeriod
from planner.documents.numbering import settings_for
from planner.documents.profiles import Profile, profile_for
from planner.extensions import db


class Organization(Protocol):
    """What documents read of an organization (accounts' Organization has it): the base layer imports no
    domain, so it names the fields it needs instead of the model."""

    id: int
    public_id: str
    name: str
    parent_name: str
    body_code: str
    document_profile: Any

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LETTERHEAD_FOLDER = "letterheads"
MAX_LETTERHEAD_BYTES = 5 * 1024 * 1024
MAX_UNPACKED = 50 * 1024 * 1024
# Document types whose signature lines and recipients an organization sets.
SIGNED_TYPES = ("minutes", "notice", "invitation")
SIDES = ("left", "right")
LINE_FIELDS = ("authority", "position", "name")
# Values of the profile an organization may change, the printed names of the issuing bodies, the superior
# body's code and the default drafter's code (ký hiệu người soạn thảo).
OVERRIDE_FIELDS = ("number_format", "recipients_last", "issuer_line", "superior_line", "superior_code",
                   "drafter_code")
# Names printed in the header may carry manual breaks between words (one line each, at most three).
MULTILINE_FIELDS = ("issuer_line", "superior_line")
CODE_FIELDS = ("superior_code", "drafter_code")
INVITATION_LEAD_DAYS = 3
_TERM = re.compile(r"^[\w .\-–/]{1,32}$")
_CODE = re.compile(r"^[\w.\-]{1,32}$")


def settings(org: Organization) -> DocumentSettings:
    """The organization's settings (not yet saved when it has never changed them)."""
    return settings_for(org.id)


def profile(org: Organization, current: DocumentSettings | None = None) -> Profile:
    current = current or settings(org)
    return profile_for(org.document_profile.value, current.profile_overrides)


def holidays(org: Organization, current: DocumentSettings | None = None) -> list[date]:
    current = current or settings(org)
    if current.holidays is None:
        return list(workdays.VIETNAM_HOLIDAYS)
    return [date.fromisoformat(day) for day in current.holidays]


def invitation_lead_days(org: Organization, current: DocumentSettings | None = None) -> int:
    """Working days an invitation must reach the invitees before the meeting: the organization's setting,
    3 by default (Quyết định 45/2018/QĐ-TTg, Điều 8; see invitations.services.issuing)."""
    return (current or settings(org)).invitation_lead_days or INVITATION_LEAD_DAYS


def documents_lead_days(org: Organization, current: DocumentSettings | None = None) -> int:
    """Working days the meeting's documents must reach the delegates before it: the organization's setting,
    3 by default (Quyết định 45/2018/QĐ-TTg, Điều 10; see meeting_documents.services)."""
    return (current or settings(org)).documents_lead_days or INVITATION_LEAD_DAYS


def invitation_due(org: Organization, first_day: date, current: DocumentSettings | None = None,
                   days: list[date] | None = None) -> date:
    """The last day on which the invitation of a meeting beginning on ``first_day`` leaves in time."""
    current = current or settings(org)
    return workdays.add_working_days(first_day, -invitation_lead_days(org, current),
                                     days if days is not None else holidays(org, current))


def issuer_lines(org: Organization, current: DocumentSettings | None = None) -> tuple[str, str]:
    """(superior body, issuing body) as printed in the header block of the organization's own documents."""
    current = current or settings(org)
    return issuer_rules.superior_name(org, current), issuer_rules.own_name(org, current)


def issuing_body(org: Organization, document_type: str, current: DocumentSettings | None = None,
                 language: str = "vi") -> IssuingBody:
    """Who issues a document type: its header lines, the body code of its number and its authority line, which
    therefore always agree (``T/L BAN THƯỜNG VỤ`` goes with ``-TB/TU``; the office's own with ``-TB/VPTU``)."""
    current = current or settings(org)
    return issuer_rules.issuing_body(org, document_type, profile(org, current), current, language)


def issuer_in_sentence(org: Organization, document_type: str, current: DocumentSettings | None = None) -> str:
    """The issuing body as a sentence names it ("… trân trọng kính mời", "… thông báo"): the office by its
    full name, the superior body by its own (the body on whose behalf the document is signed)."""
    body = issuing_body(org, document_type, current)
    name = {"own": org.name, "superior": org.parent_name or body.name}.get(body.body, body.name)
    name = " ".join((name or "").split())
    return name[:1].upper() + name[1:]


def signature_lines(org: Organization, document_type: str, language: str,
                    current: DocumentSettings | None = None) -> dict[str, dict[str, str]]:
    """The signature lines of a document type: the profile's defaults, then the organization's own. The
    authority line of a document the organization issues (notice, invitation) is its issuing body's."""
    current = current or settings(org)
    lines = {side: {"authority": line.authority, "position": line.position, "name": ""}
             for side, line in profile(org, current).signature_lines(document_type, language).items()}
    own = ((current.signatures or {}).get(document_type) or {})
    for side in SIDES:
        values = own.get(side) or {}
        if any(values.get(f) for f in LINE_FIELDS):
            base = lines.get(side, {"authority": "", "position": "", "name": ""})
            lines[side] = {f: values.get(f) or base.get(f, "") for f in LINE_FIELDS}
    if document_type in issuer_rules.ISSUED_TYPES and "right" in lines:
        lines["right"]["authority"] = issuing_body(org, document_type, current, language).authority
    return lines


def signers(org: Organization, document_type: str, language: str, current: DocumentSettings | None = None,
            *, chosen: dict[str, dict[str, str]] | None = None) -> dict[str, dict[str, str]]:
    """Who signs a document, side by side: ``{side: {authority, position, name}}``. The one place that
    decides it: the document type's lines in the organization's settings (the invitation's and the
    notice's signer is a chosen person with a position, e.g. the head of the office), the authority line
    of the issuing body, and ``chosen`` over them (the minutes: the secretary on the left, the presiding
    person who signs on the right)."""
    lines = signature_lines(org, document_type, language, current)
    for side, values in (chosen or {}).items():
        base = lines.setdefault(side, {"authority": "", "position": "", "name": ""})
        for f in LINE_FIELDS:
            if values.get(f):
                base[f] = values[f]
    return lines


def signer_problems(document_type: str, lines: dict[str, dict[str, str]] | None) -> list[str]:
    """What keeps a document from being approved or issued for want of a signer, in the user's language."""
    lines = lines or {}
    problems = []
    if document_type == "minutes":
        if not (lines.get("left") or {}).get("name", "").strip():
            problems.append(_("No secretary is named to sign the minutes (left)."))
        if not (lines.get("right") or {}).get("name", "").strip():
            problems.append(_("No presiding person is named to sign the minutes (right)."))
        return problems
    right = lines.get("right") or {}
    if not right.get("name", "").strip():
        problems.append(_("No signer is chosen for this document: name the person who signs it (the document "
                          "settings give each type its default signer)."))
    elif not right.get("position", "").strip():
        problems.append(_("The signer's position is missing."))
    return problems


def classified_problems(drafter: str | None, copies: int | None) -> list[str]:
    """A classified document states the drafter and the number of copies on the last line of its recipients
    (Nghị định 30/2020/NĐ-CP, Điều 8 khoản 3 điểm c; the state-secret rules ask both of a secret document)."""
    problems = []
    if not (drafter or "").strip():
        problems.append(_("A classified document states its drafter's code: write it under the recipients."))
    if not copies:
        problems.append(_("A classified document states its number of copies: write it under the recipients."))
    return problems


def require_signer(org: Organization, document_type: str, language: str, current: DocumentSettings | None = None,
                   *, lines: dict[str, dict[str, str]] | None = None) -> dict[str, dict[str, str]]:
    """The signers of a document that is about to be approved or issued; refused when nobody signs it."""
    lines = lines if lines is not None else signers(org, document_type, language, current)
    problems = signer_problems(document_type, lines)
    if problems:
        raise ValidationError(" ".join(problems), field="signer")
    return lines


def issuer_problems(org: Organization, document_type: str, current: DocumentSettings | None = None) -> list[str]:
    """What keeps a document type from being numbered: its issuing body's name or code missing."""
    current = current or settings(org)
    missing = issuer_rules.problems(org, document_type, profile(org, current), current)
    messages = []
    if "code" in missing:
        messages.append(_("The issuing body of this document has no code (ký hiệu cơ quan) for its number: an "
                          "administrator sets it in the organization or document settings."))
    if "name" in missing:
        messages.append(_("The issuing body of this document has no name: an administrator sets it in the "
                          "document settings."))
    return messages


def recipients(org: Organization, document_type: str, current: DocumentSettings | None = None) -> list[str] | None:
    """The organization's default recipients of a document type (None: the builder's defaults)."""
    own = (((current or settings(org)).signatures or {}).get(document_type) or {})
    value = own.get("recipients")
    return list(value) if isinstance(value, list) else None


def describe(current: DocumentSettings) -> dict[str, Any]:
    return {
        "numbering_period": current.numbering_period.value,
        "term_label": current.term_label,
        "profile_overrides": current.profile_overrides or {},
        "signatures": current.signatures or {},
        "issuers": current.issuers or {},
        "holidays": current.holidays,
        "invitation_lead_days": current.invitation_lead_days or 3,
        "documents_lead_days": current.documents_lead_days or 3,
        "letterhead": current.letterhead_name or None,
    }


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


# The letterhead -----------------------------------------------------------------------------------------

def check_letterhead(data: bytes) -> None:
    """A Word document (by its content, not its name) that python-docx can open; no macros."""
    if not data:
        raise ValidationError(_("The file is empty."), field="letterhead")
    if len(data) > MAX_LETTERHEAD_BYTES:
        raise ValidationError(_("The letterhead is too large (at most 5 MB)."), field="letterhead")
    message = _("This file is not a Word document (.docx). Save the letterhead from Word as .docx and try again.")
    try:
        names = check_office_file(data, required=("[Content_Types].xml", "word/document.xml"),
                                  parse=("[Content_Types].xml", "word/document.xml"), max_unpacked=MAX_UNPACKED)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    except OfficeFileRefused as exc:
        raise ValidationError(markup_message("docx") if exc.reason == "markup" else message,
                              field="letterhead") from None
    if "macroEnabled" in types or any(name.endswith("vbaProject.bin") for name in names):
        raise ValidationError(_("Documents with macros are not accepted; save the letterhead as a "
                                "plain .docx."), field="letterhead")
    from docx import Document

    try:
        Document(io.BytesIO(data))
    except Exception:  # python-docx raises many kinds for a damaged file
        raise ValidationError(message, field="letterhead") from None


def _folder() -> Path:
    folder = Path(current_app.config["STORAGE_PATH"]) / LETTERHEAD_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store_letterhead(org: Organization, data: bytes, filename: str) -> DocumentSettings:
    check_letterhead(data)
    current = settings(org)
    old = current.letterhead_path
    name = f"{secrets.token_hex(16)}.docx"
    folder = _folder()
    temporary = folder / f".{name}.tmp"
    temporary.write_bytes(data)
    os.replace(temporary, folder / name)
    try:
        with atomic(_stale_settings()):
            current.letterhead_path = name
            current.letterhead_name = clean_text(os.path.basename(filename or ""))[:255] or "letterhead.docx"
            db.session.add(current)
            audit.record(db.session, organization_id=org.id, action="documents.letterhead_uploaded",
                         object_type="organization", object_id=org.public_id, summary=current.letterhead_name)
    except Conflict:
        (folder / name).unlink(missing_ok=True)
        raise
    if old:
        with contextlib.suppress(OSError):
            (folder / old).unlink()
    return current


def remove_letterhead(org: Organization) -> None:
    current = settings(org)
    if not current.letterhead_path:
        return
    old = current.letterhead_path
    with atomic(_stale_settings()):
        current.letterhead_path = None
        current.letterhead_name = ""
        audit.record(db.session, organization_id=org.id, action="documents.letterhead_removed",
                     object_type="organization", object_id=org.public_id, summary="")
    with contextlib.suppress(OSError):
        (_folder() / old).unlink()


def letterhead(org: Organization, current: DocumentSettings | None = None) -> bytes | None:
    current = current or settings(org)
    if not current.letterhead_path:
        return None
    path = _folder() / os.path.basename(current.letterhead_path)
    try:
        return path.read_bytes()
    except OSError:
        return None
