"""Query budgets: every page and feed of the benchmark list runs as many SQL statements on dataset S as
on a larger one (bench/dataset.py, S and S+: three times the agenda, six times the participants and
eighteen times the speeches, more than SQLAlchemy loads in one selectin batch), so nothing grows with the
meeting: no N+1 anywhere. The datasets are loaded through the services, as in `make bench`.

Each page is asked once to warm what a process caches, then counted. The counts of both datasets are
taken once for the module (loading is the slow part); each page is its own test.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from planner.extensions import db
from tests.queries import counting

SIZES = ("S", "S+")


@dataclass
class Visit:
    """One page, feed or service call, counted: its statements and what it answered."""

    statements: list[str]
    status: int
    body: bytes = b""


def _get(client, path: str, **headers: str) -> Callable[[], Any]:
    return lambda: client.get(path, headers=headers)


def _absent_today(app: Flask, dataset) -> list[str]:
    """Public ids of delegates of the congress not checked in today (the desk checks in new arrivals)."""
    from planner.delegates.models import Participant, ParticipantAttendance

    with app.app_context():
        today = dataset.congress_days[1]
        present = select(ParticipantAttendance.participant_id).where(ParticipantAttendance.day == today)
        return list(db.session.scalars(
            select(Participant.public_id).where(Participant.meeting_id == dataset.congress_id,
                                                Participant.category == "delegate", Participant.id.not_in(present))
            .order_by(Participant.id).limit(2)))


def _minutes_version(app: Flask, dataset) -> int:
    from planner.minutes.models import Minutes

    with app.app_context():
        return db.session.scalar(select(Minutes.version).where(Minutes.meeting_id == dataset.congress_id))


def _booklet_data(app: Flask, dataset) -> Callable[[], Any]:
    from planner.accounts.models import User
    from planner.booklets import builders
    from planner.booklets import services as booklets
    from planner.meetings.models import Meeting

    def run() -> None:
        with app.test_request_context():
            meeting = db.session.get(Meeting, dataset.congress_id)
            user = db.session.get(User, dataset.users["organizer"].id)
            builders.booklet_data(builders.BookletInput(meeting, booklets.settings_of(meeting), user))
            db.session.remove()
    return run


def _count(app: Flask, run: Callable[[], Any], warm: Callable[[], Any] | None = None) -> Visit:
    (warm or run)()
    with counting(app) as statements:
        answer = run()
    return Visit(list(statements), getattr(answer, "status_code", 200), getattr(answer, "data", b""))


def visit_all(app: Flask, dataset) -> dict[str, Visit]:
    """Every page of the benchmark list, counted once for this dataset."""
    staff = app.test_client()
    staff.login(dataset.users["organizer"].email, dataset.users["organizer"].password)
    secretary = app.test_client()
    secretary.login(dataset.users["secretary"].email, dataset.users["secretary"].password)
    anyone = app.test_client()
    meeting = f"/meetings/{dataset.congress_public_id}"
    visits: dict[str, Visit] = {}

    def page(name: str, client, path: str, **headers: str) -> None:
        visits[name] = _count(app, _get(client, path, **headers))

    page("agenda editor", staff, f"{meeting}/agenda")
    page("programme page (public)", anyone, dataset.programme_path)
    page("delegate list", staff, f"{meeting}/participants")
    page("delegate search", staff, f"{meeting}/participants?q={dataset.search_term}")
    page("check-in search", staff, f"{meeting}/door/search?q={dataset.search_term}",
         Accept="application/json")
    arrivals = _absent_today(app, dataset)

    def check_in(public_id: str) -> Callable[[], Any]:
        return lambda: staff.post_form(f"{meeting}/door/check-in", {"participant_id": public_id},
                                       headers={"Accept": "application/json"})
    visits["check-in"] = _count(app, check_in(arrivals[1]), warm=check_in(arrivals[0]))
    for what in ("speakers", "speakers/summaries", "speakers/statistics"):
        page(what.replace("/", " "), staff, f"{meeting}/{what}")
    page("personal feed", anyone, dataset.personal_feed_path)
    page("meeting feed", anyone, dataset.meeting_feed_path)
    etag = anyone.get(dataset.meeting_feed_path).headers["ETag"]
    page("meeting feed 304", anyone, dataset.meeting_feed_path, **{"If-None-Match": etag})
    page("public feed", anyone, dataset.public_feed_path)
    page("user feed", anyone, dataset.user_feed_path)
    page("work calendar week", staff, f"/calendar/week?d={dataset.congress_days[1].isoformat()}")

    def generate() -> Any:
        return secretary.post_form(f"{meeting}/minutes/generate", {"version": _minutes_version(app, dataset)})
    visits["minutes generation"] = _count(app, generate)
    visits["booklet data"] = _count(app, _booklet_data(app, dataset))
    page("participants XLSX export", staff, f"{meeting}/participants/export.xlsx")
    return visits


@pytest.fixture(scope="module")
def loaded(app: Flask) -> dict[str, Any]:
    """Both datasets and their counted pages (the database is wiped after the module's first test: all
    that the tests read is taken here)."""
    from bench import dataset as bench

    datasets, visits = {}, {}
    for size in SIZES:
        with app.app_context():
            datasets[size] = bench.build(size, seed=7)
            db.session.remove()
        visits[size] = visit_all(app, datasets[size])
    return {"datasets": datasets, "visits": visits}


@pytest.fixture
def budgets(loaded) -> dict[str, dict[str, Visit]]:
    return loaded["visits"]


# Each page with the status it answers: a login page or an error would run few queries on both datasets.
PAGES = {"agenda editor": 200, "programme page (public)": 200, "delegate list": 200, "delegate search": 200,
         "check-in search": 200, "check-in": 200, "personal feed": 200, "meeting feed": 200,
         "meeting feed 304": 304, "public feed": 200, "user feed": 200, "work calendar week": 200,
         "minutes generation": 302, "booklet data": 200, "participants XLSX export": 200,
         "speakers": 200, "speakers summaries": 200, "speakers statistics": 200}


@pytest.mark.parametrize("name", PAGES)
def test_the_query_count_does_not_grow_with_the_data(budgets, name):
    small, large = budgets["S"][name], budgets["S+"][name]
    assert small.status == large.status == PAGES[name], (small.status, large.status)
    extra = [s for s in large.statements if s not in small.statements][:5]
    assert len(small.statements) == len(large.statements), (
        f"{name}: {len(small.statements)} queries on S, {len(large.statements)} on S+; for example: {extra}")


# What a page shows when it did its work (a search that finds nobody costs little whatever the size).
CONTENT = {"agenda editor": "Phiên khai mạc", "programme page (public)": "Phiên bế mạc",
           "delegate list": "Đoàn đại biểu", "check-in": "checked_in_at", "personal feed": "BEGIN:VEVENT",
           "meeting feed": "BEGIN:VEVENT", "public feed": "BEGIN:VEVENT", "user feed": "BEGIN:VEVENT",
           "work calendar week": "Đại hội"}


@pytest.mark.parametrize("name", CONTENT)
def test_the_pages_show_the_data(budgets, name):
    for size in SIZES:
        assert CONTENT[name] in budgets[size][name].body.decode(), (size, name)


def test_the_searches_find_the_delegate(loaded):
    for size in SIZES:
        dataset, visits = loaded["datasets"][size], loaded["visits"][size]
        assert dataset.checkin_participant_public_id in visits["delegate search"].body.decode()
        found = json.loads(visits["check-in search"].body)["items"]
        assert dataset.checkin_participant_public_id in {item["id"] for item in found}


def test_the_datasets_differ_in_size(loaded):
    """The comparison means something only when S+ really holds more."""
    small, large = (loaded["datasets"][size].counts for size in SIZES)
    assert large["participants"] == 6 * small["participants"] == 600
    assert large["items"] == 3 * small["items"] and large["speeches"] == 18 * small["speeches"] > 500
    assert large["meetings"] > small["meetings"]
