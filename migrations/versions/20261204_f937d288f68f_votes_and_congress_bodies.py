"""votes on agenda items (roll frozen at opening, public choices, anonymous ballots, corrections) and the
congress bodies (presidium, secretariat, credentials and counting committees)

Revision ID: f937d288f68f
Revises: efe65c354152
Create Date: 2026-12-04 18:34:06.088796

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f937d288f68f'
down_revision = 'efe65c354152'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('votes',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=1000), nullable=False),
    sa.Column('method', sa.Enum('show_of_hands', 'named', 'electronic', 'secret_ballot', name='votemethod', native_enum=False, create_constraint=True, length=17), nullable=False),
    sa.Column('secret', sa.Boolean(), nullable=False),
    sa.Column('majority', sa.Enum('more_than_half', 'two_thirds', name='majority', native_enum=False, create_constraint=True, length=18), nullable=False),
    sa.Column('base', sa.Enum('present', 'convened', name='votebase', native_enum=False, create_constraint=True, length=12), nullable=False),
    sa.Column('status', sa.Enum('draft', 'open', 'closed', name='votestatus', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('present', sa.Integer(), nullable=True),
    sa.Column('convened', sa.Integer(), nullable=True),
    sa.Column('yes', sa.Integer(), nullable=True),
    sa.Column('no', sa.Integer(), nullable=True),
    sa.Column('abstain', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('adopted', sa.Boolean(), nullable=True),
    sa.Column('ballot_salt', sa.String(length=64), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], name=op.f('fk_votes_agenda_item_id_agenda_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_votes_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_votes_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_votes')),
    sa.UniqueConstraint('public_id', name=op.f('uq_votes_public_id'))
    )
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index('ix_votes_item_position', ['agenda_item_id', 'position'], unique=False)
        batch_op.create_index('ix_votes_meeting_status', ['meeting_id', 'status'], unique=False)

    op.create_table('congress_bodies',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('presidium', 'secretariat', 'credentials_committee', 'counting_committee', name='bodykind', native_enum=False, create_constraint=True, length=25), nullable=False),
    sa.Column('vote_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_congress_bodies_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vote_id'], ['votes.id'], name=op.f('fk_congress_bodies_vote_id_votes'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_congress_bodies')),
    sa.UniqueConstraint('meeting_id', 'kind', name='uq_congress_bodies_meeting_kind'),
    sa.UniqueConstraint('public_id', name=op.f('uq_congress_bodies_public_id'))
    )
    with op.batch_alter_table('congress_bodies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_congress_bodies_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('vote_ballots',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.Enum('yes', 'no', 'abstain', name='choice', native_enum=False, create_constraint=True, length=11), nullable=False),
    sa.ForeignKeyConstraint(['vote_id'], ['votes.id'], name=op.f('fk_vote_ballots_vote_id_votes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_vote_ballots')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('vote_ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_ballots_vote_id'), ['vote_id'], unique=False)

    op.create_table('vote_choices',
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.Enum('yes', 'no', 'abstain', name='choice', native_enum=False, create_constraint=True, length=11), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_vote_choices_participant_id_participants')),
    sa.ForeignKeyConstraint(['vote_id'], ['votes.id'], name=op.f('fk_vote_choices_vote_id_votes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vote_choices')),
    sa.UniqueConstraint('vote_id', 'participant_id', name='uq_vote_choices_vote_participant')
    )
    with op.batch_alter_table('vote_choices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_choices_participant_id'), ['participant_id'], unique=False)

    op.create_table('vote_corrections',
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_label', sa.String(length=255), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_vote_corrections_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['vote_id'], ['votes.id'], name=op.f('fk_vote_corrections_vote_id_votes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vote_corrections')),
    sa.UniqueConstraint('vote_id', 'number', name='uq_vote_corrections_vote_number')
    )
    op.create_table('vote_roll',
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('voted', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_vote_roll_participant_id_participants')),
    sa.ForeignKeyConstraint(['vote_id'], ['votes.id'], name=op.f('fk_vote_roll_vote_id_votes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vote_roll')),
    sa.UniqueConstraint('vote_id', 'participant_id', name='uq_vote_roll_vote_participant')
    )
    with op.batch_alter_table('vote_roll', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_roll_participant_id'), ['participant_id'], unique=False)

    op.create_table('congress_body_members',
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=255), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['congress_bodies.id'], name=op.f('fk_congress_body_members_body_id_congress_bodies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_congress_body_members_participant_id_participants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_congress_body_members')),
    sa.UniqueConstraint('body_id', 'participant_id', name='uq_congress_body_members_body_participant')
    )
    with op.batch_alter_table('congress_body_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_congress_body_members_participant_id'), ['participant_id'], unique=False)



def downgrade():
    with op.batch_alter_table('congress_body_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_congress_body_members_participant_id'))

    op.drop_table('congress_body_members')
    with op.batch_alter_table('vote_roll', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vote_roll_participant_id'))

    op.drop_table('vote_roll')
    op.drop_table('vote_corrections')
    with op.batch_alter_table('vote_choices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vote_choices_participant_id'))

    op.drop_table('vote_choices')
    with op.batch_alter_table('vote_ballots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vote_ballots_vote_id'))

    op.drop_table('vote_ballots')
    with op.batch_alter_table('congress_bodies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_congress_bodies_meeting_id'))

    op.drop_table('congress_bodies')
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index('ix_votes_meeting_status')
        batch_op.drop_index('ix_votes_item_position')

    op.drop_table('votes')
