"""Revision 0003 moves existing decisions: a breach recorded as "rejected" because the old
page needed an action to approve (a police referral) becomes upheld, and so does an
approval with no action; the move that changes a decision's meaning is audited on the same hash chain."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.audit import GENESIS, verify_chain
from bot.storage.db import migrate
from tests.support import insert_row, migration_database

T0 = datetime(2026, 10, 5, 9, 30, tzinfo=UTC)
#: review id -> (status, police referral, states of its actions)
OLD = {
    1: ("rejected", True, ["rejected"]),        # a threat sent to the police only: really a breach
    2: ("rejected", False, ["rejected"]),       # fair comment: stays "no breach"
    3: ("approved", False, ["done"]),           # blocked: unchanged
    4: ("approved", False, []),                 # approved from the CLI with nothing proposed
    5: ("pending", False, ["proposed"]),        # not decided yet: untouched
}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_at_0002(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with migration_database(request.param, tmp_path, "0002") as url:
        yield url


def _seed(conn: sa.Connection) -> None:
    from bot.audit import _content, sha256_hex

    insert_row(conn, "accounts", id=1, name="sim", platform="simulated", handle="@council", server_url="",
               created_at=T0, consecutive_failures=0, auth_failed=False, warnings=[], last_poll_requests=0)
    insert_row(conn, "authors", id=1, platform="simulated", remote_id="a1", handle="resident", display_name="",
               is_bot=False, first_seen_at=T0, last_seen_at=T0)
    prev = GENESIS
    for rid, (status, police, states) in OLD.items():
        item_id = rid + 10  # item numbers differ from review numbers, as in a real database
        insert_row(conn, "items", id=item_id, account_id=1, remote_id=f"p{rid}", kind="reply", author_id=1,
                   author_snapshot={}, text="post", html="", url="", created_at=T0, captured_at=T0,
                   context_text="", meta={}, raw="{}", raw_sha256="0" * 64, flagged=True, legal_hold=False)
        insert_row(conn, "findings", item_id=item_id, rule_id="threat_violence", ground="threat", severity=3,
                   clauses=[], spans=[], explanation="x", proposed_actions=["block"], police_referral=police,
                   created_at=T0, upheld={"approved": True, "rejected": False}.get(status))
        insert_row(conn, "review_items", id=rid, item_id=item_id, status=status, severity=3,
                   police_referral_suggested=police, police_referral=police, created_at=T0,
                   decided_at=None if status == "pending" else T0, decided_by=None if status == "pending" else "clerk")
        for n, state in enumerate(states):
            insert_row(conn, "actions", review_item_id=rid, account_id=1, kind="block", params={}, state=state,
                       idempotency_key=f"act-{rid}-{n}", attempts=0, created_at=T0, updated_at=T0)
        details = {"item_id": item_id}
        row_hash = sha256_hex(prev + _content(T0, "clerk", f"review.{status}", "review_item", str(rid), details))
        insert_row(conn, "audit_log", at=T0, actor="clerk", event=f"review.{status}", subject_type="review_item",
                   subject_id=str(rid), details=details, prev_hash=prev, row_hash=row_hash)
        prev = row_hash


def test_existing_decisions_migrate_truthfully(db_at_0002: str) -> None:
    engine = sa.create_engine(db_at_0002)
    with engine.begin() as conn:
        _seed(conn)
    engine.dispose()
    migrate(db_at_0002)
    engine = sa.create_engine(db_at_0002)
    with engine.connect() as conn:
        reviews = {r.id: r for r in conn.execute(sa.text(
            "SELECT id, status, no_action_reason FROM review_items ORDER BY id"))}
        upheld: dict[int, Any] = dict(conn.execute(sa.text("SELECT item_id, upheld FROM findings")).all())
        moved = conn.execute(sa.text("SELECT subject_id, actor, details FROM audit_log "
                                     "WHERE event = 'review.reclassified' ORDER BY id")).all()
    assert {i: (r.status, r.no_action_reason) for i, r in reviews.items()} == {
        1: ("approved", "police"), 2: ("rejected", None), 3: ("approved", None),
        4: ("approved", "record_only"), 5: ("pending", None)}
    assert upheld[11] in (True, 1) and upheld[12] in (False, 0) and upheld[15] is None
    assert [(s, a) for s, a, _ in moved] == [("1", "migration")]  # "record only" changes no meaning
    details = [d if isinstance(d, dict) else json.loads(d) for _, _, d in moved]
    assert details[0]["item_id"] == 11 and details[0]["from"] == "rejected"
    with Session(engine) as s:
        report = verify_chain(s)
    engine.dispose()
    assert report.ok and report.checked == len(OLD) + 1
