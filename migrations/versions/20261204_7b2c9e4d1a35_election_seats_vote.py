"""elections: the vote that decided the number of seats

Revision ID: 7b2c9e4d1a35
Revises: 4f7dddcafc43
Create Date: 2026-12-04 20:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = "7b2c9e4d1a35"
down_revision = "4f7dddcafc43"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("elections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seats_vote_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_elections_seats_vote_id_votes"), "votes", ["seats_vote_id"],
                                    ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("elections", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_elections_seats_vote_id_votes"), type_="foreignkey")
        batch_op.drop_column("seats_vote_id")
