"""Revalidation after deletions and SEQUENCE of a series' occurrences.

A client that sends If-Modified-Since alone (no If-None-Match) relies on Last-Modified: every change
that changes a feed's body must move it forward, deletions included (a deleted row leaves no time to
read). Time is controlled, not slept: the data is moved ten seconds into the past before the first fetch,
so that a change's own time is later than that Last-Modified at the header's one-second grain.

A series' SEQUENCE rises with every change of one of its occurrences (cancel, move, restore), and a
moved occurrence's RECURRENCE-ID override has a SEQUENCE that rises with each of its moves, read with
icalendar here and with ical.js in test_icaljs.py."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update

from planner.extensions import db
from tests.calendars.conftest import MONDAY, events

SERIES = "meeting-{}@planner"


def age(app, seconds: int = 10) -> None:
    """Move every stored time ``seconds`` into the past (the audit log's too, with a statement that the
    application's append-only guard does not see: only the test does this)."""
    with app.app_context():
        for table in db.metadata.sorted_tables:
            stamps = [c for c in table.columns if c.name in ("created_at", "updated_at")]
            keys = list(table.primary_key.columns)
            if not stamps or len(keys) != 1:
                continue
            for row in db.session.execute(select(keys[0], *stamps)).all():
                values = {c.name: v - timedelta(seconds=seconds) for c, v in zip(stamps, row[1:], strict=True)
                          if v is not None}
                if values:
                    db.session.execute(update(table).where(keys[0] == row[0]).values(**values))
        db.session.commit()


def revalidate(client, url: str, app):
    """Age the data, fetch, and answer a function that revalidates with If-Modified-Since alone."""
    age(app)
    first = client.get(url)
    assert first.status_code == 200
    since = first.headers["Last-Modified"]
    assert client.get(url, headers={"If-Modified-Since": since}).status_code == 304

    def again():
        return client.get(url, headers={"If-Modified-Since": since})
    return first, again


def conference_with_speech(scene):
    m = scene.conference()
    an = scene.delegate(m, "Nguyễn Văn An")
    binh = scene.delegate(m, "Trần Thị Bình")
    item = scene.item(m, "Báo cáo tổng kết", "08:30", "09:30", room="Hội trường A", presiding=(an,))
    speech = scene.speech(item, binh)
    scene.publish(m)
    return m, an, binh, item, speech


def test_a_deleted_speech_moves_last_modified(app, scene, client):
    m, _an, _binh, _item, speech = conference_with_speech(scene)
    url = f"/feeds/public/{scene.public_code(m)}.ics"
    first, again = revalidate(client, url, app)
    assert "Trần Thị Bình" in first.text
    with scene.open() as (org, user):
        from planner.speeches import services as speeches

        speeches.delete_speech(speeches.get_speech(org, speech, user=user), user=user)
    answer = again()
    assert answer.status_code == 200 and "Trần Thị Bình" not in answer.text
    assert client.get(url, headers={"If-Modified-Since": answer.headers["Last-Modified"]}).status_code == 304


def test_a_restored_occurrence_moves_last_modified_of_the_meeting_and_organization_feeds(app, scene, client):
    briefing = scene.briefing()
    scene.cancel_occurrence(briefing, date(2026, 11, 9))
    urls = [scene.meeting_feed(briefing), scene.user_feed()]
    checks = [revalidate(client, url, app) for url in urls]
    assert all("EXDATE" in first.text for first, _again in checks)
    with scene.open():
        from planner.meetings import services as meetings

        meetings.restore_occurrence(scene.meeting_row(briefing), date(2026, 11, 9))
    for _first, again in checks:
        answer = again()
        assert answer.status_code == 200 and "EXDATE" not in answer.text


def test_a_delegate_removed_from_a_meeting_moves_last_modified_of_their_personal_feed(app, scene, client):
    _m, _an, binh, *_ = conference_with_speech(scene)
    other = scene.conference(title="Hội thảo chuyên đề", starts_on=date(2026, 12, 10), ends_on=date(2026, 12, 10))
    there = scene.delegate(other, "Trần Thị Bình")             # the same person, another meeting
    scene.item(other, "Khai mạc hội thảo", "08:00", "08:30")
    scene.publish(other)
    first, again = revalidate(client, scene.personal_feed(binh), app)
    assert "Khai mạc hội thảo" in first.text
    with scene.open() as (org, user):
        from planner.delegates import services as delegates

        delegates.remove_participant(delegates.get_participant(org, there, user=user))
    answer = again()
    assert answer.status_code == 200 and "Khai mạc hội thảo" not in answer.text


def test_a_deleted_meeting_moves_last_modified_of_the_organization_feed(app, scene, client):
    scene.conference()                                           # stays: the feed keeps a Last-Modified
    draft = scene.conference(title="Hội nghị dự kiến", publish_status=False)
    first, again = revalidate(client, scene.user_feed(), app)
    assert "Hội nghị dự kiến" in first.text
    with scene.open():
        from planner.meetings import services as meetings

        meetings.delete_meeting(scene.meeting_row(draft))
    answer = again()
    assert answer.status_code == 200 and "Hội nghị dự kiến" not in answer.text


def test_a_meeting_back_in_draft_moves_last_modified_of_a_personal_feed(app, scene, client):
    _m, _an, binh, *_ = conference_with_speech(scene)
    other = scene.conference(title="Hội thảo chuyên đề", starts_on=date(2026, 12, 10), ends_on=date(2026, 12, 10))
    scene.delegate(other, "Trần Thị Bình")
    scene.item(other, "Khai mạc hội thảo", "08:00", "08:30")
    scene.publish(other)
    first, again = revalidate(client, scene.personal_feed(binh), app)
    assert "Khai mạc hội thảo" in first.text
    with scene.open():
        from planner.meetings import services as meetings

        meetings.set_status(scene.meeting_row(other), "draft")
    answer = again()
    assert answer.status_code == 200 and "Khai mạc hội thảo" not in answer.text


# SEQUENCE of a series and of its occurrences ------------------------------------------------------------

def _series(client, url: str, briefing: str):
    """The series' master and its overrides by original start (local time, ISO)."""
    found = events(client.get(url).data)
    uid = SERIES.format(briefing)
    overrides = {key.split("#", 1)[1]: ev for key, ev in found.items() if key.startswith(uid + "#")}
    return found[uid], overrides


def test_an_occurrence_moved_twice_has_a_higher_sequence_each_time(scene, client):
    briefing = scene.briefing()
    url = scene.user_feed()
    moved = "2026-11-16T08:00:00+07:00"
    scene.move_occurrence(briefing, date(2026, 11, 16), new_date=date(2026, 11, 17), new_start_time=time(14, 0),
                          new_end_time=time(16, 0))
    master_1, overrides_1 = _series(client, url, briefing)
    scene.move_occurrence(briefing, date(2026, 11, 16), new_date=date(2026, 11, 18), new_start_time=time(14, 0),
                          new_end_time=time(16, 0))
    master_2, overrides_2 = _series(client, url, briefing)
    assert overrides_2[moved].decoded("DTSTART").date() == date(2026, 11, 18)
    assert overrides_2[moved]["SEQUENCE"] > overrides_1[moved]["SEQUENCE"]
    # the override is never behind its series, nor is its LAST-MODIFIED behind the first move's
    assert overrides_2[moved]["SEQUENCE"] >= master_2["SEQUENCE"] >= master_1["SEQUENCE"]
    assert overrides_2[moved].decoded("LAST-MODIFIED") >= overrides_1[moved].decoded("LAST-MODIFIED")


def test_cancel_restore_and_move_again_keep_raising_the_sequences(scene, client):
    briefing = scene.briefing()
    url = scene.user_feed()
    day = date(2026, 11, 9)
    original = "2026-11-09T08:00:00+07:00"
    start, _ = _series(client, url, briefing)
    scene.cancel_occurrence(briefing, day)
    cancelled, _ = _series(client, url, briefing)
    assert cancelled["SEQUENCE"] > start["SEQUENCE"] and "EXDATE" in cancelled
    with scene.open():
        from planner.meetings import services as meetings

        meetings.restore_occurrence(scene.meeting_row(briefing), day)
    restored, overrides = _series(client, url, briefing)
    # the EXDATE is gone with a higher SEQUENCE and a LAST-MODIFIED not behind the cancellation's: a client
    # that keeps the copy with the higher SEQUENCE (or, equal, the later stamp) shows the occurrence again
    assert "EXDATE" not in restored and not overrides
    assert restored["SEQUENCE"] > cancelled["SEQUENCE"]
    assert restored.decoded("LAST-MODIFIED") >= cancelled.decoded("LAST-MODIFIED")
    scene.move_occurrence(briefing, day, new_date=day + timedelta(days=1))
    master, overrides = _series(client, url, briefing)
    assert overrides[original]["SEQUENCE"] > restored["SEQUENCE"]
    assert master["SEQUENCE"] > restored["SEQUENCE"]


def test_a_move_is_a_change_of_the_series_version(scene):
    """The series' version is what the feeds' SEQUENCE is made of; an unchanged occurrence changes nothing."""
    briefing = scene.briefing()
    with scene.open():
        before = scene.meeting_row(briefing).version
    scene.move_occurrence(briefing, MONDAY, new_date=None, new_start_time=time(9, 0), new_end_time=time(11, 0))
    scene.cancel_occurrence(briefing, date(2026, 11, 9))
    scene.cancel_occurrence(briefing, date(2026, 11, 9))          # already cancelled: nothing happens
    with scene.open():
        meeting = scene.meeting_row(briefing)
        assert meeting.version == before + 2
        assert meeting.updated_at <= datetime.now(meeting.updated_at.tzinfo)
