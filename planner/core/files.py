"""Files the app keeps under the instance folder's storage (STORAGE_PATH), shared by every worker and
instance: written whole or not at all (a temporary file renamed into place), the oldest forgotten first."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from flask import current_app


def storage() -> Path:
    return Path(current_app.config["STORAGE_PATH"])


def write_atomic(path: Path, body: bytes) -> None:
    """Write the file so that a reader (another worker) sees the old one or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def prune(folder: Path, keep: int, pattern: str = "*") -> None:
    """Keep the ``keep`` most recently used files of the folder that match the pattern."""
    try:
        found = [p for p in folder.glob(pattern) if p.is_file() and not p.name.startswith(".tmp-")]
    except OSError:
        return
    if len(found) <= keep:
        return
    found.sort(key=lambda p: p.stat().st_mtime)
    for stale in found[:-keep]:
        with contextlib.suppress(OSError):
            stale.unlink()
