"""Other headings of template sections; an authority's own grades and its inspections

Revision ID: 0009a_template
Revises: 0008
Create Date: 2026-12-01 07:30:00

Each template section gets the other headings that name it in an upload (a JSON list, empty for existing
sections) and its guidance rendered once as sanitised HTML (existing guidance is rendered here, with the
service's one renderer, as in 0006). Own grades (per cycle and authority) and inspections (per authority) with their judgements are
new tables. The values of each enum column are written out as they are at this revision.
"""

from alembic import op
import sqlalchemy as sa

from peerchallenge.sanitise import render_lines


# revision identifiers, used by Alembic.
revision = "0009a_template"
down_revision = "0008"
branch_labels = None
depends_on = None

AREAS = (
    "overall_effectiveness",
    "leaders",
    "help_and_protection",
    "children_in_care",
    "care_leavers",
    "children_in_care_and_care_leavers",
)
GRADES = ("outstanding", "good", "requires_improvement", "inadequate")
KINDS = ("ilacs_standard", "ilacs_short", "focused_visit", "jtai", "monitoring_visit")


def _one_of(column: str, values: tuple[str, ...]) -> sa.TextClause:
    listed = ", ".join(f"'{value}'" for value in values)
    return sa.text(f"{column} IN ({listed})")


def upgrade():
    with op.batch_alter_table("template_sections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("other_headings", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("guidance_html", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("template_sections", schema=None) as batch_op:
        batch_op.alter_column("guidance_html", server_default=None)
    sections = sa.table(
        "template_sections",
        sa.column("id", sa.Integer),
        sa.column("guidance", sa.Text),
        sa.column("guidance_html", sa.Text),
    )
    connection = op.get_bind()
    for section_id, guidance in connection.execute(
        sa.select(sections.c.id, sections.c.guidance).where(sections.c.guidance != "")
    ).all():
        connection.execute(
            sections.update()
            .where(sections.c.id == section_id)
            .values(guidance_html=str(render_lines(guidance)))
        )

    op.create_table(
        "own_grades",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=40), nullable=False),
        sa.Column("grade", sa.String(length=30), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_one_of("area", AREAS), name=op.f("ck_own_grades_judgementarea")),
        sa.CheckConstraint(_one_of("grade", GRADES), name=op.f("ck_own_grades_grade")),
        sa.ForeignKeyConstraint(
            ["authority_id"], ["authorities.id"], name=op.f("fk_own_grades_authority_id_authorities")
        ),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["cycles.id"], name=op.f("fk_own_grades_cycle_id_cycles"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_own_grades_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_own_grades")),
        sa.UniqueConstraint("cycle_id", "authority_id", "area", name=op.f("uq_own_grades_cycle_id_authority_id_area")),
    )
    with op.batch_alter_table("own_grades", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_own_grades_authority_id"), ["authority_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_own_grades_cycle_id"), ["cycle_id"], unique=False)

    op.create_table(
        "inspections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=False),
        sa.Column("areas_for_improvement", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(_one_of("kind", KINDS), name=op.f("ck_inspections_inspectionkind")),
        sa.ForeignKeyConstraint(
            ["authority_id"], ["authorities.id"], name=op.f("fk_inspections_authority_id_authorities")
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_inspections_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspections")),
    )
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspections_authority_id"), ["authority_id"], unique=False)

    op.create_table(
        "inspection_judgements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=40), nullable=False),
        sa.Column("grade", sa.String(length=30), nullable=False),
        sa.CheckConstraint(_one_of("area", AREAS), name=op.f("ck_inspection_judgements_judgementarea")),
        sa.CheckConstraint(_one_of("grade", GRADES), name=op.f("ck_inspection_judgements_grade")),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_inspection_judgements_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_judgements")),
        sa.UniqueConstraint("inspection_id", "area", name=op.f("uq_inspection_judgements_inspection_id_area")),
    )
    with op.batch_alter_table("inspection_judgements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_judgements_inspection_id"), ["inspection_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("inspection_judgements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_judgements_inspection_id"))
    op.drop_table("inspection_judgements")
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspections_authority_id"))
    op.drop_table("inspections")
    with op.batch_alter_table("own_grades", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_own_grades_cycle_id"))
        batch_op.drop_index(batch_op.f("ix_own_grades_authority_id"))
    op.drop_table("own_grades")
    with op.batch_alter_table("template_sections", schema=None) as batch_op:
        batch_op.drop_column("guidance_html")
        batch_op.drop_column("other_headings")
