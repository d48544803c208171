"""A letter version can be uploaded from Word

Revision ID: 0012_letter_upload
Revises: 0011_letter_choices
Create Date: 2026-12-01 10:40:00

The known sources of a letter version gain "uploaded": the lead edited the draft in Word and uploaded it
back. The values are written out here as they are at this revision, as 0008 does; a downgrade keeps the
uploaded versions' text and calls them edits.
"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0012_letter_upload"
down_revision = "0011_letter_choices"
branch_labels = None
depends_on = None

BEFORE = ("composed", "edited", "restored", "recomposed", "chosen")
AFTER = (*BEFORE, "uploaded")


def _allow(sources):
    listed = ", ".join(f"'{source}'" for source in sources)
    with op.batch_alter_table("letter_versions") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_letter_versions_versionsource"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_letter_versions_versionsource"), f"source IN ({listed})"
        )


def upgrade():
    _allow(AFTER)


def downgrade():
    # An uploaded version is an edit made elsewhere: it keeps its text and becomes an edit.
    op.execute("UPDATE letter_versions SET source = 'edited' WHERE source = 'uploaded'")
    _allow(BEFORE)
