"""Account operations: the only code that changes organizations, users, memberships and tokens.

Every operation checks its input, changes the models and writes one audit entry inside ``atomic`` (the
request's unit of work, or its own outside a request), or raises a PlannerError with a message for the user
and leaves nothing staged.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from planner.accounts.models import ApiToken, DocumentProfile, Membership, Organization, User
from planner.core import audit
from planner.core.db import atomic, check_version
from planner.core.errors import Forbidden, NotFound, ValidationError
from planner.core.inputs import check_zone_and_language
from planner.core.models import utcnow
from planner.core.permissions import Classification, Permission, Role
from planner.core.text import clean_text, name_collation_key, split_full_name
from planner.core.tokens import new_token, token_hash
from planner.extensions import db

_hasher = PasswordHasher()
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# A handful of passwords that every guesser tries first.
_COMMON_PASSWORDS = {
    "1234567890", "0123456789", "password123", "matkhau123", "123456789a", "qwertyuiop",
    "abc1234567", "admin12345", "1111111111", "0000000000", "12345678910", "password1234",
}


class _NameTaken(ValidationError):
    """A second organization of the same name (the unique name clashes at the flush): its message is read
    only when it is raised, in the language of the request that raises it."""

    def __init__(self, _message: str = "") -> None:
        super().__init__(_("An organization with this name exists already."), field="name")


class _EmailTaken(ValidationError):
    """A second account with the same e-mail address (the unique address clashes at the flush)."""

    def __init__(self, _message: str = "") -> None:
        super().__init__(_("A user with this e-mail address exists already."), field="email")


# Passwords ---------------------------------------------------------------------------------------

def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rules(password: str, user_email: str = "") -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise ValidationError(_("The password must have at least %(n)d characters.", n=minimum), field="password")
    lowered = password.lower()
    if lowered in _COMMON_PASSWORDS or len(set(password)) < 4:
        raise ValidationError(_("This password is too easy to guess. Choose another."), field="password")
    local_part = user_email.split("@")[0].lower()
    if local_part and len(local_part) >= 4 and local_part in lowered:
        raise ValidationError(_("The password must not contain your e-mail address."), field="password")


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (the same answer for every failure)."""
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None or not user.password_hash:
        _hasher.hash(password)  # same cost as a real check, so timing does not reveal accounts
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if not user.active:
        return None
    with atomic():
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        user.last_login_at = utcnow()
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not user.password_hash:
        raise ValidationError(_("The current password is wrong."), field="current_password")
    try:
        _hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise ValidationError(_("The current password is wrong."), field="current_password") from None
    check_password_rules(new, user.email)
    with atomic():
        user.password_hash = hash_password(new)
        user.session_nonce = _new_nonce()  # other sessions of this user end
        for membership in user.memberships:
            audit.record(db.session, organization_id=membership.organization_id, action="user.password_changed",
                         object_type="user", object_id=user.public_id, summary=user.email)


def _new_nonce() -> str:
    return new_token()[:16]


def end_all_sessions(user: User) -> None:
    with atomic():
        user.session_nonce = _new_nonce()


# Organizations -----------------------------------------------------------------------------------

ORGANIZATION_FIELDS = ("name", "parent_name", "city", "document_profile", "body_code", "timezone", "language")


def organization_data(org: Organization) -> dict[str, Any]:
    return {
        "id": org.public_id,
        **{f: getattr(org, f) for f in ORGANIZATION_FIELDS},
        "version": org.version,
    }


def _clean_organization(data: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key in ORGANIZATION_FIELDS:
        if key not in data:
            continue
        value = data[key]
        if key in ("name", "parent_name", "city", "body_code"):
            value = clean_text(value)
        clean[key] = value
    if "name" in clean and not clean["name"]:
        raise ValidationError(_("The organization needs a name."), field="name")
    if "document_profile" in clean:
        try:
            clean["document_profile"] = DocumentProfile(clean["document_profile"])
        except ValueError:
            raise ValidationError(_("Unknown document profile."), field="document_profile") from None
    check_zone_and_language(clean)
    if "body_code" in clean and len(clean["body_code"]) > 32:
        raise ValidationError(_("The body code is too long."), field="body_code")
    return clean


def create_organization(**data: Any) -> Organization:
    clean = _clean_organization(data)
    if "name" not in clean:
        raise ValidationError(_("The organization needs a name."), field="name")
    org = Organization(**clean)
    with atomic(clash=_NameTaken):
        db.session.add(org)
        db.session.flush()
        audit.record(db.session, organization_id=org.id, action="organization.created",
                     object_type="organization", object_id=org.public_id, summary=org.name)
    return org


def update_organization(org: Organization, data: dict[str, Any], *, version: int | None = None) -> Organization:
    stale = _("Someone else changed these settings meanwhile. Reload to see their version.")
    check_version(org, version, stale)
    clean = _clean_organization(data)
    changes = audit.diff({k: getattr(org, k) for k in clean}, clean)
    if not changes:
        return org
    with atomic(stale, clash=_NameTaken):
        for key, value in clean.items():
            setattr(org, key, value)
        audit.record(db.session, organization_id=org.id, action="organization.updated",
                     object_type="organization", object_id=org.public_id, summary=org.name, changes=changes)
    return org


def organization_by_name(name: str) -> Organization | None:
    return db.session.scalar(select(Organization).where(Organization.name == clean_text(name)))


# Users and memberships ---------------------------------------------------------------------------

def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def members(org: Organization) -> list[Membership]:
    """The organization's memberships with their users, in Vietnamese name order (tên, họ, tên đệm).

    An office has tens of users, not thousands: sorting here with the one collation key is cheaper
    than keeping a key column in step.
    """
    memberships = db.session.scalars(
        select(Membership).join(Membership.user).where(Membership.organization_id == org.id)
    )

    def key(membership: Membership) -> tuple[bytes, str]:
        family, middle, given = split_full_name(membership.user.name)
        return name_collation_key(given, family, middle), membership.user.email

    return sorted(memberships, key=key)


def member(org: Organization, user_public_id: str) -> Membership:
    """A membership of this organization, or NotFound (another organization's user is not found)."""
    membership = db.session.scalar(
        select(Membership)
        .join(Membership.user)
        .where(Membership.organization_id == org.id, User.public_id == user_public_id)
    )
    if membership is None:
        raise NotFound(_("No such user."))
    return membership


def create_user(
    org: Organization,
    *,
    by: User | None,
    email: str,
    name: str,
    role: Role | str,
    clearance: Classification | str = Classification.internal,
    language: str = "vi",
    password: str | None = None,
) -> tuple[User, str | None]:
    """Create a user in the organization.

    Without a password the user is invited: the answer carries a one-time setup token (shown
    once to the admin, who passes the link on) and the account has no password until it is used.
    ``by`` is the admin who creates the account: the clearance given is at most theirs in this
    organization. None is the command line (or the demo), which makes the first cleared administrator.
    """
    email = normalize_email(email)
    name = clean_text(name)
    if not _EMAIL.match(email):
        raise ValidationError(_("Enter a valid e-mail address."), field="email")
    if not name:
        raise ValidationError(_("Enter the person's name."), field="name")
    try:
        role = Role(role)
        clearance = Classification(clearance)
    except ValueError:
        raise ValidationError(_("Unknown role or clearance.")) from None
    if language not in current_app.config["LANGUAGES"]:
        raise ValidationError(_("Unknown language."), field="language")
    existing = db.session.scalar(select(User).where(User.email == email))
    if existing is not None:
        raise ValidationError(_("A user with this e-mail address exists already."), field="email")
    if password is not None:
        check_password_rules(password, email)
    check_grant(org, by, None, clearance)

    user = User(email=email, name=name, language=language)
    setup_token = None
    if password is not None:
        user.password_hash = hash_password(password)
    else:
        setup_token = new_token()
        user.setup_token_hash = token_hash(setup_token)
        user.setup_token_expires_at = utcnow() + timedelta(days=current_app.config["INVITATION_VALID_DAYS"])
    user.memberships.append(Membership(organization=org, role=role, clearance=clearance))
    with atomic(clash=_EmailTaken):
        db.session.add(user)
        db.session.flush()
        audit.record(db.session, organization_id=org.id, action="user.created", object_type="user",
                     object_id=user.public_id, summary=f"{name} <{email}>",
                     changes={"role": role.value, "clearance": [None, clearance.value], "invited": password is None})
    return user, setup_token


def renew_invitation(org: Organization, membership: Membership) -> str:
    user = membership.user
    setup_token = new_token()
    with atomic():
        user.setup_token_hash = token_hash(setup_token)
        user.setup_token_expires_at = utcnow() + timedelta(days=current_app.config["INVITATION_VALID_DAYS"])
        audit.record(db.session, organization_id=org.id, action="user.invitation_renewed", object_type="user",
                     object_id=user.public_id, summary=user.email)
    return setup_token


def user_for_setup_token(token: str) -> User | None:
    user = db.session.scalar(select(User).where(User.setup_token_hash == token_hash(token)))
    if user is None or user.setup_token_expires_at is None or user.setup_token_expires_at < utcnow():
        return None
    return user


def complete_setup(user: User, password: str) -> None:
    check_password_rules(password, user.email)
    with atomic():
        user.password_hash = hash_password(password)
        user.setup_token_hash = None
        user.setup_token_expires_at = None
        for membership in user.memberships:
            audit.record(db.session, organization_id=membership.organization_id, action="user.setup_completed",
                         object_type="user", object_id=user.public_id, summary=user.email)


def _admins_left(org: Organization, excluding: Membership) -> int:
    return db.session.scalar(
        select(func.count(Membership.id))
        .join(Membership.user)
        .where(Membership.organization_id == org.id, Membership.role == Role.admin,
               Membership.id != excluding.id, User.active.is_(True))
    ) or 0


def check_grant(org: Organization, by: User | None, membership: Membership | None,
                new: Classification) -> None:
    """The rules of a clearance change in one organization, whoever asks and through whichever door (page,
    API, command): nobody changes their own; nobody grants a level above their own there, nor touches a
    level above their own (an internal admin may not strip a top-secret chair's clearance either).
    ``membership`` is None for a new account; ``by`` None is the command line."""
    if by is None:
        return
    if not by.can(Permission.manage_organization, org.id):
        raise Forbidden(_("Only an administrator of the organization manages its users."))
    if membership is not None and membership.user_id == by.id:
        raise ValidationError(_("You cannot change your own clearance: another administrator does that."),
                              field="clearance")
    own = by.clearance_in(org.id)
    if new.rank > own.rank:
        raise ValidationError(_("You cannot grant a clearance above your own."), field="clearance")
    if membership is not None and Classification(membership.clearance).rank > own.rank:
        raise ValidationError(_("This user's clearance is above your own: an administrator who holds it "
                                "changes it."), field="clearance")


def grantable_levels(org: Organization, by: User) -> list[Classification]:
    """The levels ``by`` may give in the organization (for the forms; check_grant is the wall)."""
    own = by.clearance_in(org.id)
    return [level for level in Classification if level.rank <= own.rank]


def may_change_clearance(org: Organization, by: User, membership: Membership) -> bool:
    """Whether the page offers to change this member's clearance: not one's own, not one above one's own."""
    return membership.user_id != by.id and Classification(membership.clearance).rank <= by.clearance_in(org.id).rank


def update_member(
    org: Organization,
    membership: Membership,
    *,
    by: User | None,
    role: Role | str | None = None,
    clearance: Classification | str | None = None,
    active: bool | None = None,
    name: str | None = None,
) -> Membership:
    """Change a member's role, clearance (held in this organization only), name or active flag; the last
    active admin is kept. ``by`` is the admin making the change (None: the command line); a clearance
    change follows check_grant and its audit entry holds the old and the new level."""
    user = membership.user
    before = {"role": membership.role, "clearance": Classification(membership.clearance), "active": user.active,
              "name": user.name}
    after = dict(before)
    try:
        if role is not None:
            after["role"] = Role(role)
        if clearance is not None:
            after["clearance"] = Classification(clearance)
    except ValueError:
        raise ValidationError(_("Unknown role or clearance.")) from None
    if active is not None:
        after["active"] = bool(active)
    if name is not None:
        after["name"] = clean_text(name)
        if not after["name"]:
            raise ValidationError(_("Enter the person's name."), field="name")
    changes = audit.diff(before, after)
    if not changes:
        return membership
    if "clearance" in changes:
        check_grant(org, by, membership, after["clearance"])
    loses_admin = before["role"] == Role.admin and (after["role"] != Role.admin or not after["active"])
    if loses_admin and _admins_left(org, membership) == 0:
        raise ValidationError(_("The organization must keep at least one active administrator."))

    if set(changes) == {"role"}:
        action = "user.role_changed"
    elif "clearance" in changes:
        action = "user.clearance_changed"
    else:
        action = "user.updated"
    with atomic():
        membership.role = after["role"]
        membership.clearance = after["clearance"]
        user.name = after["name"]
        if user.active and not after["active"]:
            user.session_nonce = _new_nonce()  # a deactivated user is signed out everywhere
            for token in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                                    ApiToken.revoked_at.is_(None))):
                token.revoked_at = utcnow()
        user.active = after["active"]
        audit.record(db.session, organization_id=org.id, action=action, object_type="user",
                     object_id=user.public_id, summary=user.email, changes=changes)
    return membership


def set_language(user: User, language: str) -> None:
    if language in current_app.config["LANGUAGES"] and user.language != language:
        with atomic():
            user.language = language


# API tokens --------------------------------------------------------------------------------------

def issue_api_token(user: User, org: Organization, name: str = "") -> tuple[ApiToken, str]:
    """A new token for the user in this organization; the secret is returned once and never stored."""
    if user.membership_in(org.id) is None:
        raise NotFound(_("No such user."))
    secret = new_token("pl_")
    token = ApiToken(user=user, organization=org, name=clean_text(name)[:120] or _("API token"),
                     token_hash=token_hash(secret), hint=secret[:8])
    with atomic():
        db.session.add(token)
        db.session.flush()
        audit.record(db.session, organization_id=org.id, action="api_token.created", object_type="api_token",
                     object_id=token.public_id, summary=f"{token.name} ({user.email})")
    return token, secret


def api_tokens(user: User, org: Organization) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.organization_id == org.id)
        .order_by(ApiToken.created_at.desc())
    ))


def api_token(user: User, org: Organization, public_id: str) -> ApiToken:
    token = db.session.scalar(select(ApiToken).where(
        ApiToken.public_id == public_id, ApiToken.user_id == user.id, ApiToken.organization_id == org.id))
    if token is None:
        raise NotFound(_("No such token."))
    return token


def revoke_api_token(token: ApiToken) -> None:
    if token.revoked_at is not None:
        return
    with atomic():
        token.revoked_at = utcnow()
        audit.record(db.session, organization_id=token.organization_id, action="api_token.revoked",
                     object_type="api_token", object_id=token.public_id,
                     summary=f"{token.name} ({token.user.email})")


# How often a token's last-used time is written: often enough to be useful, not a write per request.
_LAST_USED_GRANULARITY = timedelta(minutes=1)


def authenticate_api_token(secret: str) -> ApiToken | None:
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(secret)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    if token.user.membership_in(token.organization_id) is None:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_GRANULARITY:
        with atomic():
            token.last_used_at = now
    return token


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def load_user(session_id: str) -> User | None:
    """Flask-Login's loader: the id in the cookie is ``public_id:nonce``."""
    public_id, _sep, nonce = session_id.partition(":")
    user = db.session.scalar(select(User).where(User.public_id == public_id))
    if user is None or not user.active or user.session_nonce != nonce:
        return None
    return user


def active_user(user_id: int) -> User | None:
    """The active user of this row id (whom a background job asked for by them acts as), or None."""
    user = db.session.get(User, user_id)
    return user if user is not None and user.active else None
