"""An uploaded delegate list kept between the steps of the import (upload, mapping, preview, confirm).

Files live in the instance folder's storage (STORAGE_PATH/imports), under a random key, with a small
JSON record of whose they are; never in the session cookie, so any worker can take the next step.
The file goes after the commit, or after a day when an import is abandoned.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app

KEEP_SECONDS = 24 * 3600
_KEY = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass
class Upload:
    key: str
    data: bytes
    filename: str
    meeting_id: int
    user_id: int | None
    mapping: list[str | None] | None


def _folder() -> Path:
    folder = Path(current_app.config["STORAGE_PATH"]) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _paths(key: str) -> tuple[Path, Path]:
    folder = _folder()
    return folder / f"{key}.bin", folder / f"{key}.json"


def save(data: bytes, filename: str, *, meeting_id: int, user_id: int | None) -> str:
    _sweep()
    key = secrets.token_urlsafe(24)
    data_path, meta_path = _paths(key)
    data_path.write_bytes(data)
    meta_path.write_text(json.dumps({"filename": filename, "meeting_id": meeting_id, "user_id": user_id,
                                     "mapping": None}))
    return key


def load(key: str, *, meeting_id: int, user_id: int | None) -> Upload | None:
    """The upload, if the key is well-formed, the file is there and it is this user's for this meeting."""
    if not _KEY.match(key or ""):
        return None
    data_path, meta_path = _paths(key)
    try:
        meta: dict[str, Any] = json.loads(meta_path.read_text())
        data = data_path.read_bytes()
    except (OSError, ValueError):
        return None
    if meta.get("meeting_id") != meeting_id or meta.get("user_id") != user_id:
        return None
    return Upload(key=key, data=data, filename=meta.get("filename", ""), meeting_id=meeting_id, user_id=user_id,
                  mapping=meta.get("mapping"))


def save_mapping(upload: Upload, mapping: list[str | None]) -> None:
    _data_path, meta_path = _paths(upload.key)
    meta = json.loads(meta_path.read_text())
    meta["mapping"] = mapping
    meta_path.write_text(json.dumps(meta))
    upload.mapping = mapping


def discard(key: str) -> None:
    if not _KEY.match(key or ""):
        return
    for path in _paths(key):
        path.unlink(missing_ok=True)


def _sweep() -> None:
    """Abandoned imports go after a day."""
    limit = time.time() - KEEP_SECONDS
    for path in _folder().iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            continue
