"""The elections pages of a meeting (the "Bầu cử" tab): the elections and the credentials report, one
election with its list and rounds, one round with its issue log, tally, result and counting minutes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from planner.accounts.access import can, require
from planner.core.errors import PlannerError
from planner.core.permissions import CLASSIFICATION_MARKS, Permission
from planner.core.posts import press, submit
from planner.core.web import form_error
from planner.core.web import signed_in_user as _user
from planner.elections import rules, services
from planner.elections.forms import INVALID_REASON_LABELS, CandidateForm, CredentialsForm, ElectionForm, TallyForm
from planner.elections.models import (
    ELECTION_BODY_LABELS,
    ELECTION_STATUS_LABELS,
    NOMINATION_LABELS,
    ROUND_STATUS_LABELS,
    Election,
    ElectionRound,
    RoundStatus,
)
from planner.meetings.models import Meeting
from planner.meetings.tabs import meeting_editable, meeting_page, meeting_tabs

bp = Blueprint("elections", __name__)

ELECTION_FIELDS = ("body", "title", "seats", "seats_vote_id", "seats_decision", "surplus_decision", "base_excluded",
                   "base_note", "ballot_reserve")
FIGURES = ("present", "issued", "returned", "spoiled", "replaced", "valid", "invalid")


@bp.context_processor
def _globals() -> dict[str, Any]:
    return {"meeting_tabs": meeting_tabs, "CLASSIFICATION_MARKS": CLASSIFICATION_MARKS,
            "ELECTION_BODY_LABELS": ELECTION_BODY_LABELS, "ELECTION_STATUS_LABELS": ELECTION_STATUS_LABELS,
            "ROUND_STATUS_LABELS": ROUND_STATUS_LABELS, "NOMINATION_LABELS": NOMINATION_LABELS,
            "INVALID_REASON_LABELS": INVALID_REASON_LABELS, "surplus_message": services.surplus_message}


def _download(meeting: Meeting, name: str, **query: str) -> str:
    return url_for("meetings.download", meeting_id=meeting.public_id, name=name, **query)


def _election_url(election: Election, **kw: Any) -> str:
    return url_for("elections.election", meeting_id=election.meeting.public_id, election_id=election.public_id, **kw)


def _round_url(held: ElectionRound) -> str:
    election = held.election
    return url_for("elections.round_page", meeting_id=election.meeting.public_id, election_id=election.public_id,
                   round_id=held.public_id)


def _data(form: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """The fields the user sent; an empty number is left out (the services check the rest)."""
    return {name: getattr(form, name).data for name in names
            if name in request.form and getattr(form, name).data is not None}


# The elections of a meeting ---------------------------------------------------------------------------------

@bp.get("/meetings/<meeting_id>/elections")
@require(Permission.view)
def index(meeting_id: str):
    meeting = meeting_page(meeting_id)
    return _index(meeting, _election_form(meeting, formdata=None), _credentials_form(meeting))


def _election_form(meeting: Meeting, **kwargs) -> ElectionForm:
    """The election form, offering the congress's closed, adopted votes as the one that decided the seats."""
    form = ElectionForm(**kwargs)
    form.seats_vote_id.choices = [("", "—")] + [(v.public_id, v.title) for v in services.seats_votes(meeting)]
    return form


def _credentials_form(meeting: Meeting, form: CredentialsForm | None = None) -> CredentialsForm:
    report = services.credentials_of(meeting)
    if form is None:
        form = CredentialsForm(formdata=None, obj=report)
        form.version.data = str(report.version or "")
    return form


def _index(meeting: Meeting, form: ElectionForm, credentials_form: CredentialsForm, status: int = 200):
    elections = services.meeting_elections(meeting)
    return render_template(
        "elections/index.html", meeting=meeting, elections=elections, form=form, credentials_form=credentials_form,
        credentials=services.credentials_of(meeting), figures=services.credentials_figures(meeting),
        editable=meeting_editable(meeting), download=lambda name, **q: _download(meeting, name, **q),
        elected={e.id: len(services.elected_so_far(e)) for e in elections}), status


@bp.post("/meetings/<meeting_id>/elections")
@require(Permission.organize)
def create(meeting_id: str):
    meeting = meeting_page(meeting_id)
    form = _election_form(meeting)
    return submit(form, lambda: services.create_election(meeting, _data(form, ELECTION_FIELDS), user=_user()),
                  again=lambda status: _index(meeting, form, _credentials_form(meeting), status),
                  done=_("The election is created: now make its list."), then=_election_url)


@bp.post("/meetings/<meeting_id>/elections/credentials")
@require(Permission.organize)
def credentials(meeting_id: str):
    meeting = meeting_page(meeting_id)
    form = CredentialsForm()
    fields = ("disqualified", "cases", "signer_name")
    return submit(form, lambda: services.update_credentials(meeting, _data(form, fields), user=_user(),
                                                            version=form.version.data),
                  again=lambda status: _index(meeting, _election_form(meeting, formdata=None), form, status),
                  done=_("The credentials report is saved."), then=_credentials_url(meeting))


def _credentials_url(meeting: Meeting) -> str:
    return url_for("elections.index", meeting_id=meeting.public_id, _anchor="credentials")


@bp.post("/meetings/<meeting_id>/elections/credentials/sign")
@require(Permission.organize)
def sign_credentials(meeting_id: str):
    meeting = meeting_page(meeting_id)
    return press(None, lambda: services.sign_credentials(meeting, user=_user()),
                 done=_("The credentials report is signed: its files are kept as they are now."),
                 then=_credentials_url(meeting))


# One election -------------------------------------------------------------------------------------------------

def _election_page(meeting: Meeting, election: Election, *, form: ElectionForm | None = None,
                   candidate_form: CandidateForm | None = None, status: int = 200):
    if form is None:
        form = _election_form(meeting, formdata=None, obj=election)
        form.body.data = election.body.value
        form.seats_vote_id.data = election.seats_vote.public_id if election.seats_vote else ""
        form.version.data = str(election.version)
    candidate_form = candidate_form or CandidateForm(formdata=None)
    taken = {c.participant_id for c in election.candidates}
    candidate_form.participant_id.choices = [("", "—")] + [
        (p.public_id, p.full_name) for p in services.eligible_delegates(meeting) if p.id not in taken]
    defaults, next_seats = services.next_round_defaults(election)
    return render_template(
        "elections/election.html", meeting=meeting, election=election, form=form, candidate_form=candidate_form,
        candidates=services.ballot_order(election), check=services.surplus_of(election),
        elected=services.elected_so_far(election), next_candidates=defaults, next_seats=next_seats,
        seats_left=services.seats_left(election), base_count=services.base_count(election),
        floor_threshold=rules.floor_threshold(services.present_now(meeting)), present=services.present_now(meeting),
        editable=meeting_editable(meeting), can_count=can(Permission.take_minutes),
        download=lambda name, **q: _download(meeting, name, **q)), status


def _election(meeting: Meeting, election_id: str) -> Election:
    return services.get_meeting_election(meeting, election_id)


@bp.get("/meetings/<meeting_id>/elections/<election_id>")
@require(Permission.view)
def election(meeting_id: str, election_id: str):
    meeting = meeting_page(meeting_id)
    return _election_page(meeting, _election(meeting, election_id))


@bp.post("/meetings/<meeting_id>/elections/<election_id>")
@require(Permission.organize)
def update(meeting_id: str, election_id: str):
    meeting = meeting_page(meeting_id)
    found = _election(meeting, election_id)
    form = _election_form(meeting)
    return submit(form, lambda: services.update_election(found, _data(form, ELECTION_FIELDS), user=_user(),
                                                         version=form.version.data),
                  again=_again(meeting, election_id, form=form), done=_("The election is saved."),
                  then=_election_url(found))


def _again(meeting: Meeting, election_id: str, **forms: Any) -> Callable[[int], Any]:
    """The election's page shown again with the form sent, the election read anew (a refusal changed nothing)."""
    return lambda status: _election_page(meeting, _election(meeting, election_id), status=status, **forms)


@bp.post("/meetings/<meeting_id>/elections/<election_id>/candidates")
@require(Permission.organize)
def add_candidate(meeting_id: str, election_id: str):
    meeting = meeting_page(meeting_id)
    found = _election(meeting, election_id)
    form = CandidateForm()
    form.participant_id.choices = [(request.form.get("participant_id", ""), "")]
    return submit(form, lambda: services.add_candidate(found, {
                      "participant_id": form.participant_id.data or None, "full_name": form.full_name.data,
                      "nominated_by": form.nominated_by.data, "agreeing": form.agreeing.data,
                      "present": form.present.data}, user=_user()),
                  again=_again(meeting, election_id, candidate_form=form),
                  done=lambda candidate: _("%(name)s is on the list.", name=candidate.full_name),
                  then=_election_url(found, _anchor="candidates"))


@bp.post("/meetings/<meeting_id>/elections/<election_id>/candidates/<candidate_id>/delete")
@require(Permission.organize)
def remove_candidate(meeting_id: str, election_id: str, candidate_id: str):
    meeting = meeting_page(meeting_id)
    found = _election(meeting, election_id)
    candidate = next((c for c in found.candidates if c.public_id == candidate_id), None)
    if candidate is None:
        from planner.core.errors import NotFound

        raise NotFound(_("No such candidate."))
    return press(None, lambda: services.remove_candidate(candidate, user=_user()),
                 done=_("%(name)s is no longer on the list.", name=candidate.full_name),
                 then=_election_url(found, _anchor="candidates"))


@bp.post("/meetings/<meeting_id>/elections/<election_id>/rounds")
@require(Permission.organize)
def start_round(meeting_id: str, election_id: str):
    meeting = meeting_page(meeting_id)
    found = _election(meeting, election_id)
    chosen = request.form.getlist("candidate_ids")
    return press(None, lambda: services.start_round(found, {"candidate_ids": chosen} if chosen else {}, user=_user()),
                 done=lambda held: _("Round %(number)s is started: print its ballots.", number=held.number),
                 then=_round_url, back=_election_url(found, _anchor="rounds"))


@bp.post("/meetings/<meeting_id>/elections/<election_id>/report/sign")
@require(Permission.organize)
def sign_report(meeting_id: str, election_id: str):
    meeting = meeting_page(meeting_id)
    found = _election(meeting, election_id)
    return press(None, lambda: services.sign_election_report(found, user=_user()),
                 done=_("The election report is signed: its files are kept as they are now."),
                 then=_election_url(found, _anchor="documents"))


# One round ----------------------------------------------------------------------------------------------------

def _round(meeting: Meeting, election_id: str, round_id: str) -> ElectionRound:
    held = services.get_meeting_round(meeting, round_id)
    if held.election.public_id != election_id:
        from planner.core.errors import NotFound

        raise NotFound(_("No such round."))
    return held


def _round_page(meeting: Meeting, held: ElectionRound, *, form: TallyForm | None = None, status: int = 200):
    if form is None:
        form = TallyForm(formdata=None, obj=held)
        form.version.data = str(held.version)
    result = services.result_of(held)
    return render_template(
        "elections/round.html", meeting=meeting, election=held.election, held=held, form=form,
        rows=services.result_rows(held), result=result, sent_votes=request.form if request.method == "POST" else {},
        writable=can(Permission.take_minutes) and held.status is not RoundStatus.closed,
        can_correct=can(Permission.take_minutes) and held.status is RoundStatus.closed,
        committee=services.counting_committee(meeting),
        download=lambda name, **q: _download(meeting, name, **q)), status


@bp.get("/meetings/<meeting_id>/elections/<election_id>/rounds/<round_id>")
@require(Permission.view)
def round_page(meeting_id: str, election_id: str, round_id: str):
    meeting = meeting_page(meeting_id)
    return _round_page(meeting, _round(meeting, election_id, round_id))


def _tally_data(form: TallyForm, held: ElectionRound) -> dict[str, Any]:
    data = {name: getattr(form, name).data for name in FIGURES if getattr(form, name).data is not None}
    votes = []
    for entry in held.entries:
        value = request.form.get(f"votes-{entry.candidate.public_id}", "").strip()
        if value != "":
            votes.append({"candidate_id": entry.candidate.public_id, "votes": value})
    if votes:
        data["votes"] = votes
    reasons = {}
    for reason in rules.InvalidReason:
        value = request.form.get(f"reason-{reason.value}", "").strip()
        if value != "":
            reasons[reason.value] = value
    if reasons or any(k.startswith("reason-") for k in request.form):
        data["invalid_reasons"] = reasons
    if form.status.data:
        data["status"] = form.status.data
    return data


@bp.post("/meetings/<meeting_id>/elections/<election_id>/rounds/<round_id>")
@require(Permission.take_minutes)
def tally(meeting_id: str, election_id: str, round_id: str):
    meeting = meeting_page(meeting_id)
    held = _round(meeting, election_id, round_id)
    form = TallyForm()
    if not form.validate_on_submit():
        return _round_page(meeting, held, form=form, status=422)
    try:
        held = services.update_round(held, _tally_data(form, held), user=_user(), version=form.version.data)
    except PlannerError as exc:
        form_error(form, exc)
        for problem in exc.errors[1:]:
            flash(problem["detail"], "error")
        return _round_page(meeting, _round(meeting, election_id, round_id), form=form, status=exc.status)
    if held.status is RoundStatus.closed:
        flash(_("The round is closed and its result computed."), "success")
    else:
        flash(_("The figures are saved."), "success")
    return redirect(_round_url(held))


@bp.post("/meetings/<meeting_id>/elections/<election_id>/rounds/<round_id>/correction")
@require(Permission.take_minutes)
def correct(meeting_id: str, election_id: str, round_id: str):
    meeting = meeting_page(meeting_id)
    held = _round(meeting, election_id, round_id)
    form = TallyForm()

    def correct_round() -> ElectionRound:
        data = _tally_data(form, held)
        data.pop("status", None)
        return services.correct_round(held, data, reason=form.reason.data, user=_user(), version=form.version.data)

    return submit(form, correct_round, done=_("The correction is recorded and the result computed again."),
                  again=lambda status: _round_page(meeting, _round(meeting, election_id, round_id), form=form,
                                                   status=status),
                  then=_round_url)


@bp.post("/meetings/<meeting_id>/elections/<election_id>/rounds/<round_id>/sign")
@require(Permission.take_minutes)
def sign_minutes(meeting_id: str, election_id: str, round_id: str):
    meeting = meeting_page(meeting_id)
    held = _round(meeting, election_id, round_id)
    return press(None, lambda: services.sign_counting_minutes(held, user=_user()),
                 done=_("The counting minutes are signed: their files are kept as they are now."),
                 then=_round_url(held))
