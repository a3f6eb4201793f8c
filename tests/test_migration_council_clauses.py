"""Revision 0009: findings stored with the old packaged rules' cross-council clauses
("Thornbury 7.4", "Alcester 2.3") forget them, so the council's own policy is shown;
a council's own clause references are kept."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command

from bot.storage.db import alembic_config, migrate
from tests.support import fresh_postgres_database, postgres_available

T0 = datetime(2026, 10, 5, 9, 30, tzinfo=UTC)
STORED = {
    1: ["Thornbury 7.4", "Alcester 2.3", "Thurcaston 3.5"],   # the old packaged threat rule
    2: ["Thornbury 7.4", "Alsager (advertising)"],             # the old spam rule
    3: ["Pershore 14", "Thornbury (purdah)"],                  # the first pre-election rule
    4: ["9.2", "9.3"],                                         # a council's own rule: kept
    5: ["Thornbury 7.4", "our 4.1"],                           # partly the council's own: kept
    6: [],                                                     # nothing cited: unchanged
}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_at_0008(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
        command.upgrade(alembic_config(url), "0008")
        yield url
        return
    if not postgres_available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not answering in CI")
        pytest.skip("PostgreSQL at 127.0.0.1:5432 is not answering")
    with fresh_postgres_database() as url:
        command.upgrade(alembic_config(url), "0008")
        yield url


def _insert(conn: sa.Connection, table: str, **values: Any) -> None:
    conn.execute(sa.Table(table, sa.MetaData(), autoload_with=conn).insert().values(**values))


def test_cross_council_clauses_are_forgotten_and_the_councils_own_kept(db_at_0008: str) -> None:
    engine = sa.create_engine(db_at_0008)
    with engine.begin() as conn:
        _insert(conn, "accounts", id=1, name="sim", platform="simulated", handle="@council", server_url="",
                created_at=T0, consecutive_failures=0, auth_failed=False, warnings=[], last_poll_requests=0)
        _insert(conn, "authors", id=1, platform="simulated", remote_id="a1", handle="resident", display_name="",
                is_bot=False, first_seen_at=T0, last_seen_at=T0)
        for n, clauses in STORED.items():
            _insert(conn, "items", id=n, account_id=1, remote_id=f"p{n}", kind="reply", author_id=1,
                    author_snapshot={}, text="post", html="", url="", created_at=T0, captured_at=T0,
                    context_text="", meta={}, raw="{}", raw_sha256="0" * 64, flagged=True, legal_hold=False)
            _insert(conn, "findings", id=n, item_id=n, rule_id="threat_of_violence", ground="threat", severity=3,
                    clauses=clauses, spans=[], explanation="x", proposed_actions=[], police_referral=False,
                    created_at=T0)
    engine.dispose()
    migrate(db_at_0008)
    engine = sa.create_engine(db_at_0008)
    with engine.connect() as conn:
        rows = dict(conn.execute(sa.text("SELECT id, clauses FROM findings ORDER BY id")).all())
    engine.dispose()
    after = {n: c if isinstance(c, list) else json.loads(c) for n, c in rows.items()}
    assert after == {1: [], 2: [], 3: [], 4: ["9.2", "9.3"], 5: ["Thornbury 7.4", "our 4.1"], 6: []}
