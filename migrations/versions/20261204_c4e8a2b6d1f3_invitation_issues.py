"""invitation letters: issued with a number and a day of issue, their contact phone, the lead time setting

Revision ID: c4e8a2b6d1f3
Revises: c2d4e6f8a0b1
Create Date: 2026-12-04 15:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e8a2b6d1f3'
down_revision = 'c2d4e6f8a0b1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('invitation_issues',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=120), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('mode', sa.Enum('each', 'all', name='invitationmode', native_enum=False, create_constraint=True, length=8), nullable=False),
    sa.Column('letters', sa.Integer(), nullable=False),
    sa.Column('content_version', sa.String(length=64), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('docx_sha256', sa.String(length=64), nullable=False),
    sa.Column('signer', sa.String(length=255), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_invitation_issues_issued_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_invitation_issues_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation_issues')),
    sa.UniqueConstraint('public_id', name=op.f('uq_invitation_issues_public_id'))
    )
    with op.batch_alter_table('invitation_issues', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_issues_meeting_id'), ['meeting_id'], unique=False)
    with op.batch_alter_table('invitation_letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=64), nullable=False, server_default=''))
    with op.batch_alter_table('invitation_letters', schema=None) as batch_op:
        batch_op.alter_column('contact_phone', server_default=None)
    with op.batch_alter_table('document_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invitation_lead_days', sa.Integer(), nullable=False, server_default='3'))


def downgrade():
    with op.batch_alter_table('document_settings', schema=None) as batch_op:
        batch_op.drop_column('invitation_lead_days')
    with op.batch_alter_table('invitation_letters', schema=None) as batch_op:
        batch_op.drop_column('contact_phone')
    with op.batch_alter_table('invitation_issues', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_issues_meeting_id'))
    op.drop_table('invitation_issues')
