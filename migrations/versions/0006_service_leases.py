"""service leases and the installation id

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 10:10:00
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import bot.storage.models

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'service_leases',
        sa.Column('id', sa.String(length=200), nullable=False),
        sa.Column('host', sa.String(length=255), nullable=False),
        sa.Column('pid', sa.Integer(), nullable=False),
        sa.Column('started_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('renewed_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_service_leases')),
    )
    installation = op.create_table(
        'installation',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('created_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_installation')),
    )
    # Each database gets its own id when it is created or upgraded; backups carry it.
    op.bulk_insert(installation, [{'id': str(uuid.uuid4()), 'created_at': datetime.now(UTC)}])


def downgrade() -> None:
    op.drop_table('installation')
    op.drop_table('service_leases')
