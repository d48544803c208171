"""A cycle's title is unique within its region; a self-assessment can be reopened after submissions close

Revision ID: 0013_cycle_life
Revises: 0012_letter_upload
Create Date: 2026-12-01 11:00:00

Titles already stored twice in one region are renamed before the constraint is added: the second and later
cycles with a title (in order of id) become "<title> (2)", "<title> (3)" and so on, skipping any title the
region already uses, so that the upgrade never fails on existing data. The downgrade keeps the new titles.

`submissions.reopened_late` records that the lead reopened an authority's self-assessment after submissions
closed (the cycle is reviewing), so that authority alone may still change it and sign it off.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_cycle_life"
down_revision = "0012_letter_upload"
branch_labels = None
depends_on = None

MAX_TITLE = 150


def _rename_duplicate_titles() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, region_id, title FROM cycles ORDER BY id")).all()
    taken: dict[int, set[str]] = {}
    for _id, region_id, title in rows:
        taken.setdefault(region_id, set()).add(title)
    seen: dict[int, set[str]] = {}
    for cycle_id, region_id, title in rows:
        if title not in seen.setdefault(region_id, set()):
            seen[region_id].add(title)
            continue
        number = 2
        while True:
            suffix = f" ({number})"
            candidate = title[: MAX_TITLE - len(suffix)] + suffix
            if candidate not in taken[region_id]:
                break
            number += 1
        taken[region_id].add(candidate)
        seen[region_id].add(candidate)
        connection.execute(
            sa.text("UPDATE cycles SET title = :title WHERE id = :id"), {"title": candidate, "id": cycle_id}
        )


def upgrade():
    _rename_duplicate_titles()
    with op.batch_alter_table("cycles") as batch_op:
        batch_op.create_unique_constraint(batch_op.f("uq_cycles_region_id_title"), ["region_id", "title"])
    with op.batch_alter_table("submissions") as batch_op:
        batch_op.add_column(sa.Column("reopened_late", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("submissions") as batch_op:
        batch_op.drop_column("reopened_late")
    with op.batch_alter_table("cycles") as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_cycles_region_id_title"), type_="unique")
