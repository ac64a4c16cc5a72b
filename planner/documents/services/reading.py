"""Reading an organization's document settings: its profile with the overrides, holidays and lead days,
the issuing bodies, signature lines and recipients, and what a document lacks before it is issued.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Protocol

from flask_babel import gettext as _

from planner.core import workdays
from planner.core.errors import ValidationError
from planner.documents import issuers as issuer_rules
from planner.documents.issuers import IssuingBody
from planner.documents.models import DocumentSettings
from planner.documents.numbering import settings_for
from planner.documents.profiles import Profile, profile_for


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
