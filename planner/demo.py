"""Demo data for `planner seed-demo`: an organizing office with one user per role.

Idempotent: what exists is left alone, what is missing is added. It grows as the domains land.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from planner.accounts import services as accounts
from planner.accounts.models import DocumentProfile, Organization
from planner.core.permissions import Classification, Role
from planner.extensions import db

ORGANIZATION = {
    "name": "Văn phòng Thành ủy Đà Nẵng",
    "parent_name": "Thành ủy Đà Nẵng",
    "city": "Đà Nẵng",
    "document_profile": DocumentProfile.party,
    "body_code": "VPTU",
    "timezone": "Asia/Ho_Chi_Minh",
    "language": "vi",
}


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    name: str
    role: Role
    clearance: Classification


LOGINS = (
    DemoLogin("quantri@vptu.example.vn", "demo-admin-2026!", "Nguyễn Thị Thu Hà", Role.admin, Classification.secret),
    DemoLogin("tochuc@vptu.example.vn", "demo-organizer-2026!", "Trần Văn Bình", Role.organizer,
              Classification.confidential),
    DemoLogin("thuky@vptu.example.vn", "demo-secretary-2026!", "Lê Thị Mai", Role.secretary, Classification.internal),
    DemoLogin("lanhdao@vptu.example.vn", "demo-viewer-2026!", "Phạm Quốc Dũng", Role.viewer, Classification.internal),
)


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count(Organization.id)))


def seed() -> Organization:
    org = accounts.organization_by_name(ORGANIZATION["name"]) or accounts.create_organization(**ORGANIZATION)
    for login in LOGINS:
        if accounts.user_by_email(login.email) is None:
            accounts.create_user(org, email=login.email, name=login.name, role=login.role,
                                 clearance=login.clearance, password=login.password)
    return org
