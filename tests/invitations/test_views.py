"""The invitations page of staff: the personal links (copied, rotated, revoked, printed) and who may see it."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from tests.invitations.scene import make_scene


@pytest.fixture
def scene(app):
    return make_scene(app)


def test_staff_see_copy_rotate_and_revoke_links(client, scene):
    secret = scene.link("An")
    client.login(scene.email)
    url = f"/meetings/{scene.meeting_id}/invitations"
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"/d/{secret}" in html                     # the link can be copied
    assert "Nguyễn Văn An" in html and "Trần Thị Bình" in html
    response = client.post_form(f"{url}/{scene.people['An']}/link")
    assert response.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert f"/d/{secret}" not in html
    assert client.get(f"/d/{secret}").status_code == 404
    new = re.search(r"/d/(d_[A-Za-z0-9_-]{43})", html).group(1)
    assert client.get(f"/d/{new}").status_code == 200
    client.post_form(f"{url}/{scene.people['An']}/revoke")
    assert client.get(f"/d/{new}").status_code == 404


def test_printing_links_makes_the_missing_ones_for_those_without_email(client, scene):
    client.login(scene.email)
    url = f"/meetings/{scene.meeting_id}/invitations"
    response = client.post_form(f"{url}/links", {"which": "no_email"})
    assert response.status_code == 302
    # Without a public base URL nothing addressable is printed, and the sheet says why.
    client.application.config["PUBLIC_BASE_URL"] = ""
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "PUBLIC_BASE_URL" in html and "/d/d_" not in html and "<svg" not in html
    client.application.config["PUBLIC_BASE_URL"] = "https://hop.example.gov.vn/planner"
    try:
        html = client.get(response.headers["Location"], base_url="http://localhost:8000").get_data(as_text=True)
        # Printing again shows the same links: nothing printed earlier stops working.
        again = client.get(response.headers["Location"]).get_data(as_text=True)
    finally:
        client.application.config["PUBLIC_BASE_URL"] = ""
    assert "Lê Quốc Cường" in html and "Phạm Minh Dũng" in html
    assert "Nguyễn Văn An" not in html                 # has an e-mail address
    secrets = re.findall(r"https://hop\.example\.gov\.vn/planner/d/(d_[A-Za-z0-9_-]{43})", html)
    assert len(set(secrets)) == 2 and html.count("<svg") == 2 and "localhost:8000" not in html
    assert set(re.findall(r"/d/(d_[A-Za-z0-9_-]{43})", again)) == set(secrets)


def test_the_invitations_page_is_for_organizers(client, factory, scene):
    viewer = factory.user(SimpleNamespace(id=scene.org_id), role="viewer", clearance="secret")
    client.login(viewer.email)
    assert client.get(f"/meetings/{scene.meeting_id}/invitations").status_code == 403
    assert client.get(f"/meetings/{scene.meeting_id}/door").status_code == 403
