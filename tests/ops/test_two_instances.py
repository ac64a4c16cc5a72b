"""Two app instances (gunicorn, two workers each) on one PostgreSQL database, driven by concurrent clients that
sign in with the login form and alternate between the instances: edits of one agenda item, saves of one
section of the minutes, check-ins of the same people, approvals that take document numbers, and imports of
the same delegate list at the same moment. Whatever the interleaving, nothing accepted is lost, every refusal
is a reported conflict, people are counted once, numbers have neither duplicates nor gaps."""

from __future__ import annotations

import io
import itertools
import os
import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import requests
from sqlalchemy import func, select

from planner.extensions import db
from tests import factories
from tests.factories import PASSWORD
from tests.ops.live import Browser, form_fields, servers

pytestmark = pytest.mark.postgres

THREADS = 4
AGENDA_ROUNDS = 8
MINUTES_ROUNDS = 6
PEOPLE = 24
APPROVALS = 10
IMPORT_ROWS = 20


def today() -> datetime:
    return datetime.now(UTC).astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))


@dataclass
class Site:
    org_id: int
    admin: object
    organizer: object
    secretary: object
    meeting: str                      # today, open: agenda, check-in, import
    item: str
    participants: list[str]
    minutes_meeting: str              # a draft of the minutes to save concurrently
    section: str
    approvals: list[str]              # meetings whose minutes wait for approval
    import_meeting: str
    tokens: dict[str, str] = field(default_factory=dict)


def build_site(app, factory) -> Site:
    from planner.accounts.models import Organization, User
    org_ref = factory.organization(name="Văn phòng Thành ủy (hai máy chủ)", body_code="VPTU")
    admin = factory.user(org_ref, role="admin", clearance="top_secret", email="admin@ops.vn")
    organizer = factory.user(org_ref, role="organizer", clearance="top_secret", email="organizer@ops.vn")
    secretary = factory.user(org_ref, role="secretary", clearance="top_secret", email="secretary@ops.vn")
    day = today().date()
    with app.test_request_context():
        org = db.session.get(Organization, org_ref.id)
        user = db.session.get(User, admin.id)

        # The meetings to approve name who presides and who keeps the minutes (office users), as the clerk's
        # check before approval asks.
        people = {"presiding_ids": [f"user:{user.public_id}"],
                  "secretary_ids": [f"user:{db.session.get(User, secretary.id).public_id}"]}

        def meeting(title: str, **extra):
            return factories.meeting(org, user, title=title, starts_on=day, venue="Hội trường A", city="Đà Nẵng",
                                     language="vi", **extra)

        main = meeting("Hội nghị Ban Chấp hành (hai máy chủ)")
        item = factories.item(main, "Báo cáo chính trị", "08:00", "09:00", by=user)
        participants = [factories.participant(main, ("Trần", "Văn", f"Đại Biểu {k:02d}"),
                                              unit="Quận Hải Châu").public_id for k in range(PEOPLE)]
        draft = meeting("Hội nghị có biên bản đang soạn")
        doc = factories.minutes(draft, user)
        section = next(s["key"] for s in doc.sections if s.get("kind") == "text")
        approvals = []
        for k in range(APPROVALS):
            m = meeting(f"Phiên họp số {k + 1}", **people)
            factories.minutes(m, user, status="submitted")
            approvals.append(m.public_id)
        target = meeting("Hội nghị nhận danh sách nhập")
        site = Site(org_ref.id, admin, organizer, secretary, main.public_id, item.public_id, participants,
                    draft.public_id, section, approvals, target.public_id)
    site.tokens = {"admin": factory.token(admin), "organizer": factory.token(organizer)}
    return site


def import_file() -> bytes:
    rows = ["Họ và tên,Chức vụ,Đơn vị,Email"]
    rows += [f"Nguyễn Thị Nhập {k:02d},Chuyên viên,Sở Nội vụ,nhap{k:02d}@ops.vn" for k in range(IMPORT_ROWS)]
    return ("\n".join(rows) + "\n").encode("utf-8")


@pytest.fixture
def two_instances(app, app_config):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with servers(2, url, app_config["INSTANCE_PATH"], redis_url=os.environ.get("PLANNER_TEST_REDIS_URL")) as started:
        yield started
        for server in started:
            assert not server.errors(), f"instance on {server.url} logged errors:\n" + "\n".join(server.errors())


def test_concurrent_clients_on_two_instances_lose_nothing(app, factory, two_instances):
    site = build_site(app, factory)
    bases = [s.url for s in two_instances]
    alternate = itertools.cycle(bases)
    browsers = [Browser(email, PASSWORD, bases[i % 2]) for i, email in
                enumerate(["admin@ops.vn", "organizer@ops.vn", "organizer@ops.vn", "admin@ops.vn"])]
    operations: Counter[str] = Counter()
    lock = threading.Lock()

    def count(name: str, n: int = 1) -> None:
        with lock:
            operations[name] += n

    def run(task, *args) -> list:
        with ThreadPoolExecutor(THREADS) as pool:
            futures = [pool.submit(task, n, *args) for n in range(THREADS)]
            return [f.result() for f in futures]

    # 1. The same agenda item edited by everyone at once (API, version sent: a stale one answers 409).
    def edit_item(n: int) -> list[tuple[int, str]]:
        accepted = []
        api = requests.Session()
        api.headers["Authorization"] = f"Bearer {site.tokens['admin' if n % 2 else 'organizer']}"
        for r in range(AGENDA_ROUNDS):
            base = bases[(n + r) % 2]
            current = api.get(f"{base}/api/v1/agenda-items/{site.item}", timeout=60)
            assert current.status_code == 200
            version, title = current.json()["version"], f"Báo cáo chính trị — sửa {n}.{r}"
            answer = api.patch(f"{bases[(n + r + 1) % 2]}/api/v1/agenda-items/{site.item}",
                               json={"title": title, "version": version}, timeout=60)
            assert answer.status_code in (200, 409), answer.text
            count("agenda edits")
            if answer.status_code == 200:
                accepted.append((version, title))
            else:
                assert answer.headers["Content-Type"].startswith("application/problem+json")
                count("agenda conflicts (409)")
        return accepted

    accepted_edits = [e for edits in run(edit_item) for e in edits]
    with app.app_context():
        from planner.agenda.models import AgendaItem
        from planner.core.audit import AuditEntry

        item = db.session.scalar(select(AgendaItem).where(AgendaItem.public_id == site.item))
        versions = sorted(v for v, _t in accepted_edits)
        # Each accepted write moved the version by one from the version it read: a chain, no write lost.
        assert versions == list(range(1, item.version)), versions
        assert item.title == max(accepted_edits)[1]
        updates = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "agenda_item.updated",
                                                              AuditEntry.object_id == site.item)).all()
        assert sorted(e.changes["title"][1] for e in updates) == sorted(t for _v, t in accepted_edits)

    # 2. One section of the minutes saved by everyone at once (the web editor; refused texts kept).
    def save_minutes(n: int) -> tuple[list[str], list[str]]:
        browser, saved, refused = browsers[n], [], []
        for r in range(MINUTES_ROUNDS):
            page = browser.get(f"{next(alternate)}/meetings/{site.minutes_meeting}/minutes").text
            action = "/minutes/sections"   # the editor is one form: every section saved in one revision
            fields = form_fields(page, action)
            prefix = "s-" + "".join(ch if ch.isalnum() else "-" for ch in site.section)  # the section's fields
            text_field = next(k for k in fields if k.startswith(prefix) and k.endswith("-text"))
            fields[text_field] = f"Nội dung do người {n} viết, lần {r}"
            answer = browser.post(f"{next(alternate)}/meetings/{site.minutes_meeting}{action}", data=fields)
            assert answer.status_code in (302, 409), answer.status_code
            count("minutes saves")
            (saved if answer.status_code == 302 else refused).append(fields[text_field])
            if answer.status_code == 409:
                count("minutes conflicts (409)")
        return saved, refused

    results = run(save_minutes)
    saved = [t for s, _r in results for t in s]
    refused = [t for _s, r in results for t in r]
    with app.app_context():
        from planner.minutes import services as minutes_services
        from planner.minutes.models import MinutesRevision

        meeting = _meeting(site.minutes_meeting)
        doc = minutes_services.current(meeting)
        revisions = db.session.scalars(select(MinutesRevision).where(MinutesRevision.minutes_id == doc.id)
                                       .order_by(MinutesRevision.number)).all()

        def text_of(sections):
            return next(s["text"] for s in sections if s["key"] == site.section)

        assert sorted(text_of(r.sections) for r in revisions if r.kind == "saved") == sorted(saved)
        assert sorted(text_of(r.sections) for r in revisions if r.kind == "conflict") == sorted(refused)
        assert doc.version == 1 + len(saved)
        assert text_of(doc.sections) == text_of(next(r for r in reversed(revisions) if r.kind == "saved").sections)
        assert len({r.number for r in revisions}) == len(revisions)

    # 3. The same people checked in at both instances' desks at once: each counted once.
    def check_in(n: int) -> None:
        browser = browsers[n]
        token = browser.csrf(bases[n % 2], f"/meetings/{site.meeting}/door")
        order = list(site.participants)
        random.Random(n).shuffle(order)
        for pid in order:
            answer = browser.post(f"{next(alternate)}/meetings/{site.meeting}/door/check-in",
                                  json={"participant_id": pid}, headers={"X-CSRFToken": token})
            assert answer.status_code == 200, answer.text
            assert answer.json()["participant"]["present"] is True
            count("check-ins")

    run(check_in)
    with app.app_context():
        from planner.delegates.models import Participant, ParticipantAttendance

        meeting = _meeting(site.meeting)
        rows = db.session.execute(select(ParticipantAttendance.participant_id, ParticipantAttendance.day)
                                  .join(Participant).where(Participant.meeting_id == meeting.id)).all()
        assert len(rows) == PEOPLE and len(set(rows)) == PEOPLE
        checked = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "participant.checked_in", AuditEntry.meeting_id == meeting.id))
        assert checked == PEOPLE
    counts = browsers[0].get(f"{bases[1]}/meetings/{site.meeting}/door/counts").json()
    assert counts["present"] == counts["expected"] == PEOPLE, counts

    # 4. Every waiting minutes approved from both instances at once, some with a stale version.
    def approve(n: int) -> None:
        api = requests.Session()
        api.headers["Authorization"] = f"Bearer {site.tokens['admin']}"
        order = list(site.approvals)
        random.Random(100 + n).shuffle(order)
        for k, meeting_id in enumerate(order):
            base = bases[(n + k) % 2]
            current = api.get(f"{base}/api/v1/meetings/{meeting_id}/minutes", timeout=60).json()
            stale = (n + k) % 3 == 0
            version = current["version"] - 1 if stale else current["version"]
            answer = api.patch(f"{base}/api/v1/meetings/{meeting_id}/minutes",
                               json={"status": "approved", "version": version}, timeout=60)
            assert answer.status_code in (200, 409), answer.text
            count("approvals")
            if answer.status_code == 409:
                count("approvals refused (409)")

    run(approve)
    with app.app_context():
        from planner.documents.models import IssuedNumber
        from planner.minutes.models import Minutes, MinutesStatus

        api = requests.Session()
        api.headers["Authorization"] = f"Bearer {site.tokens['admin']}"
        for meeting_id in site.approvals:  # those a stale version left waiting are approved now, serially
            current = api.get(f"{bases[0]}/api/v1/meetings/{meeting_id}/minutes", timeout=60).json()
            if current["status"] != "approved":
                answer = api.patch(f"{bases[1]}/api/v1/meetings/{meeting_id}/minutes",
                                   json={"status": "approved", "version": current["version"]}, timeout=60)
                assert answer.status_code == 200, answer.text
                count("approvals")
        docs = db.session.scalars(select(Minutes).where(Minutes.organization_id == site.org_id,
                                                        Minutes.status == MinutesStatus.approved)).all()
        assert len(docs) == APPROVALS
        issued = db.session.scalars(select(IssuedNumber).where(IssuedNumber.organization_id == site.org_id)).all()
        assert sorted(i.number for i in issued) == list(range(1, APPROVALS + 1))  # no duplicate, no gap
        assert sorted(i.formatted for i in issued) == sorted(d.number for d in docs)

    # 5. The same delegate list imported from both instances at the same moment (upload, mapping, confirm).
    data = import_file()
    barrier = threading.Barrier(THREADS)

    def import_list(n: int) -> int:
        browser = browsers[n]
        base = bases[n % 2]
        other = bases[(n + 1) % 2]
        path = f"/meetings/{site.import_meeting}/participants/import"
        fields = form_fields(browser.get(base + path).text, "")
        answer = browser.post(base + path, data=fields, files={"file": ("danh-sach.csv", io.BytesIO(data))})
        assert answer.status_code == 302, answer.status_code
        mapping = answer.headers["Location"]
        preview = browser.get(other + mapping, allow_redirects=True)
        if not preview.url.endswith("/preview"):  # the mapping step wants a confirmation
            fields = form_fields(preview.text, "")
            browser.post(base + mapping, data=fields)
        preview_path = mapping + "/preview"
        fields = form_fields(browser.get(other + preview_path).text, "")
        barrier.wait(timeout=60)
        answer = browser.post(base + preview_path, data=fields)
        count("imports")
        return answer.status_code

    statuses = run(import_list)
    assert all(s in (200, 302) for s in statuses), statuses
    with app.app_context():
        from planner.delegates.models import Person

        meeting = _meeting(site.import_meeting)
        people = db.session.scalars(select(Person).where(Person.organization_id == site.org_id,
                                                         Person.email.like("nhap%@ops.vn"))).all()
        assert len(people) == IMPORT_ROWS, Counter(p.email for p in people).most_common(3)
        listed = db.session.scalar(select(func.count()).select_from(Participant)
                                   .where(Participant.meeting_id == meeting.id))
        assert listed == IMPORT_ROWS

    total = sum(v for k, v in operations.items() if "(" not in k)
    print(f"\nconcurrent operations on 2 instances: {total} "
          + ", ".join(f"{k}: {v}" for k, v in sorted(operations.items())) + "; nothing lost")
    assert total >= THREADS * (AGENDA_ROUNDS + MINUTES_ROUNDS + PEOPLE + APPROVALS + 1)


def _meeting(public_id: str):
    from planner.meetings.models import Meeting

    db.session.expire_all()
    return db.session.scalar(select(Meeting).where(Meeting.public_id == public_id))
