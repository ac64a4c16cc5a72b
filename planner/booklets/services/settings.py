"""What the booklet holds (paper, sections, programme source, foreword, practical information) and its logo,
checked by its content and drawn once before it is kept."""

from __future__ import annotations

import hashlib
import re
import secrets
import xml.etree.ElementTree as ET  # only SVGs that _svg_ok found free of DTDs and entities  # nosec B405
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from planner.accounts.models import User
from planner.booklets import cache
from planner.booklets.models import (
    BookletSettings,
    Paper,
    ProgrammeSource,
    Section,
)
from planner.booklets.services.base import (
    JPEG,
    LOGO_CHECK,
    LOGO_FORMATS,
    MAX_LOGO_BYTES,
    MAX_TEXT,
    PNG,
    SVG,
    _audit,
    _check_version,
    _logo_dir,
    _stage,
)
from planner.booklets.services.files import _COMMITTED, _ROLLED_BACK, _remove_after
from planner.core import audit
from planner.core.db import atomic
from planner.core.errors import ValidationError
from planner.core.text import clean_text
from planner.documents.render import RenderError, render_pdf
from planner.extensions import db
from planner.meetings.models import Meeting

# Booklet settings -----------------------------------------------------------------------------------

def settings_of(meeting: Meeting) -> BookletSettings:
    """The meeting's booklet settings; defaults (not saved) when the staff have not chosen yet."""
    found = db.session.scalar(select(BookletSettings).where(BookletSettings.meeting_id == meeting.id))
    if found is not None:
        return found
    return BookletSettings(meeting_id=meeting.id, paper=Paper.a5, sections=list(_default_sections()),
                           programme_source=ProgrammeSource.release, foreword="", foreword_signature="",
                           practical_info="", version=0)


def _default_sections() -> list[str]:
    from planner.booklets.models import DEFAULT_SECTIONS

    return list(DEFAULT_SECTIONS)


def _describe_settings(s: BookletSettings) -> dict[str, Any]:
    return {"paper": s.paper.value if s.paper else None, "sections": list(s.sections or []),
            "programme_source": s.programme_source.value if s.programme_source else None,
            "foreword": s.foreword, "foreword_signature": s.foreword_signature, "practical_info": s.practical_info}


def _text(value: Any, field: str, limit: int) -> str:
    text = clean_text(value, multiline=True)
    if len(text) > limit:
        raise ValidationError(_("At most %(n)d characters.", n=limit), field=field)
    return text


def save_settings(meeting: Meeting, data: dict[str, Any], *, user: User | None, version: Any = None) -> BookletSettings:
    """Change what the booklet holds: paper, sections, programme source, foreword, practical information."""
    settings = settings_of(meeting)
    _check_version(settings, version)
    before = _describe_settings(settings)
    try:
        paper = Paper(data.get("paper") or settings.paper)
    except ValueError:
        raise ValidationError(_("Choose A5 or A4."), field="paper") from None
    try:
        source = ProgrammeSource(data.get("programme_source") or settings.programme_source)
    except ValueError:
        raise ValidationError(_("Choose where the programme comes from."), field="programme_source") from None
    wanted = data.get("sections", settings.sections) or []
    known = {s.value for s in Section}
    unknown = [s for s in wanted if s not in known]
    if unknown:
        raise ValidationError(_("Unknown section: %(names)s", names=", ".join(map(str, unknown))), field="sections")
    clean = {
        "paper": paper,
        "programme_source": source,
        "sections": [s.value for s in Section if s.value in set(wanted)],
        "foreword": _text(data.get("foreword", settings.foreword), "foreword", MAX_TEXT),
        "foreword_signature": _text(data.get("foreword_signature", settings.foreword_signature),
                                    "foreword_signature", 255),
        "practical_info": _text(data.get("practical_info", settings.practical_info), "practical_info", MAX_TEXT),
    }
    if Section.foreword.value in clean["sections"] and not clean["foreword"]:
        raise ValidationError(_("Write the foreword, or leave its section out."), field="foreword")
    with atomic(_("Someone else changed these settings meanwhile. Reload the page and try again.")):
        _stage(settings, clean)
        after = _describe_settings(settings)
        changes = audit.diff(before, after)
        if not changes and settings.id:
            return settings
        db.session.flush()
        _audit(meeting, "booklet.settings_changed", _("Booklet settings of “%(title)s”", title=meeting.title),
               changes)
    return settings


# The logo --------------------------------------------------------------------------------------------

def sniff_image(data: bytes) -> str | None:
    """PNG, JPEG or SVG, from the content alone (never the file's name)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or head.startswith(b"<!--"):
        return SVG if _svg_ok(data) else None
    return None


_SVG_REFUSED = re.compile(rb"<!doctype|<!entity|<script|<foreignobject|\son[a-z]+\s*=|javascript:", re.I)


def _svg_ok(data: bytes) -> bool:
    """An SVG drawing, without DTDs, entities, scripts or event handlers (it is also shown in pages)."""
    if _SVG_REFUSED.search(data):
        return False
    try:
        root = ET.fromstring(data)  # noqa: S314 - DTDs and entities refused above  # nosec B314
    except ET.ParseError:
        return False
    if root.tag not in ("svg", "{http://www.w3.org/2000/svg}svg"):
        return False
    # The parsed values too: character references (&#106;avascript:) are undone only by the parser.
    for element in root.iter():
        local = str(element.tag).rsplit("}", 1)[-1].lower()
        if local in ("script", "foreignobject", "iframe", "object", "embed"):
            return False
        if local == "style" and _SVG_EXTERNAL_URL.search(element.text or ""):
            return False
        for name, value in element.attrib.items():
            attribute = name.rsplit("}", 1)[-1].lower()
            if attribute.startswith("on"):
                return False
            if attribute in ("href", "src") and not value.strip().startswith(_SVG_INNER_REFERENCES):
                return False
            if _SVG_EXTERNAL_URL.search(value):
                return False
    return True


# url(...) pointing anywhere but inside the drawing (url(#gradient)).
_SVG_INNER_REFERENCES = ("#", "data:image/png", "data:image/jpeg")
_SVG_EXTERNAL_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.I)


def logo_path(settings: BookletSettings) -> Path | None:
    if not settings.logo_name or not re.fullmatch(r"[0-9a-f]{32}\.(png|jpg|svg)", settings.logo_name):
        return None
    path = _logo_dir() / settings.logo_name
    return path if path.is_file() else None


def logo_image(settings: BookletSettings) -> dict[str, Any] | None:
    """The logo as the templates take it: SVG text, or the bytes of a PNG or JPEG as a list of numbers."""
    path = logo_path(settings)
    if path is None or settings.logo_media_type not in LOGO_FORMATS:
        return None
    return _image_data(path.read_bytes(), settings.logo_media_type)


def _image_data(data: bytes, media_type: str) -> dict[str, Any]:
    fmt = LOGO_FORMATS[media_type]
    if fmt == "svg":
        return {"format": "svg", "svg": data.decode("utf-8", "replace")}
    return {"format": "jpg" if fmt == "jpg" else "png", "bytes": list(data)}


def save_logo(meeting: Meeting, data: bytes, filename: str = "", *, user: User | None) -> BookletSettings:
    """Keep an uploaded emblem or logo (PNG, JPEG or SVG, checked by its content and drawn once)."""
    if not data:
        raise ValidationError(_("The file is empty."), field="logo")
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError(_("The file is too large: at most %(mb)d MB.", mb=MAX_LOGO_BYTES // (1024 * 1024)),
                              field="logo")
    media_type = sniff_image(data)
    if media_type is None:
        raise ValidationError(_("Only PNG, JPEG or SVG images are accepted; “%(name)s” is none of them.",
                                name=filename or "?"), field="logo")
    try:
        render_pdf(LOGO_CHECK, {"logo": _image_data(data, media_type)})
    except RenderError:
        raise ValidationError(_("“%(name)s” cannot be read as an image. Save it again as PNG and upload it.",
                                name=filename or "?"), field="logo") from None
    settings = settings_of(meeting)
    old = logo_path(settings)
    name = f"{secrets.token_hex(16)}.{LOGO_FORMATS[media_type]}"
    # The new file goes if the change is rolled back, the old one once it is committed.
    _remove_after(db.session, _ROLLED_BACK, _logo_dir() / name)
    if old is not None:
        _remove_after(db.session, _COMMITTED, old)
    with atomic(_("Someone else changed these settings meanwhile. Reload the page and try again.")):
        _stage(settings, {})
        cache._write(_logo_dir() / name, data)
        digest = hashlib.sha256(data).hexdigest()
        settings.logo_name, settings.logo_media_type, settings.logo_sha256 = name, media_type, digest
        db.session.flush()
        _audit(meeting, "booklet.logo_uploaded", _("Logo of the booklet of “%(title)s”", title=meeting.title),
               {"filename": filename, "media_type": media_type, "size": len(data), "sha256": digest})
    return settings


def remove_logo(meeting: Meeting, *, user: User | None) -> None:
    settings = settings_of(meeting)
    old = logo_path(settings)
    if not settings.id or not settings.logo_name:
        return
    if old is not None:
        _remove_after(db.session, _COMMITTED, old)
    with atomic(_("Someone else changed these settings meanwhile. Reload the page and try again.")):
        settings.logo_name = settings.logo_media_type = settings.logo_sha256 = None
        _audit(meeting, "booklet.logo_removed", _("Logo of the booklet of “%(title)s”", title=meeting.title))
