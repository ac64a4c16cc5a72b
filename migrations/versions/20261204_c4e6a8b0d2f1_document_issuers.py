"""document settings: the issuing body of each document type

Revision ID: c4e6a8b0d2f1
Revises: c4e8a2b6d1f3
Create Date: 2026-12-04 15:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4e6a8b0d2f1'
down_revision = 'c4e8a2b6d1f3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('document_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issuers', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('document_settings', schema=None) as batch_op:
        batch_op.drop_column('issuers')
