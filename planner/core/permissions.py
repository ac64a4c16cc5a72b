"""Roles, permissions and clearance: the one check that guards every route and query.

A role grants a set of permissions within one organization; a clearance admits classified content up to
its level. Both are held by a membership (a user in one organization): what one organization grants
reaches only its own content. Views, API routes and services all ask these predicates.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    admin = "admin"
    organizer = "organizer"
    secretary = "secretary"
    viewer = "viewer"


class Permission(StrEnum):
    view = "view"                        # read meetings, agenda, delegates the clearance admits
    take_minutes = "take_minutes"        # write and submit minutes, speech summaries, attendance
    organize = "organize"                # meetings, agenda, delegates, invitations, check-in, print
    approve = "approve"                  # approve minutes, assign document numbers
    manage_organization = "manage_organization"  # users, roles, settings, audit log


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.viewer: frozenset({Permission.view}),
    Role.secretary: frozenset({Permission.view, Permission.take_minutes}),
    Role.organizer: frozenset({Permission.view, Permission.take_minutes, Permission.organize}),
    Role.admin: frozenset(Permission),
}

ROLE_LABELS = {
    Role.admin: _l("Administrator"),
    Role.organizer: _l("Organizer"),
    Role.secretary: _l("Secretary"),
    Role.viewer: _l("Viewer"),
}


def role_allows(role: Role | str | None, permission: Permission) -> bool:
    if role is None:
        return False
    return permission in ROLE_PERMISSIONS[Role(role)]


class Classification(StrEnum):
    """Classification of content and, on a user, the clearance that admits it."""

    none = "none"
    internal = "internal"
    confidential = "confidential"   # mật
    secret = "secret"  # noqa: S105 - tối mật, a classification level  # nosec B105
    top_secret = "top_secret"  # noqa: S105 - tuyệt mật  # nosec B105

    @property
    def rank(self) -> int:
        return list(Classification).index(self)

    @property
    def is_classified(self) -> bool:
        """Carries a state-secret mark (mật and above), as opposed to merely internal."""
        return self.rank >= Classification.confidential.rank


CLASSIFICATION_LABELS = {
    Classification.none: _l("Unclassified"),
    Classification.internal: _l("Internal"),
    Classification.confidential: _l("Confidential (Mật)"),
    Classification.secret: _l("Secret (Tối mật)"),
    Classification.top_secret: _l("Top secret (Tuyệt mật)"),
}

# The mark printed on documents, in the official wording whatever the interface language.
CLASSIFICATION_MARKS = {
    Classification.confidential: "MẬT",
    Classification.secret: "TỐI MẬT",
    Classification.top_secret: "TUYỆT MẬT",
}


def clearance_of(user: Any, organization_id: int | None) -> Classification:
    """The clearance a reader holds in an organization: their membership's (``User.clearance_in``); a
    reader without an account (a delegate link, a screen, the public) holds none."""
    if user is None:
        return Classification.none
    return Classification(user.clearance_in(organization_id))


def cleared_for(clearance: Classification | str | None, classification: Classification | str | None) -> bool:
    """Whether a clearance admits content of the given classification."""
    level = Classification(classification or Classification.none)
    return Classification(clearance or Classification.none).rank >= level.rank


def visible_levels(clearance: Classification | str | None) -> list[str]:
    """Classification values a clearance admits, for filtering queries in SQL."""
    rank = Classification(clearance or Classification.none).rank
    return [c.value for c in Classification if c.rank <= rank]
