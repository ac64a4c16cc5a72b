"""Built PDFs kept as files under STORAGE_PATH/booklets/<meeting>/, found again in two steps.

1. A cheap *version* of what a document depends on (a few aggregate values read from the database,
   without building anything) names an index file ``v-<version>``; when it exists it holds the
   content hash of the PDF built for that version, and the PDF is sent straight away.
2. Otherwise the data is built, and its *content hash* (the JSON data, the typst templates, the
   fonts and the typst version) names the PDF ``<hash>.pdf``: when the data came out the same as an
   earlier build's (a participant saved without a change, say), that PDF is reused; else it is
   rendered. The index file is then written for the version.

Files are written atomically (a temporary file renamed into place), so several workers can share
the volume (a dossier's ZIP, too big to hold, is written to its temporary file first and named by its
content afterwards: ``scratch`` and ``adopt``); a meeting keeps at most ``KEEP`` PDFs and index files,
the oldest are removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import typst

from planner.core import files
from planner.documents import render

SUBFOLDER = "booklets"
KEEP = 40
ABANDONED_SECONDS = 24 * 3600
_SAFE = re.compile(r"^[0-9a-f]{16,64}$")


@cache
def templates_fingerprint() -> str:
    """What a rendering depends on besides its data: our templates, the fonts, the typst version."""
    digest = hashlib.sha256()
    folder = render.TYPST / "booklets"
    for path in sorted(folder.glob("*.typ")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for path in sorted(render.FONTS.glob("*.ttf")):
        digest.update(f"{path.name}:{path.stat().st_size}".encode())
    digest.update(getattr(typst, "__version__", "").encode())
    return digest.hexdigest()


def digest(*parts: Any) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()


def content_hash(template: str, data: Any) -> str:
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
    return digest(template, templates_fingerprint(), payload)


def folder(storage: str | Path, meeting_key: str) -> Path:
    return Path(storage) / SUBFOLDER / meeting_key


def _write(path: Path, body: bytes) -> None:
    files.write_atomic(path, body)


@dataclass(frozen=True)
class Found:
    path: Path
    marked: bool      # the document carries a classification mark (its download is audited)


def _index(content: str, marked: bool) -> bytes:
    return f"{content} {'marked' if marked else 'plain'}".encode("ascii")


def lookup(storage: str | Path, meeting_key: str, version: str, suffix: str = "pdf") -> Found | None:
    """The cached file for this version, if one was built (step 1: no data is built)."""
    base = folder(storage, meeting_key)
    try:
        content, _, flag = (base / f"v-{version}").read_text("ascii").strip().partition(" ")
    except (OSError, UnicodeDecodeError):
        return None
    if not _SAFE.match(content):
        return None
    path = base / f"{content}.{suffix}"
    return Found(path, flag == "marked") if path.is_file() else None


def store(storage: str | Path, meeting_key: str, version: str, template: str, data: Any,
          render_file: Callable[[], bytes], suffix: str = "pdf", *, marked: bool = False) -> tuple[Path, bool]:
    """Step 2: the file of this content, rendered only when no earlier build had the same content.

    Answers the path and whether it was rendered now."""
    content = content_hash(template, data)
    path = folder(storage, meeting_key) / f"{content}.{suffix}"
    if path.is_file():
        return _keep(storage, meeting_key, version, content, suffix, marked=marked), False
    _write(path, render_file())
    return _keep(storage, meeting_key, version, content, suffix, marked=marked), True


def adopt(storage: str | Path, meeting_key: str, version: str, content: str, built: Path, suffix: str, *,
          marked: bool = False) -> Path:
    """Step 2 for a file too big to hold in memory (a dossier's ZIP), written to ``built`` (a ``.tmp-`` file
    of this meeting's folder, see ``scratch``) before its content hash was known: it becomes the file of that
    content unless an earlier build had the same content, which is kept instead."""
    if not _SAFE.match(content):
        raise ValueError("a content hash is hexadecimal")
    path = folder(storage, meeting_key) / f"{content}.{suffix}"
    if path.is_file():
        with contextlib.suppress(OSError):
            built.unlink()
    else:
        os.replace(built, path)
    return _keep(storage, meeting_key, version, content, suffix, marked=marked)


def scratch(storage: str | Path, meeting_key: str) -> Path:
    """A temporary file in this meeting's folder (renamed into place by ``adopt``, on the same volume)."""
    base = folder(storage, meeting_key)
    base.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=base, prefix=".tmp-")
    os.close(fd)
    return Path(name)


def _keep(storage: str | Path, meeting_key: str, version: str, content: str, suffix: str, *, marked: bool) -> Path:
    """The file of this content is the one of this version from now on (the index file), and recently used."""
    base = folder(storage, meeting_key)
    path = base / f"{content}.{suffix}"
    with contextlib.suppress(OSError):
        os.utime(path)      # recently used: kept by _prune
    _write(base / f"v-{version}", _index(content, marked))
    _prune(base)
    return path


def _prune(base: Path) -> None:
    """Keep the ``KEEP`` most recently used files of each kind (index files, PDFs, page images)."""
    try:
        entries = [p for p in base.iterdir() if p.is_file()]
    except OSError:
        return
    # A temporary file is another worker's build in progress, unless it is old: that worker died.
    abandoned = time.time() - ABANDONED_SECONDS
    for path in [p for p in entries if p.name.startswith(".tmp-")]:
        entries.remove(path)
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < abandoned:
                path.unlink()
    groups: dict[str, list[Path]] = {}
    for path in entries:
        groups.setdefault("index" if path.name.startswith("v-") else path.suffix, []).append(path)
    for kind, group in groups.items():
        keep = KEEP * 8 if kind == ".png" else KEEP
        if len(group) <= keep:
            continue
        group.sort(key=lambda p: p.stat().st_mtime)
        for stale in group[:-keep]:
            with contextlib.suppress(OSError):
                stale.unlink()


def clear(storage: str | Path, meeting_key: str) -> None:
    base = folder(storage, meeting_key)
    if not base.is_dir():
        return
    for path in base.iterdir():
        with contextlib.suppress(OSError):
            path.unlink()
