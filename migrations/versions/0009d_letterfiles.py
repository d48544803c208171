"""Rendered letter files: a PDF and a Word file per letter version, stored once

Revision ID: 0009d_letterfiles
Revises: 0009c_reviewform
Create Date: 2026-12-01 07:21:17

A letter's PDF and Word files are rendered when it is approved and released (or at the first download of a
version without them) and kept here, so that every worker serves the same bytes at once. One file of each
kind per version; source_sha256 is the hash of what the file was made from. Nothing to fill in for existing
letters: their files are rendered when first asked for.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0009d_letterfiles"
down_revision = "0009c_reviewform"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "letter_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("pdf", "docx", name="filekind", native_enum=False, create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("rendered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["letter_versions.id"],
            name=op.f("fk_letter_files_version_id_letter_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_files")),
        sa.UniqueConstraint("version_id", "kind", name=op.f("uq_letter_files_version_id_kind")),
    )


def downgrade():
    op.drop_table("letter_files")
