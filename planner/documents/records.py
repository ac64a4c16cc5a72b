"""Frozen records: the bytes of an approved or issued document, kept exactly as they were made.

An approved document is a record: once approved (minutes, a conclusion notice) or issued (an invitation),
it is rendered once, and from then on every download, the dossier and the API serve those bytes. A later
change of the document profile, the organization's name or body code, its logo or letterhead, a template
or the code itself changes drafts only, never a record (DESIGN.md, "Data").

The bytes live in the instance storage (``STORAGE_PATH/records``) under their SHA-256, so the same
bytes are kept once and a file can be checked against its name; a row (``FrozenRecord``) says what the
record is of (owner), what it is (kind), its format, digest, size and when it was made. Files are written
atomically (a temporary file renamed into place), so several workers can share the volume.

The API is plain functions: ``freeze`` (stage the row, write the file), ``find`` and ``open_frozen``
(the bytes, checked against their digest). ``freeze`` adds the row to the session and flushes; the
caller's transaction commits it with the change that made the record (an approval), so a refused
approval leaves no row behind (an unreferenced file in the storage is harmless and is reused by the
same bytes later).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from planner.core.errors import Conflict, NotFound
from planner.documents.models import FrozenRecord
from planner.extensions import db

SUBFOLDER = "records"
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}


class RecordDamaged(NotFound):
    """The stored bytes of a record are missing or no longer match their digest."""


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def folder(subfolder: str = SUBFOLDER) -> Path:
    return Path(current_app.config["STORAGE_PATH"]) / subfolder


def path_of(sha256: str, subfolder: str = SUBFOLDER) -> Path:
    """Where the bytes with this digest are kept: records/ab/abcdef… (64 lowercase hex digits)."""
    if len(sha256) != 64 or any(ch not in "0123456789abcdef" for ch in sha256):
        raise ValueError("not a SHA-256 digest")
    return folder(subfolder) / sha256[:2] / sha256


def _store(data: bytes, sha256: str, subfolder: str = SUBFOLDER) -> Path:
    """Write the bytes under their digest unless a good copy is there already."""
    target = path_of(sha256, subfolder)
    if target.exists() and target.stat().st_size == len(data) and digest(target.read_bytes()) == sha256:
        return target
    return _write(target, data)


def _write(target: Path, data: bytes) -> Path:
    """Write the file atomically: a temporary file renamed into place (several workers share the volume)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.parent / f".{target.name}.{os.getpid()}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, target)
    return target


def keep(data: bytes, subfolder: str) -> str:
    """Keep bytes that are not a record (an uploaded meeting document, say) in the same content store, under
    another folder of the storage; answer their digest. The same bytes are kept once."""
    sha256 = digest(data)
    _store(data, sha256, subfolder)
    return sha256


def keep_as(data: bytes, key: str, subfolder: str) -> None:
    """Keep bytes derived from kept ones (a cache) under a key of the same shape as a digest: the digest of
    what they were made from."""
    _write(path_of(key, subfolder), data)


def kept(sha256: str, size: int, subfolder: str) -> bytes | None:
    """Bytes kept by ``keep``, checked against their digest and size; None when missing or damaged."""
    try:
        data = path_of(sha256, subfolder).read_bytes()
    except (OSError, ValueError):
        return None
    return data if len(data) == size and digest(data) == sha256 else None


def find(owner_type: str, owner_id: str, kind: str, fmt: str) -> FrozenRecord | None:
    return db.session.scalar(select(FrozenRecord).where(
        FrozenRecord.owner_type == owner_type, FrozenRecord.owner_id == owner_id, FrozenRecord.kind == kind,
        FrozenRecord.format == fmt))


def records_of(owner_type: str, owner_id: str) -> list[FrozenRecord]:
    return list(db.session.scalars(select(FrozenRecord).where(
        FrozenRecord.owner_type == owner_type, FrozenRecord.owner_id == owner_id)
        .order_by(FrozenRecord.kind, FrozenRecord.format)))


def freeze(data: bytes, *, organization_id: int, kind: str, owner_type: str, owner_id: str, fmt: str,
           meeting_id: int | None = None, media_type: str | None = None,
           created_by_id: int | None = None) -> FrozenRecord:
    """Keep these bytes as the record of (owner, kind, format); answer its row (staged and flushed).

    Freezing the same bytes again answers the existing record; other bytes for a record that exists are
    refused (a record never changes: a correction is a new document with its own record).
    """
    if not isinstance(data, bytes | bytearray) or not data:
        raise ValueError("a record needs its bytes")
    data = bytes(data)
    sha256 = digest(data)
    existing = find(owner_type, owner_id, kind, fmt)
    if existing is not None:
        if existing.sha256 != sha256:
            raise Conflict(_("This document was approved and kept as it was then; it cannot be replaced. "
                             "A correction is made as a new document."))
        _store(data, sha256)  # repairs a lost or damaged copy
        return existing
    _store(data, sha256)
    media_type = media_type or MEDIA_TYPES.get(fmt, "application/octet-stream")
    record = FrozenRecord(organization_id=organization_id, meeting_id=meeting_id, kind=kind, owner_type=owner_type,
                          owner_id=owner_id, format=fmt, media_type=media_type, sha256=sha256, size=len(data),
                          created_by_id=created_by_id)
    db.session.add(record)
    db.session.flush()
    return record


def open_frozen(record: FrozenRecord) -> bytes:
    """The record's bytes, checked against the digest recorded when it was made."""
    try:
        data = path_of(record.sha256).read_bytes()
    except (OSError, ValueError):
        raise RecordDamaged(_("The stored file of this approved document is missing from the storage. Restore "
                              "the storage folder from the backup.")) from None
    if len(data) != record.size or digest(data) != record.sha256:
        raise RecordDamaged(_("The stored file of this approved document no longer matches its recorded "
                              "fingerprint (SHA-256). Restore the storage folder from the backup."))
    return data
