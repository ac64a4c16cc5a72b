"""Hostile strings in every text field, then every output of the meeting checked.

One scene holds the whole corpus (tests/security/hostile.py): the strings go in as a user would put
them (the JSON API, and the forms where there is no API), spread over the organization, the meeting,
its rooms, agenda items, participants, speeches, minutes, notice, booklet and document settings. Then
every page reachable from the meeting, every download of the meeting's registry, the calendar feeds
and the API answers are read back and checked: escaped and inert in HTML, valid documents holding the
text, spreadsheets without live formulas, calendars without injected lines, and never a 500.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from lxml import etree

from planner.core.text import normalize
from tests.security import hostile

FIRST_DAY = date(2026, 12, 3)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NEEDS_APPROVAL = {"dossier.zip"}   # the archive's dossier waits for approved minutes: a clear 409
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html")


# HTML: what the browser would parse ---------------------------------------------------------------

class _Inspector(HTMLParser):
    """Collects what would run in a browser: event handlers, inline scripts, script URLs, probe tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script: list[str] | None = None
        self._script_type = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag.startswith("xss-"):
            self.problems.append(f"injected element <{tag}>")
        if tag in ("iframe", "object", "embed"):
            self.problems.append(f"unexpected element <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}= on <{tag}>")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value and \
                    value.strip().lower().startswith(DANGEROUS_SCHEMES):
                self.problems.append(f"{name}={value[:40]!r} on <{tag}>")
        if tag == "script":
            attributes = dict(attrs)
            if not attributes.get("src"):
                self._script = []
                self._script_type = attributes.get("type") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            body = "".join(self._script)
            if self._script_type == "application/json":
                try:
                    json.loads(body)
                except ValueError:
                    self.problems.append("a JSON data block that is not JSON (broken out of?)")
            elif body.strip():
                self.problems.append(f"inline script: {body[:60]!r}")
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)


def html_problems(html: str) -> list[str]:
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    problems = inspector.problems
    if hostile.SENTINEL in html:
        problems.append("a template payload was evaluated")
    if "root:x:0:0" in html:
        problems.append("/etc/passwd was read")
    return problems


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def hidden_value(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html)
    return match.group(1) if match else ""


# Documents ------------------------------------------------------------------------------------------

def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode("utf-8")


def docx_problems(data: bytes) -> tuple[list[str], str]:
    problems = []
    text = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        for name in archive.namelist():
            if not name.endswith((".xml", ".rels")):
                continue
            try:
                root = etree.fromstring(archive.read(name))
            except etree.XMLSyntaxError as exc:
                problems.append(f"{name}: not well-formed XML ({exc})")
                continue
            if name.startswith("word/"):
                text.extend(root.itertext())
    return problems, "".join(text)


def csv_problems(data: bytes) -> list[str]:
    problems = []
    text = data.decode("utf-8-sig")
    for row in csv.reader(io.StringIO(text, newline="")):
        for cell in row:
            if cell.startswith(FORMULA_STARTS):
                problems.append(f"CSV cell a spreadsheet would run: {cell[:40]!r}")
    return problems


def xlsx_problems(data: bytes) -> tuple[list[str], str]:
    from openpyxl import load_workbook

    problems = []
    seen = []
    workbook = load_workbook(io.BytesIO(data))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    problems.append(f"XLSX formula cell {cell.coordinate}: {str(cell.value)[:40]!r}")
                elif isinstance(cell.value, str):
                    seen.append(cell.value)
                    if cell.value.startswith(FORMULA_STARTS):
                        problems.append(f"XLSX cell {cell.coordinate} starts like a formula: {cell.value[:40]!r}")
    # openpyxl reads any cell whose XML says t="str" or holds <f> as a formula; check the raw XML too.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and b"<f>" in archive.read(name):
                problems.append(f"{name} holds a formula element")
    return problems, "\n".join(seen)


def ics_problems(data: bytes, expected_events: int | None = None) -> tuple[list[str], str]:
    import icalendar

    problems = []
    for number, line in enumerate(data.split(b"\r\n"), 1):
        if len(line) > 75:
            problems.append(f"line {number} is {len(line)} octets, longer than 75 (not folded)")
        if b"\r" in line or b"\n" in line:
            problems.append(f"line {number} holds a bare CR or LF")
    calendar = icalendar.Calendar.from_ical(data)
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    for component in calendar.walk():
        if component.name not in ("VCALENDAR", "VEVENT", "VTIMEZONE", "STANDARD", "DAYLIGHT"):
            problems.append(f"injected component {component.name}")
        for key in component:
            if key.startswith("X-INJECTED") or key == "ATTACH":
                problems.append(f"injected property {key}")
    for event in events:
        summary = str(event.get("SUMMARY", ""))
        if summary.strip() == "injected":
            problems.append("an injected VEVENT")
    if expected_events is not None and len(events) != expected_events:
        problems.append(f"{len(events)} events instead of {expected_events}")
    text = "\n".join(str(value) for event in events for value in event.values())
    return problems, text


# The scene ----------------------------------------------------------------------------------------

class Scene:
    def __init__(self, client, factory):
        self.client = client
        org = factory.organization(name="Văn phòng thử", city="Huế")
        self.user = factory.user(org, role="admin", clearance="top_secret", language="vi")
        self.headers = {"Authorization": f"Bearer {factory.token(self.user)}"}
        self.strings = [s for _tag, s in hostile.ACCEPTED]
        self.tags = [tag for tag, _s in hostile.ACCEPTED]
        self.fields = 0   # text fields filled with a hostile string

    def api(self, method: str, url: str, body: Any = None, expect: tuple[int, ...] = (200, 201)) -> Any:
        response = self.client.open(f"/api/v1{url}", method=method, json=body, headers=self.headers)
        assert response.status_code in expect, f"{method} {url}: {response.status_code} {response.get_data(True)[:500]}"
        return response.get_json()

    def s(self, i: int) -> str:
        return self.strings[i % len(self.strings)]

    def all_text(self) -> str:
        return "\n".join(self.strings)

    def build(self) -> None:
        n = len(self.strings)
        self.api("PATCH", "/organization", {"name": f"Văn phòng {self.s(0)}", "parent_name": self.s(1),
                                            "city": self.s(2)})
        self.fields += 3
        meeting = self.api("POST", "/meetings", {
            "title": self.s(3), "kind": "conference", "starts_on": FIRST_DAY.isoformat(),
            "ends_on": (FIRST_DAY + timedelta(days=1)).isoformat(), "venue": self.s(4), "city": self.s(5),
            "description": self.all_text(), "status": "published"})
        self.fields += 3 + n
        self.meeting_id = meeting["id"]
        m = f"/meetings/{self.meeting_id}"
        rooms = [self.api("POST", f"{m}/rooms", {"name": self.s(i)})["id"] for i in range(n)]
        self.fields += n
        people = []
        for i in range(n):
            people.append(self.api("POST", f"{m}/participants", {
                "family_name": "Nguyễn", "middle_name": self.s(i + 7)[:120], "given_name": self.s(i)[:120],
                "honorific": "đồng chí", "title": self.s(i + 1), "unit": self.s(i + 2), "delegation": self.s(i + 3),
                "category": "delegate", "note": self.s(i + 4),
                "email": f"p{i}@example.vn"})["id"])
        self.fields += 6 * n
        self.api("PATCH", m, {"presiding_ids": people[:2], "secretary_ids": people[2:3]})
        start = datetime(FIRST_DAY.year, FIRST_DAY.month, FIRST_DAY.day, 7, 0)
        session = self.api("POST", f"{m}/agenda-items", {
            "kind": "session", "title": self.s(6), "description": self.s(8), "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(minutes=5 * n + 5)).isoformat(), "room_id": rooms[0]})["id"]
        items = []
        for i in range(n):
            at = start + timedelta(minutes=5 * i)
            items.append(self.api("POST", f"{m}/agenda-items", {
                "parent_id": session, "kind": "report", "title": self.s(i), "description": self.s(i + 9),
                "performer": self.s(i + 10), "starts_at": at.isoformat(),
                "ends_at": (at + timedelta(minutes=5)).isoformat()})["id"])
        self.fields += 2 + 3 * n
        for i in range(n):
            speech = self.api("POST", f"/agenda-items/{items[i]}/speeches", {
                "participant_id": people[i], "kind": "contributed_speech", "title": self.s(i + 11)})["id"]
            self.api("PATCH", f"/speeches/{speech}", {"summary": self.s(i + 12)})
        self.fields += 2 * n
        for i in range(n):   # the votes' questions, shown on the votes pages and (closed) in the minutes
            self.api("POST", f"/agenda-items/{items[i]}/votes", {"title": self.s(i + 40), "method": "named"})
        self.fields += n
        self.api("POST", f"{m}/releases", {"note": self.s(13)})
        self.fields += 1
        # An election: its title, decisions and candidates named in full, a round closed with its tally.
        election = self.api("POST", f"{m}/elections", {
            "body": "executive_committee", "seats": 3, "title": self.s(16), "seats_decision": self.s(17),
            "surplus_decision": self.all_text()})
        candidates = [self.api("POST", f"/elections/{election['id']}/candidates", {"full_name": self.s(i)[:300]})["id"]
                      for i in range(4)] + [self.api("POST", f"/elections/{election['id']}/candidates",
                                                     {"participant_id": people[5]})["id"]]
        held = self.api("POST", f"/elections/{election['id']}/rounds", {})
        votes = [{"candidate_id": c, "votes": v} for c, v in zip(held["candidate_ids"], [n, n, n - 1, 1, 0],
                                                                  strict=True)]
        self.api("PATCH", f"/rounds/{held['id']}", {"issued": n, "returned": n, "valid": n, "invalid": 0,
                                                    "votes": votes, "status": "closed"})
        self.export_query = {"ballots.pdf": f"?election={election['id']}",
                             "election-report.pdf": f"?election={election['id']}",
                             "election-report.docx": f"?election={election['id']}",
                             "counting-minutes.pdf": f"?round={held['id']}",
                             "counting-minutes.docx": f"?round={held['id']}"}
        self.fields += 6 + n + len(candidates) - 1
        for kind in ("minutes", "notice"):
            doc = self.api("POST", f"{m}/{kind}", {})
            changes = {}
            for number, section in enumerate(doc["sections"]):
                if section.get("kind") == "signatures":
                    changes[section["key"]] = {"left": {"name": self.s(number)}, "right": {"name": self.s(number + 1)}}
                    self.fields += 2
                elif section.get("kind") == "item":
                    changes[section["key"]] = {"discussion": self.s(number), "conclusion": self.s(number + 2),
                                               "decisions": [{"text": self.s(number + 3), "for": 3}]}
                    self.fields += 3
                elif "text" in section:
                    changes[section["key"]] = {"text": self.all_text()}
                    self.fields += n
            self.api("PATCH", f"{m}/{kind}", {"version": doc["version"], "sections": changes})
        # Where there is no API: the booklet's texts and the organization's document settings.
        page = self.client.get(f"/meetings/{self.meeting_id}/print/booklet")
        assert page.status_code == 200
        response = self.client.post_form(f"/meetings/{self.meeting_id}/print/booklet", {
            "paper": "a5", "programme_source": "draft", "version": hidden_value(page.get_data(True), "version"),
            "sections": ["foreword", "contents", "programme", "speakers", "delegates", "practical"],
            "foreword": "\n\n".join(self.strings), "foreword_signature": self.s(14),
            "practical_info": "\n".join(f"- {s}" for s in self.strings)})
        assert response.status_code == 302, response.get_data(True)[:2000]
        self.fields += 2 * n + 1
        page = self.client.get("/admin/documents")
        form = {"version": hidden_value(page.get_data(True), "version"), "numbering_period": "year"}
        for i, name in enumerate(("superior_line", "issuer_line", "recipients_last", "minutes_left_position",
                                  "minutes_right_position", "notice_right_name", "invitation_right_name")):
            form[name] = self.s(i + 15)
        form["notice_recipients"] = "\n".join(self.strings[:10])
        form["invitation_recipients"] = "\n".join(self.strings[10:20])
        response = self.client.post_form("/admin/documents", form)
        assert response.status_code == 302, response.get_data(True)[:3000]
        self.fields += 7 + 20
        # A delegate's personal page and feed.
        feed = self.api("POST", f"/participants/{people[0]}/feed-token", {})
        self.portal_urls = [urlsplit(feed["url"]).path]
        response = self.client.post_form(f"/meetings/{self.meeting_id}/invitations/links", {"which": "all"})
        assert response.status_code in (200, 302), response.status_code
        printed = self.client.get(f"/meetings/{self.meeting_id}/invitations/print?which=all").get_data(True)
        links = re.findall(r'https?://[^"<\s]+/d/[A-Za-z0-9_-]+', printed)
        self.portal_urls += sorted({urlsplit(u).path for u in links})[:3]
        assert len(self.portal_urls) >= 2, "no delegate link was made"
        # What a delegate types on their own page, with no account: the RSVP note and a request to speak.
        self.delegate_fields = 0
        for i, url in enumerate(self.portal_urls[1:]):
            rsvp = self.client.post_form(f"{url}/rsvp", {"rsvp": "accepted", "note": self.s(i + 20)})
            speak = self.client.post_form(f"{url}/speak/{items[i]}", {"title": self.s(i + 30)})
            assert rsvp.status_code == 302 and speak.status_code in (302, 409), (rsvp.status_code, speak.status_code)
            self.delegate_fields += 1 + (speak.status_code == 302)
            note = self.client.post_form(f"{url}/notes/item/{items[i]}", {f"note-item-{items[i]}-text": self.s(i + 50)})
            assert note.status_code == 302, note.status_code
            self.delegate_fields += 1
        self.fields += self.delegate_fields
        # A written consultation (forms only): its subject and question, the meeting's delegates as members,
        # and answers with an opinion through the members' links.
        response = self.client.post_form("/consultations/new", {
            "title": self.s(40)[:500], "question": self.all_text(), "classification": "none",
            "deadline_day": (date.today() + timedelta(days=30)).strftime("%d/%m/%Y"), "deadline_time": "17:00",
            "remind_hours": "24"})
        assert response.status_code == 302, response.get_data(True)[:2000]
        self.consultation_url = urlsplit(response.headers["Location"]).path
        assert self.client.post_form(f"{self.consultation_url}/members/meeting",
                                     {"meeting_id": self.meeting_id}).status_code == 302
        page = self.client.get(self.consultation_url).get_data(True)
        assert self.client.post_form(f"{self.consultation_url}/send",
                                     {"version": hidden_value(page, "version")}).status_code == 302
        page = self.client.get(self.consultation_url).get_data(True)
        links = sorted({urlsplit(u).path for u in re.findall(r'https?://[^"<\s]+/c/c_[A-Za-z0-9_-]+', page)})[:3]
        assert links, "no member link was made"
        for i, url in enumerate(links):
            answered = self.client.post_form(f"{url}/answer", {"answer": "other", "opinion": self.s(i + 40)})
            assert answered.status_code == 302, answered.status_code
        self.consultation_links = links
        self.fields += 2 + n + len(links)


@pytest.fixture
def scene(client, factory, monkeypatch):
    # Printed links and QR codes exist only with a public address configured (never the request's).
    monkeypatch.setitem(client.application.config, "PUBLIC_BASE_URL", "https://hop.example.gov.vn")
    built = Scene(client, factory)
    client.login(built.user.email)
    built.build()
    return built


def test_hostile_strings_are_inert_in_every_output(scene, client, tmp_path, record_property):
    failures: list[str] = []
    checked: dict[str, int] = {}
    n = len(scene.strings)
    m = f"/meetings/{scene.meeting_id}"

    def fail(where: str, problems: list[str]) -> None:
        failures.extend(f"{where}: {p}" for p in problems[:5])

    def count(kind: str) -> None:
        checked[kind] = checked.get(kind, 0) + 1

    def missing_tags(text: str, where: str, at_least: float = 0.9) -> None:
        found = [t for t in scene.tags if t in text]
        if len(found) < at_least * n:
            failures.append(f"{where}: only {len(found)} of {n} hostile strings found in the text")

    # Every page reachable from the meeting, the lists and the admin pages.
    queue = ["/", "/meetings", m, "/people", "/admin/organization", "/admin/documents", "/admin/audit", "/feeds",
             "/account", "/calendar/month?day=2026-12-03", "/calendar/week?day=2026-12-03",
             "/calendar/week/print?day=2026-12-03", f"{m}/participants?q=%3Cscript%3E"]
    queue += [f"{m}/minutes", f"{m}/minutes/revisions", f"{m}/speakers/live", f"{m}/door/search?q=h0",
              f"{m}/door/counts", f"{m}/occurrences", f"{m}/invitations/print"]
    queue += scene.portal_urls
    queue += ["/consultations", scene.consultation_url, *scene.consultation_links]
    seen: set[str] = set()
    shapes: dict[str, int] = {}
    downloads: set[str] = set()
    while queue and len(seen) < 400:
        url = queue.pop(0)
        path = urlsplit(url)
        if path.netloc or url in seen or not path.path.startswith("/"):
            continue
        if path.path.endswith((".ics", ".pdf", ".docx", ".xlsx", ".csv", ".zip", ".png", ".svg")) or "/exports/" \
                in path.path or "/texts/" in path.path or path.path.startswith(("/static", "/logout")):
            downloads.add(url)
            continue
        shape = re.sub(r"[0-9a-f]{32}|/\d+(?=/|$)", "/ID", path.path)
        if shapes.get(shape, 0) >= 3:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        seen.add(url)
        if os.environ.get("HOSTILE_CRAWL_LOG"):
            print("crawl", url)
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"GET {url}: {response.status_code}")
            continue
        if response.status_code in (301, 302, 303):
            queue.append(response.headers["Location"])
            continue
        if response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        count("page")
        fail(f"GET {url}", html_problems(html))
        for link in links_of(html):
            target = urljoin(url, link).split("#")[0]
            if target.startswith("http"):
                target = urlsplit(target)._replace(scheme="", netloc="").geturl()
            if target and target not in seen:
                queue.append(target)
    assert len(seen) >= 30, f"the crawl reached only {len(seen)} pages"

    # The public programme page, as anyone sees it.
    detail = scene.api("GET", m)
    public = client.get(urlsplit(detail["programme_url"]).path) if detail.get("programme_url") else None
    if public is not None:
        assert public.status_code == 200
        fail("public programme", html_problems(public.get_data(True)))
        count("page")

    # Every download of the meeting's registry.
    from planner.core import exports

    for exporter in exports.exporters("meeting"):
        response = client.get(f"{m}/exports/{exporter.name}{scene.export_query.get(exporter.name, '')}")
        where = f"export {exporter.name}"
        if response.status_code >= 500 or (response.status_code != 200 and exporter.name not in NEEDS_APPROVAL):
            failures.append(f"{where}: {response.status_code}")
            continue
        if response.status_code != 200:
            continue
        data = response.get_data()
        count(exporter.name.rsplit(".", 1)[-1])
        disposition = response.headers.get("Content-Disposition", "")
        fallback = re.search(r'filename="([^"]*)"', disposition)
        if not fallback or re.search(r'[/\\\r\n<>]', fallback.group(1)) or ".." in fallback.group(1):
            failures.append(f"{where}: unsafe Content-Disposition {disposition[:120]!r}")
        if exporter.name.endswith(".pdf"):
            text = pdf_text(data, tmp_path)
            if hostile.SENTINEL in text or "root:x:0" in text:
                failures.append(f"{where}: a template payload ran")
            if exporter.name in ("programme.pdf", "booklet.pdf", "minutes.pdf"):
                missing_tags(text.replace("\n", " "), where, 0.8)
        elif exporter.name.endswith(".docx"):
            problems, text = docx_problems(data)
            fail(where, problems)
            if hostile.SENTINEL in text:
                failures.append(f"{where}: a template payload ran")
            if exporter.name == "minutes.docx":
                missing_tags(text, where)
        elif exporter.name.endswith(".xlsx"):
            problems, text = xlsx_problems(data)
            fail(where, problems)
            missing_tags(text, where)
        elif exporter.name.endswith(".csv"):
            fail(where, csv_problems(data))
            missing_tags(data.decode("utf-8-sig"), where)
        elif exporter.name.endswith(".ics"):
            problems, text = ics_problems(data, expected_events=None)
            fail(where, problems)
            missing_tags(text, where)
        elif exporter.name.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                assert archive.testzip() is None

    # A consultation's report and result sheet (the registry's other scope).
    for exporter in exports.exporters("consultation"):
        response = client.get(f"{scene.consultation_url}/exports/{exporter.name}")
        where = f"consultation export {exporter.name}"
        if response.status_code != 200:
            failures.append(f"{where}: {response.status_code}")
            continue
        data = response.get_data()
        count(exporter.name.rsplit(".", 1)[-1])
        if exporter.name.endswith(".pdf"):
            text = pdf_text(data, tmp_path)
            if hostile.SENTINEL in text or "root:x:0" in text:
                failures.append(f"{where}: a template payload ran")
        elif exporter.name.endswith(".docx"):
            problems, text = docx_problems(data)
            fail(where, problems)
        elif exporter.name.endswith(".xlsx"):
            problems, text = xlsx_problems(data)
            fail(where, problems)
            missing_tags(text, where)

    # Calendar feeds: the meeting's download, one item, and the public feed.
    for url in [*sorted(u for u in downloads if u.endswith(".ics")), f"{m}/calendar.ics"]:
        response = client.get(url)
        if response.status_code != 200:
            failures.append(f"GET {url}: {response.status_code}")
            continue
        problems, text = ics_problems(response.get_data())
        fail(f"GET {url}", problems)
        count("ics")

    # The participants' own export links (XLSX and CSV) and the API's answers.
    for kind in ("xlsx", "csv"):
        response = client.get(f"{m}/participants/export.{kind}")
        assert response.status_code == 200, kind
        problems = xlsx_problems(response.get_data())[0] if kind == "xlsx" else csv_problems(response.get_data())
        fail(f"participants export.{kind}", problems)
        count(kind)
    participants = scene.api("GET", f"{m}/participants?limit=500")
    given = {p["given_name"] for p in participants["items"]}
    for s in scene.strings:
        if normalize(s)[:120] not in given:
            failures.append(f"API: the given name {normalize(s)[:40]!r} did not come back as stored")
    count("json")
    for url in (m, f"{m}/agenda-items", f"{m}/rooms", f"{m}/minutes", f"{m}/notice", "/organization",
                f"{m}/conflicts", f"{m}/releases"):
        scene.api("GET", url)
        count("json")

    outputs = sum(checked.values())
    record_property("hostile_strings", n)
    record_property("outputs_checked", outputs)
    print(f"\nhostile corpus: {n} strings in {scene.fields} text fields; {outputs} outputs checked "
          f"({', '.join(f'{k}: {v}' for k, v in sorted(checked.items()))}); "
          f"{n * outputs} string × output checks")
    assert not failures, "\n".join(failures[:60])


needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdftotext) is not installed")
test_hostile_strings_are_inert_in_every_output = needs_poppler(test_hostile_strings_are_inert_in_every_output)


# The checkers themselves catch what they are for (a check that cannot fail proves nothing).

def test_the_html_check_sees_live_markup():
    assert html_problems("<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;img onerror=x&gt;</p>") == []
    assert html_problems("<p><script>alert(1)</script></p>")
    assert html_problems('<p><img src=x onerror="alert(1)"></p>')
    assert html_problems('<a href=" javascript:alert(1)">x</a>')
    assert html_problems("<title></title><xss-probe></xss-probe>")
    assert html_problems(f"<p>{hostile.SENTINEL}</p>")
    assert html_problems('<script type="application/json">{"a": "</script><script>x</script>"}</script>')


def test_the_spreadsheet_and_calendar_checks_see_injection():
    assert csv_problems(b"name\n'=1+2\n") == []
    assert csv_problems(b"name\n=1+2\n")
    assert csv_problems(b"name\n\"\t=1+2\"\n")
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = "=1+2"
    out = io.BytesIO()
    workbook.save(out)
    assert xlsx_problems(out.getvalue())[0]
    good = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTAMP:20260101T000000Z\r\n"
            b"SUMMARY:H\xe1\xbb\x8dp\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    assert ics_problems(good, expected_events=1)[0] == []
    injected = good.replace(b"SUMMARY:H\xe1\xbb\x8dp\r\n", b"SUMMARY:x\r\nBEGIN:VALARM\r\nTRIGGER:-PT1M\r\n"
                                                           b"ACTION:DISPLAY\r\nEND:VALARM\r\n")
    assert ics_problems(injected)[0]
    assert ics_problems(good.replace(b"SUMMARY:H", b"SUMMARY:" + b"x" * 80))[0]
