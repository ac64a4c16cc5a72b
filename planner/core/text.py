"""Vietnamese text: normalisation, collation keys, search folding and the official date line.

One function makes a collation key, one folds text for search, one writes the date line: every
domain uses these, so that names sort and match the same way in lists, SQL, exports and documents.
"""

from __future__ import annotations

import os
import re
import unicodedata
from datetime import date
from functools import lru_cache
from typing import Any

import icu
from babel.dates import format_date

# Tone marks as combining characters (after NFD): huyền, sắc, hỏi, ngã, nặng.
_TONES = {"\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}
# Marks that change the vowel itself (ă â ê ô ơ ư) rather than its tone.
_QUALITY = {"\u0306", "\u0302", "\u031b"}
_VOWELS = set("aeiouy")
# The clusters whose tone sits on either vowel depending on the writer's school ("hoà"/"hòa").
_SWING_CLUSTERS = {"oa", "oe", "uy"}
_WORD = re.compile(r"\w+", re.UNICODE)
_SPACES = re.compile(r"\s+")
# The combining diacritical marks Vietnamese (and other Latin) letters decompose into.
_LATIN_MARKS = re.compile("[\u0300-\u036f]")


def normalize(text: str | None) -> str:
    """NFC, one space between words, no control characters; the form in which text is stored."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    if not text.isprintable():  # printable text has no control (Cc) or format (Cf) characters: the usual case
        text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf") or ch in "\t\n")
    return _SPACES.sub(" ", text).strip()


def clean_text(value: Any, *, multiline: bool = False) -> str:
    """The one rule for text a person typed (a form field, an API value, a cell of an imported file):
    ``normalize`` (NFC, no control or format characters, one space between words, none at the ends); text
    of several lines keeps them (CR LF and CR become LF), each line cleaned so, with no empty line at the
    start or the end. None is empty; anything else is taken as its text."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if not multiline:
        return normalize(text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(normalize(line) for line in lines).strip("\n")


def _split_letters(word: str) -> list[list[str]]:
    """A decomposed word as [base letter, marks...] groups."""
    groups: list[list[str]] = []
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.combining(ch) and groups:
            groups[-1].append(ch)
        else:
            groups.append([ch])
    return groups


@lru_cache(maxsize=65536)
def _unify_word_tone(word: str) -> str:
    # Cached: a list of thousands of names, titles and units repeats a few hundred words.
    if word.isascii():
        return word
    groups = _split_letters(word)
    tone_positions = [i for i, g in enumerate(groups) if any(m in _TONES for m in g[1:])]
    if len(tone_positions) != 1:
        return word
    vowel_idx = [i for i, g in enumerate(groups) if g[0].lower() in _VOWELS]
    if len(vowel_idx) != 2 or vowel_idx[1] != vowel_idx[0] + 1:
        return word
    first, second = vowel_idx
    if first > 0 and groups[first - 1][0].lower() == "q":
        return word  # "quý": the u belongs to the consonant
    cluster = (groups[first][0] + groups[second][0]).lower()
    if cluster not in _SWING_CLUSTERS or any(m in _QUALITY for i in vowel_idx for m in groups[i][1:]):
        return word
    tone = next(m for m in groups[tone_positions[0]][1:] if m in _TONES)
    for g in groups:
        g[1:] = [m for m in g[1:] if m != tone]
    # Open syllable: the older, most common placement on the first vowel (hòa, thủy, khỏe);
    # closed syllable: both schools put it on the second (hoàn, khuyết).
    target = first if second == len(groups) - 1 else second
    groups[target].append(tone)
    return unicodedata.normalize("NFC", "".join("".join(g) for g in groups))


def unify_tones(text: str) -> str:
    """Make old and new tone placement one spelling: ``Thuý`` and ``Thúy`` become ``Thúy``."""
    return _WORD.sub(lambda m: _unify_word_tone(m.group(0)), unicodedata.normalize("NFC", text))


def canonical(text: str | None) -> str:
    """The spelling keys are made from: normalised text with tone placement unified."""
    return unify_tones(normalize(text))


@lru_cache(maxsize=1)
def _collator() -> icu.Collator:
    collator = icu.Collator.createInstance(icu.Locale("vi"))
    collator.setStrength(icu.Collator.TERTIARY)
    return collator


def collation_key(*parts: str | None) -> bytes:
    """ICU ``vi`` sort key for a tuple of fields, compared field by field.

    Each field's key ends in a zero byte that occurs nowhere else in it, so the concatenation
    compares bytewise (SQLite BLOB, PostgreSQL bytea) exactly as the tuple of fields would.
    """
    return b"".join(_field_key(part or "") for part in parts)


@lru_cache(maxsize=16384)
def _field_key(part: str) -> bytes:
    # Cached: a list's names and units repeat (3,000 delegates hold a few hundred units and given names),
    # and a new participant's name key is made for its person and for itself in the same flush.
    return _collator().getSortKey(canonical(part))


def name_collation_key(given_name: str | None, family_name: str | None, middle_name: str | None) -> bytes:
    """Vietnamese name order: given name, then family name, then middle name (the ballot rule)."""
    return collation_key(given_name, family_name, middle_name)


def strip_diacritics(text: str | None) -> str:
    """``Nguyễn Văn Đức`` -> ``Nguyen Van Duc`` (file names, ASCII fallbacks)."""
    # Every mark goes, so where a tone sits does not matter: normalize, not canonical (twice as fast).
    text = normalize(text).replace("đ", "d").replace("Đ", "D")
    stripped = _LATIN_MARKS.sub("", unicodedata.normalize("NFD", text))
    if not stripped.isascii():  # marks of other scripts may remain: the general (slower) rule
        stripped = "".join(ch for ch in stripped if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def fold(text: str | None) -> str:
    """Diacritic- and case-insensitive form for search: ``Nguyễn Văn Đức`` -> ``nguyen van duc``."""
    return strip_diacritics(text).casefold()


def split_full_name(full_name: str) -> tuple[str, str, str]:
    """``Nguyễn Thị Minh Khai`` -> (family ``Nguyễn``, middle ``Thị Minh``, given ``Khai``)."""
    words = normalize(full_name).split(" ")
    words = [w for w in words if w]
    if not words:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]


def full_name(family_name: str | None, middle_name: str | None, given_name: str | None) -> str:
    return " ".join(p for p in (family_name, middle_name, given_name) if p)


def date_line(place: str | None, day: date, language: str = "vi") -> str:
    """The official place-and-date line.

    Vietnamese: the day always has two digits, the month only for January and February
    (``ngày 01 tháng 02 năm 2023``, ``ngày 05 tháng 7 năm 2023``), as DOMAIN.md requires.
    """
    if language == "vi":
        month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
        line = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    else:
        line = format_date(day, format="long", locale=language)
    return f"{place}, {line}" if place else (line[0].upper() + line[1:])


_EDGE_PUNCTUATION = ",.;:()"


def _word_keys(text: str) -> list[str]:
    return [canonical(word).casefold().strip(_EDGE_PUNCTUATION) for word in text.split()]


def _holds(words: list[str], part: list[str]) -> bool:
    """Whether ``part`` occurs in ``words`` as whole consecutive words."""
    n = len(part)
    return n > 0 and any(words[i:i + n] == part for i in range(len(words) - n + 1))


@lru_cache(maxsize=8192)
def position_parts(title: str | None, unit: str | None) -> tuple[str, str]:
    """A person's position and unit as printed together, the unit never twice: ``(position, unit)`` where
    the unit is empty once the position names it.

    - the position already names the unit: ``Chánh Văn phòng Tỉnh ủy`` / ``Tỉnh ủy`` -> the position alone;
    - the position ends where the unit begins: ``Phó Chánh Văn phòng`` / ``Văn phòng Tỉnh ủy`` -> one line,
      ``Phó Chánh Văn phòng Tỉnh ủy`` (the shared words must begin with a capital, a name's first word:
      ``Chủ tịch UBND tỉnh`` and ``Tỉnh ủy Quảng Nam`` stay apart);
    - the position is part of the unit's name: the unit alone;
    - otherwise both, as they are.
    Words compare whole, ignoring case, edge punctuation and old or new tone placement (``Thuý``/``Thúy``).
    Every list, letter, badge and document that prints a position with its unit goes through here, once per
    row: the answer is kept per pair of texts (a list of 50 delegates otherwise spent 5 ms of its 20 here).
    """
    title, unit = normalize(title), normalize(unit)
    if not title or not unit:
        return title, unit
    title_words, unit_words = title.split(), unit.split()
    title_keys, unit_keys = _word_keys(title), _word_keys(unit)
    if _holds(title_keys, unit_keys):
        return title, ""
    if _holds(unit_keys, title_keys):
        return unit, ""
    for shared in range(min(len(title_keys), len(unit_keys)) - 1, 0, -1):
        first = title_words[-shared]
        if title_keys[-shared:] == unit_keys[:shared] and first[:1].isupper():
            return " ".join([*title_words, *unit_words[shared:]]), ""
    return title, unit


def position_line(title: str | None, unit: str | None, separator: str = ", ") -> str:
    """``Chánh Văn phòng, Sở Nội vụ`` on one line (see position_parts: the unit never twice)."""
    return separator.join(part for part in position_parts(title, unit) if part)


def file_extension(filename: str | None) -> str:
    """The name's extension, lower case, with its dot (``.pdf``); empty without one."""
    return os.path.splitext(filename or "")[1].lower()


def safe_filename(filename: str | None, extension: str, fallback: str) -> str:
    """An uploaded file's name as kept and offered for download: no folder part (a client may send one),
    no control or reserved characters, at most 200 characters before ``extension``, which replaces its own."""
    name = os.path.basename((filename or "").replace("\\", "/"))
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"/\\|?*').strip(" .")
    return (os.path.splitext(name)[0][:200] or fallback) + extension
