"""Organizations, users, memberships with roles, and API tokens."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.core.models import (
    Base,
    IdMixin,
    PublicIdMixin,
    TimestampMixin,
    UTCDateTime,
    VersionedMixin,
    enum_column,
)
from planner.core.permissions import Classification, Permission, Role, role_allows


class DocumentProfile(StrEnum):
    party = "party"
    state = "state"
    plain = "plain"


DOCUMENT_PROFILE_LABELS = {
    DocumentProfile.party: _l("Party (Quy định 399-QĐ/TW)"),
    DocumentProfile.state: _l("State (Nghị định 30/2020/NĐ-CP)"),
    DocumentProfile.plain: _l("Plain"),
}

LANGUAGE_LABELS = {"vi": "Tiếng Việt", "en": "English"}


class Organization(IdMixin, PublicIdMixin, TimestampMixin, VersionedMixin, Base):
    __tablename__ = "organizations"

    name: Mapped[str] = mapped_column(String(255), unique=True)
    # The superior body printed above the issuing body in the header block (optional).
    parent_name: Mapped[str] = mapped_column(String(255), default="")
    # The place of the date line ("Đà Nẵng, ngày ...").
    city: Mapped[str] = mapped_column(String(120), default="")
    document_profile: Mapped[DocumentProfile] = enum_column(DocumentProfile, default=DocumentProfile.party)
    body_code: Mapped[str] = mapped_column(String(32), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Ho_Chi_Minh")
    language: Mapped[str] = mapped_column(String(8), default="vi")

    memberships: Mapped[list[Membership]] = relationship(back_populates="organization")


class User(IdMixin, PublicIdMixin, TimestampMixin, VersionedMixin, Base):
    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str] = mapped_column(String(8), default="vi")
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Part of the login cookie: changing it (logout everywhere, new password, deactivation)
    # ends every session of the user at once, on every worker.
    session_nonce: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(8))
    # An invited user sets a password through a one-time link; only its hash is kept.
    setup_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    setup_token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", lazy="selectin", cascade="all, delete-orphan"
    )

    # Flask-Login protocol.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.public_id}:{self.session_nonce}"

    # Organization context. A user may belong to several organizations; one is current.
    def membership_in(self, organization_id: int | None) -> Membership | None:
        return next((m for m in self.memberships if m.organization_id == organization_id), None)

    def clearance_in(self, organization_id: int | None) -> Classification:
        """The clearance the user holds in that organization (none where not a member): clearance is a
        membership's, so what an organization grants reaches only its own content."""
        membership = self.membership_in(organization_id)
        return Classification(membership.clearance) if membership is not None else Classification.none

    def can(self, permission: Permission, organization_id: int | None) -> bool:
        membership = self.membership_in(organization_id)
        return self.active and membership is not None and role_allows(membership.role, permission)

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)


class Membership(IdMixin, TimestampMixin, Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organization_id", name="uq_memberships_user_org"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    role: Mapped[Role] = enum_column(Role, default=Role.viewer)
    # The highest classification this member may read in this organization; granted by an admin of it up
    # to the admin's own level, never changed by its holder (accounts.services.update_member).
    clearance: Mapped[Classification] = enum_column(Classification, default=Classification.internal)

    user: Mapped[User] = relationship(back_populates="memberships")
    organization: Mapped[Organization] = relationship(back_populates="memberships", lazy="joined")


class ApiToken(IdMixin, PublicIdMixin, TimestampMixin, Base):
    __tablename__ = "api_tokens"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so that a user can tell tokens apart without the secret.
    hint: Mapped[str] = mapped_column(String(16))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="joined")
    organization: Mapped[Organization] = relationship(lazy="joined")

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class LoginThrottle(IdMixin, Base):
    """The failed sign-ins of one account (``account:<e-mail>``) or one address (``address:<ip>``), kept in
    the database so that every worker and every instance counts the same (accounts.throttle)."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(320), unique=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # No try before this moment: set by the last failure (or by a try under way, so that workers take turns).
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
