"""Letters composed by choice: the chosen points, the headline, and the annex switch

Revision ID: 0011_letter_choices
Revises: 0010_letter_address
Create Date: 2026-12-01 10:30:00

A letter keeps the points chosen for it (strengths, areas for consideration, key lines of enquiry, in the
lead's words) and its headline; a version can be "chosen" (made from those points) and keeps the choice it was
made from, so that going back to it brings the choice back; a cycle says whether its
letters end with the section-by-section annex (yes, for existing cycles too). Existing letters get no points:
their text stays as it is until the lead composes them by choice or the reviews change.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0011_letter_choices"
down_revision = "0010_letter_address"
branch_labels = None
depends_on = None

SOURCES_BEFORE = ("composed", "edited", "restored", "recomposed")
SOURCES_AFTER = (*SOURCES_BEFORE, "chosen")


def _one_of(column, values):
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def _replace_sources_check(values):
    with op.batch_alter_table("letter_versions") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_letter_versions_versionsource"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_letter_versions_versionsource"), _one_of("source", values)
        )


def upgrade():
    with op.batch_alter_table("cycles") as batch_op:
        batch_op.add_column(sa.Column("letter_annex", sa.Boolean(), server_default=sa.true(), nullable=False))
    with op.batch_alter_table("letters") as batch_op:
        batch_op.add_column(sa.Column("headline", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("points_chosen_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("points_chosen_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_letters_points_chosen_by_id_users"), "users", ["points_chosen_by_id"], ["id"]
        )
    op.create_table(
        "letter_points",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "strength",
                "consideration",
                "enquiry",
                name="pointkind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("candidate_key", sa.String(length=40), nullable=True),
        sa.Column("sources", sa.Text(), nullable=False),
        sa.Column("section", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["letter_id"], ["letters.id"], name=op.f("fk_letter_points_letter_id_letters"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_points")),
        sa.UniqueConstraint(
            "letter_id", "kind", "position", name=op.f("uq_letter_points_letter_id_kind_position")
        ),
    )
    with op.batch_alter_table("letter_points") as batch_op:
        batch_op.create_index(batch_op.f("ix_letter_points_letter_id"), ["letter_id"], unique=False)
    with op.batch_alter_table("letter_versions") as batch_op:
        batch_op.add_column(sa.Column("choice", sa.JSON(), nullable=True))
    _replace_sources_check(SOURCES_AFTER)


def downgrade():
    op.execute("UPDATE letter_versions SET source = 'edited' WHERE source = 'chosen'")
    _replace_sources_check(SOURCES_BEFORE)
    with op.batch_alter_table("letter_versions") as batch_op:
        batch_op.drop_column("choice")
    with op.batch_alter_table("letter_points") as batch_op:
        batch_op.drop_index(batch_op.f("ix_letter_points_letter_id"))
    op.drop_table("letter_points")
    with op.batch_alter_table("letters") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_letters_points_chosen_by_id_users"), type_="foreignkey")
        batch_op.drop_column("points_chosen_by_id")
        batch_op.drop_column("points_chosen_at")
        batch_op.drop_column("headline")
    with op.batch_alter_table("cycles") as batch_op:
        batch_op.drop_column("letter_annex")
