"""Delegate test data, built with tests/factories.py (through the services)."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

import pytest

from planner.extensions import db
from tests import factories
from tests.queries import QueryCounter  # noqa: F401 - the one counter; tests import it from here too


class Delegates:
    def __init__(self, app, factory):
        self.app = app
        self.factory = factory

    def meeting(self, org, *, days: int = 1, starts_on: date | None = None, **data: Any) -> str:
        """A meeting of the organization; answers its public id."""
        from planner.accounts.models import Organization

        with self.app.test_request_context():
            data.setdefault("title", "Hội nghị Ban Chấp hành Đảng bộ thành phố")
            return factories.meeting(db.session.get(Organization, org.id), None, starts_on=starts_on or self.today(),
                                     days=days, **data).public_id

    @staticmethod
    def today() -> date:
        from datetime import UTC, datetime
        from zoneinfo import ZoneInfo

        return datetime.now(UTC).astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date()

    def participant(self, org, meeting_id: str, full_name: str, **data: Any) -> str:
        """A participant (a new person unless the same name and unit exist); answers its public id."""
        with self.app.test_request_context():
            return factories.participant(self.load_meeting(org, meeting_id), full_name, reuse_person=True,
                                         **data).public_id

    def load_meeting(self, org, meeting_id: str):
        """The meeting, whatever its classification (tests of clearance ask get_meeting themselves)."""
        from sqlalchemy import select

        from planner.meetings.models import Meeting

        return db.session.scalar(select(Meeting).where(Meeting.organization_id == org.id,
                                                       Meeting.public_id == meeting_id))

    def set_status(self, meeting_id: str, status: str) -> None:
        from planner.meetings.models import Meeting

        with self.app.app_context():
            meeting = db.session.query(Meeting).filter_by(public_id=meeting_id).one()
            meeting.status = status
            db.session.commit()


@pytest.fixture
def delegates(app, factory) -> Delegates:
    return Delegates(app, factory)


@pytest.fixture
def en(app):
    """A request context in English, for tests that read the messages."""
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        yield
        db.session.remove()


@pytest.fixture
def org(factory):
    return factory.organization()


@pytest.fixture
def organizer(factory, org):
    return factory.user(org, role="organizer", clearance="secret")


def cp1258(text: str) -> bytes:
    """Text as older Vietnamese Excel saves it: base letters in Windows-1258, tones as combining marks."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        tones = [m for m in marks if m in "\u0300\u0301\u0303\u0309\u0323"]
        quality = [m for m in marks if m not in tones]
        out.append(unicodedata.normalize("NFC", base + "".join(quality)).encode("cp1258"))
        out.append("".join(tones).encode("cp1258"))
    return b"".join(out)
