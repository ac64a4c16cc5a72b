"""The frame of a meeting's pages: its tabs, and the meeting a page of it shows. Each domain registers its
own tab when its views are imported, so the meeting page shows every domain without knowing them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from flask import g
from flask_login import current_user

from planner.accounts.access import current_organization
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


def meeting_page(meeting_id: str) -> Any:
    """The meeting a page of the frame shows: within the user's organization and clearance (404 otherwise),
    with ``g.meeting`` set for the frame and ``g.timezone`` so that its times read in the meeting's zone."""
    from planner.meetings import services

    meeting = services.get_meeting(current_organization(), meeting_id, user=current_user._get_current_object())
    g.meeting = meeting
    g.timezone = ZoneInfo(meeting.timezone)   # checked when the meeting was saved
    return meeting
