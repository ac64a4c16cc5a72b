"""The demo conference's speakers lists: delivered speeches with texts and summaries, a list waiting in
the hall, planned closing speeches; seeding twice adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from planner.extensions import db
from planner.speeches.files import DOCX, PDF
from planner.speeches.models import Speech, SpeechStatus, SpeechText


def test_the_demo_conference_gets_its_speeches(ctx):
    from planner import demo
    from planner.accounts import services as accounts
    from planner.speeches import services

    org = accounts.create_organization(**demo.ORGANIZATION)
    conference = demo.seed_meetings(org)["conference"]
    demo.seed_agenda(conference)
    demo.seed_speeches(conference)

    speeches = list(db.session.scalars(select(Speech).where(Speech.meeting_id == conference.id)))
    kinds = {s.kind.value for s in speeches}
    assert {"opening", "report", "contributed_speech", "discussion", "directive_speech", "conclusion"} <= kinds
    delivered = [s for s in speeches if s.status == SpeechStatus.done]
    assert len(delivered) >= 8 and all(s.summary and s.started_at and s.ended_at for s in delivered)
    assert any(s.paused_seconds for s in delivered)
    assert any(services.timing.overrun(services._clock(s), s.ended_at) > 0 for s in delivered)
    assert any(s.status == SpeechStatus.requested and s.requested_by_delegate for s in speeches)
    closing = [s for s in speeches if s.kind.value in ("directive_speech", "conclusion")]
    assert closing and all(s.texts and s.texts[-1].embargo and s.texts[-1].check_against_delivery for s in closing)
    media = set(db.session.scalars(select(SpeechText.media_type)))
    assert media == {PDF, DOCX}
    report = next(s for s in delivered if s.kind.value == "report")
    assert [t.number for t in report.texts] == [1, 2]
    state = services.hall_state(conference, services.screen_levels())
    assert state["item"]["title"].startswith("Thảo luận dự thảo Quy chế") and state["next"] is not None

    before = db.session.scalar(select(func.count(Speech.id)))
    demo.seed_speeches(conference)
    assert db.session.scalar(select(func.count(Speech.id))) == before
