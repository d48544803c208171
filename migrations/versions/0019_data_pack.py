"""The region's data pack for a cycle, a region's own indicators, areas for development and calibration

Revision ID: 0019_data_pack
Revises: 0018_groups
Create Date: 2026-12-01 16:51:02

Five new tables, nothing changed in the others; a downgrade drops them.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019_data_pack"
down_revision = "0018_groups"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "region_indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column(
            "unit",
            sa.Enum(
                "percentage",
                "rate_per_10000",
                "count",
                "days",
                "weeks",
                name="unit",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("higher_is_better", sa.Boolean(), nullable=True),
        sa.Column("section", sa.String(length=150), nullable=False),
        sa.Column("words", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_region_indicators_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_region_indicators_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_region_indicators")),
        sa.UniqueConstraint("region_id", "key", name=op.f("uq_region_indicators_region_id_key")),
    )
    with op.batch_alter_table("region_indicators", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_region_indicators_region_id"), ["region_id"], unique=False)

    op.create_table(
        "data_packs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("value_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["cycles.id"], name=op.f("fk_data_packs_cycle_id_cycles"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_data_packs_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_packs")),
        sa.UniqueConstraint("cycle_id", name=op.f("uq_data_packs_cycle_id")),
    )
    op.create_table(
        "development_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["authority_id"], ["authorities.id"], name=op.f("fk_development_areas_authority_id_authorities")
        ),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["cycles.id"], name=op.f("fk_development_areas_cycle_id_cycles"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_development_areas_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_development_areas")),
        sa.UniqueConstraint(
            "cycle_id",
            "authority_id",
            "position",
            name=op.f("uq_development_areas_cycle_id_authority_id_position"),
        ),
    )
    with op.batch_alter_table("development_areas", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_development_areas_authority_id"), ["authority_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_development_areas_cycle_id"), ["cycle_id"], unique=False)

    op.create_table(
        "calibration_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("improvement_index", sa.Integer(), nullable=False),
        sa.Column("improvement", sa.Text(), nullable=False),
        sa.Column("development", sa.String(length=500), nullable=True),
        sa.Column("corrected_by_id", sa.Integer(), nullable=False),
        sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["corrected_by_id"], ["users.id"], name=op.f("fk_calibration_corrections_corrected_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_calibration_corrections_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibration_corrections")),
        sa.UniqueConstraint(
            "inspection_id",
            "improvement_index",
            name=op.f("uq_calibration_corrections_inspection_id_improvement_index"),
        ),
    )
    with op.batch_alter_table("calibration_corrections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calibration_corrections_inspection_id"), ["inspection_id"], unique=False
        )

    op.create_table(
        "data_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pack_id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=40), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("england", sa.Double(), nullable=True),
        sa.Column("region", sa.Double(), nullable=True),
        sa.Column("neighbours", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(
            ["authority_id"], ["authorities.id"], name=op.f("fk_data_values_authority_id_authorities")
        ),
        sa.ForeignKeyConstraint(
            ["pack_id"], ["data_packs.id"], name=op.f("fk_data_values_pack_id_data_packs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_values")),
        sa.UniqueConstraint(
            "pack_id",
            "authority_id",
            "indicator",
            "period",
            name=op.f("uq_data_values_pack_id_authority_id_indicator_period"),
        ),
    )
    with op.batch_alter_table("data_values", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_data_values_authority_id"), ["authority_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_data_values_pack_id"), ["pack_id"], unique=False)


def downgrade():
    with op.batch_alter_table("data_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_values_pack_id"))
        batch_op.drop_index(batch_op.f("ix_data_values_authority_id"))

    op.drop_table("data_values")
    with op.batch_alter_table("calibration_corrections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calibration_corrections_inspection_id"))

    op.drop_table("calibration_corrections")
    with op.batch_alter_table("development_areas", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_development_areas_cycle_id"))
        batch_op.drop_index(batch_op.f("ix_development_areas_authority_id"))

    op.drop_table("development_areas")
    op.drop_table("data_packs")
    with op.batch_alter_table("region_indicators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_region_indicators_region_id"))

    op.drop_table("region_indicators")
