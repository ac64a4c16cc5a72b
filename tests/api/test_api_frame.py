from openapi_spec_validator import validate

from planner.core.audit import AuditEntry
from planner.extensions import db


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_openapi_document_is_valid_openapi_3(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    validate(spec)
    assert "/api/v1/organization" in spec["paths"]
    assert set(spec["paths"]["/api/v1/organization"]) >= {"get", "patch"}


def test_missing_bad_and_revoked_tokens_are_401_problems(client, factory, app):
    assert client.get("/api/v1/organization").status_code == 401
    bad = client.get("/api/v1/organization", headers=auth("pl_not-a-token"))
    assert bad.status_code == 401
    assert bad.mimetype == "application/problem+json"
    assert bad.get_json()["detail"]
    basic = client.get("/api/v1/organization", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert basic.status_code == 401


def test_session_cookie_does_not_authenticate_the_api(client, factory):
    user = factory.user(role="admin")
    client.login(user.email)
    assert client.get("/api/v1/organization").status_code == 401


def test_get_organization(client, factory):
    org = factory.organization(name="Văn phòng UBND tỉnh", document_profile="state", body_code="VPUBND")
    user = factory.user(org)
    response = client.get("/api/v1/organization", headers=auth(factory.token(user)))
    assert response.status_code == 200
    body = response.get_json()
    assert body["name"] == "Văn phòng UBND tỉnh"
    assert body["document_profile"] == "state"
    assert body["timezone"] == "Asia/Ho_Chi_Minh"
    assert isinstance(body["id"], str) and body["id"] != str(org.id)


def test_patch_organization_needs_admin(client, factory, app):
    org = factory.organization()
    viewer = factory.user(org, role="viewer")
    admin = factory.user(org, role="admin")
    denied = client.patch("/api/v1/organization", json={"city": "Huế"}, headers=auth(factory.token(viewer)))
    assert denied.status_code == 403
    assert denied.mimetype == "application/problem+json"
    ok = client.patch("/api/v1/organization", json={"city": "Huế"}, headers=auth(factory.token(admin)))
    assert ok.status_code == 200
    assert ok.get_json()["city"] == "Huế"
    with app.app_context():
        actions = [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]
    assert actions.count("organization.updated") == 1


def test_patch_validation_errors_are_422_with_fields(client, factory):
    admin = factory.user(role="admin")
    token = factory.token(admin)
    response = client.patch("/api/v1/organization", json={"document_profile": "royal", "bogus": 1},
                            headers=auth(token))
    assert response.status_code == 422
    body = response.get_json()
    assert body["status"] == 422
    fields = {e["field"] for e in body["errors"]}
    assert {"document_profile", "bogus"} <= fields
    tz = client.patch("/api/v1/organization", json={"timezone": "Nowhere/City"}, headers=auth(token))
    assert tz.status_code == 422
    assert "Nowhere/City" in tz.get_json()["detail"]


def test_stale_version_is_409(client, factory):
    admin = factory.user(role="admin")
    token = factory.token(admin)
    version = client.get("/api/v1/organization", headers=auth(token)).get_json()["version"]
    first = client.patch("/api/v1/organization", json={"city": "A", "version": version}, headers=auth(token))
    assert first.status_code == 200
    stale = client.patch("/api/v1/organization", json={"city": "B", "version": version}, headers=auth(token))
    assert stale.status_code == 409


def test_error_messages_follow_accept_language(client, factory):
    response = client.get("/api/v1/organization", headers={"Accept-Language": "en"})
    assert "valid API token" in response.get_json()["detail"]
    response = client.get("/api/v1/organization", headers={"Accept-Language": "vi"})
    assert "API" in response.get_json()["detail"] and "valid" not in response.get_json()["detail"]


def test_unknown_api_route_is_a_404_problem(client, factory):
    user = factory.user()
    response = client.get("/api/v1/nothing-here", headers=auth(factory.token(user)))
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
