"""Protocol order, name order and unit order of a delegate list, the default precedence of a title,
and the attendance paragraph of the minutes and the programme.

Lists are ordered in SQL on the keys stored with each participant (see models.derive_participant_keys),
so that a page of a long list is the right page; the Python sort keys here order lists already loaded
the same way, byte for byte (SQLite BLOB and PostgreSQL bytea both compare bytewise).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from enum import StrEnum
from functools import lru_cache
from typing import Any, Protocol

from flask_babel import lazy_gettext as _l

from planner.core.text import fold, position_line
from planner.delegates.models import DEFAULT_PRECEDENCE, Participant, ParticipantCategory


class Order(StrEnum):
    protocol = "protocol"   # rank (precedence, title, category), then name
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
        return [Participant.unit_key, Participant.protocol_rank, Participant.name_key, Participant.id]
    return [Participant.protocol_rank, Participant.name_key, Participant.id]


def rank_of(participant: Any) -> int:
    """The stored rank of a participant, or the rank its fields give (plain data with the same names)."""
    stored = getattr(participant, "protocol_rank", None)
    if stored is not None:
        return stored
    return protocol_rank(getattr(participant, "precedence", None), getattr(participant, "title", ""),
                         getattr(participant, "category", ParticipantCategory.delegate))


def protocol_key(participant: Any) -> tuple:
    """The one sort key of protocol order (the same as ``order_by(Order.protocol)`` in SQL): the rank
    (explicit precedence, else the title's tier, else the category), then the name (ICU vi), then the id."""
    return (rank_of(participant), participant.name_key, getattr(participant, "id", 0) or 0)


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
    when its head ranks higher (protocol_key: the precedence, else the title's tier, else the category).
    Heads of equal rank (every provincial delegation led by a Chánh Văn phòng) keep the order in which the
    delegations were entered (their first member's id), the stable order an office keeps (DOMAIN.md,
    "Protocol order") — never the heads' given names, which would put Đoàn Cần Thơ before Đoàn Hà Nội
    because its head is called An. Members follow in protocol order.

    ``alone(p)`` marks those in no delegation (each its own group of one): they keep their place in
    protocol order among themselves, and come before a delegation whose head has their rank.
    """
    groups: dict[Hashable, list[Any]] = {}
    for participant in participants:
        groups.setdefault(delegation(participant), []).append(participant)

    def rank(members: list[Any]) -> tuple:
        head = min(members, key=protocol_key)
        if alone is not None and alone(head):
            return (rank_of(head), 0, protocol_key(head)[1:])
        return (rank_of(head), 1, (min(getattr(m, "id", 0) or 0 for m in members),))

    return [sorted(members, key=protocol_key) for members in sorted(groups.values(), key=rank)]


# The rank: explicit precedence, else the title's tier, else the category ------------------------------

# Tiers of DOMAIN.md, highest first, as (folded beginnings of one office in a title, rank); a lower number
# is a higher rank. The longest beginning that matches wins ("phó bí thư thường trực" over "phó bí thư").
# Steps of 100 leave room for an office's own numbers in between; see FORMER_OFFSET and _SECOND_OFFICE.
PRECEDENCE_TIERS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("uy vien bo chinh tri", "uv bo chinh tri", "uv bct"), 100),
    (("thuong truc ban bi thu",), 200),
    (("bi thu trung uong dang", "bi thu trung uong", "uy vien ban bi thu"), 300),
    (("uy vien ban chap hanh trung uong", "uy vien trung uong", "uvtw", "uv trung uong"), 400),
    (("uy vien du khuyet ban chap hanh trung uong", "uy vien du khuyet trung uong",
      "uy vien du khuyet bch trung uong"), 500),
    # Provincial leaders (Party secretary, deputy secretaries, chairs of the People's Council, the People's
    # Committee and the Fatherland Front).
    (("bi thu tinh uy", "bi thu thanh uy"), 600),
    (("pho bi thu thuong truc",), 700),
    (("pho bi thu tinh uy", "pho bi thu thanh uy", "pho bi thu"), 800),
    (("chu tich hdnd", "chu tich hoi dong nhan dan"), 900),
    (("chu tich ubnd", "chu tich uy ban nhan dan"), 1000),
    (("chu tich uy ban mttq", "chu tich uy ban mat tran to quoc", "chu tich mttq",
      "chu tich uy ban trung uong mttq", "chu tich mat tran to quoc"), 1100),
    # The standing committee, then the deputies of the People's Council and Committee.
    (("uy vien ban thuong vu", "uy vien thuong vu", "uy vien btv", "uv btv", "uvbtv",
      "truong doan dai bieu quoc hoi", "truong doan dbqh"), 1200),
    (("pho chu tich thuong truc hdnd", "pho chu tich thuong truc ubnd",
      "pho chu tich thuong truc hoi dong nhan dan", "pho chu tich thuong truc uy ban nhan dan",
      "pho truong doan dai bieu quoc hoi", "pho truong doan dbqh"), 1300),
    (("pho chu tich hdnd", "pho chu tich ubnd", "pho chu tich hoi dong nhan dan",
      "pho chu tich uy ban nhan dan"), 1400),
    # Members of the provincial executive committee.
    (("tinh uy vien", "thanh uy vien", "uy vien ban chap hanh dang bo", "uy vien bch dang bo"), 1500),
    # Heads of departments and bodies, then their deputies.
    (("truong ban", "chanh van phong", "giam doc", "chu nhiem", "chanh an", "vien truong", "chanh thanh tra",
      "chi huy truong", "tong bien tap", "bi thu tinh doan", "bi thu thanh doan", "bi thu dang uy",
      "chu tich", "bi thu"), 1600),
    (("pho truong ban", "pho chanh van phong", "pho giam doc", "pho chu nhiem", "pho chanh an",
      "pho vien truong", "pho chanh thanh tra", "pho chi huy truong", "pho tong bien tap",
      "pho bi thu tinh doan", "pho bi thu thanh doan", "pho bi thu dang uy", "pho chu tich"), 1700),
    (("truong phong", "bi thu chi bo"), 1800),
    (("pho truong phong", "pho bi thu chi bo"), 1900),
    # Enterprises after the bodies of the Party and the State.
    (("giam doc cong ty", "tong giam doc", "chu tich hoi dong quan tri", "chu tich hdqt", "pho giam doc cong ty",
      "pho tong giam doc", "giam doc doanh nghiep", "giam doc ngan hang"), 2000),
)
_TIER_PREFIXES: tuple[tuple[str, int], ...] = tuple(sorted(
    ((prefix, rank) for prefixes, rank in PRECEDENCE_TIERS for prefix in prefixes),
    key=lambda item: -len(item[0])))
# A former official ("nguyên …") follows the serving officials of the same rank.
FORMER_OFFSET = 50
_FORMER = ("nguyen ", "ng. ")
# The same offices of a commune, ward or (before 2025) district come after every provincial one: the
# office is read as its provincial peer and moved down by this much.
LOWER_LEVEL_OFFSET = 3000
# Cities under the central government: their "Thành ủy" is a provincial committee; any other is local.
CENTRAL_CITIES = ("ha noi", "ho chi minh", "hai phong", "da nang", "can tho", "hue")
_CITY = "(?!(?:" + "|".join((*CENTRAL_CITIES, "vien")) + r")\b)[a-z]"  # not "Thành ủy viên"
_LOWER_BODIES = re.compile(
    r"\b(?:huyen|quan|thi) uy\b"
    r"|\bdang uy (?:xa|phuong|thi tran|dac khu)\b"
    r"|\b(?:ubnd|hdnd|uy ban nhan dan|hoi dong nhan dan|uy ban mttq|mttq|mat tran to quoc(?: viet nam)?)"
    r" (?:huyen|quan|thi xa|xa|phuong|thi tran|dac khu)\b"
    rf"|\bthanh uy {_CITY}|\b(?:ubnd|hdnd|uy ban nhan dan|hoi dong nhan dan) thanh pho {_CITY}")
# A second office in the same title orders people of one tier: Phó Bí thư and Chủ tịch HĐND before
# Phó Bí thư and Chủ tịch UBND, and both before a Phó Bí thư with no other office.
_SECOND_OFFICE_MAX = 49
# Words that place an office in its body ("Tỉnh ủy viên" is the province's whatever follows it).
_PLACE_WORDS = re.compile(r"\b(?:tinh|thanh|trung uong|quoc hoi|dbqh|bo chinh tri|ban bi thu)\b")
_SEGMENTS = re.compile(r"\s*(?:[,;]|\s[-–—]\s|\bkiem\b)\s*")


def _unplaced(segment: str) -> bool:
    """An office named without its body ("Phó Bí thư Đảng ủy, Chủ tịch UBND phường …", "Ủy viên Ban
    Thường vụ, Trưởng Ban Tổ chức Thành ủy"): it belongs to the body the next office names."""
    for prefix in _FORMER:
        segment = segment.removeprefix(prefix)
    if _PLACE_WORDS.search(segment):
        return False
    return segment.endswith("dang uy") or any(segment == prefix for prefix, _ in _TIER_PREFIXES)


def _segment_rank(segment: str, lower: bool) -> int | None:
    former = segment.startswith(_FORMER)
    if former:
        segment = segment.split(" ", 1)[1].lstrip() if " " in segment else ""
    for prefix, rank in _TIER_PREFIXES:
        if segment == prefix or segment.startswith(prefix + " "):
            if lower and rank >= PRECEDENCE_TIERS[5][1]:  # the office of a local committee or council
                rank = _local_peer(segment, rank) + LOWER_LEVEL_OFFSET
            return rank + (FORMER_OFFSET if former else 0)
    return None


def _local_peer(segment: str, rank: int) -> int:
    """"Bí thư Đảng ủy xã" is the secretary of its committee as "Bí thư Tỉnh ủy" is of the province's."""
    if re.match(r"(?:pho )?bi thu (?:dang uy|huyen uy|quan uy|thi uy|thanh uy)\b", segment):
        if segment.startswith("pho bi thu thuong truc"):
            return 700
        return 800 if segment.startswith("pho ") else 600
    return rank


# Cached: a list of 3,000 delegates holds a few hundred titles, and each new participant asks for its title's tier
# three times (its precedence, category and protocol rank); the answer depends on the title alone.
@lru_cache(maxsize=8192)
def suggest_precedence(title: str | None) -> int | None:
    """The rank a title suggests (the tiers of DOMAIN.md), or None when no office in it is recognised.

    A title lists several offices (``Ủy viên Bộ Chính trị, Bí thư Thành ủy``): the highest counts, and the
    next highest orders people of the same tier. Diacritics, case and old or new tone placement do not
    matter (the title is folded). Staff may always set a precedence; this never overrides one.
    """
    folded = fold(title)
    if not folded:
        return None
    segments = [part.strip(" .") for part in _SEGMENTS.split(folded)]
    segments = [s for s in segments if s]
    levels = [bool(_LOWER_BODIES.search(s)) for s in segments]
    for i in range(len(segments) - 2, -1, -1):  # an unplaced office takes the level of the next one
        if _unplaced(segments[i]):
            levels[i] = levels[i + 1]
    ranks = sorted(r for r in map(_segment_rank, segments, levels) if r is not None)
    if not ranks:
        return None
    second = ranks[1] // 100 if len(ranks) > 1 else _SECOND_OFFICE_MAX
    return ranks[0] + min(second, _SECOND_OFFICE_MAX)


# People ranked neither by a number nor by their title: guests and leaders, then delegates, observers,
# staff and the press.
CATEGORY_RANKS: dict[ParticipantCategory, int] = {
    ParticipantCategory.guest: DEFAULT_PRECEDENCE,
    ParticipantCategory.leader: DEFAULT_PRECEDENCE,
    ParticipantCategory.delegate: DEFAULT_PRECEDENCE + 100,
    ParticipantCategory.observer: DEFAULT_PRECEDENCE + 200,
    ParticipantCategory.staff: DEFAULT_PRECEDENCE + 300,
    ParticipantCategory.press: DEFAULT_PRECEDENCE + 400,
}


def protocol_rank(precedence: int | None, title: str | None, category: ParticipantCategory | str) -> int:
    """Where a participant stands in protocol order before the name decides: the explicit precedence, else
    the tier the title suggests, else the category's place (all after every ranked person)."""
    if precedence is not None:
        return precedence
    suggested = suggest_precedence(title)
    if suggested is not None:
        return suggested
    return CATEGORY_RANKS[ParticipantCategory(category or ParticipantCategory.delegate)]


def is_ranked(participant: Any) -> bool:
    """Ranked by a number or a recognised title (not only by category)."""
    return rank_of(participant) < DEFAULT_PRECEDENCE


_PRESS_WORDS = re.compile(r"^(?:phong vien|bien tap vien|nha bao|quay phim|ky thuat vien|nhiep anh)\b"
                          r"|\b(?:phong vien|bien tap vien|nha bao)\b")
# The tiers whose holders lead (lãnh đạo) rather than attend as delegates: provincial members and above.
LEADER_RANK_LIMIT = 1600


@lru_cache(maxsize=8192)  # as suggest_precedence: asked once a new participant, answered by the title alone
def suggest_category(title: str | None) -> ParticipantCategory | None:
    """The category a title suggests: a provincial leader (the Bí thư Thành ủy is no "Đại biểu") or the
    press; None when the title says neither (the caller keeps its default)."""
    folded = fold(title)
    if not folded:
        return None
    if _PRESS_WORDS.search(folded):
        return ParticipantCategory.press
    rank = suggest_precedence(title)
    if rank is not None and rank < LEADER_RANK_LIMIT:
        return ParticipantCategory.leader
    return None


# The attendance paragraph -----------------------------------------------------------------------------

class Attendee(Protocol):
    """What the paragraph reads of a participant (a Participant, or plain data with these names)."""

    category: str
    precedence: int | None
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
    return category is ParticipantCategory.guest and is_ranked(participant)


def _honorific(participant: Attendee, language: str) -> str:
    own = (participant.honorific or "").strip()
    return _HONORIFICS[language].get(fold(own), own)


def _join(items: list[str], language: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    word = " và " if language == "vi" else " and "
    return ", ".join(items[:-1]) + word + items[-1]


def attendance_paragraph(participants: Iterable[Attendee], language: str = "vi", *,
                         more: Mapping[ParticipantCategory, int] | None = None) -> str:
    """``Đến dự có đồng chí A - <title>; đồng chí B - …; cùng 120 đại biểu, 15 khách mời và 8 phóng
    viên báo chí.`` The leaders and ranked guests are named in protocol order with their title as of
    the meeting; everyone else is counted by category. Staff are left out.

    The caller passes whom it means: those present on a day, or those expected; ``more`` counts others of
    categories never named, by category, that the caller did not read one by one.
    """
    language = "vi" if language.startswith("vi") else "en"
    people = sort_participants(participants)
    named = [p for p in people if is_named(p)]
    counts = Counter(ParticipantCategory(p.category) for p in people if not is_named(p))
    counts.update(more or {})

    lines = []
    for p in named:
        honorific = _honorific(p, language)
        name = f"{honorific} {p.full_name}".strip()
        office = position_line(p.title, p.unit)
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
