"""Measure the dossier (hồ sơ) of a 3,000-participant congress: every document built and streamed as a ZIP.

    .venv/bin/python bench/dossier.py [--runs 3] [--database-url URL]

The congress has 3,000 delegates (all checked in on its 3 days), 60 agenda items published twice, 40
submitted speech texts, approved minutes and conclusion notice. The dossier is downloaded through the one
download route of the JSON API, reading the streamed body chunk by chunk as a client would. ``measure``
returns one row (``name, median_ms, p95_ms, queries, goal_ms``, and ``peak_mb``: the peak of Python
allocations during one build, by tracemalloc, ``zip_mb``, and ``first_ms``: the first build in the process),
the goal being 10 s. The harness may call
``measure(runs)``.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

PARTICIPANTS = 3000
ITEMS = 60
TEXTS = 40
DAYS = 3
GOAL_MS = 10_000


def _participants_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Họ và tên", "Chức vụ", "Đơn vị", "Đoàn", "Thành phần", "Thứ tự", "Email"])
    families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
    middles = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Ngọc"]
    givens = ["An", "Bình", "Cường", "Dũng", "Giang", "Hạnh", "Khải", "Long", "Mai", "Nên", "Phúc", "Quang",
              "Sơn", "Thạch", "Uyên", "Vinh", "Xuân", "Yến"]
    for n in range(PARTICIPANTS):
        name = f"{families[n % 12]} {middles[n // 12 % 8]} {givens[n // 96 % 18]} {n}"
        writer.writerow([name, "Bí thư Đảng ủy xã", f"Đảng bộ xã số {n % 150}",
                         "" if n < 40 else f"Đoàn đại biểu Đảng bộ huyện số {n % 60 + 1}",
                         "Khách mời" if n < 40 else "Đại biểu", 100 + n if n < 40 else "", f"dbieu{n}@example.vn"])
    return buffer.getvalue().encode("utf-8")


def setup(app, email: str = "bench@example.vn", office: str = "Văn phòng Tỉnh ủy (bench)") -> tuple[str, str]:
    """The congress, closed, with approved minutes; an API token of an organizer cleared for secret content
    (``email`` and ``office``: their address and organization, others beside the harness's other scenes in
    one database)."""
    from sqlalchemy import insert, update

    from planner.accounts import services as accounts
    from planner.agenda import services as agenda
    from planner.delegates import services as delegates
    from planner.delegates.models import AttendanceStatus, ParticipantAttendance
    from planner.documents import services as document_services
    from planner.documents.render import official_pdf
    from planner.extensions import db
    from planner.meetings import services as meetings
    from planner.meetings.models import MeetingStatus, meeting_presiding, meeting_secretaries
    from planner.minutes import documents as minute_documents
    from planner.minutes import services as minutes
    from planner.minutes.models import MinutesKind
    from planner.speeches import services as speeches
    from planner.speeches.models import Speech, SpeechStatus

    with app.test_request_context():
        org = accounts.create_organization(name=office, city="Tam Kỳ",
                                           parent_name="Đảng bộ tỉnh Quảng Nam", body_code="TU")
        user, _setup = accounts.create_user(org, by=None, email=email, name="Bench", role="admin",
                                            clearance="secret", password="correct-horse-battery-42")  # noqa: S106
        _token, secret = accounts.issue_api_token(user, org, "bench")
        # the notice is signed by the head of the office (no signer: no approval)
        document_services.update_settings(org, {"signatures": {"notice": {"right": {"name": "Trần Văn Minh"}}}})
        first = date(2026, 11, 2)
        meeting = meetings.create_meeting(org, user, title="Đại hội đại biểu Đảng bộ tỉnh lần thứ XXIII",
                                          kind="congress", starts_on=first, ends_on=first + timedelta(days=DAYS - 1),
                                          venue="Trung tâm Hội nghị tỉnh", city="Tam Kỳ")
        delegates.import_file(meeting, _participants_csv(), "dai-bieu.csv")
        people = delegates.all_participants(meeting)
        rows = []
        for k in range(ITEMS):
            start = datetime.combine(first + timedelta(days=k % DAYS), datetime.min.time()) + timedelta(
                hours=8, minutes=10 * (k // DAYS))
            rows.append({"title": f"Tham luận số {k + 1}: kết quả thực hiện Nghị quyết nhiệm kỳ 2020 – 2025",
                         "kind": "contributed_speech", "starts_at": start, "ends_at": start + timedelta(minutes=10)})
        items = agenda.create_items(meeting, rows, user=user)
        agenda.publish(meeting, user=user)
        agenda.update_item(items[0], {"title": "Khai mạc Đại hội"}, user=user)
        agenda.publish(meeting, user=user, note="Sửa tên phiên khai mạc")
        sample = official_pdf(minute_documents.sample_document(org))
        for n, item in enumerate(items):
            speech = speeches.add_speech(item, {"participant_id": people[40 + n].public_id,
                                                "summary": "Thống nhất với báo cáo chính trị."}, user=user)
            if n < TEXTS:
                speeches.upload_text(speech, sample, f"tham-luan-{n}.pdf", user=user)
        db.session.execute(insert(ParticipantAttendance), [
            {"participant_id": p.id, "day": first + timedelta(days=d), "status": AttendanceStatus.present}
            for p in people for d in range(DAYS)])
        # The clerk's check before approval: who presided, who kept the minutes, and each item's content (its
        # speech delivered, with its summary).
        db.session.execute(insert(meeting_presiding).values(meeting_id=meeting.id, participant_id=people[0].id,
                                                            position=0))
        db.session.execute(insert(meeting_secretaries).values(meeting_id=meeting.id, participant_id=people[1].id,
                                                              position=0))
        speeches.add_speech(items[-1], {"participant_id": people[0].public_id, "kind": "conclusion",
                                        "summary": "Đại hội đã hoàn thành chương trình đề ra."}, user=user)
        db.session.execute(update(Speech).where(Speech.meeting_id == meeting.id).values(status=SpeechStatus.done))
        meeting.status = MeetingStatus.closed
        db.session.commit()
        for kind in (MinutesKind.minutes, MinutesKind.notice):
            record = minutes.generate(meeting, kind, user=user)
            minutes.set_status(record, "approved", user=user, version=record.version)
        return meeting.public_id, secret


def measure(runs: int = 3, database_url: str | None = None) -> list[dict[str, Any]]:
    from flask_migrate import upgrade
    from sqlalchemy import event

    from planner import create_app
    from planner.extensions import db

    workdir = Path(tempfile.mkdtemp(prefix="planner-bench-dossier-"))
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "INSTANCE_PATH": str(workdir),
                      "STORAGE_PATH": str(workdir / "storage"),
                      "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{workdir / 'bench.db'}"})
    with app.app_context():
        upgrade()
    meeting_id, secret = setup(app)
    client = app.test_client()
    url = f"/api/v1/meetings/{meeting_id}/exports/dossier.zip"
    statements = [0]

    with app.app_context():
        engine = db.engine

    def count(*_args: Any) -> None:
        statements[0] += 1

    def build() -> int:
        response = client.get(url, headers={"Authorization": f"Bearer {secret}"}, buffered=False)
        assert response.status_code == 200, response.get_data(as_text=True)
        size = sum(len(chunk) for chunk in response.response)  # read as a client would, chunk by chunk
        response.close()
        return size

    start = time.perf_counter()
    build()  # the first: fonts loaded, templates compiled, the attendance sheet not yet in the booklets' cache
    first_ms = (time.perf_counter() - start) * 1000
    times = []
    size = 0
    for _ in range(runs):
        start = time.perf_counter()
        size = build()
        times.append((time.perf_counter() - start) * 1000)
    event.listen(engine, "before_cursor_execute", count)
    tracemalloc.start()
    build()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    event.remove(engine, "before_cursor_execute", count)
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return [{"name": f"dossier.zip ({PARTICIPANTS} participants)", "median_ms": statistics.median(times),
             "p95_ms": p95, "queries": statements[0], "goal_ms": GOAL_MS, "peak_mb": peak / 1048576,
             "zip_mb": size / 1048576, "first_ms": first_ms}]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    for row in measure(args.runs, args.database_url):
        print(", ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()))
