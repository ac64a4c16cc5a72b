"""elections by secret ballot (lists, rounds, tallies, corrections); the person's optional gender, ethnicity,
birth year and education level for the credentials report

Revision ID: 341dafa5ba61
Revises: c4591e86d0f1
Create Date: 2026-12-04 18:32:29.701572

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "341dafa5ba61"
down_revision = "c4591e86d0f1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "credentials_reports",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("disqualified", sa.Integer(), nullable=False),
        sa.Column("cases", sa.Text(), nullable=False),
        sa.Column("signer_name", sa.String(length=255), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"],
                                name=op.f("fk_credentials_reports_meeting_id_meetings"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credentials_reports")),
        sa.UniqueConstraint("meeting_id", name=op.f("uq_credentials_reports_meeting_id")),
        sa.UniqueConstraint("public_id", name=op.f("uq_credentials_reports_public_id")),
    )
    op.create_table(
        "elections",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column(
            "body",
            sa.Enum(
                "executive_committee",
                "standing_committee",
                "secretary",
                "deputy_secretary",
                "inspection_commission",
                "inspection_chair",
                "higher_congress_delegates",
                "other",
                name="electionbody",
                native_enum=False,
                create_constraint=True,
                length=29,
            ),
            nullable=False,
        ),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "preparing",
                "voting",
                "closed",
                name="electionstatus",
                native_enum=False,
                create_constraint=True,
                length=13,
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("seats_decision", sa.Text(), nullable=False),
        sa.Column("surplus_decision", sa.Text(), nullable=False),
        sa.Column("base_excluded", sa.Integer(), nullable=False),
        sa.Column("base_note", sa.Text(), nullable=False),
        sa.Column("ballot_reserve", sa.Integer(), nullable=False),
        sa.Column("report_signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_elections_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"], name=op.f("fk_elections_organization_id_organizations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_elections")),
        sa.UniqueConstraint("public_id", name=op.f("uq_elections_public_id")),
    )
    with op.batch_alter_table("elections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_elections_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_elections_organization_id"), ["organization_id"], unique=False)

    op.create_table(
        "election_candidates",
        sa.Column("election_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("family_name", sa.String(length=120), nullable=False),
        sa.Column("middle_name", sa.String(length=120), nullable=False),
        sa.Column("given_name", sa.String(length=120), nullable=False),
        sa.Column(
            "nominated_by",
            sa.Enum(
                "committee",
                "floor",
                "self",
                name="nomination",
                native_enum=False,
                create_constraint=True,
                length=13,
            ),
            nullable=False,
        ),
        sa.Column("agreeing", sa.Integer(), nullable=True),
        sa.Column("present", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("name_key", sa.LargeBinary(), nullable=False),
        sa.Column("name_folded", sa.String(length=400), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["election_id"],
            ["elections.id"],
            name=op.f("fk_election_candidates_election_id_elections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_election_candidates_participant_id_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_election_candidates")),
        sa.UniqueConstraint(
            "election_id", "participant_id", name="uq_election_candidates_election_participant"
        ),
        sa.UniqueConstraint("public_id", name=op.f("uq_election_candidates_public_id")),
    )
    with op.batch_alter_table("election_candidates", schema=None) as batch_op:
        batch_op.create_index(
            "ix_election_candidates_election_name", ["election_id", "name_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_election_candidates_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "election_rounds",
        sa.Column("election_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "voting",
                "counting",
                "closed",
                name="roundstatus",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("convened", sa.Integer(), nullable=False),
        sa.Column("present", sa.Integer(), nullable=False),
        sa.Column("base_count", sa.Integer(), nullable=False),
        sa.Column("printed", sa.Integer(), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("returned", sa.Integer(), nullable=False),
        sa.Column("spoiled", sa.Integer(), nullable=False),
        sa.Column("replaced", sa.Integer(), nullable=False),
        sa.Column("valid", sa.Integer(), nullable=False),
        sa.Column("invalid", sa.Integer(), nullable=False),
        sa.Column("invalid_reasons", sa.JSON(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("minutes_signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("another_round_needed", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["election_id"],
            ["elections.id"],
            name=op.f("fk_election_rounds_election_id_elections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_election_rounds")),
        sa.UniqueConstraint("election_id", "number", name="uq_election_rounds_election_number"),
        sa.UniqueConstraint("public_id", name=op.f("uq_election_rounds_public_id")),
    )
    with op.batch_alter_table("election_rounds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_election_rounds_election_id"), ["election_id"], unique=False)

    op.create_table(
        "election_round_candidates",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=True),
        sa.Column("elected", sa.Boolean(), nullable=False),
        sa.Column("tied", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["election_candidates.id"],
            name=op.f("fk_election_round_candidates_candidate_id_election_candidates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["election_rounds.id"],
            name=op.f("fk_election_round_candidates_round_id_election_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_election_round_candidates")),
        sa.UniqueConstraint("round_id", "candidate_id", name="uq_election_round_candidates_round_cand"),
    )
    with op.batch_alter_table("election_round_candidates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_election_round_candidates_round_id"), ["round_id"], unique=False)

    op.create_table(
        "election_round_corrections",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("made_by", sa.String(length=255), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["election_rounds.id"],
            name=op.f("fk_election_round_corrections_round_id_election_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_election_round_corrections")),
    )
    with op.batch_alter_table("election_round_corrections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_election_round_corrections_round_id"), ["round_id"], unique=False
        )

    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "gender",
                sa.Enum(
                    "female", "male", name="gender", native_enum=False, create_constraint=True, length=10
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("ethnicity", sa.String(length=60), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("birth_year", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "education_level",
                sa.Enum(
                    "secondary",
                    "vocational",
                    "college",
                    "university",
                    "master",
                    "doctorate",
                    name="educationlevel",
                    native_enum=False,
                    create_constraint=True,
                    length=14,
                ),
                nullable=True,
            )
        )

    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.alter_column("ethnicity", existing_type=sa.String(length=60), server_default=None)


def downgrade():
    op.drop_table("credentials_reports")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("education_level")
        batch_op.drop_column("birth_year")
        batch_op.drop_column("ethnicity")
        batch_op.drop_column("gender")

    with op.batch_alter_table("election_round_corrections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_election_round_corrections_round_id"))

    op.drop_table("election_round_corrections")
    with op.batch_alter_table("election_round_candidates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_election_round_candidates_round_id"))

    op.drop_table("election_round_candidates")
    with op.batch_alter_table("election_rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_election_rounds_election_id"))

    op.drop_table("election_rounds")
    with op.batch_alter_table("election_candidates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_election_candidates_participant_id"))
        batch_op.drop_index("ix_election_candidates_election_name")

    op.drop_table("election_candidates")
    with op.batch_alter_table("elections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_elections_organization_id"))
        batch_op.drop_index(batch_op.f("ix_elections_meeting_id"))

    op.drop_table("elections")
