"""clearance belongs to a membership (a user in one organization), not to the user

The level each user held is copied to every membership the user has, so that nobody reads more or less
than before; from now on each organization grants its own.

Revision ID: 5c1e4a7b9d20
Revises: d3e5f7a9b1c2
Create Date: 2026-12-04 15:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5c1e4a7b9d20'
down_revision = 'd3e5f7a9b1c2'
branch_labels = None
depends_on = None

LEVELS = ('none', 'internal', 'confidential', 'secret', 'top_secret')


def _clearance(default: str | None = None) -> sa.Column:
    return sa.Column('clearance', sa.Enum(*LEVELS, name='classification', native_enum=False, create_constraint=True,
                                          length=16), nullable=False, server_default=default)


def _foreign_keys(on: bool) -> None:
    """SQLite rebuilds a table to drop a column: dropping the old ``users`` would delete, through ON DELETE
    CASCADE, every membership and token with it. Foreign keys are off for the rebuild (PostgreSQL alters
    the table in place and needs nothing)."""
    if op.get_bind().dialect.name != 'sqlite':
        return
    with op.get_context().autocommit_block():   # the pragma is ignored inside a transaction
        op.get_bind().exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    state = op.get_bind().exec_driver_sql('PRAGMA foreign_keys').scalar()
    if bool(state) != on:
        raise RuntimeError('SQLite did not switch foreign keys: run this migration outside a transaction')


def upgrade():
    _foreign_keys(False)
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.add_column(_clearance('internal'))
    op.execute(sa.text('UPDATE memberships SET clearance = '
                       '(SELECT users.clearance FROM users WHERE users.id = memberships.user_id)'))
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.alter_column('clearance', server_default=None)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('classification', type_='check')
        batch_op.drop_column('clearance')
    _foreign_keys(True)


def downgrade():
    _foreign_keys(False)
    # A user held one level for every organization: the highest of their memberships is kept.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(_clearance('internal'))
    ranks = ' '.join(f"WHEN '{level}' THEN {rank}" for rank, level in enumerate(LEVELS))
    levels = ' '.join(f'WHEN {rank} THEN \'{level}\'' for rank, level in enumerate(LEVELS))
    op.execute(sa.text(
        f'UPDATE users SET clearance = COALESCE((SELECT CASE MAX(CASE memberships.clearance {ranks} END) {levels} END '
        'FROM memberships WHERE memberships.user_id = users.id), clearance)'))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('clearance', server_default=None)
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_constraint('classification', type_='check')
        batch_op.drop_column('clearance')
    _foreign_keys(True)
