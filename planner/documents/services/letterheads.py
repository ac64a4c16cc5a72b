"""The letterhead: a DOCX checked as an office file, stored under a random name, replaced or removed.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import zipfile
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from planner.core import audit
from planner.core.db import atomic
from planner.core.errors import Conflict, ValidationError
from planner.core.text import clean_text
from planner.core.zipfiles import OfficeFileRefused, check_office_file, markup_message
from planner.documents.models import DocumentSettings
from planner.documents.services.changing import _stale_settings
from planner.documents.services.reading import (
    LETTERHEAD_FOLDER,
    MAX_LETTERHEAD_BYTES,
    MAX_UNPACKED,
    Organization,
    settings,
)
from planner.extensions import db

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
