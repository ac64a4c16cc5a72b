"""The feeds as a calendar app sees them: plain URLs, iCalendar parsed with the icalendar library,
conditional GET, tokens, and what each reader may see."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import recurring_ical_events
from sqlalchemy import select

from planner.extensions import db
from tests.calendars.conftest import HCM, MONDAY, events, parse, uid, utc


def conference_with_agenda(scene):
    """A published conference: a plenary opening, two parallel items, a break; released as version 1."""
    m = scene.conference()
    an = scene.delegate(m, "Nguyễn Văn An", honorific="đồng chí")
    binh = scene.delegate(m, "Trần Thị Bình")
    ids = {
        "opening": scene.item(m, "Khai mạc hội nghị", "08:00", "08:30", room="Hội trường A", presiding=(an,),
                              kind="opening"),
        "report_a": scene.item(m, "Báo cáo tổng kết", "08:30", "09:30", room="Hội trường A"),
        "report_b": scene.item(m, "Thảo luận tổ", "08:30", "09:30", room="Phòng họp B", kind="discussion"),
        "break": scene.item(m, "Giải lao", "09:30", "09:45", kind="break"),
    }
    scene.speech(ids["report_a"], binh)
    scene.publish(m)
    return m, an, binh, ids


def test_public_feed_shows_the_published_programme_in_utc(app, scene, client):
    m, _an, _binh, ids = conference_with_agenda(scene)
    response = client.get(f"/feeds/public/{scene.public_code(m)}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["ETag"].startswith('"') and response.headers["Last-Modified"]
    assert "no-cache" in response.headers["Cache-Control"]
    cal = parse(response.data)
    assert cal["X-WR-CALNAME"] == "Hội nghị tổng kết công tác năm 2026"
    assert cal["X-WR-TIMEZONE"] == "Asia/Ho_Chi_Minh"
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in response.text and "X-PUBLISHED-TTL:PT1H" in response.text
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]
    found = events(response.data)
    assert set(found) == {uid(i) for i in ids.values()}
    opening = found[uid(ids["opening"])]
    assert utc(opening) == datetime(2026, 12, 3, 1, 0, tzinfo=UTC)       # 08:00 in Hà Nội time is 01:00 UTC
    assert utc(opening, "dtend") == datetime(2026, 12, 3, 1, 30, tzinfo=UTC)
    assert opening["LOCATION"] == "Hội trường A, Trung tâm Hội nghị tỉnh"
    assert opening["SUMMARY"] == "Khai mạc hội nghị"
    assert opening["SEQUENCE"] == 0 and opening["STATUS"] == "CONFIRMED"
    assert "Chủ trì: Nguyễn Văn An" in str(opening["DESCRIPTION"])
    assert str(opening["URL"]).endswith(f"/p/{scene.public_code(m)}")
    assert opening.get("CATEGORIES").cats == ["Khai mạc"]
    assert "Phát biểu: Trần Thị Bình" in str(found[uid(ids["report_a"])]["DESCRIPTION"])
    with app.test_request_context():
        from planner.agenda.models import AgendaRelease

        release = db.session.scalar(select(AgendaRelease))
        assert opening.decoded("DTSTAMP") == release.created_at.replace(microsecond=0)
        assert opening.decoded("LAST-MODIFIED") == release.created_at.replace(microsecond=0)


def test_unchanged_feed_is_byte_identical_and_answers_304(scene, client):
    m, *_ = conference_with_agenda(scene)
    url = f"/feeds/public/{scene.public_code(m)}.ics"
    first = client.get(url)
    second = client.get(url)
    assert first.data == second.data and first.headers["ETag"] == second.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    since = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304


def test_304_runs_two_small_queries_and_builds_nothing(scene, client, queries, monkeypatch):
    m, *_ = conference_with_agenda(scene)
    path = scene.meeting_feed(m)
    etag = client.get(path).headers["ETag"]
    from planner.calendars import services

    def boom(*_a, **_k):
        raise AssertionError("built a feed for a 304")

    monkeypatch.setattr(services, "build", boom)
    for url in (path, f"/feeds/public/{scene.public_code(m)}.ics"):
        counter = queries()
        with counter:
            response = client.get(url, headers={"If-None-Match": etag})
        assert response.status_code == 304 or url.startswith("/feeds/public")
        assert counter.count <= 2, counter.statements


def test_retimed_item_keeps_its_uid_with_a_higher_sequence_and_cancelled_stays(app, scene, client):
    m, _an, _binh, ids = conference_with_agenda(scene)
    url = scene.meeting_feed(m)
    before = client.get(url)
    scene.update_item(ids["break"], starts_at=datetime(2026, 12, 3, 9, 40), ends_at=datetime(2026, 12, 3, 10, 0))
    scene.update_item(ids["report_b"], status="cancelled")
    unpublished = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert unpublished.status_code == 304          # the feed shows the published agenda only
    scene.publish(m)
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    old, new = events(before.data), events(after.data)
    moved = new[uid(ids["break"])]
    assert utc(moved) == datetime(2026, 12, 3, 2, 40, tzinfo=UTC)
    assert moved["SEQUENCE"] > old[uid(ids["break"])]["SEQUENCE"]
    with app.test_request_context():
        from planner.agenda.models import AgendaRelease

        stamps = {r.number: r.created_at.replace(microsecond=0) for r in db.session.scalars(select(AgendaRelease))}
    assert moved.decoded("LAST-MODIFIED") == moved.decoded("DTSTAMP") == stamps[2]
    assert new[uid(ids["opening"])].decoded("DTSTAMP") == stamps[1]
    cancelled = new[uid(ids["report_b"])]
    assert cancelled["STATUS"] == "CANCELLED" and cancelled["SEQUENCE"] == 1
    untouched = new[uid(ids["opening"])]
    assert untouched["SEQUENCE"] == 0
    assert untouched.to_ical() == old[uid(ids["opening"])].to_ical()   # DTSTAMP from its own release


def test_unknown_revoked_and_mistyped_tokens_answer_404_with_nothing(scene, client, app):
    m, *_ = conference_with_agenda(scene)
    path = scene.meeting_feed(m, label="Báo chí")
    assert client.get(path).status_code == 200
    secret = path.removeprefix("/feeds/m/").removesuffix(".ics")
    for url in (f"/feeds/p/{secret}.ics", f"/feeds/u/{secret}.ics", "/feeds/m/f_unknown.ics",
                "/feeds/public/nothing.ics", "/feeds/m/" + "x" * 300 + ".ics"):
        response = client.get(url)
        assert response.status_code == 404 and response.data == b"", url
    with app.test_request_context():
        from planner.calendars import services
        from planner.calendars.models import FeedToken

        token = db.session.scalar(select(FeedToken))
        assert token.token_hash != secret and secret not in (token.hint * 10)
        services.revoke(token)
    gone = client.get(path)
    assert gone.status_code == 404 and gone.data == b""


def test_draft_and_classified_meetings_have_no_public_feed(scene, client):
    m, *_ = conference_with_agenda(scene)
    code = scene.public_code(m)
    scene.set_meeting(m, status="draft")
    assert client.get(f"/feeds/public/{code}.ics").status_code == 404
    scene.set_meeting(m, status="published", classification="confidential")
    assert client.get(f"/feeds/public/{code}.ics").status_code == 404


def test_internal_items_only_in_staff_feeds(scene, client):
    m = scene.conference()
    plain = scene.item(m, "Khai mạc", "08:00", "08:30")
    internal = scene.item(m, "Họp Ban tổ chức", "07:00", "07:30", classification="internal")
    scene.publish(m)
    delegates = events(client.get(scene.meeting_feed(m)).data)
    assert uid(plain) in delegates and uid(internal) not in delegates
    assert uid(internal) not in events(client.get(f"/feeds/public/{scene.public_code(m)}.ics").data)
    client.login(scene.email)
    staff = client.get(f"/meetings/{m}/calendar.ics")
    assert staff.status_code == 200 and "attachment" in staff.headers["Content-Disposition"]
    assert parse(staff.data)["METHOD"] == "PUBLISH"
    found = events(staff.data)
    assert str(found[uid(internal)]["CLASS"]) == "PRIVATE" and uid(plain) in found


def test_classified_items_are_withheld_or_left_out_by_setting(scene, client):
    m = scene.conference()
    an = scene.delegate(m, "Nguyễn Văn An")
    secret_item = scene.item(m, "Quyết định nhân sự", "10:00", "11:00", room="Phòng họp B", presiding=(an,),
                             classification="secret", description="Danh sách đề cử")
    scene.item(m, "Khai mạc", "08:00", "08:30")
    scene.publish(m)
    url = scene.meeting_feed(m)
    raw = client.get(url).data
    withheld = events(raw)[uid(secret_item)]
    assert withheld["SUMMARY"] == "Cuộc họp (mật)"
    assert str(withheld["CLASS"]) == "CONFIDENTIAL"
    for name in ("LOCATION", "DESCRIPTION", "CATEGORIES", "URL"):
        assert name not in withheld
    assert utc(withheld) == datetime(2026, 12, 3, 3, 0, tzinfo=UTC)
    for secret_text in ("Quyết định nhân sự", "Danh sách đề cử", "Nguyễn Văn An", "Phòng họp B"):
        assert secret_text not in raw.decode()
    scene.settings(classified="omit")
    omitted = client.get(url)
    assert omitted.status_code == 200 and uid(secret_item) not in events(omitted.data)
    # the staff feed of a user cleared for it withholds as well: no classified content in any feed
    scene.settings(classified="withhold")
    staff = client.get(scene.user_feed())
    assert "Quyết định nhân sự" not in staff.text


def test_a_classified_meeting_shows_nothing_but_that_it_takes_place(scene, client):
    m = scene.conference(classification="confidential", title="Hội nghị Ban Thường vụ về công tác cán bộ")
    scene.item(m, "Khai mạc", "08:00", "08:30")
    scene.publish(m)
    raw = client.get(scene.meeting_feed(m)).data
    cal = parse(raw)
    assert cal["X-WR-CALNAME"] == "Cuộc họp (mật)"
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["Cuộc họp (mật)"]
    assert "công tác cán bộ" not in raw.decode() and "Khai mạc" not in raw.decode()


def test_personal_feed_shows_plenary_items_and_the_delegates_own(scene, client):
    _m, an, binh, ids = conference_with_agenda(scene)
    other = scene.conference(title="Hội thảo chuyên đề", starts_on=date(2026, 12, 10), ends_on=date(2026, 12, 10))
    scene.delegate(other, "Trần Thị Bình")                   # the same person, another meeting
    scene.item(other, "Khai mạc hội thảo", "08:00", "08:30")
    scene.publish(other)
    found = events(client.get(scene.personal_feed(binh)).data)
    # plenary (opening, break), her speech (report_a); not the parallel discussion she has nothing to do with
    assert {uid(ids["opening"]), uid(ids["break"]), uid(ids["report_a"])} <= set(found)
    assert uid(ids["report_b"]) not in found
    assert any(str(e["SUMMARY"]) == "Khai mạc hội thảo" for e in found.values())
    assert str(found[uid(ids["report_a"])]["DESCRIPTION"]).startswith("Hội nghị tổng kết công tác năm 2026")
    cal = parse(client.get(scene.personal_feed(an)).data)
    assert cal["X-WR-CALNAME"] == "Lịch họp của Nguyễn Văn An"
    assert uid(ids["report_a"]) not in {str(e["UID"]) for e in cal.walk("VEVENT")}


def test_personal_feed_follows_a_new_speech_without_a_release(scene, client):
    _m, an, _binh, ids = conference_with_agenda(scene)
    url = scene.personal_feed(an)
    first = client.get(url)
    assert uid(ids["report_b"]) not in events(first.data)
    scene.speech(ids["report_b"], an)
    second = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and uid(ids["report_b"]) in events(second.data)


def test_a_meeting_without_a_release_is_one_event(scene, client):
    m = scene.conference(start_time=time(8, 0), end_time=time(17, 0), starts_on=date(2026, 12, 3),
                         ends_on=date(2026, 12, 3))
    found = events(client.get(scene.meeting_feed(m)).data)
    assert list(found) == [f"meeting-{m}@planner"]
    ev = found[f"meeting-{m}@planner"]
    assert utc(ev) == datetime(2026, 12, 3, 1, 0, tzinfo=UTC) and utc(ev, "dtend") == datetime(2026, 12, 3, 10, 0,
                                                                                                 tzinfo=UTC)
    assert ev["CATEGORIES"].cats == ["Hội nghị"]


def test_organization_feed_has_the_weekly_briefing_with_a_cancelled_and_a_moved_occurrence(scene, client):
    briefing = scene.briefing()
    scene.cancel_occurrence(briefing, date(2026, 11, 9))
    scene.move_occurrence(briefing, date(2026, 11, 16), new_date=date(2026, 11, 17), new_start_time=time(14, 0),
                          new_end_time=time(16, 0), new_venue="Hội trường lớn")
    scene.conference(classification="secret", title="Hội nghị mật")
    response = client.get(scene.user_feed())
    assert response.status_code == 200
    cal = parse(response.data)
    series = events(response.data)[f"meeting-{briefing}@planner"]
    assert str(series["RRULE"].to_ical().decode()) == "FREQ=WEEKLY;COUNT=5;BYDAY=MO"
    assert "EXDATE;TZID=Asia/Ho_Chi_Minh:20261109T080000" in response.text
    assert "RECURRENCE-ID;TZID=Asia/Ho_Chi_Minh:20261116T080000" in response.text
    occurrences = recurring_ical_events.of(cal).between(date(2026, 11, 1), date(2026, 12, 31))
    briefings = sorted((e.decoded("dtstart").astimezone(HCM).strftime("%Y-%m-%d %H:%M"), str(e.get("LOCATION")))
                       for e in occurrences if str(e["UID"]) == f"meeting-{briefing}@planner")
    assert briefings == [("2026-11-02 08:00", "Phòng họp số 1, Tam Kỳ"), ("2026-11-17 14:00", "Hội trường lớn, Tam Kỳ"),
                         ("2026-11-23 08:00", "Phòng họp số 1, Tam Kỳ"), ("2026-11-30 08:00", "Phòng họp số 1, Tam Kỳ")]
    assert "Hội nghị mật" not in response.text and "Cuộc họp (mật)" in response.text


def test_organization_feed_changes_with_occurrences_and_ends_with_the_membership(scene, client, app):
    briefing = scene.briefing()
    url = scene.user_feed()
    first = client.get(url)
    scene.cancel_occurrence(briefing, MONDAY)
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and "EXDATE" in changed.text
    with app.test_request_context():
        from planner.accounts.models import Membership

        db.session.execute(Membership.__table__.delete())
        db.session.commit()
    assert client.get(url).status_code == 404


def test_other_time_zone_converts_right(app, factory, client):
    from tests.calendars.conftest import Scene

    berlin = Scene(app, factory, timezone="Europe/Berlin")
    m = berlin.conference(timezone="Europe/Berlin")
    item = berlin.item(m, "Eröffnung", "09:00", "10:00")
    berlin.publish(m)
    raw = client.get(berlin.meeting_feed(m)).data
    assert [tz["TZID"] for tz in parse(raw).walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert utc(events(raw)[uid(item)]) == datetime(2026, 12, 3, 8, 0, tzinfo=UTC)   # CET is UTC+1 in December
    assert "DTSTART;TZID=Europe/Berlin:20261203T090000" in raw.decode()


def test_last_polled_is_written_at_most_once_a_minute(scene, client, app, queries):
    m, *_ = conference_with_agenda(scene)
    path = scene.meeting_feed(m)
    client.get(path)
    with app.test_request_context():
        from planner.calendars.models import FeedToken

        first = db.session.scalar(select(FeedToken.last_polled_at))
    assert first is not None
    counter = queries()
    with counter:
        client.get(path)
    assert not any(s.lstrip().upper().startswith("UPDATE") for s in counter.statements)
    with app.test_request_context():
        assert db.session.scalar(select(FeedToken.last_polled_at)) == first


def test_a_feed_runs_the_same_number_of_queries_whatever_the_size(scene, client, queries):
    counts = []
    for n in (3, 30):
        m = scene.conference(title=f"Hội nghị {n}")
        people = [scene.delegate(m, f"Nguyễn Văn Người{i}") for i in range(3)]
        for i in range(n):
            start = f"{7 + (i * 10) // 60:02d}:{(i * 10) % 60:02d}"
            end = f"{7 + (i * 10 + 10) // 60:02d}:{(i * 10 + 10) % 60:02d}"
            item = scene.item(m, f"Mục {i}", start, end, presiding=(people[i % 3],))
            if i % 2:
                scene.speech(item, people[(i + 1) % 3])
        scene.publish(m)
        urls = [scene.meeting_feed(m), scene.personal_feed(people[0])]
        for url in urls:
            client.get(url)   # the first poll writes last-polled: not counted below
        row = []
        for url in urls:
            counter = queries()
            with counter:
                assert client.get(url).status_code == 200
            row.append(counter.count)
        counts.append(row)
    assert counts[0] == counts[1], counts
    assert max(counts[0]) <= 8, counts


def test_an_internal_meetings_secret_feed_shows_its_items(scene, client):
    m = scene.conference(classification="internal", title="Giao ban nội bộ")
    item = scene.item(m, "Đánh giá công tác tuần", "08:00", "09:00")
    staff_only = scene.item(m, "Chuẩn bị của Văn phòng", "07:00", "07:30", classification="internal")
    scene.publish(m)
    found = events(client.get(scene.meeting_feed(m)).data)
    assert uid(item) in found and uid(staff_only) not in found
