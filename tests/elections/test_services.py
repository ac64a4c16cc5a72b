"""Elections' services: the list (surplus, floor nominations, counting committee), rounds, the tally's
integrity, the result by the rule, another round, corrections and the audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from planner.core.audit import AuditEntry
from planner.core.errors import Conflict, ValidationError
from planner.elections import services
from planner.elections.models import ElectionStatus, RoundStatus
from planner.extensions import db


def _election(congress, seats=9, body="executive_committee", **data):
    return services.create_election(congress.meeting, {"body": body, "seats": seats, **data}, user=congress.user)


def _list(congress, election, n):
    return [services.add_candidate(election, {"participant_id": p.public_id}, user=congress.user)
            for p in congress.delegates[:n]]


def test_the_list_is_in_ballot_order_by_given_name(congress):
    election = _election(congress, seats=2)
    for family, middle, given in (("Lê", "Văn", "Thái"), ("Bùi", "Văn", "Thạch"), ("Nguyễn", "Quang", "Dương"),
                                  ("Đinh", "Thế", "Huynh"), ("Trần", "Lưu", "Hải")):
        services.add_candidate(election, {"full_name": f"{family} {middle} {given}"}, user=congress.user)
    assert [c.full_name for c in services.ballot_order(election)] == [
        "Nguyễn Quang Dương", "Trần Lưu Hải", "Đinh Thế Huynh", "Bùi Văn Thạch", "Lê Văn Thái"]


def test_a_counting_committee_member_cannot_be_a_candidate(congress, committee):
    election = _election(congress, seats=2)
    committee(congress.delegates[0])
    with pytest.raises(ValidationError) as refused:
        services.add_candidate(election, {"participant_id": congress.delegates[0].public_id}, user=congress.user)
    assert "Ban kiểm phiếu" in refused.value.message or "counting committee" in refused.value.message
    assert refused.value.field == "participant_id"


def test_a_candidate_cannot_join_the_counting_committee(congress, committee):
    election = _election(congress, seats=1, title="Bầu Bí thư")
    first, _second = _list(congress, election, 2)
    with pytest.raises(ValidationError) as refused:
        committee(first.participant)
    assert "Bầu Bí thư" in refused.value.message
    committee(congress.delegates[20])
    held = services.start_round(election, user=congress.user)
    assert len(held.entries) == 2


def test_a_floor_nomination_needs_more_than_30_percent(congress):
    election = _election(congress, seats=9)
    person = congress.delegates[5].public_id
    with pytest.raises(ValidationError) as refused:
        services.add_candidate(election, {"participant_id": person, "nominated_by": "floor", "agreeing": 9,
                                          "present": 30}, user=congress.user)
    assert refused.value.field == "agreeing" and "10" in refused.value.message
    with pytest.raises(ValidationError):
        services.add_candidate(election, {"participant_id": person, "nominated_by": "self"}, user=congress.user)
    accepted = services.add_candidate(election, {"participant_id": person, "nominated_by": "floor", "agreeing": 10,
                                                 "present": 30}, user=congress.user)
    assert accepted.agreeing == 10


def test_a_delegate_of_another_meeting_or_twice_is_refused(congress):
    from tests.elections.conftest import make_congress

    other = make_congress(delegates=1)
    election = _election(congress, seats=1)
    with pytest.raises(ValidationError):
        services.add_candidate(election, {"participant_id": other.delegates[0].public_id}, user=congress.user)
    services.add_candidate(election, {"participant_id": congress.delegates[0].public_id}, user=congress.user)
    with pytest.raises(ValidationError):
        services.add_candidate(election, {"participant_id": congress.delegates[0].public_id}, user=congress.user)


def test_a_list_beyond_30_percent_needs_the_congress_decision(congress):
    election = _election(congress, seats=9)
    _list(congress, election, 12)
    check = services.surplus_of(election)
    assert check.needs_decision and services.surplus_message(check)
    with pytest.raises(Conflict):
        services.start_round(election, user=congress.user)
    services.update_election(election, {"surplus_decision": "Đại hội biểu quyết giữ nguyên danh sách 12 đồng chí "
                                                            "(28/30 tán thành)."}, user=congress.user)
    held = services.start_round(election, user=congress.user)
    assert held.number == 1 and len(held.entries) == 12


def test_the_round_takes_the_base_and_the_print_run(congress):
    election = _election(congress, seats=9, base_excluded=2, ballot_reserve=5)
    _list(congress, election, 11)
    held = services.start_round(election, user=congress.user)
    assert (held.convened, held.present, held.base_count, held.printed) == (30, 30, 28, 35)
    assert congress.reload(election).status is ElectionStatus.voting
    with pytest.raises(Conflict):   # the list is fixed once ballots are printed
        services.add_candidate(election, {"participant_id": congress.delegates[20].public_id}, user=congress.user)


def _tally(held, numbers, **figures):
    votes = [{"candidate_id": e.candidate.public_id, "votes": n} for e, n in zip(held.entries, numbers, strict=True)]
    return {"votes": votes, **figures}


def test_nine_of_eleven_with_a_tie_at_the_margin_needs_a_second_round(congress):
    election = _election(congress, seats=9)
    _list(congress, election, 11)
    held = services.start_round(election, user=congress.user)
    numbers = [30, 29, 28, 27, 26, 25, 24, 23, 20, 20, 10]
    held = services.update_round(held, _tally(held, numbers, issued=30, returned=30, valid=30, invalid=0,
                                              status="counting"), user=congress.user)
    held = services.update_round(held, {"status": "closed"}, user=congress.user, version=held.version)
    assert held.status is RoundStatus.closed and held.another_round_needed
    assert sum(e.elected for e in held.entries) == 8
    tied = [e.candidate for e in held.entries if e.tied]
    assert len(tied) == 2
    second = services.start_round(election, user=congress.user)
    assert second.number == 2 and second.seats == 1
    assert {e.candidate_id for e in second.entries} == {c.id for c in tied}
    second = services.update_round(second, _tally(second, [18, 12], issued=30, returned=30, valid=30, invalid=0,
                                                   status="counting"), user=congress.user)
    second = services.update_round(second, {"status": "closed"}, user=congress.user)
    election = congress.reload(election)
    assert len(services.elected_so_far(election)) == 9
    assert election.status is ElectionStatus.closed
    assert [r.number for r in election.rounds] == [1, 2]     # every round kept
    with pytest.raises(Conflict):
        services.start_round(election, user=congress.user)


@pytest.mark.parametrize(("figures", "field"), [
    ({"issued": 30, "returned": 31, "valid": 31, "invalid": 0}, "returned"),
    ({"issued": 30, "returned": 30, "valid": 28, "invalid": 1}, "valid"),
    ({"issued": 30, "returned": 30, "valid": 5, "invalid": 25}, "votes"),
    ({"issued": 50, "returned": 30, "valid": 30, "invalid": 0, "replaced": 1}, "replaced"),
    ({"issued": 36, "returned": 30, "valid": 30, "invalid": 0}, "issued"),
    ({"issued": 30, "returned": 30, "valid": 29, "invalid": 1, "invalid_reasons": {"too_many": 2}},
     "invalid_reasons"),
])
def test_figures_that_do_not_add_up_are_refused_and_nothing_is_saved(congress, figures, field):
    election = _election(congress, seats=1, ballot_reserve=5)
    _list(congress, election, 2)
    held = services.start_round(election, user=congress.user)
    with pytest.raises(ValidationError) as refused:
        services.update_round(held, _tally(held, [20, 6], **figures), user=congress.user)
    assert field in {e["field"] for e in refused.value.errors}
    held = congress.reload(held)
    assert (held.issued, held.returned, [e.votes for e in held.entries]) == (0, 0, [None, None])


def test_votes_over_valid_and_more_votes_than_seats_allow(congress):
    election = _election(congress, seats=2)
    _list(congress, election, 3)
    held = services.start_round(election, user=congress.user)
    with pytest.raises(ValidationError) as refused:
        services.update_round(held, _tally(held, [30, 30, 30], issued=30, returned=30, valid=30, invalid=0),
                              user=congress.user)
    assert "60" in refused.value.message     # 90 votes, more than 2 names on 30 ballots
    with pytest.raises(ValidationError) as refused:
        services.update_round(held, _tally(held, [31, 0, 0], issued=30, returned=30, valid=30, invalid=0),
                              user=congress.user)
    assert "31" in refused.value.message


def test_closing_needs_every_candidate_votes(congress):
    election = _election(congress, seats=1)
    _list(congress, election, 2)
    held = services.start_round(election, user=congress.user)
    services.update_round(held, {"issued": 30, "returned": 30, "valid": 30, "invalid": 0, "status": "counting"},
                          user=congress.user)
    with pytest.raises(ValidationError):
        services.update_round(held, {"status": "closed"}, user=congress.user)


def test_two_clerks_at_once_the_second_is_refused(congress):
    election = _election(congress, seats=1)
    _list(congress, election, 2)
    held = services.start_round(election, user=congress.user)
    read = held.version
    services.update_round(held, {"issued": 30}, user=congress.user, version=read)
    with pytest.raises(Conflict):
        services.update_round(congress.reload(held), {"issued": 29}, user=congress.user, version=read)
    assert congress.reload(held).issued == 30


def test_a_closed_round_changes_only_through_a_recorded_correction(congress):
    election = _election(congress, seats=1)
    _list(congress, election, 2)
    held = services.start_round(election, user=congress.user)
    held = services.update_round(held, _tally(held, [20, 8], issued=30, returned=30, valid=28, invalid=2,
                                              status="counting"), user=congress.user)
    held = services.update_round(held, {"status": "closed"}, user=congress.user)
    with pytest.raises(Conflict):
        services.update_round(held, {"valid": 27}, user=congress.user)
    with pytest.raises(ValidationError):
        services.correct_round(held, {"valid": 27, "invalid": 3}, reason="", user=congress.user)
    held = services.correct_round(held, _tally(held, [14, 13], valid=27, invalid=3),
                                  reason="Ban kiểm phiếu kiểm lại: một phiếu gạch hết tên", user=congress.user)
    assert not any(e.elected for e in held.entries) and held.another_round_needed   # 14 is not more than 15
    assert congress.reload(election).status is ElectionStatus.voting
    assert held.corrections[0].reason.startswith("Ban kiểm phiếu") and held.corrections[0].changes
    actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == held.public_id)))
    assert {"election.round_started", "election.tally_entered", "election.round_closed",
            "election.round_corrected"} <= set(actions)


def test_an_unfilled_seat_goes_to_a_round_of_those_not_elected(congress):
    election = _election(congress, seats=2)
    _list(congress, election, 3)
    held = services.start_round(election, user=congress.user)
    held = services.update_round(held, _tally(held, [25, 12, 11], issued=30, returned=30, valid=30, invalid=0,
                                              status="counting"), user=congress.user)
    held = services.update_round(held, {"status": "closed"}, user=congress.user)
    second = services.start_round(election, user=congress.user)
    assert second.seats == 1 and len(second.entries) == 2
    elected = next(e.candidate for e in held.entries if e.elected)
    with pytest.raises(Conflict):
        services.update_round(second, {"candidate_ids": [elected.public_id]}, user=congress.user)


def test_the_credentials_report_counts_the_structure_from_the_directory(congress):
    from planner.delegates import services as delegate_services

    for i, participant in enumerate(congress.delegates[:4]):
        delegate_services.update_person(participant.person, {
            "gender": "female" if i % 2 else "male", "ethnicity": ["Kinh", "Tày", "Ê Đê", "kinh"][i],
            "birth_year": [1960, 1975, 1990, 1985][i], "education_level": ["master", "university", "", "doctorate"][i]})
    with pytest.raises(ValidationError) as refused:
        delegate_services.update_person(congress.delegates[5].person, {"birth_year": 1800})
    assert refused.value.field == "birth_year"
    with pytest.raises(ValidationError):
        delegate_services.update_person(congress.delegates[5].person, {"gender": "other"})
    figures = services.credentials_figures(congress.meeting)
    assert (figures.convened, figures.present, figures.women, figures.minorities) == (30, 30, 2, 2)
    assert dict(figures.education) == {"Tiến sĩ": 1, "Thạc sĩ": 1, "Đại học": 1}
    assert figures.unknown_age == 26 and figures.youngest == 2026 - 1990 and figures.oldest == 2026 - 1960
    report = services.update_credentials(congress.meeting, {"disqualified": 1, "cases": "Đồng chí A: thay thế.",
                                                           "signer_name": "Lê Văn Thái"}, user=congress.user)
    assert report.disqualified == 1
    with pytest.raises(ValidationError):
        services.update_credentials(congress.meeting, {"disqualified": 31}, user=congress.user)


def test_the_number_of_seats_is_linked_to_the_closed_vote_that_adopted_it(ctx):
    from planner.votes import services as votes
    from tests.votes.conftest import at
    from tests.votes.conftest import make_congress as make_voting_congress

    c = make_voting_congress()
    vote = c.opened(title="Số lượng Ban Chấp hành khóa mới: 9 đồng chí")
    votes.set_counts(vote, {"yes": 7, "no": 1}, user=c.user)
    data = {"body": "executive_committee", "seats": 9, "seats_vote_id": vote.public_id}
    with pytest.raises(ValidationError) as refused:          # still open: nothing adopted yet
        services.create_election(c.meeting, data, user=c.user)
    assert refused.value.field == "seats_vote_id"
    assert services.seats_votes(c.meeting) == []
    votes.close_vote(vote, user=c.user, at=at(3))
    assert services.seats_votes(c.meeting) == [vote]

    election = services.create_election(c.meeting, data, user=c.user)
    assert election.seats_vote_id == vote.id
    assert election.seats_decision == "Số lượng Ban Chấp hành khóa mới: 9 đồng chí: 7/8 đại biểu tán thành (87,50%)"
    assert services.describe(election)["seats_vote_id"] == vote.public_id

    # a decision in words is kept as written; unlinking keeps the words
    services.update_election(election, {"seats_decision": "Đại hội biểu quyết tán thành 100%",
                                        "seats_vote_id": vote.public_id}, user=c.user)
    assert election.seats_decision == "Đại hội biểu quyết tán thành 100%"
    services.update_election(election, {"seats_vote_id": ""}, user=c.user)
    assert election.seats_vote is None and election.seats_decision == "Đại hội biểu quyết tán thành 100%"

    # another congress's vote is not this congress's decision
    other = make_voting_congress()
    theirs = other.opened(title="Số lượng")
    votes.set_counts(theirs, {"yes": 8, "no": 0}, user=other.user)
    votes.close_vote(theirs, user=other.user, at=at(3))
    with pytest.raises(ValidationError):
        services.update_election(election, {"seats_vote_id": theirs.public_id}, user=c.user)
