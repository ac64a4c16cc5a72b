"""participants: protocol rank (precedence, else the title's tier, else the category), precedence optional

A participant without a number of the office's own used to be stored with precedence 10000 and sorted by
name whatever their category; the precedence is now null for them, and protocol_rank (computed by the app
on every write) orders the list. Existing rows get the rank of their precedence, or of their category.

Revision ID: c4d9e0a1b2f3
Revises: 5c1e4a7b9d20
Create Date: 2026-12-04 15:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4d9e0a1b2f3'
down_revision = '5c1e4a7b9d20'
branch_labels = None
depends_on = None

UNRANKED = 10000
CATEGORY_RANKS = {"guest": UNRANKED, "leader": UNRANKED, "delegate": UNRANKED + 100, "observer": UNRANKED + 200,
                  "staff": UNRANKED + 300, "press": UNRANKED + 400}


def upgrade():
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('protocol_rank', sa.Integer(), nullable=False,
                                      server_default=str(UNRANKED + 100)))
        batch_op.alter_column('precedence', existing_type=sa.Integer(), nullable=True)
        batch_op.drop_index('ix_participants_meeting_protocol')
        batch_op.drop_index('ix_participants_meeting_unit')
    participants = sa.table('participants', sa.column('precedence', sa.Integer()),
                            sa.column('category', sa.String()), sa.column('protocol_rank', sa.Integer()))
    op.execute(participants.update().where(participants.c.precedence >= UNRANKED).values(precedence=None))
    by_category = sa.case(CATEGORY_RANKS, value=participants.c.category,
                          else_=UNRANKED + 100)
    op.execute(participants.update().values(
        protocol_rank=sa.func.coalesce(participants.c.precedence, by_category)))
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.alter_column('protocol_rank', existing_type=sa.Integer(), server_default=None)
        batch_op.create_index('ix_participants_meeting_protocol', ['meeting_id', 'protocol_rank', 'name_key', 'id'],
                              unique=False)
        batch_op.create_index('ix_participants_meeting_unit',
                              ['meeting_id', 'unit_key', 'protocol_rank', 'name_key', 'id'], unique=False)


def downgrade():
    participants = sa.table('participants', sa.column('precedence', sa.Integer()))
    op.execute(participants.update().where(participants.c.precedence.is_(None)).values(precedence=UNRANKED))
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_index('ix_participants_meeting_unit')
        batch_op.drop_index('ix_participants_meeting_protocol')
        batch_op.alter_column('precedence', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('protocol_rank')
        batch_op.create_index('ix_participants_meeting_protocol', ['meeting_id', 'precedence', 'name_key', 'id'],
                              unique=False)
        batch_op.create_index('ix_participants_meeting_unit', ['meeting_id', 'unit_key', 'precedence', 'name_key', 'id'],
                              unique=False)
