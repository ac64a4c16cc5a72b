import pytest

from planner import create_app
from planner.config import database_url


def test_missing_secret_key_outside_development_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("PLANNER_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_development_invents_and_keeps_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("PLANNER_ENV", "development")
    first = create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    second = create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert first.secret_key and first.secret_key == second.secret_key


def test_environment_overrides_instance_and_defaults(monkeypatch, tmp_path):
    (tmp_path / "config.py").write_text("PASSWORD_MIN_LENGTH = 14\nINVITATION_VALID_DAYS = 3\n")
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("PLANNER_PASSWORD_MIN_LENGTH", "16")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/planner")
    monkeypatch.setenv("PLANNER_REDIS_URL", "redis://127.0.0.1:6379/3")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["PASSWORD_MIN_LENGTH"] == 16
    assert app.config["INVITATION_VALID_DAYS"] == 3
    assert app.secret_key == "from-env"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/planner"
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'planner.db'}"


def test_database_url_spellings():
    assert database_url("postgresql://a/b") == "postgresql+psycopg://a/b"
    assert database_url("postgresql+psycopg://a/b") == "postgresql+psycopg://a/b"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"
