"""calendars: each agenda release keeps its events' iCalendar bytes, written once

Revision ID: a3c51e7f90d2
Revises: 7b2c9e4d1a35
Create Date: 2026-12-04 22:10:00

Releases made before this revision have none: their feeds build every event as before (the next release
of the meeting keeps its own).
"""
from alembic import op
import sqlalchemy as sa


revision = "a3c51e7f90d2"
down_revision = "7b2c9e4d1a35"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_release_events",
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["release_id"], ["agenda_releases.id"],
                                name=op.f("fk_calendar_release_events_release_id_agenda_releases"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("release_id", "digest", name=op.f("pk_calendar_release_events")),
    )


def downgrade():
    op.drop_table("calendar_release_events")
