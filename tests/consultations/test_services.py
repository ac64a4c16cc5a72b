"""Written consultation: result counts, the deadline, the personal links, freezing at close, reminders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from planner.extensions import db
from tests.consultations.conftest import DEADLINE, NOW, later


def test_result_counts_who_answered_what_and_who_did_not(scene):
    from planner.consultations import services

    cid = scene.consultation()
    scene.answer(cid, "An", "agree")
    scene.answer(cid, "Bình", "agree")
    scene.answer(cid, "Cường", "disagree")
    scene.answer(cid, "Dũng", "other", "Đề nghị bổ sung lộ trình thực hiện.")
    with scene.load(cid) as (c, _user):
        found = services.results(c)
        assert (found.asked, found.answered, found.agree, found.disagree, found.other, found.not_answered) == (
            5, 4, 2, 1, 1, 1)
        assert found.percent(found.agree) == "40%"
        assert found.percent(found.answered) == "80%"
        assert [m.full_name for m in found.of(None)] == ["Hoàng Thu Hà"]
        assert found.of(services.Answer.other)[0].opinion == "Đề nghị bổ sung lộ trình thực hiện."


def test_a_member_may_change_the_answer_until_the_deadline_and_not_after(scene):
    from planner.consultations import services
    from planner.core.errors import Conflict, ValidationError

    cid = scene.consultation()
    scene.answer(cid, "An", "disagree")
    scene.answer(cid, "An", "agree", now=DEADLINE - timedelta(minutes=1))
    with pytest.raises(Conflict) as refused:
        scene.answer(cid, "An", "disagree", now=DEADLINE + timedelta(seconds=1))
    assert "05/12/2026 17:00" in refused.value.message   # the deadline, in the organization's time
    with pytest.raises(ValidationError):
        scene.answer(cid, "Bình", "other", "   ")          # other opinion needs its text
    with pytest.raises(ValidationError):
        scene.answer(cid, "Bình", "maybe")
    with scene.load(cid) as (c, _user):
        an = next(m for m in c.members if m.full_name.endswith("An"))
        assert an.answer is services.Answer.agree
        assert services.results(c).answered == 1


def test_links_are_hashed_open_only_their_members_consultation_and_can_be_rotated_or_stopped(scene):
    from planner.consultations import services
    from planner.consultations.models import ConsultationMember
    from planner.core.tokens import token_hash

    first = scene.consultation()
    second = scene.consultation(title="Đề án sắp xếp bộ máy", names=("An",))
    an_first, an_second = scene.secret(first, "An"), scene.secret(second, "An")
    assert an_first != an_second
    with scene.load(first) as (c, user):
        member = services.resolve(an_first)
        assert member.consultation.public_id == first and member.full_name == "Nguyễn Văn An"
        stored = db.session.scalar(select(ConsultationMember).where(ConsultationMember.id == member.id))
        assert stored.token_hash == token_hash(an_first) and an_first not in (stored.nonce, stored.hint)
        assert services.resolve(an_first[:-1] + ("A" if an_first[-1] != "A" else "B")) is None
        assert services.resolve("d_" + an_first[2:]) is None   # a delegate link's shape opens nothing here
        services.rotate_link(c, c.members[0], user=user)
    assert scene.secret(first, "An") != an_first
    with scene.open():
        assert services.resolve(an_first) is None
        assert services.resolve(an_second).consultation.public_id == second
    with scene.load(second) as (c, user):
        services.revoke_link(c, c.members[0], user=user)
        assert services.resolve(an_second) is None


def test_a_draft_has_no_working_links_and_only_a_draft_changes(scene):
    from planner.consultations import services
    from planner.core.errors import Conflict, ValidationError

    cid = scene.consultation(send=False)
    with scene.load(cid) as (c, user):
        assert all(services.link_secret(m) is None for m in c.members)
        with pytest.raises(ValidationError):
            services.send(c, user=user, now=DEADLINE + timedelta(hours=1))   # the deadline has passed
        services.send(c, user=user, now=NOW)
        with pytest.raises(Conflict):
            services.add_people(c, [scene.people["An"]], user=user)
        with pytest.raises(Conflict):
            services.update_consultation(c, {"question": "Câu hỏi khác"}, user=user)
        with pytest.raises(ValidationError):
            services.update_consultation(c, {"deadline": DEADLINE - timedelta(days=1)}, user=user)
        services.update_consultation(c, {"deadline": DEADLINE + timedelta(days=1)}, user=user)


def test_closing_freezes_the_result_and_refuses_answers(scene, app):
    from planner.accounts.models import Organization
    from planner.consultations import services
    from planner.core.errors import Conflict
    from planner.documents import records

    cid = scene.consultation()
    scene.answer(cid, "An", "agree")
    scene.answer(cid, "Cường", "other", "Cần thêm thời gian thảo luận.")
    with scene.load(cid) as (c, user):
        services.close(c, user=user, now=later(2))
        kept = {(kind, fmt): records.find("consultation", cid, kind, fmt) for kind, fmt in services.RECORDS}
        assert all(kept.values())
        pdf = services.record_bytes(c, "result", "pdf")
        assert pdf == records.open_frozen(kept[("result", "pdf")])
    with pytest.raises(Conflict):
        scene.answer(cid, "Bình", "agree")
    with scene.open() as (org, _user):
        db.session.get(Organization, org.id).name = "Văn phòng đã đổi tên"
        db.session.commit()
    with scene.load(cid) as (c, user):
        assert services.record_bytes(c, "result", "pdf") == pdf     # frozen: the rename does not reach it
        with pytest.raises(Conflict):
            services.update_consultation(c, {"deadline": DEADLINE + timedelta(days=3)}, user=user)
        with pytest.raises(Conflict):
            services.close(c, user=user)


def test_the_report_reads_in_the_official_layout(scene):
    import io

    import pypdf

    from planner.consultations import services

    cid = scene.consultation()
    scene.answer(cid, "An", "agree")
    scene.answer(cid, "Bình", "disagree")
    with scene.load(cid) as (c, user):
        services.close(c, user=user, now=later(1))
        text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(
            services.record_bytes(c, "result", "pdf"))).pages)
    flat = " ".join(text.split())
    assert "BÁO CÁO" in flat
    assert "Kết quả lấy ý kiến bằng văn bản" in flat
    assert "Nguyễn Văn An" in flat and "Hoàng Thu Hà" in flat
    assert "Không trả lời" in flat


def test_reminders_go_once_per_window_to_those_who_have_not_answered(scene):
    from planner.consultations import services

    cid = scene.consultation(remind_hours=24)   # the window opens at 17:00 on 04/12
    scene.answer(cid, "An", "agree")
    window = DEADLINE - timedelta(hours=24)
    with scene.open():
        assert services.due_reminders(window - timedelta(minutes=1)) == []
        due = services.due_reminders(window + timedelta(minutes=5))
        # not An (answered), not Dũng (no e-mail)
        assert sorted(m.full_name for m in due) == ["Hoàng Thu Hà", "Lê Quốc Cường", "Trần Thị Bình"]
        services.mark_reminded(due, window + timedelta(minutes=5))
        assert services.due_reminders(window + timedelta(hours=2)) == []
        assert services.due_reminders(DEADLINE + timedelta(minutes=1)) == []   # past the deadline
    scene.answer(cid, "Bình", "agree", now=window + timedelta(hours=3))
    with scene.load(cid) as (c, user):
        services.update_consultation(c, {"deadline": DEADLINE + timedelta(days=2)}, user=user)
    with scene.open():
        assert services.due_reminders(window + timedelta(hours=4)) == []      # the new window is not open yet
        due = services.due_reminders(DEADLINE + timedelta(days=1, hours=1))
        assert sorted(m.full_name for m in due) == ["Hoàng Thu Hà", "Lê Quốc Cường"]


def test_a_classified_consultation_is_hidden_from_staff_below_its_level_and_its_audit(app, factory, scene):
    from planner.accounts.models import User
    from planner.consultations import services
    from planner.core import audit
    from planner.core.errors import NotFound

    cid = scene.consultation(classification="confidential")
    low = factory.user(type("O", (), {"id": scene.org_id})(), role="admin", clearance="internal",
                       email="low@example.vn")
    with scene.open() as (org, _user):
        reader = db.session.get(User, low.id)
        with pytest.raises(NotFound):
            services.get_consultation(org, cid, user=reader)
        assert services.list_consultations(org, reader) == []
        entries, _total = audit.entries(org.id, clearance="internal")
        assert not [e for e in entries if e.object_type == "consultation"]
        entries, _total = audit.entries(org.id, clearance="confidential")
        assert [e for e in entries if e.object_type == "consultation"]


def test_reminders_are_mailed_once_with_the_members_link(app, scene, monkeypatch):
    from aiosmtpd.controller import Controller

    from planner.consultations import reminders
    from tests.invitations.scene import Mailbox, free_port

    mailbox = Mailbox()
    mailbox.refuse.add("cuong@example.vn")
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
        monkeypatch.setitem(app.config, "MAIL_PORT", port)
        monkeypatch.setitem(app.config, "MAIL_FROM", "vanphong@tinhuy.example.vn")
        monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://hop.example.gov.vn")
        cid = scene.consultation()
        secret = scene.secret(cid, "Bình")
        moment = DEADLINE - timedelta(hours=2)
        with scene.open():
            outcome = reminders.send_due(moment)
        assert (outcome.sent, outcome.failed) == (3, 1)   # An, Bình, Hà; Cường refused; Dũng has no e-mail
        (message,) = mailbox.to("binh@example.vn")
        body = message.get_body(preferencelist=("plain",)).get_content()
        assert f"https://hop.example.gov.vn/c/{secret}" in body and "05/12/2026 17:00" in body
        with scene.open():
            again = reminders.send_due(moment + timedelta(minutes=30))
        assert (again.sent, again.failed) == (0, 1)       # once per window; the refused one is tried again
        assert len(mailbox.messages) == 3
    finally:
        controller.stop()


def test_the_reminders_are_a_periodic_job(app, scene, monkeypatch):
    from planner.consultations import jobs
    from planner.core import queue

    assert "consultations.remind" in queue.kinds()
    scene.consultation(deadline=datetime.now(UTC) + timedelta(hours=2))
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    with scene.open():
        said = jobs.remind()          # e-mail turned off: nothing sent, nothing failed, said why
    assert said.startswith("0 sent, 0 failed, 4 skipped") and "MAIL_SERVER" in said
