"""Static files built once and served compressed, cached for a year under content-hashed names.

`planner assets` (run by `make run` and `make test`, and by an install before the app starts) copies
planner/static/ into the build folder (``STATIC_BUILD_PATH``, by default planner/static_build/): every
file under its own name and under a name that carries its content's hash (``css/app.3f9c12ab34cd.css``),
each with a gzip and a brotli copy beside it where compression pays, and ``manifest.json`` from source
names to hashed names. At start-up the app reads the manifest: WhiteNoise, as WSGI middleware in front of
Flask, serves the folder (so no proxy is needed) and picks the ``.br`` or ``.gz`` copy that the browser
accepts; hashed names are cached for a year (``immutable``), plain names for an hour. ``url_for('static',
filename='css/app.css')`` answers the hashed name, so templates keep naming sources.

A build that no longer matches the sources (a stylesheet edited after the build) is not used: the app
then serves planner/static/ through Flask as it would without a build, and says so in the log.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from flask import Flask

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
ONE_YEAR = 365 * 24 * 3600
PLAIN_MAX_AGE = 3600
DEFAULT_BUILD = Path(__file__).resolve().parent.parent / "static_build"
HASH_LENGTH = 12
# url(...) in a stylesheet naming another static file by a relative path (not data:, not absolute).
CSS_URL = re.compile(r"""url\((['"]?)(?!data:|[a-z]+://|/|#)([^'")?#]+)([^'")]*)\1\)""")


def _sources(source: Path) -> list[Path]:
    return sorted(p for p in source.rglob("*") if p.is_file() and not any(
        part.startswith(".") or part == "__pycache__" for part in p.relative_to(source).parts))


def source_digests(source: Path) -> dict[str, str]:
    """SHA-256 of every source file, by its path relative to the static folder (forward slashes)."""
    return {p.relative_to(source).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in _sources(source)}


def hashed_name(name: str, digest: str) -> str:
    """css/app.css + digest -> css/app.<12 hex>.css (names without a suffix get the hash at the end)."""
    folder, _, base = name.rpartition("/")
    stem, dot, suffix = base.partition(".")
    new = f"{stem}.{digest[:HASH_LENGTH]}{dot}{suffix}" if dot else f"{base}.{digest[:HASH_LENGTH]}"
    return f"{folder}/{new}" if folder else new


def _rewrite_css(text: str, name: str, manifest: dict[str, str]) -> str:
    folder = name.rpartition("/")[0]

    def repl(match: re.Match[str]) -> str:
        quote, target, rest = match.groups()
        resolved = os.path.normpath(os.path.join(folder, target)).replace(os.sep, "/")
        if resolved not in manifest:
            return match.group(0)
        relative = os.path.relpath(manifest[resolved], folder or ".").replace(os.sep, "/")
        return f"url({quote}{relative}{rest}{quote})"

    return CSS_URL.sub(repl, text)


def build(source: Path, target: Path) -> dict[str, Any]:
    """Build the served copy of `source` in `target` (replaced whole, atomically enough: a new folder is
    filled beside it and renamed over it). Returns the manifest."""
    from whitenoise.compress import Compressor

    source, target = Path(source), Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".static-", dir=target.parent))
    digests = source_digests(source)
    files: dict[str, str] = {}
    # Stylesheets last: their url(...) references take the hashed names of the files already placed.
    order = sorted(digests, key=lambda n: (n.endswith(".css"), n))
    contents: dict[str, bytes] = {}
    for name in order:
        data = (source / name).read_bytes()
        if name.endswith(".css"):
            data = _rewrite_css(data.decode("utf-8"), name, files).encode("utf-8")
        contents[name] = data
        files[name] = hashed_name(name, hashlib.sha256(data).hexdigest())
    compressor = Compressor(quiet=True)
    for name, data in contents.items():
        for served in (name, files[name]):
            path = work / served
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            if compressor.should_compress(served):
                compressor.compress(str(path))
    manifest = {"version": 1, "files": files, "sources": digests}
    (work / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    old = None
    if target.exists():
        old = target.with_name(target.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    work.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return manifest


def build_path(app: Flask) -> Path:
    return Path(app.config.get("STATIC_BUILD_PATH") or DEFAULT_BUILD)


def _load_manifest(app: Flask) -> dict[str, Any] | None:
    path = build_path(app) / MANIFEST
    if not path.is_file():
        return None
    manifest = json.loads(path.read_text(encoding="utf-8"))
    assert app.static_folder is not None
    if manifest.get("sources") != source_digests(Path(app.static_folder)):
        log.warning("the static build in %s is older than planner/static: run `planner assets`; "
                    "serving the sources uncompressed meanwhile", path.parent)
        return None
    return manifest


def init_app(app: Flask) -> None:
    """Serve the build through WhiteNoise and make url_for('static') answer hashed names, where a build
    matching the sources exists; else leave Flask's static route as it is."""
    manifest = _load_manifest(app)
    app.extensions["planner_assets"] = manifest
    if manifest is None:
        return
    from whitenoise import WhiteNoise

    files: dict[str, str] = manifest["files"]
    prefix = (app.static_url_path or "/static").rstrip("/") + "/"
    hashed_urls = {prefix + hashed for hashed in files.values()}

    def immutable(_path: str, url: str) -> bool:
        return url in hashed_urls

    def headers(headers, _path: str, url: str) -> None:
        headers["X-Content-Type-Options"] = "nosniff"
        if url in hashed_urls:
            headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"

    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app, root=str(build_path(app)), prefix=prefix, max_age=PLAIN_MAX_AGE,
        immutable_file_test=immutable, add_headers_function=headers, allow_all_origins=False,
    )

    def hashed(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static":
            name = values.get("filename")
            if name in files:
                values["filename"] = files[name]

    app.url_defaults(hashed)

