"""The tabs of a meeting's page. Each domain registers its own tab when its views are imported,
so the meeting page shows every domain without knowing them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from planner.core.permissions import Permission


@dataclass(frozen=True)
class MeetingTab:
    endpoint: str            # a view taking meeting_id=<public_id>
    label: Any               # lazy translated string
    order: int
    permission: Permission = Permission.view


_TABS: dict[str, MeetingTab] = {}


def register_tab(endpoint: str, label: Any, order: int, permission: Permission = Permission.view) -> None:
    _TABS[endpoint] = MeetingTab(endpoint, label, order, permission)


def meeting_tabs() -> list[MeetingTab]:
    return sorted(_TABS.values(), key=lambda tab: tab.order)
