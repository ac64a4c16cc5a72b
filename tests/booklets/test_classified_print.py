"""Badges and place cards are seen outside the hall: a classified meeting's print no title, not even in the
file's metadata; an open meeting's badges keep it."""

import subprocess

from planner.booklets import services
from tests.booklets.conftest import flat, make_conference, needs_poppler, pdf_pages

TITLE = "Hội nghị Ban Thường vụ Tỉnh ủy về công tác cán bộ"


def _info_title(pdf: bytes) -> str:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return next((line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("Title:")), "")


@needs_poppler
def test_a_classified_meetings_badges_and_place_cards_print_no_title(ctx):
    conf = make_conference(classification="secret", title=TITLE)
    for name in ("badges", "place_cards"):
        pdf = getattr(services, f"{name}_pdf")(conf.meeting, conf.user)
        text = flat("\n".join(pdf_pages(pdf)))
        assert "TỐI MẬT" in text, name
        assert "công tác cán bộ" not in text, f"{name} print the title of a classified meeting"
        assert "công tác cán bộ" not in _info_title(pdf), f"{name} carry the title in their metadata"


@needs_poppler
def test_an_open_meetings_badges_name_it(ctx):
    conf = make_conference(title=TITLE)
    pdf = services.badges_pdf(conf.meeting, conf.user)
    assert "công tác cán bộ" in flat("\n".join(pdf_pages(pdf)))
