"""The demo conference comes with its booklet settings and seats, so the Print tab shows real pages
at once; seeding twice changes nothing."""

from __future__ import annotations

from planner import demo
from planner.booklets import builders, services
from planner.booklets.models import Section


def test_the_demo_conference_has_its_booklet_and_its_seats(ctx):
    org = demo.seed()
    conference = demo.seed_meetings(org)["conference"]
    settings = services.settings_of(conference)
    assert settings.id is not None and settings.paper.value == "a5"
    assert set(settings.sections) == {s.value for s in Section}
    assert settings.foreword.startswith("Hội nghị toàn quốc") and settings.practical_info

    people = services.chart_participants(conference)
    seats = [p.seat for p in people if p.seat]
    assert len(seats) == len(set(seats)), "no seat is given twice"
    plan = services.plan_of(conference)
    presidium = [p for p in people if p.seat.startswith("CT-")]
    assert len(presidium) == plan.presidium_size == 7
    # Everyone who is to sit has a seat; staff and the press do not.
    to_sit = [p for p in builders.seated_participants(conference) if p.category in builders.SEATED_CATEGORIES]
    assert to_sit and all(p.seat for p in to_sit)
    assert not any(p.seat for p in people if p.category not in builders.SEATED_CATEGORIES)

    before = {p.id: p.seat for p in people}
    demo.seed()
    assert {p.id: p.seat for p in services.chart_participants(conference)} == before
    assert services.settings_of(conference).id == settings.id
