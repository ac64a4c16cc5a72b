"""Measure a meeting feed in process: 300 items over 3 days in 5 rooms, with speakers.

    .venv/bin/python bench/calendar_feed.py [--runs 30] [--database-url URL]

Prints the median time of: a full answer (token, version, build) with the event cache empty ("cold",
as after a restart or when every item changed), the same with the cache filled ("warm": the usual case,
where a release changes a few items and only those are rendered again), and a 304 (If-None-Match).
Goals: build under 40 ms, 304 under 5 ms. Wall-clock medians, and the same as CPU time of the process
(steadier on a shared machine). The benchmark harness (make bench) may call main().
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path


def _median_ms(run, runs: int, clock=time.perf_counter) -> float:
    times = []
    for _ in range(runs):
        start = clock()
        run()
        times.append(clock() - start)
    return statistics.median(times) * 1000


def setup(app) -> tuple[str, str]:
    """The meeting and a secret link to its feed."""
    from planner.accounts import services as accounts
    from planner.agenda import services as agenda
    from planner.calendars import services as calendars
    from planner.delegates import services as delegates
    from planner.extensions import db
    from planner.meetings import services as meetings
    from planner.meetings.models import Room
    from planner.speeches import services as speeches

    with app.test_request_context():
        org = accounts.create_organization(name="Văn phòng Tỉnh ủy (bench)", city="Đà Nẵng")
        user, _setup = accounts.create_user(org, by=None, email="bench@example.vn", name="Bench", role="admin",
                                            clearance="secret", password="correct-horse-battery-42")  # noqa: S106
        first = date(2026, 12, 1)
        meeting = meetings.create_meeting(org, user, title="Đại hội đại biểu Đảng bộ tỉnh lần thứ XXII",
                                          kind="congress", starts_on=first, ends_on=first + timedelta(days=2),
                                          venue="Trung tâm Hội nghị tỉnh")
        rooms = []
        for n in range(5):
            room = Room(meeting_id=meeting.id, name=f"Phòng {n + 1}" if n else "Hội trường lớn", position=n)
            db.session.add(room)
            rooms.append(room)
        meeting.status = "published"
        meeting.public_code = "bench"
        db.session.commit()
        people = [delegates.add_participant(meeting, {"full_name": f"Nguyễn Văn Đại biểu {i}",
                                                      "honorific": "đồng chí"}) for i in range(40)]
        rows = []
        for day in range(3):
            for slot in range(20):       # 20 slots of 25 minutes from 7:30, 5 rooms each: 100 items a day
                start = datetime.combine(first + timedelta(days=day), datetime.min.time()) + timedelta(
                    hours=7, minutes=30 + slot * 25)
                for r, room in enumerate(rooms):
                    n = day * 100 + slot * 5 + r
                    rows.append({"title": f"Tham luận số {n}: kết quả thực hiện Nghị quyết năm 2026",
                                 "kind": "contributed_speech" if r else "report", "starts_at": start,
                                 "ends_at": start + timedelta(minutes=25), "room_id": room.public_id,
                                 "presiding_ids": [people[n % 40].public_id],
                                 "classification": "internal" if n % 50 == 7 else "none",
                                 "description": "Tài liệu gửi kèm giấy mời." if n % 3 == 0 else ""})
        items = agenda.create_items(meeting, rows, user=user)
        for n, item in enumerate(items):
            if n % 2 == 0:
                speeches.add_speech(item, {"participant_id": people[(n + 7) % 40].public_id}, user=user)
        agenda.publish(meeting, user=user)
        _token, secret = calendars.issue_meeting_feed(meeting, user=user, label="bench")
        return meeting.public_id, f"/feeds/m/{secret}.ics"


def main(runs: int = 30, database_url: str | None = None) -> dict[str, float]:
    from flask_migrate import upgrade

    from planner import create_app
    from planner.calendars import ical

    workdir = Path(tempfile.mkdtemp(prefix="planner-bench-"))
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "INSTANCE_PATH": str(workdir),
                      "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{workdir / 'bench.db'}"})
    with app.app_context():
        upgrade()
    _meeting_id, url = setup(app)
    client = app.test_client()
    first = client.get(url)
    assert first.status_code == 200, first.status_code
    etag = first.headers["ETag"]
    results = {
        "events": float(first.data.count(b"BEGIN:VEVENT")),
        "bytes": float(len(first.data)),
        "build_cold_ms": _median_ms(lambda: (ical.EVENT_CACHE.clear(), client.get(url)), runs),
        "build_warm_ms": _median_ms(lambda: client.get(url), runs),
        "not_modified_ms": _median_ms(lambda: client.get(url, headers={"If-None-Match": etag}), runs),
        # CPU time of this process: what the numbers are on a machine busy with other work
        "build_cold_cpu_ms": _median_ms(lambda: (ical.EVENT_CACHE.clear(), client.get(url)), runs, time.process_time),
        "build_warm_cpu_ms": _median_ms(lambda: client.get(url), runs, time.process_time),
        "not_modified_cpu_ms": _median_ms(lambda: client.get(url, headers={"If-None-Match": etag}), runs,
                                          time.process_time),
    }
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    for key, value in main(args.runs, args.database_url).items():
        print(f"{key:>18}: {value:.2f}")
