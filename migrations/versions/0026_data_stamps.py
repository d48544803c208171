"""A data stamp, raised by every write, so that a kept page can tell it is current

Revision ID: 0026_data_stamps
Revises: 0025_themes_papers
Create Date: 2026-12-02 12:15:00

One new table, data_stamps, with one row (id 1, value 0). Every transaction that writes raises the value as it
commits; each worker keeps the pages it rendered with the value they were read at, and serves one again only
while the value is unchanged (peerchallenge/page_cache.py). A downgrade drops the table; the workers must then
run the code of 0025, which keeps no pages.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0026_data_stamps"
down_revision = "0025_themes_papers"
branch_labels = None
depends_on = None


def upgrade():
    data_stamps = op.create_table(
        "data_stamps",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_stamps")),
    )
    op.bulk_insert(data_stamps, [{"id": 1, "value": 0}])


def downgrade():
    op.drop_table("data_stamps")
