"""The demo's past year gives the statistics and the home page something true to show; seeding it twice
adds nothing."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from planner.core.text import date_line
from planner.extensions import db
from planner.meetings.models import Meeting
from planner.reports import services
from planner.reports.services import ToDoKind


def test_the_demo_history_fills_a_year_of_statistics(ctx):
    from planner import demo
    from planner.accounts import services as accounts
    from planner.demo_history import seed_history

    org = accounts.create_organization(**demo.ORGANIZATION)
    admin, _setup = accounts.create_user(org, by=None, email="quantri@example.vn", name="Quản trị", role="admin",
                                         clearance="secret", password=None)
    seed_history(org, admin)
    count = db.session.scalar(select(func.count(Meeting.id)))
    assert count == 11 + 4 + 2 + 1, "monthly meetings, quarterly conferences, two trainings, the congress"

    today = services.local_today(org)
    stats = services.statistics(org, admin, start=today - timedelta(days=366), end=today, grouping="quarter")
    total = stats.total
    assert total.meetings == count
    assert 0.75 < total.attendance_rate < 1
    assert total.speeches > 40 and total.speaking_seconds > total.speeches * 4 * 60
    assert total.minutes_approved == total.minutes_due == 16
    assert (total.notices_late, total.notices_missing) == (2, 1)
    assert total.notices_on_time == 13

    # Last month's notice was never issued: the home page says so.
    overdue = [t for t in services.todos(org, admin) if t.kind is ToDoKind.notice]
    assert len(overdue) == 1 and overdue[0].overdue and not overdue[0].drafted

    # Every approved record is complete, as a clerk would sign it, and frozen.
    from planner.minutes import services as minutes_services
    from planner.minutes.models import Minutes, MinutesKind, MinutesStatus

    zone = ZoneInfo(org.timezone)
    approved = list(db.session.scalars(select(Minutes).where(Minutes.organization_id == org.id,
                                                             Minutes.status == MinutesStatus.approved)))
    assert len(approved) == 16 + 13 + 2
    for record in approved:
        assert record.pdf_sha256 and record.docx_sha256 and record.number
        assert minutes_services.approval_findings(record) is not None
        assert [f.code for f in minutes_services.approval_findings(record) if f.blocking] == []
        if record.kind is MinutesKind.minutes:
            text = "\n".join(str(s.get(k) or "") for s in record.sections for k in ("text", "conclusion"))
            assert "Chủ trì: đồng chí Trần Văn Bình" in text and "Thư ký: đồng chí" in text
            assert "phát biểu:" in text or "trình bày" in text
            conclusions = [s for s in record.sections if s.get("kind") == "item" and s.get("conclusion")]
            assert conclusions, record.meeting.title
        else:
            assert any(s["key"].startswith("item:") and s.get("text") for s in record.sections)
        # Frozen with its own day (the approval's, in the past), never the day the demo was seeded.
        approved_on = record.approved_at.astimezone(zone).date()
        assert approved_on < today and record.number.endswith(("/VPTU", "/TU"))
        expected = record.meeting.ends_on if record.kind is MinutesKind.minutes else approved_on
        assert record.document_date == expected
        pdf = subprocess.run(["pdftotext", "-layout", "-", "-"], input=minutes_services.record_bytes(record, "pdf"),
                             capture_output=True, check=True).stdout.decode()
        pdf = " ".join(pdf.split())
        assert date_line(org.city, expected, "vi") in pdf, record.meeting.title
        assert date_line(org.city, today, "vi") not in pdf, record.meeting.title

    seed_history(org, admin)
    assert db.session.scalar(select(func.count(Meeting.id))) == count
