"""The frame of a meeting's pages: its tabs, the meeting a page (or an API route) of it shows, and whether the
page may offer changes. Each domain's setup registers its own tab, so the meeting page shows every domain
without knowing them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from flask import g
from flask_login import current_user

from planner.accounts.access import can, current_organization
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


def meeting_editable(meeting: Any) -> bool:
    """Whether a page of the meeting offers changes: the user may organize, and the meeting is still open."""
    from planner.meetings import services

    return can(Permission.organize) and services.is_editable(meeting)


def api_meeting(meeting_id: str) -> Any:
    """The meeting an API route names: within the token's organization and its user's clearance (404)."""
    from planner.meetings import services

    return services.get_meeting(g.organization, meeting_id, user=g.api_user)
