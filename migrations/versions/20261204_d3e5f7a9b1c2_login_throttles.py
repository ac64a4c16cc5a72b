"""accounts: failed sign-ins per account and per address, counted where every worker sees them

Revision ID: d3e5f7a9b1c2
Revises: c4e6a8b0d2f1
Create Date: 2026-12-04 16:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd3e5f7a9b1c2'
down_revision = 'c4e6a8b0d2f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_throttles',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=320), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_throttles')),
        sa.UniqueConstraint('key', name=op.f('uq_login_throttles_key')),
    )


def downgrade():
    op.drop_table('login_throttles')
