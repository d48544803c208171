"""An audit stamp beside the data stamp, so that an audited download drops no kept page but the audit log

Revision ID: 0027_audit_stamp
Revises: 0026_data_stamps
Create Date: 2026-12-02 16:00:00

A second row in data_stamps (id 2, value 0). A transaction that writes only audit events raises it instead of
the data stamp (id 1); a page that read audit events is kept with both and served only while both are
unchanged (peerchallenge/page_cache.py). A downgrade deletes the row; the workers must then run the code of
0026, which raises the data stamp for audit events too.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0027_audit_stamp"
down_revision = "0026_data_stamps"
branch_labels = None
depends_on = None

data_stamps = sa.table("data_stamps", sa.column("id", sa.Integer), sa.column("value", sa.BigInteger))


def upgrade():
    op.bulk_insert(data_stamps, [{"id": 2, "value": 0}])


def downgrade():
    op.execute(data_stamps.delete().where(data_stamps.c.id == 2))
