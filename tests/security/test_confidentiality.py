"""Confidentiality: classified content — a meeting classified MẬT, and a MẬT item inside an unclassified
meeting — never reaches a reader without the clearance: no page, API answer, feed, delegate link, export
or search result carries it. Every classified title and description in the scene holds MARKER; each
answer is scanned for it, PDFs as text (pdftotext), DOCX/XLSX/ZIP by their XML and members.

The reader is an admin cleared only for internal content: every permission, no clearance. And each
download of classified content by a cleared user is written to the audit log."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import pytest
from sqlalchemy import select

from planner.core import exports
from planner.extensions import db
from tests.security.scene import DAY, MARKER, SecurityScene, build
from tests.security.test_authorization_matrix import _params

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdftotext) is not installed")

EXPORT_NAMES = ("programme.pdf", "booklet.pdf", "booklet-folded.pdf", "participants.xlsx", "participants.csv",
                "attendance-sheet.pdf", "badges.pdf", "place-cards.pdf", "seating-chart.pdf", "minutes.docx",
                "minutes.pdf", "notice.docx", "notice.pdf", "invitations.pdf", "invitations.docx", "calendar.ics",
                "dossier.zip")


def text_of(body: bytes, media_type: str = "") -> str:
    """What a reader of the file can see: the text of a PDF, the XML of an OOXML file, every member of a ZIP."""
    if body.startswith(b"%PDF"):
        return subprocess.run(["pdftotext", "-raw", "-", "-"], input=body, capture_output=True,
                              check=True).stdout.decode("utf-8", "replace")
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(text_of(archive.read(name)) + name for name in archive.namelist())
    return body.decode("utf-8", "replace")


def _leaks(body: bytes) -> bool:
    return MARKER in text_of(body) or MARKER.lower() in text_of(body).lower()


@pytest.fixture
def scene(app, factory) -> SecurityScene:
    return build(app, factory, logins=("admin", "uncleared"))


def _signed_in(app, scene: SecurityScene, role: str):
    client = app.test_client()
    client.login(scene.users[role].email)
    return client


def _get_urls(app, scene: SecurityScene, role: str, *, api: bool) -> list[str]:
    """Every GET route of the app (or of the API), filled with the published meeting's ids."""
    from flask import url_for

    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith("/api/") != api or rule.endpoint == "static":
            continue
        params = _params(scene, "viewer", rule.rule)   # the unclassified meeting M, whatever the role
        with app.test_request_context():
            urls.append(url_for(rule.endpoint, **{arg: params[arg] for arg in rule.arguments}))
        if rule.rule.endswith("/<any(minutes, notice):kind>/revisions"):
            with app.test_request_context():
                urls.append(url_for(rule.endpoint, **{**{a: params[a] for a in rule.arguments}, "kind": "notice"}))
    return urls


# (a search for the marker itself would find it echoed in the search box: search the title's words)
SEARCHES = ("/meetings?q=can+bo+chu+chot", "/meetings?q=cán+bộ+chủ+chốt", "/people?q=Thach",
            f"/meetings?from={DAY}&to={DAY}",
            f"/calendar/week?d={DAY}", f"/calendar/month?m={DAY:%Y-%m}", f"/calendar/week/print?d={DAY}",
            "/admin/audit", "/admin/audit?action=meeting.viewed", "/reports", "/")


@needs_poppler
def test_no_page_shows_classified_content_to_the_uncleared(app, scene):
    client = _signed_in(app, scene, "uncleared")
    leaked, seen = [], 0
    # the person page of a delegate of the classified meeting lists that person's meetings
    for url in [*_get_urls(app, scene, "uncleared", api=False), *SEARCHES, f"/people/{scene.c.person_id}"]:
        response = client.get(url)
        assert response.status_code < 500, f"{url}: {response.status_code}"
        seen += 1
        if _leaks(response.get_data()):
            leaked.append(url)
    assert seen > 60
    assert not leaked, f"classified content shown to a reader without clearance on: {leaked}"


@needs_poppler
def test_no_api_answer_shows_classified_content_to_the_uncleared(app, scene):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {scene.tokens['uncleared']}"}
    urls = [*_get_urls(app, scene, "uncleared", api=True), "/api/v1/meetings?q=" + MARKER,
            f"/api/v1/meetings?from={DAY}&to={DAY}", "/api/v1/meetings?limit=500",
            f"/api/v1/meetings/{scene.m.meeting_id}/participants?q={MARKER}"]
    # the API's download route is the web's (minutes.exports.send): every format is scanned on the web
    urls += [f"/api/v1/meetings/{scene.m.meeting_id}/exports/{name}" for name in
             ("programme.pdf", "minutes.docx", "participants.csv", "calendar.ics")]
    leaked = []
    for url in urls:
        response = client.get(url, headers=headers)
        assert response.status_code < 500, f"{url}: {response.status_code}"
        if _leaks(response.get_data()):
            leaked.append(url)
    assert not leaked, f"classified content in API answers to a token without clearance: {leaked}"


@needs_poppler
@pytest.mark.parametrize("name", EXPORT_NAMES)
def test_no_export_shows_classified_content_to_the_uncleared(app, scene, name):
    """Each format of the registry, for the unclassified meeting with its MẬT item: the uncleared reader's
    file leaves the item out; a cleared reader's file has it (so the scan can see it at all)."""
    if exports.exporter("meeting", name) is None:
        pytest.skip(f"{name} is not in the exporter registry yet")
    url = f"/meetings/{scene.m.meeting_id}/exports/{name}"
    uncleared = _signed_in(app, scene, "uncleared").get(url)
    assert uncleared.status_code in (200, 403, 404, 409), f"{name}: {uncleared.status_code}"
    if uncleared.status_code == 200:
        assert not _leaks(uncleared.get_data()), f"{name} shows the MẬT item to a reader without clearance"
    # the classified meeting itself: not found
    assert _signed_in(app, scene, "uncleared").get(f"/meetings/{scene.c.meeting_id}/exports/{name}").status_code \
        == 404


def test_a_classified_item_of_an_open_meeting_is_not_found_by_the_uncleared(app, scene):
    """Every route that names an agenda item or a speech, pointed at the MẬT item of the unclassified
    meeting (and a speech on it), answers 404 to the uncleared admin, on the web and in the API."""
    from flask import url_for

    web = _signed_in(app, scene, "uncleared")
    api = app.test_client()
    headers = {"Authorization": f"Bearer {scene.tokens['uncleared']}"}
    answers = {}
    for rule in app.url_map.iter_rules():
        if not ({"item_id", "speech_id"} & set(rule.arguments)) or rule.rule.startswith(("/feeds/", "/d/")):
            continue
        params = {**_params(scene, "viewer", rule.rule), "item_id": scene.classified_item_id,
                  "speech_id": scene.classified_speech_id}
        with app.test_request_context():
            url = url_for(rule.endpoint, **{arg: params[arg] for arg in rule.arguments})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if url.startswith("/api/"):
                response = api.open(url, method=method, headers=headers,
                                    json=None if method in ("GET", "DELETE") else {})
            elif method == "GET":
                response = web.get(url)
            else:
                response = web.open(url, method=method, data={"csrf_token": web.csrf_token()})
            status = response.status_code
            if status == 422 and url.startswith("/api/"):
                # the body is checked before the lookup: fine when a made-up item answers the same
                absent = url.replace(scene.classified_item_id, "0" * 32)
                status = 404 if api.open(absent, method=method, headers=headers, json={}).status_code == 422 else 422
            if status == 200 and rule.rule.endswith("calendar.ics") and not _leaks(response.get_data()):
                # a calendar shows at most that a closed item takes place, title withheld (DOMAIN.md)
                status = 404
            answers[f"{method} {rule.rule}"] = status
    assert len(answers) > 20
    wrong = {route: status for route, status in answers.items() if status != 404}
    assert not wrong, f"the uncleared admin reached the classified item through: {wrong}"


def _feed(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response.get_data()


def test_feeds_and_delegate_links_withhold_classified_content(app, scene):
    from planner.accounts.models import Organization, User
    from planner.calendars import services as calendars
    from planner.delegates.models import Participant

    with app.test_request_context():
        org = db.session.get(Organization, scene.users["uncleared"].organization_id)
        uncleared = db.session.get(User, scene.users["uncleared"].id)
        admin = db.session.get(User, scene.users["admin"].id)
        _t, uncleared_feed = calendars.issue_user_feed(uncleared, org)
        from planner.meetings import services as meetings

        c = meetings.get_meeting(org, scene.c.meeting_id, user=admin)
        _t, c_feed = calendars.issue_meeting_feed(c, user=admin)
        delegate = db.session.scalar(select(Participant).where(Participant.public_id == scene.c.participant_id))
        _t, c_personal = calendars.issue_personal_feed(delegate, user=admin)
    client = app.test_client()
    urls = {
        "the uncleared user's own feed": f"/feeds/u/{uncleared_feed}.ics",
        "the published meeting's secret feed": f"/feeds/m/{scene.meeting_feed}.ics",
        "the classified meeting's secret feed": f"/feeds/m/{c_feed}.ics",
        "a delegate's personal feed": f"/feeds/p/{scene.personal_feed}.ics",
        "a delegate of the classified meeting's feed": f"/feeds/p/{c_personal}.ics",
        "the public feed": f"/feeds/public/{scene.m.public_code}.ics",
        "the delegate link": f"/d/{scene.m.delegate_token}",
        "the classified meeting's delegate link": f"/d/{scene.classified_delegate_token}",
        "a classified consultation's member link": f"/c/{scene.c.consultation_token}",
        "its document through the link":
            f"/c/{scene.c.consultation_token}/documents/{scene.c.consultation_document_id}",
        "the public programme": f"/p/{scene.m.public_code}",
        "the hall display": f"/hall/{scene.hall_token}",
        "the hall display's state": f"/hall/{scene.hall_token}/state",
    }
    hidden = ("its document through the link",)
    assert client.get(urls["its document through the link"]).status_code == 404
    leaked = [what for what, url in urls.items() if what not in hidden and _leaks(_feed(client, url))]
    public_item = client.get(f"/feeds/public/{scene.m.public_code}/{scene.classified_item_id}.ics")
    assert public_item.status_code == 404 or not _leaks(public_item.get_data())
    assert not leaked, f"classified content in: {leaked}"


def test_the_scan_finds_the_marker_where_it_belongs(app, scene):
    """A cleared reader does see the classified titles: the scan above could find them."""
    client = _signed_in(app, scene, "admin")
    assert _leaks(client.get(f"/meetings/{scene.c.meeting_id}").get_data())
    assert _leaks(client.get(f"/meetings/{scene.m.meeting_id}/agenda").get_data())
    assert _leaks(client.get(f"/meetings/{scene.m.meeting_id}/minutes").get_data())


def _audit_count(app, action_like: str = "%") -> int:
    from planner.core.audit import AuditEntry

    with app.app_context():
        return len(db.session.scalars(select(AuditEntry).where(AuditEntry.action.like(action_like))).all())


def _entries(app, meeting_public_id: str) -> list:
    from planner.core.audit import AuditEntry
    from planner.meetings.models import Meeting

    with app.app_context():
        meeting_id = db.session.scalar(select(Meeting.id).where(Meeting.public_id == meeting_public_id))
        return [(e.action, e.summary, e.actor_label) for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.meeting_id == meeting_id).order_by(AuditEntry.id))]


@needs_poppler
@pytest.mark.parametrize("name", EXPORT_NAMES)
def test_each_download_of_classified_content_is_audited(app, scene, name):
    """A cleared user's download of the classified meeting's file, and of the unclassified meeting's file
    that holds its MẬT item, each write one audit entry naming the file and the reader."""
    if exports.exporter("meeting", name) is None:
        pytest.skip(f"{name} is not in the exporter registry yet")
    client = _signed_in(app, scene, "admin")
    for meeting_id in (scene.c.meeting_id, scene.m.meeting_id):
        before = _entries(app, meeting_id)
        response = client.get(f"/meetings/{meeting_id}/exports/{name}")
        if response.status_code != 200:
            assert response.status_code in (404, 409), f"{name}: {response.status_code}"
            continue
        response.get_data()
        new = _entries(app, meeting_id)[len(before):]
        downloads = [e for e in new if e[0] == "export.downloaded" and e[1] == name]
        assert len(downloads) == 1, f"{name} of {meeting_id}: audit entries {new}"
        assert downloads[0][2] == "admin@example.vn"


def test_views_of_classified_pages_are_audited(app, scene):
    client = _signed_in(app, scene, "admin")
    for path in ("", "/agenda", "/programme", "/speakers", "/minutes", "/participants"):
        before = _entries(app, scene.c.meeting_id)
        assert client.get(f"/meetings/{scene.c.meeting_id}{path}").status_code == 200
        new = _entries(app, scene.c.meeting_id)[len(before):]
        assert any(action.endswith(".viewed") for action, _s, _a in new), f"{path or '/'}: no audit entry ({new})"
    # the unclassified meeting with a MẬT item: the agenda page shows the item, and says so in the log
    before = _entries(app, scene.m.meeting_id)
    client.get(f"/meetings/{scene.m.meeting_id}/agenda")
    assert any(a.endswith(".viewed") for a, _s, _u in _entries(app, scene.m.meeting_id)[len(before):])
