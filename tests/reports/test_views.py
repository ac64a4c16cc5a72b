"""The home page's to-do list and the statistics page, its workbook and its JSON twin."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest

from planner.reports import services
from tests.reports.conftest import TODAY, build_office, counting_queries


@pytest.fixture
def fixed_today(monkeypatch):
    monkeypatch.setattr(services, "local_today", lambda org: TODAY)


@pytest.fixture
def signed_office(app, factory, client, fixed_today):
    office = build_office(app, factory, meetings=12, password=True)
    return office


def test_the_home_page_links_each_thing_to_do(app, factory, client, fixed_today):
    from tests.minutes.conftest import build_scene

    scene = build_scene(app, factory, day=date(2026, 11, 13), logins=True)   # due Friday 20: overdue
    client.login(scene.secretary.email)
    html = client.get("/").get_data(as_text=True)
    todo = html[html.index('id="home-todos-title"'):html.index('id="home-week-title"')]
    assert todo.count('class="todo ') == 2
    base = f'href="/meetings/{scene.meeting_id}'
    assert f'{base}/minutes"' in todo and f'{base}/notice"' in todo
    assert "is-overdue" in todo and "Quá hạn từ 20/11/2026" in todo
    assert "Chưa viết biên bản" in todo


def test_the_statistics_page_draws_each_chart_beside_its_table(client, signed_office):
    client.login(signed_office.admin.email)
    response = client.get("/reports?start=2026-01-01&end=2026-12-31")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('<svg class="chart chart-wide"') == 4
    assert html.count('<svg class="chart chart-narrow"') == 4
    for chart in ("chart-meetings", "chart-attendance", "chart-speaking", "chart-notices"):
        assert f'id="{chart}"' in html
    assert "<script" not in html[html.index("<svg"):html.rindex("</svg>")]
    assert html.count('<table class="table compact report-table">') == 4
    assert "Thống kê" in html and "Tỷ lệ có mặt" in html
    # The first table's total is the number of meetings held in the charts' first card.
    totals = re.search(r'<span class="stat-number">(\d+)</span><span class="muted">cuộc họp đã tổ chức', html)
    assert totals and int(totals.group(1)) > 0


def test_a_wrong_filter_is_shown_next_to_its_field(client, signed_office):
    client.login(signed_office.admin.email)
    html = client.get("/reports?start=31/02/2026&end=2025-01-01&grouping=week").get_data(as_text=True)
    errors = re.findall(r'<p class="error"[^>]*>([^<]+)</p>', html)
    assert "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 17/12/2026." in errors  # 31/02 is no day
    assert any("tháng, quý hoặc năm" in e for e in errors)
    assert '<svg class="chart chart-wide"' in html, "the default figures are still shown"


def test_the_workbook_and_the_api_give_the_same_figures(app, client, factory, signed_office):
    from openpyxl import load_workbook

    client.login(signed_office.admin.email)
    query = "start=2026-01-01&end=2026-12-31&grouping=quarter"
    response = client.get(f"/reports/statistics.xlsx?{query}")
    assert response.status_code == 200 and response.headers["ETag"]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert client.get(f"/reports/statistics.xlsx?{query}",
                      headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Kỳ", "Số cuộc họp đã tổ chức")
    assert [r[0] for r in rows[1:]] == ["Quý I/2026", "Quý II/2026", "Quý III/2026", "Quý IV/2026", "Tổng cộng"]

    token = factory.token(signed_office.admin)
    answer = client.get(f"/api/v1/reports/statistics?{query}", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    data = answer.get_json()
    assert [r["meetings"] for r in data["rows"]] == [r[1] for r in rows[1:5]]
    assert data["total"]["meetings"] == rows[5][1]
    assert data["total"]["invited"] == rows[5][rows[0].index("Số người được mời")]
    bad = client.get("/api/v1/reports/statistics?grouping=week", headers={"Authorization": f"Bearer {token}"})
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"


def test_the_viewer_does_not_count_the_secret_meeting(client, signed_office):
    def june(email):
        client.login(email)
        html = client.get("/reports?start=2026-06-01&end=2026-06-30").get_data(as_text=True)
        client.logout()
        return int(re.search(r'<span class="stat-number">(\d+)</span>', html).group(1))

    assert june(signed_office.admin.email) == june(signed_office.viewer.email) + 1


def test_statistics_run_a_fixed_number_of_queries(app, factory):
    counts = []
    for size in (4, 16):
        office = build_office(app, factory, meetings=size, seed=size)
        with app.test_request_context():
            org, admin, _viewer = office.objects()
            with counting_queries() as count:
                services.statistics(org, admin, start=date(2026, 1, 1), end=date(2026, 12, 31), today=TODAY)
                services.todos(org, admin, today=TODAY)
                services.this_week(org, admin, today=TODAY)
            counts.append(count())
    assert counts[0] == counts[1], counts
