"""Who issues a document: the issuing body decides the header, the number's body code and the authority line.

A document signed ``T/L BAN THƯỜNG VỤ`` is the committee's and is numbered with the committee's code
(``Số 05-TB/TU``); one the office issues in its own name carries the office's header and code
(``Số 05-TB/VPTU``) and the head of the office signs without ``T/L`` (DOMAIN.md, "Signatures"). So the
three are taken from one place, the issuing body of the document type, and never set apart:

- ``own``: the organization itself (the office): its superior body above, its short header name in bold
  (``THÀNH ỦY ĐÀ NẴNG`` / ``VĂN PHÒNG``), its body code (``VPTU``); the signer signs in the office's name.
- ``superior``: the body the organization serves (tên cơ quan cấp trên), on whose behalf it signs by
  order: the superior's name in bold (``THÀNH ỦY ĐÀ NẴNG``), its code (``TU``), the authority line
  ``T/L BAN THƯỜNG VỤ`` (State: ``TL. CHỦ TỊCH``).
- ``other``: another body, with its name, code and authority line written out.

Plain functions of an organization-like object (``name``, ``parent_name``, ``body_code``) and its
DocumentSettings: no session, no domain import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from planner.documents.profiles import Profile

BODIES = ("own", "superior", "other")
# Types whose issuing body an organization chooses; the minutes are always the office's own record.
ISSUED_TYPES = ("notice", "invitation")
ISSUER_FIELDS = ("body", "name", "code", "authority")


@dataclass(frozen=True)
class IssuingBody:
    body: str        # own, superior, other
    superior: str    # printed above the issuing body, regular capitals ("" for none)
    name: str        # the issuing body, bold capitals; "\n" marks a manual break between words
    code: str        # the body code of the number (ký hiệu cơ quan)
    authority: str   # the authority line of the signature ("" when the signer signs in the body's own name)


def _overrides(current: Any) -> dict[str, Any]:
    return (getattr(current, "profile_overrides", None) or {}) if current is not None else {}


def superior_name(org: Any, current: Any) -> str:
    """The superior body's name (tên cơ quan cấp trên): the settings' line, else the organization's parent."""
    return _overrides(current).get("superior_line") or org.parent_name or ""


def own_name(org: Any, current: Any) -> str:
    """The organization's short header name (``VĂN PHÒNG``), else its full name."""
    return _overrides(current).get("issuer_line") or org.name or ""


def default_authority(profile: Profile, document_type: str, body: str, language: str = "vi") -> str:
    """The profile's authority line for a body: by order of the superior's collective (``T/L BAN THƯỜNG VỤ``),
    none for the office's own documents (its head signs as ``CHÁNH VĂN PHÒNG``)."""
    if body != "superior":
        return ""
    line = profile.signature_lines(document_type, language).get("right")
    return line.authority if line is not None else ""


def issuing_body(org: Any, document_type: str, profile: Profile, current: Any = None,
                 language: str = "vi") -> IssuingBody:
    """The issuing body of a document type in the organization's settings."""
    overrides = _overrides(current)
    chosen = ((getattr(current, "issuers", None) or {}).get(document_type) or {}) if current is not None else {}
    # Without a choice the office issues in its own name; the minutes are always its own record.
    body = chosen.get("body") if chosen.get("body") in BODIES else "own"
    if document_type not in ISSUED_TYPES:
        body = "own"
    authority = chosen.get("authority") or default_authority(profile, document_type, body, language)
    if body == "superior":
        return IssuingBody(body, "", superior_name(org, current), overrides.get("superior_code") or "", authority)
    if body == "other":
        return IssuingBody(body, chosen.get("superior") or "", chosen.get("name") or "", chosen.get("code") or "",
                           authority)
    return IssuingBody("own", superior_name(org, current), own_name(org, current), org.body_code or "", authority)


def problems(org: Any, document_type: str, profile: Profile, current: Any = None) -> list[str]:
    """What keeps the issuing body of a document type from numbering and heading it (untranslated keys:
    ``code``, ``name``); the caller words them."""
    issuer = issuing_body(org, document_type, profile, current)
    missing = []
    if not issuer.name.strip():
        missing.append("name")
    if not issuer.code.strip():
        missing.append("code")
    return missing
