"""Backup and restore round trip (`flask --app planner planner backup|restore`) on the database of the run
(SQLite, or PostgreSQL in the second pass): every table's rows and every stored file come back exactly, and
foreign, damaged, newer or unrestorable archives are refused before anything is touched."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from planner.extensions import db
from tests.minutes.conftest import build_scene


def snapshot(app) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Every row of every table (as text, sorted) and every stored file (by checksum)."""
    rows: dict[str, list[str]] = {}
    with app.app_context():
        db.session.remove()
        with db.engine.connect() as conn:
            for name in inspect(conn).get_table_names():
                result = conn.execute(text(f'SELECT * FROM "{name}"'))
                rows[name] = sorted(repr(tuple(r)) for r in result)
        storage = Path(app.config["STORAGE_PATH"])
        files = {p.relative_to(storage).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                 for p in storage.rglob("*") if p.is_file()}
    return rows, files


def store_files(app) -> None:
    storage = Path(app.config["STORAGE_PATH"])
    (storage / "speeches").mkdir(parents=True, exist_ok=True)
    (storage / "speeches" / "bai-phat-bieu.bin").write_bytes(bytes(range(256)) * 40)
    (storage / "letterheads").mkdir(parents=True, exist_ok=True)
    (storage / "letterheads" / "tiêu đề.docx").write_bytes(b"PK\x03\x04 not really a docx")


@pytest.fixture
def clean_storage(app):
    """An empty storage folder: the session's app shares it, and earlier tests leave cached booklets there."""
    import shutil

    storage = Path(app.config["STORAGE_PATH"])
    shutil.rmtree(storage, ignore_errors=True)
    yield storage
    shutil.rmtree(storage, ignore_errors=True)


def test_backup_and_restore_bring_back_every_row_and_file(app, factory, runner, tmp_path, clean_storage):
    from planner.accounts.models import Organization

    build_scene(app, factory)
    store_files(app)
    before = snapshot(app)
    assert sum(len(r) for r in before[0].values()) > 50 and len(before[1]) == 2
    archive = tmp_path / "planner-backup.tar.gz"

    result = runner.invoke(args=["planner", "backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert "Backup written" in result.output

    # Everything changes afterwards: rows deleted and edited, files removed, changed and added.
    with app.app_context():
        org = db.session.query(Organization).first()
        org.name = "Tên đã bị sửa sau khi sao lưu"
        db.session.commit()
    from tests.conftest import wipe

    factory.organization(name="Tổ chức tạo sau khi sao lưu")
    wipe(app)
    with app.app_context(), db.engine.begin() as conn:  # as a later migration would: restore must drop it
        conn.execute(text("CREATE TABLE later_feature (id INTEGER PRIMARY KEY, note VARCHAR(20))"))
        conn.execute(text("INSERT INTO later_feature VALUES (1, 'after the backup')"))
    (clean_storage / "speeches" / "bai-phat-bieu.bin").write_bytes(b"changed")
    (clean_storage / "letterheads" / "tiêu đề.docx").unlink()
    (clean_storage / "new.txt").write_text("added after the backup")
    assert snapshot(app) != before

    result = runner.invoke(args=["planner", "restore", str(archive)], input="n\n")
    assert result.exit_code != 0 and "Replace ALL current data" in result.output  # asks first; "no" keeps
    result = runner.invoke(args=["planner", "restore", "--yes", str(archive)])
    assert result.exit_code == 0, result.output
    after = snapshot(app)
    assert after[1] == before[1]
    assert after[0].keys() == before[0].keys()
    for table in before[0]:
        assert after[0][table] == before[0][table], f"table {table} differs after the restore"
    # The restored database goes on working (sequences restored too: new rows take new ids).
    factory.organization(name="Tổ chức tạo sau khi khôi phục")
    rows = sum(len(r) for r in before[0].values())
    kind = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]
    print(f"\nbackup round trip on {kind}: {len(before[0])} tables, {rows} rows, {len(before[1])} files "
          "identical after the restore")


def _rewrite(source: Path, target: Path, *, manifest=None, member=None) -> None:
    """A copy of the archive with the manifest edited and/or one member's bytes changed."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for info in old.getmembers():
            data = old.extractfile(info).read()
            if info.name == "manifest.json" and manifest is not None:
                content = json.loads(data)
                manifest(content)
                data = json.dumps(content).encode()
            elif member is not None and info.name.startswith("database."):
                data = member(data)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


def test_restore_refuses_foreign_damaged_and_newer_archives(app, factory, runner, tmp_path, clean_storage,
                                                           monkeypatch):
    factory.organization(name="Văn phòng cần giữ nguyên")
    store_files(app)
    archive = tmp_path / "good.tar.gz"
    assert runner.invoke(args=["planner", "backup", str(archive)]).exit_code == 0
    before = snapshot(app)

    foreign = tmp_path / "photo.tar.gz"
    foreign.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(500))
    no_manifest = tmp_path / "other.tar"
    with tarfile.open(no_manifest, "w") as tar:
        tar.addfile(tarfile.TarInfo("readme.txt"))
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    corrupt = tmp_path / "corrupt.tar.gz"
    _rewrite(archive, corrupt, member=lambda data: data[:1000] + bytes(b ^ 0xFF for b in data[1000:1100]) + data[1100:])
    newer = tmp_path / "newer.tar.gz"
    _rewrite(archive, newer, manifest=lambda m: m.update(alembic_revision="f00dfacef00d"))
    other_kind = tmp_path / "other-kind.tar.gz"
    is_sqlite = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    _rewrite(archive, other_kind, manifest=lambda m: m.update(database="postgresql" if is_sqlite else "sqlite"))

    cases = {
        foreign: "not a Planner backup",
        no_manifest: "not a Planner backup",
        truncated: "damaged",
        corrupt: "does not match its checksum",
        newer: "newer than this Planner knows",
        other_kind: "Restore it into an instance configured like the one that made it",
        tmp_path / "missing.tar.gz": "no such file",
    }
    for path, message in cases.items():
        result = runner.invoke(args=["planner", "restore", "--yes", str(path)])
        assert result.exit_code == 1, (path.name, result.output)
        assert message in result.output, (path.name, result.output)
        assert "Traceback" not in result.output
    if not is_sqlite:
        monkeypatch.setenv("PATH", str(tmp_path))  # no pg_restore to be found
        result = runner.invoke(args=["planner", "restore", "--yes", str(archive)])
        assert result.exit_code == 1 and "pg_restore was not found" in result.output, result.output
        result = runner.invoke(args=["planner", "backup", str(tmp_path / "x.tar.gz")])
        assert result.exit_code == 1 and "pg_dump was not found" in result.output, result.output
    assert snapshot(app) == before  # nothing was touched by any refusal
