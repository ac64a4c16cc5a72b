"""A macro stamped with its values gives the text the macro gives, each shape rendered once."""

from __future__ import annotations

import itertools

from jinja2 import Environment
from markupsafe import Markup

from planner.core.stamps import stamp

MACRO = """{% macro row(id, title, up, day) -%}
{% set base = '/agenda/' ~ id -%}
<a href="{{ base }}/edit" title="{{ title }}">{{ title }}</a>
{%- if up %} <button formaction="{{ base }}/move">↑</button>{% endif %}
<label for="day-{{ id }}">{{ day }}</label>
<option {% if day == '2026-12-04' %}selected{% endif %}>{{ base ~ '#' ~ title }}</option>
{%- endmacro %}"""

TITLES = ["Báo cáo chính trị", '<script>alert("x")</script> & \'co\'', "{0} %s {{ title }}",
          "\ue0000\ue001 and \ue0001\ue001", "", "A\ue000"]


def _macro():
    env = Environment(autoescape=True)
    return env.from_string(MACRO).module.row


def test_a_stamped_macro_gives_what_the_macro_gives():
    row = _macro()
    stamped = stamp(row, 2)
    for n, (title, up, day) in enumerate(itertools.product(TITLES, (True, False), ("2026-12-04", "2026-12-05"))):
        item_id = f"{n:032x}"
        got = stamped(item_id, title, up, day)
        assert isinstance(got, Markup)
        assert got == row(item_id, title, up, day), (title, up, day)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;co&#39;" in stamped("1", TITLES[1], True, "x")


def test_each_shape_is_rendered_once():
    row = _macro()
    calls = []

    def counted(*args):
        calls.append(args[2:])
        return row(*args)

    stamped = stamp(counted, 2)
    for n in range(50):
        stamped(str(n), f"Mục {n}", n % 2 == 0, "2026-12-04")
    assert sorted(calls) == [(False, "2026-12-04"), (True, "2026-12-04")]


def test_a_mark_in_a_shapes_own_text_is_left_as_it_is():
    env = Environment(autoescape=True)
    row = env.from_string("{% macro row(id, note) %}{{ id }}|{{ note }}{% endmacro %}").module.row
    stamped = stamp(row, 1)
    assert stamped("abc", "\ue0007\ue001") == row("abc", "\ue0007\ue001") == "abc|\ue0007\ue001"
