"""The Dossier tab in a real Chromium: what goes in, then the build with its progress ending in a saved ZIP.
Screenshots go to tests/artifacts/."""

from __future__ import annotations

import zipfile

import pytest

from tests.archive.conftest import dossier_scene
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_build_the_dossier_from_its_tab(app, page, live_server, factory, screenshot, tmp_path):
    from playwright.sync_api import expect

    scene = dossier_scene(app, factory, logins=True, notice=False)
    page.goto("/login")
    page.fill("input[name=email]", scene.organizer.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".main-nav")).to_be_visible()

    page.goto(f"/meetings/{scene.meeting_id}/dossier")
    expect(page.locator(".meeting-tabs a[aria-current=page]")).to_have_text("Hồ sơ")
    expect(page.locator(".dossier-build .dossier-button")).to_be_visible()
    expect(page.locator("table tbody tr .badge-warn")).to_have_count(2)  # the notice, PDF and Word
    screenshot("dossier-tab-desktop")

    with page.expect_download(timeout=120_000) as download:
        page.locator(".dossier-button").click()
    expect(page.locator(".dossier-status")).to_contain_text("Xong:", timeout=120_000)
    screenshot("dossier-tab-built")
    saved = tmp_path / "dossier.zip"
    download.value.save_as(saved)
    names = zipfile.ZipFile(saved).namelist()
    assert "00-muc-luc-ho-so.pdf" in names and "00-muc-luc-ho-so.json" in names
