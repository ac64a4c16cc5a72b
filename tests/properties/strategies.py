"""Shared strategies and example budgets of the property tests.

`make test` runs each property with its small, fixed, derandomized budget; `make fuzz` sets
PLANNER_FUZZ_FACTOR (e.g. 20) to run many more random examples.
"""

from __future__ import annotations

import os
import unicodedata

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FACTOR = max(1, int(os.environ.get("PLANNER_FUZZ_FACTOR", "1")))


def bounded(max_examples: int, **kwargs) -> settings:
    """A property's settings: its budget (times the fuzz factor), no deadline, reproducible in make test."""
    return settings(max_examples=max_examples * FACTOR, deadline=None, database=None, derandomize=FACTOR == 1,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], **kwargs)


_BASE_VOWELS = "aăâeêioôơuưy"
TONE_MARKS = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_VOWELS = [unicodedata.normalize("NFC", v + t) for v in _BASE_VOWELS for t in TONE_MARKS]
_CONSONANTS = list("bcdđghklmnpqrstvx")
LETTERS = _VOWELS + _CONSONANTS + [c.upper() for c in _VOWELS + _CONSONANTS]

vi_word = st.text(alphabet=st.sampled_from(LETTERS), min_size=1, max_size=7)
vi_text = st.lists(vi_word, min_size=1, max_size=5).map(" ".join)
# Anything a form or a file may carry: control characters, combining marks, RTL marks, emoji…
any_text = st.text(max_size=30)
field_text = st.one_of(vi_text, any_text)
