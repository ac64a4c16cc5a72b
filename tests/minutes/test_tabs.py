"""Every tab link of every meeting tab page lands on its own page: a link labelled "Biên bản" opens the minutes,
not the conclusion notice (the tab and the sub-tab built the minutes' address without its kind)."""

from urllib.parse import urlsplit

import lxml.html

from tests.minutes.conftest import build_scene

NAVS = ("meeting-tabs", "minutes-nav")


def _navs(html: str) -> dict[str, list[tuple[str, str, bool]]]:
    """Each tab bar of the page: its links as (label, path, current)."""
    doc = lxml.html.fromstring(html)
    bars = {}
    for name in NAVS:
        for nav in doc.xpath(f"//nav[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"):
            bars[name] = [(" ".join(a.text_content().split()), urlsplit(a.get("href")).path,
                           a.get("aria-current") == "page") for a in nav.xpath(".//a")]
    return bars


def test_every_tab_link_of_every_meeting_page_lands_on_its_own_page(app, factory, client):
    scene = build_scene(app, factory, logins=True)
    client.login(scene.admin.email)
    start = f"/meetings/{scene.meeting_id}"
    overview = client.get(start)
    assert overview.status_code == 200
    pages = {path for _label, path, _current in _navs(overview.get_data(as_text=True))["meeting-tabs"]}
    assert f"{start}/minutes" in pages, "the minutes tab opens the minutes"
    followed = 0
    for page in sorted(pages):
        response = client.get(page)
        assert response.status_code == 200, page
        for selector, links in _navs(response.get_data(as_text=True)).items():
            for label, path, _current in links:
                landed = client.get(path)
                assert landed.status_code == 200, (page, label, path)
                followed += 1
                if not landed.content_type.startswith("text/html"):
                    continue  # a download (the programme's PDF)
                bars = _navs(landed.get_data(as_text=True))
                # Wherever the landed page links its own address, that link is the current one and says what was
                # followed: "Biên bản" leading to the notice shows "Thông báo kết luận" as the current sub-tab.
                for bar, bar_links in bars.items():
                    for text, link_path, is_current in bar_links:
                        if link_path == path:
                            assert is_current and text == label, \
                                f"{page}: {selector} “{label}” ({path}) landed where {bar} calls it “{text}”"
    assert followed > len(pages)
