"""A real ``modbot`` process killed with SIGKILL at the worst moments loses nothing
and duplicates nothing when started again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from bot.storage import models as m
from tests.processes import add_clerk, kill_at, modbot, write_config

pytestmark = pytest.mark.slow


def db_counts(db_url: str) -> dict[str, object]:
    engine = create_engine(db_url)
    with engine.connect() as c:
        ids = c.execute(select(m.Item.remote_id)).scalars().all()
        out: dict[str, object] = {
            "items": len(ids),
            "distinct": len(set(ids)),
            "cursor": c.execute(select(m.Cursor.value).where(m.Cursor.stream == "main")).scalar(),
            "done": c.execute(select(func.count()).select_from(m.Action).where(m.Action.state == "done")).scalar(),
            "approved": c.execute(
                select(func.count()).select_from(m.Action).where(m.Action.state == "approved")
            ).scalar(),
            "ids": sorted(int(i.split("-")[1]) for i in ids),
        }
    engine.dispose()
    return out


@pytest.mark.parametrize("point", ["poll.fetched", "poll.before_commit"])
def test_poll_killed_before_commit_loses_and_duplicates_nothing(db_url: str, tmp_path: Path, point: str) -> None:
    config = write_config(tmp_path, db_url)
    kill_at(config, tmp_path, point, "poll", "--once")
    assert db_counts(db_url)["items"] == 0  # nothing half-stored
    modbot(config, "poll", "--once")
    after = db_counts(db_url)
    cursor = int(str(after["cursor"]))
    assert after["items"] == after["distinct"]
    expected = [n for n in range(cursor) if n % 53 != 52]  # every post up to the cursor except the malformed one
    assert after["ids"] == expected
    modbot(config, "poll", "--once")
    again = db_counts(db_url)
    assert again["items"] == again["distinct"]
    assert again["ids"] == [n for n in range(int(str(again["cursor"]))) if n % 53 != 52]


@pytest.mark.parametrize("point", ["execute.claimed", "execute.applied"])
def test_executor_killed_mid_way_carries_out_action_exactly_once(db_url: str, tmp_path: Path, point: str) -> None:
    config = write_config(tmp_path, db_url)
    modbot(config, "poll", "--once")
    add_clerk(db_url)
    engine = create_engine(db_url)
    with engine.connect() as c:
        review_id, item_id = c.execute(select(m.ReviewItem.id, m.ReviewItem.item_id)
                                       .where(m.ReviewItem.severity == 3).limit(1)).one()
    engine.dispose()
    modbot(config, "queue", "approve", str(item_id), "--as", "clerk", "--reason", "threat", "--actions", "block")
    kill_at(config, tmp_path, point, "execute", "--once")
    modbot(config, "execute", "--once")
    modbot(config, "execute", "--once")
    state = json.loads((tmp_path / "data" / "simulated-sim.json").read_text())
    key = f"act-{review_id}-block"
    # Killed before the platform was called: called once. Killed after the call but before
    # the outcome was committed: called again with the same idempotency key, applied once.
    assert state["calls"][key] == (1 if point == "execute.claimed" else 2)
    assert state["effects"].count(key) == 1
    counts = db_counts(db_url)
    assert counts["done"] == 1 and counts["approved"] == 0
