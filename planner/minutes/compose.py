"""The generated draft of the minutes and of the conclusion notice: plain facts in, sections out.

Pure: no session, no request. The service gathers the facts of a meeting (who presided, who came,
the agenda in order with its speeches and their summaries) and this module writes the first text of
each section, in the meeting's language, as DOMAIN.md lists what the minutes record. The secretary
then edits the sections one by one; the renderers turn them into the official document.

A section is a plain dict (JSON in the database):

- ``{"key", "kind": "text", "heading", "text"}``: paragraphs separated by newlines;
- ``{"key", "kind": "item", "heading", "text", "discussion", "conclusion", "decisions": [...]}``:
  an agenda item — who spoke and what they said, the discussion, the presiding person's conclusion,
  the decisions with their votes ``{"text", "for", "against", "abstain", "percent"}`` (votes may be None;
  ``percent``, the share of the vote's base that voted for, is written when known);
- ``{"key", "kind": "session", "heading", "text"}``: a session's heading and its presiding persons;
- ``{"key", "kind": "heading", "heading"}``: a heading of the document, not edited;
- ``{"key": "recipients", "kind": "recipients", "text"}``: one recipient a line;
- ``{"key": "signatures", "kind": "signatures", "left": {...}, "right": {...}}``: authority,
  position and name of each signature block.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from planner.core.text import date_line, fold

# Speeches that are delivered or still to come are listed in the programme; requests not granted and
# withdrawals are not.
WRITTEN_SPEECH_STATUSES = frozenset({"approved", "speaking", "done"})
# The minutes record only what happened: "X phát biểu" is written for a speech delivered (or under way), never
# for one withdrawn, only requested, or planned and not marked delivered (the clerk's check warns of those).
DELIVERED_SPEECH_STATUSES = frozenset({"speaking", "done"})
# Agenda items that leave nothing to record.
SILENT_ITEM_KINDS = frozenset({"break"})


@dataclass
class Person:
    name: str
    title: str = ""
    honorific: str = ""


@dataclass
class SpeechFacts:
    speaker: Person
    kind: str
    title: str = ""
    summary: str = ""
    status: str = "done"


@dataclass
class ItemFacts:
    id: str
    title: str
    kind: str
    starts_at: datetime           # local time
    ends_at: datetime
    presiding: list[Person] = field(default_factory=list)
    speeches: list[SpeechFacts] = field(default_factory=list)
    is_session: bool = False
    in_session: bool = False
    cancelled: bool = False
    # The item's votes as decisions ({text, for, against, abstain, percent}), from the votes package.
    decisions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Absentee:
    person: Person
    reason: str = ""
    excused: bool = True


@dataclass
class MeetingFacts:
    title: str
    kind: str
    language: str
    profile: str                  # party, state, plain
    venue: str
    city: str
    starts_at: datetime | None    # local: the first item's start, else the meeting's usual start
    ends_at: datetime | None      # local: the last item's end, else the meeting's usual end
    first_day: date
    presiding: list[Person] = field(default_factory=list)
    secretaries: list[Person] = field(default_factory=list)
    expected: int = 0
    present: int | None = None    # None: nobody was checked in, the count is left to the secretary
    attendance: str = ""          # delegates.protocol.attendance_paragraph of those present (or expected)
    absentees: list[Absentee] = field(default_factory=list)
    items: list[ItemFacts] = field(default_factory=list)
    # Signature lines (profile defaults over which the organization's settings lie): side -> fields.
    signatures: dict[str, dict[str, str]] = field(default_factory=dict)
    recipients: list[str] = field(default_factory=list)
    drafter: str = ""  # the default drafter's code (document settings)
    issuer: str = ""              # the issuing body, for the notice's closing sentence
    organizer: str = ""           # who held the meeting (the superior body), for the notice's first sentence
    documents: list[str] = field(default_factory=list)  # the titles of the documents used, in the pack's order


# Phrases ------------------------------------------------------------------------------------------

MEETING_NOUNS = {
    "vi": {"conference": "Hội nghị", "meeting": "Cuộc họp", "seminar": "Hội thảo", "training": "Lớp tập huấn",
           "briefing": "Cuộc họp giao ban", "congress": "Đại hội"},
    "en": {"conference": "The conference", "meeting": "The meeting", "seminar": "The seminar",
           "training": "The training", "briefing": "The briefing", "congress": "The congress"},
}

PHRASES: dict[str, dict[str, str]] = {
    "vi": {
        "time": "Thời gian",
        "time_state": "Thời gian bắt đầu",
        "place": "Địa điểm",
        "participants": "Thành phần tham dự",
        "presiding": "Chủ trì",
        "presiding_state": "Chủ trì (chủ tọa)",
        "secretary": "Thư ký",
        "secretary_state": "Thư ký (người ghi biên bản)",
        "present": "Có mặt {present}/{expected} đại biểu được triệu tập.",
        "expected": "Số đại biểu được triệu tập: {expected}.",
        "absent": "Vắng mặt",
        "reason": "lý do",
        "no_reason": "không có lý do",
        "content": "NỘI DUNG",
        "documents": "Tài liệu sử dụng",
        "content_state": "NỘI DUNG (theo diễn biến cuộc họp)",
        "closing": "{noun} kết thúc vào {time}, {day}./.",
        "conclusion": "Kết luận của chủ trì",
        "votes": "Kết quả biểu quyết: {for_} tán thành, {against} không tán thành, {abstain} không biểu quyết.",
        "votes_percent": "Kết quả biểu quyết: {for_} tán thành, {against} không tán thành, {abstain} không biểu "
                         "quyết; đạt {percent}%.",
        "notice_intro": "{day}, tại {venue}, {organizer} tổ chức {what}.",
        "notice_intro_anon": "{day}, tại {venue}, đã diễn ra {what}.",
        "notice_presiding": "{people} chủ trì.",
        "notice_before": "Sau khi nghe các báo cáo và ý kiến phát biểu của các đại biểu, {who} kết luận như sau:",
        "notice_who_default": "đồng chí chủ trì",
        "notice_closing": "{issuer} thông báo để các cơ quan, đơn vị và các đồng chí liên quan biết, thực hiện./.",
        "notice_closing_plain": ("Trân trọng thông báo để các cơ quan, đơn vị và các đồng chí liên quan biết, "
                                 "thực hiện./."),
        "and": " và ",
        "speaks": "phát biểu",
    },
    "en": {
        "time": "Time",
        "time_state": "Time",
        "place": "Place",
        "participants": "Attendance",
        "presiding": "Chair",
        "presiding_state": "Chair",
        "secretary": "Secretary",
        "secretary_state": "Secretary (minute-taker)",
        "present": "Present: {present} of {expected} members convened.",
        "expected": "Members convened: {expected}.",
        "absent": "Absent",
        "reason": "reason",
        "no_reason": "no reason given",
        "content": "PROCEEDINGS",
        "documents": "Documents used",
        "content_state": "PROCEEDINGS",
        "closing": "{noun} closed at {time} on {day}.",
        "conclusion": "Conclusion of the chair",
        "votes": "Vote: {for_} for, {against} against, {abstain} abstaining.",
        "votes_percent": "Vote: {for_} for, {against} against, {abstain} abstaining; {percent}% in favour.",
        "notice_intro": "On {day}, {organizer} held {what} at {venue}.",
        "notice_intro_anon": "On {day}, {what} took place at {venue}.",
        "notice_presiding": "{people} chaired.",
        "notice_before": "Having heard the reports and the delegates' remarks, {who} concluded as follows:",
        "notice_who_default": "the chair",
        "notice_closing": "{issuer} gives notice of these conclusions for implementation.",
        "notice_closing_plain": "This notice is given for implementation.",
        "and": " and ",
        "speaks": "spoke",
    },
}

SPEECH_VERBS = {
    "vi": {"opening": "phát biểu khai mạc", "report": "trình bày", "contributed_speech": "trình bày tham luận",
           "discussion": "phát biểu", "directive_speech": "phát biểu chỉ đạo", "conclusion": "kết luận",
           "closing": "phát biểu bế mạc"},
    "en": {"opening": "opened the meeting", "report": "presented", "contributed_speech": "presented",
           "discussion": "spoke", "directive_speech": "gave directions", "conclusion": "concluded",
           "closing": "closed the meeting"},
}

_HONORIFICS = {
    "vi": {"": "đồng chí", "mr": "ông", "mr.": "ông", "ms": "bà", "ms.": "bà", "mrs": "bà", "mrs.": "bà"},
    "en": {"": "", "dong chi": "", "ong": "Mr", "ba": "Ms"},
}


def lang(language: str | None) -> str:
    return "vi" if (language or "vi").startswith("vi") else "en"


def phrase(language: str, key: str, profile: str = "party") -> str:
    table = PHRASES[lang(language)]
    if profile == "state" and f"{key}_state" in table:
        return table[f"{key}_state"]
    return table[key]


def clock(moment: datetime, language: str) -> str:
    """``8 giờ 00``, ``14 giờ 30`` in Vietnamese documents (DOMAIN.md); ``08:00`` in English."""
    if lang(language) == "vi":
        return f"{moment.hour} giờ {moment.minute:02d}"
    return f"{moment.hour:02d}:{moment.minute:02d}"


def day_text(day: date, language: str) -> str:
    """``ngày 05 tháng 7 năm 2026`` inside a sentence: the date line's wording without a place."""
    text = date_line(None, day, lang(language))
    return text[:1].lower() + text[1:] if lang(language) == "vi" else text


def honorific(person: Person, language: str) -> str:
    own = (person.honorific or "").strip()
    return _HONORIFICS[lang(language)].get(fold(own), own)


def person_text(person: Person, language: str, *, capital: bool = False, with_title: bool = True) -> str:
    """``đồng chí Nguyễn Văn An - Bí thư Quận ủy`` (``Mr Nguyen Van An, Secretary`` in English)."""
    title = honorific(person, language)
    text = f"{title} {person.name}".strip()
    if capital:
        text = text[:1].upper() + text[1:]
    if with_title and person.title:
        text += f" - {person.title}" if lang(language) == "vi" else f", {person.title}"
    return text


def join(items: list[str], language: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + PHRASES[lang(language)]["and"] + items[-1]


def sentence(text: str) -> str:
    """A sentence ends with a full stop (or its own punctuation)."""
    text = text.strip()
    if not text:
        return ""
    return text if text[-1] in ".!?:;…" or text.endswith("./.") else text + "."


_TITLE_NOUNS = ("hội nghị", "cuộc họp", "hội thảo", "lớp", "giao ban", "đại hội", "phiên họp", "kỳ họp", "họp")


def in_sentence(title: str, kind: str, language: str) -> str:
    """A meeting's title inside a sentence: ``hội nghị Ban Chấp hành…``. A title that does not begin with
    what the meeting is gets its noun in front (``cuộc họp giao ban tháng 11``)."""
    title = title.strip()
    if lang(language) != "vi":
        return title
    folded = title.lower()
    for noun in _TITLE_NOUNS:
        if folded.startswith(noun + " ") or folded == noun:
            return title[:len(noun)].lower() + title[len(noun):]
    base = MEETING_NOUNS["vi"].get(kind, MEETING_NOUNS["vi"]["meeting"])
    return f"{base.lower()} {title}"


def _labelled(label: str, text: str) -> str:
    return f"{label}: {text}" if text else f"{label}:"


# The minutes ---------------------------------------------------------------------------------------

def _time_place(facts: MeetingFacts) -> dict[str, Any]:
    language, profile = facts.language, facts.profile
    lines = []
    if facts.starts_at is not None:
        when = f"{clock(facts.starts_at, language)}, {day_text(facts.starts_at.date(), language)}"
    else:
        when = day_text(facts.first_day, language)
    lines.append(sentence(_labelled(phrase(language, "time", profile), when)))
    place = ", ".join(p for p in (facts.venue, facts.city) if p)
    lines.append(sentence(_labelled(phrase(language, "place", profile), place)))
    return {"key": "time_place", "kind": "text", "heading": "", "text": "\n".join(lines)}


def _people_line(label: str, people: list[Person], language: str) -> str:
    return sentence(_labelled(label, "; ".join(person_text(p, language) for p in people)))


def _participants(facts: MeetingFacts) -> dict[str, Any]:
    language, profile = facts.language, facts.profile
    lines = [
        _people_line(phrase(language, "presiding", profile), facts.presiding, language),
        _people_line(phrase(language, "secretary", profile), facts.secretaries, language),
    ]
    if facts.expected:
        if facts.present is not None:
            lines.append(phrase(language, "present").format(present=facts.present, expected=facts.expected))
        else:
            lines.append(phrase(language, "expected").format(expected=facts.expected))
    if facts.attendance:
        lines.append(facts.attendance)
    if facts.absentees:
        parts = []
        for absentee in facts.absentees:
            text = person_text(absentee.person, language)
            reason = absentee.reason.strip().rstrip(".")
            if reason:
                text += f" ({phrase(language, 'reason')}: {reason})"
            elif not absentee.excused:
                text += f" ({phrase(language, 'no_reason')})"
            parts.append(text)
        lines.append(sentence(f"{phrase(language, 'absent')}: " + "; ".join(parts)))
    return {"key": "participants", "kind": "text", "heading": phrase(language, "participants", profile),
            "text": "\n".join(lines)}


def speech_line(speech: SpeechFacts, language: str) -> str:
    verb = SPEECH_VERBS[lang(language)].get(speech.kind, PHRASES[lang(language)]["speaks"])
    text = f"{person_text(speech.speaker, language, capital=True)} {verb}"
    if speech.title and speech.kind in ("report", "contributed_speech"):
        text += f" {speech.title}" if lang(language) == "vi" else f" “{speech.title}”"
    summary = speech.summary.strip()
    if summary:
        return f"{text}: {sentence(summary)}"
    return sentence(text)


def _written(speeches: Iterable[SpeechFacts]) -> list[SpeechFacts]:
    return [s for s in speeches if s.status in DELIVERED_SPEECH_STATUSES]


def _item(item: ItemFacts, number: int, facts: MeetingFacts) -> dict[str, Any]:
    language = facts.language
    speeches = _written(item.speeches)
    own_conclusion = item.kind == "conclusion"
    told = [s for s in speeches if own_conclusion or s.kind != "conclusion"]
    concluded = [] if own_conclusion else [s for s in speeches if s.kind == "conclusion"]
    lines = []
    if item.presiding and [p.name for p in item.presiding] != [p.name for p in facts.presiding]:
        lines.append(_people_line(phrase(language, "presiding", facts.profile), item.presiding, language))
    lines.extend(speech_line(s, language) for s in told)
    conclusion = "\n".join(sentence(s.summary) for s in concluded if s.summary.strip())
    return {"key": f"item:{item.id}", "kind": "item", "heading": f"{number}. {item.title}",
            "text": "\n".join(lines), "discussion": "", "conclusion": conclusion,
            "decisions": [dict(d) for d in item.decisions]}


def _session(item: ItemFacts, facts: MeetingFacts) -> dict[str, Any]:
    text = _people_line(phrase(facts.language, "presiding", facts.profile), item.presiding, facts.language) \
        if item.presiding else ""
    return {"key": f"session:{item.id}", "kind": "session", "heading": item.title.upper(), "text": text}


def _closing(facts: MeetingFacts) -> dict[str, Any]:
    language = facts.language
    noun = MEETING_NOUNS[lang(language)].get(facts.kind, MEETING_NOUNS[lang(language)]["meeting"])
    if facts.ends_at is not None:
        text = phrase(language, "closing").format(noun=noun, time=clock(facts.ends_at, language),
                                                  day=day_text(facts.ends_at.date(), language))
    else:
        text = phrase(language, "closing").format(noun=noun, time="…", day=day_text(facts.first_day, language))
    return {"key": "closing", "kind": "text", "heading": "", "text": text}


def signatures_section(signatures: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    sides = {}
    for side in ("left", "right"):
        line = signatures.get(side) or {}
        sides[side] = {"authority": line.get("authority", ""), "position": line.get("position", ""),
                       "name": line.get("name", "")}
    return {"key": "signatures", "kind": "signatures", **sides}


def recipients_section(recipients: Iterable[str], drafter: str = "") -> dict[str, Any]:
    """The recipients, one a line; the drafter's code and the number of copies end the archive line."""
    return {"key": "recipients", "kind": "recipients", "text": "\n".join(r for r in recipients if r.strip()),
            "drafter": drafter, "copies": None}


def _documents(facts: MeetingFacts) -> dict[str, Any]:
    """The documents used at the meeting, one a line (Hướng dẫn 16-HD/VPTW)."""
    return {"key": "documents", "kind": "text", "heading": phrase(facts.language, "documents"),
            "text": "\n".join(f"- {title}" for title in facts.documents)}


def minutes_sections(facts: MeetingFacts) -> list[dict[str, Any]]:
    """The draft of the minutes, in the order of the meeting; the documents used after who attended."""
    sections = [_time_place(facts), _participants(facts), *([_documents(facts)] if facts.documents else []),
                {"key": "content", "kind": "heading", "heading": phrase(facts.language, "content", facts.profile)}]
    number = 0
    for item in facts.items:
        if item.cancelled or item.kind in SILENT_ITEM_KINDS:
            continue
        if item.is_session:
            sections.append(_session(item, facts))
            continue
        number += 1
        sections.append(_item(item, number, facts))
    sections.append(_closing(facts))
    sections.append(signatures_section(facts.signatures))
    sections.append(recipients_section(facts.recipients, facts.drafter))
    return sections


# The conclusion notice -------------------------------------------------------------------------------

def decision_lines(decisions: Iterable[Mapping[str, Any]], language: str) -> list[str]:
    lines = []
    for decision in decisions:
        text = sentence(str(decision.get("text") or ""))
        votes = [decision.get(k) for k in ("for", "against", "abstain")]
        if any(v is not None for v in votes):
            for_, against, abstain = (v or 0 for v in votes)
            share = decision.get("percent")
            key = "votes" if share is None else "votes_percent"
            tally = phrase(language, key).format(for_=for_, against=against, abstain=abstain,
                                                 percent=percent_text(share, language))
            text = f"{text} {tally}".strip()
        if text:
            lines.append(text)
    return lines


def percent_text(value: Any, language: str) -> str:
    """93.75 as “93,75” in Vietnamese (“93.75” in English); a whole number without decimals."""
    if value is None:
        return ""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang(language) == "vi" else text


def notice_sections(facts: MeetingFacts, minutes: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The draft of the conclusion notice: who met and when, then the conclusion on each item.

    The conclusions and decisions come from the minutes when there are minutes; else each item with
    something to conclude gets an empty section for the secretary to fill.
    """
    language = facts.language
    what = in_sentence(facts.title, facts.kind, language)
    day = day_text(facts.first_day, language)
    day = day[:1].upper() + day[1:]
    venue = ", ".join(p for p in (facts.venue, facts.city) if p) or "…"
    key = "notice_intro" if facts.organizer else "notice_intro_anon"
    intro = [phrase(language, key).format(day=day, venue=venue, organizer=facts.organizer, what=what)]
    if facts.presiding:
        people = "; ".join(person_text(p, language, capital=i == 0) for i, p in enumerate(facts.presiding))
        intro.append(phrase(language, "notice_presiding").format(people=people))
    if facts.attendance:
        intro.append(facts.attendance)
    who = person_text(facts.presiding[0], language, with_title=False) if facts.presiding \
        else phrase(language, "notice_who_default")
    intro.append(phrase(language, "notice_before").format(who=who))
    sections: list[dict[str, Any]] = [{"key": "intro", "kind": "text", "heading": "", "text": "\n".join(intro)}]

    concluded = []
    for section in minutes or []:
        if section.get("kind") != "item":
            continue
        lines = [line for line in str(section.get("conclusion") or "").splitlines() if line.strip()]
        lines += decision_lines(section.get("decisions") or [], language)
        if lines:
            concluded.append((section["key"], _strip_number(section.get("heading", "")), lines))
    if not concluded:
        substantive = [i for i in facts.items if not i.is_session and not i.cancelled
                       and i.kind not in SILENT_ITEM_KINDS | {"opening", "closing", "ceremony"}]
        concluded = [(f"item:{i.id}", i.title, []) for i in substantive]
    for number, (key, title, lines) in enumerate(concluded, start=1):
        sections.append({"key": key, "kind": "text", "heading": f"{number}. {title}", "text": "\n".join(lines)})
    closing = phrase(language, "notice_closing").format(issuer=facts.issuer) if facts.issuer \
        else phrase(language, "notice_closing_plain")
    sections.append({"key": "closing", "kind": "text", "heading": "", "text": closing})
    sections.append(signatures_section(facts.signatures))
    sections.append(recipients_section(facts.recipients, facts.drafter))
    return sections


def _strip_number(heading: str) -> str:
    head, sep, rest = heading.partition(". ")
    return rest if sep and head.isdigit() else heading
