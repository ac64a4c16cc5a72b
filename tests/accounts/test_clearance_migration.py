"""The migration that moves clearance from the user to the membership keeps every level as it was."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from planner import create_app
from planner.extensions import db

BEFORE = "d3e5f7a9b1c2"
NOW = "5c1e4a7b9d20"


def test_each_membership_keeps_the_level_its_user_held(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "migration", "INSTANCE_PATH": str(tmp_path / "instance"),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'planner.db'}",
                      "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            for n, name in ((1, "Văn phòng A"), (2, "Văn phòng B")):
                conn.execute(text(
                    "INSERT INTO organizations (id, public_id, name, parent_name, city, document_profile, body_code, "
                    "timezone, language, created_at, updated_at, version) VALUES (:id, :pid, :name, '', '', 'party', "
                    "'', 'Asia/Ho_Chi_Minh', 'vi', '2026-01-01', '2026-01-01', 1)"),
                    {"id": n, "pid": f"o{n}", "name": name})
            for n, level in ((1, "top_secret"), (2, "none"), (3, "confidential")):
                conn.execute(text(
                    "INSERT INTO users (id, public_id, email, name, active, clearance, language, session_nonce, "
                    "created_at, updated_at, version) VALUES (:id, :pid, :email, 'X', 1, :level, 'vi', 'n', "
                    "'2026-01-01', '2026-01-01', 1)"), {"id": n, "pid": f"u{n}", "email": f"u{n}@example.vn",
                                                        "level": level})
            for n, (user, org) in enumerate(((1, 1), (2, 1), (3, 1), (3, 2)), start=1):
                conn.execute(text(
                    "INSERT INTO memberships (id, user_id, organization_id, role, created_at, updated_at) "
                    "VALUES (:id, :user, :org, 'viewer', '2026-01-01', '2026-01-01')"),
                    {"id": n, "user": user, "org": org})
        upgrade(revision=NOW)
        with db.engine.connect() as conn:
            held = conn.execute(text("SELECT user_id, organization_id, clearance FROM memberships ORDER BY id")).all()
            columns = [row[1] for row in conn.execute(text("PRAGMA table_info(users)"))]
        assert [tuple(row) for row in held] == [(1, 1, "top_secret"), (2, 1, "none"), (3, 1, "confidential"),
                                                (3, 2, "confidential")]
        assert "clearance" not in columns
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE memberships SET clearance = 'secret' WHERE id = 4"))
        downgrade(revision=BEFORE)
        with db.engine.connect() as conn:
            users = conn.execute(text("SELECT id, clearance FROM users ORDER BY id")).all()
        assert [tuple(row) for row in users] == [(1, "top_secret"), (2, "none"), (3, "secret")]
        db.engine.dispose()
