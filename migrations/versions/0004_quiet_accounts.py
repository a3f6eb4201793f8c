"""quiet accounts: council posts and their reply gates, pile-ons, pre-election periods

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 10:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.storage.models

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DT = bot.storage.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'council_posts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('remote_id', sa.String(length=512), nullable=False),
        sa.Column('url', sa.Text(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', UTC_DT, nullable=False),
        sa.Column('seen_at', UTC_DT, nullable=False),
        sa.Column('is_root', sa.Boolean(), nullable=False),
        sa.Column('meta', sa.JSON(), nullable=False),
        sa.Column('gate_policy', sa.String(length=12), nullable=True),
        sa.Column('gate_state', sa.String(length=12), nullable=False),
        sa.Column('gate_attempts', sa.Integer(), nullable=False),
        sa.Column('gate_next_attempt_at', UTC_DT, nullable=True),
        sa.Column('gate_error', sa.Text(), nullable=True),
        sa.Column('gate_done_at', UTC_DT, nullable=True),
        sa.Column('election_review_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'],
                                name=op.f('fk_council_posts_account_id_accounts'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['election_review_id'], ['review_items.id'],
                                name=op.f('fk_council_posts_election_review_id_review_items'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_council_posts')),
        sa.UniqueConstraint('account_id', 'remote_id', name=op.f('uq_council_posts_account_id')),
    )
    op.create_index('ix_council_posts_gate_due', 'council_posts', ['gate_state', 'gate_next_attempt_at'])
    op.create_table(
        'pile_ons',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('post_remote_id', sa.String(length=512), nullable=False),
        sa.Column('detected_at', UTC_DT, nullable=False),
        sa.Column('window_minutes', sa.Integer(), nullable=False),
        sa.Column('replies', sa.Integer(), nullable=False),
        sa.Column('newcomers', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('review_item_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'],
                                name=op.f('fk_pile_ons_account_id_accounts'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_pile_ons_item_id_items'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['review_item_id'], ['review_items.id'],
                                name=op.f('fk_pile_ons_review_item_id_review_items'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pile_ons')),
        sa.UniqueConstraint('item_id', name=op.f('uq_pile_ons_item_id')),
        sa.UniqueConstraint('review_item_id', name=op.f('uq_pile_ons_review_item_id')),
    )
    op.create_index(op.f('ix_pile_ons_account_id'), 'pile_ons', ['account_id'])
    op.create_index(op.f('ix_pile_ons_detected_at'), 'pile_ons', ['detected_at'])
    op.create_index(op.f('ix_pile_ons_post_remote_id'), 'pile_ons', ['post_remote_id'])
    op.create_table(
        'election_periods',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('set_by', sa.String(length=80), nullable=False),
        sa.Column('set_at', UTC_DT, nullable=False),
        sa.Column('cleared_at', UTC_DT, nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_election_periods')),
    )


def downgrade() -> None:
    op.drop_table('election_periods')
    op.drop_index(op.f('ix_pile_ons_post_remote_id'), table_name='pile_ons')
    op.drop_index(op.f('ix_pile_ons_detected_at'), table_name='pile_ons')
    op.drop_index(op.f('ix_pile_ons_account_id'), table_name='pile_ons')
    op.drop_table('pile_ons')
    op.drop_index('ix_council_posts_gate_due', table_name='council_posts')
    op.drop_table('council_posts')
