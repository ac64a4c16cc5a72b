"""Dates at the ends of the range: every date and date-time the API and the pages read.

Python's dates run from 0001-01-01 to 9999-12-31; a day near either end overflowed as soon as the app
added a year of span or a time zone to it (``GET /api/v1/meetings?to=9999-12-31`` was a 500). The app
works with days from 1900 to 2999 (core.inputs): beyond them an input is refused with a message in the
user's language (the API: 422 problem+json naming the field; a form: 422 with the field's error; a
page's filter: ignored, as any day that does not parse), and at the ends of that range nothing overflows.
"""

from __future__ import annotations

import pytest

from planner.core.inputs import FIRST_DAY, LAST_DAY

OUTSIDE = {
    "date": ["0001-01-01", "9999-12-31", "1899-12-31", "3000-01-01", "99991231", "9999-W52-5"],
    "date-time": ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "0001-01-01T00:00",
                  "9999-12-31T23:59", "99991231T235959"],
}
EDGES = {
    "date": [FIRST_DAY.isoformat(), LAST_DAY.isoformat()],
    "date-time": [f"{FIRST_DAY}T00:00:00+14:00", f"{LAST_DAY}T23:59:59-12:00", f"{FIRST_DAY}T00:00",
                  f"{LAST_DAY}T23:59"],
}
MESSAGE = "từ 01/01/1900 đến 31/12/2999"   # the Vietnamese message names the range

# Every date input of the API (read from its OpenAPI document below): how to send a request with it.
BODIES = {
    ("POST", "/api/v1/meetings"): {"title": "Họp thử", "kind": "meeting", "starts_on": "2026-12-03"},
    ("PATCH", "/api/v1/meetings/{meeting_id}"): {},
    ("PUT", "/api/v1/meetings/{meeting_id}/occurrences/{original_date}"): {},
    ("POST", "/api/v1/meetings/{meeting_id}/agenda-items"): {
        "kind": "report", "title": "Báo cáo", "starts_at": "2026-12-03T08:00", "ends_at": "2026-12-03T09:00"},
    ("PATCH", "/api/v1/agenda-items/{item_id}"): {},
    ("PATCH", "/api/v1/participants/{participant_id}"): {"attendance": "present"},
}
QUERIES = {
    ("GET", "/api/v1/meetings"): ("from", "to"),
    ("GET", "/api/v1/meetings/{meeting_id}/occurrences"): ("from", "to"),
    ("GET", "/api/v1/reports/statistics"): ("start", "end"),
}
PATHS = {  # path parameters that are days
    ("GET", "/api/v1/meetings/{meeting_id}/occurrences/{original_date}"): "original_date",
    ("PUT", "/api/v1/meetings/{meeting_id}/occurrences/{original_date}"): "original_date",
    ("DELETE", "/api/v1/meetings/{meeting_id}/occurrences/{original_date}"): "original_date",
}


@pytest.fixture
def site(client, factory):
    org = factory.organization(name="Văn phòng thử", city="Huế")
    user = factory.user(org, role="admin", clearance="top_secret", language="vi")
    headers = {"Authorization": f"Bearer {factory.token(user)}"}

    def post(url, body):
        response = client.post(f"/api/v1{url}", json=body, headers=headers)
        assert response.status_code == 201, (url, response.get_json())
        return response.get_json()["id"]

    meeting = post("/meetings", {"title": "Họp giao ban", "kind": "meeting", "starts_on": "2026-12-03"})
    weekly = post("/meetings", {"title": "Giao ban tuần", "kind": "briefing", "starts_on": "2026-12-07",
                                "recurrence": "FREQ=WEEKLY;BYDAY=MO;COUNT=6"})
    item = post(f"/meetings/{meeting}/agenda-items", {"kind": "report", "title": "Báo cáo",
                                                      "starts_at": "2026-12-03T08:00", "ends_at": "2026-12-03T09:00"})
    person = post(f"/meetings/{meeting}/participants", {"full_name": "Nguyễn Văn An"})
    client.login(user.email)
    return {"headers": headers, "meeting": meeting, "weekly": weekly, "item": item, "person": person}


def _date_inputs(client) -> set[tuple[str, str, str, str, str]]:
    """(method, path, where, name, format) of every date or date-time the API reads."""
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    found = set()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if schema.get("format") in ("date", "date-time") or parameter["name"].endswith("_date"):
                    found.add((method.upper(), path, parameter["in"], parameter["name"],
                               schema.get("format", "date")))
            for content in operation.get("requestBody", {}).get("content", {}).values():
                schema = content["schema"]
                schema = schemas[schema["$ref"].rsplit("/", 1)[1]] if "$ref" in schema else schema
                for name, field in schema.get("properties", {}).items():
                    if field.get("format") in ("date", "date-time") and not field.get("readOnly"):
                        found.add((method.upper(), path, "body", name, field["format"]))
    return found


def _api_request(client, site, method: str, path: str, where: str, name: str, value: str):
    original = client.get(f"/api/v1/meetings/{site['weekly']}/occurrences",
                          headers=site["headers"]).get_json()["items"][0]["original_date"]
    url = (path.replace("{meeting_id}", site["weekly"] if "occurrences" in path else site["meeting"])
           .replace("{item_id}", site["item"]).replace("{participant_id}", site["person"]))
    url = url.replace("{original_date}", value if where == "path" else original)
    if where == "query":
        return client.open(url, method=method, query_string={name: value}, headers=site["headers"])
    body = {**BODIES[(method, path)], name: value} if where == "body" else BODIES.get((method, path))
    return client.open(url, method=method, json=body, headers=site["headers"])


def test_every_date_input_of_the_api_is_in_this_test(client, site):
    """A new date input must join the tables above, so that its ends are tried too."""
    for method, path, where, name, _format in _date_inputs(client):
        if where == "body":
            assert (method, path) in BODIES, (method, path, name)
        elif where == "query":
            assert name in QUERIES.get((method, path), ()), (method, path, name)
        else:
            assert PATHS.get((method, path)) == name, (method, path, name)


def test_the_api_refuses_days_beyond_the_range_and_holds_at_its_ends(client, site):
    inputs = sorted(_date_inputs(client))
    assert ("GET", "/api/v1/meetings", "query", "to", "date") in inputs
    for method, path, where, name, fmt in inputs:
        for value in OUTSIDE[fmt]:
            response = _api_request(client, site, method, path, where, name, value)
            assert response.status_code in (404, 422), (method, path, name, value, response.status_code)
            assert response.mimetype == "application/problem+json", (method, path, name, value)
            if response.status_code == 422 and value[:4] in ("0001", "9999", "1899", "3000"):
                body = response.get_json()
                fields = [e.get("field") for e in body.get("errors", [])]
                assert name in fields or where == "path", (method, path, name, value, body)
                assert MESSAGE in str(body), (method, path, name, value, body)
        for value in EDGES[fmt]:
            response = _api_request(client, site, method, path, where, name, value)
            assert response.status_code < 500, (method, path, name, value, response.get_data(as_text=True)[:300])


def test_a_recurrence_that_ends_beyond_the_range_is_refused(client, site):
    for until in ("99991231", "99991231T235959Z", "00010101", "00010101T000000Z"):
        response = client.post("/api/v1/meetings", headers=site["headers"], json={
            "title": "Giao ban", "kind": "briefing", "starts_on": "2026-12-07",
            "recurrence": f"FREQ=WEEKLY;BYDAY=MO;UNTIL={until}"})
        assert response.status_code == 422, (until, response.status_code, response.get_data(as_text=True)[:300])
        assert MESSAGE in response.get_json()["detail"], response.get_json()
    # A series that runs to the last day of the range: its occurrences are listed up to that day.
    response = client.post("/api/v1/meetings", headers=site["headers"], json={
        "title": "Giao ban", "kind": "briefing", "starts_on": f"{LAST_DAY.year}-12-01",
        "recurrence": f"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;UNTIL={LAST_DAY:%Y%m%d}"})
    assert response.status_code == 201, response.get_json()
    occurrences = client.get(f"/api/v1/meetings/{response.get_json()['id']}/occurrences",
                             query_string={"from": f"{LAST_DAY.year}-12-01"}, headers=site["headers"])
    assert occurrences.status_code == 200 and occurrences.get_json()["total"] == 31, occurrences.get_json()


def _pages(site) -> list[tuple[str, str, dict]]:
    """(method, url, data) of every page that reads a day; {v} stands for the day tried."""
    m, w = site["meeting"], site["weekly"]
    return [
        ("GET", "/meetings?from={v}", {}), ("GET", "/meetings?to={v}", {}), ("GET", "/meetings/new?d={v}", {}),
        ("GET", f"/meetings/{w}/occurrences?from={{v}}", {}), ("GET", "/calendar/week?d={v}", {}),
        ("GET", "/calendar/week/print?d={v}", {}), ("GET", "/admin/audit?from={v}&to={v}", {}),
        ("GET", "/reports?start={v}", {}), ("GET", "/reports?end={v}", {}),
        ("GET", "/reports/statistics.xlsx?start={v}&end={v}", {}),
        ("GET", f"/meetings/{m}/agenda/new?day={{v}}", {}),
        ("GET", f"/meetings/{m}/participants/attendance-sheet?day={{v}}", {}),
        ("GET", f"/meetings/{m}/exports/attendance-sheet.pdf?day={{v}}", {}),
        ("GET", f"/meetings/{w}/occurrences/{{v}}/move", {}),
        ("POST", f"/meetings/{w}/occurrences/{{v}}/cancel", {"note": ""}),
        ("POST", f"/meetings/{w}/occurrences/{{v}}/restore", {}),
        ("POST", f"/meetings/{m}/agenda/{site['item']}/day", {"day": "{v}"}),
    ]


FORMS = [  # (url, the form's other fields, the day fields)
    ("/meetings/new", {"title": "Họp", "kind": "meeting", "classification": "none", "timezone": "Asia/Ho_Chi_Minh",
                       "language": "vi", "starts_on": "2026-12-03"}, ("starts_on", "ends_on")),
    ("/meetings/new", {"title": "Họp", "kind": "meeting", "classification": "none", "timezone": "Asia/Ho_Chi_Minh",
                       "language": "vi", "starts_on": "2026-12-07", "repeat": "weekly", "interval": "1",
                       "weekdays": "MO", "end_kind": "until"}, ("until",)),
]


def test_the_pages_refuse_days_beyond_the_range_and_hold_at_their_ends(client, site):
    for method, url, data in _pages(site):
        for value in [*OUTSIDE["date"], *EDGES["date"]]:
            target = url.replace("{v}", value)
            form = {k: v.replace("{v}", value) for k, v in data.items()}
            response = client.post_form(target, form) if method == "POST" else client.get(target)
            assert response.status_code < 500, (target, response.status_code)
    for month in ("0001-01", "9999-12", f"{FIRST_DAY:%Y-%m}", f"{LAST_DAY:%Y-%m}"):
        assert client.get(f"/calendar/month?m={month}").status_code == 200, month
    # The statistics filter says why it ignores its day.
    assert MESSAGE in client.get("/reports?start=9999-12-31").get_data(as_text=True)


def test_the_forms_say_which_day_is_beyond_the_range(client, site):
    for url, data, fields in FORMS:
        for name in fields:
            for value in ("0001-01-01", "9999-12-31"):
                response = client.post_form(url, {**data, name: value})
                html = response.get_data(as_text=True)
                assert response.status_code == 422 and MESSAGE in html, (url, name, value, response.status_code)
            for value in EDGES["date"]:
                response = client.post_form(url, {**data, "starts_on": value, name: value})
                assert response.status_code < 500, (url, name, value)
    w = site["weekly"]
    original = client.get(f"/api/v1/meetings/{w}/occurrences", headers=site["headers"]).get_json()["items"][0]
    for value in ("0001-01-01", "9999-12-31"):
        response = client.post_form(f"/meetings/{w}/occurrences/{original['original_date']}/move",
                                    {"new_date": value})
        assert response.status_code == 422 and MESSAGE in response.get_data(as_text=True), value
    for value in ("9999-12-31", "0001-01-01"):
        response = client.post_form("/admin/documents", {"holidays": value, "numbering_period": "year"})
        assert response.status_code < 500, value
    # The day inputs are typed as dd/mm/yyyy in every browser (not the browser's locale), so the range is
    # the server's to hold, as above; the field says the form it expects.
    page = client.get("/meetings/new").get_data(as_text=True)
    assert 'placeholder="dd/mm/yyyy"' in page and 'type="date"' not in page
