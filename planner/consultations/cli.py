"""``planner consultations remind``: remind by e-mail the members who have not answered, once per reminder
window (the periodic job does the same)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

consultations_cli = AppGroup("consultations", help="Written consultations.")


@consultations_cli.command("remind")
@click.option("--dry-run", is_flag=True, help="List who is due a reminder; send nothing.")
def remind(dry_run: bool) -> None:
    """Send the reminders that are due now."""
    from planner.consultations import reminders

    if dry_run:
        due = reminders.due()
        for member in due:
            click.echo(f"{member.consultation.public_id}\t{member.email}\t{member.full_name}")
        click.echo(f"{len(due)} due.")
        return
    outcome = reminders.send_due()
    click.echo(f"{outcome.sent} sent, {outcome.failed} failed, {outcome.skipped} skipped.")
    if outcome.error:
        raise click.ClickException(outcome.error)
