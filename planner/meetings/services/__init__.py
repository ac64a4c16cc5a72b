"""Meeting operations: the only code that changes meetings and rooms.

Every lookup is scoped to the organization and to the user's clearance: a meeting of another
organization, or one classified above the user's clearance, is not found (404), not forbidden,
so that its existence is not revealed."""

from __future__ import annotations

from planner.meetings.services.base import (
    EDITABLE_STATUSES,
    MAX_MOVE_DAYS,
    ensure_editable,
    get_meeting,
    has_public_page,
    is_editable,
    meetings_query,
    new_public_code,
    note_page_view,
    note_view,
    public_page_conditions,
)
from planner.meetings.services.editing import (
    MEETING_FIELDS,
    allowed_statuses,
    can_delete,
    check_transition,
    create_meeting,
    delete_meeting,
    set_status,
    update_meeting,
)
from planner.meetings.services.listing import MeetingFilter, calendar_occurrences, list_meetings, list_occurrences
from planner.meetings.services.occurrences import (
    cancel_occurrence,
    move_occurrence,
    occurrence,
    occurrences,
    restore_occurrence,
)
from planner.meetings.services.people import (
    COMPOSITION_NAMES,
    PEOPLE_RESOLVERS,
    PeopleResolver,
    compositions,
    participants,
    people_choices,
    register_people_resolver,
    resolve_people,
    set_presiding,
    set_secretaries,
    staff_user_choices,
)
from planner.meetings.services.rooms import add_room, delete_room, get_room, room_usage, update_room

__all__ = [
    "COMPOSITION_NAMES",
    "EDITABLE_STATUSES",
    "MAX_MOVE_DAYS",
    "MEETING_FIELDS",
    "PEOPLE_RESOLVERS",
    "MeetingFilter",
    "PeopleResolver",
    "add_room",
    "allowed_statuses",
    "calendar_occurrences",
    "can_delete",
    "cancel_occurrence",
    "check_transition",
    "compositions",
    "create_meeting",
    "delete_meeting",
    "delete_room",
    "ensure_editable",
    "get_meeting",
    "get_room",
    "has_public_page",
    "is_editable",
    "list_meetings",
    "list_occurrences",
    "meetings_query",
    "move_occurrence",
    "new_public_code",
    "note_page_view",
    "note_view",
    "occurrence",
    "occurrences",
    "participants",
    "people_choices",
    "public_page_conditions",
    "register_people_resolver",
    "resolve_people",
    "restore_occurrence",
    "room_usage",
    "set_presiding",
    "set_secretaries",
    "set_status",
    "staff_user_choices",
    "update_meeting",
    "update_room",
]
