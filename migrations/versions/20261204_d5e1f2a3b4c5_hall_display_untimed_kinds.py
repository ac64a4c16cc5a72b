"""hall displays: the speech kinds a display shows untimed (no time left, no overtime counter)

Revision ID: d5e1f2a3b4c5
Revises: c4d9e0a1b2f3
Create Date: 2026-12-04 16:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd5e1f2a3b4c5'
down_revision = 'c4d9e0a1b2f3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting_displays', schema=None) as batch_op:
        batch_op.add_column(sa.Column('untimed_kinds', sa.String(length=200), nullable=False,
                                      server_default='directive_speech'))
    with op.batch_alter_table('meeting_displays', schema=None) as batch_op:
        batch_op.alter_column('untimed_kinds', existing_type=sa.String(length=200), server_default=None)


def downgrade():
    with op.batch_alter_table('meeting_displays', schema=None) as batch_op:
        batch_op.drop_column('untimed_kinds')
