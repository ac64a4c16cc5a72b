"""No typed text is ever lost: the minutes page is one form, so saving (with any section's button) saves every
section's text, and a refused save shows every section as typed."""

import lxml.html
import pytest

from planner.minutes import services
from tests.minutes.conftest import build_scene


@pytest.fixture
def site(app, factory):
    return build_scene(app, factory, logins=True)


def _form_with(html: str, field: str):
    doc = lxml.html.fromstring(html)
    forms = [f for f in doc.forms if field in f.fields]
    assert len(forms) == 1, f"{field} is in {len(forms)} forms"
    return forms[0]


def _sections(app, site):
    with app.test_request_context():
        minutes = services.require_current(site.meeting())
        return {s["key"]: s for s in minutes.sections}, minutes.version


def test_saving_one_section_keeps_the_text_typed_in_the_others(app, client, site):
    base = f"/meetings/{site.meeting_id}/minutes"
    client.login(site.secretary.email)
    client.post_form(f"{base}/generate")
    form = _form_with(client.get(base).get_data(as_text=True), "s-closing-text")
    # every section's fields are in the one form
    assert {"s-time-place-text", "s-participants-text", "s-recipients-text", "s-signatures-left_name"} <= set(
        form.fields.keys())
    values = dict(form.form_values())
    values["s-time-place-text"] = "Thời gian: 8 giờ 00, ngày 19 tháng 11 năm 2026."
    values["s-closing-text"] = "Hội nghị kết thúc vào 11 giờ 45 cùng ngày./."
    values["s-recipients-text"] = "- Thường trực Thành ủy,"
    # the button of the closing section, after typing in three sections
    response = client.post(form.action, data={**values, "anchor": "s-closing"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert response.headers["Location"].endswith("#s-closing")
    sections, version = _sections(app, site)
    assert sections["time_place"]["text"] == "Thời gian: 8 giờ 00, ngày 19 tháng 11 năm 2026."
    assert sections["closing"]["text"] == "Hội nghị kết thúc vào 11 giờ 45 cùng ngày./."
    assert sections["recipients"]["text"] == "- Thường trực Thành ủy,"
    assert version == 2, "one save, one revision"


def test_a_refused_save_shows_every_section_as_typed(app, client, site):
    base = f"/meetings/{site.meeting_id}/minutes"
    client.login(site.secretary.email)
    client.post_form(f"{base}/generate")
    html = client.get(base).get_data(as_text=True)
    form = _form_with(html, "s-closing-text")
    values = dict(form.form_values())
    item = next(name for name in values if name.endswith("-decisions-0-votes_for"))
    values[item] = "nhiều"  # not a number: the save is refused
    values["s-closing-text"] = "Văn bản gõ ở phần kết thúc, chưa lưu."
    values["s-recipients-text"] = "- Văn bản gõ ở nơi nhận,"
    response = client.post(form.action, data=values)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Văn bản gõ ở phần kết thúc, chưa lưu." in page and "- Văn bản gõ ở nơi nhận," in page
    sections, version = _sections(app, site)
    assert version == 1 and sections["closing"]["text"] != "Văn bản gõ ở phần kết thúc, chưa lưu."


def test_a_stale_save_of_the_whole_form_keeps_both_texts(app, client, site):
    base = f"/meetings/{site.meeting_id}/minutes"
    client.login(site.secretary.email)
    client.post_form(f"{base}/generate")
    form = _form_with(client.get(base).get_data(as_text=True), "s-closing-text")
    values = dict(form.form_values())
    with app.test_request_context():
        minutes = services.require_current(site.meeting())
        services.save(minutes, {"closing": {"text": "Người khác đã lưu."}}, user=site.user(site.admin), version=1)
    values["s-closing-text"] = "Văn bản của tôi."
    values["s-intro-text"] = values.get("s-intro-text", "")
    response = client.post(form.action, data=values)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Người khác đã lưu." in page and "Văn bản của tôi." in page
