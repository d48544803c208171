"""The rubric: ordered scales, the scales each section is rated on, and optional section ratings

Revision ID: 0009b_rubric
Revises: 0009a_template
Create Date: 2026-12-01 07:00:00

Existing cycles keep what they had: every scale applies to every section, every scale is ordered except
self-knowledge (key "self_knowledge"), and section ratings stay as they were enforced, required.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009b_rubric"
down_revision = "0009a_template"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("rating_scales", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ordered", sa.Boolean(), server_default=sa.true(), nullable=False))
    with op.batch_alter_table("cycles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("section_ratings_required", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "template_section_scales",
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("scale_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["scale_id"],
            ["rating_scales.id"],
            name=op.f("fk_template_section_scales_scale_id_rating_scales"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["template_sections.id"],
            name=op.f("fk_template_section_scales_section_id_template_sections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("section_id", "scale_id", name=op.f("pk_template_section_scales")),
    )
    with op.batch_alter_table("template_section_scales", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_template_section_scales_scale_id"), ["scale_id"], unique=False)

    scales = sa.table("rating_scales", sa.column("id", sa.Integer), sa.column("cycle_id", sa.Integer))
    scales_with_key = sa.table("rating_scales", sa.column("key", sa.String), sa.column("ordered", sa.Boolean))
    sections = sa.table("template_sections", sa.column("id", sa.Integer), sa.column("cycle_id", sa.Integer))
    links = sa.table("template_section_scales", sa.column("section_id"), sa.column("scale_id"))
    cycles = sa.table("cycles", sa.column("section_ratings_required", sa.Boolean))
    op.execute(scales_with_key.update().where(scales_with_key.c.key == "self_knowledge").values(ordered=False))
    op.execute(
        links.insert().from_select(
            ["section_id", "scale_id"],
            sa.select(sections.c.id, scales.c.id).join(scales, scales.c.cycle_id == sections.c.cycle_id),
        )
    )
    # Reviews already under way were written to the rule that every rating is required.
    op.execute(cycles.update().values(section_ratings_required=True))


def downgrade():
    with op.batch_alter_table("template_section_scales", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_template_section_scales_scale_id"))
    op.drop_table("template_section_scales")
    with op.batch_alter_table("cycles", schema=None) as batch_op:
        batch_op.drop_column("section_ratings_required")
    with op.batch_alter_table("rating_scales", schema=None) as batch_op:
        batch_op.drop_column("ordered")
