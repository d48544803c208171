"""Conflicts, assignments, delegations, outbox

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 07:01:52.540169

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_emails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('to_user_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('queued', 'sent', 'failed', name='emailstatus', native_enum=False, length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['to_user_id'], ['users.id'], name=op.f('fk_outbox_emails_to_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_emails'))
    )
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_emails_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_emails_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_emails_to_user_id'), ['to_user_id'], unique=False)

    op.create_table('assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('reviewed_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('proposed', 'published', 'replaced', name='assignmentstate', native_enum=False, length=20), nullable=False),
    sa.Column('replaced_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_assignments_cycle_id_cycles')),
    sa.ForeignKeyConstraint(['replaced_by_id'], ['assignments.id'], name=op.f('fk_assignments_replaced_by_id_assignments')),
    sa.ForeignKeyConstraint(['reviewed_id'], ['authorities.id'], name=op.f('fk_assignments_reviewed_id_authorities')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['authorities.id'], name=op.f('fk_assignments_reviewer_id_authorities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignments'))
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignments_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_reviewed_id'), ['reviewed_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_reviewer_id'), ['reviewer_id'], unique=False)

    op.create_table('conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_authority_id', sa.Integer(), nullable=False),
    sa.Column('second_authority_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('declared_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('first_authority_id < second_authority_id', name=op.f('ck_conflicts_ordered_pair')),
    sa.ForeignKeyConstraint(['declared_by_id'], ['users.id'], name=op.f('fk_conflicts_declared_by_id_users')),
    sa.ForeignKeyConstraint(['first_authority_id'], ['authorities.id'], name=op.f('fk_conflicts_first_authority_id_authorities')),
    sa.ForeignKeyConstraint(['second_authority_id'], ['authorities.id'], name=op.f('fk_conflicts_second_authority_id_authorities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflicts')),
    sa.UniqueConstraint('first_authority_id', 'second_authority_id', name=op.f('uq_conflicts_first_authority_id_second_authority_id'))
    )
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflicts_first_authority_id'), ['first_authority_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflicts_second_authority_id'), ['second_authority_id'], unique=False)

    op.create_table('delegations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('delegate_id', sa.Integer(), nullable=False),
    sa.Column('nominated_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['authority_id'], ['authorities.id'], name=op.f('fk_delegations_authority_id_authorities')),
    sa.ForeignKeyConstraint(['delegate_id'], ['users.id'], name=op.f('fk_delegations_delegate_id_users')),
    sa.ForeignKeyConstraint(['nominated_by_id'], ['users.id'], name=op.f('fk_delegations_nominated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delegations')),
    sa.UniqueConstraint('authority_id', 'delegate_id', name=op.f('uq_delegations_authority_id_delegate_id'))
    )
    with op.batch_alter_table('delegations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delegations_authority_id'), ['authority_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delegations_delegate_id'), ['delegate_id'], unique=False)

    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignment_seed', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('assignments_published_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.drop_column('assignments_published_at')
        batch_op.drop_column('assignment_seed')

    with op.batch_alter_table('delegations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delegations_delegate_id'))
        batch_op.drop_index(batch_op.f('ix_delegations_authority_id'))

    op.drop_table('delegations')
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflicts_second_authority_id'))
        batch_op.drop_index(batch_op.f('ix_conflicts_first_authority_id'))

    op.drop_table('conflicts')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignments_reviewer_id'))
        batch_op.drop_index(batch_op.f('ix_assignments_reviewed_id'))
        batch_op.drop_index(batch_op.f('ix_assignments_cycle_id'))

    op.drop_table('assignments')
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_emails_to_user_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_emails_kind'))
        batch_op.drop_index(batch_op.f('ix_outbox_emails_created_at'))

    op.drop_table('outbox_emails')
