"""The Print tab and the downloads through the one exporter registry: permissions, ETags and 304,
the cached path's few queries, the audit of classified downloads, the forms."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from planner.booklets import services
from planner.extensions import db
from tests.booklets.conftest import Site, flat, needs_poppler, page_count, pdf_pages

NAMES = ("booklet.pdf", "booklet-folded.pdf", "badges.pdf", "place-cards.pdf", "seating-chart.pdf",
         "attendance-sheet.pdf")


@pytest.mark.parametrize("name", NAMES)
def test_every_document_downloads_with_an_etag_and_answers_304_when_current(client, site, name):
    client.login(site.email)
    response = client.get(site.export(name))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert response.headers["ETag"]
    assert response.headers["Content-Disposition"].startswith("inline;")
    again = client.get(site.export(name), headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and not again.data


def test_a_viewer_downloads_but_does_not_change(client, site):
    viewer = site.user("viewer", clearance="internal")
    client.login(viewer.email)
    assert client.get(site.export("booklet.pdf")).status_code == 200
    page = client.get(site.url("/print"))
    assert page.status_code == 200
    assert "Sửa chỗ ngồi" not in page.get_data(as_text=True)
    assert client.post_form(site.url("/print/booklet"), {"paper": "a4", "sections": ["programme"]}).status_code == 403
    assert client.post_form(site.url("/print/seating/assign")).status_code == 403
    assert client.post_form(site.url("/print/seating/seat"), {"participant": site.people["Võ Thị Ê"],
                                                               "seat": "A-1"}).status_code == 403


def test_another_organization_or_too_low_a_clearance_sees_nothing(client, app, factory):
    secret = Site(app, factory, classification="secret", title="Hội nghị Ban Thường vụ")
    low = secret.user("organizer", clearance="confidential")
    client.login(low.email)
    assert client.get(secret.export("booklet.pdf")).status_code == 404
    assert client.get(secret.url("/print")).status_code == 404
    client.logout()
    stranger = factory.user(factory.organization(name="Văn phòng UBND tỉnh"), role="admin", clearance="top_secret")
    client.login(stranger.email)
    assert client.get(secret.export("badges.pdf")).status_code == 404


def test_the_booklet_of_the_clearance_and_the_etag_differ_by_reader(client, site):
    client.login(site.email)
    cleared = client.get(site.export("booklet.pdf"))
    client.logout()
    viewer = site.user("viewer", clearance="none")
    client.login(viewer.email)
    plain = client.get(site.export("booklet.pdf"))
    assert cleared.headers["ETag"] != plain.headers["ETag"]
    assert len(cleared.data) != len(plain.data)


def test_a_classified_download_is_written_to_the_audit_log(client, app, factory):
    from planner.core.audit import AuditEntry

    secret = Site(app, factory, classification="confidential", title="Hội nghị mật")
    client.login(secret.email)
    for name in ("booklet.pdf", "badges.pdf"):
        assert client.get(secret.export(name)).status_code == 200
    assert client.get(secret.export("booklet.pdf")).status_code == 200   # from the cache: written too
    with app.app_context():
        # Written by the booklets (booklets.downloaded) or by the exporter registry for every meeting
        # file (export.downloaded), whichever holds the rule.
        entries = db.session.scalars(db.select(AuditEntry).where(
            AuditEntry.action.in_(("booklets.downloaded", "export.downloaded")))).all()
        assert sorted(e.summary for e in entries) == ["badges.pdf", "booklet.pdf", "booklet.pdf"]


def test_the_cached_booklet_is_answered_in_a_few_queries_without_building(client, site, app, monkeypatch):
    client.login(site.email)
    first = client.get(site.export("booklet.pdf"))
    assert first.status_code == 200
    monkeypatch.setattr(services.builders, "booklet_data", lambda *a, **k: pytest.fail("the data was built again"))
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        second = client.get(site.export("booklet.pdf"))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert second.status_code == 200 and second.data == first.data
    # The session's user, the organization, the meeting, the version statement (and the settings).
    assert len(statements) <= 8, statements


@needs_poppler
def test_badges_for_everyone_or_some_categories(client, site):
    client.login(site.email)
    everyone = client.get(site.export("badges.pdf"))
    text = "\n".join(pdf_pages(everyone.data))
    assert page_count(everyone.data) == 1
    for name in ("Nguyễn Văn Nên", "Phạm Minh Dũng", "Huỳnh Thị Hạnh", "Tô Huy Rứa"):
        assert name in text
    assert "LÃNH ĐẠO" in text and "ĐẠI BIỂU" in text and "BAN TỔ CHỨC" in text and "BÁO CHÍ" in text
    guests = client.get(site.export("badges.pdf") + "?category=guest&category=leader")
    text = "\n".join(pdf_pages(guests.data))
    assert "Lê Quốc Cường" in text and "Nguyễn Văn Nên" in text and "Phạm Minh Dũng" not in text
    assert guests.headers["ETag"] != everyone.headers["ETag"]
    one = client.get(site.export("badges.pdf") + f"?participant={site.people['Võ Thị Ê']}")
    assert "Võ Thị Ê" in pdf_pages(one.data)[0] and "Nguyễn Văn Nên" not in pdf_pages(one.data)[0]
    assert client.get(site.export("badges.pdf") + "?category=observer").status_code == 404


@needs_poppler
def test_badges_carry_the_badge_code_and_the_seat(client, site):
    from planner.delegates.models import Participant

    client.login(site.email)
    assert client.post_form(site.url("/print/seating/assign")).status_code == 302
    text = "\n".join(pdf_pages(client.get(site.export("badges.pdf")).data))
    with site.open():
        for p in db.session.scalars(db.select(Participant)).unique():
            assert f"{p.badge_code[:4]} {p.badge_code[4:]}" in text
            if p.seat:
                assert p.seat in text
        seats = {p.full_name: p.seat for p in db.session.scalars(db.select(Participant)).unique()}
    assert seats["Nguyễn Văn Nên"] == "CT-1" and seats["Trần Thị Bình"] == "CT-2"
    assert seats["Huỳnh Thị Hạnh"] == "" and seats["Tô Huy Rứa"] == ""


@needs_poppler
def test_place_cards_for_the_presidium_and_the_guests_read_from_both_sides(client, site):
    client.login(site.email)
    pdf = client.get(site.export("place-cards.pdf")).data
    pages = pdf_pages(pdf)
    assert page_count(pdf) == 3
    names = ["NGUYỄN VĂN NÊN", "TRẦN THỊ BÌNH", "LÊ QUỐC CƯỜNG"]
    for page, name in zip(pages, names, strict=True):
        assert flat(page).count(name) == 2, page   # the front, and the back turned upside down
    assert "PHẠM MINH DŨNG" not in "\n".join(pages)


@needs_poppler
def test_the_attendance_sheet_has_a_sheet_per_day_in_protocol_order(client, site):
    client.login(site.email)
    pdf = client.get(site.export("attendance-sheet.pdf")).data
    pages = pdf_pages(pdf)
    assert len(pages) == 2
    for page, day in zip(pages, ("03", "04"), strict=True):
        assert "DANH SÁCH ĐẠI BIỂU DỰ HỌP" in page and f"Tam Kỳ, ngày {day} tháng 12 năm 2026" in page
        assert "Ký tên" in page
        order = [page.index(n) for n in ("Nguyễn Văn Nên", "Trần Thị Bình", "Lê Quốc Cường", "Phạm Minh Dũng",
                                          "Đặng Văn Giang", "Võ Thị Ê")]
        assert order == sorted(order)
        assert "Huỳnh Thị Hạnh" not in page, "staff do not sign"
    one = client.get(site.export("attendance-sheet.pdf") + "?day=2026-12-04").data
    assert len(pdf_pages(one)) == 1 and "ngày 04 tháng 12" in pdf_pages(one)[0]
    assert client.get(site.export("attendance-sheet.pdf") + "?day=2026-12-09").status_code == 404
    assert client.get(site.export("attendance-sheet.pdf") + "?day=tomorrow").status_code == 404


def test_the_print_tab_links_every_document_and_the_programme_page(client, site):
    client.login(site.email)
    html = client.get(site.url("/print")).get_data(as_text=True)
    for name in NAMES:
        assert site.export(name) in html
    assert f"/meetings/{site.meeting_id}/programme" in html
    assert f"/meetings/{site.meeting_id}/participants/attendance-sheet" in html
    tabs = client.get(site.url("/print/booklet")).get_data(as_text=True)
    assert f'href="/meetings/{site.meeting_id}/print"' in tabs


def test_the_booklet_form_saves_and_shows_the_preview(client, site):
    client.login(site.email)
    page = client.get(site.url("/print/booklet"))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'class="booklet-pages"' in html
    response = client.post_form(site.url("/print/booklet"), {
        "paper": "a4", "sections": ["contents", "programme", "delegates"], "programme_source": "draft",
        "foreword": "", "foreword_signature": "", "practical_info": "", "version": ""})
    assert response.status_code == 302
    with site.open() as (meeting, _user):
        settings = services.settings_of(meeting)
        assert settings.paper.value == "a4" and settings.sections == ["contents", "programme", "delegates"]
        version = settings.version
    html = client.get(site.url("/print/booklet")).get_data(as_text=True)
    thumbnails = [part.split('"')[0] for part in html.split("/print/booklet/pages/")[1:]]
    assert thumbnails
    image = client.get(site.url(f"/print/booklet/pages/{thumbnails[0]}"))
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    assert client.get(site.url("/print/booklet/pages/..%2F..%2Fsecret.png")).status_code == 404
    # Another reader's booklet holds other content: its pages are not theirs to see.
    client.logout()
    client.login(site.user("viewer", clearance="none").email)
    assert client.get(site.url(f"/print/booklet/pages/{thumbnails[0]}")).status_code == 404
    client.logout()
    client.login(site.email)
    # A stale form: refused with a message, nothing lost.
    stale = client.post_form(site.url("/print/booklet"), {
        "paper": "a5", "sections": ["programme"], "programme_source": "draft", "version": str(version - 1)})
    assert stale.status_code == 409
    assert "Người khác vừa thay đổi" in stale.get_data(as_text=True)
    refused = client.post_form(site.url("/print/booklet"), {
        "paper": "a5", "sections": ["foreword"], "programme_source": "draft", "foreword": "", "version": str(version)})
    assert refused.status_code == 422
    assert "Hãy viết lời giới thiệu" in refused.get_data(as_text=True)


def test_the_logo_upload_refuses_what_is_not_an_image(client, site):
    import io

    client.login(site.email)
    response = client.post_form(site.url("/print/booklet/logo"), {"logo": (io.BytesIO(b"MZ\x90\x00 not a picture"),
                                                                          "logo.png")},
                                content_type="multipart/form-data", follow_redirects=True)
    assert "Chỉ nhận ảnh PNG, JPEG hoặc SVG" in response.get_data(as_text=True)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    response = client.post_form(site.url("/print/booklet/logo"), {"logo": (io.BytesIO(svg), "logo.svg")},
                                content_type="multipart/form-data", follow_redirects=True)
    assert "Đã lưu biểu trưng" in response.get_data(as_text=True)
    served = client.get(site.url("/print/booklet/logo"))
    assert served.status_code == 200 and served.mimetype == "image/svg+xml"
    assert "sandbox" in served.headers["Content-Security-Policy"]


def test_the_seating_editor_gives_out_seats_and_edits_one(client, site):
    client.login(site.email)
    page = client.get(site.url("/print/seating"))
    assert page.status_code == 200
    assert client.post_form(site.url("/print/seating"), {"rows": "2", "seats_per_row": "5", "presidium_size": "3",
                                                         "mode": "protocol", "version": ""}).status_code == 302
    assert client.post_form(site.url("/print/seating/assign")).status_code == 302
    html = client.get(site.url("/print/seating")).get_data(as_text=True)
    assert "Nguyễn Văn Nên" in html and "hall-grid" in html
    # A seat held by someone else: the two swap.
    moved = client.post_form(site.url("/print/seating/seat"), {"participant": site.people["Võ Thị Ê"], "seat": "a3"})
    assert moved.status_code == 302
    with site.open() as (meeting, _user):
        seats = {p.full_name: p.seat for p in services.chart_participants(meeting)}
    assert seats["Võ Thị Ê"] == "A-3" and seats["Lê Quốc Cường"] == "A-1"
    bad = client.post_form(site.url("/print/seating/seat"), {"participant": site.people["Võ Thị Ê"], "seat": "Z-99"})
    assert bad.status_code == 422 and "không có trong sơ đồ" in bad.get_data(as_text=True)
    bad = client.post_form(site.url("/print/seating/seat"), {"participant": site.people["Võ Thị Ê"], "seat": "ghế"})
    assert bad.status_code == 422 and "Hãy ghi ghế theo hàng và số" in bad.get_data(as_text=True)
    bad = client.post_form(site.url("/print/seating"), {"rows": "0", "seats_per_row": "5", "presidium_size": "3",
                                                        "mode": "protocol"})
    assert bad.status_code == 422
    # The delegates' API shows the seat given here.
    with site.open() as (meeting, _user):
        from planner.delegates import services as delegates

        participant = next(p for p in services.chart_participants(meeting) if p.full_name == "Võ Thị Ê")
        assert delegates.participant_data(participant)["seat"] == "A-3"


def test_the_seat_shows_on_the_delegates_own_page(client, site):
    from planner.invitations import services as invitations

    client.login(site.email)
    assert client.post_form(site.url("/print/seating/seat"), {"participant": site.people["Võ Thị Ê"],
                                                               "seat": "B-7"}).status_code == 302
    client.logout()
    with site.open() as (meeting, _user):
        participant = next(p for p in services.chart_participants(meeting) if p.full_name == "Võ Thị Ê")
        _link, secret = invitations.issue_link(participant)
    page = client.get(f"/d/{secret}").get_data(as_text=True)
    assert '<dd class="delegate-seat">B-7</dd>' in page


def test_the_api_serves_the_same_files(client, site, factory):
    from planner.accounts.models import User

    with site.open():
        user = db.session.get(User, site.user_id)
        ref = type("Ref", (), {"id": user.id, "organization_id": site.org_id})()
    token = factory.token(ref)
    response = client.get(f"/api/v1/meetings/{site.meeting_id}/exports/booklet.pdf",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")


def test_every_print_download_is_in_the_one_exporter_registry(app):
    from planner.core import exports

    for name in NAMES:
        found = exports.exporter("meeting", name)
        assert found is not None and found.media_type == "application/pdf" and found.inline, name


def test_the_printable_programme_page_has_its_print_stylesheet(client, site, app):
    import re
    from pathlib import Path

    client.login(site.email)
    html = client.get(site.url("/programme")).get_data(as_text=True)
    assert 'class="programme-page"' in html and 'class="programme"' in html
    assert "Báo cáo tình hình kinh tế - xã hội năm 2026" in html
    sheets = re.findall(r'<link rel="stylesheet" href="/static/css/([a-z]+)\.css', html)
    assert sheets[0] == "app" and "agenda" in sheets  # every page's sheet, then the agenda's own
    folder = Path(app.static_folder) / "css"
    css = (folder / "agenda.css").read_text(encoding="utf-8")
    # A print rule that lays the programme out on A4 without the screen's navigation.
    rules = [block for block in css.split("@media print")[1:] if "body.programme-page" in block.split("\n}\n")[0]]
    assert rules and "@page" in rules[0] and "size: A4" in rules[0]
    base = (folder / "app.css").read_text(encoding="utf-8")
    assert any(re.search(r"\.no-print[^{]*\{\s*display:\s*none", block.split("\n}\n")[0])
               for block in base.split("@media print")[1:])


@needs_poppler
def test_the_seating_chart_counts_only_those_who_are_to_sit(client, site):
    with site.open() as (meeting, user):
        services.save_plan(meeting, {"rows": 3, "seats_per_row": 6, "presidium_size": 3, "mode": "protocol"},
                           user=user)
        services.assign_seats(meeting, user=user)
    client.login(site.email)
    text = flat("\n".join(pdf_pages(client.get(site.export("seating-chart.pdf")).data)))
    # Six leaders, guests and delegates; the staff member and the reporter sit nowhere and are not missed.
    assert "6 trên 6 đại biểu đã có chỗ ngồi." in text


@needs_poppler
def test_a_long_name_on_a_place_card_shrinks_to_one_line_on_the_card(client, site):
    import subprocess

    with site.open() as (meeting, _user):
        from planner.delegates import services as delegates

        person = next(p for p in services.chart_participants(meeting) if p.full_name == "Nguyễn Văn Nên")
        delegates.update_participant(person, {"full_name": "Hoàng Minh Quang Hưởng"})
    client.login(site.email)
    pdf = client.get(site.export("place-cards.pdf")).data
    boxes = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", "-", "-"], input=pdf, capture_output=True,
                           check=True).stdout.decode()
    width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    words = [(float(x0), float(y0), float(x1), word) for x0, y0, x1, word in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)</word>', boxes)]
    name = [w for w in words if w[3] in ("HOÀNG", "MINH", "QUANG", "HƯỞNG")]
    assert len(name) == 8, "the front and the back"
    # Each face holds the name on one line (two heights: the back's and the front's), inside the card.
    assert len({round(y) for _, y, _, _ in name}) == 2, name
    assert all(x0 >= 0 and x1 <= width for x0, _, x1, _ in name)


@needs_poppler
def test_a_long_office_makes_its_row_of_the_attendance_sheet_taller(client, site):
    import subprocess

    long_title = ("Phó Chủ tịch Thường trực Hội đồng nhân dân tỉnh, Trưởng Ban Tổ chức Tỉnh ủy kiêm Giám đốc "
                  "Sở Nội vụ tỉnh Quảng Nam")
    with site.open() as (meeting, _user):
        from planner.delegates import services as delegates

        person = next(p for p in services.chart_participants(meeting) if p.full_name == "Trần Thị Bình")
        delegates.update_participant(person, {"title": long_title})
    client.login(site.email)
    pdf = client.get(site.export("attendance-sheet.pdf") + "?day=2026-12-03").data
    boxes = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    words = [(float(x0), float(y0), float(y1), word) for x0, y0, y1, word in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)</word>', boxes)]
    # Trần Thị Bình is number 2; her office runs over several lines between the numbers 2 and 3.
    numbers = {word: (y0 + y1) / 2 for x0, y0, y1, word in words if x0 < 110 and word.isdigit()}
    office = [(y0, y1) for x0, y0, y1, word in words if x0 > 200 and numbers["2"] - 40 < y0 < numbers["3"] + 40
              and word in ("Thường", "trực", "Trưởng", "kiêm", "Giám", "Nội", "vụ")]
    top, bottom = min(y0 for y0, _ in office), max(y1 for _, y1 in office)
    assert bottom - top > 30, "the office takes three lines or more"
    # The office stays within its row, clear of the rows above and below (whose numbers are centred).
    assert numbers["1"] + 10 < top and bottom < numbers["3"] - 10, (numbers, top, bottom)
