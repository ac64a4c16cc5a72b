"""Submitted speech texts on disk: what a file really is (by its content), and where it is kept.

The type of a file is read from its bytes, never taken from its name: a PDF starts with ``%PDF-``;
a DOCX is a ZIP archive holding ``word/document.xml``. The name must then agree with the content,
so a PDF renamed .docx, or a program renamed .pdf, is refused.

Files live under the instance folder's storage (``STORAGE_PATH``) with random names, written
atomically (a temporary file renamed into place), so that several workers can share the volume.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from planner.core.text import file_extension, safe_filename
from planner.core.zipfiles import OfficeFileRefused, check_office_file

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx"}
SUBFOLDER = "speeches"
# A DOCX whose entries would unpack to more than this is not a speech text but a zip bomb.
MAX_UNPACKED = 200 * 1024 * 1024


class FileRefused(ValueError):
    """The file is not an acceptable speech text; ``reason`` says why (a key, see services)."""

    def __init__(self, reason: str, *, detected: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.detected = detected


@dataclass(frozen=True)
class Checked:
    media_type: str
    size: int
    sha256: str


def _kind(data: bytes) -> str | None:
    """PDF, DOCX, or None for anything else, from the content alone; FileRefused("markup") for a DOCX that
    holds a DTD (or an encoding Word never writes), which deserves its own message."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        try:
            check_office_file(data, required=("[Content_Types].xml", "word/document.xml"),
                              parse=("word/document.xml",), max_unpacked=MAX_UNPACKED)
        except OfficeFileRefused as exc:
            if exc.reason == "markup":
                raise FileRefused("markup") from None
            return None
        return DOCX
    return None


def sniff(data: bytes) -> str | None:
    """PDF, DOCX, or None for anything else (a refused DOCX included), from the content alone."""
    try:
        return _kind(data)
    except FileRefused:
        return None


def extension(filename: str) -> str:
    return file_extension(filename)


def check(data: bytes, filename: str, *, max_bytes: int) -> Checked:
    """The file's type, size and digest, or FileRefused with the reason."""
    if not data:
        raise FileRefused("empty")
    if len(data) > max_bytes:
        raise FileRefused("too_large")
    media_type = _kind(data)
    if media_type is None:
        raise FileRefused("type")
    if extension(filename) != EXTENSIONS[media_type]:
        raise FileRefused("mismatch", detected=media_type)
    return Checked(media_type, len(data), hashlib.sha256(data).hexdigest())


def clean_filename(filename: str, media_type: str) -> str:
    """The uploaded name without any folder part or control characters, with the right extension."""
    return safe_filename(filename, EXTENSIONS[media_type], "speech")


def folder(storage_path: str | os.PathLike[str], subfolder: str = SUBFOLDER) -> Path:
    return Path(storage_path) / subfolder


def path_of(storage_path: str | os.PathLike[str], stored_name: str, subfolder: str = SUBFOLDER) -> Path:
    if not stored_name or not stored_name.isalnum():
        raise ValueError("bad stored name")
    return folder(storage_path, subfolder) / stored_name


def store(storage_path: str | os.PathLike[str], data: bytes, subfolder: str = SUBFOLDER) -> str:
    """Write the bytes under a new random name (in ``subfolder``: other domains keep their uploads of the
    same kinds, such as a consultation's documents, beside the speeches'); answer the name."""
    target_folder = folder(storage_path, subfolder)
    target_folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    temporary = target_folder / f".{stored_name}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, target_folder / stored_name)
    return stored_name


def discard(storage_path: str | os.PathLike[str], stored_name: str, subfolder: str = SUBFOLDER) -> None:
    """Remove a stored file (after a failed save, or with its speech); a missing file is no error."""
    with contextlib.suppress(ValueError, OSError):
        path_of(storage_path, stored_name, subfolder).unlink(missing_ok=True)
