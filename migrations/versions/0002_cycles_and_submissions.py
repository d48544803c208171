"""Cycles, template sections, rating scales, submissions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 06:26:03.080221

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cycles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('peers_per_authority', sa.Integer(), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('submissions_due_on', sa.Date(), nullable=False),
    sa.Column('reviews_due_on', sa.Date(), nullable=False),
    sa.Column('letters_due_on', sa.Date(), nullable=False),
    sa.Column('challenge_event_on', sa.Date(), nullable=True),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'open', 'reviewing', 'consolidating', 'released', 'closed', name='cyclestate', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_cycles_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cycles'))
    )
    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cycles_region_id'), ['region_id'], unique=False)

    op.create_table('stored_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_stored_files_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_files'))
    )
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stored_files_sha256'), ['sha256'], unique=False)

    op.create_table('rating_scales',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('question', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_rating_scales_cycle_id_cycles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_scales')),
    sa.UniqueConstraint('cycle_id', 'key', name=op.f('uq_rating_scales_cycle_id_key'))
    )
    with op.batch_alter_table('rating_scales', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_scales_cycle_id'), ['cycle_id'], unique=False)

    op.create_table('submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'signed_off', name='submissionstate', native_enum=False, length=20), nullable=False),
    sa.Column('signed_off_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('signed_off_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['authority_id'], ['authorities.id'], name=op.f('fk_submissions_authority_id_authorities')),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_submissions_cycle_id_cycles')),
    sa.ForeignKeyConstraint(['signed_off_by_id'], ['users.id'], name=op.f('fk_submissions_signed_off_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submissions')),
    sa.UniqueConstraint('cycle_id', 'authority_id', name=op.f('uq_submissions_cycle_id_authority_id'))
    )
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submissions_authority_id'), ['authority_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_submissions_cycle_id'), ['cycle_id'], unique=False)

    op.create_table('template_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('guidance', sa.Text(), nullable=False),
    sa.Column('suggested_words', sa.Integer(), nullable=True),
    sa.Column('optional', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_template_sections_cycle_id_cycles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_template_sections')),
    sa.UniqueConstraint('cycle_id', 'position', name=op.f('uq_template_sections_cycle_id_position'))
    )
    with op.batch_alter_table('template_sections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_template_sections_cycle_id'), ['cycle_id'], unique=False)

    op.create_table('rating_levels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scale_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['scale_id'], ['rating_scales.id'], name=op.f('fk_rating_levels_scale_id_rating_scales'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_levels')),
    sa.UniqueConstraint('scale_id', 'position', name=op.f('uq_rating_levels_scale_id_position'))
    )
    with op.batch_alter_table('rating_levels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_levels_scale_id'), ['scale_id'], unique=False)

    op.create_table('submission_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=True),
    sa.Column('total_words', sa.Integer(), nullable=False),
    sa.Column('warnings', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_submission_versions_created_by_id_users')),
    sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'], name=op.f('fk_submission_versions_file_id_stored_files')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_submission_versions_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_versions')),
    sa.UniqueConstraint('submission_id', 'number', name=op.f('uq_submission_versions_submission_id_number'))
    )
    with op.batch_alter_table('submission_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_versions_submission_id'), ['submission_id'], unique=False)

    op.create_table('section_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('template_section_id', sa.Integer(), nullable=True),
    sa.Column('heading', sa.String(length=500), nullable=True),
    sa.Column('found', sa.Boolean(), nullable=False),
    sa.Column('markdown', sa.Text(), nullable=False),
    sa.Column('word_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['template_section_id'], ['template_sections.id'], name=op.f('fk_section_texts_template_section_id_template_sections')),
    sa.ForeignKeyConstraint(['version_id'], ['submission_versions.id'], name=op.f('fk_section_texts_version_id_submission_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_section_texts')),
    sa.UniqueConstraint('version_id', 'position', name=op.f('uq_section_texts_version_id_position'))
    )
    with op.batch_alter_table('section_texts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_section_texts_version_id'), ['version_id'], unique=False)



def downgrade():
    with op.batch_alter_table('section_texts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_section_texts_version_id'))

    op.drop_table('section_texts')
    with op.batch_alter_table('submission_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_versions_submission_id'))

    op.drop_table('submission_versions')
    with op.batch_alter_table('rating_levels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_levels_scale_id'))

    op.drop_table('rating_levels')
    with op.batch_alter_table('template_sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_template_sections_cycle_id'))

    op.drop_table('template_sections')
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submissions_cycle_id'))
        batch_op.drop_index(batch_op.f('ix_submissions_authority_id'))

    op.drop_table('submissions')
    with op.batch_alter_table('rating_scales', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_scales_cycle_id'))

    op.drop_table('rating_scales')
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stored_files_sha256'))

    op.drop_table('stored_files')
    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cycles_region_id'))

    op.drop_table('cycles')
