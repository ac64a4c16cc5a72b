"""What a clerk checks before the minutes (or the conclusion notice) are approved (DOMAIN.md, "Before approval").

Presiding person and secretary named; the meeting has taken place; every item has its content; a conclusion
where the kind of meeting needs one; nobody both absent and speaking; no speech recorded for a speaker whose
speech was withdrawn or never granted; vote counts that add up to those present. Quyết định 45/2018/QĐ-TTg
(Điều 8, the minutes of a meeting: time, place, presiding, attendance, the opinions, the conclusions) and Hướng
dẫn 16-HD/VPTW (2023: delegates present and absent by name with reason) are the sources of the list.

Each check is a small function ``check(context) -> Iterable[Finding]`` over plain data (``CheckContext``, built
by minutes.services from the meeting); a finding either refuses approval (``blocking``) or is a warning the
clerk may accept. ``APPROVAL_CHECKS`` is the named list that approval runs, in order; it is filled explicitly:
``minutes.setup`` registers ``MINUTES_CHECKS``, and another package adds its own with ``register(check)`` in
its ``setup(app)`` — a future votes package's tallies, say (today the vote counts are those typed into an item's
decisions, checked by ``votes_add_up`` below). The signer and the classified document's copies, whose rules live
in documents.services, are read here from ``context.extra`` so that the clerk sees them in the same list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _

from planner.minutes.compose import DELIVERED_SPEECH_STATUSES


@dataclass(frozen=True)
class Finding:
    code: str                   # stable, for tests and the API: "no_presiding", "item_empty"…
    message: str                # for the clerk, in the user's language
    blocking: bool = True       # False: a warning the clerk may accept
    section: str | None = None  # the section of the document it concerns

    def as_data(self) -> dict[str, Any]:
        return {"check": self.code, "detail": self.message, "blocking": self.blocking, "section": self.section}


@dataclass
class SpeechFact:
    item_key: str               # the section key of its item: "item:<public id>"
    item_title: str
    speaker: str                # full name
    participant_id: int
    status: str


@dataclass
class CheckContext:
    """The plain facts the checks read (built by minutes.services.check_context)."""

    kind: str                               # "minutes" or "notice"
    meeting_kind: str
    sections: list[dict[str, Any]]
    today: date                             # in the meeting's time zone
    starts_on: date
    ends_on: date
    presiding: list[str]                    # the meeting's presiding persons
    session_chairs: list[str]               # the chairs of its sessions (they preside when the meeting names none)
    secretaries: list[str]
    present: int | None                     # checked in or recorded present; None: attendance not taken
    absent: dict[int, str]                  # participant id -> name: recorded absent, never present
    absent_without_reason: list[str]
    speeches: list[SpeechFact]
    item_kinds: dict[str, str]              # section key of an item -> the agenda item's kind
    needs_conclusion: bool                  # the kind of meeting concludes (and owes a notice)
    extra: dict[str, Any] = field(default_factory=dict)  # what another package's checks need
    minutes: Any = None                     # the document row itself


Check = Callable[[CheckContext], Iterable[Finding]]

# The checks approval runs, in order: filled explicitly below; other packages append theirs in setup(app).
APPROVAL_CHECKS: list[Check] = []


def run(context: CheckContext, checks: Iterable[Check] | None = None) -> list[Finding]:
    findings: list[Finding] = []
    for check in APPROVAL_CHECKS if checks is None else checks:
        findings.extend(check(context))
    return findings


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.blocking]


def _items(context: CheckContext) -> list[dict[str, Any]]:
    """The sections that record an agenda item (minutes: kind item; notice: its conclusions, keyed item:…)."""
    return [s for s in context.sections if str(s.get("key", "")).startswith("item:")]


def _heading(section: dict[str, Any]) -> str:
    return section.get("heading") or section.get("key", "")


def _has_text(section: dict[str, Any], names: Iterable[str] = ("text", "discussion", "conclusion")) -> bool:
    return any(str(section.get(name) or "").strip() for name in names) or bool(section.get("decisions"))


# The checks ---------------------------------------------------------------------------------------------

def meeting_took_place(context: CheckContext) -> Iterable[Finding]:
    if context.starts_on > context.today:
        yield Finding("not_held", _("The meeting has not taken place yet (it begins on %(day)s): its minutes are "
                                    "approved after it.", day=context.starts_on.strftime("%d/%m/%Y")))
    elif context.ends_on > context.today:
        yield Finding("not_ended", _("The meeting is not over yet (it ends on %(day)s): its minutes are approved "
                                     "after it.", day=context.ends_on.strftime("%d/%m/%Y")))


def presiding_named(context: CheckContext) -> Iterable[Finding]:
    if not context.presiding and not context.session_chairs:
        yield Finding("no_presiding", _("No presiding person (chủ trì): name the meeting's presiding person on the "
                                        "meeting's page, or the chairs of its sessions in the agenda."))


def secretary_named(context: CheckContext) -> Iterable[Finding]:
    if context.kind == "minutes" and not context.secretaries:
        yield Finding("no_secretary", _("No secretary (thư ký): name who took the minutes on the meeting's page."))


# Items with nothing to record: the flag salute, the reception of delegates, a break — protocol, not business
# (the minutes may name them, the clerk writes nothing under them). Opening and closing usually have a speech
# to summarise; without one the clerk is warned, not stopped.
CONTENTLESS_ITEM_KINDS = frozenset({"ceremony", "break"})
FORMAL_ITEM_KINDS = frozenset({"opening", "closing"})


def items_have_content(context: CheckContext) -> Iterable[Finding]:
    for section in _items(context):
        item_kind = context.item_kinds.get(section.get("key", ""))
        if item_kind in CONTENTLESS_ITEM_KINDS or _has_text(section):
            continue
        if item_kind in FORMAL_ITEM_KINDS:
            yield Finding("item_formal_empty", _("“%(item)s” has nothing written: check that nobody spoke.",
                                                 item=_heading(section)), blocking=False, section=section.get("key"))
            continue
        if context.kind == "notice":
            message = _("“%(item)s” has no conclusion written.", item=_heading(section))
        else:
            message = _("“%(item)s” has no content: who spoke and what they said, or the conclusion.",
                        item=_heading(section))
        yield Finding("item_empty", message, section=section.get("key"))


def conclusion_recorded(context: CheckContext) -> Iterable[Finding]:
    if not context.needs_conclusion or context.kind != "minutes":
        return
    items = _items(context)
    if not items:
        return
    concluded = any(str(s.get("conclusion") or "").strip() or s.get("decisions") for s in items) or any(
        context.item_kinds.get(s.get("key", "")) == "conclusion" and _has_text(s) for s in items)
    if not concluded:
        yield Finding("no_conclusion", _("No conclusion of the presiding person is recorded: this kind of meeting "
                                         "concludes, and its conclusion notice is drawn from the minutes."))


def _mentions(section: dict[str, Any] | None, name: str) -> bool:
    if not section or not name:
        return False
    return any(name in str(section.get(key) or "") for key in ("text", "discussion", "conclusion"))


def absent_did_not_speak(context: CheckContext) -> Iterable[Finding]:
    named: set[tuple[int, str]] = set()
    for speech in context.speeches:
        if speech.participant_id in context.absent and speech.status in DELIVERED_SPEECH_STATUSES:
            named.add((speech.participant_id, speech.item_key))
            yield Finding("absent_spoke", _("%(name)s is recorded absent but spoke on “%(item)s”: correct the "
                                            "attendance or the speakers list.", name=speech.speaker,
                                            item=speech.item_title), section=speech.item_key)
    if context.kind != "minutes":
        return
    by_key = {s.get("key"): s for s in _items(context)}
    for participant_id, name in context.absent.items():
        for key, section in by_key.items():
            if (participant_id, key) not in named and _mentions(section, name):
                yield Finding("absent_named", _("%(name)s is recorded absent but is named in “%(item)s”: check that "
                                                "they did not speak.", name=name, item=_heading(section)),
                              blocking=False, section=key)


def speeches_happened(context: CheckContext) -> Iterable[Finding]:
    """A speech withdrawn or never granted must not be recorded; one planned but not marked delivered is a
    warning (the speakers list may not have been kept live)."""
    if context.kind != "minutes":
        return
    by_key = {s.get("key"): s for s in _items(context)}
    delivered = {(s.participant_id, s.item_key) for s in context.speeches if s.status in DELIVERED_SPEECH_STATUSES}
    for speech in context.speeches:
        if (speech.participant_id, speech.item_key) in delivered:
            continue
        section = by_key.get(speech.item_key)
        if speech.status in ("withdrawn", "requested") and _mentions(section, speech.speaker):
            yield Finding("speech_not_held", _("The minutes record %(name)s on “%(item)s”, but their speech was "
                                               "withdrawn or never granted.", name=speech.speaker,
                                               item=speech.item_title), section=speech.item_key)
        elif speech.status == "approved" and section is not None and not _mentions(section, speech.speaker):
            yield Finding("speech_unconfirmed", _("%(name)s was to speak on “%(item)s”, but the speech is not marked "
                                                  "delivered and the minutes do not mention it.", name=speech.speaker,
                                                  item=speech.item_title), blocking=False, section=speech.item_key)


def votes_add_up(context: CheckContext) -> Iterable[Finding]:
    """Votes for, against and abstaining add up to those present (DOMAIN.md: "vote results that add up to those
    present"); without attendance counts only a tally above the number expected could be told wrong."""
    for section in _items(context):
        for decision in section.get("decisions") or []:
            counts = [decision.get(k) for k in ("for", "against", "abstain")]
            if all(c is None for c in counts):
                continue
            total = sum(c or 0 for c in counts)
            if context.present is None:
                continue
            if total != context.present:
                yield Finding("votes_mismatch", _("The votes on “%(decision)s” (%(item)s) add up to %(total)d, but "
                                                  "%(present)d were present.", decision=decision.get("text") or "…",
                                                  item=_heading(section), total=total, present=context.present),
                              section=section.get("key"))


def attendance_recorded(context: CheckContext) -> Iterable[Finding]:
    if context.kind != "minutes":
        return
    if context.present is None:
        yield Finding("no_attendance", _("Nobody was checked in: the number present is not recorded."),
                      blocking=False)
    for name in context.absent_without_reason:
        yield Finding("absent_no_reason", _("%(name)s is absent without a reason recorded.", name=name),
                      blocking=False)


def signer_chosen(context: CheckContext) -> Iterable[Finding]:
    """Who signs (documents.services.signer_problems: the chosen signer, the minutes' secretary and presiding)."""
    for message in context.extra.get("signer_problems") or []:
        yield Finding("no_signer", message, section="signatures")


def classified_marks(context: CheckContext) -> Iterable[Finding]:
    """A classified document states its drafter and its number of copies (documents.services.classified_problems)."""
    for message in context.extra.get("classified_problems") or []:
        yield Finding("classified_copies", message, section="recipients")


# The minutes' own checks, in the order a clerk reads; minutes.setup registers them.
MINUTES_CHECKS: tuple[Check, ...] = (
    meeting_took_place,
    presiding_named,
    secretary_named,
    items_have_content,
    conclusion_recorded,
    absent_did_not_speak,
    speeches_happened,
    votes_add_up,
    signer_chosen,
    classified_marks,
    attendance_recorded,
)


def register(*new: Check) -> None:
    """Add checks to the list approval runs (each once, in the order given): called from a package's setup."""
    for check in new:
        if check not in APPROVAL_CHECKS:
            APPROVAL_CHECKS.append(check)
