"""A 400-item agenda runs the same number of SQL queries as a 40-item one, on every agenda page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from planner.agenda import services
from planner.extensions import db
from tests.agenda.conftest import Site, local
from tests.queries import counting


def build_agenda(site: Site, n: int) -> None:
    """n items in one batch through the services: sessions of ten items each, over the two days,
    in three rooms, with presiding persons; some conflicts, some cancelled, some internal."""
    with site.open() as conf:
        rows = []
        per_day = n // 2
        for day in (1, 2):
            start = local(day, "07:00")
            for s in range(per_day // 10):
                session_id = f"n{n}d{day}s{s}x".ljust(32, "0")
                session_start = start + timedelta(minutes=s * 40)
                rows.append({"public_id": session_id, "kind": "session", "title": f"Phiên {day}.{s}",
                             "starts_at": session_start, "ends_at": session_start + timedelta(minutes=40),
                             "room_id": conf.rooms[s % 3].public_id,
                             "presiding_ids": [conf.people[s % 4].public_id]})
                for i in range(9):
                    item_start = session_start + timedelta(minutes=i * 4)
                    rows.append({"parent_id": session_id, "kind": "report", "title": f"Mục {day}.{s}.{i}",
                                 "starts_at": item_start, "ends_at": item_start + timedelta(minutes=4),
                                 "presiding_ids": [conf.people[(s + i) % 4].public_id],
                                 "status": "cancelled" if i == 8 else "scheduled",
                                 "classification": "internal" if i == 7 else "none",
                                 "performer": "Lãnh đạo Văn phòng" if i == 3 else ""})
        services.create_items(conf.meeting, rows, user=conf.user)
        assert len(services.list_items(conf.meeting, conf.user)) == n
        services.publish(conf.meeting, user=conf.user)
        conf.meeting.status = "published"
        conf.meeting.public_code = f"code{n}"
        db.session.commit()
        # an unpublished change, so that the "changes since" panel has work to do
        first = services.list_items(conf.meeting, conf.user)[1]
        services.update_item(first, {"title": first.title + " (sửa)"}, user=conf.user)


def queries(client, app, url: str) -> int:
    client.get(url)  # warm up: anything cached per process is cached now
    with counting(app) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


@pytest.mark.parametrize("page", ["editor", "programme", "public", "releases", "release", "timetable"])
def test_pages_run_a_fixed_number_of_queries(app, page):
    counts = {}
    for n in (40, 400):
        site = Site(app, org_name=f"Văn phòng {n}")
        build_agenda(site, n)
        client = app.test_client()
        if page != "public":
            client.login(site.email)
        url = {
            "editor": site.editor,
            "programme": f"/meetings/{site.meeting_id}/programme",
            "public": f"/p/code{n}",
            "releases": f"/meetings/{site.meeting_id}/releases",
            "release": f"/meetings/{site.meeting_id}/releases/1",
            "timetable": f"{site.editor}/timetable?day=2026-12-03",
        }[page]
        counts[n] = queries(client, app, url)
        if page in ("editor", "programme", "public", "timetable"):
            html = client.get(url).get_data(as_text=True)
            assert f"Mục 1.{n // 20 - 1}.0" in html
    assert counts[40] == counts[400], counts
