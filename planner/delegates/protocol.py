"""Protocol order, name order and unit order of a delegate list, the default precedence of a title,
and the attendance paragraph of the minutes and the programme.

Lists are ordered in SQL on the keys stored with each participant (see models.derive_participant_keys),
so that a page of a long list is the right page; the Python sort keys here order lists already loaded
the same way, byte for byte (SQLite BLOB and PostgreSQL bytea both compare bytewise).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from enum import StrEnum
from typing import Any, Protocol

from flask_babel import lazy_gettext as _l

from planner.core.text import fold
from planner.delegates.models import DEFAULT_PRECEDENCE, Participant, ParticipantCategory


class Order(StrEnum):
    protocol = "protocol"   # precedence, then name
    name = "name"           # given name, family name, middle name (ICU vi)
    unit = "unit"           # unit, then protocol order within it


ORDER_LABELS = {
    Order.protocol: _l("Protocol order"),
    Order.name: _l("Name order"),
    Order.unit: _l("By unit"),
}


def order_by(order: Order | str) -> list[Any]:
    """ORDER BY clauses for a participants query; each matches one index of the table."""
    order = Order(order)
    if order is Order.name:
        return [Participant.name_key, Participant.id]
    if order is Order.unit:
        return [Participant.unit_key, Participant.precedence, Participant.name_key, Participant.id]
    return [Participant.precedence, Participant.name_key, Participant.id]


def protocol_key(participant: Any) -> tuple:
    """Sort key of protocol order for loaded participants (or anything with the same attributes)."""
    return (participant.precedence, participant.name_key, getattr(participant, "id", 0) or 0)


def sort_participants(participants: Iterable[Any], order: Order | str = Order.protocol) -> list[Any]:
    order = Order(order)
    if order is Order.name:
        return sorted(participants, key=lambda p: (p.name_key, getattr(p, "id", 0) or 0))
    if order is Order.unit:
        return sorted(participants, key=lambda p: (p.unit_key, *protocol_key(p)))
    return sorted(participants, key=protocol_key)


# Delegations ----------------------------------------------------------------------------------------

def delegation_order(participants: Iterable[Any], delegation: Callable[[Any], Hashable],
                     alone: Callable[[Any], bool] | None = None) -> list[list[Any]]:
    """Participants grouped by delegation (``delegation(p)`` names it), the groups in protocol order of
    their heads: the head is the delegation's best-ranked member, and a delegation comes before another
    when its head's precedence is higher. Heads of equal rank (every provincial delegation led by a Chánh
    Văn phòng) keep the order in which the delegations were entered (their first member's id), the stable
    order an office keeps (DOMAIN.md, "Protocol order") — never the heads' given names, which would put
    Đoàn Cần Thơ before Đoàn Hà Nội because its head is called An. Members follow in protocol order.

    ``alone(p)`` marks those in no delegation (each its own group of one): they keep their place in
    protocol order among themselves, and come before a delegation whose head has their rank.
    """
    groups: dict[Hashable, list[Any]] = {}
    for participant in participants:
        groups.setdefault(delegation(participant), []).append(participant)

    def rank(members: list[Any]) -> tuple:
        head = min(members, key=protocol_key)
        if alone is not None and alone(head):
            return (head.precedence, 0, protocol_key(head)[1:])
        return (head.precedence, 1, (min(getattr(m, "id", 0) or 0 for m in members),))

    return [sorted(members, key=protocol_key) for members in sorted(groups.values(), key=rank)]


# Default precedence ---------------------------------------------------------------------------------

# Tiers of DOMAIN.md, highest first: (folded beginning of a title, precedence). A lower number is a
# higher rank. Gaps leave room for the office's own ranks in between.
PRECEDENCE_TIERS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("uy vien bo chinh tri",), 100),
    (("thuong truc ban bi thu",), 150),
    (("bi thu trung uong dang", "uy vien ban bi thu"), 200),
    (("uy vien du khuyet ban chap hanh trung uong", "uy vien du khuyet trung uong"), 350),
    (("uy vien ban chap hanh trung uong", "uy vien trung uong"), 300),
    (("bi thu tinh uy", "bi thu thanh uy"), 400),
    (("pho bi thu thuong truc",), 450),
    (("pho bi thu",), 500),
    (("chu tich hdnd", "chu tich hoi dong nhan dan"), 600),
    (("chu tich ubnd", "chu tich uy ban nhan dan"), 700),
    (("chu tich uy ban mttq", "chu tich uy ban mat tran to quoc", "chu tich mttq"), 800),
    (("giam doc so",), 900),
)
# A former official ("nguyên …") follows the serving officials of the same rank.
FORMER_OFFSET = 50
_FORMER = "nguyen "


def _segment_precedence(segment: str) -> int | None:
    former = segment.startswith(_FORMER)
    if former:
        segment = segment[len(_FORMER):].lstrip()
    for prefixes, precedence in PRECEDENCE_TIERS:
        if any(segment == p or segment.startswith(p + " ") for p in prefixes):
            return precedence + (FORMER_OFFSET if former else 0)
    return None


def suggest_precedence(title: str | None) -> int | None:
    """The default precedence of a title, or None when no tier is recognised.

    A title lists several offices (``Ủy viên Bộ Chính trị, Bí thư Thành ủy``): the highest counts.
    Staff may always override it; it is a suggestion, never applied over an explicit value.
    """
    folded = fold(title)
    if not folded:
        return None
    segments = [part.strip(" .") for part in folded.replace(";", ",").split(",")]
    ranks = [r for r in (_segment_precedence(s) for s in segments if s) if r is not None]
    return min(ranks) if ranks else None


# The attendance paragraph -----------------------------------------------------------------------------

class Attendee(Protocol):
    """What the paragraph reads of a participant (a Participant, or plain data with these names)."""

    category: str
    precedence: int
    title: str
    unit: str
    full_name: str
    honorific: str
    name_key: bytes


NAMED_CATEGORIES = frozenset({ParticipantCategory.leader, ParticipantCategory.guest})
# Categories counted after the named guests, in this order; staff are not part of the attendance.
COUNTED_CATEGORIES = (
    ParticipantCategory.delegate,
    ParticipantCategory.guest,
    ParticipantCategory.leader,
    ParticipantCategory.observer,
    ParticipantCategory.press,
)

_COUNT_NOUNS = {
    "vi": {
        ParticipantCategory.delegate: ("đại biểu", "đại biểu"),
        ParticipantCategory.guest: ("khách mời", "khách mời"),
        ParticipantCategory.leader: ("đồng chí lãnh đạo", "đồng chí lãnh đạo"),
        ParticipantCategory.observer: ("đại biểu dự thính", "đại biểu dự thính"),
        ParticipantCategory.press: ("phóng viên báo chí", "phóng viên báo chí"),
    },
    "en": {
        ParticipantCategory.delegate: ("delegate", "delegates"),
        ParticipantCategory.guest: ("guest", "guests"),
        ParticipantCategory.leader: ("leader", "leaders"),
        ParticipantCategory.observer: ("observer", "observers"),
        ParticipantCategory.press: ("member of the press", "members of the press"),
    },
}

# The honorific in the paragraph's language, by the folded honorific stored with the person.
_HONORIFICS = {
    "vi": {"": "đồng chí", "mr": "ông", "mr.": "ông", "ms": "bà", "ms.": "bà", "mrs": "bà", "mrs.": "bà"},
    "en": {"": "", "dong chi": "", "ong": "Mr", "ba": "Ms"},
}


def is_named(participant: Attendee) -> bool:
    """Named in the paragraph: the leaders, and the guests who hold a protocol rank."""
    category = ParticipantCategory(participant.category)
    if category is ParticipantCategory.leader:
        return True
    return category is ParticipantCategory.guest and participant.precedence < DEFAULT_PRECEDENCE


def _honorific(participant: Attendee, language: str) -> str:
    own = (participant.honorific or "").strip()
    return _HONORIFICS[language].get(fold(own), own)


def _join(items: list[str], language: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    word = " và " if language == "vi" else " and "
    return ", ".join(items[:-1]) + word + items[-1]


def attendance_paragraph(participants: Iterable[Attendee], language: str = "vi") -> str:
    """``Đến dự có đồng chí A - <title>; đồng chí B - …; cùng 120 đại biểu, 15 khách mời và 8 phóng
    viên báo chí.`` The leaders and ranked guests are named in protocol order with their title as of
    the meeting; everyone else is counted by category. Staff are left out.

    The caller passes whom it means: those present on a day, or those expected.
    """
    language = "vi" if language.startswith("vi") else "en"
    people = sort_participants(participants)
    named = [p for p in people if is_named(p)]
    counts = Counter(ParticipantCategory(p.category) for p in people if not is_named(p))

    lines = []
    for p in named:
        honorific = _honorific(p, language)
        name = f"{honorific} {p.full_name}".strip()
        office = p.title or p.unit
        if office:
            name += f" - {office}" if language == "vi" else f", {office}"
        lines.append(name)
    nouns = _COUNT_NOUNS[language]
    tallies = [
        f"{counts[c]} {nouns[c][0] if counts[c] == 1 else nouns[c][1]}" for c in COUNTED_CATEGORIES if counts[c]
    ]
    if not lines and not tallies:
        return ""
    if language == "vi":
        text = "Đến dự có " + "; ".join(lines)
        if tallies:
            text += ("; cùng " if lines else "") + _join(tallies, language)
    else:
        text = "Attending: " + "; ".join(lines)
        if tallies:
            text += ("; together with " if lines else "") + _join(tallies, language)
    return text.rstrip(".") + "."
