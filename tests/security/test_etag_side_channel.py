"""An ETag is derived only from what its reader may see: editing only a classified item (or a speech on
it) leaves unchanged the ETag that a reader without its clearance gets for every file of the meeting
(every exporter of the registry, web and API alike), while a cleared reader's changes with the content."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from planner.core import exports
from planner.extensions import db
from tests.security.scene import build

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

# Built anew and dated at every request (never answered 304): its ETag follows no content at all.
UNDATED = {"dossier.zip"}


def _etags(client, meeting_id: str, names: list[str]) -> dict[str, tuple[int, str | None]]:
    found = {}
    for name in names:
        response = client.get(f"/meetings/{meeting_id}/exports/{name}")
        found[name] = (response.status_code, response.headers.get("ETag"))
    return found


def _edit_classified_only(app, scene) -> None:
    from planner.accounts.models import User
    from planner.agenda import services as agenda
    from planner.agenda.models import AgendaItem
    from planner.speeches import services as speeches
    from planner.speeches.models import Speech

    with app.test_request_context():
        admin = db.session.get(User, scene.users["admin"].id)
        item = db.session.scalar(select(AgendaItem).where(AgendaItem.public_id == scene.classified_item_id))
        agenda.update_item(item, {"title": "Phương án nhân sự (dự thảo 2)", "description": "Sửa đổi"}, user=admin)
        speech = db.session.scalar(select(Speech).where(Speech.public_id == scene.classified_speech_id))
        speeches.update_speech(speech, {"title": "Ý kiến về nhân sự (bổ sung)"}, user=admin)


def test_editing_only_a_classified_item_changes_no_etag_an_uncleared_reader_gets(app, factory):
    scene = build(app, factory, logins=("admin", "uncleared", "viewer"))
    with app.app_context():
        names = [e.name for e in exports.exporters("meeting") if e.name not in UNDATED]
    meeting = scene.m.meeting_id   # unclassified, holding one confidential item with a speech on it
    uncleared = app.test_client()
    uncleared.login(scene.users["uncleared"].email)   # an admin cleared for internal content only
    cleared = app.test_client()
    cleared.login(scene.users["admin"].email)
    before = _etags(uncleared, meeting, names)
    assert before["programme.pdf"][0] == 200 and before["booklet.pdf"][0] == 200
    cleared_before = _etags(cleared, meeting, ["programme.pdf", "booklet.pdf"])

    _edit_classified_only(app, scene)

    after = _etags(uncleared, meeting, names)
    changed = [f"{name}: {before[name]} -> {after[name]}" for name in names
               if before[name][0] != after[name][0] or (before[name][0] == 200 and before[name][1] != after[name][1])]
    assert not changed, f"an edit of a classified item shows in what an uncleared reader gets: {changed}"
    for name in ("programme.pdf", "booklet.pdf"):   # and the client's copy is still current
        response = uncleared.get(f"/meetings/{meeting}/exports/{name}", headers={"If-None-Match": before[name][1]})
        assert response.status_code == 304, name
    cleared_after = _etags(cleared, meeting, ["programme.pdf", "booklet.pdf"])
    assert all(cleared_after[n][1] != cleared_before[n][1] for n in cleared_before), "a cleared reader's must change"


def test_the_api_twin_follows_the_same_rule(app, factory):
    scene = build(app, factory, logins=("admin",))
    client = app.test_client()
    headers = {"Authorization": f"Bearer {scene.tokens['uncleared']}"}
    url = f"/api/v1/meetings/{scene.m.meeting_id}/exports/programme.pdf"
    before = client.get(url, headers=headers)
    assert before.status_code == 200
    _edit_classified_only(app, scene)
    after = client.get(url, headers=headers)
    assert after.headers["ETag"] == before.headers["ETag"]
