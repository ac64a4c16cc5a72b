"""Backup and restore: one tar archive with the database, the stored files and a manifest.

The archive holds ``manifest.json`` (format, Planner's version, the schema's Alembic revision, the database
kind, row counts, a SHA-256 of every member), the database (SQLite: a copy made with SQLite's online backup
API, consistent while the app runs; PostgreSQL: ``pg_dump -Fc``) and ``storage/`` (the uploads and other files
of the instance folder's storage). Restore checks all of it before touching anything: a foreign, damaged or
truncated archive, a backup of another kind of database, a schema newer than this Planner knows, or a missing
``pg_restore`` are refused with a message that says what to do. Then it replaces the database (PostgreSQL:
``pg_restore --clean --if-exists`` in one transaction), upgrades it to this version's schema, and swaps the
storage folder for the archived one.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess  # pg_dump/pg_restore with argument lists, never a shell  # nosec B404
import tarfile
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, inspect, select, table, text
from sqlalchemy.engine import URL, make_url

FORMAT = "planner-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
STORAGE = "storage"


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason in words for the operator."""


@dataclass
class Summary:
    path: Path
    database: str
    revision: str | None
    tables: dict[str, int]
    files: int


def _db():
    from planner.extensions import db

    return db


def _url() -> URL:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _kind(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        return "sqlite"
    if url.get_backend_name() == "postgresql":
        return "postgresql"
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {url.get_backend_name()}.")


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A connection string for pg_dump/pg_restore, the password passed in the environment (not in ps)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} was not found. Install the PostgreSQL client tools (Debian: "
                          f"apt-get install postgresql-client) in a version at least that of the server.")
    return path


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    # A fixed argument list (pg_dump, pg_restore and their options), never a shell.
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip() or result.stdout.strip()}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(url.database)


def _revision() -> str | None:
    with _db().engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def table_counts() -> dict[str, int]:
    """Rows in every table of the database (alembic's included): what a backup holds, for the manifest."""
    counts: dict[str, int] = {}
    with _db().engine.connect() as conn:
        for name in sorted(inspect(conn).get_table_names()):
            counts[name] = conn.execute(select(func.count()).select_from(table(name))).scalar_one()
    return counts


def _storage() -> Path:
    return Path(current_app.config["STORAGE_PATH"])


def _version() -> str:
    try:
        return metadata.version("planner")
    except metadata.PackageNotFoundError:
        return "unknown"


def backup(path: str | os.PathLike[str]) -> Summary:
    """Write the archive to ``path`` (written beside it first, then renamed: never half a backup)."""
    target = Path(path)
    url = _url()
    kind = _kind(url)
    with tempfile.TemporaryDirectory(prefix="planner-backup-") as work:
        dump = Path(work) / (SQLITE_MEMBER if kind == "sqlite" else POSTGRES_MEMBER)
        revision = _revision()
        tables = table_counts()
        if kind == "sqlite":
            source = sqlite3.connect(_sqlite_path(url))
            copy = sqlite3.connect(dump)
            try:
                source.backup(copy)  # the online backup API: a consistent copy while others write
            finally:
                copy.close()
                source.close()
        else:
            conninfo, env = _libpq(url)
            _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-acl", f"--file={dump}",
                  f"--dbname={conninfo}"], env, "pg_dump")
        storage = _storage()
        files = sorted(p for p in storage.rglob("*") if p.is_file()) if storage.is_dir() else []
        members = {dump.name: _sha256(dump)}
        for file in files:
            members[f"{STORAGE}/{file.relative_to(storage).as_posix()}"] = _sha256(file)
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "planner_version": _version(),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"), "database": kind,
            "alembic_revision": revision, "tables": tables, "files": len(files), "members": members,
        }
        partial = target.with_name(f".{target.name}.partial")
        try:
            with tarfile.open(partial, "w:gz") as archive:
                data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime = len(data), int(time.time())
                archive.addfile(info, io.BytesIO(data))
                archive.add(dump, arcname=dump.name)
                for file in files:
                    archive.add(file, arcname=f"{STORAGE}/{file.relative_to(storage).as_posix()}")
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
    return Summary(target, kind, revision, tables, len(files))


def read_manifest(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The manifest of a Planner backup, or BackupError saying why this is not one."""
    try:
        with tarfile.open(path, "r:*") as archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest = json.loads(member.read())
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file.") from None
    except (tarfile.TarError, KeyError, EOFError, OSError, ValueError):
        raise BackupError(f"{path} is not a Planner backup, or it is damaged (no readable manifest).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Planner backup (its manifest is of another kind).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{path} is a backup in format {manifest.get('format_version')}; this Planner reads "
                          f"format {FORMAT_VERSION}. Restore it with the Planner version that made it "
                          f"({manifest.get('planner_version')}).")
    return manifest


def _check_schema(manifest: dict[str, Any]) -> None:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    revision = manifest.get("alembic_revision")
    if revision is None:
        return
    script = ScriptDirectory(current_app.extensions["migrate"].directory)
    try:
        script.get_revision(revision)
    except (CommandError, KeyError):
        raise BackupError(
            f"This backup's database schema ({revision}) is newer than this Planner knows (its newest is "
            f"{script.get_current_head()}): it was made by Planner {manifest.get('planner_version')}. Install "
            f"that version or a later one, then restore.") from None


def _extract(path: Path, manifest: dict[str, Any], into: Path) -> None:
    """Unpack every member the manifest lists into ``into``, checking names and checksums."""
    members: dict[str, str] = manifest.get("members") or {}
    try:
        with tarfile.open(path, "r:*") as archive:
            names = set()
            for member in archive.getmembers():
                if member.name == MANIFEST:
                    continue
                if member.name not in members or not member.isfile():
                    raise BackupError(f"{path} holds an unexpected entry ({member.name}); it is not restored.")
                names.add(member.name)
                archive.extract(member, into, filter="data")
    except tarfile.TarError as exc:
        raise BackupError(f"{path} is damaged: {exc}.") from None
    except (EOFError, OSError) as exc:
        raise BackupError(f"{path} is damaged or truncated: {exc}.") from None
    missing = set(members) - names
    if missing:
        raise BackupError(f"{path} is incomplete: {len(missing)} file(s) of the manifest are missing.")
    for name, digest in members.items():
        if _sha256(into / name) != digest:
            raise BackupError(f"{path} is damaged: {name} does not match its checksum.")


def _drop_tables_not_in(manifest: dict[str, Any]) -> None:
    """Tables the backup's schema does not have (a later migration made them) would stay beside the restored
    ones, which ``--clean`` replaces, and stop the upgrade that follows: they go first."""
    keep = set(manifest.get("tables") or {})
    with _db().engine.begin() as conn:
        for name in inspect(conn).get_table_names():
            if name not in keep:
                conn.execute(text(f'DROP TABLE IF EXISTS "{name}" CASCADE'))


def restore(path: str | os.PathLike[str]) -> Summary:
    """Replace the database and the stored files with the backup's (see the module's docstring)."""
    source = Path(path)
    manifest = read_manifest(source)
    url = _url()
    kind = _kind(url)
    if manifest.get("database") != kind:
        raise BackupError(f"This backup is of a {manifest.get('database')} database; this instance uses {kind}. "
                          f"Restore it into an instance configured like the one that made it.")
    _check_schema(manifest)
    restore_tool = _tool("pg_restore") if kind == "postgresql" else None
    storage = _storage()
    storage.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=storage.parent) as work:
        unpacked = Path(work)
        _extract(source, manifest, unpacked)
        db = _db()
        db.session.remove()
        db.engine.dispose()  # no pooled connection may hold the old database open
        if kind == "sqlite":
            dump = sqlite3.connect(unpacked / SQLITE_MEMBER)
            target = sqlite3.connect(_sqlite_path(url))
            try:
                dump.backup(target)  # page by page into the live file, under SQLite's lock
            finally:
                target.close()
                dump.close()
        else:
            _drop_tables_not_in(manifest)
            conninfo, env = _libpq(url)
            _run([restore_tool or "pg_restore", "--clean", "--if-exists", "--no-owner", "--no-acl",
                  "--single-transaction", "--exit-on-error", f"--dbname={conninfo}",
                  str(unpacked / POSTGRES_MEMBER)], env, "pg_restore")
        db.engine.dispose()
        from flask_migrate import upgrade

        upgrade()  # an older backup is brought to this version's schema
        new_storage = unpacked / STORAGE
        new_storage.mkdir(exist_ok=True)
        old = unpacked / "replaced-storage"
        if storage.exists():
            storage.replace(old)
        new_storage.replace(storage)
    return Summary(source, kind, manifest.get("alembic_revision"), dict(manifest.get("tables") or {}),
                   int(manifest.get("files") or 0))
