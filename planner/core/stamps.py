"""A template macro rendered once for each of its shapes, then stamped with each call's own values.

A page that calls one macro hundreds of times with output that differs only in a few values (the agenda
editor's row buttons: 400 rows, a dozen shapes, each row its own id and title) pays Jinja for every value
written out, each one escaped, in every row: about 25 of them a row. ``stamp(macro, holes)`` answers a
function taking the macro's arguments: the first ``holes`` are the values that differ from call to call,
the rest are the call's shape (flags, a choice). Each shape is rendered once, with marks in place of the
values, and kept for the page; a call joins that text with its values, each escaped as ``{{ value }}``
escapes it. The answer is the text the macro would have given.

That holds because escaping is done character by character: a value the macro writes out as it is, or as
part of a longer string (``{{ base }}`` where ``base = url ~ '/' ~ id``), comes out as its escaped self.
So the macro may only write its hole values out, alone or concatenated; it must not test, compare,
filter or measure them (a shape argument may be used any way). The marks are private-use characters
that escaping leaves alone; a value that holds them is still written as it is, since values are put in
after the text is cut at the marks, never searched.

Nothing is kept beyond the function: a stamp is made while a page renders and forgotten with it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from typing import Any

from markupsafe import Markup, escape

_MARK = "\ue000{}\ue001"
_MARKS = re.compile("\ue000([0-9]+)\ue001")


def stamp(macro: Callable[..., Any], holes: int) -> Callable[..., Markup]:
    """``macro`` as a function of the same arguments, its first ``holes`` ones stamped into the text of
    its shape (the other arguments, which must be hashable)."""
    marks = [_MARK.format(n) for n in range(holes)]
    shapes: dict[tuple[Hashable, ...], list[str | int]] = {}

    def cut(shape: tuple[Hashable, ...]) -> list[str | int]:
        """The shape's text as its strings and, between them, the numbers of the holes."""
        parts: list[str | int] = []
        for n, part in enumerate(_MARKS.split(str(macro(*marks, *shape)))):
            if n % 2 == 0:
                parts.append(part)
            elif int(part) < holes:
                parts.append(int(part))
            else:  # a mark that is none of ours (in a shape's text) stays as it was
                parts.append(_MARK.format(part))
        return parts

    def stamped(*args: Any) -> Markup:
        values, shape = args[:holes], args[holes:]
        parts = shapes.get(shape)
        if parts is None:
            parts = shapes[shape] = cut(shape)
        escaped = [str(escape(value)) for value in values]
        # the parts are the macro's own output (escaped by Jinja), the values escaped just above
        return Markup("".join([escaped[part] if type(part) is int else part  # noqa: S704  # nosec B704
                               for part in parts]))

    return stamped
