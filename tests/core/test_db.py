"""core.db: the version check, commit-or-conflict and atomic(), on a real versioned table (organizations)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from planner.accounts.models import Organization
from planner.core.db import atomic, check_version, clash_message, commit_or_conflict, stale_message
from planner.core.errors import Conflict, ValidationError
from planner.extensions import db


def _org(factory, name: str = "Văn phòng Tỉnh ủy") -> Organization:
    return db.session.get(Organization, factory.organization(name=name).id)


def _saved_elsewhere(org: Organization) -> None:
    """Another worker saves the row meanwhile: its version moves on under our feet."""
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE organizations SET version = version + 1 WHERE id = :id"), {"id": org.id})


def _names() -> list[str]:
    db.session.rollback()
    return sorted(db.session.scalars(db.select(Organization.name)))


def test_check_version_refuses_a_stale_read_and_lets_the_rest_pass(ctx, factory):
    org = _org(factory)
    check_version(org, None, "stale")
    check_version(org, "", "stale")
    check_version(org, org.version, "stale")
    check_version(org, str(org.version), "stale")
    check_version(Organization(name="chưa lưu"), 99, "stale")   # nothing stored yet, nothing to compare
    org.city = "Huế"
    for read in (org.version + 1, "abc"):
        with pytest.raises(Conflict, match="stale"):
            check_version(org, read, "stale")
    assert db.session.get(Organization, org.id).city == "Đà Nẵng", "the refused unit of work is rolled back"


def test_commit_or_conflict_turns_stale_and_clashing_saves_into_the_errors_asked_for(ctx, factory):
    org = _org(factory)
    _saved_elsewhere(org)
    org.city = "Huế"
    with pytest.raises(Conflict, match="changed meanwhile"):
        commit_or_conflict("changed meanwhile")
    taken = _org(factory, "Văn phòng Thành ủy")
    taken.name = "Văn phòng Tỉnh ủy"
    with pytest.raises(Conflict, match=re.escape(clash_message())):
        commit_or_conflict()
    taken = db.session.get(Organization, taken.id)
    taken.name = "Văn phòng Tỉnh ủy"
    with pytest.raises(ValidationError, match="exists already") as refused:
        commit_or_conflict(clash=ValidationError("exists already", field="name"))
    assert refused.value.field == "name"
    assert _names() == ["Văn phòng Thành ủy", "Văn phòng Tỉnh ủy"]


def test_atomic_commits_once_at_the_outermost_end_and_nothing_on_error(ctx, factory):
    with atomic():
        db.session.add(Organization(name="Một"))
        with atomic():
            db.session.add(Organization(name="Hai"))
            commit_or_conflict()      # inside a block: flushed, committed with the block
    assert _names() == ["Hai", "Một"]

    with pytest.raises(RuntimeError), atomic():
        db.session.add(Organization(name="Ba"))
        with atomic():
            db.session.add(Organization(name="Bốn"))
        raise RuntimeError("a later step fails")
    assert _names() == ["Hai", "Một"], "nothing of a failed unit of work is kept"

    with pytest.raises(Conflict, match=re.escape(clash_message())), atomic():
        db.session.add(Organization(name="Năm"))
        with atomic():
            db.session.add(Organization(name="Một"))
    assert _names() == ["Hai", "Một"]


def test_atomic_turns_a_stale_save_into_a_conflict(ctx, factory):
    org = _org(factory)
    _saved_elsewhere(org)
    with pytest.raises(Conflict, match=re.escape(stale_message())), atomic():
        org.city = "Huế"
    assert db.session.get(Organization, org.id).city == "Đà Nẵng"
    with atomic():                    # the session is usable again
        db.session.get(Organization, org.id).city = "Hội An"
    assert db.session.get(Organization, org.id).city == "Hội An"
