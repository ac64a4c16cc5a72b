"""minutes: the SHA-256 of the approved record's PDF and DOCX, rendered once at approval

Revision ID: c2d4e6f8a0b1
Revises: a1f0c3d5e7b9
Create Date: 2026-12-04 15:25:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c2d4e6f8a0b1'
down_revision = 'a1f0c3d5e7b9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pdf_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('docx_sha256', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.drop_column('docx_sha256')
        batch_op.drop_column('pdf_sha256')
