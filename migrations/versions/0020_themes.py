"""Themes: each region's lexicon, a cycle's tagging and its quotes setting, the tags with their sentence and
term, and the asks and offers of the cycle's authorities

Revision ID: 0020_themes
Revises: 0019_data_pack
Create Date: 2026-12-01 17:30:26

Four new tables; nothing existing changes. A downgrade drops them (and every tag, lexicon and correction).
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0020_themes'
down_revision = '0019_data_pack'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('region_lexicons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_region_lexicons_region_id_regions')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_region_lexicons_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_region_lexicons')),
    sa.UniqueConstraint('region_id', name=op.f('uq_region_lexicons_region_id'))
    )
    op.create_table('asks_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('ask', 'offer', name='askkind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('text', sa.String(length=1000), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('origin', sa.String(length=60), nullable=False),
    sa.Column('source_hash', sa.String(length=64), nullable=True),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.Column('corrected_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('corrected_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['authority_id'], ['authorities.id'], name=op.f('fk_asks_offers_authority_id_authorities')),
    sa.ForeignKeyConstraint(['corrected_by_id'], ['users.id'], name=op.f('fk_asks_offers_corrected_by_id_users')),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_asks_offers_cycle_id_cycles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asks_offers'))
    )
    with op.batch_alter_table('asks_offers', schema=None) as batch_op:
        batch_op.create_index('ix_asks_offers_cycle_authority', ['cycle_id', 'authority_id'], unique=False)

    op.create_table('cycle_themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('tagged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('tagged_by_id', sa.Integer(), nullable=True),
    sa.Column('lexicon_version', sa.Integer(), nullable=True),
    sa.Column('lexicon', sa.JSON(), nullable=False),
    sa.Column('quotes_named', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_cycle_themes_cycle_id_cycles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tagged_by_id'], ['users.id'], name=op.f('fk_cycle_themes_tagged_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cycle_themes')),
    sa.UniqueConstraint('cycle_id', name=op.f('uq_cycle_themes_cycle_id'))
    )
    op.create_table('theme_tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=40), nullable=False),
    sa.Column('source', sa.Enum('review_strength', 'review_development', 'review_question', 'letter_strength', 'letter_consideration', 'letter_enquiry', 'self_assessment_plan', 'self_assessment_worry', name='source', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('stance', sa.Enum('strength', 'development', 'question', 'plan', name='stance', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('section', sa.String(length=500), nullable=False),
    sa.Column('sentence', sa.Text(), nullable=False),
    sa.Column('term', sa.String(length=100), nullable=False),
    sa.Column('origin', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['authority_id'], ['authorities.id'], name=op.f('fk_theme_tags_authority_id_authorities')),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_theme_tags_cycle_id_cycles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme_tags'))
    )
    with op.batch_alter_table('theme_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_theme_tags_authority_id'), ['authority_id'], unique=False)
        batch_op.create_index('ix_theme_tags_cycle_theme', ['cycle_id', 'theme'], unique=False)



def downgrade():
    with op.batch_alter_table('theme_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_theme_tags_cycle_theme')
        batch_op.drop_index(batch_op.f('ix_theme_tags_authority_id'))

    op.drop_table('theme_tags')
    op.drop_table('cycle_themes')
    with op.batch_alter_table('asks_offers', schema=None) as batch_op:
        batch_op.drop_index('ix_asks_offers_cycle_authority')

    op.drop_table('asks_offers')
    op.drop_table('region_lexicons')
