"""Seats given out by the services (presidium, hall by protocol or by delegation, one seat, swaps),
and the booklet's data read in a fixed number of queries whatever the meeting's size."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from planner.booklets import builders, services
from planner.core.errors import Conflict, ValidationError
from planner.extensions import db
from tests.booklets.conftest import local


def _seats(conf) -> dict[str, str]:
    return {p.full_name: p.seat for p in services.chart_participants(conf.meeting)}


def test_the_presidium_is_the_presiding_persons_by_protocol_and_the_hall_by_protocol_order(conf):
    services.save_plan(conf.meeting, {"rows": 2, "seats_per_row": 5, "presidium_size": 5, "mode": "protocol"},
                       user=conf.user)
    counts = services.assign_seats(conf.meeting, user=conf.user)
    assert counts == {"presidium": 2, "hall": 4, "without_seat": 0, "changed": 6}
    seats = _seats(conf)
    assert seats["Nguyễn Văn Nên"] == "CT-1" and seats["Trần Thị Bình"] == "CT-2"
    # The hall by precedence: Cường 700, Dũng 900, Giang 920, Ê 950 — the centre, then outward.
    assert [seats[n] for n in ("Lê Quốc Cường", "Phạm Minh Dũng", "Đặng Văn Giang", "Võ Thị Ê")] == \
        ["A-3", "A-2", "A-4", "A-1"]
    assert seats["Huỳnh Thị Hạnh"] == "" and seats["Tô Huy Rứa"] == "", "staff and press get no seat"


def test_by_delegation_each_delegation_sits_together(conf):
    services.save_plan(conf.meeting, {"rows": 3, "seats_per_row": 3, "presidium_size": 3, "mode": "delegation"},
                       user=conf.user)
    services.assign_seats(conf.meeting, user=conf.user)
    seats = _seats(conf)
    # The guest (highest ranked in the hall) first, then Đại Lộc (Dũng 900) and Hội An (Giang 920).
    assert seats["Lê Quốc Cường"] == "A-1"
    assert (seats["Phạm Minh Dũng"], seats["Võ Thị Ê"]) == ("A-2", "A-3")
    assert seats["Đặng Văn Giang"] == "B-1"


def test_without_presiding_persons_the_highest_ranking_leaders_and_guests_preside(conf):
    from planner.meetings import services as meetings

    meetings.set_presiding(conf.meeting, [])
    services.save_plan(conf.meeting, {"presidium_size": 2}, user=conf.user)
    services.assign_seats(conf.meeting, user=conf.user)
    seats = _seats(conf)
    assert (seats["Nguyễn Văn Nên"], seats["Trần Thị Bình"]) == ("CT-1", "CT-2")
    assert seats["Lê Quốc Cường"].startswith("A-")


def test_too_small_a_hall_says_how_many_found_no_seat(conf):
    services.save_plan(conf.meeting, {"rows": 1, "seats_per_row": 2, "presidium_size": 1}, user=conf.user)
    counts = services.assign_seats(conf.meeting, user=conf.user)
    # Trần Thị Bình presides too but the presidium has one seat: she joins the four others in the hall.
    assert counts["presidium"] == 1 and counts["hall"] == 2 and counts["without_seat"] == 3


def test_one_seat_swaps_with_its_holder_and_is_audited(conf):
    from planner.core.audit import AuditEntry

    services.assign_seats(conf.meeting, user=conf.user)
    before = _seats(conf)
    services.set_seat(conf.meeting, conf.people["Võ Thị Ê"].public_id, "ct 1", user=conf.user)
    after = _seats(conf)
    assert after["Võ Thị Ê"] == "CT-1" and after["Nguyễn Văn Nên"] == before["Võ Thị Ê"]
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "seating.seat_set")).one()
    assert entry.changes["seat"] == [before["Võ Thị Ê"], "CT-1"]
    services.set_seat(conf.meeting, conf.people["Võ Thị Ê"].public_id, "", user=conf.user)
    assert _seats(conf)["Võ Thị Ê"] == ""
    with pytest.raises(ValidationError):
        services.set_seat(conf.meeting, conf.people["Võ Thị Ê"].public_id, "CT-9", user=conf.user)
    with pytest.raises(ValidationError):
        services.set_seat(conf.meeting, "nobody", "A-1", user=conf.user)
    assert services.clear_seats(conf.meeting, user=conf.user) == 5
    assert not any(_seats(conf).values())


def test_a_closed_meeting_keeps_its_seats(conf):
    from planner.meetings import services as meetings

    services.assign_seats(conf.meeting, user=conf.user)
    meetings.set_status(conf.meeting, "published")
    meetings.set_status(conf.meeting, "closed")
    with pytest.raises(Conflict):
        services.assign_seats(conf.meeting, user=conf.user)
    with pytest.raises(Conflict):
        services.set_seat(conf.meeting, conf.people["Võ Thị Ê"].public_id, "A-9", user=conf.user)


def test_the_plan_is_checked(conf):
    with pytest.raises(ValidationError) as refused:
        services.save_plan(conf.meeting, {"rows": 0}, user=conf.user)
    assert refused.value.field == "rows"
    with pytest.raises(ValidationError):
        services.save_plan(conf.meeting, {"seats_per_row": "many"}, user=conf.user)
    with pytest.raises(ValidationError):
        services.save_plan(conf.meeting, {"mode": "by height"}, user=conf.user)
    plan = services.save_plan(conf.meeting, {"rows": 12}, user=conf.user)
    with pytest.raises(Conflict):
        services.save_plan(conf.meeting, {"rows": 14}, user=conf.user, version=plan.version + 5)


def test_a_seat_outside_a_shrunk_plan_is_shown_as_a_problem(conf):
    services.assign_seats(conf.meeting, user=conf.user)
    plan = services.save_plan(conf.meeting, {"rows": 1, "seats_per_row": 1, "presidium_size": 1}, user=conf.user)
    problems = services.seating_problems(services.chart_participants(conf.meeting), plan)
    assert {p.full_name for p in problems["outside"]} >= {"Trần Thị Bình", "Võ Thị Ê"}


def _count(run) -> int:
    statements = []
    engine = db.engine

    def count(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_the_booklet_data_is_read_in_a_fixed_number_of_queries(conf):
    from planner.agenda import services as agenda
    from planner.delegates import services as delegates
    from planner.speeches import services as speeches

    services.save_settings(conf.meeting, {"sections": ["contents", "programme", "speakers", "delegates",
                                                       "practical"], "programme_source": "draft"}, user=conf.user)

    def build() -> None:
        db.session.expire_all()
        settings = services.settings_of(conf.meeting)
        builders.booklet_data(builders.BookletInput(conf.meeting, settings, conf.user))

    small = _count(build)
    for n in range(40):
        person = delegates.add_participant(conf.meeting, {"full_name": f"Nguyễn Văn Thêm {n}", "title": "Chuyên viên",
                                                          "delegation": f"Đoàn {n % 5}"}, allow_duplicate=True)
        item = agenda.create_item(conf.meeting, {"title": f"Tham luận số {n}", "kind": "contributed_speech",
                                                 "starts_at": local(2, "08:00"), "ends_at": local(2, "08:05"),
                                                 "presiding_ids": [person.public_id]}, user=conf.user)
        speeches.add_speech(item, {"participant_id": person.public_id}, user=conf.user)
    large = _count(build)
    assert large == small, f"{small} queries for the small meeting, {large} for the large one"


def test_a_deleted_meeting_takes_its_cached_files_and_logo_along(conf):
    import io

    import segno

    from planner.booklets import cache
    from planner.meetings import services as meetings

    png = io.BytesIO()
    segno.make("logo").save(png, kind="png", scale=4)
    services.save_logo(conf.meeting, png.getvalue(), "logo.png", user=conf.user)
    logo = services.logo_path(services.settings_of(conf.meeting))
    services.booklet_pdf(conf.meeting, conf.user)
    folder = cache.folder(services.storage(), conf.meeting.public_id)
    assert logo.is_file() and any(folder.iterdir())
    meetings.delete_meeting(conf.meeting)
    assert not folder.exists() and not logo.exists()


def test_a_replaced_logo_goes_once_committed_and_an_upload_rolled_back_leaves_no_file(conf):
    """The request commits after the service returns (or rolls back): a replaced logo file is removed once its
    replacement is committed, and the file of an upload whose change is rolled back is removed with it."""
    import io

    import segno

    from planner.core.db import atomic

    def png(text: str) -> bytes:
        out = io.BytesIO()
        segno.make(text).save(out, kind="png", scale=4)
        return out.getvalue()

    services.save_logo(conf.meeting, png("first"), "first.png", user=conf.user)
    first = services.logo_path(services.settings_of(conf.meeting))
    assert first.is_file()

    class Refused(Exception):
        pass

    with pytest.raises(Refused), atomic():  # as a request that fails after the upload was staged
        services.save_logo(conf.meeting, png("second"), "second.png", user=conf.user)
        staged = services.logo_path(services.settings_of(conf.meeting))
        assert staged.is_file() and staged != first
        raise Refused
    assert not staged.exists() and first.is_file()
    assert services.logo_path(services.settings_of(conf.meeting)) == first

    services.save_logo(conf.meeting, png("third"), "third.png", user=conf.user)
    third = services.logo_path(services.settings_of(conf.meeting))
    assert third.is_file() and third != first and not first.exists()
