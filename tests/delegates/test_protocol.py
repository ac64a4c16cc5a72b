"""Protocol order, name order, default precedence and the attendance paragraph."""

from __future__ import annotations

from dataclasses import dataclass

import icu
import pytest

from planner.core.text import canonical, name_collation_key, split_full_name, strip_diacritics
from planner.delegates.protocol import (
    attendance_paragraph,
    delegation_order,
    sort_participants,
    suggest_category,
    suggest_precedence,
)

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
    precedence: int | None = None
    category: str = "delegate"
    title: str = ""
    unit: str = ""
    honorific: str = ""
    id: int = 0
    delegation: str = ""

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


# Forty positions of the provincial bodies of Đà Nẵng and (before 2025) Quảng Nam, with the category the
# office gives, in the protocol order a protocol officer expects when no one has typed a number.
# Within a tier the name decides: the names below are in name order, so ties keep the listed order.
PROVINCIAL_ORDER = [
    ("Ủy viên Bộ Chính trị, Trưởng Ban Tổ chức Trung ương", "guest"),
    ("Bí thư Trung ương Đảng, Chánh Văn phòng Trung ương Đảng", "guest"),
    ("Ủy viên Trung ương Đảng, Bí thư Thành ủy Đà Nẵng", "leader"),
    ("nguyên Ủy viên Trung ương Đảng, nguyên Bí thư Tỉnh ủy Quảng Nam", "guest"),
    ("Ủy viên dự khuyết Ban Chấp hành Trung ương Đảng, Phó Bí thư Thường trực Thành ủy", "leader"),
    ("Phó Bí thư Thường trực Thành ủy", "leader"),
    ("Phó Bí thư Thành ủy, Chủ tịch HĐND thành phố", "leader"),
    ("Phó Bí thư Thành ủy, Chủ tịch UBND thành phố", "leader"),
    ("Phó Bí thư Thành ủy", "leader"),
    ("nguyên Phó Bí thư Tỉnh ủy Quảng Nam", "guest"),
    ("Chủ tịch HĐND tỉnh Quảng Nam", "guest"),
    ("UỶ VIÊN BAN THƯỜNG VỤ THÀNH ỦY, CHỦ TỊCH ỦY BAN MTTQ VIỆT NAM THÀNH PHỐ", "leader"),
    ("Ủy viên Ban Thường vụ Thành ủy, Trưởng Đoàn ĐBQH thành phố", "leader"),
    ("Ủy viên Ban Thường vụ Thành ủy, Phó Chủ tịch Thường trực UBND thành phố", "leader"),
    ("Ủy viên Ban Thường vụ, Trưởng Ban Tổ chức Thành ủy", "leader"),
    ("Uỷ viên BTV Thành ủy, Chủ nhiệm Ủy ban Kiểm tra Thành ủy", "leader"),
    ("Ủy viên Ban Thường vụ Thành ủy, Chánh Văn phòng Thành ủy", "leader"),
    ("Ủy viên Ban Thường vụ Thành ủy", "leader"),
    ("Phó Chủ tịch UBND thành phố", "delegate"),
    ("Phó Chủ tịch HĐND thành phố", "delegate"),
    ("Thành ủy viên, Giám đốc Sở Tài chính", "delegate"),
    ("Thiếu tướng, Ủy viên Ban Chấp hành Đảng bộ thành phố, Giám đốc Công an thành phố", "delegate"),
    ("Tỉnh ủy viên, Bí thư Huyện ủy Duy Xuyên", "delegate"),
    ("Chánh Văn phòng Tỉnh ủy Quảng Nam", "guest"),
    ("Trưởng Ban Nội chính Thành ủy", "delegate"),
    ("Giám đốc Sở Nội vụ", "delegate"),
    ("Chủ tịch Liên đoàn Lao động thành phố", "delegate"),
    ("Bí thư Thành đoàn Đà Nẵng", "delegate"),
    ("nguyên Giám đốc Sở Giáo dục và Đào tạo tỉnh Quảng Nam", "guest"),
    ("Phó Chánh Văn phòng Thành ủy", "staff"),
    ("Phó Trưởng Ban Tuyên giáo và Dân vận Thành ủy", "delegate"),
    ("Phó Giám đốc Sở Lao động - Thương binh và Xã hội", "delegate"),
    ("Trưởng phòng Tổng hợp, Văn phòng Thành ủy", "staff"),
    ("Giám đốc Công ty Cổ phần Cảng Đà Nẵng", "guest"),
    ("Bí thư Thành ủy Tam Kỳ", "delegate"),
    ("Bí thư Đảng ủy phường Hải Châu", "delegate"),
    ("Phó Bí thư Đảng ủy, Chủ tịch UBND phường Hội An", "delegate"),
    ("Chuyên viên Sở Nội vụ", "delegate"),
    ("Chuyên viên Văn phòng Thành ủy", "staff"),
    ("Phóng viên Báo Đà Nẵng", "press"),
]
# Given names in Vietnamese alphabetical order (ICU vi), one per position above.
GIVEN_NAMES = ["An", "Ánh", "Bảo", "Bình", "Cảnh", "Chi", "Cúc", "Dũng", "Dương", "Đạt", "Đức", "Giang", "Hà",
               "Hải", "Hạnh", "Hiếu", "Hòa", "Hùng", "Huy", "Khánh", "Lan", "Long", "Mai", "Minh", "Nam", "Nga",
               "Ngọc", "Nhân", "Phong", "Phúc", "Quang", "Sơn", "Tâm", "Thanh", "Thảo", "Trang", "Trung", "Tuấn",
               "Vân", "Yến"]


def provincial_people() -> list[P]:
    assert len(PROVINCIAL_ORDER) == len(GIVEN_NAMES) == 40
    return [P(f"Nguyễn Văn {given}", None, category, title, id=i + 1)
            for i, ((title, category), given) in enumerate(zip(PROVINCIAL_ORDER, GIVEN_NAMES, strict=True))]


def test_given_names_are_in_name_order():
    assert icu_vi_order([p.full_name for p in provincial_people()]) == [p.full_name for p in provincial_people()]


def test_forty_provincial_positions_without_numbers_in_protocol_order():
    people = provincial_people()
    shuffled = people[::-1][1::2] + people[::-1][0::2]
    assert [p.title for p in sort_participants(shuffled)] == [title for title, _ in PROVINCIAL_ORDER]


def test_an_explicit_precedence_wins_and_categories_order_the_rest():
    people = [P("Lê Văn Báo", None, "press", "Phóng viên"), P("Lê Văn Khách", None, "guest"),
              P("Lê Văn Đại", None, "delegate"), P("Lê Văn Phục", None, "staff"), P("Lê Văn Quan", None, "observer"),
              P("Lê Văn Lãnh", None, "leader"), P("Lê Văn Số", 1, "press", "Phóng viên"),
              P("Lê Văn Ủy", None, "delegate", "Ủy viên Ban Thường vụ Tỉnh ủy, Chánh Văn phòng Tỉnh ủy")]
    assert [p.full_name.split()[-1] for p in sort_participants(people)] == [
        "Số", "Ủy", "Khách", "Lãnh", "Đại", "Quan", "Phục", "Báo"]


@pytest.mark.parametrize("title", ["Ủy viên Ban Thường vụ Tỉnh ủy", "Bí thư Tỉnh ủy", "Phó Bí thư Tỉnh ủy",
                                   "Chánh Văn phòng Tỉnh ủy", "Phó Chánh Văn phòng Tỉnh ủy", "Chủ tịch HĐND tỉnh",
                                   "Phó Chủ tịch UBND tỉnh", "Chủ tịch Ủy ban MTTQ Việt Nam tỉnh",
                                   "Trưởng Ban Tuyên giáo", "Phó Trưởng ban Dân vận", "Giám đốc Sở Y tế",
                                   "Phó Giám đốc Sở Y tế", "nguyên Bí thư Tỉnh ủy"])
def test_positions_are_recognised_whatever_the_spelling(title):
    rank = suggest_precedence(title)
    assert rank is not None
    assert suggest_precedence(title.upper()) == rank
    assert suggest_precedence(strip_diacritics(title).lower()) == rank
    old_tones = title.replace("Ủy", "Uỷ").replace("ủy", "uỷ").replace("Hòa", "Hoà")
    assert suggest_precedence(old_tones) == rank


def test_tiers_follow_domain_order_and_former_officials_follow_serving_ones():
    order = ["Ủy viên Bộ Chính trị", "Thường trực Ban Bí thư", "Bí thư Trung ương Đảng", "Ủy viên Trung ương Đảng",
             "Ủy viên dự khuyết Ban Chấp hành Trung ương Đảng", "Bí thư Tỉnh ủy", "Phó Bí thư Thường trực Tỉnh ủy",
             "Phó Bí thư Tỉnh ủy", "Chủ tịch HĐND tỉnh", "Chủ tịch UBND tỉnh", "Chủ tịch Ủy ban MTTQ Việt Nam tỉnh",
             "Ủy viên Ban Thường vụ Tỉnh ủy", "Phó Chủ tịch UBND tỉnh", "Tỉnh ủy viên", "Giám đốc Sở Nội vụ",
             "Phó Giám đốc Sở Nội vụ", "Trưởng phòng", "Bí thư Đảng ủy xã Điện Minh"]
    ranks = [suggest_precedence(t) for t in order]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    assert suggest_precedence("Bí thư Thành ủy") < suggest_precedence("nguyên Bí thư Thành ủy")
    assert suggest_precedence("nguyên Bí thư Thành ủy") < suggest_precedence("Phó Bí thư Thường trực Thành ủy")
    assert suggest_precedence("Giám đốc Sở Y tế") < suggest_precedence("nguyên Giám đốc Sở Y tế")
    assert suggest_precedence("nguyên Giám đốc Sở Y tế") < suggest_precedence("Phó Giám đốc Sở Y tế")
    assert suggest_precedence("Chuyên viên") is None and suggest_precedence("") is None


def test_category_from_the_title():
    assert suggest_category("Bí thư Thành ủy") == "leader"
    assert suggest_category("Ủy viên Ban Thường vụ Thành ủy, Chánh Văn phòng Thành ủy") == "leader"
    assert suggest_category("Phóng viên Báo Quảng Nam") == "press"
    assert suggest_category("Giám đốc Sở Nội vụ") is None  # the caller's default: delegate
    assert suggest_category("Bí thư Đảng ủy phường Hải Châu") is None
    assert suggest_category("") is None


def test_delegations_ordered_by_their_heads_ranked_by_title():
    """Heads without a number rank by their title (protocol_key), so the delegation led by a Phó Bí thư comes
    before one led by a Giám đốc sở, whatever order they were entered in."""
    people = [P("Lê Văn An", None, "delegate", "Giám đốc Sở Y tế", id=1), P("Trần Văn Bình", None, "delegate",
              "Bí thư Đảng ủy phường Hải Châu", id=2), P("Phạm Văn Cường", None, "leader", "Phó Bí thư Thành ủy", id=3),
              P("Võ Văn Dũng", None, "delegate", id=4)]
    for person, delegation in zip(people, ["Đoàn Sở Y tế", "Đoàn phường Hải Châu", "Đoàn phường Hải Châu",
                                          "Đoàn Sở Y tế"], strict=True):
        person.delegation = delegation
    groups = delegation_order(people, lambda p: p.delegation)
    assert [[p.full_name for p in g] for g in groups] == [["Phạm Văn Cường", "Trần Văn Bình"],
                                                          ["Lê Văn An", "Võ Văn Dũng"]]


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
