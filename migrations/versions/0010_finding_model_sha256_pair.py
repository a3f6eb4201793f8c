"""findings: room for two model files in model_sha256

With the transformer tier's default spam rule (``classifier.spam_model: both``) a spam
finding is the mean of two models' scores, the encoder's spam head and the standard
spam model shipped beside it. Until this release the finding kept only the encoder's
SHA-256, so a disputed spam finding could not be traced to the second file (a later
release may change one file and not the other). ``model_sha256`` now holds every file
that scored the finding, separated by a space: 64 or 129 characters.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.alter_column('model_sha256', existing_type=sa.String(length=64),
                              type_=sa.String(length=200), existing_nullable=True)


def downgrade() -> None:
    # The older release keeps one file: the first one named (the encoder's), as it did.
    op.execute("UPDATE findings SET model_sha256 = substr(model_sha256, 1, 64) WHERE length(model_sha256) > 64")
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.alter_column('model_sha256', existing_type=sa.String(length=200),
                              type_=sa.String(length=64), existing_nullable=True)
