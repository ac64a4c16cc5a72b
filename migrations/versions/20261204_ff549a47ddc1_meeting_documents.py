"""meeting documents: the pack of a meeting (documents, their versions, audience, delegates' copies and read
receipts), and the organization's lead time for sending it

Revision ID: ff549a47ddc1
Revises: d5e1f2a3b4c5
Create Date: 2026-12-04 18:31:49.097590

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'ff549a47ddc1'
down_revision = 'd5e1f2a3b4c5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meeting_documents',
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('kind', sa.Enum('report', 'draft_resolution', 'slides', 'reference', name='documentkind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('classification', sa.Enum('none', 'internal', 'confidential', 'secret', 'top_secret', name='classification', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('audience', sa.Enum('delegates', 'delegation', 'named', 'staff', name='audience', native_enum=False, create_constraint=True, length=14), nullable=False),
    sa.Column('delegation', sa.String(length=255), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], name=op.f('fk_meeting_documents_agenda_item_id_agenda_items'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_meeting_documents_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_documents_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_meeting_documents_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_documents')),
    sa.UniqueConstraint('public_id', name=op.f('uq_meeting_documents_public_id'))
    )
    with op.batch_alter_table('meeting_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_documents_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index('ix_meeting_documents_meeting_position', ['meeting_id', 'position'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_documents_organization_id'), ['organization_id'], unique=False)

    op.create_table('meeting_document_copies',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('first_opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('opened_number', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['meeting_documents.id'], name=op.f('fk_meeting_document_copies_document_id_meeting_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_meeting_document_copies_participant_id_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_document_copies')),
    sa.UniqueConstraint('document_id', 'number', name='uq_meeting_document_copies_document_number'),
    sa.UniqueConstraint('document_id', 'participant_id', name='uq_meeting_document_copies_document_participant')
    )
    with op.batch_alter_table('meeting_document_copies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_document_copies_participant_id'), ['participant_id'], unique=False)

    op.create_table('meeting_document_files',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('media_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['meeting_documents.id'], name=op.f('fk_meeting_document_files_document_id_meeting_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_meeting_document_files_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_document_files')),
    sa.UniqueConstraint('document_id', 'number', name='uq_meeting_document_files_document_number'),
    sa.UniqueConstraint('public_id', name=op.f('uq_meeting_document_files_public_id'))
    )
    with op.batch_alter_table('meeting_document_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_document_files_sha256'), ['sha256'], unique=False)

    op.create_table('meeting_document_recipients',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['meeting_documents.id'], name=op.f('fk_meeting_document_recipients_document_id_meeting_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_meeting_document_recipients_participant_id_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', 'participant_id', name=op.f('pk_meeting_document_recipients'))
    )
    with op.batch_alter_table('meeting_document_recipients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_document_recipients_participant_id'), ['participant_id'], unique=False)

    with op.batch_alter_table('document_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('documents_lead_days', sa.Integer(), server_default='3', nullable=False))



def downgrade():
    with op.batch_alter_table('document_settings', schema=None) as batch_op:
        batch_op.drop_column('documents_lead_days')

    with op.batch_alter_table('meeting_document_recipients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_document_recipients_participant_id'))

    op.drop_table('meeting_document_recipients')
    with op.batch_alter_table('meeting_document_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_document_files_sha256'))

    op.drop_table('meeting_document_files')
    with op.batch_alter_table('meeting_document_copies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_document_copies_participant_id'))

    op.drop_table('meeting_document_copies')
    with op.batch_alter_table('meeting_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_documents_organization_id'))
        batch_op.drop_index('ix_meeting_documents_meeting_position')
        batch_op.drop_index(batch_op.f('ix_meeting_documents_agenda_item_id'))

    op.drop_table('meeting_documents')
