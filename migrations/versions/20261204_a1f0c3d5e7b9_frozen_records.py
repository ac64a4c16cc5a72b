"""frozen records: the bytes of approved and issued documents, kept under their SHA-256

Revision ID: a1f0c3d5e7b9
Revises: b7c1e2d4f6a8
Create Date: 2026-12-04 15:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a1f0c3d5e7b9'
down_revision = 'b7c1e2d4f6a8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'frozen_records',
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('owner_type', sa.String(length=32), nullable=False),
        sa.Column('owner_id', sa.String(length=64), nullable=False),
        sa.Column('format', sa.String(length=8), nullable=False),
        sa.Column('media_type', sa.String(length=120), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_frozen_records_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                                name=op.f('fk_frozen_records_organization_id_organizations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_frozen_records')),
        sa.UniqueConstraint('owner_type', 'owner_id', 'kind', 'format', name='uq_frozen_records_owner_kind_format'),
    )
    with op.batch_alter_table('frozen_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_frozen_records_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_frozen_records_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_frozen_records_sha256'), ['sha256'], unique=False)


def downgrade():
    with op.batch_alter_table('frozen_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_frozen_records_sha256'))
        batch_op.drop_index(batch_op.f('ix_frozen_records_organization_id'))
        batch_op.drop_index(batch_op.f('ix_frozen_records_meeting_id'))
    op.drop_table('frozen_records')
