"""findings: SHA-256 of the model file a second-opinion rule consulted

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 10:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: findings stored before this release, and findings of rules that do
    # not consult a model, have none.
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('model_sha256', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_column('model_sha256')
