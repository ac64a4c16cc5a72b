"""The WSGI entry point: ``gunicorn wsgi:app`` (settings come from the environment and the instance folder)."""

from planner import create_app

app = create_app()
