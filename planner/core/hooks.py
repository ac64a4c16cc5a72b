"""Hooks: what a lower package offers the packages above it, without importing them.

A package declares a hook as a named list of functions beside the code that calls them (the agenda's
``SPEAKERS``, say), and the package above fills it in its ``setup(app)``. Nothing fills a hook as a side
effect of being imported, so what an app does never depends on which modules happen to be imported: a
fresh app has every declared hook filled (``unfilled()`` is empty), and a test holds it to that.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_DECLARED: dict[str, Hook] = {}


class Hook(list):
    """A named list of functions. ``add`` is idempotent: every app made in one process calls the same
    setups, and a function is listed once."""

    def __init__(self, name: str, doc: str) -> None:
        super().__init__()
        self.name = name
        self.doc = doc
        _DECLARED[name] = self

    def add(self, function: F) -> F:
        if function not in self:
            self.append(function)
        return function

    def __repr__(self) -> str:
        return f"Hook({self.name!r}, {len(self)} functions)"


def declared() -> dict[str, Hook]:
    return dict(_DECLARED)


def unfilled() -> list[str]:
    """The names of the declared hooks that no setup has filled."""
    return sorted(name for name, hook in _DECLARED.items() if not hook)
