"""The challenge event: a cycle's event, its sessions (one per authority or peer group) with their times,
chair and state, the notes per key line of enquiry and the actions agreed in each, and the outcome notes per
authority with their PDF and Word files

Revision ID: 0022_event
Revises: 0021_figure_sentences
Create Date: 2026-12-01 20:04:38

Six new tables; nothing existing changes (the event's date is the cycle's challenge_event_on). A downgrade
drops them, with every note and outcome note; actions already made from agreed actions stay.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_event'
down_revision = '0021_figure_sentences'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('challenge_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('place', sa.String(length=300), server_default='', nullable=False),
    sa.Column('online_link', sa.String(length=500), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_challenge_events_created_by_id_users')),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_challenge_events_cycle_id_cycles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_events')),
    sa.UniqueConstraint('cycle_id', name=op.f('uq_challenge_events_cycle_id'))
    )
    op.create_table('event_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=True),
    sa.Column('review_group_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', sa.Time(), nullable=False),
    sa.Column('ends_at', sa.Time(), nullable=False),
    sa.Column('chair_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('scheduled', 'under_way', 'finished', name='sessionstate', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(authority_id IS NULL) <> (review_group_id IS NULL)', name=op.f('ck_event_sessions_one_authority_or_group')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_event_sessions_ends_after_start')),
    sa.ForeignKeyConstraint(['authority_id'], ['authorities.id'], name=op.f('fk_event_sessions_authority_id_authorities')),
    sa.ForeignKeyConstraint(['chair_id'], ['users.id'], name=op.f('fk_event_sessions_chair_id_users')),
    sa.ForeignKeyConstraint(['event_id'], ['challenge_events.id'], name=op.f('fk_event_sessions_event_id_challenge_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['finished_by_id'], ['users.id'], name=op.f('fk_event_sessions_finished_by_id_users')),
    sa.ForeignKeyConstraint(['review_group_id'], ['review_groups.id'], name=op.f('fk_event_sessions_review_group_id_review_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_sessions'))
    )
    with op.batch_alter_table('event_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_sessions_authority_id'), ['authority_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_sessions_chair_id'), ['chair_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_sessions_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_sessions_review_group_id'), ['review_group_id'], unique=False)

    op.create_table('outcome_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'approved', 'released', name='outcomestate', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('composed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('released_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_outcome_notes_approved_by_id_users')),
    sa.ForeignKeyConstraint(['authority_id'], ['authorities.id'], name=op.f('fk_outcome_notes_authority_id_authorities')),
    sa.ForeignKeyConstraint(['released_by_id'], ['users.id'], name=op.f('fk_outcome_notes_released_by_id_users')),
    sa.ForeignKeyConstraint(['session_id'], ['event_sessions.id'], name=op.f('fk_outcome_notes_session_id_event_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_outcome_notes_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_notes')),
    sa.UniqueConstraint('session_id', 'authority_id', name=op.f('uq_outcome_notes_session_id_authority_id'))
    )
    with op.batch_alter_table('outcome_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_notes_authority_id'), ['authority_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outcome_notes_session_id'), ['session_id'], unique=False)

    op.create_table('session_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_html', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['point_id'], ['letter_points.id'], name=op.f('fk_session_notes_point_id_letter_points'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['event_sessions.id'], name=op.f('fk_session_notes_session_id_event_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_session_notes_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_notes')),
    sa.UniqueConstraint('session_id', 'point_id', name=op.f('uq_session_notes_session_id_point_id'))
    )
    with op.batch_alter_table('session_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_notes_point_id'), ['point_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_notes_session_id'), ['session_id'], unique=False)

    op.create_table('agreed_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=True),
    sa.Column('what', sa.String(length=1000), nullable=False),
    sa.Column('owner', sa.String(length=150), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_agreed_actions_action_id_actions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['authority_id'], ['authorities.id'], name=op.f('fk_agreed_actions_authority_id_authorities')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_agreed_actions_created_by_id_users')),
    sa.ForeignKeyConstraint(['point_id'], ['letter_points.id'], name=op.f('fk_agreed_actions_point_id_letter_points'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['event_sessions.id'], name=op.f('fk_agreed_actions_session_id_event_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreed_actions'))
    )
    with op.batch_alter_table('agreed_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreed_actions_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreed_actions_authority_id'), ['authority_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreed_actions_point_id'), ['point_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreed_actions_session_id'), ['session_id'], unique=False)

    op.create_table('outcome_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('note_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('pdf', 'docx', name='filekind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('source_sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('rendered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['note_id'], ['outcome_notes.id'], name=op.f('fk_outcome_files_note_id_outcome_notes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_files')),
    sa.UniqueConstraint('note_id', 'kind', name=op.f('uq_outcome_files_note_id_kind'))
    )


def downgrade():
    op.drop_table('outcome_files')
    with op.batch_alter_table('agreed_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreed_actions_session_id'))
        batch_op.drop_index(batch_op.f('ix_agreed_actions_point_id'))
        batch_op.drop_index(batch_op.f('ix_agreed_actions_authority_id'))
        batch_op.drop_index(batch_op.f('ix_agreed_actions_action_id'))

    op.drop_table('agreed_actions')
    with op.batch_alter_table('session_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_notes_session_id'))
        batch_op.drop_index(batch_op.f('ix_session_notes_point_id'))

    op.drop_table('session_notes')
    with op.batch_alter_table('outcome_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_notes_session_id'))
        batch_op.drop_index(batch_op.f('ix_outcome_notes_authority_id'))

    op.drop_table('outcome_notes')
    with op.batch_alter_table('event_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_sessions_review_group_id'))
        batch_op.drop_index(batch_op.f('ix_event_sessions_event_id'))
        batch_op.drop_index(batch_op.f('ix_event_sessions_chair_id'))
        batch_op.drop_index(batch_op.f('ix_event_sessions_authority_id'))

    op.drop_table('event_sessions')
    op.drop_table('challenge_events')
