"""A conference for the invitation, personal page and check-in tests, built through the services: four
delegates (two with e-mail), a published programme with an unclassified, an internal and a classified
item, a session An presides, a speech of Bình and an open discussion; handles survive the session."""

from __future__ import annotations

import asyncio
import re
import socket
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from planner.extensions import db
from tests import factories
from tests.agenda.conftest import make_conference


@dataclass
class Scene:
    app: Any
    org_id: int
    user_id: int
    email: str
    meeting_id: str
    people: dict[str, str] = field(default_factory=dict)   # given name -> participant public id
    items: dict[str, str] = field(default_factory=dict)    # short name -> agenda item public id

    @contextmanager
    def open(self):
        """A request context with the meeting and participants loaded again."""
        from planner.accounts.models import Organization, User
        from planner.delegates.models import Participant
        from planner.meetings.models import Meeting

        with self.app.test_request_context():
            org = db.session.get(Organization, self.org_id)
            user = db.session.get(User, self.user_id)
            meeting = db.session.scalar(db.select(Meeting).where(Meeting.public_id == self.meeting_id))
            people = {p.public_id: p for p in db.session.scalars(
                db.select(Participant).where(Participant.meeting_id == meeting.id)).unique()}
            try:
                yield Loaded(org, user, meeting, {name: people[pid] for name, pid in self.people.items()})
            finally:
                db.session.remove()

    def link(self, name: str) -> str:
        """Issue (or rotate to) a personal link for the person; answers its secret."""
        from planner.invitations import services as invitations

        with self.open() as s:
            _link, secret = invitations.issue_link(s.people[name], user=s.user)
            return secret


@dataclass
class Loaded:
    org: Any
    user: Any
    meeting: Any
    people: dict[str, Any]


def make_scene(app, *, publish: bool = True, with_agenda: bool = True, **meeting: Any) -> Scene:
    from planner.delegates import services as delegates

    with app.test_request_context():
        conf = make_conference(**meeting)
        an, binh, cuong, dung = conf.people
        delegates.update_participant(an, {"email": "an@example.vn", "honorific": "đồng chí",
                                          "title": "Bí thư Tỉnh ủy"})
        delegates.update_participant(binh, {"email": "binh@example.vn", "category": "guest"})
        scene = Scene(app, conf.org.id, conf.user.id, conf.user.email, conf.meeting.public_id,
                      people={"An": an.public_id, "Bình": binh.public_id, "Cường": cuong.public_id,
                              "Dũng": dung.public_id})
        if not with_agenda:
            db.session.remove()
            return scene
        opening = conf.session("Phiên khai mạc", "08:00", "11:30", presiding=[an])
        report = conf.item("Báo cáo chính trị", "08:30", "09:30", session=opening)
        discussion = conf.item("Thảo luận về phương hướng năm 2027", "09:45", "11:00", session=opening,
                               kind="discussion")
        internal = conf.item("Thông tin nội bộ về nhân sự", "13:30", "14:00", classification="internal")
        secret = conf.item("Báo cáo tình hình an ninh", "14:00", "15:00", classification="confidential")
        factories.speech(report, binh, conf.user, title="Tham luận của tỉnh bạn")
        scene.items = {"opening": opening.public_id, "report": report.public_id,
                       "discussion": discussion.public_id, "internal": internal.public_id,
                       "secret": secret.public_id}
        if publish:
            factories.released(conf.meeting, conf.user)
        db.session.remove()
    return scene


# A real SMTP server (aiosmtpd) on 127.0.0.1 ----------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """What the SMTP server received; recipients in ``refuse`` are answered 550."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.refuse: set[str] = set()
        self.delay = 0.0
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpts, m in self.messages if address in rcpts]


def link_in(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https?://\S+/d/(d_[A-Za-z0-9_-]+)", body)
    assert match, body
    return match.group(1)


def serve_smtp(app, monkeypatch):
    """A real SMTP server in a thread; the app sends to it (the ``smtp`` fixture of the tests that send)."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_FROM", "vanphong@tinhuy.example.vn")
    yield mailbox
    controller.stop()
