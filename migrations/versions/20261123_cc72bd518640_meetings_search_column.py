"""meetings: a folded search column (title, venue, city without diacritics)

Revision ID: cc72bd518640
Revises: 8f2ff04080b7
Create Date: 2026-11-23 21:51:03.619832

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cc72bd518640'
down_revision = '8f2ff04080b7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_folded', sa.Text(), nullable=False, server_default=''))

    # Fill the column for meetings that exist already (the application keeps it up to date from now on).
    from planner.core.text import fold

    meetings = sa.table('meetings', sa.column('id', sa.Integer), sa.column('title', sa.String),
                        sa.column('venue', sa.String), sa.column('city', sa.String),
                        sa.column('search_folded', sa.Text))
    conn = op.get_bind()
    for row in conn.execute(sa.select(meetings.c.id, meetings.c.title, meetings.c.venue, meetings.c.city)).all():
        folded = " | ".join(fold(p) for p in (row.title, row.venue, row.city) if p)
        conn.execute(meetings.update().where(meetings.c.id == row.id).values(search_folded=folded))


def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('search_folded')
