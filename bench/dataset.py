"""Deterministic benchmark datasets S, M and L, loaded through the services.

    .venv/bin/python -m bench.dataset L [--seed 1] [--database-url URL] [--anchor 2026-11-24]

L is one organization (a provincial Party committee's office) with five years of meetings: a weekly
briefing (one recurring meeting with a few moved and cancelled occurrences), monthly standing meetings
and quarterly conferences, each with its delegates and agenda; and one three-day congress with 6 rooms,
400 agenda items (sessions with their items and presiding persons), 600 speeches, 3,000 participants
with Vietnamese names, titles and units, in delegations and categories, some with precedence; a
published release of its agenda and a later change; a minutes draft; feed tokens; and a user of each
role. S and M have the same shape, smaller.

Everything goes through planner/*/services.py, using their bulk paths (the participants import, the
agenda's batch of items, the speakers' batch), so the data obeys every rule a user meets; nothing is
written by raw SQL. Names and structure come from ``random.Random(seed)``; the dates are laid around
``anchor`` (default: today), so that the congress sits today (its second day) and the check-in desk and
the feeds have something to do. Public ids and tokens are random: read them from the ``Dataset``.

``build(size, seed)`` runs inside an app context (it opens a test request context for the URLs it
needs) on an empty or populated database; it answers a Dataset with what benchmarks and tests use.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
import time as clock
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from bench import names as N

ROLES = ("admin", "organizer", "secretary", "viewer")
CLEARANCE = {"admin": "secret", "organizer": "confidential", "secretary": "internal", "viewer": "internal"}
CONGRESS_DAYS = 3
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
PASSWORD = "correct-horse-battery-42"  # noqa: S105 - the benchmark's users (the tests' password too)


@dataclass(frozen=True)
class Size:
    history_months: int     # months of meetings before the congress (weekly, monthly, quarterly)
    future_months: int      # and after it
    items: int              # agenda items of the congress (sessions included)
    speeches: int
    participants: int
    personal_feeds: int     # delegates with a personal feed link
    check_ins: int          # delegates checked in on the congress's first day
    standing_people: int    # delegates of a monthly standing meeting
    conference_people: int  # of a quarterly conference


SIZES = {
    "S": Size(history_months=1, future_months=1, items=20, speeches=30, participants=100, personal_feeds=5,
              check_ins=40, standing_people=12, conference_people=30),
    # S with more of everything, for the query budget test (no N+1 anywhere): its 600 participants and 540
    # speeches are more than SQLAlchemy's selectin batch of 500, so that a list loaded in batches shows too.
    "S+": Size(history_months=3, future_months=1, items=60, speeches=540, participants=600, personal_feeds=10,
               check_ins=120, standing_people=14, conference_people=40),
    "M": Size(history_months=12, future_months=2, items=120, speeches=180, participants=900, personal_feeds=20,
              check_ins=150, standing_people=15, conference_people=60),
    "L": Size(history_months=60, future_months=3, items=400, speeches=600, participants=3000, personal_feeds=50,
              check_ins=300, standing_people=15, conference_people=80),
}


@dataclass
class Login:
    role: str
    email: str
    password: str
    id: int
    public_id: str


@dataclass
class Dataset:
    """What the benchmarks and tests need to reach the data (ids, public ids, URL paths, logins)."""

    size: str
    seed: int
    anchor: date
    organization_id: int
    organization_public_id: str
    organization_name: str
    users: dict[str, Login]
    congress_id: int
    congress_public_id: str
    congress_code: str                  # the public programme page is /p/<code>
    congress_days: list[date]
    briefing_public_id: str
    week_start: date                    # a Monday: the work calendar's week with the congress in it
    checkin_participant_public_id: str  # a delegate not yet checked in today
    checkin_badge_code: str
    search_term: str                    # a delegate search that finds a handful of namesakes
    speaker_participant_public_id: str  # a delegate who presides and speaks (the personal feed's owner)
    meeting_feed_path: str              # /feeds/m/<token>.ics
    personal_feed_path: str             # /feeds/p/<token>.ics
    user_feed_path: str                 # /feeds/u/<token>.ics (the organizer's)
    public_feed_path: str               # /feeds/public/<code>.ics
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def programme_path(self) -> str:
        return f"/p/{self.congress_code}"

    def to_json(self) -> str:
        return json.dumps(asdict(self), default=str, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Dataset:
        """A dataset saved by ``--save`` (load once, measure many times)."""
        data = json.loads(text)
        data["anchor"] = date.fromisoformat(data["anchor"])
        data["congress_days"] = [date.fromisoformat(d) for d in data["congress_days"]]
        data["week_start"] = date.fromisoformat(data["week_start"])
        data["users"] = {role: Login(**login) for role, login in data["users"].items()}
        return cls(**data)


@dataclass(frozen=True)
class Listed:
    """A participant of the congress as the load remembers it."""

    id: int
    public_id: str
    category: str
    family_name: str
    given_name: str


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights=weights)[0]


class People:
    """Makes distinct people (no two with the same name in the same unit: the import would refuse them)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.seen: set[tuple[str, str]] = set()
        self.n = 0

    def name(self, unit: str) -> tuple[str, str, str, bool]:
        from planner.core.text import fold

        while True:
            woman = self.rng.random() < N.WOMEN_SHARE
            family = _weighted(self.rng, N.FAMILY)
            middle = _weighted(self.rng, N.MIDDLE_WOMEN if woman else N.MIDDLE_MEN)
            given = self.rng.choice(N.GIVEN_WOMEN if woman else N.GIVEN_MEN)
            key = (fold(f"{family} {middle} {given}"), fold(unit))  # the importer's notion of "the same"
            if key not in self.seen:
                self.seen.add(key)
                return family, middle, given, woman

    def row(self, *, title: str, unit: str, category: str, delegation: str = "", precedence: int | None = None,
            honorific: str = "") -> dict[str, str]:
        family, middle, given, woman = self.name(unit)
        self.n += 1
        row = {"family_name": family, "middle_name": middle, "given_name": given, "title": title, "unit": unit,
               "category": category, "delegation": delegation,
               "precedence": "" if precedence is None else str(precedence),
               "honorific": honorific or ("bà" if woman and category in ("guest", "press") else "đồng chí"),
               "email": "", "phone": ""}
        if self.rng.random() < 0.3:
            row["email"] = f"daibieu{self.n:05d}@{N.PROVINCE.lower().replace(' ', '')}.example.vn".replace("ệ", "e")
        if self.rng.random() < 0.6:
            row["phone"] = f"09{self.rng.randrange(10**8):08d}"
        return row


# The congress's delegate list ---------------------------------------------------------------------

def congress_rows(rng: random.Random, people: People, count: int) -> list[dict[str, str]]:
    """``count`` participants: guests and leaders of high rank, a delegation of every district and body
    (heads with precedence, the others ranked by their title), the press, observers and staff."""
    province = N.PROVINCE
    rows = [people.row(title=t, unit=u.format(province=province), category=c, precedence=p, honorific=h)
            for c, t, u, p, h in N.GUESTS]
    rows += [people.row(title=t.format(province=province), unit=u.format(province=province), category="leader",
                        precedence=p) for t, u, p in N.LEADERS]
    press = max(2, count * 3 // 100)
    staff = max(2, count * 3 // 100)
    observers = max(2, count * 2 // 100)
    delegates = count - len(rows) - press - staff - observers
    delegations: list[tuple[str, tuple]] = (
        [(f"Đoàn đại biểu Đảng bộ {level} {place}", ("district", body, level, place))
         for body, level, place in N.DISTRICTS]
        + [(f"Đoàn đại biểu {body}", ("body", body)) for body in N.BODIES])
    per = [delegates // len(delegations) + (1 if i < delegates % len(delegations) else 0)
           for i in range(len(delegations))]
    for (delegation, what), size in zip(delegations, per, strict=True):
        titles = N.DELEGATION_TITLES if what[0] == "district" else N.BODY_TITLES
        for n in range(size):
            # The heads in order, then the other titles at random (many namesakes of a title, as in life).
            title, unit, precedence = titles[n] if n < len(titles) else rng.choice(titles[len(titles) // 2:])
            if precedence is not None and n >= len(titles):
                precedence = None
            if what[0] == "district":
                _kind, body, level, place = what
                fill = {"body": body, "level": level, "place": place, "commune": rng.choice(N.COMMUNES),
                        "n": rng.randrange(1, 15)}
            else:
                fill = {"body": what[1]}
            rows.append(people.row(title=title.format(**fill), unit=unit.format(**fill), category="delegate",
                                   delegation=delegation, precedence=precedence))
    for n in range(press):
        rows.append(people.row(title="Phóng viên", unit=N.PRESS[n % len(N.PRESS)], category="press"))
    for n in range(observers):
        unit = N.OBSERVER_UNITS[n % len(N.OBSERVER_UNITS)].format(province=province)
        rows.append(people.row(title="Đại biểu dự thính", unit=unit, category="observer"))
    for n in range(staff):
        rows.append(people.row(title=N.STAFF_TITLES[n % len(N.STAFF_TITLES)],
                               unit=f"Văn phòng Tỉnh ủy {province}", category="staff"))
    return rows[:count]


CSV_HEADERS = {"family_name": "Họ", "middle_name": "Tên đệm", "given_name": "Tên", "honorific": "Xưng hô",
               "title": "Chức vụ", "unit": "Đơn vị", "delegation": "Đoàn", "category": "Thành phần",
               "precedence": "Thứ tự", "email": "Email", "phone": "Điện thoại"}
CATEGORY_WORDS = {"guest": "Khách mời", "leader": "Lãnh đạo", "delegate": "Đại biểu", "press": "Báo chí",
                  "staff": "Phục vụ", "observer": "Dự thính"}


def participants_csv(rows: list[dict[str, str]]) -> bytes:
    """The list as an office would upload it: a CSV with Vietnamese headers and category words."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADERS.values())
    for row in rows:
        writer.writerow([CATEGORY_WORDS[row[k]] if k == "category" else row[k] for k in CSV_HEADERS])
    return buffer.getvalue().encode("utf-8")


# The congress's agenda ---------------------------------------------------------------------------

HALVES = ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0)))
SPEAKING = ("report", "contributed_speech", "contributed_speech", "discussion", "contributed_speech", "report",
            "discussion", "contributed_speech")


def congress_agenda(rng: random.Random, days: list[date], rooms: list[str], leaders: list[str],
                    units: list[str], total: int) -> list[dict]:
    """``total`` rows for agenda.services.create_items: a lunch break each day, and sessions in the six
    rooms over the days' mornings and afternoons, the hall's first, each with its items, presiding
    persons and performers; a few items internal, a few cancelled."""
    from planner.core.models import new_public_id

    rows: list[dict] = []
    for day in days:
        rows.append({"kind": "break", "title": "Nghỉ trưa", "starts_at": datetime.combine(day, time(11, 30)),
                     "ends_at": datetime.combine(day, time(13, 30))})
    slots = [(room, day, half) for room in range(len(rooms)) for day in range(len(days)) for half in range(2)]
    body = total - len(rows)
    sessions = min(len(slots), max(len(days), body // 10))
    children = body - sessions
    slots = sorted(slots[:sessions], key=lambda s: (s[1], s[2], s[0]))
    work = 0
    for number, (room, day, half) in enumerate(slots):
        count = children // sessions + (1 if number < children % sessions else 0)
        start, end = (datetime.combine(days[day], t) for t in HALVES[half])
        hall = room == 0
        if hall:
            work += 1
            title = "Phiên khai mạc" if number == 0 else (
                "Phiên bế mạc" if number == len(slots) - 1 else f"Phiên làm việc thứ {work}")
        else:
            title = f"Thảo luận tại Tổ {room + 6 * (day * 2 + half)}: {rng.choice(N.TOPICS)}"
        session_id = new_public_id()
        presiding = rng.sample(leaders[:6], 3) if hall else [rng.choice(leaders[6:] or leaders)]
        rows.append({"public_id": session_id, "kind": "session", "title": title, "starts_at": start, "ends_at": end,
                     "room_id": rooms[room], "presiding_ids": presiding, "performer": "Đoàn Chủ tịch Đại hội"
                     if hall else "Tổ trưởng tổ thảo luận"})
        step = (end - start) / max(count, 1)
        kinds = _session_kinds(count, first=number == 0, last=number == len(slots) - 1, hall=hall)
        for i, kind in enumerate(kinds):
            item_start = start + step * i
            topic = rng.choice(N.TOPICS)
            unit = rng.choice(units)
            item = {"parent_id": session_id, "kind": kind, "starts_at": item_start, "ends_at": item_start + step,
                    "title": _item_title(kind, topic, unit), "performer": _performer(kind, unit)}
            if kind in ("opening", "conclusion", "directive_speech") or rng.random() < 0.05:
                item["presiding_ids"] = [leaders[0]] if kind != "directive_speech" else [leaders[1]]
            if kind != "break" and rng.random() < 0.03:
                item["classification"] = "internal"
            if kind != "break" and rng.random() < 0.02:
                item["status"] = "cancelled"
            rows.append(item)
    return rows


def _session_kinds(count: int, *, first: bool, last: bool, hall: bool) -> list[str]:
    head = ["ceremony", "ceremony", "opening", "report", "report"] if first else []
    tail = ["directive_speech", "conclusion", "closing"] if last else []
    middle = max(0, count - len(head) - len(tail))
    pattern = SPEAKING if hall else ("discussion", "contributed_speech", "discussion")
    body = [pattern[i % len(pattern)] for i in range(middle)]
    if middle >= 5:
        body[middle // 2] = "break"
    return (head + body + tail)[:count] if count < len(head) + len(tail) else head + body + tail


def _item_title(kind: str, topic: str, unit: str) -> str:
    return {
        "ceremony": "Chào cờ; tuyên bố lý do, giới thiệu đại biểu",
        "opening": "Diễn văn khai mạc Đại hội",
        "report": f"Báo cáo: {topic}",
        "contributed_speech": f"Tham luận của {unit}: {topic}",
        "discussion": f"Thảo luận: {topic}",
        "break": "Giải lao",
        "directive_speech": "Phát biểu chỉ đạo của đồng chí lãnh đạo Trung ương",
        "conclusion": "Thông qua Nghị quyết Đại hội",
        "closing": "Bế mạc Đại hội",
    }[kind]


def _performer(kind: str, unit: str) -> str:
    return {"contributed_speech": f"Đại diện {unit}", "discussion": "Đại biểu dự Đại hội", "break": "",
            "ceremony": "Ban Tổ chức Đại hội"}.get(kind, "Đoàn Chủ tịch Đại hội")


# The smaller meetings of the five years ----------------------------------------------------------

def _months(anchor: date, before: int, after: int) -> Iterator[date]:
    first = date(anchor.year, anchor.month, 1)
    for n in range(-before, after + 1):
        month = first.month - 1 + n
        yield date(first.year + month // 12, month % 12 + 1, 1)


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _office_rows(rng: random.Random, people: People, count: int, unit: str) -> list[dict[str, str]]:
    rows = [people.row(title=t.format(province=N.PROVINCE), unit=u.format(province=N.PROVINCE), category="leader",
                       precedence=p) for t, u, p in N.LEADERS[:count]]
    while len(rows) < count:
        rows.append(people.row(title=rng.choice(("Tỉnh ủy viên", "Trưởng phòng Tổng hợp", "Chuyên viên chính")),
                               unit=unit, category="delegate"))
    return rows


# Building ----------------------------------------------------------------------------------------

@contextmanager
def _request_context(app) -> Iterator[None]:
    """The services make URLs and translate messages: they need a request context (a test one here)."""
    from flask import has_request_context

    if has_request_context():
        yield
    else:
        with app.test_request_context("/", base_url="http://localhost"):
            yield


def _path(url: str) -> str:
    return urlsplit(url).path


class _Progress:
    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.start = clock.perf_counter()

    def __call__(self, what: str) -> None:
        if not self.quiet:
            print(f"  {clock.perf_counter() - self.start:6.1f} s  {what}", file=sys.stderr, flush=True)


def build(size: str, seed: int = 1, *, anchor: date | None = None, quiet: bool = True) -> Dataset:
    """Load dataset ``size`` (S, M or L) into the app's database and answer what it made."""
    from flask import current_app

    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}: choose one of {', '.join(SIZES)}")
    started = clock.perf_counter()
    with _request_context(current_app._get_current_object()):
        dataset = _build(SIZES[size], size, seed, anchor or date.today(), _Progress(quiet))
    dataset.seconds = clock.perf_counter() - started
    return dataset


def _build(spec: Size, size: str, seed: int, anchor: date, progress: _Progress) -> Dataset:
    from planner.accounts import services as accounts
    from planner.accounts.models import Organization, User
    from planner.agenda import services as agenda
    from planner.agenda.models import AgendaItem
    from planner.calendars import links
    from planner.calendars import services as calendars
    from planner.delegates import services as delegates
    from planner.delegates.models import Participant
    from planner.extensions import db
    from planner.meetings import services as meetings
    from planner.meetings.models import Meeting
    from planner.minutes import services as minutes
    from planner.speeches import services as speeches

    rng = random.Random(seed)
    people = People(rng)
    suffix = "" if (size, seed) == ("L", 1) else f" ({size}{seed})"
    org = accounts.create_organization(
        name=f"Văn phòng Tỉnh ủy {N.PROVINCE}{suffix}", parent_name=f"Tỉnh ủy {N.PROVINCE}", city="Vinh",
        document_profile="party", body_code="VPTU", timezone="Asia/Ho_Chi_Minh", language="vi")
    org_id = org.id
    domain = f"{size.lower()}{seed}-{org.id}.bench.example.vn"
    users: dict[str, Login] = {}
    for role in ROLES:
        password = PASSWORD
        family, middle, given, _woman = people.name("users")
        user, _setup = accounts.create_user(org, by=None, email=f"{role}@{domain}", name=f"{family} {middle} {given}",
                                            role=role, clearance=CLEARANCE[role], password=password)
        users[role] = Login(role, user.email, password, user.id, user.public_id)
    organizer = accounts.user_by_email(users["organizer"].email)
    progress("organization and users")

    # Five years of the office's meetings.
    office_unit = f"Văn phòng Tỉnh ủy {N.PROVINCE}"
    standing_people = _office_rows(rng, people, spec.standing_people, office_unit)
    conference_people = standing_people + _office_rows(rng, people, spec.conference_people - len(standing_people),
                                                       f"Tỉnh ủy {N.PROVINCE}")[len(standing_people):]
    first_month = next(_months(anchor, spec.history_months, 0))
    briefing = meetings.create_meeting(
        org, organizer, title="Giao ban Văn phòng Tỉnh ủy", kind="briefing",
        starts_on=_weekday_on_or_after(first_month, 0), start_time=time(8, 0), end_time=time(9, 30),
        venue="Phòng họp số 2, Văn phòng Tỉnh ủy", recurrence="FREQ=WEEKLY;BYDAY=MO",
        description="Giao ban công việc hằng tuần của lãnh đạo Văn phòng với các phòng chuyên môn.")
    briefing_public_id = briefing.public_id
    meetings.set_status(briefing, "published")
    delegates.import_file(briefing, participants_csv(standing_people[:10]), "giao-ban.csv")
    for month in list(_months(anchor, spec.history_months, 0))[1::6]:
        monday = _weekday_on_or_after(month, 0)
        if rng.random() < 0.5:
            meetings.cancel_occurrence(briefing, monday, note="Trùng Hội nghị Ban Chấp hành Đảng bộ tỉnh.")
        else:
            meetings.move_occurrence(briefing, monday, new_date=monday + timedelta(days=1),
                                     new_start_time=time(14, 0), new_end_time=time(15, 30),
                                     note="Lùi sang chiều thứ Ba do lãnh đạo Văn phòng đi công tác.")
    history = 0
    for n, month in enumerate(_months(anchor, spec.history_months, spec.future_months)):
        day = _weekday_on_or_after(month + timedelta(days=2), 3)  # the first Thursday after the 3rd
        if abs((day - anchor).days) <= CONGRESS_DAYS + 1:
            day += timedelta(days=7)
        _small_meeting(org, organizer, anchor, day, rng, standing_people, kind="meeting",
                       title=f"Hội nghị Ban Thường vụ Tỉnh ủy tháng {day.month:02d}/{day.year}",
                       classification="internal" if n % 4 else "confidential", items=5)
        history += 1
        if month.month % 3 == 1:
            quarter = (month.month - 1) // 3 or 4
            year = month.year if quarter != 4 else month.year - 1
            day = _weekday_on_or_after(month + timedelta(days=14), 4)
            _small_meeting(org, organizer, anchor, day, rng, conference_people, kind="conference",
                           title=f"Hội nghị Ban Chấp hành Đảng bộ tỉnh sơ kết quý {ROMAN[quarter]}"
                                 f"/{year}", classification="none", items=8)
            history += 1
    progress(f"{history} meetings of the past and coming months")

    # The congress. The load keeps ids, not ORM objects: every commit expires what the session holds,
    # and a session holding thousands of participants makes each of the many commits slow.
    days = [anchor + timedelta(days=n - 1) for n in range(CONGRESS_DAYS)]
    congress = meetings.create_meeting(
        org, organizer, title=f"Đại hội đại biểu Đảng bộ tỉnh {N.PROVINCE} lần thứ XX, nhiệm kỳ 2025–2030",
        kind="congress", starts_on=days[0], ends_on=days[-1], start_time=time(7, 30), end_time=time(17, 0),
        venue="Trung tâm Hội nghị tỉnh, số 1 Lê Nin, thành phố Vinh", city="Vinh",
        description="Đại hội tổng kết nhiệm kỳ, xác định phương hướng, nhiệm vụ nhiệm kỳ 2025–2030 và bầu Ban Chấp "
                    "hành Đảng bộ tỉnh khóa mới.")
    congress_id = congress.id
    for name, capacity in N.ROOMS:
        meetings.add_room(congress, name=name, capacity=capacity)
    rows = congress_rows(rng, people, spec.participants)
    delegates.import_file(congress, participants_csv(rows), "danh-sach-dai-bieu.csv")
    listed = [Listed(p.id, p.public_id, p.category.value, p.person.family_name, p.person.given_name)
              for p in delegates.all_participants(congress)]
    progress(f"congress: {len(listed)} participants imported")
    leaders = [p.public_id for p in listed if p.category in ("guest", "leader")]
    meetings.update_meeting(congress, {"presiding_ids": leaders[:5], "secretary_ids": [
        p.public_id for p in listed if p.category == "staff"][:2]}, user=organizer)
    units = sorted({row["unit"] for row in rows if row["category"] == "delegate"})
    room_ids = [room.public_id for room in agenda.rooms(congress)]
    agenda.create_items(congress, congress_agenda(rng, days, room_ids, leaders, units, spec.items), user=organizer)
    items = [(i.id, i.public_id, i.kind.value, i.status.value, i.title)
             for i in agenda.list_items(congress, None, everything=True)]
    progress(f"congress: {len(items)} agenda items")
    meetings.set_status(congress, "published")
    agenda.publish(congress, user=organizer, note="Chương trình chính thức gửi các đại biểu.")
    late = next(i for i in items if i[2] == "discussion")
    agenda.update_item(db.session.get(AgendaItem, late[0]), {"title": late[4] + " (bổ sung)"}, user=organizer)
    meetings.set_status(congress, "in_progress")
    code, congress_public_id = congress.public_code or "", congress.public_id
    db.session.expunge_all()

    # Speeches: on the items that hold them, more on discussions; the first leader speaks several times.
    speakable = [i for i in items if i[2] not in ("session", "break", "ceremony") and i[3] == "scheduled"]
    delegates_only = [p.public_id for p in listed if p.category == "delegate"]
    chosen = rng.choices(speakable, weights=[4 if i[2] == "discussion" else 1 for i in speakable], k=spec.speeches)
    speech_rows: dict[int, list[dict]] = {}
    for n, item in enumerate(chosen):
        speaker = leaders[0] if n % 50 == 0 else rng.choice(delegates_only)
        speech_rows.setdefault(item[0], []).append({
            "participant_id": speaker, "title": item[4].split(": ", 1)[-1],
            "allotted_seconds": rng.choice((300, 420, 600, 900)),
            "status": "requested" if rng.random() < 0.08 else "approved"})
    organizer = db.session.get(User, users["organizer"].id)
    for item_id, item_speeches in sorted(speech_rows.items()):
        speeches.add_speeches(db.session.get(AgendaItem, item_id), item_speeches, user=organizer)
    progress(f"congress: {spec.speeches} speeches")

    # Yesterday's arrivals at the door, and today's first ones.
    arriving = [p for p in listed if p.category != "staff"]
    present_today: set[int] = set()
    for day, count in ((days[0], spec.check_ins), (days[1], spec.check_ins // 10)):
        for person in rng.sample(arriving, min(count, len(arriving))):
            delegates.check_in(db.session.get(Participant, person.id), day, user=organizer)
            if day == days[1]:
                present_today.add(person.id)
    progress(f"congress: {spec.check_ins + spec.check_ins // 10} check-ins")

    congress = db.session.get(Meeting, congress_id)
    minutes.generate(congress, user=db.session.get(User, users["secretary"].id))
    _token, meeting_secret = calendars.issue_meeting_feed(congress, user=organizer, label="Báo chí")
    speaker = next(p for p in listed if p.public_id == leaders[0])
    _token, personal_secret = calendars.issue_personal_feed(db.session.get(Participant, speaker.id), user=organizer)
    for person in rng.sample(listed, min(spec.personal_feeds, len(listed))):
        if person.id != speaker.id:
            calendars.issue_personal_feed(db.session.get(Participant, person.id), user=organizer)
    org = db.session.get(Organization, org_id)
    user_secrets = {role: calendars.issue_user_feed(db.session.get(User, login.id), org)[1]
                    for role, login in users.items()}
    progress("minutes draft and feed tokens")

    checkin = next(p for p in listed if p.category == "delegate" and p.id not in present_today)
    checkin_row = db.session.get(Participant, checkin.id)

    return Dataset(
        size=size, seed=seed, anchor=anchor, organization_id=org.id, organization_public_id=org.public_id,
        organization_name=org.name, users=users, congress_id=congress_id, congress_public_id=congress_public_id,
        congress_code=code, congress_days=days, briefing_public_id=briefing_public_id,
        week_start=anchor - timedelta(days=anchor.weekday()), checkin_participant_public_id=checkin.public_id,
        checkin_badge_code=checkin_row.badge_code, search_term=f"{checkin.family_name} {checkin.given_name}",
        speaker_participant_public_id=speaker.public_id,
        meeting_feed_path=_path(links.token_feed_url("meeting", meeting_secret)),
        personal_feed_path=_path(links.token_feed_url("participant", personal_secret)),
        user_feed_path=_path(links.token_feed_url("user", user_secrets["organizer"])),
        public_feed_path=_path(links.public_feed_url(code)),
        counts={"participants": len(listed), "items": len(items), "speeches": spec.speeches,
                "meetings": history + 2},
    )


def _small_meeting(org, organizer, anchor: date, day: date, rng: random.Random, rows: list[dict[str, str]], *,
                   kind: str, title: str, classification: str, items: int) -> None:
    """A one-day meeting with its delegates and a short published agenda; closed when it is past."""
    from planner.agenda import services as agenda
    from planner.delegates import services as delegates
    from planner.meetings import services as meetings

    meeting = meetings.create_meeting(org, organizer, title=title, kind=kind, starts_on=day, start_time=time(8, 0),
                                      end_time=time(11, 30), venue="Hội trường Tỉnh ủy", classification=classification)
    delegates.import_file(meeting, participants_csv(rows), "thanh-phan.csv")
    step = timedelta(minutes=210 // items)
    start = datetime.combine(day, time(8, 0))
    kinds = [*["opening", *(["report", "discussion"] * items)][: items - 1], "conclusion"]
    agenda.create_items(meeting, [
        {"kind": k, "title": _item_title(k, rng.choice(N.TOPICS), rows[0]["unit"]), "starts_at": start + step * n,
         "ends_at": start + step * (n + 1)} for n, k in enumerate(kinds)], user=organizer)
    meetings.set_status(meeting, "published")
    agenda.publish(meeting, user=organizer)
    if day < anchor:
        meetings.set_status(meeting, "closed")


# Command line ------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> Dataset:
    parser = argparse.ArgumentParser(prog="python -m bench.dataset", description=__doc__.split("\n\n")[0])
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary folder")
    parser.add_argument("--anchor", type=date.fromisoformat, help="the congress's second day (default: today)")
    parser.add_argument("--upgrade", action=argparse.BooleanOptionalAction, default=True,
                        help="migrate the database first (default: yes)")
    parser.add_argument("--save", metavar="FILE", help="write the Dataset (ids, logins, feed paths) as JSON")
    args = parser.parse_args(argv)

    import tempfile

    from flask_migrate import upgrade

    from planner import create_app

    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='planner-bench-')}/bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        if args.upgrade:
            upgrade()
        print(f"loading dataset {args.size} (seed {args.seed}) into {url.split('@')[-1]}", file=sys.stderr)
        dataset = build(args.size, args.seed, anchor=args.anchor, quiet=False)
    print(f"dataset {args.size}: {dataset.counts} loaded in {dataset.seconds:.1f} s")
    if args.save:
        with open(args.save, "w", encoding="utf-8") as out:
            out.write(dataset.to_json())
    return dataset


if __name__ == "__main__":
    main()
