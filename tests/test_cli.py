from sqlalchemy import func, select

from planner.accounts.models import Organization, User
from planner.extensions import db


def test_user_create_and_token_create_as_documented(runner, app, client):
    result = runner.invoke(args=["planner", "user", "create", "an@example.vn", "--password", "a-long-passphrase",
                                 "--org", "Văn phòng Huyện ủy", "--role", "organizer"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["planner", "token", "create", "an@example.vn"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, "the token must be printed alone"
    token = lines[0]
    response = client.get("/api/v1/organization", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json()["name"] == "Văn phòng Huyện ủy"


def test_user_create_rejects_bad_input_with_a_message(runner):
    result = runner.invoke(args=["planner", "user", "create", "not-an-email", "--password", "a-long-passphrase",
                                 "--org", "X", "--role", "viewer"])
    assert result.exit_code != 0
    assert "e-mail" in result.output.lower()
    result = runner.invoke(args=["planner", "user", "create", "b@example.vn", "--password", "short",
                                 "--org", "X", "--role", "viewer"])
    assert result.exit_code != 0
    result = runner.invoke(args=["planner", "token", "create", "nobody@example.vn"])
    assert result.exit_code != 0


def test_seed_demo_is_idempotent_and_prints_logins(runner, app, client):
    first = runner.invoke(args=["planner", "seed-demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["planner", "seed-demo"])
    assert second.exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(Organization.id))) == 1
        assert db.session.scalar(select(func.count(User.id))) == 4
    assert "quantri@vptu.example.vn" in first.output
    from planner.demo import LOGINS
    admin = LOGINS[0]
    client.login(admin.email, admin.password)
    assert client.get("/admin/users").status_code == 200


def test_seed_demo_if_empty_leaves_other_data_alone(runner, factory, app):
    factory.user()
    result = runner.invoke(args=["planner", "seed-demo", "--if-empty"])
    assert result.exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(Organization.id))) == 1
