"""Clearance belongs to a membership (a user in one organization): nobody changes their own, nobody
grants a level above their own, every change is audited with the old and the new level, and the command
line stays the way to make the first cleared administrator."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from planner.accounts import services
from planner.accounts.models import Membership, Organization, User
from planner.core.audit import AuditEntry
from planner.core.errors import Forbidden, ValidationError
from planner.extensions import db


def clearance_of(app, user_ref, org_id: int | None = None) -> str:
    with app.app_context():
        membership = db.session.scalar(select(Membership).where(
            Membership.user_id == user_ref.id,
            Membership.organization_id == (org_id or user_ref.organization_id)))
        return membership.clearance.value


def edit(client, target, clearance: str, **extra):
    data = {"name": extra.pop("name", "Người dùng"), "role": extra.pop("role", "viewer"),
            "clearance": clearance, "active": "y", **extra}
    return client.post_form(f"/admin/users/{target.public_id}", data)


def secret_meeting(app, org_ref, author_ref) -> str:
    from planner.meetings import services as meetings

    with app.test_request_context():
        org = db.session.get(Organization, org_ref.id)
        author = db.session.get(User, author_ref.id)
        meeting = meetings.create_meeting(org, author, title="Hội nghị Ban Thường vụ (tối mật)", kind="meeting",
                                          starts_on=date(2026, 12, 10), ends_on=date(2026, 12, 10),
                                          classification="secret")
        return meeting.public_id


def test_an_admin_cannot_raise_its_own_clearance_and_read_what_it_could_not(client, app, factory):
    org = factory.organization()
    chair = factory.user(org, role="admin", clearance="top_secret")
    admin = factory.user(org, role="admin", clearance="internal", name="Quản Trị")
    meeting = secret_meeting(app, org, chair)
    client.login(admin.email)
    assert client.get(f"/meetings/{meeting}").status_code == 404
    response = edit(client, admin, "top_secret", name="Quản Trị", role="admin")
    assert response.status_code == 422
    assert "không thể tự thay đổi mức được tiếp cận của mình" in response.text
    assert clearance_of(app, admin) == "internal"
    assert client.get(f"/meetings/{meeting}").status_code == 404
    # The page does not offer the change either: no clearance field on one's own page.
    page = client.get(f"/admin/users/{admin.public_id}").text
    assert 'name="clearance"' not in page


def test_an_admin_cannot_grant_more_than_it_holds(client, app, factory):
    org = factory.organization()
    admin = factory.user(org, role="admin", clearance="confidential")
    target = factory.user(org, role="viewer", clearance="none")
    client.login(admin.email)
    assert edit(client, target, "secret").status_code == 422
    assert clearance_of(app, target) == "none"
    assert edit(client, target, "confidential").status_code == 302
    assert clearance_of(app, target) == "confidential"
    invite = {"name": "Phạm Văn Mới", "email": "moi@example.vn", "role": "viewer", "language": "vi"}
    response = client.post_form("/admin/users", {**invite, "clearance": "top_secret"})
    assert response.status_code == 422 and "cao hơn mức của chính bạn" in response.text
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "moi@example.vn")) is None
    # The forms offer only the levels the admin holds.
    page = client.get("/admin/users").text
    assert 'value="confidential"' in page and 'value="secret"' not in page and 'value="top_secret"' not in page


def test_a_clearance_above_the_admins_own_is_neither_raised_nor_lowered(client, app, factory):
    org = factory.organization()
    admin = factory.user(org, role="admin", clearance="internal")
    chair = factory.user(org, role="organizer", clearance="top_secret", name="Chủ Trì")
    client.login(admin.email)
    assert edit(client, chair, "none", name="Chủ Trì", role="organizer").status_code == 422
    assert clearance_of(app, chair) == "top_secret"
    # Other changes still go through when the clearance is left as it is (the page shows it, read-only).
    page = client.get(f"/admin/users/{chair.public_id}").text
    assert 'name="clearance"' not in page and "Tuyệt mật" in page
    response = client.post_form(f"/admin/users/{chair.public_id}", {"name": "Chủ Trì Mới", "role": "organizer",
                                                                    "active": "y"})
    assert response.status_code == 302
    assert clearance_of(app, chair) == "top_secret"


def test_every_change_is_audited_with_the_old_and_new_level(client, app, factory):
    org = factory.organization()
    admin = factory.user(org, role="admin", clearance="secret")
    target = factory.user(org, role="viewer", clearance="internal", name="Lê Thị Mai")
    client.login(admin.email)
    assert edit(client, target, "secret", name="Lê Thị Mai").status_code == 302
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.clearance_changed"))
        assert entry.changes == {"clearance": ["internal", "secret"]}
        assert entry.actor_label == admin.email and entry.object_id == target.public_id


def test_clearance_is_held_per_organization(client, app, factory):
    org_a = factory.organization(name="Văn phòng A")
    org_b = factory.organization(name="Văn phòng B")
    admin_a = factory.user(org_a, role="admin", clearance="top_secret")
    both = factory.user(org_a, role="viewer", clearance="none", name="Hai Nơi")
    with app.test_request_context():
        user = db.session.get(User, both.id)
        user.memberships.append(Membership(organization_id=org_b.id, role="viewer", clearance="confidential"))
        db.session.commit()
    client.login(admin_a.email)
    assert edit(client, both, "top_secret", name="Hai Nơi").status_code == 302
    assert clearance_of(app, both, org_a.id) == "top_secret"
    assert clearance_of(app, both, org_b.id) == "confidential"   # what the user holds in B is B's


def test_the_service_is_the_wall(app, factory, ctx):
    org_ref = factory.organization()
    admin_ref = factory.user(org_ref, role="admin", clearance="confidential")
    other_ref = factory.user(org_ref, role="viewer", clearance="none")
    org = db.session.get(Organization, org_ref.id)
    admin = db.session.get(User, admin_ref.id)
    mine = admin.membership_in(org.id)
    with pytest.raises(ValidationError, match="tự thay đổi mức được tiếp cận"):
        services.update_member(org, mine, by=admin, clearance="none")
    other = db.session.get(User, other_ref.id).membership_in(org.id)
    with pytest.raises(ValidationError, match="cao hơn mức của chính bạn"):
        services.update_member(org, other, by=admin, clearance="secret")
    with pytest.raises(ValidationError, match="cao hơn mức của chính bạn"):
        services.create_user(org, by=admin, email="x@example.vn", name="X", role="viewer", clearance="top_secret")
    # Someone who is not an admin of the organization grants nothing, whatever they hold elsewhere.
    stranger = db.session.get(User, factory.user(role="admin", clearance="top_secret").id)
    organizer = db.session.get(User, factory.user(org_ref, role="organizer", clearance="top_secret").id)
    for who in (stranger, organizer):
        with pytest.raises(Forbidden):
            services.update_member(org, other, by=who, clearance="internal")


def test_the_command_line_makes_the_first_cleared_admin(runner, app):
    result = runner.invoke(args=["planner", "user", "create", "chanh.vp@example.vn", "--password", "a-long-passphrase",
                                 "--org", "Văn phòng Tỉnh ủy", "--role", "admin", "--clearance", "top_secret"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "chanh.vp@example.vn"))
        assert user.memberships[0].clearance == "top_secret"
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.created"))
        assert entry.actor_label == "cli" and entry.changes["clearance"] == [None, "top_secret"]
