"""Several speakers put on an item's list at once (the data generator's and an importer's path)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from planner.core.audit import AuditEntry
from planner.core.errors import ValidationError
from planner.extensions import db
from planner.speeches import services
from planner.speeches.models import Speech, SpeechControl, SpeechStatus


def test_speakers_join_the_list_in_order_with_one_audit_entry(hall):
    hall.speech(person=4)
    revision = db.session.scalar(select(SpeechControl.revision))
    added = services.add_speeches(hall.discussion, [
        {"participant_id": hall.people[0].public_id, "title": "Kinh tế biển", "allotted_seconds": 420},
        {"participant_id": hall.people[1].public_id, "status": "requested"},
    ], user=hall.user)
    listed = services.item_speeches(hall.discussion)
    assert [s.participant.full_name for s in listed] == ["Võ Thị Hạnh", "Nguyễn Văn An", "Trần Thị Bình"]
    assert [s.position for s in listed] == [1, 2, 3]
    assert added[0].kind.value == "discussion" and added[0].allotted_seconds == 420
    assert added[1].status == SpeechStatus.requested
    assert db.session.scalar(select(SpeechControl.revision)) == revision + 1
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "speeches.added")).all()
    assert len(entries) == 1 and len(entries[0].changes["speeches"]) == 2


@pytest.mark.parametrize("bad", [{"participant_id": "nobody"}, {"allotted_seconds": -5}, {"status": "done"},
                                 {"position": 1}, {"colour": "red"}])
def test_one_bad_row_saves_nothing_and_is_named(hall, bad):
    rows = [{"participant_id": hall.people[0].public_id}, {"participant_id": hall.people[1].public_id, **bad}]
    with pytest.raises(ValidationError) as exc:
        services.add_speeches(hall.discussion, rows, user=hall.user)
    assert "2" in exc.value.message
    assert db.session.scalar(select(func.count(Speech.id))) == 0


def test_sessions_and_breaks_take_no_speakers(hall):
    from datetime import datetime, time

    from planner.agenda import services as agenda
    from tests.speeches.conftest import DAY

    pause = agenda.create_item(hall.meeting, {"title": "Giải lao", "kind": "break",
                                              "starts_at": datetime.combine(DAY, time(11, 0)),
                                              "ends_at": datetime.combine(DAY, time(11, 15))}, user=hall.user)
    with pytest.raises(ValidationError):
        services.add_speeches(pause, [{"participant_id": hall.people[0].public_id}], user=hall.user)
