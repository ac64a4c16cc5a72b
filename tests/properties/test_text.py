"""Properties of the Vietnamese text helpers (planner/core/text.py): collation keys order as ICU's
``vi`` collation does, folding for search is idempotent and ignores diacritics and case, the stored
forms are fixed points, and full names split and join back."""

from __future__ import annotations

import itertools
import unicodedata
from functools import cmp_to_key

import icu
from hypothesis import given
from hypothesis import strategies as st

from planner.core import text
from tests.properties.strategies import bounded, field_text, vi_text, vi_word

_collator = icu.Collator.createInstance(icu.Locale("vi"))
_collator.setStrength(icu.Collator.TERTIARY)


def icu_compare(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """ICU's own comparison of two tuples of fields, field by field, of the form keys are made from."""
    for x, y in zip(a, b, strict=True):
        order = _collator.compare(text.canonical(x), text.canonical(y))
        if order:
            return order
    return 0


def sign(n: int) -> int:
    return (n > 0) - (n < 0)


@given(st.data())
@bounded(300)
def test_collation_key_compares_as_icu_compares_the_fields(data):
    n = data.draw(st.integers(min_value=1, max_value=3))
    a = data.draw(st.tuples(*[field_text] * n))
    b = data.draw(st.tuples(*[field_text] * n))
    key_a, key_b = text.collation_key(*a), text.collation_key(*b)
    assert sign((key_a > key_b) - (key_a < key_b)) == sign(icu_compare(a, b))


@given(st.lists(st.tuples(vi_word, vi_word, vi_word), min_size=2, max_size=12))
@bounded(100)
def test_sorting_names_by_key_is_icu_order(names):
    """The name order (given, family, middle) of a list sorted by key is the order ICU gives it."""
    by_key = sorted(names, key=lambda n: text.name_collation_key(*n))
    by_icu = sorted(names, key=cmp_to_key(icu_compare))
    for left, right in itertools.pairwise(by_key):
        assert icu_compare(left, right) <= 0
    # Ties may come in any order: the two sorts agree up to ICU-equal names.
    assert all(icu_compare(x, y) == 0 for x, y in zip(by_key, by_icu, strict=True))


@given(field_text)
@bounded(300)
def test_fold_is_idempotent_and_leaves_no_marks(value):
    folded = text.fold(value)
    assert text.fold(folded) == folded
    assert not any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", folded))


@given(vi_text)
@bounded(200)
def test_fold_ignores_diacritics_and_case(value):
    folded = text.fold(value)
    assert text.fold(text.strip_diacritics(value)) == folded
    assert text.fold(value.upper()) == folded == text.fold(value.lower())
    assert folded.isascii()


@given(st.lists(vi_word, min_size=1, max_size=6), st.data())
@bounded(200)
def test_a_search_typed_without_diacritics_finds_the_text(words, data):
    start = data.draw(st.integers(min_value=0, max_value=len(words) - 1))
    end = data.draw(st.integers(min_value=start + 1, max_value=len(words)))
    typed = text.strip_diacritics(" ".join(words[start:end]))
    typed = data.draw(st.sampled_from([typed, typed.lower(), typed.upper(), f"  {typed} "]))
    assert text.fold(typed) in text.fold(" ".join(words))


@given(field_text)
@bounded(300)
def test_stored_forms_are_fixed_points(value):
    normalized = text.normalize(value)
    assert text.normalize(normalized) == normalized
    unified = text.unify_tones(value)
    assert text.unify_tones(unified) == unified
    canonical = text.canonical(value)
    assert text.canonical(canonical) == canonical
    # Unifying moves a tone mark, it never changes the letters.
    assert text.fold(unified) == text.fold(value)


_ONSETS = ["", "h", "th", "kh", "ng", "t", "l", "x", "s", "ch", "nh", "tr"]
_CODAS = ["", "n", "t", "ng", "c", "nh", "ch"]


@given(st.sampled_from(_ONSETS), st.sampled_from(["oa", "oe", "uy"]), st.sampled_from(_CODAS),
       st.sampled_from(["\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]), st.booleans())
@bounded(100)
def test_old_and_new_tone_placement_are_one_spelling(onset, cluster, coda, tone, capital):
    """"hoà"/"hòa", "thuý"/"thúy", "hoàn"/"hòan": whichever vowel the writer marked, one canonical form."""
    on_first = unicodedata.normalize("NFC", onset + cluster[0] + tone + cluster[1] + coda)
    on_second = unicodedata.normalize("NFC", onset + cluster + tone + coda)
    if capital:
        on_first, on_second = on_first.capitalize(), on_second.capitalize()
    assert text.canonical(on_first) == text.canonical(on_second)
    assert text.canonical(f"Nguyễn {on_first}") == text.canonical(f"Nguyễn {on_second}")


@given(field_text)
@bounded(300)
def test_a_full_name_splits_and_joins_back(value):
    family, middle, given_name = text.split_full_name(value)
    assert text.full_name(family, middle, given_name) == text.normalize(value)
    assert " " not in family and " " not in given_name


@given(vi_word, st.lists(vi_word, max_size=3).map(" ".join), vi_word)
@bounded(200)
def test_the_parts_of_a_name_come_back_from_its_full_form(family, middle, given_name):
    assert text.split_full_name(text.full_name(family, middle, given_name)) == (family, middle, given_name)
