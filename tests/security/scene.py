"""One organization with everything in it, built through the services, for the authorization matrix and
the confidentiality scan: a published unclassified meeting M (with a classified item inside it), a
classified meeting C, agenda items, participants, speeches, a speech text, minutes and notice drafts, an
agenda release, a hall display, feed tokens, a delegate link, API tokens (one revoked) — and a second
organization whose admin must find none of it.

Classified titles and descriptions carry MARKER, so that a response can be scanned for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select

from planner.extensions import db
from tests import factories
from tests.factories import PASSWORD

MARKER = "ZQXSECRETMARK"
DAY = date(2026, 12, 10)  # after "today": the meetings stay editable

# The roles of the matrix: who signs in (None: anonymous).
ROLES = ("anonymous", "viewer", "secretary", "organizer", "admin", "other_admin", "uncleared")


@dataclass
class Ids:
    """The URL parameters of one meeting's objects."""

    meeting_id: str
    item_id: str
    participant_id: str
    person_id: str
    speech_id: str
    room_id: str = ""
    text_id: str = ""
    display_id: str = ""
    feed_token_id: str = ""
    delegate_token: str = ""
    public_code: str = ""
    document_id: str = ""
    vote_id: str = ""
    consultation_id: str = ""
    member_id: str = ""
    consultation_document_id: str = ""
    consultation_token: str = ""
    election_id: str = ""
    candidate_id: str = ""
    round_id: str = ""


@dataclass
class SecurityScene:
    users: dict[str, Any]                 # role -> user ref (anonymous: None)
    tokens: dict[str, str]                # role -> API bearer secret; "revoked" too
    m: Ids                                # the published, unclassified meeting
    c: Ids                                # the classified (confidential) meeting
    classified_item_id: str               # the secret item inside M
    classified_speech_id: str             # a speech on it
    hall_token: str = ""
    user_feed: str = ""                   # the viewer's own organization feed (u)
    meeting_feed: str = ""                # M's secret meeting feed (m)
    personal_feed: str = ""               # a delegate of M's personal feed (p)
    classified_delegate_token: str = ""   # a delegate link of C
    api_token_public_id: str = ""         # the admin's own API token (account page)
    extra: dict[str, str] = field(default_factory=dict)


def _meeting(org, user, title: str, classification: str, description: str):
    return factories.meeting(org, user, title=title, starts_on=DAY, venue="Hội trường A", city="Đà Nẵng",
                             classification=classification, description=description)


def _docx(text: str) -> bytes:
    import io

    from docx import Document

    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _pdf(text: str) -> bytes:
    import json

    import typst

    from planner.documents.render import FONTS

    return typst.compile(b'#set text(font: "Liberation Serif")\n#json(bytes(sys.inputs.data))', font_paths=[str(FONTS)],
                         ignore_system_fonts=True, sys_inputs={"data": json.dumps(text, ensure_ascii=False)})


def _fill(meeting, user, *, secret_titles: bool, classified_item: bool = False) -> tuple[Ids, str]:
    """Items, participants, speeches, a room and minutes drafts in a meeting; the ids to put in URLs."""
    from planner.invitations import services as invitations
    from planner.meeting_documents import services as meeting_documents
    from planner.meetings import services as meetings
    from planner.speeches import services as speeches
    from planner.votes import services as votes

    tag = f" {MARKER}" if secret_titles else ""
    room = meetings.add_room(meeting, name=f"Phòng họp B{tag}")
    people = [factories.participant(meeting, (family, middle, given), title="Bí thư Quận ủy", honorific="đồng chí",
                                    email=f"{given.lower()}@example.vn")
              for family, middle, given in (("Nguyễn", "Văn", "Nen"), ("Tô", "Huy", "Rua"), ("Bùi", "Văn", "Thach"))]
    item = factories.item(meeting, f"Báo cáo kết quả năm 2026{tag}", "08:00", "09:00", by=user, room=room,
                          description=f"Nội dung báo cáo{tag}")
    speech = factories.speech(item, people[0], user, kind="report", title=f"Báo cáo tổng kết{tag}",
                              summary=f"Tóm tắt{tag}")
    classified_id = ""
    if classified_item:
        secret = factories.item(meeting, f"Phương án nhân sự {MARKER}", "09:00", "10:00", by=user, kind="discussion",
                                classification="confidential", description=f"Thảo luận kín {MARKER}")
        secret_speech = factories.speech(secret, people[1], user, kind="discussion",
                                         title=f"Ý kiến về nhân sự {MARKER}", summary=f"Kín {MARKER}")
        votes.create_vote(secret, {"title": f"Biểu quyết nhân sự {MARKER}"}, user=user)
        classified_id = f"{secret.public_id} {secret_speech.public_id}"
    text = speeches.upload_text(speech, _docx(f"Toàn văn bài phát biểu{tag}"), "bai-phat-bieu.docx", user=user)
    factories.minutes(meeting, user, "minutes")
    factories.minutes(meeting, user, "notice")
    link = invitations.ensure_link(people[0], user=user)
    document = meeting_documents.create_document(meeting, {
        "title": f"Báo cáo chính trị{tag}", "kind": "report", "agenda_item_id": item.public_id},
        _pdf(f"Báo cáo chính trị{tag}"), "bao-cao-chinh-tri.pdf", user=user)
    meeting_documents.update_document(document, {"sent": True}, user=user)
    vote = votes.create_vote(item, {"title": f"Thông qua báo cáo{tag}"}, user=user)
    ids = Ids(meeting_id=meeting.public_id, item_id=item.public_id, participant_id=people[0].public_id,
              person_id=people[0].person.public_id, speech_id=speech.public_id, room_id=room.public_id,
              text_id=text.public_id, delegate_token=link, document_id=document.public_id, vote_id=vote.public_id)
    ids.election_id, ids.candidate_id, ids.round_id = _election(meeting, user, tag)
    return ids, classified_id


def _consultation(org, user, ids: Ids, *, secret_titles: bool) -> None:
    """A written consultation sent to two people, with one document: classified (titles with MARKER) or not."""
    from datetime import UTC, timedelta

    from planner.consultations import services as consultations
    from planner.delegates.models import Participant

    tag = f" {MARKER}" if secret_titles else ""
    person = db.session.scalar(select(Participant).where(Participant.public_id == ids.participant_id)).person
    c = consultations.create_consultation(org, {
        "title": f"Dự thảo Quy chế làm việc{tag}", "question": f"Đồng chí có đồng ý không?{tag}",
        "classification": "confidential" if secret_titles else "none",
        "deadline": datetime.combine(DAY, time(17, 0), tzinfo=UTC) + timedelta(days=30)}, user=user)
    consultations.add_meeting_delegates(c, ids.meeting_id, user=user)
    consultations.add_document(c, _docx(f"Dự thảo{tag}"), "du-thao.docx", title=f"Dự thảo{tag}", user=user)
    consultations.send(c, user=user)
    member = next(m for m in c.members if m.person_id == person.id)
    ids.consultation_id, ids.member_id = c.public_id, member.public_id
    ids.consultation_document_id, ids.consultation_token = c.documents[0].public_id, consultations.link_secret(member)


def _election(meeting, user, tag: str) -> tuple[str, str, str]:
    """An election with two candidates (named in full, so that no counting committee is asked) and its
    first round open."""
    from planner.elections import services as elections

    election = elections.create_election(meeting, {"body": "secretary", "seats": 1, "title": f"Bầu Bí thư{tag}"},
                                         user=user)
    first = elections.add_candidate(election, {"full_name": f"Nguyễn Văn Nên{tag}"}, user=user)
    elections.add_candidate(election, {"full_name": "Tô Huy Rứa"}, user=user)
    held = elections.start_round(election, user=user)
    return election.public_id, first.public_id, held.public_id


def build(app, factory, logins: tuple[str, ...] = ROLES) -> SecurityScene:
    from planner.accounts import services as accounts
    from planner.accounts.models import ApiToken, Organization, User
    from planner.agenda import services as agenda
    from planner.calendars import services as calendars
    from planner.delegates.models import Participant
    from planner.meetings import services as meetings
    from planner.speeches import services as speeches

    org_ref = factory.organization(name="Văn phòng Thành ủy Đà Nẵng", city="Đà Nẵng")
    other_ref = factory.organization(name="Văn phòng Tỉnh ủy Quảng Nam", city="Tam Kỳ")
    def user(role: str, org, kind: str, clearance: str, email: str):
        # a password (slow to hash) only for the roles that sign in
        return factory.user(org, role=kind, clearance=clearance, email=email,
                            password=PASSWORD if role in logins else None)

    users = {
        "anonymous": None,
        "viewer": user("viewer", org_ref, "viewer", "top_secret", "viewer@example.vn"),
        "secretary": user("secretary", org_ref, "secretary", "top_secret", "secretary@example.vn"),
        "organizer": user("organizer", org_ref, "organizer", "top_secret", "organizer@example.vn"),
        "admin": user("admin", org_ref, "admin", "top_secret", "admin@example.vn"),
        "other_admin": user("other_admin", other_ref, "admin", "top_secret", "other@example.vn"),
        # Every permission but the clearance: an admin cleared only for internal content.
        "uncleared": user("uncleared", org_ref, "admin", "internal", "uncleared@example.vn"),
    }
    tokens = {role: factory.token(ref) for role, ref in users.items() if ref is not None}
    revoked = factory.token(users["admin"])
    with app.test_request_context():
        org = db.session.get(Organization, org_ref.id)
        admin = db.session.get(User, users["admin"].id)
        token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == admin.id).order_by(ApiToken.id.desc()))
        accounts.revoke_api_token(token)
        tokens["revoked"] = revoked
        api_token_id = db.session.scalar(select(ApiToken.public_id).where(
            ApiToken.user_id == admin.id, ApiToken.revoked_at.is_(None)))

        m = _meeting(org, admin, "Hội nghị tổng kết công tác năm 2026", "none", "Đánh giá kết quả năm 2026")
        m_ids, classified = _fill(m, admin, secret_titles=False, classified_item=True)
        classified_item, classified_speech = classified.split()
        agenda.publish(m, user=admin, publish_meeting=True)
        meetings.set_status(m, "published")
        c = _meeting(org, admin, f"Hội nghị cán bộ chủ chốt {MARKER}", "confidential", f"Nội dung mật {MARKER}")
        c_ids, _ = _fill(c, admin, secret_titles=True)
        agenda.publish(c, user=admin, publish_meeting=True)

        m = meetings.get_meeting(org, m_ids.meeting_id, user=admin)
        m_ids.public_code = m.public_code or ""
        display, hall = speeches.create_display(m, user=admin)
        m_ids.display_id = display.public_id
        c_display, _c_hall = speeches.create_display(c, user=admin)
        c_ids.display_id = c_display.public_id
        feed, meeting_feed = calendars.issue_meeting_feed(m, user=admin)
        m_ids.feed_token_id = feed.public_id
        c_feed, _secret = calendars.issue_meeting_feed(c, user=admin)
        c_ids.feed_token_id = c_feed.public_id
        participant = db.session.scalar(select(Participant).where(Participant.public_id == m_ids.participant_id))
        _token, personal = calendars.issue_personal_feed(participant, user=admin)
        viewer = db.session.get(User, users["viewer"].id)
        _token, user_feed = calendars.issue_user_feed(viewer, org)
        c_ids.public_code = ""
        _consultation(org, admin, m_ids, secret_titles=False)
        _consultation(org, admin, c_ids, secret_titles=True)
        return SecurityScene(users=users, tokens=tokens, m=m_ids, c=c_ids, classified_item_id=classified_item,
                             classified_speech_id=classified_speech,
                             hall_token=hall, user_feed=user_feed, meeting_feed=meeting_feed,
                             personal_feed=personal, classified_delegate_token=c_ids.delegate_token,
                             api_token_public_id=api_token_id or "")

