"""The programme booklet: its sections in order with Vietnamese text intact, a table of contents whose
page numbers are the pages, embedded fonts, the clearance rules, the mark on every page, the cache."""

from __future__ import annotations

import re
import subprocess

import pytest

from planner.booklets import services
from planner.booklets.models import Section
from tests.booklets.conftest import assert_in_order, flat, make_conference, needs_poppler, page_count, pdf_pages

ALL = [s.value for s in Section]
LINKS = [{"caption": "Trang hội nghị", "url": "https://planner.example.vn/p/abc123"}]
FOREWORD = "Kính gửi các đồng chí đại biểu.\n\nHội nghị diễn ra trong hai ngày, tại Hội trường Tỉnh ủy."
PRACTICAL = "- Xe đưa đón khởi hành lúc 6 giờ 30.\n- Liên hệ: đồng chí Huỳnh Thị Hạnh, 0235 3812 345."


def _everything(conf, paper: str = "a5") -> None:
    services.save_settings(conf.meeting, {"paper": paper, "sections": ALL, "programme_source": "draft",
                                          "foreword": FOREWORD, "foreword_signature": "BAN TỔ CHỨC",
                                          "practical_info": PRACTICAL}, user=conf.user)


def _booklet(conf, user=None) -> bytes:
    return services.booklet_pdf(conf.meeting, user or conf.user, links=LINKS)


@needs_poppler
@pytest.mark.parametrize("paper", ["a5", "a4"])
def test_the_booklet_holds_every_section_asked_for_in_order(conf, paper):
    _everything(conf, paper)
    text = "\n".join(pdf_pages(_booklet(conf)))
    assert_in_order(text, [
        # The cover.
        "ĐẢNG BỘ TỈNH QUẢNG NAM", "VĂN PHÒNG TỈNH ỦY QUẢNG NAM", "CHƯƠNG TRÌNH",
        "HỘI NGHỊ BAN CHẤP HÀNH ĐẢNG BỘ TỈNH LẦN THỨ MƯỜI HAI", "Hội trường Tỉnh ủy, Tam Kỳ",
        "Tam Kỳ, ngày 03 – 04 tháng 12 năm 2026",
        # Foreword, contents.
        "LỜI GIỚI THIỆU", "Kính gửi các đồng chí đại biểu.", "BAN TỔ CHỨC",
        "MỤC LỤC", "Lời giới thiệu", "Chương trình", "Danh sách đại biểu phát biểu", "Danh sách đại biểu",
        "Thông tin cần biết",
        # The programme, day by day, sessions with their presiding persons.
        "CHƯƠNG TRÌNH", "Thứ Năm, ngày 03 tháng 12 năm 2026", "STT", "Thời gian", "Nội dung", "Người thực hiện",
        "BUỔI SÁNG", "Phiên khai mạc", "Chủ trì: Nguyễn Văn Nên, Trần Thị Bình", "Hội trường lớn",
        "Chào cờ, tuyên bố lý do, giới thiệu đại biểu", "Báo cáo tình hình kinh tế - xã hội năm 2026",
        "Lê Quốc Cường", "Thảo luận tại hội trường", "Phòng họp số 2",
        "Thứ Sáu, ngày 04 tháng 12 năm 2026", "BUỔI CHIỀU", "Bế mạc hội nghị",
        # The speakers with title and unit, the unit once ("Bí thư Huyện ủy" of "Huyện ủy Đại Lộc").
        "DANH SÁCH ĐẠI BIỂU PHÁT BIỂU", "Lê Quốc Cường", "Chủ tịch UBND tỉnh", "Báo cáo kinh tế - xã hội",
        "Phạm Minh Dũng", "Bí thư Huyện ủy Đại Lộc", "Tham luận về xây dựng nông thôn mới",
        # The delegates by delegation in protocol order.
        "DANH SÁCH ĐẠI BIỂU", "Lãnh đạo", "Nguyễn Văn Nên", "Trần Thị Bình", "Khách mời", "Lê Quốc Cường",
        "Đoàn Đại Lộc", "Phạm Minh Dũng", "Võ Thị Ê", "Đoàn Hội An", "Đặng Văn Giang", "Báo chí", "Tô Huy Rứa",
        # Rooms, practical information, the QR codes' captions.
        "THÔNG TIN CẦN BIẾT", "Hội trường lớn", "Phòng họp số 2", "Xe đưa đón khởi hành lúc 6 giờ 30.",
        "Trang hội nghị", "https://planner.example.vn/p/abc123",
    ])
    # Staff sign nothing and sit nowhere: they are not on the delegate list.
    assert "Huỳnh Thị Hạnh - Chuyên viên" not in text and "Văn phòng Tỉnh ủy Chuyên viên" not in flat(text)


def _toc(pages: list[str]) -> tuple[int, list[tuple[str, int, int]]]:
    """The contents page's index and its entries: (title, page, level), level 2 being indented."""
    index = next(i for i, page in enumerate(pages) if "MỤC LỤC" in page)
    found = []
    for line in pages[index].splitlines():
        entry = re.match(r"^(\s*)(.+?)\s*(?:\.\s*){3,}\u2060?\s*(\d+)\s*$", line)
        if entry:
            found.append((len(entry.group(1)), entry.group(2).strip(), int(entry.group(3))))
    margin = min(indent for indent, _, _ in found)
    return index, [(title, number, 1 if indent == margin else 2) for indent, title, number in found]


def _heading_on(page: str, heading: str) -> bool:
    return any(line.strip() == heading for line in page.splitlines())


@needs_poppler
@pytest.mark.parametrize("paper", ["a5", "a4"])
def test_the_contents_page_numbers_are_the_pages_the_headings_are_on(conf, paper):
    _everything(conf, paper)
    pdf = _booklet(conf)
    pages = pdf_pages(pdf, layout=True)
    contents, entries = _toc(pages)
    titles = [title for title, _, _ in entries]
    assert titles[:2] == ["Lời giới thiệu", "Chương trình"] and "Thứ Năm, ngày 03 tháng 12 năm 2026" in titles
    assert len(entries) >= 8, entries
    assert {level for _, _, level in entries} == {1, 2}
    for title, number, level in entries:
        wanted = title.upper() if level == 1 else title   # the sections' headings are in capitals
        # The page whose heading line this is (the foreword comes before the contents) is the page named.
        found = next((n for n in range(1, len(pages) + 1)
                      if (n - 1 > contents or title == "Lời giới thiệu") and _heading_on(pages[n - 1], wanted)), None)
        assert found == number, f"{title!r}: the contents say page {number}, it is on page {found}"
        # The page shows its own number at the foot.
        assert pages[number - 1].strip().splitlines()[-1].strip() == str(number)


@needs_poppler
def test_an_a5_booklet_has_a_page_count_divisible_by_four(conf):
    _everything(conf, "a5")
    pdf = _booklet(conf)
    assert page_count(pdf) % 4 == 0
    services.save_settings(conf.meeting, {"sections": ["programme"]}, user=conf.user)
    assert page_count(_booklet(conf)) % 4 == 0


@needs_poppler
@pytest.mark.parametrize("document", ["booklet", "badges", "place_cards", "seating", "attendance"])
def test_fonts_are_embedded(conf, document):
    _everything(conf)
    services.save_plan(conf.meeting, {"rows": 2, "seats_per_row": 4, "presidium_size": 3, "mode": "protocol"},
                       user=conf.user)
    services.assign_seats(conf.meeting, user=conf.user)
    pdf = _booklet(conf) if document == "booklet" else getattr(services, f"{document}_pdf")(conf.meeting, conf.user)
    listing = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    rows = [line.split() for line in listing.splitlines()[2:] if line.strip()]
    assert rows, listing
    assert all("Liberation" in row[0] for row in rows), listing
    assert all(row[-5] == "yes" for row in rows), listing  # the "emb" column


@needs_poppler
def test_classified_items_stay_out_of_a_booklet_for_a_reader_without_clearance(conf, factory):
    from planner.accounts.models import User
    from planner.extensions import db

    _everything(conf)
    org_ref = type("Org", (), {"id": conf.org.id})()
    internal = db.session.get(User, factory.user(org_ref, role="viewer", clearance="internal").id)
    public = db.session.get(User, factory.user(org_ref, role="viewer", clearance="none").id)

    cleared = "\n".join(pdf_pages(_booklet(conf)))
    assert "Báo cáo về vụ việc đặc biệt" in cleared and "Ý kiến về vụ việc đặc biệt" in cleared
    assert all("MẬT" in page for page in pdf_pages(_booklet(conf))), "holds MẬT content: the mark on every page"

    pages = pdf_pages(_booklet(conf, internal))
    text = "\n".join(pages)
    assert "Báo cáo về vụ việc đặc biệt" not in text and "Ý kiến về vụ việc đặc biệt" not in text
    assert "MẬT" not in text
    assert "Thông tin nội bộ về công tác cán bộ" in text and "Tài liệu lưu hành nội bộ" in text
    assert "Bế mạc hội nghị" in text

    text = "\n".join(pdf_pages(_booklet(conf, public)))
    assert "Báo cáo về vụ việc đặc biệt" not in text and "Thông tin nội bộ về công tác cán bộ" not in text
    assert "Báo cáo tình hình kinh tế - xã hội năm 2026" in text


@needs_poppler
def test_a_classified_meeting_carries_its_mark_on_every_page(ctx):
    conf = make_conference(classification="secret", title="Hội nghị Ban Thường vụ Tỉnh ủy")
    _everything(conf)
    pages = pdf_pages(_booklet(conf))
    assert len(pages) >= 8
    assert all("TỐI MẬT" in page for page in pages)
    for name in ("badges", "place_cards", "seating", "attendance"):
        pdf = getattr(services, f"{name}_pdf")(conf.meeting, conf.user)
        assert all("TỐI MẬT" in page for page in pdf_pages(pdf)), name


@needs_poppler
def test_the_published_version_is_printed_unless_the_draft_is_asked_for(conf):
    from planner.agenda import services as agenda

    agenda.publish(conf.meeting, user=conf.user)
    agenda.update_item(conf.items["closing"], {"title": "Bế mạc (giờ mới)"}, user=conf.user)
    services.save_settings(conf.meeting, {"sections": ["programme"], "programme_source": "release"}, user=conf.user)
    text = flat("\n".join(pdf_pages(_booklet(conf))))
    assert "Chương trình phiên bản 1" in text and "Bế mạc hội nghị" in text and "giờ mới" not in text
    services.save_settings(conf.meeting, {"programme_source": "draft"}, user=conf.user)
    text = flat("\n".join(pdf_pages(_booklet(conf))))
    assert "Dự thảo chương trình" in text and "Bế mạc (giờ mới)" in text


def test_the_booklet_is_rendered_once_per_content(conf, monkeypatch):
    calls = []
    real = services.render_pdf

    def counting(template, data, **kw):
        calls.append(template)
        return real(template, data, **kw)

    monkeypatch.setattr(services, "render_pdf", counting)
    first = _booklet(conf)
    assert calls == [services.BOOKLET]
    assert _booklet(conf) == first and len(calls) == 1, "unchanged: from the cache"

    # Found in the cache without building any data.
    monkeypatch.setattr(services.builders, "booklet_data", lambda *a, **k: pytest.fail("data built again"))
    assert _booklet(conf) == first
    monkeypatch.undo()
    monkeypatch.setattr(services, "render_pdf", counting)

    # A change of the delegates renders anew.
    from planner.delegates import services as delegates

    delegates.update_participant(conf.people["Võ Thị Ê"], {"title": "Chủ tịch HĐND huyện"})
    _everything(conf)
    second = _booklet(conf)
    assert len(calls) == 2 and second != first

    # A save that changes nothing visible (the version moves, the content does not): the same file.
    delegates.update_participant(conf.people["Huỳnh Thị Hạnh"], {"note": "Phụ trách lễ tân"})
    assert _booklet(conf) == second and len(calls) == 2


def test_the_version_moves_with_every_part_of_the_content(conf):
    from planner.agenda import services as agenda
    from planner.meetings import services as meetings

    keys = [services.version(conf.meeting, "booklet", conf.user)]

    def changed() -> None:
        key = services.version(conf.meeting, "booklet", conf.user)
        assert key not in keys
        keys.append(key)

    agenda.update_item(conf.items["report"], {"presiding_ids": [conf.people["Trần Thị Bình"].public_id]},
                       user=conf.user)
    changed()
    meetings.set_presiding(conf.meeting, [conf.people["Trần Thị Bình"].public_id])
    changed()
    services.save_settings(conf.meeting, {"paper": "a4"}, user=conf.user)
    changed()
    services.assign_seats(conf.meeting, user=conf.user)
    changed()
    agenda.publish(conf.meeting, user=conf.user)
    changed()


def test_settings_are_checked_and_audited(conf):
    from planner.core.audit import AuditEntry
    from planner.core.errors import Conflict, ValidationError
    from planner.extensions import db

    with pytest.raises(ValidationError) as refused:
        services.save_settings(conf.meeting, {"sections": ["programme", "gossip"]}, user=conf.user)
    assert refused.value.field == "sections"
    with pytest.raises(ValidationError) as refused:
        services.save_settings(conf.meeting, {"sections": ["foreword"], "foreword": "  "}, user=conf.user)
    assert refused.value.field == "foreword"
    with pytest.raises(ValidationError):
        services.save_settings(conf.meeting, {"paper": "a3"}, user=conf.user)

    saved = services.save_settings(conf.meeting, {"paper": "a4", "sections": ["programme", "contents"]},
                                   user=conf.user)
    assert saved.sections == ["contents", "programme"], "kept in the printed order"
    with pytest.raises(Conflict):
        services.save_settings(conf.meeting, {"paper": "a5"}, user=conf.user, version=saved.version - 1)
    entries = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "booklet.settings_changed")).all()
    assert len(entries) == 1 and entries[0].changes["paper"] == ["a5", "a4"]


def _png() -> bytes:
    import io

    import segno

    out = io.BytesIO()
    segno.make("logo").save(out, kind="png", scale=10)
    return out.getvalue()


SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
       b'<circle cx="20" cy="20" r="18" fill="#c00"/><polygon points="20,6 24,16 34,16 26,22 29,32 20,26 11,32 '
       b'14,22 6,16 16,16" fill="#ff0"/></svg>')


def _ink_on_cover(pdf: bytes) -> int:
    """How many dark or coloured pixels the cover has (a small greyscale rendering)."""
    ppm = subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "30", "-gray", "-"], input=pdf,
                         capture_output=True, check=True).stdout
    header_end = 0
    for _ in range(4):  # P5, width, height, maxval: whitespace-separated
        while ppm[header_end:header_end + 1].isspace():
            header_end += 1
        while not ppm[header_end:header_end + 1].isspace():
            header_end += 1
    pixels = ppm[header_end + 1:]
    return sum(1 for value in pixels if value < 200)


@needs_poppler
@pytest.mark.parametrize("image", [_png(), SVG], ids=["png", "svg"])
def test_the_logo_is_checked_by_content_and_drawn_on_the_cover(conf, image):
    services.save_settings(conf.meeting, {"sections": ["programme"]}, user=conf.user)
    without = _ink_on_cover(_booklet(conf))
    services.save_logo(conf.meeting, image, "bieu-trung", user=conf.user)
    settings = services.settings_of(conf.meeting)
    assert settings.logo_media_type == ("image/png" if image.startswith(b"\x89PNG") else "image/svg+xml")
    assert services.logo_path(settings).read_bytes() == image
    assert _ink_on_cover(_booklet(conf)) > without + 100, "the emblem is drawn on the cover"
    old = services.logo_path(settings)
    services.remove_logo(conf.meeting, user=conf.user)
    assert not old.exists()
    assert _ink_on_cover(_booklet(conf)) == without


@pytest.mark.parametrize(("data", "name"), [
    (b"just some text", "logo.png"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "broken.png"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "evil.svg"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>', "evil.svg"),
    (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg"/>', "dtd.svg"),
    (b"", "empty.png"),
])
def test_what_is_not_an_image_is_refused_and_nothing_is_kept(conf, data, name):
    from planner.core.errors import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.save_logo(conf.meeting, data, name, user=conf.user)
    assert refused.value.field == "logo"
    assert services.settings_of(conf.meeting).logo_name is None


@needs_poppler
def test_the_a5_booklet_for_folding_puts_the_pages_in_booklet_order(conf):
    _everything(conf, "a5")
    booklet = _booklet(conf)
    pages = page_count(booklet)
    folded = services.booklet_folded_pdf(conf.meeting, conf.user, links=LINKS)
    assert page_count(folded) == pages // 2
    size = subprocess.run(["pdfinfo", "-"], input=folded, capture_output=True, check=True).stdout.decode()
    assert "841.89 x 595.276 pts (A4)" in size, "A4 landscape sheets"
    # The first side of the first sheet: the last page on the left, the cover on the right.
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", "-", "-"], input=folded,
                           capture_output=True, check=True).stdout.decode()
    cover_line = next(line for line in first.splitlines() if "CHƯƠNG TRÌNH" in line)
    assert cover_line.index("CHƯƠNG TRÌNH") > len(cover_line) // 3, "the cover is the right half"
    # Its back: page 2 on the left, page n−1 on the right (their numbers at the foot).
    back = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-layout", "-", "-"], input=folded,
                          capture_output=True, check=True).stdout.decode()
    numbers = [line.split() for line in back.strip().splitlines() if line.strip()][-1]
    assert numbers == ["2", str(pages - 1)] or ("2" in numbers and str(pages - 1) in numbers), numbers
    services.save_settings(conf.meeting, {"paper": "a4"}, user=conf.user)
    from planner.core.errors import NotFound

    with pytest.raises(NotFound):
        services.booklet_folded_pdf(conf.meeting, conf.user, links=LINKS)
