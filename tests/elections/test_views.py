"""The elections pages: the tab, creating an election, the list, a round's tally with its refusals shown on
the page, closing, the downloads (ballots, counting minutes, reports) and signing them frozen."""

from __future__ import annotations

import re

import pytest

from planner.extensions import db
from tests.elections.conftest import make_congress


@pytest.fixture
def staff(app, committee):
    with app.test_request_context():
        congress = make_congress(delegates=12)
        committee(congress.delegates[10], congress.delegates[11])
        data = {"email": congress.user.email, "meeting": congress.meeting.public_id,
                "people": [p.public_id for p in congress.delegates]}
        db.session.remove()
    client = app.test_client()
    client.login(data["email"])
    return client, data


def _election_id(location: str) -> str:
    return re.search(r"/elections/([0-9a-f]{32})", location).group(1)


def test_an_election_through_the_pages(staff):
    client, data = staff
    base = f"/meetings/{data['meeting']}/elections"
    page = client.get(base)
    assert page.status_code == 200 and "Bầu cử" in page.text
    created = client.post_form(base, {"body": "executive_committee", "seats": "3",
                                      "title": "Ban Chấp hành Đảng bộ khóa XV"})
    assert created.status_code == 302
    url = created.headers["Location"]
    election_id = _election_id(url)
    for person in data["people"][:4]:
        added = client.post_form(f"{base}/{election_id}/candidates", {"participant_id": person,
                                                                      "nominated_by": "committee"})
        assert added.status_code == 302, added.text
    committee_member = client.post_form(f"{base}/{election_id}/candidates", {"participant_id": data["people"][10],
                                                                             "nominated_by": "committee"})
    assert committee_member.status_code == 422 and "Ban kiểm phiếu" in committee_member.text
    floor = client.post_form(f"{base}/{election_id}/candidates", {"participant_id": data["people"][5],
                                                                  "nominated_by": "floor", "agreeing": "3",
                                                                  "present": "12"})
    assert floor.status_code == 422 and "30%" in floor.text
    detail = client.get(url)
    assert detail.status_code == 200 and "4" in detail.text
    started = client.post_form(f"{base}/{election_id}/rounds")
    assert started.status_code == 302
    round_url = started.headers["Location"]
    round_page = client.get(round_url)
    assert round_page.status_code == 200, (round_url, round_page.text[-3000:])
    names = re.findall(r'name="votes-([0-9a-f]{32})"', round_page.text)
    version = re.search(r'name="version"[^>]*value="(\d+)"', round_page.text).group(1)
    bad = {"issued": "12", "returned": "13", "valid": "12", "invalid": "1", "version": version, "status": "",
           **{f"votes-{n}": "5" for n in names}}
    refused = client.post_form(round_url, bad)
    assert refused.status_code == 422 and "13" in refused.text
    good = {"issued": "12", "returned": "12", "valid": "12", "invalid": "0", "version": version, "status": "closed",
            **{f"votes-{n}": v for n, v in zip(names, ["11", "9", "8", "2"], strict=True)}}
    closed = client.post_form(round_url, good)
    assert closed.status_code == 302, re.findall(r"class=\"(?:error|flash[^\"]*)\"[^>]*>([^<]*)", closed.text)
    shown = client.get(round_url)
    assert shown.text.count("badge badge-ok") >= 3
    ballots = client.get(f"/meetings/{data['meeting']}/exports/ballots.pdf?election={election_id}")
    assert ballots.status_code == 200 and ballots.data.startswith(b"%PDF")
    round_id = round_url.rstrip("/").rsplit("/", 1)[1]
    minutes = client.get(f"/meetings/{data['meeting']}/exports/counting-minutes.pdf?round={round_id}")
    assert minutes.status_code == 200 and minutes.data.startswith(b"%PDF")
    docx = client.get(f"/meetings/{data['meeting']}/exports/counting-minutes.docx?round={round_id}")
    assert docx.status_code == 200 and docx.data.startswith(b"PK")
    signed = client.post_form(f"{round_url}/sign")
    assert signed.status_code == 302
    again = client.get(f"/meetings/{data['meeting']}/exports/counting-minutes.pdf?round={round_id}")
    assert again.data != minutes.data and again.data.startswith(b"%PDF")     # no longer DỰ THẢO: the record
    assert client.get(f"/meetings/{data['meeting']}/exports/counting-minutes.pdf?round={round_id}").data == again.data
    report = client.get(f"/meetings/{data['meeting']}/exports/election-report.pdf?election={election_id}")
    assert report.status_code == 200
    assert client.post_form(f"{base}/{election_id}/report/sign").status_code == 302
    credentials = client.get(f"/meetings/{data['meeting']}/exports/credentials-report.docx")
    assert credentials.status_code == 200 and credentials.data.startswith(b"PK")
    missing = client.get(f"/meetings/{data['meeting']}/exports/ballots.pdf")
    assert missing.status_code == 404


def test_a_viewer_reads_but_cannot_change(app, factory, committee):
    with app.test_request_context():
        congress = make_congress(delegates=2)
        viewer = factory.user(congress.org, role="viewer", clearance="secret")
        meeting = congress.meeting.public_id
        db.session.remove()
    client = app.test_client()
    client.login(viewer.email)
    assert client.get(f"/meetings/{meeting}/elections").status_code == 200
    assert client.post_form(f"/meetings/{meeting}/elections", {"body": "secretary", "seats": "1"}).status_code == 403
