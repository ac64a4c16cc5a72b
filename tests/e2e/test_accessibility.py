"""Accessibility of the main pages in a real Chromium, on the demo data (a conference of 304 delegates).

axe-core (Deque's rules engine, from tests/e2e/node, installed by `make test` and .ci/run with
`npm ci --prefix tests/e2e/node`) checks home, meetings, agenda editor and item form, participants,
minutes, check-in desk, statistics, public programme, delegate page and hall display at 1366×900 and
390×844 against WCAG 2.0/2.1/2.2 A and AA and its best practices; no page may repeat an id. What axe
does not measure is measured here from Chromium's computed styles: the focus indicator and field borders
have 3:1 against what is behind them (WCAG 2.2, 1.4.11 and 2.4.13's ratio), chart text stays at least
12 px on a phone, the delegate page's small controls are at least 24 px (2.5.8), the hall display shows
every line whole on a portrait phone, and a keyboard alone adds an agenda item with two presiding
persons in fewer than 15 key presses."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from planner.core.text import fold
from planner.extensions import db, limiter
from tests.conftest import wipe
from tests.e2e.conftest import PHONE
from tests.e2e.tabs import leave

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "node" / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1366, "height": 900}
SIZES = {"desktop": DESKTOP, "phone": PHONE}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]

# Colour helpers evaluated in the page: the effective background behind an element, and WCAG contrast.
COLOR_JS = (Path(__file__).parent / "contrast.js").read_text(encoding="utf-8")


# Each area has its own stylesheet (css/<area>.css): a page that shows an element styled by a sheet it
# does not load is missing a {% block styles %} (or the rule belongs in css/app.css).
CSS_DIR = Path(__file__).resolve().parents[2] / "planner" / "static" / "css"


def _selectors(css: str) -> list[str]:
    """The selectors of a stylesheet, without pseudo-classes and pseudo-elements (so that :hover and
    ::before rules count as used where their element is)."""
    text = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    found: list[str] = []
    for selector, _body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        for one in selector.split(","):
            one = re.sub(r"::?[a-zA-Z-]+(\([^)]*\))?", "", one).strip()
            if one and not one.startswith("@") and not re.fullmatch(r"[\d.%\s]+|from|to", one):
                found.append(one)
    return sorted(set(found))


@pytest.fixture(scope="module")
def sheet_selectors() -> dict[str, list[str]]:
    return {path.name: _selectors(path.read_text(encoding="utf-8")) for path in sorted(CSS_DIR.glob("*.css"))}


MISSING_SHEETS_JS = """(sheets) => {
  const loaded = new Set(Array.from(document.styleSheets).map(s => (s.href || '').split('/').pop()
    .replace(/\\.[0-9a-f]{12}\\.css$/, '.css')));
  const out = {loaded: Array.from(loaded), missing: []};
  for (const [name, selectors] of Object.entries(sheets)) {
    const hits = selectors.filter(s => {
      try { return document.querySelector(s) !== null; } catch (e) { return false; }
    });
    if (!loaded.has(name) && hits.length) out.missing.push(name + ': ' + hits.slice(0, 5).join(' | '));
  }
  return out;
}"""


def _login(page, email: str, password: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/$"))


@pytest.fixture(autouse=True)
def _isolated():
    """The demo data serves every test of this module; `demo` empties the database once, at the end."""
    yield


@pytest.fixture(scope="module")
def demo(app):
    from planner import demo as demo_data
    from planner.delegates.models import Participant
    from planner.invitations import services as invitations
    from planner.meetings.models import Meeting
    from planner.speeches import services as speech_services

    wipe(app)
    with app.test_request_context():
        demo_data.seed()
        meeting, count = db.session.execute(
            select(Meeting, func.count(Participant.id)).join(Participant).group_by(Meeting.id)
            .order_by(func.count(Participant.id).desc())).first()
        delegate = db.session.scalars(select(Participant).where(Participant.meeting_id == meeting.id)
                                      .order_by(Participant.precedence)).first()
        secret = invitations.ensure_link(delegate)
        _display, token = speech_services.create_display(meeting, user=None, name="axe")
        db.session.commit()
        people = [(p.public_id, p.full_name) for p in db.session.scalars(
            select(Participant).where(Participant.meeting_id == meeting.id)
            .order_by(Participant.precedence, Participant.id))]
        login = demo_data.LOGINS[0]
        scene = {"meeting": meeting.public_id, "count": count, "public": f"/p/{meeting.public_code}",
                 "delegate": f"/d/{secret}", "hall": f"/hall/{token}", "people": people,
                 "email": login.email, "password": login.password}
    yield scene
    wipe(app)
    with app.app_context():
        limiter.reset()


def _pages(demo) -> dict[str, str]:
    m = demo["meeting"]
    return {
        "home": "/", "meetings": "/meetings", "agenda": f"/meetings/{m}/agenda",
        "agenda item form": f"/meetings/{m}/agenda/new", "timetable": f"/meetings/{m}/agenda/timetable",
        "participants": f"/meetings/{m}/participants",
        "minutes": f"/meetings/{m}/minutes", "check-in desk": f"/meetings/{m}/door", "statistics": "/reports",
        "speakers": f"/meetings/{m}/speakers", "public programme": demo["public"],
        "delegate page": demo["delegate"], "hall display": demo["hall"],
    }


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `npm ci --prefix tests/e2e/node` (make test does)")
    return AXE.read_text(encoding="utf-8")


def _context(browser, live_server, size):
    context = browser.new_context(viewport=size, base_url=live_server.url, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(20_000)
    return context


def _axe_problems(page, name: str, size_name: str, axe_source: str, sheet_selectors, artifacts,
                  full_page: bool = True) -> list[str]:
    """What is wrong with the page as it is now: axe's WCAG violations, repeated ids, elements styled by a
    sheet the page does not load (a screenshot of it goes to tests/artifacts/ first)."""
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(artifacts / f"a11y-{name.replace(' ', '-')}-{size_name}.png"), full_page=full_page)
    page.evaluate(axe_source + "\n;0")  # evaluated, not injected: the page's CSP stays strict
    violations = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
        ".map(v => ({id: v.id, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))",
        TAGS)
    failures = [f"{name} ({size_name}): {v['id']} — {v['help']}: {v['nodes']}" for v in violations]
    repeated = page.evaluate(
        "() => { const n = {}; document.querySelectorAll('[id]').forEach(e => n[e.id] = (n[e.id] || 0) + 1);"
        " return Object.keys(n).filter(k => n[k] > 1); }")
    if repeated:
        failures.append(f"{name} ({size_name}): repeated ids {repeated[:10]}")
    sheets = page.evaluate(MISSING_SHEETS_JS, sheet_selectors)
    failures += [f"{name} ({size_name}): styled by a sheet it does not load: {m}" for m in sheets["missing"]]
    if name == "hall display":
        assert sorted(sheets["loaded"]) == ["app.css", "hall.css"], sheets["loaded"]
    return failures


def test_main_pages_pass_axe_repeat_no_id_and_load_the_styles_they_use(browser, live_server, demo, axe_source,
                                                                       artifacts, sheet_selectors):
    failures: list[str] = []
    checked = 0
    for size_name, size in SIZES.items():
        context = _context(browser, live_server, size)
        page = context.new_page()
        _login(page, demo["email"], demo["password"])
        for name, path in _pages(demo).items():
            response = page.goto(path)
            assert response is not None and response.status == 200, f"{name}: {path} answered {response.status}"
            failures += _axe_problems(page, name, size_name, axe_source, sheet_selectors, artifacts,
                                      full_page=name != "hall display")
            checked += 1
        context.close()
    assert checked == 2 * len(_pages(demo))
    assert not failures, "\n".join(failures)


def _focus_walk(page, stops: int) -> list[dict]:
    """Tab through the page; for each focused element: its focus indicator against what is behind it."""
    page.evaluate(COLOR_JS)
    seen = []
    for _ in range(stops):
        page.keyboard.press("Tab")
        found = page.evaluate("""() => {
          const el = document.activeElement; if (!el || el === document.body) return null;
          // Chromium may leave a time field active without :focus between its hour and minute parts after
          // several Tabs in a row: focus it again (as one Tab from the field before does) to read its style.
          if (!el.matches(':focus')) el.focus();
          const s = getComputedStyle(el); const A = window.__a11y; const bg = A.behind(el.parentElement || el);
          const ring = A.parse(s.outlineColor); const halo = A.parse(s.boxShadow);
          const cls = typeof el.className === 'string' && el.className ? '.' + el.className.split(' ')[0] : '';
          return {what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + cls,
                  style: s.outlineStyle, width: parseFloat(s.outlineWidth),
                  ring: ring && s.outlineStyle !== 'none' ? A.ratio(ring, bg) : 0,
                  halo: halo && s.boxShadow !== 'none' ? A.ratio(halo, bg) : 0};
        }""")
        if found:
            seen.append(found)
    return seen


def test_focus_is_seen_and_fields_have_edges(browser, live_server, demo):
    context = _context(browser, live_server, DESKTOP)
    page = context.new_page()
    _login(page, demo["email"], demo["password"])
    problems = []
    for name in ("home", "agenda item form", "participants", "delegate page", "hall display", "check-in desk"):
        page.goto(_pages(demo)[name])
        page.wait_for_load_state("networkidle")
        walk = _focus_walk(page, 25)
        assert walk, f"{name}: Tab focuses nothing"
        for stop in walk:
            best = max(stop["ring"], stop["halo"])
            if stop["style"] == "none" or stop["width"] < 2 or best < 3:
                problems.append(f"{name}: {stop['what']} focus {stop['style']} {stop['width']}px, "
                                f"contrast ring {stop['ring']:.2f}, halo {stop['halo']:.2f} (< 3:1)")
        if name == "home":
            # The ring alone is 3:1 or more on the light pages (the halo is for the red bar and dark screens).
            assert any(stop["ring"] >= 3 for stop in walk), walk
        edges = page.evaluate("""() => { const A = window.__a11y; return Array.from(document.querySelectorAll(
            'input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=submit]), select, textarea'))
            .filter(e => e.offsetParent !== null)
            .map(e => ({what: e.name || e.id,
                        ratio: A.ratio(A.parse(getComputedStyle(e).borderTopColor), A.behind(e.parentElement))}));
        }""")
        problems += [f"{name}: field {e['what']} border {e['ratio']:.2f} (< 3:1)" for e in edges if e["ratio"] < 3]
    context.close()
    assert not problems, "\n".join(problems)


def test_after_a_wrong_password_focus_is_on_the_password(page, demo):
    page.goto("/login")
    page.fill("input[name=email]", demo["email"])
    page.fill("input[name=password]", "not-the-password")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector(".has-error")
    assert page.evaluate("document.activeElement.name") == "password"
    assert page.evaluate("document.activeElement.getAttribute('aria-invalid')") == "true"


def test_phone_pages_keep_text_and_targets_large_enough(browser, live_server, demo):
    context = _context(browser, live_server, PHONE)
    page = context.new_page()
    _login(page, demo["email"], demo["password"])
    page.evaluate(COLOR_JS)
    # Statistics: every chart label at least 12 px on screen; every bar 3:1 against white.
    page.goto("/reports")
    page.evaluate(COLOR_JS)
    sizes = page.evaluate("""() => Array.from(document.querySelectorAll('svg.chart text'))
        .filter(t => t.getClientRects().length)
        .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)""")
    assert sizes and min(sizes) >= 12, f"chart text at {min(sizes):.1f}px on a 390px screen"
    bars = page.evaluate("""() => Array.from(document.querySelectorAll('svg.chart rect.chart-bar'))
        .filter(r => r.getClientRects().length)
        .map(r => window.__a11y.ratio(window.__a11y.parse(getComputedStyle(r).fill), {r: 255, g: 255, b: 255}))""")
    assert bars and min(bars) >= 3, f"a bar colour has {min(bars):.2f}:1 against white"
    # Sign-out at least 24 px high.
    page.locator(".nav-toggle").click()
    box = page.locator(".nav-user .link-button").bounding_box()
    assert box and box["height"] >= 24 and box["width"] >= 24, box
    # The delegate page: language buttons, "ask to speak" toggles, answer buttons.
    page.goto(demo["delegate"])
    small = page.evaluate("""() => Array.from(document.querySelectorAll(
        '.lang-switch button, .dp-speak summary, .rsvp-buttons button, .delegate-page main button'))
        .filter(e => e.getClientRects().length)
        .map(e => { const r = e.getBoundingClientRect();
                    return {what: e.textContent.trim().slice(0, 30), w: r.width, h: r.height}; })
        .filter(b => b.w < 24 || b.h < 24)""")
    assert not small, small
    assert page.locator(".dp-speak summary").count() > 1
    context.close()


@pytest.mark.parametrize("size", [PHONE, {"width": 1080, "height": 1920}, DESKTOP, {"width": 1024, "height": 600}],
                         ids=["phone", "portrait-screen", "desktop", "small-landscape"])
def test_the_hall_display_shows_every_line_whole(browser, live_server, demo, size, artifacts):
    context = _context(browser, live_server, size)
    page = context.new_page()
    page.goto(demo["hall"])
    expect(page.locator("[data-field=time]")).to_have_text(re.compile(r"\d"))  # the state has come
    page.screenshot(path=str(artifacts / f"a11y-hall-{size['width']}x{size['height']}.png"))
    clipped = page.evaluate("""() => Array.from(document.querySelectorAll('.hall-screen p, .hall-screen h1'))
        .filter(e => e.getClientRects().length && e.textContent.trim())
        .map(e => { const r = e.getBoundingClientRect();
          return {what: e.className || e.dataset.field, text: e.textContent.trim().slice(0, 40),
                  over: e.scrollWidth - e.clientWidth, left: r.left, right: r.right - innerWidth,
                  bottom: r.bottom - innerHeight}; })
        .filter(e => e.over > 1 || e.left < -1 || e.right > 1 || e.bottom > 1)""")
    context.close()
    assert not clipped, clipped


def test_the_check_in_desk_loads_the_qr_reader_only_when_scan_is_pressed(browser, live_server, demo):
    context = _context(browser, live_server, PHONE)
    page = context.new_page()
    _login(page, demo["email"], demo["password"])
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"/meetings/{demo['meeting']}/door")
    page.wait_for_load_state("networkidle")
    assert not [u for u in requested if "jsQR" in u], requested
    scan = page.locator("[data-scan]")
    if not scan.is_visible():
        pytest.fail("the Scan button is hidden: this Chromium offers no camera API")
    with page.expect_request(re.compile(r".*/static/vendor/jsqr/jsQR.*\.js$")):
        scan.click()
    # (no wait_for_function: its polling evaluates strings, which the page's CSP forbids)
    for _ in range(100):
        if page.evaluate("typeof window.jsQR") == "function":
            break
        page.wait_for_timeout(100)
    assert page.evaluate("typeof window.jsQR") == "function", "the QR reader did not load"
    context.close()


def _query_for(people: list[tuple[str, str]], target: int) -> str | None:
    """The shortest query (starts of one or two words of the target's name) that people-picker.js ranks
    first for the target: the same ranking (every word in the name, the first at a word's start, before
    the rest; protocol order within each)."""
    names = [" " + fold(name) for _id, name in people]
    words = names[target].split()

    def first(query: str) -> bool:
        parts = query.split()
        hits = [i for i, n in enumerate(names) if all(p in n for p in parts)]
        ranked = [i for i in hits if " " + parts[0] in names[i]] + [i for i in hits if " " + parts[0] not in names[i]]
        return bool(ranked) and ranked[0] == target

    queries = {w[:k] for w in words for k in range(2, 6)}
    queries |= {f"{a[:k]} {b[:j]}" for a in words for b in words if a != b for k in range(1, 4) for j in range(1, 4)}
    for query in sorted(queries, key=lambda q: (len(q), q)):
        if first(query):
            return query
    return None  # a namesake ranks first whatever is typed: choose another person


def test_keyboard_adds_an_item_with_two_presiding_persons_in_few_key_presses(page, app, demo):
    from planner.agenda.models import AgendaItem

    people = demo["people"]
    assert len(people) >= 300
    # Two persons from the second half of the protocol list, each with the shortest query that finds them first.
    found = {i: _query_for(people, i) for i in range(len(people) // 2, len(people))}
    (_, first), (_, second) = sorted((len(q), i) for i, q in found.items() if q)[:2]
    queries = [found[first], found[second]]
    _login(page, demo["email"], demo["password"])
    page.goto(f"/meetings/{demo['meeting']}/agenda/new")
    page.wait_for_selector(".picker-input")
    assert page.evaluate("document.activeElement.id") == "title", "the form opens with the title focused"

    presses = 0

    def press(key: str) -> None:
        nonlocal presses
        presses += 1
        page.keyboard.press(key)

    def type_(text: str) -> None:
        nonlocal presses
        presses += len(text)
        page.keyboard.type(text)

    type_("Họp")
    press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('role')") == "combobox"
    for query, index in zip(queries, (first, second), strict=True):
        type_(query)
        active = page.locator(".picker-option[aria-selected=true]")
        assert active.inner_text().startswith(people[index][1]), (query, active.inner_text())
        press("Enter")
    chips = page.locator(".picker-chip").all_inner_texts()
    assert [c.split("\n")[0].split(" — ")[0].rstrip("×").strip() for c in chips] == \
        [people[first][1], people[second][1]]
    with page.expect_navigation():
        press("Enter")  # the list is closed: Enter submits the form
    assert presses < 15, f"{presses} key presses"
    assert page.locator(".flashes").inner_text().find("Họp") >= 0
    with app.app_context():
        item = db.session.scalars(select(AgendaItem).where(AgendaItem.title == "Họp")).one()
        assert sorted(p.public_id for p in item.presiding) == sorted([people[first][0], people[second][0]])
    print(json.dumps({"key_presses": presses, "queries": queries}))


def test_job_pages_pass_axe_while_the_job_runs_and_once_it_failed(browser, live_server, app, factory, held_jobs,
                                                                   monkeypatch, axe_source, artifacts,
                                                                   sheet_selectors):
    """The Dossier tab of a big meeting while its job runs and once it failed (the one job box of
    templates/_job.html, which the booklet's preview shows too): its own small conference, the job held
    (no worker: the page shows the state it is given)."""
    from planner.core.queue import Job
    from tests.archive.conftest import dossier_scene
    from tests.conftest import PASSWORD

    monkeypatch.setitem(app.config, "DOSSIER_SYNC_LIMIT", 5)
    scene = dossier_scene(app, factory, logins=True)
    held_jobs.hold("archive.dossier")
    tab = f"/meetings/{scene.meeting_id}/dossier"
    failures: list[str] = []
    states = {"running": {"state": "running", "done": 3},
              "failed": {"state": "failed", "error": "Công việc bị dừng do lỗi kỹ thuật (thông tin cho quản trị "
                                                      "viên: OSError: [Errno 28] No space left on device)."}}
    for size_name, size in SIZES.items():
        context = _context(browser, live_server, size)
        page = context.new_page()
        _login(page, scene.organizer.email, PASSWORD)
        if size_name == "desktop":
            page.goto(tab)
            page.locator("form[action$='/dossier/build'] button").click()
        for state, values in states.items():
            # Leave the tab first: its box reloads the page by itself once the job has ended, which would race
            # the goto below (net::ERR_ABORTED).
            leave(page)
            with app.app_context():
                db.session.execute(db.update(Job).where(Job.kind == "archive.dossier").values(**values))
                db.session.commit()
            page.goto(tab)
            expect(page.locator(".job")).to_have_attribute("data-state", state)
            failures += _axe_problems(page, f"dossier job {state}", size_name, axe_source, sheet_selectors, artifacts)
        context.close()
    assert not failures, "\n".join(failures)


def test_an_open_votes_page_passes_axe_with_its_live_line_speaking(browser, live_server, app, axe_source, artifacts,
                                                                   sheet_selectors):
    """An open named vote's page (the roll's choice buttons, the count the script keeps current) with a refusal
    said in its live line, as the clerk sees it when a choice could not be recorded."""
    from tests.conftest import PASSWORD
    from tests.e2e.test_vote_page import build

    data = build(app)
    failures: list[str] = []
    for size_name, size in SIZES.items():
        context = _context(browser, live_server, size)
        page = context.new_page()
        _login(page, data["email"], PASSWORD)
        page.goto(f"/meetings/{data['meeting']}/votes/{data['vote']}")
        page.locator(f"#roll-{data['delegates'][0]} .choice-yes").click()
        expect(page.locator(f"#roll-{data['delegates'][0]} .choice-yes")).to_have_attribute("aria-pressed", "true")
        page.evaluate("() => { const line = document.getElementById('vote-live');"
                      " line.textContent = 'Mất kết nối. Vui lòng thử lại.'; line.classList.add('is-error'); }")
        failures += _axe_problems(page, "open vote", size_name, axe_source, sheet_selectors, artifacts)
        context.close()
    assert not failures, "\n".join(failures)
