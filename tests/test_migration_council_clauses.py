"""Revision 0009: findings stored with the old packaged rules' cross-council clauses
("Thornbury 7.4", "Alcester 2.3") forget them, so the council's own policy is shown;
a council's own clause references are kept."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bot.storage.db import migrate
from tests.support import insert_row, migration_database

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
    with migration_database(request.param, tmp_path, "0008") as url:
        yield url


def test_cross_council_clauses_are_forgotten_and_the_councils_own_kept(db_at_0008: str) -> None:
    engine = sa.create_engine(db_at_0008)
    with engine.begin() as conn:
        insert_row(conn, "accounts", id=1, name="sim", platform="simulated", handle="@council", server_url="",
                   created_at=T0, consecutive_failures=0, auth_failed=False, warnings=[], last_poll_requests=0)
        insert_row(conn, "authors", id=1, platform="simulated", remote_id="a1", handle="resident", display_name="",
                   is_bot=False, first_seen_at=T0, last_seen_at=T0)
        for n, clauses in STORED.items():
            insert_row(conn, "items", id=n, account_id=1, remote_id=f"p{n}", kind="reply", author_id=1,
                       author_snapshot={}, text="post", html="", url="", created_at=T0, captured_at=T0,
                       context_text="", meta={}, raw="{}", raw_sha256="0" * 64, flagged=True, legal_hold=False)
            insert_row(conn, "findings", id=n, item_id=n, rule_id="threat_of_violence", ground="threat", severity=3,
                       clauses=clauses, spans=[], explanation="x", proposed_actions=[], police_referral=False,
                       created_at=T0)
    engine.dispose()
    migrate(db_at_0008)
    engine = sa.create_engine(db_at_0008)
    with engine.connect() as conn:
        rows: dict[int, Any] = dict(conn.execute(sa.text("SELECT id, clauses FROM findings ORDER BY id")).all())
    engine.dispose()
    after = {n: c if isinstance(c, list) else json.loads(c) for n, c in rows.items()}
    assert after == {1: [], 2: [], 3: [], 4: ["9.2", "9.3"], 5: ["Thornbury 7.4", "our 4.1"], 6: []}
