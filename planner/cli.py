"""The `flask --app planner planner …` commands, and the shorter `planner …` alias."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup, FlaskGroup

from planner.core.errors import PlannerError
from planner.core.permissions import Classification, Role

planner_cli = AppGroup("planner", help="Planner's own commands.")
user_cli = AppGroup("user", help="Manage users.")
token_cli = AppGroup("token", help="Manage API tokens.")
planner_cli.add_command(user_cli)
planner_cli.add_command(token_cli)


@planner_cli.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only seed when the database holds no organization yet.")
def seed_demo(if_empty: bool) -> None:
    """Create the demo organization, one user per role and demo content (idempotent)."""
    from planner import demo

    if if_empty and not demo.database_is_empty():
        if demo.accounts.organization_by_name(demo.ORGANIZATION["name"]) is None:
            click.echo("The database holds data already; no demo data was added.")
            return
    else:
        demo.seed()
    click.echo(f"Demo organization: {demo.ORGANIZATION['name']}")
    click.echo("Demo logins (e-mail / password / role):")
    for login in demo.LOGINS:
        click.echo(f"  {login.email:<28} {login.password:<24} {login.role.value}")


@planner_cli.command("assets")
def build_assets() -> None:
    """Build the served static files: hashed names, gzip and brotli copies, the manifest (README, Operations)."""
    from flask import current_app

    from planner.core import assets

    assert current_app.static_folder is not None
    target = assets.build_path(current_app)
    manifest = assets.build(current_app.static_folder, target)
    click.echo(f"{len(manifest['files'])} static files built in {target}")


@user_cli.command("create")
@click.argument("email")
@click.option("--password", required=True, help="The user's password.")
@click.option("--org", "org_name", required=True, help="The organization's name (created if it does not exist).")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.viewer.value, show_default=True)
@click.option("--name", default=None, help="Full name (defaults to the e-mail address).")
@click.option("--clearance", type=click.Choice([c.value for c in Classification]),
              default=Classification.internal.value, show_default=True,
              help="The clearance in this organization. The way to make the first cleared administrator: in the "
                   "browser nobody changes their own clearance nor grants one above their own.")
def create_user(email: str, password: str, org_name: str, role: str, name: str | None, clearance: str) -> None:
    """Create a user with a role in an organization."""
    from planner.accounts import services

    try:
        org = services.organization_by_name(org_name) or services.create_organization(name=org_name)
        # by=None: whoever runs the command holds the server; the clearance rules bind the admins it makes.
        user, _token = services.create_user(org, by=None, email=email, name=name or email, role=role,
                                            clearance=clearance, password=password)
    except PlannerError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Created {user.email} as {role} in {org.name}.")


@token_cli.command("create")
@click.argument("email")
@click.option("--name", default="CLI", help="What the token is for.")
@click.option("--org", "org_name", default=None, help="The organization (defaults to the user's first).")
def create_token(email: str, name: str, org_name: str | None) -> None:
    """Print a new API token for the user on stdout, alone (it is not stored and cannot be shown again)."""
    from planner.accounts import services

    user = services.user_by_email(email)
    if user is None or not user.memberships:
        raise click.ClickException(f"No user with the e-mail address {email}.")
    if org_name:
        membership = next((m for m in user.memberships if m.organization.name == org_name), None)
        if membership is None:
            raise click.ClickException(f"{email} is not a member of {org_name}.")
    else:
        membership = user.memberships[0]
    _token, secret = services.issue_api_token(user, membership.organization, name)
    click.echo(secret)


@planner_cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup_command(path: str) -> None:
    """Write a backup (database, stored files, manifest) to PATH, a .tar.gz; safe while Planner runs."""
    from planner.core import backup

    try:
        summary = backup.backup(path)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    rows = sum(summary.tables.values())
    click.echo(f"Backup written to {summary.path}: {summary.database} database at schema {summary.revision}, "
               f"{len(summary.tables)} tables, {rows} rows, {summary.files} stored files.")


@planner_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the current data.")
def restore_command(path: str, yes: bool) -> None:
    """Replace the database and stored files with those of the backup at PATH. Stop the other instances
    first; the backup is checked completely before anything is replaced."""
    from planner.core import backup

    try:
        manifest = backup.read_manifest(path)
        if not yes:
            click.confirm(f"Replace ALL current data with the backup of {manifest.get('created_at')} "
                          f"({manifest.get('database')}, schema {manifest.get('alembic_revision')})?", abort=True)
        summary = backup.restore(path)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Restored {summary.path}: {sum(summary.tables.values())} rows in {len(summary.tables)} tables, "
               f"{summary.files} stored files.")


@planner_cli.command("worker")
@click.option("--threads", default=2, show_default=True, help="Jobs run at once in this worker.")
@click.option("--no-periodic", is_flag=True,
              help="Leave the scheduled jobs (reminders, the sweep) to another worker of the deployment.")
def worker_command(threads: int, no_periodic: bool) -> None:
    """Run background jobs (e-mail, big PDFs, dossiers, cache warming, reminders) until stopped."""
    from flask import current_app

    from planner.core import queue

    try:
        queue.worker(current_app._get_current_object(), threads=threads, periodic_jobs=not no_periodic)
    except PlannerError as exc:
        raise click.ClickException(exc.message) from None


@planner_cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
def serve_command(host: str, port: int) -> None:
    """The development server and one job worker together (make run); Ctrl-C stops both."""
    import os
    import signal
    import subprocess  # nosec B404 - runs this same program
    import sys
    import time

    flask = [sys.executable, "-m", "flask", "--app", os.environ.get("FLASK_APP", "planner")]
    worker = subprocess.Popen([*flask, "planner", "worker"])  # noqa: S603  # nosec B603
    web = subprocess.Popen([*flask, "run", "--host", host, "--port", str(port)])  # noqa: S603  # nosec B603
    children = [worker, web]

    def stop(*_args: object) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(15)
            except subprocess.TimeoutExpired:
                child.kill()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
    failed = [child.returncode for child in children if child.returncode not in (0, -signal.SIGTERM, None)]
    if failed:
        raise SystemExit(failed[0])


def register(app: Flask) -> None:
    """The ``planner`` group, with the command groups the packages' setups offered (``consultations``); those
    are added to ``app.cli`` too, so that the short ``planner …`` alias finds them."""
    for command in app.extensions.get("planner.commands", {}).values():
        planner_cli.add_command(command)
        app.cli.add_command(command)
    app.cli.add_command(planner_cli)


def main() -> None:
    """`planner …`: the same commands without `flask --app planner planner` in front."""
    from planner import create_app

    cli = FlaskGroup(create_app=create_app, help="Planner")
    for command in planner_cli.commands.values():
        cli.add_command(command)
    cli.main()
