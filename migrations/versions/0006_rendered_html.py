"""Rendered HTML stored with each section text, letter version and response

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 02:55:00

Pages used to render Markdown on every view; now each immutable text keeps its sanitised HTML, written
when it is saved. Existing rows are rendered here, once, with the service's one renderer.
"""

import sqlalchemy as sa
from alembic import op

from peerchallenge.sanitise import render_markdown

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# (table, Markdown column, HTML column)
RENDERED = (
    ("section_texts", "markdown", "html"),
    ("letter_versions", "body", "body_html"),
    ("letters", "response", "response_html"),
)
BATCH = 500


def upgrade():
    for table, _source, target in RENDERED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column(target, sa.Text(), nullable=False, server_default=""))
        with op.batch_alter_table(table) as batch:
            batch.alter_column(target, server_default=None)
    connection = op.get_bind()
    for table, source, target in RENDERED:
        rows = sa.table(
            table, sa.column("id", sa.Integer), sa.column(source, sa.Text), sa.column(target, sa.Text)
        )
        last_id = 0
        while True:
            batch = connection.execute(
                sa.select(rows.c.id, rows.c[source])
                .where(rows.c.id > last_id, rows.c[source] != "")
                .order_by(rows.c.id)
                .limit(BATCH)
            ).all()
            if not batch:
                break
            for row_id, markdown in batch:
                connection.execute(
                    rows.update().where(rows.c.id == row_id).values({target: str(render_markdown(markdown))})
                )
            last_id = batch[-1][0]


def downgrade():
    for table, _source, target in reversed(RENDERED):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(target)
