"""audit log: indexes to find the latest entry of an action per meeting and per organization

Calendar feeds take the time of a deletion (a speech, a participant, a meeting) from the audit log, as
the deleted row is gone; these make that one index lookup in the feed's version statement.

Revision ID: b7c1e2d4f6a8
Revises: ed1f414d75ae
Create Date: 2026-11-24 01:45:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7c1e2d4f6a8'
down_revision = 'ed1f414d75ae'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entries_meeting_action_time', ['meeting_id', 'action', 'created_at'],
                              unique=False)
        batch_op.create_index('ix_audit_entries_org_action_time', ['organization_id', 'action', 'created_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entries_org_action_time')
        batch_op.drop_index('ix_audit_entries_meeting_action_time')
