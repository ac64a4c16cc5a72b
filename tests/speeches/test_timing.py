"""The speaking clock's arithmetic, pauses included, and the planned-against-actual totals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from planner.speeches import timing
from planner.speeches.timing import Clock, ClockError, TimeRow

T0 = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_a_clock_not_started_has_spoken_nothing():
    clock = Clock(allotted_seconds=300)
    assert timing.elapsed(clock, at(100)) == 0
    assert timing.remaining(clock, at(100)) == 300
    assert not clock.running and not clock.paused and not clock.ended


def test_elapsed_and_remaining_while_running():
    clock = timing.start(Clock(allotted_seconds=300), at(0))
    assert clock.running
    assert timing.elapsed(clock, at(90)) == 90
    assert timing.remaining(clock, at(90)) == 210
    assert timing.overrun(clock, at(90)) == 0


def test_pauses_do_not_count_as_speaking_time():
    clock = timing.start(Clock(allotted_seconds=300), at(0))
    clock = timing.pause(clock, at(60))
    assert clock.paused
    # While paused the clock stands still.
    assert timing.elapsed(clock, at(60)) == 60
    assert timing.elapsed(clock, at(200)) == 60
    clock = timing.resume(clock, at(100))
    assert clock.paused_seconds == 40 and clock.paused_at is None
    assert timing.elapsed(clock, at(130)) == 90
    # A second pause adds to the first.
    clock = timing.resume(timing.pause(clock, at(150)), at(170))
    assert clock.paused_seconds == 60
    assert timing.elapsed(clock, at(200)) == 140
    assert timing.remaining(clock, at(200)) == 160


def test_overrun_once_past_the_allotted_time():
    clock = timing.start(Clock(allotted_seconds=120), at(0))
    clock = timing.resume(timing.pause(clock, at(60)), at(90))
    assert timing.remaining(clock, at(150)) == 0
    assert timing.remaining(clock, at(170)) == -20
    assert timing.overrun(clock, at(170)) == 20
    stopped = timing.stop(clock, at(200))
    assert stopped.ended and timing.elapsed(stopped, at(10_000)) == 170
    assert timing.overrun(stopped, at(10_000)) == 50


def test_stopping_during_a_pause_ends_the_speech_when_the_pause_began():
    clock = timing.pause(timing.start(Clock(allotted_seconds=600), at(0)), at(240))
    stopped = timing.stop(clock, at(400))
    assert stopped.ended_at == at(240) and stopped.paused_at is None
    assert timing.elapsed(stopped, at(1000)) == 240


def test_without_an_allotted_time_there_is_no_remaining_time_and_no_overrun():
    clock = timing.start(Clock(), at(0))
    assert timing.remaining(clock, at(5000)) is None
    assert timing.overrun(clock, at(5000)) == 0
    assert timing.elapsed(clock, at(5000)) == 5000


@pytest.mark.parametrize(("action", "clock"), [
    (timing.start, Clock(started_at=T0)),
    (timing.pause, Clock()),
    (timing.pause, Clock(started_at=T0, paused_at=at(5))),
    (timing.resume, Clock(started_at=T0)),
    (timing.stop, Clock()),
    (timing.stop, Clock(started_at=T0, ended_at=at(5))),
])
def test_actions_that_do_not_fit_the_state_are_refused(action, clock):
    with pytest.raises(ClockError):
        action(clock, at(10))


def test_reset_forgets_the_start_but_keeps_the_allotted_time():
    clock = timing.reset(timing.start(Clock(allotted_seconds=300), at(0)))
    assert clock == Clock(allotted_seconds=300)


def test_a_clock_never_runs_backwards_when_the_server_clock_is_behind_the_start():
    clock = timing.start(Clock(allotted_seconds=60), at(10))
    assert timing.elapsed(clock, at(5)) == 0


@pytest.mark.parametrize(("seconds", "signed", "text"), [
    (300, False, "5:00"),
    (299.2, False, "5:00"),
    (59.01, False, "1:00"),
    (0, False, "0:00"),
    (-0.4, True, "+0:00"),
    (-83, True, "+1:23"),
    (-83, False, "-1:23"),
    (3725, False, "1:02:05"),
    (None, False, "–"),
])
def test_clock_text(seconds, signed, text):
    assert timing.clock_text(seconds, signed=signed) == text


def rows() -> list[TimeRow]:
    return [
        TimeRow("an", "Đoàn Hải Châu", "report", planned=600, actual=660, delivered=True),
        TimeRow("binh", "Đoàn Hải Châu", "discussion", planned=300, actual=240, delivered=True),
        TimeRow("cuong", "Đoàn Sơn Trà", "discussion", planned=300, actual=420, delivered=True),
        TimeRow("dung", "Đoàn Sơn Trà", "discussion", planned=300, actual=0, delivered=False),
        TimeRow("an", "Đoàn Hải Châu", "discussion", planned=0, actual=90, delivered=True),
    ]


def test_totals_per_delegation_sum_planned_and_actual_time():
    totals = {t.key: t for t in timing.by_delegation(rows())}
    hai_chau, son_tra = totals["Đoàn Hải Châu"], totals["Đoàn Sơn Trà"]
    assert (hai_chau.speeches, hai_chau.delivered, hai_chau.planned, hai_chau.actual) == (3, 3, 900, 990)
    assert hai_chau.difference == 90
    # A speech not delivered counts in the plan, not in the time spoken.
    assert (son_tra.speeches, son_tra.delivered, son_tra.planned, son_tra.actual) == (3 - 1, 1, 600, 420)
    # Over or under time is measured on what was delivered: 420 spoken against 300 planned.
    assert son_tra.difference == 120


def test_totals_per_speaker_and_per_item():
    speakers = {t.key: (t.planned, t.actual) for t in timing.by_speaker(rows())}
    assert speakers == {"an": (600, 750), "binh": (300, 240), "cuong": (300, 420), "dung": (300, 0)}
    items = {t.key: (t.speeches, t.planned, t.actual) for t in timing.by_item(rows())}
    assert items == {"report": (1, 600, 660), "discussion": (4, 900, 750)}
