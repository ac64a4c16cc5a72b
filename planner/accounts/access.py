"""The request's organization and the permission guard of every HTML route.

The organization comes from the user's memberships (the one chosen in the session, else the
first); every service call is scoped to it, so another organization's object is simply not found.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g, session
from flask_login import current_user, login_required

from planner.accounts.models import Membership, Organization
from planner.core.permissions import Permission

F = TypeVar("F", bound=Callable[..., Any])

SESSION_ORG_KEY = "organization"


def load_request_organization() -> None:
    """before_request: settle g.organization and g.membership for a signed-in browser user."""
    g.organization = None
    g.membership = None
    if not current_user.is_authenticated:
        return
    memberships: list[Membership] = current_user.memberships
    if not memberships:
        return
    chosen = session.get(SESSION_ORG_KEY)
    membership = next((m for m in memberships if m.organization.public_id == chosen), memberships[0])
    g.membership = membership
    g.organization = membership.organization


def current_organization() -> Organization:
    org = getattr(g, "organization", None)
    if org is None:
        abort(403)
    return org


def require(permission: Permission) -> Callable[[F], F]:
    """Signed in, a member of the current organization, and a role that grants the permission."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            org = getattr(g, "organization", None)
            if org is None or not current_user.can(permission, org.id):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_permission = permission  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def can(permission: Permission) -> bool:
    """For templates: whether to offer an action (the route checks again)."""
    org = getattr(g, "organization", None)
    return bool(org is not None and current_user.is_authenticated and current_user.can(permission, org.id))
