"""The Dossier tab in a real Chromium: what goes in, then the build with its progress ending in a saved ZIP.
Screenshots go to tests/artifacts/."""

from __future__ import annotations

import hashlib
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select

from planner.extensions import db
from tests.archive.conftest import dossier_scene
from tests.conftest import PASSWORD
from tests.e2e.jobs import DESKTOP, desktop_and_phone, post_from_page
from tests.e2e.test_meetings import sign_in

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


# The job path: a meeting above DOSSIER_SYNC_LIMIT ---------------------------------------------------------

def _shots(page, screenshot, name: str) -> None:
    desktop_and_phone(page, screenshot, name, "section.dossier")


def test_a_big_dossier_is_built_by_a_job_the_tab_follows(app, page, factory, screenshot, tmp_path, held_jobs,
                                                         monkeypatch):
    from playwright.sync_api import expect

    monkeypatch.setitem(app.config, "DOSSIER_SYNC_LIMIT", 5)     # the scene's conference counts as big
    scene = dossier_scene(app, factory, logins=True)
    held_jobs.hold("archive.dossier")
    page.set_viewport_size(DESKTOP)
    sign_in(page, scene.organizer.email)
    tab = f"/meetings/{scene.meeting_id}/dossier"
    page.goto(tab)
    expect(page.locator(".dossier-build")).to_have_count(0)        # not the streamed build
    build = page.locator("form[action$='/dossier/build'] button[type=submit]")
    expect(build).to_have_text("Lập hồ sơ (ZIP)")

    # Asked for: the job waits for a worker, the tab says so.
    build.click()
    box = page.locator(".job")
    expect(box).to_have_attribute("data-state", "queued")
    expect(box.locator(".job-note")).to_contain_text("Trang này tự cập nhật")   # alive, not frozen
    expect(build).to_have_count(0)                                  # one job at a time
    [job] = held_jobs.jobs("archive.dossier")
    assert held_jobs.sent == [job.public_id] and job.total > 5
    _shots(page, screenshot, "dossier-job-queued")

    # A worker takes it: the box follows its progress without a reload.
    held_jobs.run(job.public_id, pause_at=3)
    assert held_jobs.paused.wait(120)
    expect(box).to_have_attribute("data-state", "running", timeout=20_000)
    expect(box.locator(".job-state")).to_contain_text(f"Đang chạy — 3/{job.total} tệp")
    expect(box.locator("progress")).to_have_attribute("value", "3")
    _shots(page, screenshot, "dossier-job-running")

    # Done: the page offers the file.
    held_jobs.finish()
    download_link = page.locator(".dossier-ready a[href$='/dossier/dossier.zip']")
    expect(download_link).to_be_visible(timeout=20_000)             # the box reloaded the page itself
    expect(page.locator(".dossier-done")).to_contain_text("Hồ sơ đã lập xong")
    _shots(page, screenshot, "dossier-job-done")
    with page.expect_download() as download:
        download_link.click()
    saved = tmp_path / "dossier.zip"
    download.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
    assert {"00-muc-luc-ho-so.pdf", "00-muc-luc-ho-so.json"} <= set(names)
    assert any(n.endswith("bien-ban.pdf") for n in names) and any(n.endswith("bien-ban.docx") for n in names)
    assert len([n for n in names if "phat-bieu" in n]) == 2          # the two speech texts, as uploaded
    first = hashlib.sha256(saved.read_bytes()).hexdigest()

    # Asked again for the unchanged meeting: the same file, from the cache, without a job.
    page.goto(tab)
    expect(download_link).to_be_visible()
    assert post_from_page(page, f"{tab}/build").status == 302
    assert len(held_jobs.jobs("archive.dossier")) == 1 and held_jobs.sent == [job.public_id]
    again = page.request.get(f"{tab}/dossier.zip")
    assert again.ok and hashlib.sha256(again.body()).hexdigest() == first

    # The meeting touched without a change to what the dossier holds: its version moved, so the tab asks for
    # a new build, whose files come out as before; the ZIP kept is the first one (by content hash).
    with app.app_context():
        meeting = scene.meeting()
        meeting.updated_at = meeting.updated_at + timedelta(seconds=1)
        db.session.commit()
    page.goto(tab)
    build.click()
    second = held_jobs.jobs("archive.dossier")[-1]
    assert second.public_id != job.public_id
    assert held_jobs.run_to_end(second.public_id) == "done"
    expect(download_link).to_be_visible(timeout=20_000)
    again = page.request.get(f"{tab}/dossier.zip")
    assert again.ok and hashlib.sha256(again.body()).hexdigest() == first
    assert held_jobs.jobs("archive.dossier")[-1].result == held_jobs.jobs("archive.dossier")[0].result


def test_a_failed_dossier_job_says_why_and_tries_again(app, page, factory, screenshot, held_jobs, monkeypatch):
    from playwright.sync_api import expect

    from planner.archive.services import building

    monkeypatch.setitem(app.config, "DOSSIER_SYNC_LIMIT", 5)
    scene = dossier_scene(app, factory, logins=True)
    held_jobs.hold("archive.dossier")
    real = building.write

    def full_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(building, "write", full_disk)
    page.set_viewport_size(DESKTOP)
    sign_in(page, scene.organizer.email)
    tab = f"/meetings/{scene.meeting_id}/dossier"
    page.goto(tab)
    page.locator("form[action$='/dossier/build'] button[type=submit]").click()
    [job] = held_jobs.jobs("archive.dossier")
    box = page.locator(".job")
    assert held_jobs.run_to_end(job.public_id) == "retrying"      # tried again by itself, after a while
    expect(box).to_have_attribute("data-state", "retrying", timeout=20_000)
    expect(box.locator(".job-note")).to_contain_text("sẽ tự thử lại")
    _shots(page, screenshot, "dossier-job-retrying")
    while held_jobs.run_to_end(job.public_id) == "retrying":
        pass
    # Failed for good: the page reloads by itself and offers to try again, saying why in the reader's words
    # (the technical detail after them, for the administrator).
    retry = box.locator(".job-retry button[type=submit]")
    expect(retry).to_be_visible(timeout=20_000)
    expect(box).to_have_attribute("data-state", "failed")
    expect(box.locator(".job-state")).to_contain_text("Không thành công")
    expect(box.locator(".job-error")).to_have_text(
        "Công việc bị dừng do lỗi kỹ thuật (thông tin cho quản trị viên: OSError: [Errno 28] No space left on "
        "device).")
    expect(box.locator(".job-note")).to_contain_text("hãy báo quản trị viên")
    _shots(page, screenshot, "dossier-job-failed")

    monkeypatch.setattr(building, "write", real)
    retry.click()
    second = held_jobs.jobs("archive.dossier")[-1]
    assert second.public_id != job.public_id
    held_jobs.run_to_end(second.public_id)
    expect(page.locator(".dossier-ready a[href$='/dossier/dossier.zip']")).to_be_visible(timeout=20_000)


def test_a_lower_clearance_organizer_is_refused_before_any_job(app, page, factory, screenshot, held_jobs,
                                                                monkeypatch):
    from playwright.sync_api import expect

    from planner.agenda.models import AgendaItem

    monkeypatch.setitem(app.config, "DOSSIER_SYNC_LIMIT", 5)
    scene = dossier_scene(app, factory, logins=True)
    held_jobs.hold("archive.dossier")
    lower = factory.user(scene.org, role="organizer", clearance="confidential", email="thap@example.vn")
    with app.app_context():        # one item of the unclassified meeting is secret: the minutes record it
        item = db.session.get(AgendaItem, db.session.scalar(
            select(AgendaItem.id).where(AgendaItem.public_id == scene.items["Giải lao"])))
        item.classification = "secret"
        db.session.commit()
    page.set_viewport_size(DESKTOP)
    sign_in(page, lower.email)
    tab = f"/meetings/{scene.meeting_id}/dossier"
    page.goto(tab)
    expect(page.locator(".dossier-refusal")).to_contain_text("người được tiếp cận mọi nội dung")
    expect(page.locator("form[action$='/dossier/build']")).to_have_count(0)
    expect(page.locator(".job")).to_have_count(0)
    _shots(page, screenshot, "dossier-job-refused")
    assert post_from_page(page, f"{tab}/build").status == 403
    assert page.request.get(f"{tab}/dossier.zip").status == 403
    assert held_jobs.jobs("archive.dossier") == [] and held_jobs.sent == []
