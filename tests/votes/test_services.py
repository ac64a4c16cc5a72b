"""Votes through the services: the frozen base, counts and their limits, named and electronic choices, closing,
corrections, statuses, the audit, the congress bodies and the minutes draft."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select

from planner.core.audit import AuditEntry
from planner.core.errors import Conflict, NotFound, ValidationError
from planner.delegates import services as delegate_services
from planner.extensions import db
from planner.votes import services
from planner.votes.models import (
    BodyKind,
    Choice,
    Vote,
    VoteBallot,
    VoteChoice,
    VoteCorrection,
    VoteRoll,
    VoteStatus,
)
from tests.votes.conftest import DAY, at, make_congress


def actions(congress):
    return [e.action for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.meeting_id == congress.meeting.id, AuditEntry.action.like("vote.%")).order_by(AuditEntry.id))]


def test_opening_freezes_the_delegates_present_at_that_moment(congress):
    vote = congress.vote()
    assert vote.status is VoteStatus.draft and vote.method.value == "show_of_hands"
    services.open_vote(vote, user=congress.user, at=at(0))
    assert (vote.status, vote.present, vote.convened, vote.base_count) == (VoteStatus.open, 8, 10, 8)
    # guests do not vote; a delegate checked in later does not join this vote
    roll = services.roll(vote)
    assert {r.participant_id for r in roll} == {p.id for p in congress.delegates[:8]}
    delegate_services.set_attendance(congress.delegates[9], DAY, "present", user=congress.user)
    assert congress.reload(vote).present == 8
    assert services.present_now(congress.meeting, at(5)) == 9
    with pytest.raises(Conflict):
        services.open_vote(vote, user=congress.user)


def test_nobody_present_refuses_to_open(ctx):
    congress = make_congress(present=0)
    vote = congress.vote()
    with pytest.raises(Conflict) as exc:
        services.open_vote(vote, user=congress.user, at=at(0))
    assert "03/12/2026" in exc.value.message
    vote = congress.reload(vote)
    assert vote.status is VoteStatus.draft and db.session.scalar(select(VoteRoll.id)) is None


def test_a_show_of_hands_is_counted_and_closed(congress):
    vote = congress.opened()
    services.set_counts(vote, {"yes": 6, "no": 1}, user=congress.user)
    services.close_vote(vote, user=congress.user, at=at(3))
    vote = congress.reload(vote)
    numbers = services.counts(vote)
    assert (numbers.yes, numbers.no, numbers.abstain, numbers.not_voting, numbers.adopted) == (6, 1, 0, 1, True)
    assert str(numbers.percent) == "75.00"
    assert actions(congress) == ["vote.created", "vote.opened", "vote.counted", "vote.closed"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "vote.closed"))
    assert entry.actor_id == congress.user.id and entry.changes["adopted"] is True


def test_counts_above_the_base_or_those_present_are_refused_and_nothing_is_saved(congress):
    vote = congress.opened()
    with pytest.raises(ValidationError) as exc:
        services.set_counts(vote, {"yes": 6, "no": 2, "abstain": 1}, user=congress.user)
    assert "9" in exc.value.message and "8" in exc.value.message
    assert congress.reload(vote).yes is None
    # counted against those convened: 10, but only the 8 present can vote
    other = congress.opened(base="convened")
    assert other.base_count == 10
    with pytest.raises(ValidationError):
        services.set_counts(other, {"yes": 9, "no": 0}, user=congress.user)
    services.set_counts(other, {"yes": 5, "no": 3}, user=congress.user)
    services.close_vote(other, user=congress.user)
    assert congress.reload(other).adopted is False   # 5 of 10 convened is not more than half
    for bad in ({"yes": -1}, {"yes": "many"}, {"yes": 1.5}, {"yes": True}):
        with pytest.raises(ValidationError):
            services.set_counts(vote, bad, user=congress.user)


def test_closing_needs_the_counts_and_two_thirds_is_at_least_two_thirds(ctx):
    congress = make_congress(delegates=12, present=9)
    vote = congress.opened(majority="two_thirds")
    with pytest.raises(ValidationError):
        services.close_vote(vote, user=congress.user)
    services.update_vote(vote, {"yes": 6, "no": 3, "status": "closed"}, user=congress.user)
    assert congress.reload(vote).adopted is True       # 6 of 9: exactly two thirds
    vote = congress.opened(majority="two_thirds")
    services.update_vote(vote, {"yes": 5, "no": 4, "abstain": 0, "status": "closed"}, user=congress.user)
    assert congress.reload(vote).adopted is False


def test_statuses_move_only_forward_and_the_rule_is_fixed_once_open(congress):
    vote = congress.vote()
    services.update_vote(vote, {"title": "Thông qua Quy chế làm việc", "majority": "two_thirds"}, user=congress.user)
    assert vote.title == "Thông qua Quy chế làm việc" and vote.majority.value == "two_thirds"
    with pytest.raises(Conflict):
        services.close_vote(vote, user=congress.user)
    services.update_vote(vote, {"status": "open"}, user=congress.user, at=at(0))
    with pytest.raises(Conflict):
        services.update_vote(vote, {"title": "Khác"}, user=congress.user)
    with pytest.raises(Conflict):
        services.update_vote(vote, {"status": "draft"}, user=congress.user)
    with pytest.raises(Conflict):
        services.delete_vote(vote, user=congress.user)
    services.update_vote(vote, {"yes": 8, "no": 0, "status": "closed"}, user=congress.user)
    with pytest.raises(Conflict):
        services.update_vote(vote, {"status": "open"}, user=congress.user)
    with pytest.raises(Conflict):
        services.update_vote(vote, {"status": "open", "yes": 7}, user=congress.user)


def test_a_closed_vote_changes_only_through_a_recorded_correction(congress):
    vote = congress.opened()
    services.update_vote(vote, {"yes": 5, "no": 2, "abstain": 1, "status": "closed"}, user=congress.user)
    with pytest.raises(ValidationError):
        services.update_vote(vote, {"yes": 3, "no": 4}, user=congress.user)   # no reason
    with pytest.raises(ValidationError):
        services.correct_vote(vote, {"yes": 9}, "Đếm nhầm", user=congress.user)   # above the base
    services.correct_vote(vote, {"yes": 3, "no": 4}, "Tổ kiểm phiếu đếm lại", user=congress.user)
    vote = congress.reload(vote)
    assert (vote.yes, vote.no, vote.abstain, vote.adopted) == (3, 4, 1, False)
    correction = db.session.scalar(select(VoteCorrection))
    assert correction.before == {"yes": 5, "no": 2, "abstain": 1, "adopted": True}
    assert correction.after == {"yes": 3, "no": 4, "abstain": 1, "adopted": False}
    assert correction.reason == "Tổ kiểm phiếu đếm lại" and correction.created_by_id == congress.user.id
    assert actions(congress)[-1] == "vote.corrected"
    with pytest.raises(ValidationError):
        services.correct_vote(vote, {"yes": 3, "no": 4}, "Lần nữa", user=congress.user)   # changes nothing


def test_a_stale_version_is_refused(congress):
    vote = congress.opened()
    read = vote.version
    services.set_counts(vote, {"yes": 6, "no": 1}, user=congress.user, version=read)
    with pytest.raises(Conflict):
        services.set_counts(vote, {"yes": 2, "no": 5}, user=congress.user, version=read)
    assert (congress.reload(vote).yes, congress.reload(vote).no) == (6, 1)


def test_a_named_vote_records_each_delegate_s_choice(congress):
    vote = congress.opened(method="named")
    a, b, c = congress.delegates[:3]
    services.record_choice(vote, a, "yes", user=congress.user)
    services.record_choice(vote, b, "no", user=congress.user)
    services.record_choice(vote, c, "yes", user=congress.user)
    services.record_choice(vote, c, "abstain", user=congress.user)
    with pytest.raises(ValidationError):   # absent when the vote opened
        services.record_choice(vote, congress.delegates[9], "yes", user=congress.user)
    with pytest.raises(ValidationError):
        services.set_counts(vote, {"yes": 1, "no": 0}, user=congress.user)
    assert services.named_choices(vote) == {a.id: Choice.yes, b.id: Choice.no, c.id: Choice.abstain}
    assert services.counts(vote).yes == 1 and services.voted_count(vote) == 3
    services.close_vote(vote, user=congress.user)
    vote = congress.reload(vote)
    assert (vote.yes, vote.no, vote.abstain, vote.adopted) == (1, 1, 1, False)


def link(n: int) -> str:
    return f"link-secret-{n:02d}-" + "x" * 30


def test_electronic_votes_one_ballot_per_link_changeable_until_closed(congress):
    vote = congress.opened(method="electronic", secret=False)
    first = congress.delegates[0]
    assert services.open_electronic_votes(first) == [vote]
    assert services.open_electronic_votes(congress.delegates[9]) == []   # absent when it opened
    assert services.cast_ballot(vote, first, "no", link(0)) is True
    assert services.cast_ballot(vote, first, "yes", link(0)) is False     # a change, not a second ballot
    assert services.own_choice(vote, first, link(0)) is Choice.yes
    for n in range(1, 5):
        services.cast_ballot(vote, congress.delegates[n], "yes", link(n))
    with pytest.raises(Conflict):
        services.cast_ballot(vote, congress.delegates[9], "yes", link(9))
    assert services.voted_count(vote) == 5 and services.counts(vote).yes is None   # not shown while open
    services.close_vote(vote, user=congress.user)
    with pytest.raises(Conflict):
        services.cast_ballot(vote, first, "no", link(0))
    vote = congress.reload(vote)
    assert (vote.yes, vote.no, vote.abstain, vote.adopted) == (5, 0, 0, True)
    assert db.session.scalar(select(VoteChoice.choice).where(VoteChoice.participant_id == first.id)) is Choice.yes


def test_a_secret_electronic_vote_keeps_no_link_between_a_delegate_and_a_choice(congress):
    vote = congress.opened(method="electronic")
    assert vote.is_secret and vote.ballot_salt
    plan = {0: "yes", 1: "no", 2: "abstain", 3: "yes", 4: "yes"}
    for n, choice in plan.items():
        services.cast_ballot(vote, congress.delegates[n], choice, link(n))
    services.cast_ballot(vote, congress.delegates[1], "yes", link(1))          # changes their mind
    assert services.own_choice(vote, congress.delegates[1], link(1)) is Choice.yes
    assert services.own_choice(vote, congress.delegates[1], link(2)) is Choice.abstain   # someone else's link
    with pytest.raises(Conflict):   # a renewed link cannot add a second ballot
        services.cast_ballot(vote, congress.delegates[0], "no", link(40))
    services.close_vote(vote, user=congress.user)
    vote = congress.reload(vote)
    assert (vote.yes, vote.no, vote.abstain, vote.ballot_salt) == (4, 0, 1, None)

    # No row of any table holds both a delegate and a choice of this vote.
    participant_ids = {p.id for p in congress.delegates} | {str(p.public_id) for p in congress.delegates}
    for table in db.metadata.sorted_tables:
        columns = set(table.c.keys())
        rows = db.session.execute(select(table)).mappings().all()
        for row in rows:
            values = {str(v) for v in row.values() if v is not None}
            holds_person = bool(values & {str(i) for i in participant_ids}) and ("participant_id" in columns
                                                                                or table.name == "audit_entries")
            holds_choice = "choice" in columns and row.get("choice") is not None and row.get("vote_id") == vote.id
            assert not (holds_person and holds_choice), table.name
    assert db.session.scalar(select(VoteChoice.id).where(VoteChoice.vote_id == vote.id)) is None
    assert set(inspect(VoteBallot).columns.keys()) == {"key", "vote_id", "choice"}
    assert set(inspect(VoteRoll).columns.keys()) == {"id", "vote_id", "participant_id", "voted"}
    # the audit says who voted, never what
    for entry in db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("vote.ballot%"))):
        assert entry.changes is None
        assert not any(word in (entry.summary or "") for word in ("yes", "no", "abstain", "tán thành"))
    # and a ballot, with the salt gone, cannot be found again by its link
    keys = set(db.session.scalars(select(VoteBallot.key).where(VoteBallot.vote_id == vote.id)))
    assert len(keys) == 5
    assert services.own_choice(vote, congress.delegates[1], link(1)) is None


def test_votes_are_found_only_within_the_organization_and_clearance(congress):
    from tests.votes.conftest import make_congress as other_congress

    vote = congress.vote()
    other = other_congress()
    with pytest.raises(NotFound):
        services.get_vote(other.org, vote.public_id, user=other.user)
    assert services.get_vote(congress.org, vote.public_id, user=congress.user).id == vote.id


def test_sessions_hold_no_votes_and_a_closed_meeting_holds_none_but_corrects_them(congress):
    from planner.meetings import services as meetings

    with pytest.raises(ValidationError):
        congress.vote(congress.session)
    vote = congress.opened()
    services.update_vote(vote, {"yes": 8, "no": 0, "status": "closed"}, user=congress.user)
    prepared = congress.vote()
    meetings.set_status(congress.meeting, "published")
    meetings.set_status(congress.meeting, "closed")
    with pytest.raises(Conflict):
        congress.vote()
    with pytest.raises(Conflict):
        services.open_vote(prepared, user=congress.user)
    services.correct_vote(vote, {"yes": 7, "abstain": 1}, "Một đại biểu xin điều chỉnh", user=congress.user)
    assert congress.reload(vote).yes == 7


def test_the_minutes_draft_carries_the_results(congress):
    from planner.minutes import services as minutes

    vote = congress.opened()
    services.update_vote(vote, {"yes": 7, "no": 1, "status": "closed"}, user=congress.user)
    sections = minutes.compose_sections(congress.meeting, congress.user, "minutes")
    section = next(s for s in sections if s["key"] == f"item:{congress.resolution.public_id}")
    assert section["decisions"] == [{"text": "Thông qua Nghị quyết Đại hội: được thông qua", "for": 7,
                                     "against": 1, "abstain": 0, "percent": 87.5}]
    from planner.minutes import compose

    assert compose.decision_lines(section["decisions"], "vi") == [
        "Thông qua Nghị quyết Đại hội: được thông qua. Kết quả biểu quyết: 7 tán thành, 1 không tán thành, "
        "0 không biểu quyết; đạt 87,5%."]


def test_the_congress_bodies_and_the_counting_committee(congress):
    members = [p.public_id for p in congress.delegates[:3]]
    body = services.set_body_members(congress.meeting, "counting_committee", members, user=congress.user)
    assert [m.participant_id for m in body.members] == [p.id for p in congress.delegates[:3]]
    assert services.counting_committee_members(congress.meeting) == congress.delegates[:3]
    assert services.is_on_counting_committee(congress.delegates[0])
    assert not services.is_on_counting_committee(congress.delegates[5])
    with pytest.raises(ValidationError):   # guests are not official delegates
        services.set_body_members(congress.meeting, "presidium", [congress.guests[0].public_id], user=congress.user)

    # a candidate on a ballot (the elections package answers through the signal) is refused
    def candidate(participant):
        return "đã là người ứng cử" if participant.id == congress.delegates[4].id else None

    services.CANDIDACY.connect(candidate)
    try:
        with pytest.raises(ValidationError) as exc:
            services.set_body_members(congress.meeting, "counting_committee",
                                      [*members, congress.delegates[4].public_id], user=congress.user)
        assert "đã là người ứng cử" in exc.value.message
    finally:
        services.CANDIDACY.disconnect(candidate)

    vote = services.put_body_to_vote(congress.meeting, BodyKind.counting_committee, congress.opening,
                                     user=congress.user)
    assert vote.method.value == "show_of_hands" and "Ban Kiểm phiếu" in vote.title
    services.open_vote(vote, user=congress.user, at=at(0))
    with pytest.raises(Conflict):   # frozen while voted
        services.set_body_members(congress.meeting, "counting_committee", members[:2], user=congress.user)
    services.update_vote(vote, {"yes": 8, "no": 0, "status": "closed"}, user=congress.user)
    assert services.body_of(congress.meeting, "counting_committee").adopted
    assert db.session.scalar(select(Vote.agenda_item_id).where(Vote.id == vote.id)) == congress.opening.id


def test_the_audit_log_hides_the_votes_of_items_above_the_reader_s_clearance(congress):
    from planner.agenda import services as agenda
    from planner.core import audit

    agenda.update_item(congress.opening, {"classification": "confidential"}, user=congress.user)
    hidden = congress.vote(congress.opening, title="Nhân sự mật")
    shown = congress.vote()
    for clearance, expected in (("internal", {shown.public_id}), ("secret", {shown.public_id, hidden.public_id})):
        entries, _total = audit.entries(congress.org.id, action="vote.created", clearance=clearance)
        assert {e.object_id for e in entries} == expected
