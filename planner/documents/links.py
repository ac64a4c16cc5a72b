"""Where a delegate's personal link comes from, for the QR code on their invitation letter.

The delegates domain owns personal links (tokens are stored hashed, so a link can only be made by
the code that issues it). Its setup registers a provider here; the letters ask for the link of
each participant and print a QR code only when a provider gives one. Without one, letters carry no
QR code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from planner.core.hooks import Hook

_PROVIDERS = Hook("documents.personal_links", "a participant -> the absolute URL of their personal page, or None")


def register_personal_link(provider: Callable[[Any], str | None]) -> None:
    """``provider(participant) -> absolute URL or None``; the last registered wins."""
    _PROVIDERS.add(provider)


def unregister_personal_link(provider: Callable[[Any], str | None]) -> None:
    if provider in _PROVIDERS:
        _PROVIDERS.remove(provider)


def has_provider() -> bool:
    return bool(_PROVIDERS)


def personal_link(participant: Any) -> str | None:
    for provider in reversed(_PROVIDERS):
        link = provider(participant)
        if link:
            return link
    return None
