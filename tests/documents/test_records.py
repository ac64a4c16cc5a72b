"""Frozen records: bytes kept under their SHA-256, read back checked, never replaced."""

import hashlib

import pytest
from sqlalchemy import func, select

from planner.core.errors import Conflict
from planner.documents import records
from planner.documents.models import FrozenRecord
from planner.extensions import db


def test_freeze_keeps_the_bytes_under_their_digest_and_reads_them_back(app, factory, ctx):
    org = factory.organization()
    data = b"%PDF-1.7 an approved record"
    record = records.freeze(data, organization_id=org.id, kind="minutes", owner_type="minutes", owner_id="abc",
                            fmt="pdf")
    db.session.commit()
    sha = hashlib.sha256(data).hexdigest()
    assert (record.sha256, record.size, record.media_type) == (sha, len(data), "application/pdf")
    assert records.path_of(sha).read_bytes() == data
    assert records.path_of(sha).parent.name == sha[:2]
    found = records.find("minutes", "abc", "minutes", "pdf")
    assert found is not None and found.id == record.id and found.created_at is not None
    assert records.open_frozen(found) == data
    assert records.find("minutes", "abc", "minutes", "docx") is None


def test_the_same_bytes_again_answer_the_record_other_bytes_are_refused(app, factory, ctx):
    org = factory.organization()
    first = records.freeze(b"one", organization_id=org.id, kind="notice", owner_type="minutes", owner_id="n1",
                           fmt="docx")
    again = records.freeze(b"one", organization_id=org.id, kind="notice", owner_type="minutes", owner_id="n1",
                           fmt="docx")
    assert again.id == first.id
    with pytest.raises(Conflict):
        records.freeze(b"two", organization_id=org.id, kind="notice", owner_type="minutes", owner_id="n1",
                       fmt="docx")
    # The same bytes for another owner share the stored file, not the row.
    other = records.freeze(b"one", organization_id=org.id, kind="notice", owner_type="minutes", owner_id="n2",
                           fmt="docx")
    db.session.commit()
    assert other.id != first.id and other.sha256 == first.sha256
    assert db.session.scalar(select(func.count(FrozenRecord.id))) == 2
    assert [r.format for r in records.records_of("minutes", "n1")] == ["docx"]


def test_a_damaged_or_missing_file_is_never_served(app, factory, ctx):
    org = factory.organization()
    record = records.freeze(b"original bytes", organization_id=org.id, kind="minutes", owner_type="minutes",
                            owner_id="d", fmt="pdf")
    db.session.commit()
    path = records.path_of(record.sha256)
    path.write_bytes(b"original bytez")
    with pytest.raises(records.RecordDamaged):
        records.open_frozen(record)
    path.unlink()
    with pytest.raises(records.RecordDamaged):
        records.open_frozen(record)
    # Freezing the same bytes again repairs the stored file.
    records.freeze(b"original bytes", organization_id=org.id, kind="minutes", owner_type="minutes", owner_id="d",
                   fmt="pdf")
    assert records.open_frozen(record) == b"original bytes"


def test_paths_accept_only_digests(app, ctx):
    for bad in ("", "../../etc/passwd", "A" * 64, "g" * 64, "a" * 63):
        with pytest.raises(ValueError):
            records.path_of(bad)


def test_empty_bytes_are_no_record(app, factory, ctx):
    org = factory.organization()
    with pytest.raises(ValueError):
        records.freeze(b"", organization_id=org.id, kind="minutes", owner_type="minutes", owner_id="e", fmt="pdf")
