"""Schemathesis against /api/v1/openapi.json: every operation, as an organizer and as an admin, on a
seeded scene so that path parameters reach real objects. No answer may be a 5xx, every answer must be
documented and match its schema, every error must be problem+json, and data that breaks the schema must
be refused.

`make test` runs a few examples per operation (PLANNER_FUZZ_EXAMPLES, default 6); `make fuzz` many more.
Each run prints how many requests it made.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed (pip install -e '.[dev]')")

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from planner import create_app  # noqa: E402
from planner.core.inputs import FIRST_DAY, LAST_DAY  # noqa: E402

EXAMPLES = int(os.environ.get("PLANNER_FUZZ_EXAMPLES", "6"))
ROLES = ("organizer", "admin")
EXPORTS = ("programme.pdf", "participants.xlsx", "participants.csv", "calendar.ics", "minutes.docx", "no-such.file")


def _operations() -> list[tuple[str, str]]:
    """(method, path) of every operation, read from the document at collection time (no database needed)."""
    app = create_app({"TESTING": True, "SECRET_KEY": "collect", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "INSTANCE_PATH": tempfile.mkdtemp(prefix="planner-fuzz-")})
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    return [(method.upper(), path) for path, item in document["paths"].items()
            for method in item if method in ("get", "post", "put", "patch", "delete")]


# Days drawn half of the time from the ends of Python's range and of the app's, where adding a year of
# span or a time zone overflows: drawn from anywhere, the fuzz never met ``GET /meetings?to=9999-12-31``
# (a 500). The last day comes first, as the simplest example hypothesis tries; moments get the extreme
# offsets too.
ENDS = [date.max, date.min, date.max - timedelta(days=1), date.min + timedelta(days=1),
        LAST_DAY + timedelta(days=1), FIRST_DAY - timedelta(days=1), LAST_DAY, FIRST_DAY]
DAYS = st.one_of(st.sampled_from(ENDS), st.dates())
OFFSETS = st.sampled_from(["Z", "+14:00", "-12:00", "+07:00", ""])


def _moments(days: st.SearchStrategy[date]) -> st.SearchStrategy[str]:
    return st.builds(lambda day, moment, offset: f"{day.isoformat()}T{moment.isoformat(timespec='seconds')}{offset}",
                     days, st.times(), OFFSETS)


FORMATS = {"date": DAYS.map(date.isoformat), "date-time": _moments(DAYS)}
AT_THE_ENDS = {"date": st.sampled_from(ENDS).map(date.isoformat), "date-time": _moments(st.sampled_from(ENDS))}
for _name, _strategy in FORMATS.items():
    schemathesis.openapi.format(_name, _strategy)

OPERATIONS = _operations()
# Real objects of the scene, by path parameter name; read at generation time by the hook below.
KNOWN: dict[str, list[str]] = {}
REQUESTS: Counter[str] = Counter()
STATUSES: Counter[int] = Counter()


@pytest.fixture(scope="module")
def api_schema(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # The bearer token is ours to send (the authorization matrix tests tokens); unknown query parameters
    # are ignored by design, as HTTP clients add cache busters.
    schema.config.generation.update(with_security_parameters=False, allow_extra_parameters=False)

    @schema.hook
    def flatmap_path_parameters(context, path_parameters: dict[str, Any]):
        """Most cases aim at an object that exists; the rest keep the generated (unknown) value."""
        if not path_parameters:
            return st.just(path_parameters)
        strategies = {}
        for name, value in path_parameters.items():
            known = KNOWN.get(name)
            strategies[name] = st.sampled_from([*known, value]) if known else st.just(value)
        return st.fixed_dictionaries(strategies)

    @schema.hook
    def flatmap_query(context, query):
        """Optional query parameters are often left out: the simplest case, then half of the others, carry
        every date parameter of the operation at an end of the range."""
        formats = {p.name: (p.definition.get("schema") or {}).get("format") for p in context.operation.query}
        dated = {name: AT_THE_ENDS[fmt] for name, fmt in formats.items() if fmt in AT_THE_ENDS}
        if not dated or not isinstance(query, dict):
            return st.just(query)
        return st.one_of(st.fixed_dictionaries(dated).map(lambda ends: {**query, **ends}), st.just(query))

    return schema


def _seed(client, headers: dict[str, str]) -> dict[str, list[str]]:
    """A meeting with everything under it, made through the API itself (so every id is a public one)."""
    def post(url: str, body: dict[str, Any]) -> dict[str, Any]:
        response = client.post(url, json=body, headers=headers)
        assert response.status_code == 201, (url, response.status_code, response.get_json())
        return response.get_json()

    meeting = post("/api/v1/meetings", {"title": "Hội nghị Ban Chấp hành", "kind": "conference",
                                        "starts_on": "2026-12-01", "ends_on": "2026-12-02",
                                        "classification": "confidential"})
    weekly = post("/api/v1/meetings", {"title": "Giao ban tuần", "kind": "briefing", "starts_on": "2026-12-07",
                                       "start_time": "08:00", "end_time": "09:00",
                                       "recurrence": "FREQ=WEEKLY;BYDAY=MO;COUNT=6"})
    m = meeting["id"]
    room = post(f"/api/v1/meetings/{m}/rooms", {"name": "Hội trường A", "capacity": 200})
    item = post(f"/api/v1/meetings/{m}/agenda-items", {"title": "Khai mạc", "kind": "opening", "room_id": room["id"],
                                                      "starts_at": "2026-12-01T08:00", "ends_at": "2026-12-01T08:30"})
    discussion = post(f"/api/v1/meetings/{m}/agenda-items", {"title": "Thảo luận", "kind": "discussion",
                                                            "starts_at": "2026-12-01T08:30",
                                                            "ends_at": "2026-12-01T10:00"})
    people = [post(f"/api/v1/meetings/{m}/participants", {"family_name": family, "middle_name": middle,
                                                          "given_name": given, "category": "delegate"})
              for family, middle, given in (("Nguyễn", "Văn", "An"), ("Trần", "Thị", "Bình"))]
    speech = post(f"/api/v1/agenda-items/{discussion['id']}/speeches",
                  {"participant_id": people[0]["id"], "kind": "discussion", "title": "Ý kiến"})
    post(f"/api/v1/meetings/{m}/minutes", {})
    election = post(f"/api/v1/meetings/{m}/elections", {"body": "secretary", "seats": 1})
    candidates = [post(f"/api/v1/elections/{election['id']}/candidates", {"full_name": name})
                  for name in ("Nguyễn Văn Nên", "Tô Huy Rứa")]
    held = post(f"/api/v1/elections/{election['id']}/rounds", {})
    occurrences = client.get(f"/api/v1/meetings/{weekly['id']}/occurrences", headers=headers).get_json()["items"]
    return {
        "meeting_id": [m, weekly["id"]],
        "room_id": [room["id"]],
        "item_id": [item["id"], discussion["id"]],
        "participant_id": [p["id"] for p in people],
        "speech_id": [speech["id"]],
        "election_id": [election["id"]],
        "candidate_id": [c["id"] for c in candidates],
        "round_id": [held["id"]],
        "original_date": [o["original_date"] for o in occurrences[:2]],
        "name": list(EXPORTS),
    }


def _problem_json(ctx, response, case) -> bool | None:
    """Every error of the API is an RFC 9457 problem with a detail for a person to read."""
    if response.status_code < 400:
        return None
    media = (response.headers.get("content-type") or [""])[0]
    assert media.startswith("application/problem+json"), f"error {response.status_code} answered as {media!r}"
    body = response.json()
    assert isinstance(body.get("detail"), str) and body["detail"], f"problem without detail: {body!r}"
    assert body.get("status") == response.status_code, f"problem says {body.get('status')} in a {response.status_code}"
    return True


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection, _problem_json]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_operation(app, factory, api_schema, method: str, path: str, role: str):
    org = factory.organization(name=f"Văn phòng fuzz {role}")
    user = factory.user(org, role=role, clearance="top_secret")
    headers = {"Authorization": f"Bearer {factory.token(user)}"}
    client = app.test_client()
    KNOWN.clear()
    KNOWN.update(_seed(client, headers))

    operation = api_schema[path][method]
    # Positive data must pass the schema and may meet business rules (4xx); negative data must be refused.
    strategy = st.one_of(operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
                         operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))

    @given(case=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=EXAMPLES <= 10,
              phases=[Phase.generate, Phase.shrink] if EXAMPLES > 10 else [Phase.generate],
              suppress_health_check=list(HealthCheck))
    def run(case) -> None:
        REQUESTS[role] += 1
        response = case.call(headers=headers)
        STATUSES[response.status_code] += 1
        case.validate_response(response, checks=CHECKS, headers=headers)

    run()


def test_zz_report_request_count(capsys):
    """Not a check: says how many requests the fuzz made (pytest -s or the -ra summary shows it)."""
    total = sum(REQUESTS.values())
    with capsys.disabled():
        print(f"\nAPI fuzz: {total} requests over {len(OPERATIONS)} operations ({dict(REQUESTS)}), "
              f"{EXAMPLES} examples per operation and role; statuses {sorted(STATUSES.items())}")


def test_findings_of_the_fuzz_stay_fixed(app, factory):
    """What the fuzz found once, asked directly: each was a 500 or a silent misreading."""
    user = factory.user(factory.organization(), role="organizer", clearance="top_secret")
    headers = {"Authorization": f"Bearer {factory.token(user)}"}
    client = app.test_client()
    meeting = client.post("/api/v1/meetings", headers=headers,
                          json={"title": "Giao ban", "starts_on": "2026-12-01"}).get_json()
    huge = client.get(f"/api/v1/meetings/{meeting['id']}/participants?offset=138226726026283997112303616",
                      headers=headers)   # was an OverflowError in SQLite: 500
    assert huge.status_code == 422 and huge.mimetype == "application/problem+json"
    assert huge.get_json()["errors"] == [{"field": "offset", "detail": "Không phải là số nguyên hợp lệ."}]
    fraction = client.patch(f"/api/v1/meetings/{meeting['id']}", headers=headers,
                            json={"title": "Giao ban tuần", "version": 1.75})   # was read as version 1
    assert fraction.status_code == 422 and fraction.get_json()["errors"][0]["field"] == "version"
    whole = client.patch(f"/api/v1/meetings/{meeting['id']}", headers=headers,
                         json={"title": "Giao ban tuần", "version": 1.0})
    assert whole.status_code == 200
    last_day = client.get("/api/v1/meetings?to=9999-12-31", headers=headers)   # was an OverflowError: 500
    assert last_day.status_code == 422 and last_day.mimetype == "application/problem+json"
    message = "Hãy nhập một ngày từ 01/01/1900 đến 31/12/2999."
    assert last_day.get_json()["errors"] == [{"field": "to", "detail": message}]
