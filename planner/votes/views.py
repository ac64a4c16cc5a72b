"""The votes pages of a meeting (tab "Biểu quyết"): the votes item by item, one vote's page (open, counts,
named choices, close, correct), and the congress bodies with the vote that adopts each list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from planner.accounts.access import require
from planner.agenda.models import AGENDA_ITEM_KIND_LABELS, AgendaItem
from planner.core.errors import PlannerError, ValidationError
from planner.core.permissions import Permission
from planner.core.posts import press, submit
from planner.core.web import signed_in_user as _user
from planner.core.web import wants_json
from planner.meetings.models import Meeting
from planner.meetings.tabs import meeting_editable, meeting_page
from planner.minutes.compose import percent_text
from planner.votes import services
from planner.votes.forms import ActionForm, BodyForm, BodyVoteForm, ChoiceForm, CorrectionForm, CountsForm, VoteForm
from planner.votes.models import (
    BODY_KIND_LABELS,
    BODY_KIND_NAMES,
    CHOICE_LABELS,
    MAJORITY_LABELS,
    VOTE_BASE_LABELS,
    VOTE_METHOD_LABELS,
    VOTE_STATUS_LABELS,
    BodyKind,
    Vote,
    VoteMethod,
    VoteStatus,
)

bp = Blueprint("votes", __name__)


@bp.context_processor
def _vote_globals() -> dict[str, Any]:
    return {"VOTE_METHOD_LABELS": VOTE_METHOD_LABELS, "MAJORITY_LABELS": MAJORITY_LABELS,
            "VOTE_BASE_LABELS": VOTE_BASE_LABELS, "VOTE_STATUS_LABELS": VOTE_STATUS_LABELS,
            "CHOICE_LABELS": CHOICE_LABELS, "BODY_KIND_LABELS": BODY_KIND_LABELS, "BODY_KIND_NAMES": BODY_KIND_NAMES,
            "AGENDA_ITEM_KIND_LABELS": AGENDA_ITEM_KIND_LABELS, "counts_of": services.counts,
            "active_tab": "votes.index", "percent_text": lambda value: percent_text(value, str(get_locale()))}


def _item_choices(items: list[AgendaItem]) -> list[tuple[str, str]]:
    return [(item.public_id, item.title) for item in items if services.can_hold_votes(item)]


def _vote_data(form: VoteForm) -> dict[str, Any]:
    """A vote's question and rule as the service takes them."""
    return {"title": form.title.data, "method": form.method.data, "majority": form.majority.data,
            "base": form.base.data, "secret": bool(form.secret.data)}


def _vote_url(meeting: Meeting, vote: Vote | str) -> str:
    vote_id = vote.public_id if isinstance(vote, Vote) else vote
    return url_for("votes.vote", meeting_id=meeting.public_id, vote_id=vote_id)


# The list ----------------------------------------------------------------------------------------

@bp.get("/meetings/<meeting_id>/votes")
@require(Permission.view)
def index(meeting_id: str):
    meeting = meeting_page(meeting_id)
    return _index(meeting)


def _index(meeting: Meeting, form: VoteForm | None = None, status: int = 200):
    user = _user()
    items = services.votable_items(meeting, user)
    votes = services.meeting_votes(meeting, user)
    by_item: dict[int, list[Vote]] = {}
    for vote in votes:
        by_item.setdefault(vote.agenda_item_id, []).append(vote)
    editable = meeting_editable(meeting)
    if editable and form is None:
        form = VoteForm()
        form.item_id.data = request.args.get("item") or None
    if form is not None:
        form.item_id.choices = [("", _("— Choose the item —")), *_item_choices(items)]
    return render_template("votes/index.html", meeting=meeting, items=[i for i in items if by_item.get(i.id)],
                           by_item=by_item, voted=services.voted_counts(votes), form=form, editable=editable,
                           present_now=services.present_now(meeting) if editable else None,
                           convened=services.convened_count(meeting)), status


@bp.post("/meetings/<meeting_id>/votes")
@require(Permission.organize)
def create(meeting_id: str):
    meeting = meeting_page(meeting_id)
    form = VoteForm()
    items = services.votable_items(meeting, _user())
    form.item_id.choices = [("", ""), *_item_choices(items)]

    def create_vote() -> Vote:
        item = next((i for i in items if i.public_id == form.item_id.data), None)
        if item is None:
            raise ValidationError(_("Choose the item."), field="item_id")
        return services.create_vote(item, _vote_data(form), user=_user())

    return submit(form, create_vote, again=lambda status: _index(meeting, form, status),
                  done=_("The vote is prepared. Open it when the presiding person puts the question."),
                  then=lambda vote: _vote_url(meeting, vote))


# One vote ----------------------------------------------------------------------------------------

def _vote_page(meeting: Meeting, vote: Vote, *, counts_form: CountsForm | None = None,
               correction_form: CorrectionForm | None = None, edit_form: VoteForm | None = None, status: int = 200):
    editable = meeting_editable(meeting)
    roll = services.roll(vote) if vote.status is not VoteStatus.draft else []
    choices = services.named_choices(vote) if vote.method is VoteMethod.named else {}
    if counts_form is None:
        counts_form = CountsForm(formdata=None, data={"yes": vote.yes, "no": vote.no, "abstain": vote.abstain})
    if correction_form is None:
        correction_form = CorrectionForm(formdata=None, data={"yes": vote.yes, "no": vote.no,
                                                              "abstain": vote.abstain})
    if edit_form is None and vote.status is VoteStatus.draft and editable:
        edit_form = VoteForm(formdata=None, data={"item_id": vote.agenda_item.public_id, "title": vote.title,
                                                  "method": vote.method.value, "majority": vote.majority.value,
                                                  "base": vote.base.value, "secret": vote.is_secret})
    if edit_form is not None:
        edit_form.item_id.choices = [(vote.agenda_item.public_id, vote.agenda_item.title)]
    for form in (counts_form, correction_form, edit_form):
        if form is not None:
            form.version.data = str(vote.version)
    return render_template(
        "votes/vote.html", meeting=meeting, vote=vote, item=vote.agenda_item, numbers=services.counts(vote),
        roll=roll, choices=choices, voted=services.voted_count(vote) if not vote.counted else None,
        editable=editable, can_correct=services.can_correct(vote), counts_form=counts_form,
        correction_form=correction_form, edit_form=edit_form, action_form=ActionForm(),
        present_now=services.present_now(meeting) if vote.status is VoteStatus.draft else None,
    ), status


def _found(meeting: Meeting, vote_id: str) -> Vote:
    return services.get_meeting_vote(meeting, vote_id, user=_user())


@bp.get("/meetings/<meeting_id>/votes/<vote_id>")
@require(Permission.view)
def vote(meeting_id: str, vote_id: str):
    meeting = meeting_page(meeting_id)
    return _vote_page(meeting, _found(meeting, vote_id))


@bp.post("/meetings/<meeting_id>/votes/<vote_id>")
@require(Permission.organize)
def edit(meeting_id: str, vote_id: str):
    """Change a prepared vote's question and rule."""
    meeting = meeting_page(meeting_id)
    found = _found(meeting, vote_id)
    form = VoteForm()
    form.item_id.choices = [(found.agenda_item.public_id, found.agenda_item.title)]
    form.item_id.data = found.agenda_item.public_id
    return submit(form, lambda: services.update_vote(found, _vote_data(form), user=_user(), version=form.version.data),
                  again=_again(meeting, vote_id, edit_form=form), done=_("The vote is saved."),
                  then=_vote_url(meeting, found))


def _again(meeting: Meeting, vote_id: str, **forms: Any) -> Callable[[int], Any]:
    """The vote's page shown again with the form sent, the vote read anew (a refusal changed nothing)."""
    return lambda status: _vote_page(meeting, _found(meeting, vote_id), status=status, **forms)


def _act(meeting_id: str, vote_id: str, action, done: str):
    meeting = meeting_page(meeting_id)
    found = _found(meeting, vote_id)
    form = ActionForm()
    return press(form, lambda: action(found, form.version.data), done=done, then=_vote_url(meeting, vote_id),
                 again=_again(meeting, vote_id))


@bp.post("/meetings/<meeting_id>/votes/<vote_id>/open")
@require(Permission.organize)
def open_(meeting_id: str, vote_id: str):
    return _act(meeting_id, vote_id, lambda v, version: services.open_vote(v, user=_user(), version=version),
                _("The vote is open: the delegates present now are its base."))


@bp.post("/meetings/<meeting_id>/votes/<vote_id>/close")
@require(Permission.organize)
def close(meeting_id: str, vote_id: str):
    return _act(meeting_id, vote_id, lambda v, version: services.close_vote(v, user=_user(), version=version),
                _("The vote is closed and its result recorded."))


@bp.post("/meetings/<meeting_id>/votes/<vote_id>/delete")
@require(Permission.organize)
def delete(meeting_id: str, vote_id: str):
    meeting = meeting_page(meeting_id)
    found = _found(meeting, vote_id)
    form = ActionForm()
    return press(form, lambda: services.delete_vote(found, user=_user(), version=form.version.data),
                 done=_("The prepared vote is deleted."), then=url_for("votes.index", meeting_id=meeting.public_id),
                 back=_vote_url(meeting, vote_id))


@bp.post("/meetings/<meeting_id>/votes/<vote_id>/counts")
@require(Permission.organize)
def save_counts(meeting_id: str, vote_id: str):
    meeting = meeting_page(meeting_id)
    found = _found(meeting, vote_id)
    form = CountsForm()

    def save() -> None:
        data = {"yes": form.yes.data, "no": form.no.data, "abstain": form.abstain.data}
        if request.form.get("then") == "close":
            services.update_vote(found, {**data, "status": VoteStatus.closed.value}, user=_user(),
                                 version=form.version.data)
        else:
            services.set_counts(found, data, user=_user(), version=form.version.data)

    return submit(form, save, again=_again(meeting, vote_id, counts_form=form), done=_("The counts are saved."),
                  then=_vote_url(meeting, vote_id))


def _progress(vote: Vote) -> dict[str, Any]:
    """What the open vote's page refreshes in place (static/js/votes.js): its status and version (a change
    made elsewhere, such as closing, reloads the page), how many have voted, said as the page says it, and
    each voter's mark on the roll (services.roll_marks: never an electronic vote's choices)."""
    voted = services.voted_count(vote) if not vote.counted else None
    said = (_("%(voted)d of %(present)d have voted.", voted=voted, present=vote.present)
            if voted is not None and vote.present is not None else "")
    numbers = services.counts(vote)
    shown: dict[str, str] = {}
    if numbers.shown:  # as votes/_macros.html numbers_table prints them
        shown = {key: "—" if value is None else str(value) for key, value in (
            ("yes", numbers.yes), ("no", numbers.no), ("abstain", numbers.abstain),
            ("not_voting", numbers.not_voting))}
        if numbers.percent is not None:
            shown["percent"] = percent_text(numbers.percent, str(get_locale())) + "%"
    return {"status": vote.status.value, "version": vote.version, "voted": voted, "present": vote.present,
            "progress": said, "numbers": shown,
            "marks": services.roll_marks(vote) if vote.status is VoteStatus.open else {}}


@bp.get("/meetings/<meeting_id>/votes/<vote_id>/progress")
@require(Permission.view)
def progress(meeting_id: str, vote_id: str):
    meeting = meeting_page(meeting_id)
    return jsonify(_progress(_found(meeting, vote_id)))


@bp.post("/meetings/<meeting_id>/votes/<vote_id>/choices")
@require(Permission.organize)
def choice(meeting_id: str, vote_id: str):
    """One delegate's choice in a named vote. The page's script sends it with fetch and is answered JSON (the
    vote's progress, or the refusal in words) so that the clerk calling the roll stays where they are in it;
    without script, the form posts and the page comes back at the delegate's row."""
    meeting = meeting_page(meeting_id)
    found = _found(meeting, vote_id)
    form = ChoiceForm()

    def record() -> None:
        participant = services.roll_participant(found, form.participant_id.data or "")
        if participant is None:
            raise PlannerError(_("This delegate was not present when the vote opened."))
        services.record_choice(found, participant, form.choice.data or None, user=_user())

    if wants_json():
        if not form.validate_on_submit():  # no delegate named (the token itself is checked before any view)
            return jsonify({"ok": False, "detail": _("This delegate was not present when the vote opened.")}), 400
        try:
            record()
        except PlannerError as exc:
            return jsonify({"ok": False, "detail": exc.message}), exc.status
        return jsonify({"ok": True, **_progress(found)})
    return press(form, record, done=None, then=_vote_url(meeting, vote_id) + f"#roll-{form.participant_id.data}",
                 back=_vote_url(meeting, vote_id), again=_again(meeting, vote_id))


@bp.post("/meetings/<meeting_id>/votes/<vote_id>/correction")
@require(Permission.organize)
def correction(meeting_id: str, vote_id: str):
    meeting = meeting_page(meeting_id)
    found = _found(meeting, vote_id)
    form = CorrectionForm()
    return submit(form, lambda: services.correct_vote(
                      found, {"yes": form.yes.data, "no": form.no.data, "abstain": form.abstain.data},
                      form.reason.data or "", user=_user(), version=form.version.data),
                  again=_again(meeting, vote_id, correction_form=form), done=_("The correction is recorded."),
                  then=_vote_url(meeting, vote_id))


# The congress bodies ----------------------------------------------------------------------------

def _bodies_page(meeting: Meeting, forms: dict[str, Any] | None = None, status: int = 200):
    user = _user()
    found = services.bodies(meeting)
    delegates = services.body_participant_choices(meeting)
    items = _item_choices(services.votable_items(meeting, user))
    editable = meeting_editable(meeting)
    panels = []
    for kind in BodyKind:
        body = found.get(kind)
        members = [m.participant.public_id for m in body.members] if body is not None else []
        form = (forms or {}).get(kind.value) or BodyForm(formdata=None, data={"participant_ids": members})
        form.participant_ids.choices = [(p.public_id, f"{p.full_name}{' — ' + p.title if p.title else ''}")
                                        for p in delegates]
        form.participant_ids.id = f"body-{kind.value}-members"
        vote_form = BodyVoteForm(formdata=None)
        vote_form.item_id.choices = items
        vote_form.item_id.id = f"body-{kind.value}-item"
        if body is not None:
            form.version.data = vote_form.version.data = str(body.version)
        panels.append({"kind": kind, "body": body, "form": form, "vote_form": vote_form,
                       "locked": body is not None and services.body_locked(body)})
    return render_template("votes/bodies.html", meeting=meeting, panels=panels, editable=editable), status


@bp.get("/meetings/<meeting_id>/bodies")
@require(Permission.view)
def bodies(meeting_id: str):
    meeting = meeting_page(meeting_id)
    return _bodies_page(meeting)


@bp.post("/meetings/<meeting_id>/bodies/<any(presidium, secretariat, credentials_committee, counting_committee):kind>")
@require(Permission.organize)
def body_members(meeting_id: str, kind: str):
    meeting = meeting_page(meeting_id)
    form = BodyForm()
    form.participant_ids.choices = [(p.public_id, p.full_name) for p in services.body_participant_choices(meeting)]
    return submit(form, lambda: services.set_body_members(meeting, kind, form.participant_ids.data or [],
                                                          user=_user(), version=form.version.data),
                  again=lambda status: _bodies_page(meeting, {kind: form}, status),
                  done=_("The list of the %(body)s is saved.", body=BODY_KIND_NAMES[BodyKind(kind)]),
                  then=url_for("votes.bodies", meeting_id=meeting.public_id, _anchor=f"body-{kind}"))


@bp.post("/meetings/<meeting_id>/bodies/<any(presidium, secretariat, credentials_committee, counting_committee):kind>"
         "/vote")
@require(Permission.organize)
def body_vote(meeting_id: str, kind: str):
    meeting = meeting_page(meeting_id)
    form = BodyVoteForm()
    items = services.votable_items(meeting, _user())
    form.item_id.choices = _item_choices(items)
    back = url_for("votes.bodies", meeting_id=meeting.public_id, _anchor=f"body-{kind}")
    if not form.validate_on_submit():
        flash(_("Choose the item on which the congress votes the list."), "error")
        return redirect(back)
    item = next(i for i in items if i.public_id == form.item_id.data)
    return press(None, lambda: services.put_body_to_vote(meeting, kind, item, user=_user(), version=form.version.data),
                 done=_("The list is put to the vote: open the vote when the presiding person asks the congress."),
                 then=lambda vote: _vote_url(meeting, vote), back=back)
