"""The demo conference gets a realistic two-day programme, published as version 1."""

from __future__ import annotations

from planner import demo
from planner.agenda import conflicts, services
from planner.extensions import db


def test_demo_conference_programme(english_ctx):
    org = demo.seed()
    conference = demo.seed_meetings(org)["conference"]
    items = services.list_items(conference, None, everything=True)
    titles = [i.title for i in items]
    for expected in ("Chào cờ", "Tuyên bố lý do, giới thiệu đại biểu", "Phát biểu khai mạc hội nghị", "Giải lao",
                     "Thảo luận tại hội trường", "Kết luận hội nghị", "Bế mạc hội nghị"):
        assert expected in titles
    kinds = {i.kind.value for i in items}
    assert {"session", "ceremony", "opening", "report", "contributed_speech", "discussion", "directive_speech",
            "conclusion", "closing", "break"} <= kinds
    # Three topic sessions in parallel on the second afternoon, one per room, and no warnings.
    day_two = services.programme_days(conference)[1]
    parallel = [i for i in items if i.kind.value == "session" and i.title.startswith("Chuyên đề")]
    assert len(parallel) == 3
    assert {services.local(conference, s.starts_at).date() for s in parallel} == {day_two}
    assert len({s.room_id for s in parallel}) == 3
    assert conflicts.find_conflicts(services.slots(items)) == []
    # Version 1 is published; one late change waits for version 2.
    latest, pending = services.pending_changes(conference, items)
    assert latest.number == 1 and pending
    # Seeding again changes nothing.
    demo.seed()
    db.session.expire_all()
    assert len(services.list_items(conference, None, everything=True)) == len(items)
    assert [r.number for r in services.releases(conference)] == [1]
