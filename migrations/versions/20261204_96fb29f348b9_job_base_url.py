"""jobs: the address of the page that asked for a job (the links it writes name it)

Revision ID: 96fb29f348b9
Revises: e3dbdb4f58d2
Create Date: 2026-12-04 19:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '96fb29f348b9'
down_revision = 'e3dbdb4f58d2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('base_url', sa.String(length=255), nullable=False, server_default=''))
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.alter_column('base_url', existing_type=sa.String(length=255), server_default=None)


def downgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_column('base_url')
