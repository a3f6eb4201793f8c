"""findings: forget the cross-council clause references of the old packaged rules

Until this release every finding cited the packaged rules' clauses, taken from
several councils' policies ("Thornbury 7.4", "Alcester 2.3", "Alsager (advertising)")
whatever council ran the bot. Findings now cite the council's own policy
(``council.policy``). A finding whose clauses are all such references is left with
none, so the page, e-mails and summary show the council's own clauses for its ground;
clauses a council gave its own rules are kept.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 11:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: How the old packaged rules (and the first quiet-account rules) named other councils' clauses.
OLD_PREFIXES = ("Thornbury ", "Alcester ", "Thurcaston ", "Alsager ", "Pershore ")
BATCH = 500


def _cross_council(clauses: object) -> bool:
    return (isinstance(clauses, list) and bool(clauses)
            and all(isinstance(c, str) and c.startswith(OLD_PREFIXES) for c in clauses))


def upgrade() -> None:
    conn = op.get_bind()
    findings = sa.table('findings', sa.column('id', sa.Integer), sa.column('clauses', sa.JSON))
    last = 0
    while True:
        rows = conn.execute(sa.select(findings.c.id, findings.c.clauses).where(findings.c.id > last)
                            .order_by(findings.c.id).limit(BATCH)).all()
        if not rows:
            return
        stale = [row.id for row in rows if _cross_council(row.clauses)]
        if stale:
            conn.execute(findings.update().where(findings.c.id.in_(stale)).values(clauses=[]))
        last = rows[-1].id


def downgrade() -> None:
    pass  # the old references were another council's; nothing to put back
