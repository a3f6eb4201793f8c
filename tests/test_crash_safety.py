"""A real ``modbot`` process killed with SIGKILL at the worst moments loses nothing
and duplicates nothing when started again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, func, select

from bot.storage import models as m
from tests.support import REPO

pytestmark = pytest.mark.slow


def write_config(tmp: Path, db_url: str) -> Path:
    doc = {
        "council": {
            "name": "Test Town Council",
            "email": "clerk@example.gov.uk",
            "phone": "01454 000000",
            "website": "https://example.gov.uk",
        },
        "mode": "live",
        "data_dir": str(tmp / "data"),
        "database_url": db_url,
        "rules_file": str(REPO / "config" / "rules.yaml"),
        "accounts": [{"name": "sim", "platform": "simulated", "handle": "@council@social.example"}],
    }
    path = tmp / "modbot.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def modbot(
    config: Path, *args: str, crashpoint: str | None = None, marker: Path | None = None, check: bool = True
) -> subprocess.CompletedProcess[str] | subprocess.Popen[str]:
    env = dict(os.environ)
    env.pop("MODBOT_CRASHPOINT", None)
    cmd = [sys.executable, "-m", "bot", "--config", str(config), *args]
    if crashpoint:
        env.update(MODBOT_CRASHPOINT=crashpoint, MODBOT_CRASHPOINT_FILE=str(marker))
        return subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, check=check, timeout=120)


def kill_at(config: Path, tmp: Path, crashpoint: str, *args: str) -> None:
    """Run modbot until it reaches ``crashpoint``, then SIGKILL it."""
    marker = tmp / f"reached-{crashpoint}"
    marker.unlink(missing_ok=True)
    proc = modbot(config, *args, crashpoint=crashpoint, marker=marker)
    assert isinstance(proc, subprocess.Popen)
    deadline = time.monotonic() + 60
    while not marker.exists():  # the child tells us it is there; no guessing with sleeps
        if proc.poll() is not None:
            raise AssertionError(f"modbot exited before {crashpoint}: {proc.stderr.read() if proc.stderr else ''}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"modbot never reached {crashpoint}")
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def db_counts(db_url: str) -> dict[str, object]:
    engine = create_engine(db_url)
    with engine.connect() as c:
        ids = c.execute(select(m.Item.remote_id)).scalars().all()
        out = {
            "items": len(ids),
            "distinct": len(set(ids)),
            "cursor": c.execute(select(m.Cursor.value)).scalar(),
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
    engine = create_engine(db_url)
    with engine.begin() as c:
        c.execute(
            m.User.__table__.insert().values(
                name="clerk",
                role="clerk",
                password_hash="-",
                active=True,
                created_at=m.utcnow(),
                created_by="test",
                recovery_codes=[],
                failed_logins=0,
                totp_confirmed=False,
                totp_last_step=0,
                email="",
            )
        )
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
