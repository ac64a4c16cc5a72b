import unicodedata
from datetime import date

import icu
import pytest

from planner.core.text import (
    canonical,
    collation_key,
    date_line,
    fold,
    name_collation_key,
    normalize,
    split_full_name,
    unify_tones,
)


def by_name(full_names: list[str]) -> list[str]:
    def key(full: str) -> bytes:
        family, middle, given = split_full_name(full)
        return name_collation_key(given, family, middle)

    return sorted(full_names, key=key)


def test_ballot_order_of_domain_example():
    expected = [
        "Nguyễn Quang Dương", "Trần Lưu Hải", "Đinh Thế Huynh", "Nguyễn Văn Nên",
        "Tô Huy Rứa", "Bùi Văn Thạch", "Lê Văn Thái",
    ]
    assert by_name(list(reversed(expected))) == expected
    assert by_name(sorted(expected)) == expected


def test_issue_example_exactly():
    names = ["Nguyễn Văn Nên", "Đinh Thế Huynh", "Trần Lưu Hải", "Nguyễn Quang Dương"]
    assert by_name(names) == ["Nguyễn Quang Dương", "Trần Lưu Hải", "Đinh Thế Huynh", "Nguyễn Văn Nên"]


def test_vietnamese_alphabet_letters_then_tones():
    # a ă â b c d đ e ê ... o ô ơ ... u ư: letters first, then tones ngang huyền hỏi ngã sắc nặng.
    letters = ["an", "ăn", "ân", "bo", "do", "đo", "en", "ên", "on", "ôn", "ơn", "un", "ưn"]
    tones = ["ma", "mà", "mả", "mã", "má", "mạ"]
    assert sorted(reversed(letters), key=collation_key) == letters
    assert sorted(reversed(tones), key=collation_key) == tones
    # Plain code-point order gets these wrong: Đ after every Latin letter, tones by code point.
    assert sorted(["Uyên", "Đức"]) == ["Uyên", "Đức"]
    assert sorted(["Uyên", "Đức"], key=collation_key) == ["Đức", "Uyên"]


def test_key_agrees_with_icu_vi_on_single_strings():
    collator = icu.Collator.createInstance(icu.Locale("vi"))
    words = ["Ước", "Ương", "Ơn", "Ôn", "Ông", "Đào", "Dao", "Đạo", "Hà", "Hạ", "Hả", "Hã", "Há", "Ha", "Ánh", "Anh"]
    assert sorted(words, key=collation_key) == sorted(words, key=collator.getSortKey)


def test_field_by_field_comparison_not_concatenation():
    # Same given name: the family name decides, even though "Anh" < "Bình" would win as one string.
    a = name_collation_key("Anh", "Trần", "")
    b = name_collation_key("Anh", "Lê", "Văn")
    assert b < a
    # A shorter given name that is a prefix of another comes first.
    assert name_collation_key("Hà", "Vũ", "") < name_collation_key("Hải", "An", "")


def test_fold_ignores_diacritics_case_and_d_stroke():
    assert fold("Nguyễn Văn Nên") == "nguyen van nen"
    assert fold("NGUYEN VAN NEN") == fold("nguyen van nen")
    assert fold("Đặng Đức") == "dang duc"
    assert "nguyen van" in fold("Nguyễn Văn Nên")
    assert fold(fold("Trương Thị Ưng")) == fold("Trương Thị Ưng")


def test_old_and_new_tone_placement_unify():
    assert unify_tones("Thuý") == "Thúy"
    assert unify_tones("Hoà") == unify_tones("Hòa")
    assert unify_tones("khoẻ") == "khỏe"
    assert unify_tones("Thủy") == "Thủy"
    # Closed syllables and "qu" are the same in both schools and stay as they are.
    assert unify_tones("Hoàng") == "Hoàng"
    assert unify_tones("quý") == "quý"
    assert unify_tones("Thuyết") == "Thuyết"
    assert collation_key("Thuý") == collation_key("Thúy")
    assert fold("Hoà") == fold("Hòa") == "hoa"


def test_normalize_makes_nfc_and_strips_invisible_characters():
    decomposed = "Nguye\u0302\u0303n"  # NFD form of Nguyễn
    assert normalize(decomposed) == "Nguyễn"
    assert normalize("  Trần\u200b  Văn\u202e   An ") == "Trần Văn An"
    assert canonical("Hoà  Bình") == "Hòa Bình"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2023, 2, 1), "Đà Nẵng, ngày 01 tháng 02 năm 2023"),
        (date(2023, 7, 5), "Đà Nẵng, ngày 05 tháng 7 năm 2023"),
        (date(2011, 11, 14), "Đà Nẵng, ngày 14 tháng 11 năm 2011"),
        (date(2016, 7, 14), "Đà Nẵng, ngày 14 tháng 7 năm 2016"),
        (date(2024, 1, 9), "Đà Nẵng, ngày 09 tháng 01 năm 2024"),
        (date(2024, 12, 31), "Đà Nẵng, ngày 31 tháng 12 năm 2024"),
    ],
)
def test_official_date_line(day, expected):
    assert date_line("Đà Nẵng", day) == expected


def test_date_line_in_english_and_without_place():
    assert date_line("Da Nang", date(2016, 7, 14), "en") == "Da Nang, July 14, 2016"
    assert date_line("", date(2023, 7, 5)) == "Ngày 05 tháng 7 năm 2023"


def test_split_full_name():
    assert split_full_name("Nguyễn Thị Minh Khai") == ("Nguyễn", "Thị Minh", "Khai")
    assert split_full_name("  Lê   Duẩn ") == ("Lê", "", "Duẩn")
    assert split_full_name("Madonna") == ("", "", "Madonna")
    assert split_full_name("") == ("", "", "")


def test_clean_is_the_one_rule_for_typed_text():
    from planner.core.text import clean_text

    decomposed = unicodedata.normalize("NFD", "Hội nghị")
    assert clean_text(None) == "" and clean_text(12) == "12"
    assert clean_text(f"  {decomposed}\t tổng\u200b kết\x00 \n năm ") == "Hội nghị tổng kết năm"
    # several lines keep their lines and blank lines between paragraphs, each line cleaned the same way
    typed = f"\r\n  Một là:\x07  {decomposed}   \r\n\r\n\tHai là …  \rBa là\n\n"
    assert clean_text(typed, multiline=True) == "Một là: Hội nghị\n\nHai là …\nBa là"
    assert clean_text(" \n \r\n ", multiline=True) == ""


# A position printed with its unit: the unit never twice (issue #17, "Dates and words") ------------------

@pytest.mark.parametrize(("title", "unit", "printed"), [
    # The position already names the unit (or more of it): the position alone.
    ("Chánh Văn phòng Tỉnh ủy", "Tỉnh ủy", "Chánh Văn phòng Tỉnh ủy"),
    ("Chánh Văn phòng Tỉnh ủy", "Văn phòng Tỉnh ủy", "Chánh Văn phòng Tỉnh ủy"),
    ("Văn phòng Tỉnh ủy", "Văn phòng Tỉnh ủy", "Văn phòng Tỉnh ủy"),
    ("Tỉnh ủy viên, Chánh Văn phòng Tỉnh ủy", "Văn phòng Tỉnh ủy", "Tỉnh ủy viên, Chánh Văn phòng Tỉnh ủy"),
    ("Bí thư Huyện ủy Đại Lộc", "Huyện ủy Đại Lộc", "Bí thư Huyện ủy Đại Lộc"),
    # Case and old or new tone placement do not make another unit.
    ("Chánh văn phòng tỉnh uỷ", "Văn phòng Tỉnh ủy", "Chánh văn phòng tỉnh uỷ"),
    # The position ends where the unit's name begins: one line, the shared words once.
    ("Phó Chánh Văn phòng", "Văn phòng Tỉnh ủy", "Phó Chánh Văn phòng Tỉnh ủy"),
    ("Ủy viên Ban Thường vụ Tỉnh ủy, Trưởng Ban Tổ chức", "Ban Tổ chức Tỉnh ủy",
     "Ủy viên Ban Thường vụ Tỉnh ủy, Trưởng Ban Tổ chức Tỉnh ủy"),
    ("Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh", "UBND tỉnh Quảng Nam",
     "Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh Quảng Nam"),
    ("Giám đốc Sở", "Sở Nội vụ", "Giám đốc Sở Nội vụ"),
    # A position inside the unit's name: the unit.
    ("Ban Tổ chức", "Ban Tổ chức Tỉnh ủy", "Ban Tổ chức Tỉnh ủy"),
    # Different words: both. A lower-case word is no name's beginning ("tỉnh" is not "Tỉnh ủy").
    ("Phóng viên", "Báo Quảng Nam", "Phóng viên, Báo Quảng Nam"),
    ("Chủ tịch UBND tỉnh", "Tỉnh ủy Quảng Nam", "Chủ tịch UBND tỉnh, Tỉnh ủy Quảng Nam"),
    ("Chuyên viên", "Văn phòng Tỉnh ủy", "Chuyên viên, Văn phòng Tỉnh ủy"),
    # Only one of them.
    ("", "Sở Y tế", "Sở Y tế"),
    ("Giám đốc", "", "Giám đốc"),
    ("", "", ""),
    # English.
    ("Director of the Department of Health", "Department of Health", "Director of the Department of Health"),
    ("Chief of the Office", "Office of the Provincial Party Committee",
     "Chief of the Office of the Provincial Party Committee"),
    ("Reporter", "Quang Nam Newspaper", "Reporter, Quang Nam Newspaper"),
])
def test_a_unit_is_never_printed_twice(title, unit, printed):
    from planner.core.text import position_line, position_parts

    assert position_line(title, unit) == printed
    first, second = position_parts(title, unit)
    assert ", ".join(p for p in (first, second) if p) == printed


def test_position_parts_keep_the_unit_for_its_own_line():
    """Badges and place cards print the position and the unit on lines of their own."""
    from planner.core.text import position_parts

    assert position_parts("Phóng viên", "Báo Quảng Nam") == ("Phóng viên", "Báo Quảng Nam")
    assert position_parts("Chánh Văn phòng Tỉnh ủy", "Tỉnh ủy") == ("Chánh Văn phòng Tỉnh ủy", "")
    assert position_parts("Phó Chánh Văn phòng", "Văn phòng Tỉnh ủy") == ("Phó Chánh Văn phòng Tỉnh ủy", "")
    assert position_parts("  Giám đốc  ", " Sở Nội vụ ") == ("Giám đốc", "Sở Nội vụ")
