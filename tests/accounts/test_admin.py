import re

from sqlalchemy import func, select

from planner.accounts.models import ApiToken, Membership, User
from planner.core.audit import AuditEntry
from planner.extensions import db


def audit_count(app, action: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == action))


def test_viewer_secretary_organizer_get_403_on_administration(client, factory):
    org = factory.organization()
    for role in ("viewer", "secretary", "organizer"):
        user = factory.user(org, role=role)
        client.login(user.email)
        for url in ("/admin/users", "/admin/organization", "/admin/audit"):
            assert client.get(url).status_code == 403, (role, url)
        invite = {"name": "X", "email": "x@example.vn", "role": "admin"}
        assert client.post_form("/admin/users", invite).status_code == 403
        client.logout()


def test_admin_invites_a_user_who_sets_a_password(client, factory, app):
    org = factory.organization()
    admin = factory.user(org, role="admin")
    client.login(admin.email)
    response = client.post_form("/admin/users", {"name": "Trần Thị Bích", "email": "Bich@Example.vn",
                                                 "role": "secretary", "clearance": "internal", "language": "vi"})
    assert response.status_code == 302
    page = client.get("/admin/users").text
    link = re.search(r'value="(http://[^"]+/setup/[^"]+)"', page).group(1)
    assert audit_count(app, "user.created") == 2  # the admin from the factory, and this one
    # The link is shown once only.
    assert "/setup/" not in client.get("/admin/users").text
    client.logout()

    path = link.split("localhost", 1)[1]
    assert client.get(path).status_code == 200
    short = client.post_form(path, {"password": "short", "confirm": "short"})
    assert short.status_code == 200 and "ít nhất 10 ký tự" in short.text
    done = client.post_form(path, {"password": "a-good-long-passphrase", "confirm": "a-good-long-passphrase"})
    assert done.status_code == 302
    assert client.get(path).status_code == 404  # used once
    client.login("bich@example.vn", "a-good-long-passphrase")


def test_duplicate_email_and_bad_input_get_messages(client, factory):
    org = factory.organization()
    admin = factory.user(org, role="admin")
    client.login(admin.email)
    response = client.post_form("/admin/users", {"name": "Ai đó", "email": admin.email, "role": "viewer",
                                                 "clearance": "internal", "language": "vi"})
    assert response.status_code == 422
    assert "đã có người dùng với địa chỉ e-mail này" in response.text.lower()
    response = client.post_form("/admin/users", {"name": "", "email": "not-an-email", "role": "viewer",
                                                 "clearance": "internal", "language": "vi"})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text


def test_role_change_writes_one_audit_entry(client, factory, app):
    org = factory.organization()
    admin = factory.user(org, role="admin")
    viewer = factory.user(org, role="viewer", name="Lê Văn Tám")
    client.login(admin.email)
    response = client.post_form(f"/admin/users/{viewer.public_id}",
                                {"name": "Lê Văn Tám", "role": "organizer", "clearance": "internal", "active": "y"})
    assert response.status_code == 302
    assert audit_count(app, "user.role_changed") == 1
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.role_changed"))
        assert entry.changes == {"role": ["viewer", "organizer"]}
        assert entry.actor_label == admin.email
        membership = db.session.scalar(select(Membership).where(Membership.user_id == viewer.id))
        assert membership.role == "organizer"


def test_another_organizations_user_is_not_found(client, factory):
    org_a = factory.organization()
    org_b = factory.organization()
    admin_b = factory.user(org_b, role="admin")
    user_a = factory.user(org_a)
    client.login(admin_b.email)
    assert client.get(f"/admin/users/{user_a.public_id}").status_code == 404
    assert client.post_form(f"/admin/users/{user_a.public_id}",
                            {"name": "x", "role": "admin", "clearance": "internal"}).status_code == 404
    assert user_a.email not in client.get("/admin/users").text


def test_last_admin_cannot_be_demoted_or_deactivated(client, factory):
    org = factory.organization()
    admin = factory.user(org, role="admin", name="Quản Trị")
    client.login(admin.email)
    response = client.post_form(f"/admin/users/{admin.public_id}",
                                {"name": "Quản Trị", "role": "viewer", "clearance": "internal", "active": "y"})
    assert response.status_code == 422
    assert "ít nhất một quản trị viên" in response.text


def test_deactivation_signs_the_user_out_and_revokes_tokens(app, factory):
    org = factory.organization()
    admin = factory.user(org, role="admin")
    target = factory.user(org, role="organizer", name="Hồ Văn Đông")
    token = factory.token(target)
    admin_client = app.test_client()
    target_client = app.test_client()
    target_client.login(target.email)
    admin_client.login(admin.email)
    assert target_client.get("/account").status_code == 200
    admin_client.post_form(f"/admin/users/{target.public_id}",
                           {"name": "Hồ Văn Đông", "role": "organizer", "clearance": "internal"})
    assert target_client.get("/account").status_code == 302
    assert app.test_client().get("/api/v1/organization",
                                 headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_organization_settings_save_and_reject_bad_values(client, factory, app):
    org = factory.organization(name="Văn phòng Tỉnh ủy")
    admin = factory.user(org, role="admin")
    client.login(admin.email)
    page = client.get("/admin/organization")
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page.text).group(1)
    data = {"name": "Văn phòng Tỉnh ủy Huế", "parent_name": "Tỉnh ủy Thừa Thiên Huế", "city": "Huế",
            "document_profile": "party", "body_code": "VPTU", "timezone": "Asia/Ho_Chi_Minh",
            "language": "vi", "version": version}
    assert client.post_form("/admin/organization", data).status_code == 302
    # A second save from the same stale page is a conflict, not an overwrite.
    stale = client.post_form("/admin/organization", {**data, "city": "Đà Lạt"})
    assert stale.status_code == 409
    assert "Có người khác đã thay đổi" in stale.text
    newer = str(int(version) + 1)
    bad = client.post_form("/admin/organization", {**data, "timezone": "Mars/Olympus", "version": newer})
    assert bad.status_code == 422
    with app.app_context():
        from planner.accounts.models import Organization
        saved = db.session.get(Organization, org.id)
        assert saved.city == "Huế" and saved.name == "Văn phòng Tỉnh ủy Huế"
    assert audit_count(app, "organization.updated") == 1


def test_audit_log_lists_and_filters(client, factory):
    org = factory.organization()
    admin = factory.user(org, role="admin")
    factory.user(org, name="Phan Thị Thu")
    client.login(admin.email)
    page = client.get("/admin/audit?action=user.created")
    assert page.status_code == 200
    assert "Phan Thị Thu" in page.text
    assert "organization.created" not in page.text.split("<tbody>")[1]
    assert client.get("/admin/audit?from=not-a-date&page=-3").status_code == 200


def test_password_change_keeps_this_session_and_ends_others(app, factory):
    user = factory.user()
    here, elsewhere = app.test_client(), app.test_client()
    here.login(user.email)
    elsewhere.login(user.email)
    wrong = here.post_form("/account/password", {"current_password": "nope", "password": "new-passphrase-1",
                                                 "confirm": "new-passphrase-1"})
    assert wrong.status_code == 422 and "Mật khẩu hiện tại không đúng" in wrong.text
    ok = here.post_form("/account/password", {"current_password": "correct-horse-battery-42",
                                              "password": "new-passphrase-1", "confirm": "new-passphrase-1"})
    assert ok.status_code == 302
    assert here.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302


def test_api_token_created_shown_once_and_revoked(client, factory, app):
    user = factory.user(role="viewer")
    client.login(user.email)
    client.post_form("/account/tokens", {"name": "Lịch họp"})
    page = client.get("/account").text
    secret = re.search(r'value="(pl_[^"]+)"', page).group(1)
    assert "pl_" not in client.get("/account").text.replace(secret[:8], "")
    api = app.test_client()
    assert api.get("/api/v1/organization", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.public_id))
    assert client.post_form(f"/account/tokens/{token_id}/revoke").status_code == 302
    assert api.get("/api/v1/organization", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert audit_count(app, "api_token.revoked") == 1
    assert audit_count(app, "api_token.created") == 1


def test_someone_elses_token_cannot_be_revoked(client, factory, app):
    org = factory.organization()
    owner = factory.user(org)
    factory.token(owner)
    other = factory.user(org)
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.public_id))
    client.login(other.email)
    assert client.post_form(f"/account/tokens/{token_id}/revoke").status_code == 404


def test_audit_entries_cannot_be_edited(app, factory):
    factory.user()
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry))
        entry.summary = "rewritten"
        try:
            db.session.commit()
        except PermissionError:
            db.session.rollback()
        else:
            raise AssertionError("an audit entry was edited")
        assert db.session.scalar(select(func.count(User.id))) == 1


def test_users_are_listed_in_vietnamese_name_order(client, factory):
    org = factory.organization()
    admin = factory.user(org, role="admin", name="Nguyễn Thị Thu Hà")
    for name in ("Lê Thị Mai", "Trần Văn Đức", "Phạm Quốc Dũng", "Đỗ Văn Uyên"):
        factory.user(org, name=name)
    client.login(admin.email)
    page = client.get("/admin/users").text.split("<tbody>")[1]
    positions = [page.index(n) for n in ("Phạm Quốc Dũng", "Trần Văn Đức", "Nguyễn Thị Thu Hà", "Lê Thị Mai",
                                           "Đỗ Văn Uyên")]
    assert positions == sorted(positions)
