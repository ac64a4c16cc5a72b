"""Protocol order, name order, default precedence and the attendance paragraph."""

from __future__ import annotations

from dataclasses import dataclass

import icu
import pytest

from planner.core.text import canonical, name_collation_key, split_full_name
from planner.delegates.models import DEFAULT_PRECEDENCE
from planner.delegates.protocol import attendance_paragraph, sort_participants, suggest_precedence

# Đ, Ư, Ơ, Ă, Â, Ê, Ô and the six tones (ngang, huyền, hỏi, ngã, sắc, nặng) on the given names,
# with namesakes that only the family or middle name tells apart.
NAMES = [
    "Nguyễn Văn Ma", "Trần Thị Mà", "Lê Văn Mả", "Phạm Thị Mã", "Hoàng Văn Má", "Vũ Thị Mạ",
    "Đặng Văn Đức", "Nguyễn Văn Dũng", "Bùi Thị Ưng", "Ngô Văn Uyên", "Đỗ Thị Ơn", "Hồ Văn Ông",
    "Lý Thị Ốc", "Trương Văn Ân", "Đinh Thị Ăn", "Mai Văn An", "Nguyễn Thị Ê", "Tô Văn Em",
    "Đào Văn Thạch", "Lê Văn Thái", "Nguyễn Quang Dương", "Trần Lưu Hải", "Đinh Thế Huynh",
    "Nguyễn Văn Nên", "Tô Huy Rứa", "Bùi Văn Thạch", "Ưng Văn Hải", "Ơn Thị Hải", "Nguyễn Thuý Hằng",
    "Nguyễn Thúy Hằng Anh", "Ánh Thị Hằng",
]


def icu_vi_order(names: list[str]) -> list[str]:
    """The reference: ICU's own vi collator on (given, family, middle), compared field by field."""
    collator = icu.Collator.createInstance(icu.Locale("vi"))

    def key(full: str):
        family, middle, given = split_full_name(full)
        return tuple(collator.getSortKey(canonical(part)) for part in (given, family, middle))

    return sorted(names, key=key)


def test_reference_order_is_vietnamese_not_codepoint():
    ordered = icu_vi_order(NAMES)
    given = [split_full_name(n)[2] for n in ordered]
    # letters first: a < ă < â, d < đ, o < ô < ơ, u < ư; then the tones in their order
    assert given.index("An") < given.index("Ăn") < given.index("Ân")
    assert given.index("Dũng") < given.index("Dương") < given.index("Đức")
    assert given.index("Ốc") < given.index("Ông") < given.index("Ơn")  # letters before tones
    assert given.index("Uyên") < given.index("Ưng")
    tones = ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"]  # ngang, huyền, hỏi, ngã, sắc, nặng
    assert [g for g in given if g in tones] == tones
    assert given.index("Thạch") < given.index("Thái")  # c before i, whatever the tones
    assert ordered != sorted(NAMES)


@dataclass
class P:
    full_name: str
    precedence: int = DEFAULT_PRECEDENCE
    category: str = "delegate"
    title: str = ""
    unit: str = ""
    honorific: str = ""
    id: int = 0

    @property
    def name_key(self) -> bytes:
        family, middle, given = split_full_name(self.full_name)
        return name_collation_key(given, family, middle)

    @property
    def unit_key(self) -> bytes:
        from planner.core.text import collation_key

        return collation_key(self.unit)


def test_python_sort_matches_icu():
    people = [P(n, id=i) for i, n in enumerate(NAMES)]
    assert [p.full_name for p in sort_participants(people, "name")] == icu_vi_order(NAMES)


def test_protocol_order_is_precedence_then_name():
    people = [P("Trần Văn Bình", 20), P("Lê Thị An", 20), P("Nguyễn Văn Cường", 5), P("Đỗ Văn Ân")]
    assert [p.full_name for p in sort_participants(people)] == [
        "Nguyễn Văn Cường", "Lê Thị An", "Trần Văn Bình", "Đỗ Văn Ân"]


def test_unit_order_groups_units_then_protocol():
    people = [P("A Văn Bê", 9, unit="Sở Tài chính"), P("Ca Văn Đê", 1, unit="Sở Y tế"),
              P("Ê Văn Gờ", 2, unit="Sở Tài chính"), P("Hà Văn In", 3, unit="Ban Tổ chức")]
    assert [p.full_name for p in sort_participants(people, "unit")] == [
        "Hà Văn In", "Ê Văn Gờ", "A Văn Bê", "Ca Văn Đê"]


@pytest.mark.parametrize(("title", "expected"), [
    ("Ủy viên Bộ Chính trị, Bí thư Thành ủy Hà Nội", 100),
    ("Ủy viên Bộ Chính trị, Thường trực Ban Bí thư", 100),
    ("Bí thư Trung ương Đảng, Trưởng Ban Tuyên giáo Trung ương", 200),
    ("Ủy viên Trung ương Đảng, Bí thư Tỉnh ủy Quảng Nam", 300),
    ("Ủy viên dự khuyết Ban Chấp hành Trung ương Đảng", 350),
    ("Bí thư Thành ủy Đà Nẵng", 400),
    ("Phó Bí thư Thường trực Thành ủy", 450),
    ("Phó Bí thư Thành ủy, Chủ tịch UBND thành phố", 500),
    ("Chủ tịch HĐND thành phố", 600),
    ("Chủ tịch Hội đồng nhân dân tỉnh", 600),
    ("Chủ tịch UBND tỉnh", 700),
    ("Phó Chủ tịch UBND tỉnh", None),
    ("Chủ tịch Ủy ban MTTQ Việt Nam thành phố", 800),
    ("Giám đốc Sở Nội vụ", 900),
    ("Phó Giám đốc Sở Nội vụ", None),
    ("nguyên Ủy viên Bộ Chính trị, nguyên Chủ tịch Quốc hội", 150),
    ("Nguyên Bí thư Thành ủy", 450),
    ("Chuyên viên", None),
    ("", None),
])
def test_suggest_precedence(title, expected):
    assert suggest_precedence(title) == expected


def test_former_officials_follow_serving_ones_of_the_same_rank():
    assert suggest_precedence("Bí thư Thành ủy") < suggest_precedence("nguyên Bí thư Thành ủy")
    assert suggest_precedence("nguyên Bí thư Thành ủy") < suggest_precedence("Phó Bí thư Thành ủy")


def test_attendance_paragraph_names_notable_guests_in_protocol_order_and_counts_the_rest(ctx):
    people = [
        P("Trần Văn Bình", 400, "leader", "Ủy viên Trung ương Đảng, Bí thư Thành ủy"),
        P("Nguyễn Văn An", 100, "guest", "Ủy viên Bộ Chính trị, Thường trực Ban Bí thư"),
        P("Lê Thị Cúc", 600, "guest", "Chủ tịch HĐND thành phố", honorific="bà"),
        *[P(f"Đại Biểu {i}") for i in range(120)],
        *[P(f"Khách Mời {i}", category="guest") for i in range(15)],
        *[P(f"Phóng Viên {i}", category="press") for i in range(8)],
        *[P(f"Phục Vụ {i}", category="staff") for i in range(6)],
    ]
    assert attendance_paragraph(people, "vi") == (
        "Đến dự có đồng chí Nguyễn Văn An - Ủy viên Bộ Chính trị, Thường trực Ban Bí thư; "
        "đồng chí Trần Văn Bình - Ủy viên Trung ương Đảng, Bí thư Thành ủy; "
        "bà Lê Thị Cúc - Chủ tịch HĐND thành phố; "
        "cùng 120 đại biểu, 15 khách mời và 8 phóng viên báo chí."
    )


def test_attendance_paragraph_in_english(ctx):
    people = [P("Nguyễn Văn An", 100, "guest", "Member of the Politburo", honorific="ông"),
              P("Jane Doe", 300, "guest", "", unit="UNDP", honorific="Ms"), P("Delegate One"), P("Press One",
                                                                                              category="press")]
    assert attendance_paragraph(people, "en") == (
        "Attending: Mr Nguyễn Văn An, Member of the Politburo; Ms Jane Doe, UNDP; "
        "together with 1 delegate and 1 member of the press."
    )


def test_attendance_paragraph_without_named_guests_or_anyone(ctx):
    assert attendance_paragraph([P("A Văn B"), P("C Văn D")], "vi") == "Đến dự có 2 đại biểu."
    assert attendance_paragraph([], "vi") == ""


def test_delegations_follow_their_heads_precedence_not_the_heads_given_names():
    from types import SimpleNamespace

    from planner.core.text import name_collation_key
    from planner.delegates.protocol import delegation_order

    def person(pid, name, precedence, delegation):
        family, middle, given = name.split(" ", 2) if name.count(" ") >= 2 else (*name.split(" "), "")
        return SimpleNamespace(id=pid, full_name=name, precedence=precedence, delegation=delegation,
                               name_key=name_collation_key(given, family, middle))

    people = [
        # entered in the official order of provinces; each delegation led by a Chánh Văn phòng (1000)
        person(1, "Trần Văn Yến", 1000, "Đoàn Hà Nội"), person(2, "Lê Thị Bình", 1100, "Đoàn Hà Nội"),
        person(3, "Phạm Văn Thành", 1000, "Đoàn Huế"),
        person(4, "Nguyễn Văn An", 1000, "Đoàn Cần Thơ"), person(5, "Đỗ Văn Ánh", 1200, "Đoàn Cần Thơ"),
        # a delegation led by a Phó Bí thư comes first whatever its place in the list
        person(6, "Võ Thị Xuân", 1100, "Đoàn Đà Nẵng"), person(7, "Hồ Văn Út", 500, "Đoàn Đà Nẵng"),
    ]
    groups = delegation_order(reversed(people), lambda p: p.delegation)
    assert [g[0].delegation for g in groups] == ["Đoàn Đà Nẵng", "Đoàn Hà Nội", "Đoàn Huế", "Đoàn Cần Thơ"]
    assert [p.full_name for p in groups[0]] == ["Hồ Văn Út", "Võ Thị Xuân"], "members in protocol order"


def test_people_without_a_delegation_keep_their_protocol_place_beside_the_delegations():
    from types import SimpleNamespace

    from planner.delegates.protocol import delegation_order

    def person(pid, key, precedence, delegation=""):
        return SimpleNamespace(id=pid, precedence=precedence, delegation=delegation, name_key=key.encode())

    people = [person(1, "b", 1000, "Đoàn Huế"), person(2, "a", 1000, "Đoàn Huế"), person(3, "z", 300),
              person(4, "c", 1000), person(5, "a", 1000, "Đoàn Quảng Trị"), person(6, "d", 1100, "Đoàn Quảng Trị")]
    groups = delegation_order(people, lambda p: p.delegation or f"~{p.id}", alone=lambda p: not p.delegation)
    assert [[p.id for p in g] for g in groups] == [[3], [4], [2, 1], [5, 6]]
